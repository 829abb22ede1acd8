/**
 * POP3 login probe: greeting, CAPA, STLS when configured, ONE authentication attempt, QUIT.
 *
 * Why not `node-pop3` (0.11.0, evaluated and removed): it treats every TCP chunk as exactly one reply (no line
 * framing, so a greeting split across packets or a reply merged with the next breaks it), has no
 * STLS and no CAPA, exposes no greeting, keeps unbounded buffers, only has an inactivity timeout
 * (not a deadline) and logs in implicitly on its first command. A login probe needs the opposite:
 * one verifiable attempt, a hard deadline, verified TLS and the server's words. So this is a small
 * strict client on top of lineSession.ts (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH).
 *
 * Credentials never travel in clear: with tls 'none' the probe reads the greeting and CAPA (no
 * credentials) and returns `skipped: cleartext-connection` without sending the user name or password.
 */
import type { LoginOutcome } from '../../shared/probes/outcomes';
import { LineSession, outcomeForSessionFailure, type SessionResult } from './lineSession';
import type { LoginCredentials, ProbeContext, ServerEndpoint } from './types';

export interface Pop3LoginResult {
  readonly login: LoginOutcome;
  /** The greeting line verbatim, e.g. "+OK Dovecot ready.". */
  readonly greeting?: string;
  /** CAPA lines as the server sent them (after STLS when it was used). */
  readonly capabilities: string[];
}

/** The RFC 2449/3206 response code in "-ERR [AUTH] text" (or "[SYS/TEMP]", "[IN-USE]"...). */
export function pop3ResponseCode(line: string): string | undefined {
  return /^-ERR \[([^\]\s]+)\]/i.exec(line)?.[1]?.toUpperCase();
}

/** Credentials with CR, LF or NUL would break the command framing: refused before anything is sent. */
function hasUnsafeCharacters(value: string): boolean {
  return /[\r\n\0]/.test(value);
}

/** Ends the conversation early with a final outcome; caught in loginPop3, never escapes this module. */
class Pop3Stop extends Error {
  constructor(readonly login: LoginOutcome) {
    super(`pop3 probe stopped: ${login.kind}`);
  }
}

/** Unwraps a session result, turning a failure into the probe's final outcome. */
function must<T>(result: SessionResult<T>): T {
  if (!result.ok) throw new Pop3Stop(outcomeForSessionFailure(result.failure));
  return result.value;
}

async function readCapa(session: LineSession): Promise<string[]> {
  must(session.write('CAPA'));
  const status = must(await session.readLine());
  if (!status.startsWith('+OK')) return []; // CAPA is optional (RFC 2449): an -ERR means "not supported"
  const lines = must(await session.readUntil((line) => line === '.'));
  return lines.slice(0, -1).map((line) => (line.startsWith('..') ? line.slice(1) : line));
}

function saslMechanisms(capabilities: readonly string[]): string[] {
  const sasl = capabilities.find((line) => /^SASL(\s|$)/i.test(line));
  return sasl === undefined ? [] : sasl.split(/\s+/).slice(1).map((m) => m.toUpperCase());
}

/**
 * One POP3 login attempt against `endpoint` (protocol 'pop3'). Never retried, never throws.
 * `skipped: cleartext-connection` when the endpoint has no TLS: Mail Doctor never sends a password in clear.
 */
export async function loginPop3(endpoint: ServerEndpoint, credentials: LoginCredentials, ctx: ProbeContext): Promise<Pop3LoginResult> {
  let greeting: string | undefined;
  let capabilities: string[] = [];
  const report = (login: LoginOutcome): Pop3LoginResult => ({
    login,
    ...(greeting === undefined ? {} : { greeting }),
    capabilities,
  });
  if (endpoint.protocol !== 'pop3') {
    return report({ kind: 'error', errorCode: 'WRONG_PROTOCOL', message: `loginPop3 was given a ${endpoint.protocol} endpoint` });
  }
  if (credentials.password.isEmpty) return report({ kind: 'skipped', reason: 'no-password' });
  if (hasUnsafeCharacters(credentials.username) || hasUnsafeCharacters(credentials.password.reveal())) {
    return report({ kind: 'error', errorCode: 'INVALID_CREDENTIAL_CHARACTERS', message: 'the user name or password contains a line break or NUL character' });
  }

  const opened = await LineSession.open(endpoint, ctx, endpoint.tls === 'implicit');
  if (!opened.ok) return report(outcomeForSessionFailure(opened.failure));
  const session = opened.value;
  let farewell: string | undefined = 'QUIT';
  try {
    greeting = must(await session.readLine());
    if (!greeting.startsWith('+OK')) {
      farewell = undefined;
      return report({ kind: 'unavailable', serverText: greeting });
    }
    capabilities = await readCapa(session);

    if (endpoint.tls === 'starttls') {
      must(session.write('STLS'));
      const reply = must(await session.readLine());
      if (!reply.startsWith('+OK')) {
        return report({ kind: 'error', errorCode: 'STARTTLS_REFUSED', message: `the server refused STLS: ${reply}` });
      }
      must(await session.startTls(endpoint));
      // RFC 2595 §4: capabilities learnt before TLS are discarded; ask again over the protected channel.
      capabilities = await readCapa(session);
    }

    if (!session.encrypted) {
      return report({ kind: 'skipped', reason: 'cleartext-connection' });
    }

    const startedAt = Date.now();
    const password = credentials.password.reveal();
    let mechanism: string;
    let reply: string;
    if (saslMechanisms(capabilities).includes('PLAIN')) {
      // AUTH PLAIN with the initial response (RFC 5034): one command, one attempt.
      mechanism = 'PLAIN';
      const token = Buffer.from(`\0${credentials.username}\0${password}`, 'utf8').toString('base64');
      must(session.write(`AUTH PLAIN ${token}`));
      reply = must(await session.readLine());
      if (reply.startsWith('+ ') || reply === '+') {
        // A server that ignores the initial response asks for it again: cancel (RFC 5034 "*"), no retry.
        must(session.write('*'));
        reply = must(await session.readLine());
      }
    } else {
      mechanism = 'USER';
      must(session.write(`USER ${credentials.username}`));
      reply = must(await session.readLine());
      if (reply.startsWith('+OK')) {
        must(session.write(`PASS ${password}`));
        reply = must(await session.readLine());
      }
    }
    const durationMs = Date.now() - startedAt;
    if (reply.startsWith('+OK')) return report({ kind: 'accepted', mechanism, durationMs });
    if (reply.startsWith('-ERR')) {
      const responseCode = pop3ResponseCode(reply);
      return report({ kind: 'rejected', ...(responseCode === undefined ? {} : { responseCode }), serverText: reply, durationMs });
    }
    return report({ kind: 'error', errorCode: 'PROTOCOL', message: `unexpected reply to authentication: ${reply.slice(0, 200)}` });
  } catch (stop) {
    if (stop instanceof Pop3Stop) {
      farewell = undefined;
      return report(stop.login);
    }
    farewell = undefined;
    return report({ kind: 'error', errorCode: 'INTERNAL', message: stop instanceof Error ? stop.message : 'unexpected failure' });
  } finally {
    session.close(farewell);
  }
}
