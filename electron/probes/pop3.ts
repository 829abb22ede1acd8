/**
 * POP3 login probe: CAPA over TLS, ONE authentication attempt, QUIT, on the connection
 * serverConnection.ts opened and verified (greeting read, STLS done when configured).
 *
 * Why not `node-pop3` (0.11.0, evaluated and removed): it treats every TCP chunk as exactly one reply (no line
 * framing, so a greeting split across packets or a reply merged with the next breaks it), has no
 * STLS and no CAPA, exposes no greeting, keeps unbounded buffers, only has an inactivity timeout
 * (not a deadline) and logs in implicitly on its first command. A login probe needs the opposite:
 * one verifiable attempt, a hard deadline, verified TLS and the server's words. So this is a small
 * strict client on the one bounded line reader (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH).
 *
 * Credentials never travel in clear: with TLS off the probe reads CAPA (no credentials) and returns
 * `skipped: cleartext-connection` without sending the user name or password.
 */
import type { LoginOutcome } from '../../shared/probes/outcomes';
import { readFailureOutcome } from './dialogue';
import { capabilitiesBeforeLogin, type LoginBodyResult, type LoginResult, type LoginStep, loginAt, loginOutcomeOfDialogue, runLogin } from './login';
import type { LineResult } from './lineReader';
import type { ServerSession } from './serverConnection';
import type { LoginCredentials, ProbeContext, ServerEndpoint } from './types';

/** The RFC 2449/3206 response code in "-ERR [AUTH] text" (or "[SYS/TEMP]", "[IN-USE]"...). */
export function pop3ResponseCode(line: string): string | undefined {
  return /^-ERR \[([^\]\s]+)\]/i.exec(line)?.[1]?.toUpperCase();
}

/** Credentials with CR, LF or NUL would break the command framing: refused before anything is sent. */
function hasUnsafeCharacters(value: string): boolean {
  return /[\r\n\0]/.test(value);
}

function saslMechanisms(capabilities: readonly string[]): string[] {
  const sasl = capabilities.find((line) => /^SASL(\s|$)/i.test(line));
  return sasl === undefined ? [] : sasl.split(/\s+/).slice(1).map((m) => m.toUpperCase());
}

/** Ends the conversation early with a final outcome; caught in pop3Login, never escapes this module. */
class Pop3Stop extends Error {
  constructor(readonly login: LoginOutcome) {
    super(`pop3 probe stopped: ${login.kind}`);
  }
}

/** Unwraps a read, turning a failure into the probe's final outcome. */
function must(result: LineResult): string {
  if (!result.ok) throw new Pop3Stop(loginOutcomeOfDialogue(readFailureOutcome(result, 'capabilities')));
  return result.line;
}

async function pop3Login(step: LoginStep, credentials: LoginCredentials): Promise<LoginBodyResult> {
  const { session, watch, startedAt } = step;
  const before = await capabilitiesBeforeLogin(session);
  if ('done' in before) return before.done;
  const { kept, raw } = before.capabilities;
  const password = credentials.password.reveal();
  if (hasUnsafeCharacters(credentials.username) || hasUnsafeCharacters(password)) {
    session.goodbye();
    return { login: { kind: 'error', errorCode: 'INVALID_CREDENTIAL_CHARACTERS', message: 'the user name or password contains a line break or NUL character' }, capabilities: kept };
  }
  const { reader, texts } = session;
  const sendCredential = (line: string): void => {
    watch.markSent();
    reader.writeBytes(Buffer.from(`${line}\r\n`, 'utf8'));
  };
  const readAnswer = async (): Promise<string> => {
    const line = must(await reader.readLine());
    watch.observeRead();
    return line;
  };
  try {
    let mechanism: string;
    let reply: string;
    if (saslMechanisms(raw).includes('PLAIN')) {
      // AUTH PLAIN with the initial response (RFC 5034): one command, one attempt.
      mechanism = 'PLAIN';
      sendCredential(`AUTH PLAIN ${Buffer.from(`\0${credentials.username}\0${password}`, 'utf8').toString('base64')}`);
      reply = await readAnswer();
      if (reply.startsWith('+ ') || reply === '+') {
        // A server that ignores the initial response asks for it again: cancel (RFC 5034 "*"), no retry.
        reader.write('*');
        reply = must(await reader.readLine());
      }
    } else {
      mechanism = 'USER';
      reader.writeBytes(Buffer.from(`USER ${credentials.username}\r\n`, 'utf8'));
      reply = must(await reader.readLine());
      if (reply.startsWith('+OK')) {
        sendCredential(`PASS ${password}`);
        reply = await readAnswer();
      }
    }
    const durationMs = Date.now() - startedAt;
    session.goodbye();
    if (reply.startsWith('+OK')) return { login: { kind: 'accepted', mechanism, durationMs }, capabilities: kept };
    if (reply.startsWith('-ERR')) {
      const responseCode = pop3ResponseCode(reply);
      return { login: { kind: 'rejected', ...(responseCode === undefined ? {} : { responseCode }), serverText: texts.keep(reply), durationMs }, capabilities: kept };
    }
    return { login: { kind: 'error', errorCode: 'PROTOCOL', message: `unexpected reply to authentication: ${texts.keep(reply, 200)}` }, capabilities: kept };
  } catch (stop) {
    if (stop instanceof Pop3Stop) return { login: stop.login, capabilities: kept };
    throw stop;
  }
}

/** One POP3 login attempt on `session` (protocol 'pop3'). */
export function loginPop3On(session: ServerSession, credentials: LoginCredentials, ctx: ProbeContext): Promise<LoginResult> {
  return runLogin(session, credentials, ctx, (step) => pop3Login(step, credentials));
}

/**
 * One POP3 login attempt against `endpoint`: the connection, then the login on it. Never retried, never
 * throws. `skipped: cleartext-connection` when the endpoint has no TLS.
 */
export function loginPop3(endpoint: ServerEndpoint, credentials: LoginCredentials, ctx: ProbeContext): Promise<LoginResult> {
  return loginAt('pop3', endpoint, credentials, ctx, loginPop3On);
}
