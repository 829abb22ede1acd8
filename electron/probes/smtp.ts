/**
 * SMTP login probe (nodemailer's SMTPConnection): greeting, EHLO, STARTTLS or implicit TLS, EHLO
 * again, ONE `AUTH` command, QUIT. Never retried, never throws.
 *
 * Why SMTPConnection and not `createTransport().verify()`: verify() hides the greeting and the EHLO
 * reply. SMTPConnection gives us connect() and login() as separate steps, so we can check `allowsAuth`
 * before any credential leaves, and read what the server said.
 *
 * How the greeting and EHLO lines are read: nodemailer's documented `transactionLog` option hands
 * every server reply to the `logger` we pass. Our logger keeps server replies verbatim and, of the
 * client side, only the command verb (EHLO, STARTTLS, AUTH PLAIN...), so neither the user name nor
 * the password is ever held (nodemailer itself already masks AUTH arguments in that log).
 *
 * TLS verification stays on (system roots + ctx.extraCaPem, the configured host's name is checked).
 * With tls 'none' no credentials are given to nodemailer at all: greeting + EHLO only, and the
 * outcome is `skipped: cleartext-connection` (Mail Doctor never sends a password in clear).
 *
 * `probeSmtpWithoutAuth` is the check for an outgoing server whose authentication Mail has switched
 * off: EHLO, MAIL FROM, RCPT TO, then RSET and QUIT — it stops before DATA, so no mail is ever sent.
 * nodemailer's send() always continues to DATA once a recipient is accepted, so that check runs on
 * the strict line client (lineSession.ts).
 */
import os from 'node:os';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { LoginOutcome, SmtpWithoutAuthOutcome } from '../../shared/probes/outcomes';
import { sniName, verifiedTlsOptions } from './certificate';
import { libraryTimeoutMs, untilDeadlineOrCancel } from './deadline';
import { LineSession, outcomeForSessionFailure, type SessionResult } from './lineSession';
import { parseEhloEchoIp } from './serverDialogue';
import type { LoginCredentials, ProbeContext, ServerEndpoint } from './types';

export interface SmtpLoginResult {
  readonly login: LoginOutcome;
  /** The 220 greeting verbatim. */
  readonly greeting?: string;
  /** EHLO keywords after the greeting line (after STARTTLS when used), e.g. "AUTH PLAIN LOGIN". */
  readonly capabilities: string[];
  /** The client address in `250-host Hello name [ip]`: our public IP as the server sees it. */
  readonly ehloEchoIp?: string;
}

export interface SmtpWithoutAuthResult {
  readonly outcome: SmtpWithoutAuthOutcome;
  readonly greeting?: string;
  readonly capabilities: string[];
  readonly ehloEchoIp?: string;
}

/** The EHLO name nodemailer would use: the host name when it is fully qualified, else an address literal. */
function ehloName(): string {
  const hostname = os.hostname();
  return hostname.includes('.') ? hostname : '[127.0.0.1]';
}

interface TranscriptEntry {
  readonly side: 'server' | 'client';
  /** Server: the reply verbatim. Client: the command verb only (plus the SASL mechanism for AUTH). */
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

function connectionFailureOutcome(failure: NodemailerFailure, afterMs: number): LoginOutcome {
  if (failure.code === 'ETIMEDOUT' || failure.code === 'CONNECT_TIMEOUT') return { kind: 'timeout', afterMs };
  return { kind: 'error', errorCode: failure.code ?? 'SMTP_ERROR', message: failure.response ?? failure.message };
}

/** One SMTP AUTH attempt against `endpoint` (protocol 'smtp'). */
export async function loginSmtp(endpoint: ServerEndpoint, credentials: LoginCredentials, ctx: ProbeContext): Promise<SmtpLoginResult> {
  if (endpoint.protocol !== 'smtp') {
    return { login: { kind: 'error', errorCode: 'WRONG_PROTOCOL', message: `loginSmtp was given a ${endpoint.protocol} endpoint` }, capabilities: [] };
  }
  if (ctx.signal.aborted) return { login: { kind: 'skipped', reason: 'cancelled' }, capabilities: [] };
  if (endpoint.tls !== 'none' && credentials.password.isEmpty) {
    return { login: { kind: 'skipped', reason: 'no-password' }, capabilities: [] };
  }

  const transcript: TranscriptEntry[] = [];
  const budgetMs = libraryTimeoutMs(ctx);
  const servername = sniName(endpoint.host);
  const connection = new SMTPConnection({
    host: endpoint.connectAddress ?? endpoint.host,
    port: endpoint.port,
    secure: endpoint.tls === 'implicit',
    requireTLS: endpoint.tls === 'starttls',
    ignoreTLS: endpoint.tls === 'none',
    opportunisticTLS: false,
    ...(servername === undefined ? {} : { servername }),
    tls: verifiedTlsOptions(ctx, endpoint.host),
    connectionTimeout: budgetMs,
    greetingTimeout: budgetMs,
    socketTimeout: budgetMs,
    dnsTimeout: budgetMs,
    socketCloseTimeout: 0,
    // A logger only to read the server's replies (see the file comment); debug stays off.
    logger: transcriptLogger(transcript),
    transactionLog: true,
    debug: false,
  });
  // SMTPConnection emits 'error' for socket failures; unhandled it would crash the process.
  connection.on('error', () => undefined);

  const startedAt = Date.now();

  const attempt = (async (): Promise<LoginOutcome> => {
    const connectError = await new Promise<NodemailerFailure | null>((resolve) => {
      connection.connect((error) => resolve(error === undefined || error === null ? null : asNodemailerFailure(error)));
    });
    if (connectError !== null) return connectionFailureOutcome(connectError, Date.now() - startedAt);
    if (endpoint.tls === 'none' || !connection.secure) return { kind: 'skipped', reason: 'cleartext-connection' };
    if (!connection.allowsAuth) {
      return { kind: 'unavailable', serverText: replyTo(transcript, 'EHLO') ?? 'the server does not offer AUTH' };
    }
    const authStartedAt = Date.now();
    const loginError = await new Promise<NodemailerFailure | null>((resolve) => {
      connection.login({ user: credentials.username, pass: credentials.password.reveal() }, (error) =>
        resolve(error === null ? null : asNodemailerFailure(error)),
      );
    });
    const durationMs = Date.now() - authStartedAt;
    const mechanism = transcript.findLast((entry) => entry.side === 'client' && entry.text.startsWith('AUTH '))?.text.slice(5);
    if (loginError === null) return { kind: 'accepted', ...(mechanism === undefined ? {} : { mechanism }), durationMs };
    if (loginError.code === 'EAUTH' && loginError.responseCode !== undefined) {
      return {
        kind: 'rejected',
        responseCode: String(loginError.responseCode),
        serverText: loginError.response ?? loginError.message,
        durationMs,
      };
    }
    return connectionFailureOutcome(loginError, Date.now() - startedAt);
  })();

  const login = await untilDeadlineOrCancel(ctx, budgetMs, attempt);
  if (login.kind === 'accepted' || login.kind === 'rejected' || login.kind === 'skipped' || login.kind === 'unavailable') {
    connection.quit();
  }
  connection.close();

  const greeting = transcript.find((entry) => entry.side === 'server')?.text;
  const ehloReply = replyTo(transcript, 'EHLO');
  const ehloEchoIp = ehloReply === undefined ? undefined : parseEhloEchoIp(ehloReply);
  return {
    login,
    ...(greeting === undefined ? {} : { greeting }),
    capabilities: ehloReply === undefined ? [] : ehloKeywords(ehloReply),
    ...(ehloEchoIp === undefined ? {} : { ehloEchoIp }),
  };
}

// ------------------------------------------------------------------ without authentication

/** Ends the conversation early with a final outcome; caught in probeSmtpWithoutAuth, never escapes this module. */
class RelayStop extends Error {
  constructor(readonly outcome: SmtpWithoutAuthOutcome) {
    super(`smtp no-auth probe stopped: ${outcome.kind}`);
  }
}

function mustRelay<T>(result: SessionResult<T>): T {
  if (!result.ok) throw new RelayStop(outcomeForSessionFailure(result.failure));
  return result.value;
}

/** Reads one SMTP reply ("250-..." lines up to the "250 " line), verbatim, lines joined by "\n". */
async function readSmtpReply(session: LineSession): Promise<string> {
  const lines = mustRelay(await session.readUntil((line) => !/^\d{3}-/.test(line)));
  return lines.join('\n');
}

function replyCode(reply: string): string {
  return reply.slice(0, 3);
}

/** Addresses go into the envelope verbatim: refuse anything that could break the command line. */
function isSafeAddress(address: string): boolean {
  return address.length <= 254 && /^[^\s<>\r\n\0]+@[^\s<>\r\n\0]+$/.test(address);
}

/**
 * For an outgoing server whose authentication is off in Mail: does it accept a message from us
 * without AUTH? EHLO (+STARTTLS when configured), MAIL FROM:<from>, RCPT TO:<to>, then RSET and
 * QUIT. DATA is never sent, so no message is ever submitted. Sends no credentials.
 */
export async function probeSmtpWithoutAuth(
  endpoint: ServerEndpoint,
  envelope: { readonly from: string; readonly to: string },
  ctx: ProbeContext,
): Promise<SmtpWithoutAuthResult> {
  let greeting: string | undefined;
  let ehloReply: string | undefined;
  const report = (outcome: SmtpWithoutAuthOutcome): SmtpWithoutAuthResult => {
    const ehloEchoIp = ehloReply === undefined ? undefined : parseEhloEchoIp(ehloReply);
    return {
      outcome,
      ...(greeting === undefined ? {} : { greeting }),
      capabilities: ehloReply === undefined ? [] : ehloKeywords(ehloReply),
      ...(ehloEchoIp === undefined ? {} : { ehloEchoIp }),
    };
  };
  if (endpoint.protocol !== 'smtp') {
    return report({ kind: 'error', errorCode: 'WRONG_PROTOCOL', message: `probeSmtpWithoutAuth was given a ${endpoint.protocol} endpoint` });
  }
  if (!isSafeAddress(envelope.from) || !isSafeAddress(envelope.to)) {
    return report({ kind: 'error', errorCode: 'INVALID_ADDRESS', message: 'the envelope addresses are not plain mailbox addresses' });
  }
  const opened = await LineSession.open(endpoint, ctx, endpoint.tls === 'implicit');
  if (!opened.ok) return report(outcomeForSessionFailure(opened.failure));
  const session = opened.value;
  let farewell: string | undefined = 'QUIT';
  const name = ehloName();
  try {
    greeting = await readSmtpReply(session);
    if (replyCode(greeting) !== '220') {
      return report({ kind: 'error', errorCode: 'GREETING_REFUSED', message: greeting });
    }
    mustRelay(session.write(`EHLO ${name}`));
    ehloReply = await readSmtpReply(session);
    if (!ehloReply.startsWith('250')) return report({ kind: 'error', errorCode: 'EHLO_REFUSED', message: ehloReply });
    if (endpoint.tls === 'starttls') {
      mustRelay(session.write('STARTTLS'));
      const reply = await readSmtpReply(session);
      if (replyCode(reply) !== '220') return report({ kind: 'error', errorCode: 'STARTTLS_REFUSED', message: reply });
      mustRelay(await session.startTls(endpoint));
      // RFC 3207 §4.2: forget what was learnt in clear and say EHLO again.
      ehloReply = undefined;
      mustRelay(session.write(`EHLO ${name}`));
      ehloReply = await readSmtpReply(session);
      if (!ehloReply.startsWith('250')) return report({ kind: 'error', errorCode: 'EHLO_REFUSED', message: ehloReply });
    }
    mustRelay(session.write(`MAIL FROM:<${envelope.from}>`));
    const mailReply = await readSmtpReply(session);
    if (!mailReply.startsWith('2')) {
      return report({ kind: 'refused', stage: 'mail-from', responseCode: replyCode(mailReply), serverText: mailReply });
    }
    mustRelay(session.write(`RCPT TO:<${envelope.to}>`));
    const rcptReply = await readSmtpReply(session);
    // Stop here whatever the answer: RSET drops the envelope, DATA is never sent.
    mustRelay(session.write('RSET'));
    await readSmtpReply(session);
    if (!rcptReply.startsWith('2')) {
      return report({ kind: 'refused', stage: 'rcpt-to', responseCode: replyCode(rcptReply), serverText: rcptReply });
    }
    return report({ kind: 'accepted', serverText: rcptReply });
  } catch (stop) {
    farewell = undefined;
    if (stop instanceof RelayStop) return report(stop.outcome);
    return report({ kind: 'error', errorCode: 'INTERNAL', message: stop instanceof Error ? stop.message : 'unexpected failure' });
  } finally {
    session.close(farewell);
  }
}
