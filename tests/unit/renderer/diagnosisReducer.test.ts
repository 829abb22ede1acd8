import { describe, expect, it } from 'vitest';
import type { DiagnosisStartRequest } from '../../../shared/ipc/contract';
import type { ProgressEvent } from '../../../shared/diagnosis/types';
import {
  diagnosisReducer,
  initialDiagnosisState,
  isBeingChecked,
  stepStatusesFor,
  withoutPassword,
} from '../../../renderer/state/diagnosisReducer';
import type { DiagnosisAction, DiagnosisState } from '../../../renderer/state/diagnosisReducer';
import { facts, loginOf, passwords, skippedLogin, smtpRejected } from '../verdict/factsBuilder';
import { diagnosisOf, recordRun, runOf } from './recordings';

const RUN = 'run-1';

function replay(events: readonly ProgressEvent[], from: DiagnosisState = initialDiagnosisState, request: DiagnosisStartRequest = {}): DiagnosisState {
  const actions: DiagnosisAction[] = [
    { type: 'start-requested', request },
    ...events.map((event): DiagnosisAction => ({ type: 'progress', event })),
  ];
  return actions.reduce(diagnosisReducer, from);
}

const healthy = diagnosisOf(facts());
const staleOutgoing = diagnosisOf(facts(passwords('different'), loginOf('outgoing', smtpRejected)));
const accountId = healthy.account.id;

describe('diagnosisReducer with recorded runs', () => {
  it('healthy run: live steps while running, then every step and the OK verdict', () => {
    const events = recordRun(RUN, [healthy]);
    const started = replay(events.slice(0, 1));
    expect(started.phase).toBe('running');
    expect(started.runId).toBe(RUN);
    expect(stepStatusesFor(started, accountId)).toMatchObject({ restart: 'pending', internet: 'pending' });

    const midway = replay(events.slice(0, 6));
    expect(stepStatusesFor(midway, accountId)).toMatchObject({ internet: 'running', 'server-reachable': 'running', restart: 'pending' });
    expect(isBeingChecked(midway, accountId)).toBe(true);

    const done = replay(events);
    expect(done.phase).toBe('finished');
    expect(done.probesFinished).toBe(8);
    expect(done.results[accountId]?.diagnosis.verdict.code).toBe('OK');
    expect(done.results[accountId]?.runId).toBe(RUN);
    expect(stepStatusesFor(done, accountId)).toEqual(Object.fromEntries(healthy.steps.map((step) => [step.id, step.status])));
    expect(isBeingChecked(done, accountId)).toBe(false);
  });

  it('failing run: the stale outgoing password is the verdict and the outgoing step failed', () => {
    const done = replay(recordRun(RUN, [staleOutgoing]));
    const result = done.results[accountId];
    expect(result?.diagnosis.verdict.code).toBe('PASSWORDS_DIFFER');
    expect(result?.diagnosis.verdict.params).toMatchObject({ staleRole: 'outgoing' });
    expect(stepStatusesFor(done, accountId)?.outgoing).toBe('failed');
    expect(done.error).toBeNull();
  });

  it('cancelled run: marked cancelled, keeps the partial result, and a new run can start', () => {
    const cancelledDiagnosis = diagnosisOf(facts(loginOf('incoming', skippedLogin('cancelled')), loginOf('outgoing', skippedLogin('cancelled'))));
    const events = recordRun(RUN, [cancelledDiagnosis]);
    let state = replay(events.slice(0, 3));
    state = diagnosisReducer(state, { type: 'cancel-requested' });
    expect(state.cancelRequested).toBe(true);
    state = events.slice(3).reduce((s, event) => diagnosisReducer(s, { type: 'progress', event }), state);
    expect(state.phase).toBe('cancelled');
    expect(state.cancelRequested).toBe(false);
    expect(state.results[accountId]?.cancelled).toBe(true);

    const next = diagnosisReducer(state, { type: 'start-requested', request: {} });
    expect(next.phase).toBe('starting');
    // The earlier result stays for the status dot until the new run replaces it.
    expect(next.results[accountId]).toBeDefined();
  });

  it('run-failed: phase failed with main’s message', () => {
    const state = replay([
      { type: 'run-started', runId: RUN, accountIds: [accountId] },
      { type: 'run-failed', runId: RUN, error: { code: 'internal-error', message: 'The check stopped because of an unexpected problem.' } },
    ]);
    expect(state.phase).toBe('failed');
    expect(state.error?.message).toBe('The check stopped because of an unexpected problem.');
  });

  it('ignores events of another run, unknown kinds, unknown steps and accounts, and steps going backwards', () => {
    const events = recordRun(RUN, [healthy]);
    const started = replay(events.slice(0, 1));
    const noise: unknown[] = [
      { type: 'step-changed', runId: 'other-run', accountId, stepId: 'internet', status: 'failed' },
      { type: 'run-finished', runId: 'other-run', run: runOf('other-run', [staleOutgoing]) },
      { type: 'telemetry', runId: RUN },
      { type: 'step-changed', runId: RUN, accountId, stepId: 'no-such-step', status: 'failed' },
      { type: 'step-changed', runId: RUN, accountId: 'someone-else', stepId: 'internet', status: 'failed' },
      { type: 'step-changed', runId: RUN, accountId, stepId: 'internet', status: 'exploded' },
      null,
    ];
    const afterNoise = noise.reduce<DiagnosisState>(
      (state, event) => diagnosisReducer(state, { type: 'progress', event: event as ProgressEvent }),
      started,
    );
    expect(afterNoise).toEqual(started);

    // A late "running" after the step finished does not undo it.
    const passed = diagnosisReducer(started, { type: 'progress', event: { type: 'step-changed', runId: RUN, accountId, stepId: 'internet', status: 'passed' } });
    const late = diagnosisReducer(passed, { type: 'progress', event: { type: 'step-changed', runId: RUN, accountId, stepId: 'internet', status: 'running' } });
    expect(stepStatusesFor(late, accountId)?.internet).toBe('passed');
  });

  it('events of the run may arrive before the answer to "start"; stragglers after the end are ignored', () => {
    const events = recordRun(RUN, [healthy]);
    let state = replay(events);
    expect(state.phase).toBe('finished');
    state = diagnosisReducer(state, { type: 'start-accepted', runId: RUN });
    expect(state.phase).toBe('finished');
    const straggler = diagnosisReducer(state, { type: 'progress', event: { type: 'step-changed', runId: RUN, accountId, stepId: 'internet', status: 'running' } });
    expect(straggler).toBe(state);
  });

  it('start-accepted names the run; a start-refused ends the attempt with main’s message', () => {
    const starting = diagnosisReducer(initialDiagnosisState, { type: 'start-requested', request: { accountId } });
    const accepted = diagnosisReducer(starting, { type: 'start-accepted', runId: RUN });
    expect(accepted).toMatchObject({ phase: 'starting', runId: RUN });
    // Now only this run's events count.
    const foreign = diagnosisReducer(accepted, { type: 'progress', event: { type: 'run-started', runId: 'other', accountIds: [] } });
    expect(foreign).toBe(accepted);

    const refused = diagnosisReducer(starting, { type: 'start-refused', error: { code: 'run-in-progress', message: 'A check is already running.' } });
    expect(refused).toMatchObject({ phase: 'failed', error: { code: 'run-in-progress' } });
  });

  it("login-finished: a side's login shows while the run goes on; other accounts, runs and odd shapes are ignored", () => {
    const started = replay(recordRun(RUN, [healthy]).slice(0, 1));
    const refused = { kind: 'rejected', serverText: '535 Incorrect authentication data', durationMs: 2100 } as const;
    const event = (patch: Record<string, unknown>): ProgressEvent =>
      ({ type: 'login-finished', runId: RUN, accountId, role: 'outgoing', outcome: refused, ...patch });
    const after = diagnosisReducer(started, { type: 'progress', event: event({}) });
    expect(after.liveLogins[accountId]).toEqual({ outgoing: refused });
    for (const noise of [{ accountId: 'someone-else' }, { runId: 'other-run' }, { role: 'sideways' }, { outcome: null }]) {
      expect(diagnosisReducer(started, { type: 'progress', event: event(noise) })).toBe(started);
    }
    // A new run starts with no logins settled.
    const finished = replay(recordRun(RUN, [healthy]));
    expect(diagnosisReducer(finished, { type: 'start-requested', request: {} }).liveLogins).toEqual({});
  });

  it('a second start while one runs is ignored', () => {
    const running = replay(recordRun(RUN, [healthy]).slice(0, 2));
    expect(diagnosisReducer(running, { type: 'start-requested', request: {} })).toBe(running);
  });

  it('never keeps a typed password', () => {
    const request: DiagnosisStartRequest = {
      manual: {
        email: 'alice@example.test',
        incoming: { protocol: 'imap', host: 'mail.example.test', port: 993, tls: 'implicit', username: 'alice@example.test' },
        outgoing: { protocol: 'smtp', host: 'mail.example.test', port: 587, tls: 'starttls', username: 'alice@example.test' },
        password: 'Typed-0nce!',
      },
    };
    const state = diagnosisReducer(initialDiagnosisState, { type: 'start-requested', request });
    expect(JSON.stringify(state)).not.toContain('Typed-0nce!');
    expect(state.request?.manual?.email).toBe('alice@example.test');
    expect(withoutPassword({ accountId })).toEqual({ accountId });
  });
});
