/**
 * Runs one whole process and times it as a user's shell would: from spawn until the process has exited.
 * Also notes when each line of output arrived, so the bench can see when a result was shown and how long the
 * process took to exit after its last word (lingering handles show up there).
 */
import { spawn } from 'node:child_process';

export interface TimedLine {
  /** Milliseconds after spawn when the line was complete. */
  readonly atMs: number;
  readonly text: string;
}

export interface ProcessRun {
  readonly ms: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutLines: readonly TimedLine[];
  readonly stderrLines: readonly TimedLine[];
  /** When the last byte on stdout or stderr arrived (ms after spawn); undefined when it printed nothing. */
  readonly lastOutputAtMs: number | undefined;
  /** What the process wrote to file descriptor 3, when `extraFd` asked for one (a measuring wrapper's report). */
  readonly extraFdText: string | undefined;
}

export interface ProcessOptions {
  readonly stdin?: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long; the run then reports code null. */
  readonly killAfterMs?: number;
  /** Give the process a pipe on file descriptor 3 and collect what it writes there. */
  readonly extraFd?: boolean;
}

function lineCollector(started: number, lines: TimedLine[]): (chunk: string) => void {
  let partial = '';
  return (chunk) => {
    const atMs = performance.now() - started;
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) lines.push({ atMs, text });
  };
}

export function runProcess(command: string, args: readonly string[], options: ProcessOptions = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: options.extraFd === true ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'],
    });
    let extraFdText: string | undefined;
    const extra = child.stdio[3];
    if (extra !== undefined && extra !== null && 'setEncoding' in extra) {
      extraFdText = '';
      extra.setEncoding('utf8').on('data', (chunk: string) => (extraFdText = (extraFdText ?? '') + chunk));
    }
    let stdout = '';
    let stderr = '';
    let lastOutputAtMs: number | undefined;
    const stdoutLines: TimedLine[] = [];
    const stderrLines: TimedLine[] = [];
    const onStdoutLine = lineCollector(started, stdoutLines);
    const onStderrLine = lineCollector(started, stderrLines);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      lastOutputAtMs = performance.now() - started;
      stdout += chunk;
      onStdoutLine(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      lastOutputAtMs = performance.now() - started;
      stderr += chunk;
      onStderrLine(chunk);
    });
    const killer = options.killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
    child.on('error', reject);
    // 'exit' (not 'close'): the process is gone; its pipes may still hold the last bytes, read by then anyway.
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      clearTimeout(killer);
      // Let the pipes deliver what is left before resolving.
      child.on('close', () => resolve({ ms, code, stdout, stderr, stdoutLines, stderrLines, lastOutputAtMs, extraFdText }));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}
