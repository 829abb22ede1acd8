/**
 * IMAP login probe (imapflow): greeting, capabilities, STARTTLS or implicit TLS, ONE authentication
 * attempt, logout. Never retried, never throws.
 *
 * - imapflow itself makes exactly one attempt per connect(): AUTHENTICATE PLAIN, else AUTHENTICATE
 *   LOGIN, else LOGIN, chosen once from the capabilities, with no fallback on failure.
 * - Its own timeouts (90 s connect, 16 s greeting, 5 min socket) are replaced by what is left of the
 *   probe's deadline, and a timer of ours closes the client at the deadline whatever imapflow waits on.
 * - `logger: false`: imapflow's debug log would see the command stream (user name, SASL framing).
 * - TLS verification stays on (system roots + ctx.extraCaPem; the name checked is the configured host).
 *   A certificate problem is the tls probe's finding; the runner does not call this probe then.
 * - Mail Doctor never sends a password in clear: with tls 'none' imapflow is not used at all; a
 *   credential-free session reads the greeting and CAPABILITY (it reports LOGINDISABLED, which is
 *   Dovecot's disable_plaintext_auth) and the outcome is `skipped: cleartext-connection`.
 */
import { ImapFlow } from 'imapflow';
import type { LoginOutcome } from '../../shared/probes/outcomes';
import { sniName, verifiedTlsOptions } from './certificate';
import { libraryTimeoutMs, untilDeadlineOrCancel } from './deadline';
import { LineSession, outcomeForSessionFailure } from './lineSession';
import type { LoginCredentials, ProbeContext, ServerEndpoint } from './types';

export interface ImapLoginResult {
  readonly login: LoginOutcome;
  /** The greeting text as imapflow read it (without "* OK"). */
  readonly greeting?: string;
  /** CAPABILITY keywords (after STARTTLS when it was used). */
  readonly capabilities: string[];
}

/** The imapflow error fields we read (its errors are plain Errors with extra properties). */
interface ImapFlowFailure {
  readonly message: string;
  readonly code?: string;
  readonly authenticationFailed?: boolean;
  readonly serverResponseCode?: string;
  readonly response?: string;
  readonly responseStatus?: string;
  readonly responseText?: string;
}

function asImapFlowFailure(error: unknown): ImapFlowFailure {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const record = error as Record<string, unknown>;
  const text = (key: string): string | undefined => (typeof record[key] === 'string' ? record[key] : undefined);
  const code = text('code');
  const serverResponseCode = text('serverResponseCode');
  const response = text('response');
  const responseStatus = text('responseStatus');
  const responseText = text('responseText');
  return {
    message: text('message') ?? 'unknown error',
    ...(code === undefined ? {} : { code }),
    ...(record.authenticationFailed === true ? { authenticationFailed: true } : {}),
    ...(serverResponseCode === undefined ? {} : { serverResponseCode }),
    ...(response === undefined ? {} : { response }),
    ...(responseStatus === undefined ? {} : { responseStatus }),
    ...(responseText === undefined ? {} : { responseText }),
  };
}

/** "2 NO [AUTHENTICATIONFAILED] Authentication failed." -> "NO [AUTHENTICATIONFAILED] Authentication failed." */
export function imapServerText(failure: ImapFlowFailure): string {
  if (failure.response !== undefined) return failure.response.replace(/^[A-Za-z0-9.]+ (?=(NO|BAD|OK|BYE)\b)/, '');
  if (failure.responseStatus !== undefined) return `${failure.responseStatus} ${failure.responseText ?? ''}`.trim();
  return failure.message;
}

const TIMEOUT_CODES = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'ETIMEOUT', 'ETIMEDOUT']);

function capabilityList(capabilities: ReadonlyMap<string, boolean | number>): string[] {
  return [...capabilities.entries()].map(([name, value]) => (typeof value === 'number' ? `${name}=${value}` : name));
}

/** Greeting and CAPABILITY over an unencrypted connection; sends no credentials at all. */
async function inspectCleartext(endpoint: ServerEndpoint, ctx: ProbeContext): Promise<ImapLoginResult> {
  const opened = await LineSession.open(endpoint, ctx, false);
  if (!opened.ok) return { login: outcomeForSessionFailure(opened.failure), capabilities: [] };
  const session = opened.value;
  let greeting: string | undefined;
  let capabilities: string[] = [];
  try {
    const first = await session.readLine();
    if (!first.ok) return { login: outcomeForSessionFailure(first.failure), capabilities };
    greeting = first.value.replace(/^\* (OK|PREAUTH|BYE) /i, '');
    const written = session.write('a1 CAPABILITY');
    if (!written.ok) return { login: outcomeForSessionFailure(written.failure), greeting, capabilities };
    const lines = await session.readUntil((line) => line.startsWith('a1 '));
    if (!lines.ok) return { login: outcomeForSessionFailure(lines.failure), greeting, capabilities };
    const listed = lines.value.find((line) => /^\* CAPABILITY /i.test(line));
    capabilities = listed === undefined ? [] : listed.split(/\s+/).slice(2);
    return { login: { kind: 'skipped', reason: 'cleartext-connection' }, greeting, capabilities };
  } finally {
    session.close('a2 LOGOUT');
  }
}

/** One IMAP login attempt against `endpoint` (protocol 'imap'). */
export async function loginImap(endpoint: ServerEndpoint, credentials: LoginCredentials, ctx: ProbeContext): Promise<ImapLoginResult> {
  if (endpoint.protocol !== 'imap') {
    return { login: { kind: 'error', errorCode: 'WRONG_PROTOCOL', message: `loginImap was given a ${endpoint.protocol} endpoint` }, capabilities: [] };
  }
  if (ctx.signal.aborted) return { login: { kind: 'skipped', reason: 'cancelled' }, capabilities: [] };
  if (endpoint.tls === 'none') return inspectCleartext(endpoint, ctx);
  if (credentials.password.isEmpty) return { login: { kind: 'skipped', reason: 'no-password' }, capabilities: [] };

  const budgetMs = libraryTimeoutMs(ctx);
  const servername = sniName(endpoint.host);
  const client = new ImapFlow({
    host: endpoint.connectAddress ?? endpoint.host,
    port: endpoint.port,
    secure: endpoint.tls === 'implicit',
    doSTARTTLS: endpoint.tls === 'starttls',
    ...(servername === undefined ? {} : { servername }),
    tls: verifiedTlsOptions(ctx, endpoint.host),
    auth: { user: credentials.username, pass: credentials.password.reveal() },
    logger: false,
    emitLogs: false,
    verifyOnly: true,
    disableAutoIdle: true,
    disableCompression: true,
    disableAutoEnable: true,
    connectionTimeout: budgetMs,
    greetingTimeout: budgetMs,
    socketTimeout: budgetMs,
  });
  // imapflow emits 'error' after a failed connect; without a listener that would crash the process.
  client.on('error', () => undefined);

  const startedAt = Date.now();

  const attempt = (async (): Promise<LoginOutcome> => {
    try {
      await client.connect();
      // verifyOnly: imapflow logged in, ran NAMESPACE and logged out again.
      return { kind: 'accepted', durationMs: Date.now() - startedAt };
    } catch (error) {
      return mapImapFailure(asImapFlowFailure(error), Date.now() - startedAt);
    }
  })();

  const login = await untilDeadlineOrCancel(ctx, budgetMs, attempt);
  const greeting = client.greeting;
  const capabilities = capabilityList(client.capabilities);
  client.close();
  return { login, ...(greeting === undefined ? {} : { greeting }), capabilities };
}

function mapImapFailure(failure: ImapFlowFailure, durationMs: number): LoginOutcome {
  if (failure.authenticationFailed === true || ((failure.responseStatus === 'NO' || failure.responseStatus === 'BAD') && failure.serverResponseCode !== undefined)) {
    return {
      kind: 'rejected',
      ...(failure.serverResponseCode === undefined ? {} : { responseCode: failure.serverResponseCode }),
      serverText: imapServerText(failure),
      durationMs,
    };
  }
  if (failure.message === 'Login is disabled') {
    // imapflow refuses to send LOGIN when the server advertises LOGINDISABLED (even after TLS).
    return { kind: 'unavailable', serverText: 'LOGINDISABLED' };
  }
  if (failure.code !== undefined && TIMEOUT_CODES.has(failure.code)) return { kind: 'timeout', afterMs: durationMs };
  return { kind: 'error', errorCode: failure.code ?? 'IMAP_ERROR', message: failure.message };
}
