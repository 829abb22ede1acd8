/**
 * SMTP login probe (nodemailer's SMTPConnection): EHLO, ONE `AUTH` command, QUIT, on the connection
 * serverConnection.ts opened and verified (greeting read, STARTTLS done when configured). Never retried,
 * never throws.
 *
 * - nodemailer gets that connection (`connection` + `secured`), starts by reading a greeting (it is given
 *   one), and says EHLO once: after STARTTLS that second EHLO is required (RFC 3207 §4.2), and over
 *   implicit TLS it is the only one. Its EHLO name is ours: the address literal of our end of the
 *   connection, never the Mac's name (dialogue.ts ehloNameFor).
 * - Why SMTPConnection and not `createTransport().verify()`: verify() hides the EHLO reply. SMTPConnection
 *   gives connect() and login() as separate steps, so we check `allowsAuth` before any credential leaves.
 * - How the EHLO lines are read: nodemailer's documented `transactionLog` option hands every server reply
 *   to the `logger` we pass. Our logger keeps server replies (scrubbed when kept) and, of the client side,
 *   only the command verb (EHLO, AUTH PLAIN...), so neither the user name nor the password is ever held.
 * - nodemailer is loaded only when a run logs in to an SMTP server.
 *
 * `probeSmtpWithoutAuth` is the check for an outgoing server whose authentication Mail has switched off:
 * EHLO, MAIL FROM, RCPT TO, then RSET and QUIT (one round trip for the three where the server offers
 * PIPELINING, RFC 2920) — it stops before DATA, so no mail is ever sent. nodemailer's send() always
 * continues to DATA once a recipient is accepted, so that check speaks the dialogue itself.
 */
import type { Socket } from 'node:net';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { LoginOutcome, SmtpWithoutAuthOutcome } from '../../shared/probes/outcomes';
import { libraryTimeoutMs, runWithDeadline } from './deadline';
import { isLastSmtpLine, parseEhloEchoIp, readFailureOutcome } from './dialogue';
import { AUTH_REPLY_DEADLINE_MS, capabilitiesBeforeLogin, type LoginBodyResult, type LoginResult, type LoginStep, loginAt, loginOutcomeOfDialogue, loginOutcomeWithoutSession, runLogin } from './login';
import { connectToServer, type ServerSession } from './serverConnection';
import type { ServerTexts } from './serverText';
import type { LoginCredentials, ProbeContext, ServerEndpoint } from './types';

export interface SmtpWithoutAuthResult {
  readonly outcome: SmtpWithoutAuthOutcome;
  readonly greeting?: string;
  readonly capabilities: readonly string[];
  readonly ehloEchoIp?: string;
}

interface TranscriptEntry {
  readonly side: 'server' | 'client';
  /** Server: the reply as received (raw, kept only through ServerTexts). Client: the command verb only. */
  readonly text: string;
}

/** Client lines are reduced to their verb so that nothing the user typed is kept. */
function clientVerb(line: string): string {
  const words = line.trim().split(/\s+/);
  const verb = (words[0] ?? '').toUpperCase();
  if (verb === 'AUTH') return `AUTH ${(words[1] ?? '').toUpperCase()}`.trim();
  return /^[A-Z]{2,10}$/.test(verb) ? verb : '(continuation)';
}

function transcriptLogger(transcript: TranscriptEntry[]): Record<string, (entry: unknown, message?: unknown) => void> {
  const record = (entry: unknown, message?: unknown): void => {
    if (typeof entry !== 'object' || entry === null || typeof message !== 'string') return;
    const tnx = (entry as { tnx?: unknown }).tnx;
    if (tnx === 'server') transcript.push({ side: 'server', text: message });
    else if (tnx === 'client') transcript.push({ side: 'client', text: clientVerb(message) });
  };
  const ignore = (): void => undefined;
  return { trace: ignore, debug: record, info: ignore, warn: ignore, error: ignore, fatal: ignore };
}

/** The server reply that answered the last client command `verb`. */
function replyTo(transcript: readonly TranscriptEntry[], verb: string): string | undefined {
  for (let index = transcript.length - 1; index >= 0; index -= 1) {
    const entry = transcript[index];
    if (entry?.side === 'client' && entry.text === verb) {
      return transcript.slice(index + 1).find((next) => next.side === 'server')?.text;
    }
  }
  return undefined;
}

/** "250-a\n250-SIZE 1\n250 HELP" -> ["SIZE 1", "HELP"] (the first line is the server's hello). */
function ehloKeywords(reply: string): string[] {
  return reply
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.replace(/^\d{3}[ -]/, '').trim())
    .filter((line) => line.length > 0);
}

interface NodemailerFailure {
  readonly message: string;
  readonly code?: string;
  readonly responseCode?: number;
  readonly response?: string;
}

function asNodemailerFailure(error: unknown): NodemailerFailure {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const record = error as Record<string, unknown>;
  return {
    message: typeof record.message === 'string' ? record.message : 'unknown error',
    ...(typeof record.code === 'string' ? { code: record.code } : {}),
    ...(typeof record.responseCode === 'number' ? { responseCode: record.responseCode } : {}),
    ...(typeof record.response === 'string' ? { response: record.response } : {}),
  };
}

function failureOutcome(failure: NodemailerFailure, session: ServerSession): LoginOutcome {
  if (session.budget.breach !== undefined) return { kind: 'error', errorCode: 'REPLY_TOO_LARGE', message: 'the server sent more than any real mail server does here' };
  return { kind: 'error', errorCode: failure.code ?? 'SMTP_ERROR', message: session.texts.keep(failure.response ?? failure.message) };
}

/**
 * A nodemailer step (connect, login) that ends with its callback, or with the connection failing under it:
 * on a socket error (a broken byte budget, a reset) nodemailer emits 'error' and closes without calling the
 * callback of the step in flight.
 */
function settled(connection: SMTPConnection, start: (done: (failure: NodemailerFailure | null) => void) => void): Promise<NodemailerFailure | null> {
  return new Promise((resolve) => {
    let over = false;
    const finish = (failure: NodemailerFailure | null): void => {
      if (over) return;
      over = true;
      connection.off('error', onError);
      connection.off('end', onEnd);
      resolve(failure);
    };
    const onError = (error: unknown): void => finish(asNodemailerFailure(error));
    const onEnd = (): void => finish({ message: 'the server closed the connection', code: 'ECONNECTION' });
    connection.on('error', onError);
    connection.on('end', onEnd);
    start(finish);
  });
}

async function smtpLogin(step: LoginStep, credentials: LoginCredentials, ctx: ProbeContext): Promise<LoginBodyResult> {
  const { session, watch, scope, startedAt } = step;
  const { texts } = session;
  if (!session.encrypted) {
    // No credential in clear: the capability question (EHLO) is all; nodemailer says its own EHLO otherwise.
    const before = await capabilitiesBeforeLogin(session);
    if ('done' in before) return before.done;
  }

  const { default: SMTPConnection } = await import('nodemailer/lib/smtp-connection');
  const stream = session.handOff(Buffer.from('220 ready\r\n', 'latin1'), { onWrite: (chunk) => watch.observeWrite(chunk), onRead: () => watch.observeRead() });
  const transcript: TranscriptEntry[] = [];
  // nodemailer's own timers never decide: ours does (deadline.ts); these only keep them out of the way.
  const libraryMs = libraryTimeoutMs(ctx) + AUTH_REPLY_DEADLINE_MS;
  const connection = new SMTPConnection({
    host: session.endpoint.host,
    port: session.endpoint.port,
    secure: true,
    secured: true,
    connection: stream as unknown as Socket,
    name: session.ehloName,
    connectionTimeout: libraryMs,
    greetingTimeout: libraryMs,
    socketTimeout: libraryMs,
    socketCloseTimeout: 0,
    // A logger only to read the server's replies (see the file comment); debug stays off.
    logger: transcriptLogger(transcript),
    transactionLog: true,
    debug: false,
  });
  scope.track({ destroy: () => connection.close() });
  // SMTPConnection emits 'error' for socket failures; unhandled it would crash the process.
  connection.on('error', () => undefined);

  const conversation = (): Pick<LoginBodyResult, 'capabilities' | 'ehloEchoIp'> => {
    const ehloReply = replyTo(transcript, 'EHLO');
    const ehloEchoIp = ehloReply === undefined ? undefined : parseEhloEchoIp(ehloReply);
    return { capabilities: ehloReply === undefined ? [] : texts.keepEach(ehloKeywords(ehloReply)), ...(ehloEchoIp === undefined ? {} : { ehloEchoIp }) };
  };

  const connectError = await settled(connection, (done) => {
    connection.connect((error) => done(error === undefined || error === null ? null : asNodemailerFailure(error)));
  });
  if (connectError !== null) {
    connection.close();
    return { login: failureOutcome(connectError, session), ...conversation() };
  }
  if (!connection.allowsAuth) {
    connection.quit();
    connection.close();
    return { login: { kind: 'unavailable', serverText: texts.keep(replyTo(transcript, 'EHLO') ?? 'the server does not offer AUTH') }, ...conversation() };
  }
  const loginError = await settled(connection, (done) => {
    connection.login({ user: credentials.username, pass: credentials.password.reveal() }, (error) => done(error === null ? null : asNodemailerFailure(error)));
  });
  const durationMs = Date.now() - startedAt;
  const mechanism = transcript.findLast((entry) => entry.side === 'client' && entry.text.startsWith('AUTH '))?.text.slice(5);
  let login: LoginOutcome;
  if (loginError === null) login = { kind: 'accepted', ...(mechanism === undefined ? {} : { mechanism }), durationMs };
  else if (loginError.code === 'EAUTH' && loginError.responseCode !== undefined) {
    login = { kind: 'rejected', responseCode: String(loginError.responseCode), serverText: texts.keep(loginError.response ?? loginError.message), durationMs };
  } else login = failureOutcome(loginError, session);
  if (login.kind === 'accepted' || login.kind === 'rejected') connection.quit();
  stream.seal();
  connection.close();
  return { login, ...conversation() };
}

/**
 * Starts loading nodemailer's SMTP client ahead of the login, while the connection waits on the network
 * (serverConnection's `whileWaiting`). Not awaited: the login's own import() reports a failure to load.
 */
export function preloadSmtpLibrary(): void {
  import('nodemailer/lib/smtp-connection').catch(() => undefined);
}

/** One SMTP AUTH attempt on `session` (protocol 'smtp'). */
export function loginSmtpOn(session: ServerSession, credentials: LoginCredentials, ctx: ProbeContext): Promise<LoginResult> {
  return runLogin(session, credentials, ctx, (step) => smtpLogin(step, credentials, ctx));
}

/** One SMTP AUTH attempt against `endpoint`: the connection, then the login on it. */
export function loginSmtp(endpoint: ServerEndpoint, credentials: LoginCredentials, ctx: ProbeContext): Promise<LoginResult> {
  return loginAt('smtp', endpoint, credentials, ctx, loginSmtpOn);
}

// ------------------------------------------------------------------ without authentication

/** Ends the conversation early with a final outcome; caught in relayCheck, never escapes this module. */
class RelayStop extends Error {
  constructor(readonly outcome: SmtpWithoutAuthOutcome) {
    super(`smtp no-auth probe stopped: ${outcome.kind}`);
  }
}

/** Addresses go into the envelope verbatim: refuse anything that could break the command line. */
function isSafeAddress(address: string): boolean {
  return address.length <= 254 && /^[^\s<>\r\n\0]+@[^\s<>\r\n\0]+$/.test(address);
}

function replyCode(reply: string): string {
  return reply.slice(0, 3);
}

async function relayCheck(session: ServerSession, envelope: { readonly from: string; readonly to: string }, texts: ServerTexts): Promise<Omit<SmtpWithoutAuthResult, 'greeting'>> {
  const capabilities = await session.capabilities();
  if (!capabilities.ok) {
    const outcome = loginOutcomeOfDialogue(capabilities.outcome);
    return { outcome: outcome.kind === 'error' ? outcome : { kind: 'error', errorCode: 'PROTOCOL', message: 'the EHLO dialogue failed' }, capabilities: [] };
  }
  const { kept, raw, ehloEchoIp } = capabilities.value;
  const echo = ehloEchoIp === undefined ? {} : { ehloEchoIp };
  if (raw.length === 0 && ehloEchoIp === undefined) return { outcome: { kind: 'error', errorCode: 'EHLO_REFUSED', message: 'the server refused EHLO' }, capabilities: kept, ...echo };
  const { reader } = session;
  const readReply = async (): Promise<string> => {
    const reply = await reader.readReply(isLastSmtpLine);
    if (!reply.ok) {
      const outcome = loginOutcomeOfDialogue(readFailureOutcome(reply, 'capabilities'));
      throw new RelayStop(outcome.kind === 'error' ? outcome : { kind: 'error', errorCode: 'PROTOCOL', message: 'the dialogue failed' });
    }
    return reply.lines.join('\n');
  };
  try {
    const mailFrom = `MAIL FROM:<${envelope.from}>`;
    const rcptTo = `RCPT TO:<${envelope.to}>`;
    let mailReply: string;
    let rcptReply: string | undefined;
    if (raw.some((keyword) => keyword.toUpperCase() === 'PIPELINING')) {
      // RFC 2920: the envelope and RSET in one go, the three answers in order.
      reader.write(`${mailFrom}\r\n${rcptTo}\r\nRSET`);
      mailReply = await readReply();
      rcptReply = await readReply();
      await readReply();
    } else {
      reader.write(mailFrom);
      mailReply = await readReply();
      if (mailReply.startsWith('2')) {
        reader.write(rcptTo);
        rcptReply = await readReply();
      }
      // Stop here whatever the answers: RSET drops the envelope, DATA is never sent.
      reader.write('RSET');
      await readReply();
    }
    session.goodbye();
    if (!mailReply.startsWith('2')) {
      return { outcome: { kind: 'refused', stage: 'mail-from', responseCode: texts.keep(replyCode(mailReply), 3), serverText: texts.keep(mailReply) }, capabilities: kept, ...echo };
    }
    if (rcptReply === undefined || !rcptReply.startsWith('2')) {
      const text = rcptReply ?? '';
      return { outcome: { kind: 'refused', stage: 'rcpt-to', responseCode: texts.keep(replyCode(text), 3), serverText: texts.keep(text) }, capabilities: kept, ...echo };
    }
    return { outcome: { kind: 'accepted', serverText: texts.keep(rcptReply) }, capabilities: kept, ...echo };
  } catch (stop) {
    if (stop instanceof RelayStop) return { outcome: stop.outcome, capabilities: kept, ...echo };
    throw stop;
  }
}

/**
 * For an outgoing server whose authentication is off in Mail, on the connection serverConnection.ts opened:
 * does it accept a message from us without AUTH? EHLO, MAIL FROM:<from>, RCPT TO:<to>, then RSET and QUIT.
 * DATA is never sent, so no message is ever submitted. Sends no credentials.
 */
export async function probeSmtpWithoutAuthOn(session: ServerSession, envelope: { readonly from: string; readonly to: string }, ctx: ProbeContext): Promise<SmtpWithoutAuthResult> {
  const greeting = session.greeting.shown;
  if (!isSafeAddress(envelope.from) || !isSafeAddress(envelope.to)) {
    session.destroy();
    return { outcome: { kind: 'error', errorCode: 'INVALID_ADDRESS', message: 'the envelope addresses are not plain mailbox addresses' }, greeting, capabilities: [] };
  }
  const result = await runWithDeadline<Omit<SmtpWithoutAuthResult, 'greeting'>>(
    ctx,
    (scope) => {
      session.enter(scope);
      return relayCheck(session, envelope, session.texts);
    },
    (reason, afterMs) => ({ outcome: reason === 'cancelled' ? { kind: 'skipped', reason: 'cancelled' } : { kind: 'timeout', afterMs }, capabilities: [] }),
    (error) => ({ outcome: { kind: 'error', errorCode: 'INTERNAL', message: session.texts.keep(error instanceof Error ? error.message : String(error)) }, capabilities: [] }),
  );
  return { ...result, greeting };
}

/** The relay check against `endpoint`: the connection, then the check on it. */
export async function probeSmtpWithoutAuth(endpoint: ServerEndpoint, envelope: { readonly from: string; readonly to: string }, ctx: ProbeContext): Promise<SmtpWithoutAuthResult> {
  if (endpoint.protocol !== 'smtp') {
    return { outcome: { kind: 'error', errorCode: 'WRONG_PROTOCOL', message: `probeSmtpWithoutAuth was given a ${endpoint.protocol} endpoint` }, capabilities: [] };
  }
  const { report, session } = await connectToServer(endpoint, ctx);
  if (session === undefined) {
    const login = loginOutcomeWithoutSession(report, ctx);
    const outcome: SmtpWithoutAuthOutcome =
      login.kind === 'timeout' ? { kind: 'timeout', afterMs: login.afterMs } : login.kind === 'skipped' && login.reason === 'cancelled' ? { kind: 'skipped', reason: 'cancelled' } : { kind: 'error', errorCode: 'CONNECTION_FAILED', message: `the connection failed: ${report.tls.kind}` };
    return { outcome, capabilities: [...report.capabilities], ...(report.greeting === undefined ? {} : { greeting: report.greeting }) };
  }
  return probeSmtpWithoutAuthOn(session, envelope, ctx);
}
