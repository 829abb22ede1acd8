/**
 * Mail's connection logs (research mail-own-evidence.md §1): `<host>-<UUID>.txt` files that exist
 * only while "Log Connection Activity" is ticked in Connection Doctor. They grow to millions of lines,
 * so only a fixed-size tail of each file is read (memory stays bounded whatever the file size), and
 * only the parsed summary (connect failures, TLS level, the server's replies to logins) is kept.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConnectionLogEvidence, EvidenceSourceOutcome, LoggedAuthReply, LoggedConnectFailure } from '../../shared/model/evidence';
import type { ServerRole } from '../../shared/model/account';
import { describeError, isAccessDenied, isNotFound, openRegularFile } from '../fileAccess';
import { parseConnectionLog, type ServerLogSummary } from './connectionLogParser';

/** Where Mail writes them today (sandbox container), and the pre-sandbox folder (UNCONFIRMED, harmless to look). */
export const CONNECTION_LOG_FOLDERS = [
  join('Library', 'Containers', 'com.apple.mail', 'Data', 'Library', 'Logs', 'Mail'),
  join('Library', 'Logs', 'Mail'),
] as const;

/** `absent` reasons. The first one drives CONNECTION_LOG_OFF. */
export const CONNECTION_LOG_OFF_REASON = 'connection logging is off';
export const NO_LOG_FOR_ACCOUNT_REASON = "connection logging is on, but there is no log for this account's servers";

/** 2 MiB per file: thousands of blocks, i.e. many recent connection attempts. */
export const DEFAULT_TAIL_BYTES = 2 * 1024 * 1024;
/** Bounds the time spent on a folder full of old logs. */
export const DEFAULT_MAX_FILES = 64;
const MAX_REPLIES_PER_SIDE = 20;
const MAX_FAILURES_PER_ACCOUNT = 100;

const LOG_FILE_NAME = /^(.+)-([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\.txt$/;

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

export interface ConnectionLogAccountRef {
  readonly id: string;
  readonly outgoingId?: string;
  readonly incoming?: ServerAddress;
  readonly outgoing?: ServerAddress;
}

export interface ConnectionLogFile {
  readonly name: string;
  readonly bytes: number;
  readonly lastModified: string;
  /** From the file name, lower-cased; undefined when the name is not `<host>-<UUID>.txt`. */
  readonly nameHost?: string;
  readonly nameUuid?: string;
  readonly servers: ReadonlyMap<string, ServerLogSummary>;
}

/** The log folder read once for every account. */
export interface ConnectionLogScan {
  readonly outcome: EvidenceSourceOutcome;
  readonly files: readonly ConnectionLogFile[];
  /** Log files present but not selected (other servers): logging is on, just not for these accounts. */
  readonly otherFiles: number;
}

export interface ConnectionLogOptions {
  readonly tailBytes?: number;
  readonly maxFiles?: number;
  readonly now?: Date;
}

function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * Reads the last `tailBytes` of a file into one fixed buffer and decodes it tolerantly (invalid
 * UTF-8 becomes U+FFFD). Returns whether the text starts inside the file. Opened like every file from a
 * home folder (fileAccess.ts): a FIFO or a device named like a log is refused, never waited on.
 */
async function readTail(path: string, tailBytes: number): Promise<{ text: string; startsMidFile: boolean; size: number; modified: Date }> {
  // Any size: only the tail is read, into a buffer of at most tailBytes.
  const { handle, size, modified } = await openRegularFile(path, Number.MAX_SAFE_INTEGER);
  try {
    const info = { size, mtime: modified };
    const length = Math.min(info.size, tailBytes);
    const start = info.size - length;
    const buffer = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, start + filled);
      if (bytesRead === 0) break; // the file shrank while reading
      filled += bytesRead;
    }
    const text = new TextDecoder('utf-8', { fatal: false }).decode(buffer.subarray(0, filled));
    return { text, startsMidFile: start > 0, size: info.size, modified: info.mtime };
  } finally {
    await handle.close();
  }
}

export type FileSelector = (nameHost: string | undefined, nameUuid: string | undefined) => boolean;

/**
 * Lists the log folders and parses the tail of every selected `.txt` file, newest first up to
 * `maxFiles`. Never throws.
 */
export async function scanConnectionLogs(home: string, select: FileSelector, options: ConnectionLogOptions = {}): Promise<ConnectionLogScan> {
  const tailBytes = options.tailBytes ?? DEFAULT_TAIL_BYTES;
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  const now = options.now ?? new Date();
  const candidates: { path: string; name: string; nameHost?: string; nameUuid?: string; modified: number }[] = [];
  let anyFolder = false;
  let otherFiles = 0;
  const missing: string[] = [];
  for (const relative of CONNECTION_LOG_FOLDERS) {
    const folder = join(home, relative);
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      if (isNotFound(error)) continue;
      if (isAccessDenied(error)) return { outcome: { kind: 'full-disk-access-needed', path: folder }, files: [], otherFiles: 0 };
      return { outcome: { kind: 'unreadable', reason: `${relative}: ${describeError(error)}` }, files: [], otherFiles: 0 };
    }
    anyFolder = true;
    for (const name of names) {
      if (!name.toLowerCase().endsWith('.txt')) continue;
      const parsed = LOG_FILE_NAME.exec(name);
      const nameHost = parsed?.[1] === undefined ? undefined : normalizeHost(parsed[1]);
      const nameUuid = parsed?.[2]?.toUpperCase();
      if (!select(nameHost, nameUuid)) {
        otherFiles += 1;
        continue;
      }
      const path = join(folder, name);
      try {
        const info = await stat(path);
        if (!info.isFile()) {
          missing.push(`${name}: not a regular file`);
          continue;
        }
        candidates.push({ path, name, ...(nameHost !== undefined ? { nameHost } : {}), ...(nameUuid !== undefined ? { nameUuid } : {}), modified: info.mtimeMs });
      } catch (error) {
        if (isAccessDenied(error)) return { outcome: { kind: 'full-disk-access-needed', path }, files: [], otherFiles: 0 };
        missing.push(`${name}: ${describeError(error)}`);
      }
    }
  }
  if (!anyFolder) return { outcome: { kind: 'absent', reason: CONNECTION_LOG_OFF_REASON }, files: [], otherFiles: 0 };

  candidates.sort((a, b) => b.modified - a.modified);
  if (candidates.length > maxFiles) missing.push(`${candidates.length - maxFiles} older log files not read`);
  const files: ConnectionLogFile[] = [];
  // One file at a time: at most one tail buffer is alive.
  for (const candidate of candidates.slice(0, maxFiles)) {
    try {
      const tail = await readTail(candidate.path, tailBytes);
      const servers = parseConnectionLog(tail.text, { fileModified: tail.modified, now, startsMidFile: tail.startsMidFile });
      files.push({
        name: candidate.name,
        bytes: tail.size,
        lastModified: tail.modified.toISOString(),
        ...(candidate.nameHost !== undefined ? { nameHost: candidate.nameHost } : {}),
        ...(candidate.nameUuid !== undefined ? { nameUuid: candidate.nameUuid } : {}),
        servers,
      });
    } catch (error) {
      if (isAccessDenied(error)) return { outcome: { kind: 'full-disk-access-needed', path: candidate.path }, files: [], otherFiles: 0 };
      missing.push(`${candidate.name}: ${describeError(error)}`);
    }
  }
  const outcome: EvidenceSourceOutcome = missing.length > 0 ? { kind: 'read', missing } : { kind: 'read' };
  return { outcome, files, otherFiles };
}

const INCOMING_PORTS = new Set([143, 993, 110, 995]);
const OUTGOING_PORTS = new Set([25, 465, 587, 2525]);

/**
 * Which of the account's servers a logged host:port is. Exact host:port first; then the host alone
 * when only one side uses it; then, for a host both sides share (mail.example.com), the port's usual role
 * (Mail tries other ports on its own, e.g. 465 after 587).
 */
export function sideForServer(host: string, port: number, account: ConnectionLogAccountRef): ServerRole | undefined {
  const logged = normalizeHost(host);
  const incomingHost = account.incoming === undefined ? undefined : normalizeHost(account.incoming.host);
  const outgoingHost = account.outgoing === undefined ? undefined : normalizeHost(account.outgoing.host);
  if (incomingHost === logged && account.incoming?.port === port) return 'incoming';
  if (outgoingHost === logged && account.outgoing?.port === port) return 'outgoing';
  const incomingHostMatches = incomingHost === logged;
  const outgoingHostMatches = outgoingHost === logged;
  if (incomingHostMatches && !outgoingHostMatches) return 'incoming';
  if (outgoingHostMatches && !incomingHostMatches) return 'outgoing';
  if (incomingHostMatches && outgoingHostMatches) {
    if (INCOMING_PORTS.has(port)) return 'incoming';
    if (OUTGOING_PORTS.has(port)) return 'outgoing';
  }
  return undefined;
}

export function accountHosts(account: ConnectionLogAccountRef): Set<string> {
  const hosts = new Set<string>();
  if (account.incoming !== undefined) hosts.add(normalizeHost(account.incoming.host));
  if (account.outgoing !== undefined) hosts.add(normalizeHost(account.outgoing.host));
  return hosts;
}

function accountIds(account: ConnectionLogAccountRef): Set<string> {
  const ids = new Set([account.id.toUpperCase()]);
  if (account.outgoingId !== undefined) ids.add(account.outgoingId.toUpperCase());
  return ids;
}

/** Selects the files that can concern these accounts: their UUIDs or their servers' host names. */
export function selectorForAccounts(accounts: readonly ConnectionLogAccountRef[]): FileSelector {
  const hosts = new Set<string>();
  const ids = new Set<string>();
  for (const account of accounts) {
    for (const host of accountHosts(account)) hosts.add(host);
    for (const id of accountIds(account)) ids.add(id);
  }
  // A name that is not `<host>-<UUID>.txt` is read anyway: its blocks still name their host.
  return (nameHost, nameUuid) => nameHost === undefined || (nameUuid !== undefined && ids.has(nameUuid)) || hosts.has(nameHost);
}

/**
 * One account's evidence from a scan. A file whose UUID is this account's belongs to it; a file whose
 * UUID is another known account's (two accounts on one server) does not; otherwise the host decides.
 */
export function connectionLogEvidenceFor(
  scan: ConnectionLogScan,
  account: ConnectionLogAccountRef,
  otherAccountIds: ReadonlySet<string> = new Set(),
): ConnectionLogEvidence {
  const empty = { authReplies: [], connectFailures: [], tls: [], files: [], otherFiles: 0 };
  if (scan.outcome.kind !== 'read') return { outcome: scan.outcome, ...empty };
  // Logging is off only when the folder holds no log at all, not when a log was there but refused (a FIFO...).
  const refused = scan.outcome.missing ?? [];
  if (scan.files.length === 0 && scan.otherFiles === 0 && refused.length === 0) {
    return { outcome: { kind: 'absent', reason: CONNECTION_LOG_OFF_REASON }, ...empty };
  }
  const ids = accountIds(account);
  const others = new Set([...otherAccountIds].map((id) => id.toUpperCase()).filter((id) => !ids.has(id)));
  const replies: Record<ServerRole, LoggedAuthReply[]> = { incoming: [], outgoing: [] };
  const failures: LoggedConnectFailure[] = [];
  const tls = new Map<string, { host: string; port: number; level: string; seenAt: number }>();
  const files: ConnectionLogEvidence['files'][number][] = [];

  for (const file of scan.files) {
    if (file.nameUuid !== undefined && others.has(file.nameUuid) && !ids.has(file.nameUuid)) continue;
    let used = false;
    for (const server of file.servers.values()) {
      const side = sideForServer(server.host, server.port, account);
      if (side === undefined) continue;
      used = true;
      for (const reply of server.authReplies) {
        replies[side].push({ at: reply.at, side, host: server.host, port: server.port, result: reply.result, serverText: reply.serverText });
      }
      for (const at of server.connectFailures) failures.push({ at, host: server.host, port: server.port });
      if (server.tlsLevel !== undefined) {
        const key = `${server.host}:${server.port}`;
        const seenAt = server.tlsSeenAt ?? 0;
        const known = tls.get(key);
        if (known === undefined || seenAt >= known.seenAt) tls.set(key, { host: server.host, port: server.port, level: server.tlsLevel, seenAt });
      }
    }
    if (used) files.push({ name: file.name, bytes: file.bytes, lastModified: file.lastModified });
  }
  if (files.length === 0) {
    return refused.length > 0
      ? { outcome: { kind: 'unreadable', reason: refused.join('; ') }, ...empty }
      : { outcome: { kind: 'absent', reason: NO_LOG_FOR_ACCOUNT_REASON }, ...empty };
  }

  const byTime = (a: { at: string }, b: { at: string }): number => Date.parse(a.at) - Date.parse(b.at);
  const newest = <T extends { at: string }>(list: T[], max: number): T[] => list.sort(byTime).slice(-max);
  return {
    outcome: scan.outcome,
    authReplies: [...newest(replies.incoming, MAX_REPLIES_PER_SIDE), ...newest(replies.outgoing, MAX_REPLIES_PER_SIDE)].sort(byTime),
    connectFailures: newest(failures, MAX_FAILURES_PER_ACCOUNT),
    tls: [...tls.values()].map(({ host, port, level }) => ({ host, port, level })),
    files,
  };
}

/** One account's connection-log evidence, reading only the files that can concern it. Never throws. */
export async function readConnectionLogEvidence(
  home: string,
  account: ConnectionLogAccountRef,
  options: ConnectionLogOptions = {},
): Promise<ConnectionLogEvidence> {
  const scan = await scanConnectionLogs(home, selectorForAccounts([account]), options);
  return connectionLogEvidenceFor(scan, account);
}
