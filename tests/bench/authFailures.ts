/**
 * Counts failed authentications as the servers themselves logged them (not as the clients claim):
 * Dovecot's `(auth failed, N attempts ...): user=<...>` per connection (N summed) and Exim's
 * `authenticator failed ... (set_id=...)` per attempt. Servers write these lines a moment after the client
 * already has its answer, so the count is read once it has been stable for a while.
 */
import { markLog } from '../servers/logs';
import type { LogCursor } from '../servers/logs';
import type { MailServersInfo } from '../servers/types';

export interface FailedAuthCount {
  readonly imap: number;
  readonly smtp: number;
}

export interface FailedAuthWatch {
  /** Failures for `user` logged since the watch began, once the count stopped changing. */
  settle: () => Promise<FailedAuthCount>;
}

const DOVECOT_FAILURE = /\(auth failed, (\d+) attempts?[^)]*\): user=<([^>]*)>/g;

function countDovecot(text: string, user: string): number {
  let attempts = 0;
  for (const match of text.matchAll(DOVECOT_FAILURE)) {
    if (match[2] === user) attempts += Number(match[1]);
  }
  return attempts;
}

function countExim(text: string, user: string): number {
  return text.split('\n').filter((line) => line.includes('authenticator failed') && line.includes(`(set_id=${user})`)).length;
}

async function count(dovecot: LogCursor, exim: LogCursor, user: string): Promise<FailedAuthCount> {
  const [dovecotText, eximText] = await Promise.all([dovecot.read(), exim.read()]);
  return { imap: countDovecot(dovecotText, user), smtp: countExim(eximText, user) };
}

/** Starts watching both logs for `user`; call before the run, `settle()` after it. */
export async function watchFailedAuth(info: MailServersInfo, user: string, quietMs = 1_000, maxWaitMs = 6_000): Promise<FailedAuthWatch> {
  const [dovecot, exim] = await Promise.all([markLog(info.logs.dovecot), markLog(info.logs.exim)]);
  return {
    settle: async () => {
      const began = Date.now();
      let last = await count(dovecot, exim, user);
      let stableSince = Date.now();
      while (Date.now() - stableSince < quietMs && Date.now() - began < maxWaitMs) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const now = await count(dovecot, exim, user);
        if (now.imap !== last.imap || now.smtp !== last.smtp) {
          last = now;
          stableSince = Date.now();
        }
      }
      return last;
    },
  };
}
