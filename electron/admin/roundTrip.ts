/**
 * The test mailbox's round trip: send one message to itself over SMTP (nodemailer's SMTPConnection:
 * AUTH, MAIL FROM, RCPT TO, DATA) and read it back over IMAP (imapflow), both with TLS verification on
 * (system roots plus the extra CAs; the server's name is checked, never the address connected to).
 *
 * These run only after the flow's login probes accepted this very mailbox's fresh password on the same
 * server (electron/admin/testMailbox.ts), so they cannot add a failure to the server's count by guessing.
 * Each has one deadline and the caller's AbortSignal, and never throws: it returns what happened, in the
 * server's words (bounded and scrubbed by the caller).
 *
 * The EHLO name is an address literal of our own end of the connection ("[192.0.2.7]"), as for every SMTP
 * connection Mail Doctor makes: never the Mac's host name. That is why the TCP socket is opened here and
 * handed to nodemailer (its `connection` option), which then does the TLS itself (implicit or STARTTLS).
 */
import net from 'node:net';
import type { ImapFlow } from 'imapflow';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { errorCodeOf, errorMessageOf } from '../errors';
import type { Secret } from '../keychain/secret';
import { sniName, verifiedTlsOptions } from '../probes/certificate';
import type { ServerEndpoint } from '../probes/types';

export interface RoundTripContext {
  /** Absolute time (Date.now()) by which this step must have ended. */
  readonly deadline: number;
  readonly signal: AbortSignal;
  readonly extraCaPem?: readonly string[];
}

export interface MailboxCredentials {
  readonly address: string;
  readonly password: Secret;
}

export type StepResult = { readonly ok: true; readonly durationMs: number } | { readonly ok: false; readonly durationMs: number; readonly reason: string };

/** The message sent to itself: a Message-ID to find it by, and nothing about the person. */
export interface TestMessage {
  readonly messageId: string;
  readonly subject: string;
}

export async function sendToItself(endpoint: ServerEndpoint, credentials: MailboxCredentials, message: TestMessage, ctx: RoundTripContext): Promise<StepResult> {
  const started = Date.now();
  const elapsed = (): number => Date.now() - started;
  const remaining = (): number => Math.max(1, ctx.deadline - Date.now());
  let connection: SMTPConnection | undefined;
  let socket: net.Socket | undefined;
  const stop = (): void => {
    connection?.close();
    socket?.destroy();
  };
  ctx.signal.addEventListener('abort', stop, { once: true });
  const timer = setTimeout(stop, remaining());
  try {
    // Loaded on use, as the probes do: a run that never sends never loads nodemailer.
    const { default: Connection } = await import('nodemailer/lib/smtp-connection');
    socket = await openSocket(endpoint, ctx);
    const servername = sniName(endpoint.host);
    const active = new Connection({
      connection: socket,
      host: endpoint.connectAddress ?? endpoint.host,
      port: endpoint.port,
      secure: endpoint.tls === 'implicit',
      requireTLS: endpoint.tls === 'starttls',
      opportunisticTLS: false,
      name: addressLiteral(socket.localAddress),
      ...(servername === undefined ? {} : { servername }),
      tls: { ...verifiedTlsOptions({ ...(ctx.extraCaPem === undefined ? {} : { extraCaPem: ctx.extraCaPem }) }, endpoint.host), ...(servername === undefined ? {} : { servername }) },
      connectionTimeout: remaining(),
      greetingTimeout: remaining(),
      socketTimeout: remaining(),
      socketCloseTimeout: 0,
      logger: false,
      debug: false,
    });
    connection = active;
    active.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => active.connect((error?: Error | null) => (error ? reject(error) : resolve())));
    await new Promise<void>((resolve, reject) =>
      active.login({ user: credentials.address, pass: credentials.password.reveal() }, (error?: Error | null) => (error ? reject(error) : resolve())),
    );
    const body = [
      `From: <${credentials.address}>`,
      `To: <${credentials.address}>`,
      `Subject: ${message.subject}`,
      `Message-ID: ${message.messageId}`,
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Mail Doctor sent this message to a temporary test mailbox, to check that mail is delivered.',
      'The mailbox is deleted right after the check.',
      '',
    ].join('\r\n');
    await new Promise<void>((resolve, reject) =>
      active.send({ from: credentials.address, to: [credentials.address] }, body, (error?: Error | null) => (error ? reject(error) : resolve())),
    );
    active.quit();
    return { ok: true, durationMs: elapsed() };
  } catch (error) {
    return { ok: false, durationMs: elapsed(), reason: failureWords(error, ctx, started) };
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', stop);
    connection?.close();
  }
}

/** Logs in over IMAP, waits for the message to arrive in INBOX (polling until the deadline), reads its envelope. */
export async function readBack(endpoint: ServerEndpoint, credentials: MailboxCredentials, message: TestMessage, ctx: RoundTripContext): Promise<StepResult> {
  const started = Date.now();
  const elapsed = (): number => Date.now() - started;
  const remaining = (): number => Math.max(1, ctx.deadline - Date.now());
  const servername = sniName(endpoint.host);
  // Loaded on use, as the probes do: a run that never reads back never loads imapflow.
  const { ImapFlow: Client } = await import('imapflow');
  const client: ImapFlow = new Client({
    host: endpoint.connectAddress ?? endpoint.host,
    port: endpoint.port,
    secure: endpoint.tls === 'implicit',
    doSTARTTLS: endpoint.tls === 'starttls',
    ...(servername === undefined ? {} : { servername }),
    tls: verifiedTlsOptions({ ...(ctx.extraCaPem === undefined ? {} : { extraCaPem: ctx.extraCaPem }) }, endpoint.host),
    auth: { user: credentials.address, pass: credentials.password.reveal() },
    logger: false,
    emitLogs: false,
    disableAutoIdle: true,
    disableCompression: true,
    connectionTimeout: remaining(),
    greetingTimeout: remaining(),
    socketTimeout: remaining(),
  });
  client.on('error', () => undefined);
  const stop = (): void => {
    client.close();
  };
  ctx.signal.addEventListener('abort', stop, { once: true });
  const timer = setTimeout(stop, remaining());
  try {
    await client.connect();
    const lock = await client.getMailboxLock('INBOX');
    try {
      for (;;) {
        const found = await client.search({ header: { 'message-id': message.messageId } }, { uid: true });
        const uid = Array.isArray(found) ? found[0] : undefined;
        if (uid !== undefined) {
          const fetched = await client.fetchOne(String(uid), { envelope: true }, { uid: true });
          const subject = fetched === false ? undefined : fetched.envelope?.subject;
          if (subject !== message.subject) return { ok: false, durationMs: elapsed(), reason: 'a message arrived, but not the one sent' };
          break;
        }
        if (Date.now() + 500 >= ctx.deadline || ctx.signal.aborted) {
          return { ok: false, durationMs: elapsed(), reason: `the message sent to the test mailbox had not arrived after ${Math.round(elapsed() / 1000)} s` };
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
        // NOOP makes the server report new messages on this connection before the next search.
        await client.noop();
      }
    } finally {
      lock.release();
    }
    await client.logout();
    return { ok: true, durationMs: elapsed() };
  } catch (error) {
    return { ok: false, durationMs: elapsed(), reason: failureWords(error, ctx, started) };
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', stop);
    client.close();
  }
}

function openSocket(endpoint: ServerEndpoint, ctx: RoundTripContext): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: endpoint.connectAddress ?? endpoint.host, port: endpoint.port });
    const fail = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.off('error', fail);
      resolve(socket);
    });
    const timer = setTimeout(() => fail(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })), Math.max(1, ctx.deadline - Date.now()));
    socket.once('close', () => clearTimeout(timer));
    socket.once('connect', () => clearTimeout(timer));
  });
}

function addressLiteral(address: string | undefined): string {
  if (address === undefined || address === '') return '[127.0.0.1]';
  const plain = address.replace(/^::ffff:/i, '');
  return net.isIPv6(plain) ? `[IPv6:${plain}]` : `[${plain}]`;
}

/** The library's words for a failure: its server response when it has one, else its code and message. */
function failureWords(error: unknown, ctx: RoundTripContext, started: number): string {
  if (ctx.signal.aborted) return 'cancelled';
  if (Date.now() >= ctx.deadline) return `no answer within ${Math.round((ctx.deadline - started) / 1000)} s`;
  const record = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const response = typeof record['response'] === 'string' ? record['response'] : undefined;
  return response ?? `${errorCodeOf(error)}: ${errorMessageOf(error)}`;
}
