/**
 * The toolbar's determinate progress (renderer/view/runProgress.ts) on a recorded run: it moves forward
 * as main's probes finish, never backwards, and ends on the last step.
 */
import { describe, expect, it } from 'vitest';
import { CHECKLIST_STEP_IDS } from '../../../shared/checklist/steps';
import type { ProgressEvent } from '../../../shared/diagnosis/types';
import { diagnosisReducer, initialDiagnosisState } from '../../../renderer/state/diagnosisReducer';
import type { DiagnosisState } from '../../../renderer/state/diagnosisReducer';
import { runProgress } from '../../../renderer/view/runProgress';
import { progressWords } from '../../../renderer/components/Toolbar';
import { facts } from '../verdict/factsBuilder';
import { PROBES_IN_ORDER, diagnosisOf, recordRun } from './recordings';

const diagnosis = diagnosisOf(facts());
const accountId = diagnosis.account.id;

function progressAfter(events: readonly ProgressEvent[]) {
  const state = events.reduce<DiagnosisState>(
    (current, event) => diagnosisReducer(current, { type: 'progress', event }),
    diagnosisReducer(initialDiagnosisState, { type: 'start-requested', request: {} }),
  );
  const steps = state.liveSteps[accountId];
  if (steps === undefined) throw new Error('no live steps');
  return runProgress(steps, state.finishedProbes[accountId] ?? [], ['incoming', 'outgoing']);
}

describe('runProgress', () => {
  const events = recordRun('run-1', [diagnosis]).filter((event) => event.type !== 'run-finished');

  it('starts at step 2 (the restart step is read at once) and moves forward as probes finish', () => {
    const positions: number[] = [];
    const done: number[] = [];
    for (let count = 1; count <= events.length; count += 1) {
      const progress = progressAfter(events.slice(0, count));
      positions.push(progress.position);
      done.push(progress.done);
    }
    expect(positions[0]).toBe(2);
    expect(done[0]).toBe(1);
    for (let index = 1; index < positions.length; index += 1) {
      expect(positions[index]).toBeGreaterThanOrEqual(positions[index - 1] ?? 0);
      expect(done[index]).toBeGreaterThanOrEqual(done[index - 1] ?? 0);
    }
    // Every server connected: steps 2 and 4 are done, webmail (3) too; the logins follow.
    const afterConnect = progressAfter(events.slice(0, events.findIndex((event) => event.type === 'probe-finished' && event.probe === 'webmail') + 1));
    expect(afterConnect.current).toBe('incoming-login');
    // With every step's result in, the check is on its last step and all nine are done.
    expect(progressAfter(events)).toEqual({ current: 'contact-host', position: 9, done: CHECKLIST_STEP_IDS.length, total: 9 });
  });

  it('a slow receiving server: the sending side answered, so the check is past the internet and waits on the servers', () => {
    const finished: readonly string[] = PROBES_IN_ORDER.filter((probe) => probe.startsWith('outgoing-') || probe === 'webmail');
    const progress = progressAfter(
      events.filter((event) => {
        if (event.type === 'step-changed') return event.status === 'running';
        return event.type !== 'probe-finished' || finished.includes(event.probe);
      }),
    );
    expect(progress.current).toBe('server-reachable');
    expect(progress.position).toBe(4);
  });

  it('says where it is in words', () => {
    expect(progressWords(progressAfter(events.slice(0, 1)), false)).toBe('Step 2 of 9 — Internet access…');
    expect(progressWords(null, false)).toBe('Starting…');
    expect(progressWords(null, true)).toBe('Stopping…');
    // A step title's "(IT admin)" and question mark stay in the checklist.
    expect(progressWords({ current: 'ip-blocked', position: 7, done: 6, total: 9 }, false)).toBe('Step 7 of 9 — Is this internet connection blocked…');
  });
});
