/**
 * IMAP login probe: ONE authentication attempt with imapflow, on the connection serverConnection.ts opened
 * and verified (greeting read, TLS verified, for STARTTLS upgraded). Never retried, never throws.
 *
 * - imapflow gets that connection through its `transport` option, already secure, and starts as it always
 *   does: by reading a greeting. It reads one that carries the capabilities the server gave over TLS
 *   (from its greeting over implicit TLS, or our CAPABILITY after STARTTLS), so it asks nothing again.
 *   Left out of that list: ID (RFC 2971), which imapflow would send before the login to announce itself:
 *   a login check has nothing to announce, and it would cost a round trip.
 * - One command, one attempt: `LOGIN` (one round trip; imapflow's AUTHENTICATE PLAIN waits for a "+"
 *   first), or AUTHENTICATE PLAIN / LOGIN where the server disables LOGIN (LOGINDISABLED). imapflow makes
 *   exactly one attempt per connect(), with no fallback on failure.
 * - The answer is known at the tagged reply to that command (imapflow's documented 'response' event, after
 *   the credential left): the stream is sealed there, so imapflow's post-login NAMESPACE/ID/LOGOUT never
 *   leave; we say LOGOUT ourselves without waiting, and the connection closes.
 * - `logger` is a silent one: imapflow's log would see the command stream (user name, SASL framing), and
 *   levels it has no method for fall back to the console.
 * - Mail Doctor never sends a password in clear: with TLS off imapflow is not used at all; the
 *   credential-free session reads CAPABILITY (it reports LOGINDISABLED, Dovecot's disable_plaintext_auth)
 *   and the outcome is `skipped: cleartext-connection`.
 * - imapflow is loaded only when a run logs in to an IMAP server (it is the heaviest module we use).
 */
import type { ImapFlowOptions } from 'imapflow';
import type { LoginOutcome } from '../../shared/probes/outcomes';
import { AUTH_REPLY_DEADLINE_MS, capabilitiesBeforeLogin, type LoginBodyResult, type LoginResult, type LoginStep, loginAt, runLogin } from './login';
import { libraryTimeoutMs } from './deadline';
import type { ServerSession } from './serverConnection';
import type { ServerTexts } from './serverText';
import type { LoginCredentials, ProbeContext, ServerEndpoint } from './types';

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

function mapImapFailure(failure: ImapFlowFailure, durationMs: number, texts: ServerTexts): LoginOutcome {
  if (failure.authenticationFailed === true || ((failure.responseStatus === 'NO' || failure.responseStatus === 'BAD') && failure.serverResponseCode !== undefined)) {
    return {
      kind: 'rejected',
      ...(failure.serverResponseCode === undefined ? {} : { responseCode: texts.keep(failure.serverResponseCode, 40) }),
      serverText: texts.keep(imapServerText(failure)),
      durationMs,
    };
  }
  if (failure.message === 'Login is disabled') {
    // imapflow refuses to send LOGIN when the server advertises LOGINDISABLED (even after TLS).
    return { kind: 'unavailable', serverText: 'LOGINDISABLED' };
  }
  return { kind: 'error', errorCode: failure.code ?? 'IMAP_ERROR', message: texts.keep(failure.message) };
}

/** Which way to log in, from the capabilities over TLS; undefined when the server offers none we use. */
export function imapLoginMethod(capabilities: readonly string[]): 'LOGIN' | 'AUTH=PLAIN' | 'AUTH=LOGIN' | undefined {
  const has = (name: string): boolean => capabilities.some((capability) => capability.toUpperCase() === name);
  if (!has('LOGINDISABLED')) return 'LOGIN';
  if (has('AUTH=PLAIN')) return 'AUTH=PLAIN';
  if (has('AUTH=LOGIN')) return 'AUTH=LOGIN';
  return undefined;
}

/** Capabilities imapflow is shown: the server's, without the ones that would only cost round trips here. */
function capabilitiesForImapflow(capabilities: readonly string[]): string[] {
  return capabilities.filter((capability) => capability.toUpperCase() !== 'ID' && /^[\x21-\x7e]+$/.test(capability) && !capability.includes(']'));
}

/** imapflow's log levels, all silent (a missing level would fall back to the console). */
const SILENT_LOGGER = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, fatal: () => undefined };

async function imapLogin(step: LoginStep, credentials: LoginCredentials, ctx: ProbeContext): Promise<LoginBodyResult> {
  const { session, watch, scope, startedAt } = step;
  const before = await capabilitiesBeforeLogin(session);
  if ('done' in before) return before.done;
  const { kept, raw } = before.capabilities;
  const loginMethod = imapLoginMethod(raw);
  if (loginMethod === undefined) {
    session.goodbye();
    return { login: { kind: 'unavailable', serverText: 'LOGINDISABLED' }, capabilities: kept };
  }

  const { ImapFlow } = await import('imapflow');
  const greeting = Buffer.from(`* OK [CAPABILITY ${capabilitiesForImapflow(raw).join(' ')}] ready\r\n`, 'latin1');
  const stream = session.handOff(greeting, { onWrite: (chunk) => watch.observeWrite(chunk), onRead: () => watch.observeRead() });
  // imapflow's own timers never decide: ours does (deadline.ts); these only keep them out of the way.
  const libraryMs = libraryTimeoutMs(ctx) + AUTH_REPLY_DEADLINE_MS;
  const options: ImapFlowOptions = {
    host: session.endpoint.host,
    port: session.endpoint.port,
    secure: true,
    transport: {
      connect: (_options, onConnect) => {
        setImmediate(onConnect);
        return stream;
      },
    },
    auth: { user: credentials.username, pass: credentials.password.reveal(), loginMethod },
    logger: SILENT_LOGGER,
    emitLogs: false,
    verifyOnly: true,
    disableAutoIdle: true,
    disableCompression: true,
    disableAutoEnable: true,
    connectionTimeout: libraryMs,
    greetingTimeout: libraryMs,
    socketTimeout: libraryMs,
  };
  const client = new ImapFlow(options);
  scope.track({ destroy: () => client.close() });
  // imapflow emits 'error' after a failed connect; without a listener that would crash the process.
  client.on('error', () => undefined);
  const login = await new Promise<LoginOutcome>((resolve) => {
    const accepted = (): void => resolve({ kind: 'accepted', mechanism: loginMethod === 'LOGIN' ? 'LOGIN' : loginMethod.slice(5), durationMs: Date.now() - startedAt });
    client.on('response', (response) => {
      // The first tagged reply after the credential left answers the login: nothing imapflow does after it
      // reaches the server (a refusal's details still come through connect()'s rejection).
      if (watch.sentAt === undefined || stream.sealed) return;
      stream.seal();
      if (response.response.toUpperCase() === 'OK') accepted();
    });
    client.connect().then(accepted, (error: unknown) => {
      stream.seal();
      if (session.budget.breach !== undefined) resolve({ kind: 'error', errorCode: 'REPLY_TOO_LARGE', message: 'the server sent more than any real mail server does here' });
      else resolve(mapImapFailure(asImapFlowFailure(error), Date.now() - startedAt, session.texts));
    });
  });
  session.goodbyeAfterLibrary();
  client.close();
  return { login, capabilities: kept };
}

/**
 * Starts loading imapflow ahead of the login, while the connection waits on the network (serverConnection's
 * `whileWaiting`). Not awaited: the login's own import() of the same module reports a failure to load.
 */
export function preloadImapLibrary(): void {
  import('imapflow').catch(() => undefined);
}

/** One IMAP login attempt on `session` (protocol 'imap'). */
export function loginImapOn(session: ServerSession, credentials: LoginCredentials, ctx: ProbeContext): Promise<LoginResult> {
  return runLogin(session, credentials, ctx, (step) => imapLogin(step, credentials, ctx));
}

/** One IMAP login attempt against `endpoint`: the connection, then the login on it. */
export function loginImap(endpoint: ServerEndpoint, credentials: LoginCredentials, ctx: ProbeContext): Promise<LoginResult> {
  return loginAt('imap', endpoint, credentials, ctx, loginImapOn);
}
