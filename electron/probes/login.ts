/**
 * What every login probe shares (imap.ts, pop3.ts, smtp.ts): one attempt on a connection
 * serverConnection.ts opened and verified, two deadlines, and the moment the credential left.
 *
 * Deadlines that match how servers refuse. Until the credential leaves, the login step has the short phase
 * deadline the runner gives it (the library's capability question, ID...). Once it has left, the server's
 * answer gets AUTH_REPLY_DEADLINE_MS of its own: servers slow refusals down on purpose (Dovecot's auth
 * penalty, 2 s up to 15 s, correct logins included), and a server that greeted, proved its certificate and
 * is merely slow to say "no" must never be reported as unavailable. A timeout after the credential left is
 * `timeout` with phase 'auth'; before, phase 'connect'.
 *
 * When the credential left is seen on the wire (CredentialWatch): every byte a login writes is searched for
 * the credential's wire forms (the password as sent by LOGIN/PASS, base64 for AUTH LOGIN, the SASL PLAIN
 * blob). That moment starts `authReplyMs` and decides how the login budget is settled: nothing matched, no
 * credential left this machine.
 */
import type { LoginOutcome, TlsOutcome } from '../../shared/probes/outcomes';
import { errorMessageOf } from '../errors';
import { type DeadlineScope, runWithDeadline } from './deadline';
import { connectToServer, type ConnectReport, type ServerSession, type SessionCapabilities } from './serverConnection';
import type { MailProtocol } from '../../shared/model/account';
import type { LoginCredentials, ProbeContext, ServerEndpoint } from './types';

/**
 * How long a server may take to answer once the credential has left. Dovecot (cPanel's IMAP/POP3 server,
 * and through Exim its SMTP AUTH too) delays every authentication from an address with recent failures by
 * 2, 4, 8, at most 15 s, then a failure by auth_failure_delay (2 s) and its 0.5 s flush: measured here,
 * a wrong password answered after 17 s. 20 s leaves room for a slow network on top.
 */
export const AUTH_REPLY_DEADLINE_MS = 20_000;

/** A login attempt's result: the outcome, and what the server said on the way (kept through ServerTexts). */
export interface LoginResult {
  readonly login: LoginOutcome;
  readonly greeting?: string;
  readonly capabilities: readonly string[];
  /** SMTP: our address as the server saw it, from `250-host Hello name [ip]`. */
  readonly ehloEchoIp?: string;
  /** Whether the credential left this machine (false: the login budget is settled as "not sent"). */
  readonly credentialSent: boolean;
}

/** The credential as it appears on the wire in the protocols we speak (and the libraries we use send). */
export function credentialWireForms(username: string, password: string): Buffer[] {
  const forms = [
    Buffer.from(password, 'utf8'),
    // IMAP quoted string (imapflow's LOGIN): backslash and double quote escaped.
    Buffer.from(password.replace(/[\\"]/g, (ch) => `\\${ch}`), 'utf8'),
    // SASL LOGIN: the password alone, base64.
    Buffer.from(Buffer.from(password, 'utf8').toString('base64'), 'latin1'),
    // SASL PLAIN: authzid NUL authcid NUL password, base64 (without authzid, and with it as the user).
    Buffer.from(Buffer.from(`\0${username}\0${password}`, 'utf8').toString('base64'), 'latin1'),
    Buffer.from(Buffer.from(`${username}\0${username}\0${password}`, 'utf8').toString('base64'), 'latin1'),
  ];
  return forms.filter((form, index) => form.length > 0 && forms.findIndex((other) => other.equals(form)) === index);
}

/**
 * Watches what a login writes for the credential. Chunks are searched together with the tail of the ones
 * before, so a form split across two writes is still seen.
 */
export class CredentialWatch {
  readonly #forms: Buffer[];
  readonly #tailBytes: number;
  #tail: Buffer = Buffer.alloc(0);
  #sentAt: number | undefined;
  #repliedAt: number | undefined;

  constructor(
    credentials: LoginCredentials,
    private readonly onSent: (at: number) => void,
  ) {
    this.#forms = credentialWireForms(credentials.username, credentials.password.reveal());
    this.#tailBytes = Math.max(0, ...this.#forms.map((form) => form.length - 1));
  }

  /** A chunk the login is about to send. */
  observeWrite(chunk: Buffer): void {
    if (this.#sentAt !== undefined) return;
    const window = this.#tail.length === 0 ? chunk : Buffer.concat([this.#tail, chunk]);
    if (this.#forms.some((form) => window.includes(form))) {
      this.markSent();
      return;
    }
    this.#tail = window.subarray(Math.max(0, window.length - this.#tailBytes));
  }

  /** A chunk the server sent: the first one after the credential left is its answer. */
  observeRead(): void {
    if (this.#sentAt !== undefined && this.#repliedAt === undefined) this.#repliedAt = Date.now();
  }

  /** The credential left now (a login that writes it itself knows when: pop3.ts). */
  markSent(): void {
    if (this.#sentAt !== undefined) return;
    this.#sentAt = Date.now();
    this.#tail = Buffer.alloc(0);
    this.onSent(this.#sentAt);
  }

  get sentAt(): number | undefined {
    return this.#sentAt;
  }

  /** From the credential leaving to the server's first bytes after it, when both happened. */
  get authReplyMs(): number | undefined {
    return this.#sentAt === undefined || this.#repliedAt === undefined ? undefined : this.#repliedAt - this.#sentAt;
  }
}

/** What a protocol's login body gets: its scope, the watch, and the session. */
export interface LoginStep {
  readonly scope: DeadlineScope;
  readonly watch: CredentialWatch;
  readonly session: ServerSession;
  readonly startedAt: number;
}

/** What a protocol's login body returns besides the outcome. */
export interface LoginBodyResult {
  readonly login: LoginOutcome;
  readonly capabilities?: readonly string[];
  readonly ehloEchoIp?: string;
}

function withAuthReplyMs(login: LoginOutcome, watch: CredentialWatch): LoginOutcome {
  const authReplyMs = watch.authReplyMs;
  if (authReplyMs === undefined || (login.kind !== 'accepted' && login.kind !== 'rejected')) return login;
  return { ...login, authReplyMs };
}

/**
 * Runs one login attempt on `session` within `ctx`'s deadline, moved once the credential leaves (see the
 * file comment). Never rejects; the session is closed when it returns.
 */
export async function runLogin(
  session: ServerSession,
  credentials: LoginCredentials,
  ctx: ProbeContext,
  body: (step: LoginStep) => Promise<LoginBodyResult>,
): Promise<LoginResult> {
  session.texts.addCredential(credentials);
  let watch: CredentialWatch | undefined;
  const greeting = session.greeting.shown;
  const result = await runWithDeadline<LoginBodyResult>(
    ctx,
    (scope) => {
      session.enter(scope);
      watch = new CredentialWatch(credentials, (sentAt) => scope.moveDeadline(sentAt + (ctx.authReplyDeadlineMs ?? AUTH_REPLY_DEADLINE_MS)));
      return body({ scope, watch, session, startedAt: Date.now() });
    },
    (reason, elapsedMs) => {
      if (reason === 'cancelled') return { login: { kind: 'skipped', reason: 'cancelled' } };
      const sentAt = watch?.sentAt;
      return {
        login: sentAt === undefined ? { kind: 'timeout', afterMs: elapsedMs, phase: 'connect' } : { kind: 'timeout', afterMs: Date.now() - sentAt, phase: 'auth' },
      };
    },
    (error) => ({ login: { kind: 'error', errorCode: 'INTERNAL', message: session.texts.keep(errorMessageOf(error)) } }),
  );
  const sent = watch?.sentAt !== undefined;
  // A server that answered the attempt at all (yes or no) was sent the credential, whatever the watch saw.
  const credentialSent = sent || result.login.kind === 'accepted' || result.login.kind === 'rejected';
  return {
    login: watch === undefined ? result.login : withAuthReplyMs(result.login, watch),
    greeting,
    capabilities: result.capabilities ?? [],
    ...(result.ehloEchoIp === undefined ? {} : { ehloEchoIp: result.ehloEchoIp }),
    credentialSent,
  };
}

/** A connection that never got to a login: how the one-shot login helpers (loginImap...) report it. */
export function loginOutcomeWithoutSession(report: Pick<ConnectReport, 'tcp' | 'tls'>, ctx: Pick<ProbeContext, 'signal'>): LoginOutcome {
  if (ctx.signal.aborted) return { kind: 'skipped', reason: 'cancelled' };
  const { tcp, tls } = report;
  if (tcp.kind === 'timeout') return { kind: 'timeout', afterMs: tcp.afterMs, phase: 'connect' };
  if (tls.kind === 'timeout') return { kind: 'timeout', afterMs: tls.afterMs, phase: 'connect' };
  if (tls.kind === 'established') return { kind: 'skipped', reason: 'certificate-invalid' };
  if (tls.kind === 'protocol-error' && tls.errorCode === 'REPLY_TOO_LARGE') return { kind: 'error', errorCode: tls.errorCode, message: tls.detail };
  return { kind: 'skipped', reason: 'connection-failed' };
}

/** A dialogue step's failure (the capability question before a login) as a login outcome. */
export function loginOutcomeOfDialogue(outcome: TlsOutcome): LoginOutcome {
  if (outcome.kind === 'protocol-error') return { kind: 'error', errorCode: outcome.errorCode, message: outcome.detail };
  return { kind: 'error', errorCode: 'PROTOCOL', message: `the dialogue ended with ${outcome.kind}` };
}

/**
 * The capability question a login starts with (over TLS). With TLS off it is also the end: Mail Doctor never
 * sends a password in clear, so the outcome is `skipped: cleartext-connection` and the server's capabilities
 * (e.g. LOGINDISABLED) are the evidence.
 */
export async function capabilitiesBeforeLogin(session: ServerSession): Promise<{ readonly done: LoginBodyResult } | { readonly capabilities: SessionCapabilities }> {
  const capabilities = await session.capabilities();
  if (!capabilities.ok) return { done: { login: loginOutcomeOfDialogue(capabilities.outcome) } };
  if (session.encrypted) return { capabilities: capabilities.value };
  session.goodbye();
  const { kept, ehloEchoIp } = capabilities.value;
  return { done: { login: { kind: 'skipped', reason: 'cleartext-connection' }, capabilities: kept, ...(ehloEchoIp === undefined ? {} : { ehloEchoIp }) } };
}

/**
 * One login attempt against `endpoint` from scratch (tests, and callers without a runner): the connection
 * (serverConnection.ts), then `loginOn` on it. A connection that ends before a login is reported as the
 * login outcome it amounts to.
 */
export async function loginAt(
  protocol: MailProtocol,
  endpoint: ServerEndpoint,
  credentials: LoginCredentials,
  ctx: ProbeContext,
  loginOn: (session: ServerSession, credentials: LoginCredentials, ctx: ProbeContext) => Promise<LoginResult>,
): Promise<LoginResult> {
  const early = (login: LoginOutcome): LoginResult => ({ login, capabilities: [], credentialSent: false });
  if (endpoint.protocol !== protocol) return early({ kind: 'error', errorCode: 'WRONG_PROTOCOL', message: `a ${protocol} login was given a ${endpoint.protocol} endpoint` });
  if (ctx.signal.aborted) return early({ kind: 'skipped', reason: 'cancelled' });
  if (endpoint.tls !== 'none' && credentials.password.isEmpty) return early({ kind: 'skipped', reason: 'no-password' });
  const { report, session } = await connectToServer(endpoint, ctx);
  if (session === undefined) {
    return {
      login: loginOutcomeWithoutSession(report, ctx),
      capabilities: [...report.capabilities],
      ...(report.greeting === undefined ? {} : { greeting: report.greeting }),
      ...(report.ehloEchoIp === undefined ? {} : { ehloEchoIp: report.ehloEchoIp }),
      credentialSent: false,
    };
  }
  return loginOn(session, credentials, ctx);
}
