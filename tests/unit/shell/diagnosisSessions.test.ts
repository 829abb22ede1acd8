import { describe, expect, it } from 'vitest';
import type { DiagnosisRun, ProgressEvent } from '../../../shared/diagnosis/types';
import { createDiagnosisSessions } from '../../../electron/ipc/diagnosisSessions';
import type { RunControl } from '../../../electron/ipc/diagnosisSessions';

function finishedRun(runId: string): DiagnosisRun {
  return {
    runId,
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:00:01.000Z',
    durationMs: 1000,
    internet: { kind: 'unknown' } as unknown as DiagnosisRun['internet'],
    publicIp: { kind: 'unknown', reason: 'lookup-disabled' },
    discoveryProblems: [],
    accounts: [],
    options: { noLogin: true },
  };
}

function controllableDiagnose() {
  const runs: { control: RunControl; finish: () => void; fail: () => void }[] = [];
  const diagnose = (_request: unknown, control: RunControl) =>
    new Promise<DiagnosisRun>((resolve, reject) => {
      runs.push({ control, finish: () => resolve(finishedRun(control.runId)), fail: () => reject(new Error('boom')) });
    });
  return { diagnose, runs };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('diagnosis sessions', () => {
  it('hands out the run id at once and keeps the finished run for the report', async () => {
    const { diagnose, runs } = controllableDiagnose();
    let counter = 0;
    const sessions = createDiagnosisSessions({ diagnose, newRunId: () => `run-${String(++counter)}`, log: () => undefined });
    await expect(sessions.start({}, () => undefined)).resolves.toEqual({ ok: true, value: { runId: 'run-1' } });
    expect(sessions.finishedRun('run-1')).toBeUndefined();
    runs[0]?.finish();
    await settle();
    expect(sessions.finishedRun('run-1')?.runId).toBe('run-1');
  });

  it('refuses a second run while one is going, and allows one after it ended', async () => {
    const { diagnose, runs } = controllableDiagnose();
    let counter = 0;
    const sessions = createDiagnosisSessions({ diagnose, newRunId: () => `run-${String(++counter)}`, log: () => undefined });
    await sessions.start({}, () => undefined);
    await expect(sessions.start({}, () => undefined)).resolves.toMatchObject({ ok: false, error: { code: 'run-in-progress' } });
    expect(runs).toHaveLength(1);
    runs[0]?.finish();
    await settle();
    await expect(sessions.start({}, () => undefined)).resolves.toMatchObject({ ok: true, value: { runId: 'run-2' } });
  });

  it('cancels the running run through its AbortSignal, and only that run', async () => {
    const { diagnose, runs } = controllableDiagnose();
    const sessions = createDiagnosisSessions({ diagnose, newRunId: () => 'run-1', log: () => undefined });
    await sessions.start({}, () => undefined);
    await expect(sessions.cancel('run-9')).resolves.toMatchObject({ ok: false, error: { code: 'run-not-found' } });
    expect(runs[0]?.control.signal.aborted).toBe(false);
    await expect(sessions.cancel('run-1')).resolves.toEqual({ ok: true, value: undefined });
    expect(runs[0]?.control.signal.aborted).toBe(true);
  });

  it('reports a crashed run as run-failed without its error text', async () => {
    const { diagnose, runs } = controllableDiagnose();
    const events: ProgressEvent[] = [];
    const log: string[] = [];
    const sessions = createDiagnosisSessions({ diagnose, newRunId: () => 'run-1', log: (m) => log.push(m) });
    await sessions.start({}, (event) => events.push(event));
    runs[0]?.fail();
    await settle();
    expect(events).toEqual([
      { type: 'run-failed', runId: 'run-1', error: { code: 'internal-error', message: 'The check stopped because of an unexpected problem.' } },
    ]);
    expect(log).toEqual(['diagnosis run-1 failed (Error)']);
    await expect(sessions.start({}, () => undefined)).resolves.toMatchObject({ ok: true });
  });

  it('keeps only the most recent finished runs', async () => {
    const { diagnose, runs } = controllableDiagnose();
    let counter = 0;
    const sessions = createDiagnosisSessions({ diagnose, newRunId: () => `run-${String(++counter)}`, log: () => undefined, keepFinished: 2 });
    for (let i = 0; i < 3; i++) {
      await sessions.start({}, () => undefined);
      runs[i]?.finish();
      await settle();
    }
    expect(sessions.finishedRun('run-1')).toBeUndefined();
    expect(sessions.finishedRun('run-2')).toBeDefined();
    expect(sessions.finishedRun('run-3')).toBeDefined();
  });
});
