// Reading the servers' logs from a test: only what was written after a mark, and waiting for lines that the
// server writes asynchronously (Dovecot logs "Disconnected ... auth failed" after the client already saw NO).
import { open, stat } from 'node:fs/promises';

export interface LogCursor {
  /** Everything appended to the file since the cursor was created. */
  read: () => Promise<string>;
  /** Waits until at least `count` matches of `pattern` (global flag added) appear after the mark; returns them. */
  waitForMatches: (pattern: RegExp, count: number, timeoutMs?: number) => Promise<string[]>;
}

/** Marks the current end of a log file (e.g. info.logs.dovecot) so a test sees only its own lines. */
export async function markLog(file: string): Promise<LogCursor> {
  const start = await stat(file).then((s) => s.size, () => 0);
  const read = async (): Promise<string> => {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const buffer = Buffer.alloc(Math.max(0, size - start));
      await handle.read(buffer, 0, buffer.length, start);
      return buffer.toString('utf8');
    } finally {
      await handle.close();
    }
  };
  const waitForMatches = async (pattern: RegExp, count: number, timeoutMs = 5000): Promise<string[]> => {
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matches = (await read()).match(global) ?? [];
      if (matches.length >= count || Date.now() > deadline) return matches;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { read, waitForMatches };
}
