/**
 * Parses the tail of one of Mail's connection logs (research mail-own-evidence.md §1.4) into a
 * per-server summary: connects that never completed, the TLS level, and the server's own replies to
 * authentication. Nothing else is kept: the files hold mail data, and the lines Mail WROTE can hold
 * credentials (AUTHENTICATE continuations, LOGIN arguments, AUTH PLAIN base64). A WROTE line is only
 * matched against a command pattern to learn THAT a login was sent; its text is never stored.
 *
 * Block layout (tolerant: timestamp and bracket text on current macOS are UNCONFIRMED):
 *   <INITIATING CONNECTION|CONNECTED|READ|WROTE> <time> [<security level>] -- host:H -- port:P -- socket:0x..
 *   <payload lines>
 *   <blank line>
 */

export interface LoggedReplySummary {
  readonly at: string;
  readonly result: 'accepted' | 'rejected';
  readonly serverText: string;
}

export interface ServerLogSummary {
  /** Lower-cased host as logged. */
  readonly host: string;
  readonly port: number;
  tlsLevel?: string;
  tlsSeenAt?: number;
  readonly authReplies: LoggedReplySummary[];
  readonly connectFailures: string[];
}

export interface ParseContext {
  /** The file's modification time: logs carry no year, so dates are placed in the year before it. */
  readonly fileModified: Date;
  readonly now: Date;
  /** True when the text starts inside the file: its first (partial) line is dropped. */
  readonly startsMidFile: boolean;
}

/** Enough history for "repeatedly, at these times" while keeping the result small. */
export const MAX_REPLIES_PER_SERVER = 20;
export const MAX_CONNECT_FAILURES_PER_SERVER = 50;
/** An INITIATING this recent (before `now`) may still be connecting: not yet a failure. */
const STILL_CONNECTING_MS = 90_000;
const MAX_SERVER_TEXT = 300;

const HEADER = /^(INITIATING CONNECTION|CONNECTED|READ|WROTE)\b(.*)$/;
const HOST_PORT = /host:\s*(\S+?)\s*(?:--\s*)?port:\s*(\d{1,5})\b/;
const SOCKET = /socket:\s*(0x[0-9a-fA-F]+)/;
const BRACKET = /\[([^\]]{1,80})\]/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const SYSLOG_TIME = /^([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?\s*(Z|[+-]\d{2}:?\d{2})?/;

// Command detection on WROTE lines. Only the match result and the IMAP tag are used.
const IMAP_LOGIN_COMMAND = /^(\S+)\s+(?:AUTHENTICATE|LOGIN)\b/i;
const SMTP_AUTH_COMMAND = /^AUTH\b/i;
const POP3_LOGIN_COMMAND = /^(?:PASS|APOP|AUTH)\b/i;

// Replies on READ lines.
const IMAP_TAGGED_REPLY = /^(\S+)\s+(OK|NO|BAD)\b\s*(.*)$/i;
const IMAP_AUTH_FAILED = /^\S+\s+(NO\s+\[AUTHENTICATIONFAILED\].*)$/i;
const SMTP_REPLY = /^(\d{3})([ -])(.*)$/;

type PendingLogin =
  | { readonly protocol: 'imap'; readonly tag: string }
  | { readonly protocol: 'smtp'; readonly continuation: string[] }
  | { readonly protocol: 'pop3' };

interface Block {
  readonly kind: 'INITIATING CONNECTION' | 'CONNECTED' | 'READ' | 'WROTE';
  readonly serverKey: string;
  readonly socketKey: string;
  readonly at: string;
  payloadLines: number;
}

function fraction(digits: string | undefined): number {
  return digits === undefined ? 0 : Math.round(Number(`0.${digits}`) * 1000);
}

/** Parses the header's time; "Mar  4 09:12:01.101" is local time in the year that puts it at or before the file's mtime. */
export function parseLogTime(text: string, fileModified: Date): string | undefined {
  const syslog = SYSLOG_TIME.exec(text);
  if (syslog !== null) {
    const month = MONTHS.indexOf((syslog[1] ?? '').toLowerCase());
    if (month < 0) return undefined;
    const [day, hour, minute, second] = [syslog[2], syslog[3], syslog[4], syslog[5]].map(Number) as [number, number, number, number];
    const build = (year: number): Date => new Date(year, month, day, hour, minute, second, fraction(syslog[6]));
    let date = build(fileModified.getFullYear());
    // Two days of slack for clock/timezone skew between the entry and the file's mtime.
    if (date.getTime() > fileModified.getTime() + 2 * 86_400_000) date = build(fileModified.getFullYear() - 1);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  const iso = ISO_TIME.exec(text);
  if (iso !== null) {
    const zone = iso[8];
    const ms = String(fraction(iso[7])).padStart(3, '0');
    const offset = zone === undefined ? '' : zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
    const local = `${iso[1]}-${iso[2]}-${iso[3]}T${iso[4]}:${iso[5]}:${iso[6]}.${ms}${offset}`;
    const date = new Date(local);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  return undefined;
}

/** The server's words, bounded and without control characters. */
function cleanServerText(text: string): string {
  let cleaned = '';
  for (const char of text.trim()) {
    const code = char.codePointAt(0) ?? 0;
    cleaned += code < 0x20 || code === 0x7f ? ' ' : char;
    if (cleaned.length >= MAX_SERVER_TEXT) break;
  }
  return cleaned;
}

function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

/**
 * Parses log text (already cut to the tail) into summaries keyed by "host:port".
 * Pure and synchronous; never throws on any input.
 */
export function parseConnectionLog(text: string, context: ParseContext): Map<string, ServerLogSummary> {
  const servers = new Map<string, ServerLogSummary>();
  const pendingInitiations = new Map<string, { at: string; ms: number }[]>();
  const pendingLogins = new Map<string, PendingLogin>();
  const fallbackTime = context.fileModified.toISOString();

  const serverFor = (host: string, port: number): ServerLogSummary => {
    const key = `${host}:${port}`;
    let summary = servers.get(key);
    if (summary === undefined) {
      summary = { host, port, authReplies: [], connectFailures: [] };
      servers.set(key, summary);
    }
    return summary;
  };

  let position = 0;
  if (context.startsMidFile) {
    const firstBreak = text.indexOf('\n');
    position = firstBreak < 0 ? text.length : firstBreak + 1;
  }
  // A last line without its newline may be a write in progress: ignore it.
  const end = text.endsWith('\n') ? text.length : Math.max(position, text.lastIndexOf('\n') + 1);

  let block: Block | undefined;
  while (position < end) {
    let lineEnd = text.indexOf('\n', position);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    let line = text.slice(position, lineEnd);
    position = lineEnd + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);

    if (line.trim() === '') {
      block = undefined;
      continue;
    }
    const header = HEADER.exec(line);
    const hostPort = header === null ? null : HOST_PORT.exec(header[2] ?? '');
    if (header !== null && hostPort !== null) {
      const kind = header[1] as Block['kind'];
      const rest = (header[2] ?? '').trim();
      const host = (hostPort[1] ?? '').toLowerCase().replace(/\.$/, '');
      const port = Number(hostPort[2]);
      const serverKey = `${host}:${port}`;
      const socket = SOCKET.exec(rest)?.[1]?.toLowerCase() ?? '0x0';
      const at = parseLogTime(rest, context.fileModified) ?? fallbackTime;
      const server = serverFor(host, port);
      const beforeHost = rest.slice(0, rest.indexOf('host:'));
      const security = BRACKET.exec(beforeHost)?.[1]?.trim();
      if (security !== undefined && security !== '' && kind !== 'INITIATING CONNECTION') {
        const ms = Date.parse(at);
        if (server.tlsSeenAt === undefined || ms >= server.tlsSeenAt) {
          server.tlsLevel = security;
          server.tlsSeenAt = ms;
        }
      }
      if (kind === 'INITIATING CONNECTION') {
        const list = pendingInitiations.get(serverKey) ?? [];
        list.push({ at, ms: Date.parse(at) });
        pendingInitiations.set(serverKey, list);
      } else if (kind === 'CONNECTED') {
        // A CONNECTED answers the most recent INITIATING for that server; older unanswered ones never connected.
        pendingInitiations.get(serverKey)?.pop();
      }
      block = { kind, serverKey, socketKey: `${serverKey}:${socket}`, at, payloadLines: 0 };
      continue;
    }
    if (block === undefined) continue; // payload of a block that started before the tail, or after a blank line inside a message
    block.payloadLines += 1;

    if (block.kind === 'WROTE') {
      // Only the first line of a WROTE block is the command; later lines and continuation blocks may be credentials.
      if (block.payloadLines !== 1) continue;
      const imap = IMAP_LOGIN_COMMAND.exec(line);
      if (imap !== null && imap[1] !== undefined && !/^(?:AUTH|PASS|APOP)$/i.test(imap[1])) {
        pendingLogins.set(block.socketKey, { protocol: 'imap', tag: imap[1] });
      } else if (SMTP_AUTH_COMMAND.test(line)) {
        const previous = pendingLogins.get(block.socketKey);
        // POP3 also has an AUTH command; a socket already known as POP3 stays POP3.
        pendingLogins.set(block.socketKey, previous?.protocol === 'pop3' ? previous : { protocol: 'smtp', continuation: [] });
      } else if (POP3_LOGIN_COMMAND.test(line)) {
        pendingLogins.set(block.socketKey, { protocol: 'pop3' });
      }
      continue;
    }
    if (block.kind !== 'READ') continue;

    const server = servers.get(block.serverKey);
    if (server === undefined) continue;
    const record = (result: 'accepted' | 'rejected', serverText: string): void => {
      pushBounded(server.authReplies, { at: block?.at ?? fallbackTime, result, serverText: cleanServerText(serverText) }, MAX_REPLIES_PER_SERVER);
    };
    const pending = pendingLogins.get(block.socketKey);
    if (pending === undefined) {
      // The login command may have been written before the tail starts; this reply is unambiguous anyway.
      const failed = IMAP_AUTH_FAILED.exec(line);
      if (failed?.[1] !== undefined) record('rejected', failed[1]);
      continue;
    }
    if (pending.protocol === 'imap') {
      const tagged = IMAP_TAGGED_REPLY.exec(line);
      if (tagged === null || tagged[1] !== pending.tag) continue;
      pendingLogins.delete(block.socketKey);
      const status = (tagged[2] ?? '').toUpperCase();
      const words = `${status} ${tagged[3] ?? ''}`.trim();
      if (status === 'OK') record('accepted', words);
      else if (status === 'NO') record('rejected', words);
      // BAD is a protocol error (e.g. "Invalid SASL argument"), not a verdict on the password.
    } else if (pending.protocol === 'smtp') {
      if (line.startsWith('+OK') || line.startsWith('-ERR')) {
        // POP3's AUTH command looks like SMTP's; its replies do not.
        pendingLogins.delete(block.socketKey);
        record(line.startsWith('+OK') ? 'accepted' : 'rejected', line);
        continue;
      }
      const reply = SMTP_REPLY.exec(line);
      if (reply === null) continue;
      const code = reply[1] ?? '';
      if (reply[2] === '-') {
        if (pending.continuation.length < 5) pending.continuation.push(reply[3] ?? '');
        continue;
      }
      const words = [code, ...pending.continuation, reply[3] ?? ''].join(' ').replace(/\s+/g, ' ').trim();
      pending.continuation.length = 0;
      if (code === '334') continue; // SASL continuation: the login is still in progress
      pendingLogins.delete(block.socketKey);
      if (code === '235') record('accepted', words);
      else if (code === '535' || code === '534') record('rejected', words);
    } else {
      if (line.startsWith('+ ')) continue; // SASL continuation
      pendingLogins.delete(block.socketKey);
      if (line.startsWith('+OK')) record('accepted', line);
      else if (line.startsWith('-ERR')) record('rejected', line);
    }
  }

  for (const [serverKey, initiations] of pendingInitiations) {
    const server = servers.get(serverKey);
    if (server === undefined) continue;
    for (const initiation of initiations) {
      if (Number.isFinite(initiation.ms) && context.now.getTime() - initiation.ms < STILL_CONNECTING_MS) continue;
      pushBounded(server.connectFailures, initiation.at, MAX_CONNECT_FAILURES_PER_SERVER);
    }
  }
  return servers;
}
