/**
 * The bridge side of useDiagnosis (startRun / cancelRun) with a bridge double that records what the
 * window sent and answers like main does. The real bridge is exercised by tests/e2e/window.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import type { DiagnosisStartRequest } from '../../../shared/ipc/contract';
import type { ProgressEvent } from '../../../shared/diagnosis/types';
import { err, ok } from '../../../shared/result';
import type { Result } from '../../../shared/result';
import { diagnosisReducer, initialDiagnosisState } from '../../../renderer/state/diagnosisReducer';
import type { DiagnosisAction, DiagnosisState } from '../../../renderer/state/diagnosisReducer';
import { cancelRun, startRun } from '../../../renderer/state/useDiagnosis';
import type { DiagnosisBridge } from '../../../renderer/state/useDiagnosis';
import { facts } from '../verdict/factsBuilder';
import { diagnosisOf, recordRun } from './recordings';

function harness(answer: Result<{ runId: string }>, eventsBeforeAnswer: readonly ProgressEvent[] = []) {
  let state: DiagnosisState = initialDiagnosisState;
  const sent: DiagnosisStartRequest[] = [];
  const cancelled: string[] = [];
  const listeners = new Set<(event: ProgressEvent) => void>();
  const dispatch = (action: DiagnosisAction): void => {
    state = diagnosisReducer(state, action);
  };
  const bridge: DiagnosisBridge = {
    startDiagnosis: (request) => {
      sent.push(request);
      // Main streams the first events before its answer reaches the window.
      for (const event of eventsBeforeAnswer) for (const listener of listeners) listener(event);
      return Promise.resolve(answer);
    },
    cancelDiagnosis: ({ runId }) => {
      cancelled.push(runId);
      return Promise.resolve(ok(undefined));
    },
    onDiagnosisProgress: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  bridge.onDiagnosisProgress((event) => dispatch({ type: 'progress', event }));
  return { bridge, dispatch, sent, cancelled, state: () => state };
}

describe('startRun / cancelRun', () => {
  it('starts, follows the events that arrived before the answer, and finishes', async () => {
    const diagnosis = diagnosisOf(facts());
    const events = recordRun('run-7', [diagnosis]);
    const h = harness(ok({ runId: 'run-7' }), events);
    await startRun(h.bridge, h.dispatch, { accountId: diagnosis.account.id });
    expect(h.sent).toEqual([{ accountId: diagnosis.account.id }]);
    expect(h.state().phase).toBe('finished');
    expect(h.state().runId).toBe('run-7');
  });

  it('a refused start shows main’s message', async () => {
    const h = harness(err('run-in-progress', 'A check is already running. Wait for it or cancel it first.'));
    await startRun(h.bridge, h.dispatch, {});
    expect(h.state()).toMatchObject({ phase: 'failed', error: { code: 'run-in-progress' } });
  });

  it('cancel asks main to stop that run and marks the state', async () => {
    const diagnosis = diagnosisOf(facts());
    const h = harness(ok({ runId: 'run-8' }), recordRun('run-8', [diagnosis]).slice(0, 2));
    await startRun(h.bridge, h.dispatch, {});
    await cancelRun(h.bridge, h.dispatch, 'run-8');
    expect(h.cancelled).toEqual(['run-8']);
    expect(h.state().cancelRequested).toBe(true);
  });

  it('the typed password goes to the bridge once and is not kept in the state', async () => {
    const h = harness(ok({ runId: 'run-9' }));
    const request: DiagnosisStartRequest = {
      manual: {
        email: 'bob@example.test',
        incoming: { protocol: 'pop3', host: 'mail.example.test', port: 995, tls: 'implicit', username: 'bob@example.test' },
        outgoing: { protocol: 'smtp', host: 'mail.example.test', port: 465, tls: 'implicit', username: 'bob@example.test' },
        password: 'Bob-Typed-1',
      },
    };
    await startRun(h.bridge, h.dispatch, request);
    expect(h.sent[0]?.manual?.password).toBe('Bob-Typed-1');
    expect(JSON.stringify(h.state())).not.toContain('Bob-Typed-1');
  });
});
