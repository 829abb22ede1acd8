/**
 * The scheduled run's hard time limit, on real processes: the run is aborted at the limit, a process whose
 * event loop is stuck is killed (SIGKILL, from the watchdog thread) after the grace time, and a run that
 * finished in time is left alone. Bounds are generous: they prove "ends", not speed.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly elapsedMs: number;
}

function runChild(mode: string, limitMs: number, graceMs: number): Promise<ChildResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'timeLimitChild.ts'), mode, String(limitMs), String(graceMs)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const guard = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, elapsedMs: Date.now() - started });
    });
  });
}

describe('the hard time limit', () => {
  it('aborts the run at the limit, which then ends normally', async () => {
    const result = await runChild('wait-for-abort', 500, 20_000);
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(result.stdout).toBe('started\nlimit\naborted: the run reached its time limit of 1 s\nstopped\n');
  }, 60_000);

  it('kills a process whose event loop is stuck, by SIGKILL from the watchdog thread', async () => {
    const result = await runChild('block', 500, 1_000);
    expect(result.signal).toBe('SIGKILL');
    expect(result.stdout).toBe('started\n');
    // Killed well before the 60 s the stuck loop would have lasted.
    expect(result.elapsedMs).toBeLessThan(40_000);
  }, 60_000);

  it('leaves a run that finished in time alone', async () => {
    const result = await runChild('finish', 300, 300);
    expect(result).toMatchObject({ code: 0, signal: null, stdout: 'started\nfinished aborted=false\n' });
  }, 60_000);
});
