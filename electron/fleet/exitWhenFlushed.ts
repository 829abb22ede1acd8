/**
 * The packaged CLI's way out (issue 15, item 4). A fleet script reads `Mail Doctor --cli diagnose --json`
 * through a pipe, and pipes are asynchronous on POSIX: Electron's app.exit() ends the process at once, so
 * whatever the reader had not taken yet — the end of a large JSON report — was lost. Here the process ends
 * only once standard output and standard error have handed everything written before to the OS (the callback
 * of a write runs after every earlier write on that stream). A reader that went away (`| head`) is not an
 * error worth more than its own exit: EPIPE is ignored and the exit code stays the CLI's.
 */
import type { Writable } from 'node:stream';

export function exitWhenFlushed(code: number, exit: (code: number) => void, streams: readonly Writable[] = [process.stdout, process.stderr]): void {
  let pending = streams.length;
  if (pending === 0) {
    exit(code);
    return;
  }
  const flushed = (): void => {
    pending -= 1;
    if (pending === 0) exit(code);
  };
  for (const stream of streams) {
    if (stream.destroyed || stream.writableEnded) {
      flushed();
      continue;
    }
    stream.write('', flushed);
  }
}

/** A closed pipe on standard output or error must not crash the CLI with an unhandled 'error' event. */
export function ignoreClosedPipes(streams: readonly Writable[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}
