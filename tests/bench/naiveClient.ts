/**
 * The comparison: what a typical script or tool does to "check the mail account" — imapflow `connect()`
 * (then `logout()`) and nodemailer `createTransport(...).verify()`, both with the libraries' DEFAULT
 * timeouts, run in parallel (the best case for the naive side). The only options set are the ones any
 * caller must set: host, port, TLS mode, credentials, trusting the test CA (verification stays on), and
 * imapflow's console logger off so the bench output stays readable. No timeout option is touched.
 *
 * Trust list: the same as Mail Doctor's in this bench (Node's root store plus the test CA, verification on).
 * With a `ca` list Node parses every root certificate again for each connection (~25 ms of CPU here).
 * Giving the naive side only the test CA would spare it that cost while Mail Doctor pays it, an advantage
 * that comes from the test setup, not from the client.
 *
 * A measurement that would run past the cap is stopped there and reported as "≥ cap", never as a number
 * it did not reach.
 */
import tls from 'node:tls';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';

export interface NaiveTarget {
  readonly host: string;
  readonly imapPort: number;
  readonly smtpPort: number;
  readonly user: string;
  readonly password: string;
  readonly caPem: string;
}

export interface ProtocolAnswer {
  readonly ms: number;
  /** True when the cap stopped the wait: the library had not answered yet. */
  readonly capped: boolean;
  /** 'logged in' / 'verified', or the library's error code and message. */
  readonly answer: string;
}

export interface NaiveResult {
  /** Until both protocols answered (a verdict on the account needs both); capped when either was. */
  readonly ms: number;
  readonly capped: boolean;
  readonly imap: ProtocolAnswer;
  readonly smtp: ProtocolAnswer;
}

function trustList(target: NaiveTarget): string[] {
  return [...tls.rootCertificates, target.caPem];
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const { code, serverResponseCode } = error as { code?: unknown; serverResponseCode?: unknown };
  // imapflow's message for a refused login is just "Command failed"; the server's response code says why.
  const reason = typeof serverResponseCode === 'string' ? ` [${serverResponseCode}]` : '';
  // Code and message only: neither library puts the password in them.
  return `${typeof code === 'string' ? `${code}: ` : ''}${error.message}${reason}`;
}

/** Runs `work`; at `capMs` calls `stop` (which must end the library's wait) and reports the cap instead. */
async function measureWithCap(work: () => Promise<string>, capMs: number, stop: () => void): Promise<ProtocolAnswer> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<'cap'>((resolve) => {
    timer = setTimeout(() => resolve('cap'), capMs);
  });
  const answered = work().then((answer) => ({ answer, ms: performance.now() - started }));
  const first = await Promise.race([answered, cap]);
  clearTimeout(timer);
  if (first === 'cap') {
    // Not awaited: nodemailer's verify() cannot be aborted. The scenario keeps its faulty proxy (and
    // firewall rule) in place until the bench ends, so the leftover wait can reach nothing else.
    stop();
    return { ms: capMs, capped: true, answer: 'no answer yet' };
  }
  return { ms: first.ms, capped: false, answer: first.answer };
}

export function naiveImap(target: NaiveTarget, capMs: number): Promise<ProtocolAnswer> {
  const client = new ImapFlow({
    host: target.host,
    port: target.imapPort,
    secure: true,
    auth: { user: target.user, pass: target.password },
    tls: { ca: trustList(target) },
    logger: false,
  });
  // imapflow emits 'error' after a failed connect; without a listener the process would crash.
  client.on('error', () => undefined);
  return measureWithCap(
    async () => {
      try {
        await client.connect();
        await client.logout();
        return 'logged in';
      } catch (error) {
        return describeFailure(error);
      } finally {
        // After a refused login the server logs the failure when the connection ends: end it now.
        client.close();
      }
    },
    capMs,
    () => client.close(),
  );
}

export function naiveSmtp(target: NaiveTarget, capMs: number): Promise<ProtocolAnswer> {
  const transporter = nodemailer.createTransport({
    host: target.host,
    port: target.smtpPort,
    secure: false,
    auth: { user: target.user, pass: target.password },
    tls: { ca: trustList(target) },
  });
  return measureWithCap(
    async () => {
      try {
        await transporter.verify();
        return 'verified';
      } catch (error) {
        return describeFailure(error);
      } finally {
        transporter.close();
      }
    },
    capMs,
    // verify() uses its own connection, which close() does not reach (see measureWithCap).
    () => transporter.close(),
  );
}

export async function naiveCheck(target: NaiveTarget, capMs: number): Promise<NaiveResult> {
  const [imap, smtp] = await Promise.all([naiveImap(target, capMs), naiveSmtp(target, capMs)]);
  return { ms: Math.max(imap.ms, smtp.ms), capped: imap.capped || smtp.capped, imap, smtp };
}
