/**
 * The credential-free dialogue with a mail server, once per protocol: the greeting, the capability
 * command (IMAP CAPABILITY, POP3 CAPA, SMTP EHLO), STARTTLS/STLS, and the goodbye. Every probe that speaks
 * to a server itself goes through here (serverConnection.ts before and after TLS, pop3.ts, smtp.ts's relay
 * check), over the one bounded line reader (lineReader.ts). Nothing here ever writes a credential.
 */
import net from 'node:net';
import type { MailProtocol } from '../../shared/model/account';
import type { TlsOutcome } from '../../shared/probes/outcomes';
import type { LineReader, ReadFailure, ReplyResult } from './lineReader';
import type { ServerTexts } from './serverText';

/** A dialogue step: its value, or the TLS outcome that ends the dialogue. */
export type Step<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly outcome: TlsOutcome };

export type DialoguePhase = 'greeting' | 'capabilities' | 'starttls';

/** The outcome for a read that failed during `phase`. */
export function readFailureOutcome(failure: ReadFailure, phase: DialoguePhase): TlsOutcome {
  switch (failure.reason) {
    case 'closed':
      return { kind: 'protocol-error', phase, errorCode: 'CLOSED', detail: 'the server closed the connection' };
    case 'reply-too-large':
      return {
        kind: 'protocol-error',
        phase,
        errorCode: 'REPLY_TOO_LARGE',
        detail: failure.breach === 'line' ? 'the server sent a line longer than any real mail server does' : 'the server sent far more data than a mail server does here',
      };
    case 'too-many-lines':
      return { kind: 'protocol-error', phase, errorCode: 'REPLY_TOO_LARGE', detail: 'the server sent a reply of more lines than any real mail server does' };
    case 'stopped':
      return { kind: 'protocol-error', phase, errorCode: 'ABORT_ERR', detail: 'stopped' };
    case 'socket-error':
      return { kind: 'protocol-error', phase, errorCode: failure.errorCode, detail: `connection error ${failure.errorCode}` };
  }
}

/** IMAP command tags of one connection (md1, md2, ...). */
export class ImapTags {
  #counter = 0;
  next(): string {
    this.#counter += 1;
    return `md${this.#counter}`;
  }
}

/** SMTP: a reply ends at the line whose 4th character is a space (`250 ...`), not a dash (`250-...`). */
export function isLastSmtpLine(line: string): boolean {
  return !/^\d{3}-/.test(line);
}

/**
 * The client IP the server echoes in its EHLO/HELO reply, i.e. our address as the server sees it:
 * Exim's `250-mail.example.test Hello client.example.test [127.0.0.1]` (format "%s Hello %s [%s]",
 * smtp_in.c), sendmail's `... Hello name [ip], pleased to meet you`; `[IPv6:2001:db8::1]` gives
 * "2001:db8::1". Accepts the whole reply or its first line, with or without the "250-" prefix;
 * undefined when there is no valid IP literal.
 */
export function parseEhloEchoIp(ehloReply: string): string | undefined {
  const firstLine = ehloReply.split(/\r?\n/)[0] ?? '';
  const match = /\bHello\b.*\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]/i.exec(firstLine);
  const candidate = match?.[1];
  return candidate !== undefined && net.isIP(candidate) !== 0 ? candidate : undefined;
}

/**
 * The EHLO argument on every SMTP connection (ours and nodemailer's): an address literal of our own end of
 * the connection (RFC 5321 §4.1.3), never the Mac's name, which often names its owner ("Janes-MacBook-Pro")
 * and would travel in clear before STARTTLS.
 */
export function ehloNameFor(localAddress: string | undefined): string {
  if (localAddress === undefined || net.isIP(localAddress) === 0) return '[127.0.0.1]';
  // An IPv4-mapped IPv6 address is an IPv4 connection.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(localAddress)?.[1];
  if (mapped !== undefined) return `[${mapped}]`;
  return net.isIPv6(localAddress) ? `[IPv6:${localAddress}]` : `[${localAddress}]`;
}

function greetingIsWelcome(protocol: MailProtocol, line: string): boolean {
  switch (protocol) {
    case 'imap':
      return /^\* (OK|PREAUTH)\b/i.test(line);
    case 'pop3':
      return /^\+OK\b/i.test(line);
    case 'smtp':
      return /^220[ -]/.test(line);
  }
}

function greetingIsRefusal(protocol: MailProtocol, line: string): boolean {
  switch (protocol) {
    case 'imap':
      return /^\* BYE\b/i.test(line);
    case 'pop3':
      return /^-ERR\b/i.test(line);
    case 'smtp':
      return /^[45]\d\d[ -]/.test(line);
  }
}

/** IMAP capabilities in a greeting's `[CAPABILITY ...]` code or an untagged `* CAPABILITY` line. */
export function imapCapabilitiesIn(line: string): string[] | undefined {
  const inGreeting = /\[CAPABILITY ([^\]]*)\]/i.exec(line);
  if (inGreeting?.[1] !== undefined) return inGreeting[1].split(/\s+/).filter(Boolean);
  const untagged = /^\* CAPABILITY (.*)$/i.exec(line);
  if (untagged?.[1] !== undefined) return untagged[1].split(/\s+/).filter(Boolean);
  return undefined;
}

export interface Greeting {
  /** The first line as received (latin1 bytes), for parsing. */
  readonly raw: string;
  /** The greeting as evidence (kept through ServerTexts: scrubbed, printable, bounded). */
  readonly shown: string;
  /** IMAP: the capabilities carried by the greeting, raw, when it carries them. */
  readonly capabilities?: readonly string[];
}

async function readOneOrMore(protocol: MailProtocol, reader: LineReader): Promise<ReplyResult> {
  if (protocol === 'smtp') return reader.readReply(isLastSmtpLine);
  const line = await reader.readLine();
  return line.ok ? { ok: true, lines: [line.line] } : line;
}

/** Reads the greeting; a refusal (`* BYE`, `-ERR`, `554`) or something that is no greeting ends the dialogue. */
export async function readGreeting(protocol: MailProtocol, reader: LineReader, texts: ServerTexts): Promise<Step<Greeting>> {
  const reply = await readOneOrMore(protocol, reader);
  if (!reply.ok) return { ok: false, outcome: readFailureOutcome(reply, 'greeting') };
  const first = reply.lines[0] ?? '';
  if (greetingIsRefusal(protocol, first)) {
    return { ok: false, outcome: { kind: 'protocol-error', phase: 'greeting', errorCode: 'SERVER_REFUSED', detail: texts.keep(reply.lines.join(' | ')) } };
  }
  if (!greetingIsWelcome(protocol, first)) {
    return { ok: false, outcome: { kind: 'protocol-error', phase: 'greeting', errorCode: 'UNEXPECTED_GREETING', detail: texts.keep(reply.lines.join(' | ')) } };
  }
  const capabilities = protocol === 'imap' ? imapCapabilitiesIn(first) : undefined;
  return { ok: true, value: { raw: first, shown: texts.keep(first), ...(capabilities === undefined ? {} : { capabilities }) } };
}

export interface Capabilities {
  /** The keywords as received (raw), for parsing. */
  readonly list: readonly string[];
  /** SMTP: our address as the server saw it, from `250-host Hello name [ip]`. */
  readonly ehloEchoIp?: string;
  /** SMTP: the EHLO reply's first line (the server's hello), raw. */
  readonly hello?: string;
}

/** Sends the protocol's capability command and returns the keywords (empty when the server has none). */
export async function readCapabilities(protocol: MailProtocol, reader: LineReader, tags: ImapTags, ehloName: string): Promise<Step<Capabilities>> {
  switch (protocol) {
    case 'imap': {
      const tag = tags.next();
      reader.write(`${tag} CAPABILITY`);
      const reply = await reader.readReply((line) => line.startsWith(`${tag} `));
      if (!reply.ok) return { ok: false, outcome: readFailureOutcome(reply, 'capabilities') };
      const list = reply.lines.map(imapCapabilitiesIn).find((found) => found !== undefined) ?? [];
      return { ok: true, value: { list } };
    }
    case 'pop3': {
      reader.write('CAPA');
      const status = await reader.readLine();
      if (!status.ok) return { ok: false, outcome: readFailureOutcome(status, 'capabilities') };
      // CAPA is optional (RFC 2449): an -ERR means "not supported".
      if (!/^\+OK/i.test(status.line)) return { ok: true, value: { list: [] } };
      const body = await reader.readReply((line) => line === '.');
      if (!body.ok) return { ok: false, outcome: readFailureOutcome(body, 'capabilities') };
      const list = body.lines
        .slice(0, -1)
        .map((line) => (line.startsWith('..') ? line.slice(1) : line).trim())
        .filter(Boolean);
      return { ok: true, value: { list } };
    }
    case 'smtp': {
      reader.write(`EHLO ${ehloName}`);
      const reply = await reader.readReply(isLastSmtpLine);
      if (!reply.ok) return { ok: false, outcome: readFailureOutcome(reply, 'capabilities') };
      const [first, ...rest] = reply.lines;
      if (first === undefined || !/^250[ -]/.test(first)) return { ok: true, value: { list: [] } };
      const echo = parseEhloEchoIp(first);
      const list = rest.map((line) => line.slice(4).trim()).filter(Boolean);
      return { ok: true, value: { list, hello: first, ...(echo === undefined ? {} : { ehloEchoIp: echo }) } };
    }
  }
}

export function offersStarttls(protocol: MailProtocol, capabilities: readonly string[]): boolean {
  const keyword = protocol === 'pop3' ? 'STLS' : 'STARTTLS';
  return capabilities.some((capability) => capability.toUpperCase().split(/\s+/)[0] === keyword);
}

/**
 * Sends STARTTLS/STLS and checks the reply. Refuses (fails closed) when plaintext follows the reply.
 * A refusal of an upgrade the server advertised on this very connection is `starttls-withdrawn`
 * (same-connection): it offered encryption and took the offer back. A refusal of one it never advertised
 * (POP3 without CAPA, asked anyway) is `starttls-not-offered`.
 */
export async function requestStarttls(protocol: MailProtocol, reader: LineReader, tags: ImapTags, advertised: boolean): Promise<Step<null>> {
  let reply: ReplyResult;
  let accepted: (lines: readonly string[]) => boolean;
  switch (protocol) {
    case 'imap': {
      const tag = tags.next();
      reader.write(`${tag} STARTTLS`);
      reply = await reader.readReply((line) => line.startsWith(`${tag} `));
      accepted = (lines) => new RegExp(`^${tag} OK\\b`, 'i').test(lines[lines.length - 1] ?? '');
      break;
    }
    case 'pop3':
      reader.write('STLS');
      reply = await readOneOrMore('pop3', reader);
      accepted = (lines) => /^\+OK\b/i.test(lines[0] ?? '');
      break;
    case 'smtp':
      reader.write('STARTTLS');
      reply = await reader.readReply(isLastSmtpLine);
      accepted = (lines) => /^220[ -]/.test(lines[lines.length - 1] ?? '');
      break;
  }
  if (!reply.ok) return { ok: false, outcome: readFailureOutcome(reply, 'starttls') };
  if (!accepted(reply.lines)) {
    return { ok: false, outcome: advertised ? { kind: 'starttls-withdrawn', advertisedOn: 'same-connection' } : { kind: 'starttls-not-offered' } };
  }
  // RFC 3207 §4.2 / RFC 2595 §3.1: nothing may follow the reply in clear. Bytes already buffered were
  // sent before TLS and would be read as if protected (response injection): refuse the connection.
  if (reader.pendingBytes > 0) {
    return {
      ok: false,
      outcome: { kind: 'protocol-error', phase: 'starttls', errorCode: 'STARTTLS_INJECTION', detail: `${reader.pendingBytes} byte(s) of plaintext followed the STARTTLS reply` },
    };
  }
  return { ok: true, value: null };
}

/** Says goodbye without waiting for the answer: the verdict never depends on it. */
export function sayGoodbye(protocol: MailProtocol, reader: LineReader, tags: ImapTags): void {
  reader.write(protocol === 'imap' ? `${tags.next()} LOGOUT` : 'QUIT');
}
