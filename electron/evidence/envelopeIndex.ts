/**
 * Mail's Envelope Index (research mail-own-evidence.md §4): per account, when Mail last received new
 * mail and how many local changes are still queued for the server (`local_message_actions`).
 * Read from a private copy of `~/Library/Mail/V<highest>/MailData/Envelope Index` (+ -wal/-shm).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvidenceSourceOutcome, MailboxActivity } from '../../shared/model/evidence';
import { secondsToIso } from '../cocoaTime';
import { describeError, outcomeForFsError } from '../fileAccess';
import { openSqliteSnapshot, type SnapshotOptions } from '../sqlite/snapshot';
import { queryRows, tableColumns, type Database, type SqlValue } from '../sqlite/sqlJs';

export const MAIL_DATA_RELATIVE_FOLDER = join('Library', 'Mail');
const UUID_SHAPE = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i;

/** What the Envelope Index says about the mailboxes under one URL authority (`<UUID>` or `user@host`). */
export interface MailboxAuthoritySummary {
  readonly scheme: string;
  /** Percent-decoded authority as in the URL, e.g. "6F1C...0001" or "alice@example.com@mail.example.com". */
  readonly authority: string;
  /** Newest date_received in seconds as stored (epoch decided later). */
  readonly newestReceived?: number;
  readonly pendingLocalActions: number;
}

export interface EnvelopeIndexScan {
  readonly outcome: EvidenceSourceOutcome;
  /** e.g. "V10". */
  readonly version?: string;
  readonly authorities: readonly MailboxAuthoritySummary[];
  /** Whether local_message_actions existed: a missing table must not read as "0 pending". */
  readonly hasLocalActions: boolean;
  readonly hasMessages: boolean;
}

export interface MailboxAccountRef {
  readonly id: string;
  readonly outgoingId?: string;
  readonly incoming?: { readonly host: string };
  readonly username?: string;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** scheme and authority of `imap://<authority>/INBOX`; undefined for anything else. */
export function mailboxUrlAuthority(url: string): { scheme: string; authority: string } | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(url);
  if (match === null || match[1] === undefined || match[2] === undefined || match[2] === '') return undefined;
  return { scheme: match[1].toLowerCase(), authority: decode(match[2]) };
}

/** The highest `V<n>` folder under ~/Library/Mail. */
async function findMailVersionFolder(home: string): Promise<{ ok: true; version: string } | { ok: false; outcome: EvidenceSourceOutcome }> {
  const folder = join(home, MAIL_DATA_RELATIVE_FOLDER);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    return { ok: false, outcome: outcomeForFsError(error, folder, 'Mail has no data folder (~/Library/Mail)') };
  }
  let best: { version: string; number: number } | undefined;
  for (const name of names) {
    const match = /^V(\d+)$/.exec(name);
    if (match === null) continue;
    const number = Number(match[1]);
    if (best === undefined || number > best.number) best = { version: name, number };
  }
  return best === undefined ? { ok: false, outcome: { kind: 'absent', reason: 'no ~/Library/Mail/V* folder' } } : { ok: true, version: best.version };
}

function summarize(database: Database): Omit<EnvelopeIndexScan, 'version'> {
  const mailboxColumns = tableColumns(database, 'mailboxes');
  if (!mailboxColumns.has('url')) {
    return { outcome: { kind: 'unreadable', reason: 'Envelope Index has no mailboxes table with a url column' }, authorities: [], hasLocalActions: false, hasMessages: false };
  }
  const missing: string[] = [];
  const byMailbox = new Map<number, { scheme: string; authority: string }>();
  for (const [rowid, url] of queryRows(database, 'SELECT ROWID, url FROM mailboxes')) {
    if (typeof rowid !== 'number' || typeof url !== 'string') continue;
    const parsed = mailboxUrlAuthority(url);
    if (parsed !== undefined) byMailbox.set(rowid, parsed);
  }
  const summaries = new Map<string, { scheme: string; authority: string; newestReceived?: number; pendingLocalActions: number }>();
  const summaryFor = (mailbox: SqlValue): { newestReceived?: number; pendingLocalActions: number } | undefined => {
    if (typeof mailbox !== 'number') return undefined;
    const parsed = byMailbox.get(mailbox);
    if (parsed === undefined) return undefined;
    const key = `${parsed.scheme}://${parsed.authority.toLowerCase()}`;
    let summary = summaries.get(key);
    if (summary === undefined) {
      summary = { ...parsed, pendingLocalActions: 0 };
      summaries.set(key, summary);
    }
    return summary;
  };
  for (const rowid of byMailbox.keys()) summaryFor(rowid);

  const messageColumns = tableColumns(database, 'messages');
  const hasMessages = messageColumns.has('mailbox') && messageColumns.has('date_received');
  if (hasMessages) {
    for (const [mailbox, newest] of queryRows(database, 'SELECT mailbox, max(date_received) FROM messages GROUP BY mailbox')) {
      const summary = summaryFor(mailbox ?? null);
      const seconds = typeof newest === 'number' ? newest : Number(newest);
      if (summary === undefined || !Number.isFinite(seconds) || seconds <= 0) continue;
      if (summary.newestReceived === undefined || seconds > summary.newestReceived) summary.newestReceived = seconds;
    }
  } else {
    missing.push('messages.mailbox/date_received');
  }

  const actionColumns = tableColumns(database, 'local_message_actions');
  const mailboxExpression = actionColumns.has('mailbox')
    ? actionColumns.has('source_mailbox')
      ? 'coalesce(mailbox, source_mailbox)'
      : 'mailbox'
    : actionColumns.has('source_mailbox')
      ? 'source_mailbox'
      : undefined;
  const hasLocalActions = mailboxExpression !== undefined;
  if (mailboxExpression !== undefined) {
    for (const [mailbox, count] of queryRows(database, `SELECT ${mailboxExpression} AS mb, count(*) FROM local_message_actions GROUP BY mb`)) {
      const summary = summaryFor(mailbox ?? null);
      if (summary !== undefined && typeof count === 'number') summary.pendingLocalActions += count;
    }
  } else {
    missing.push('local_message_actions');
  }
  const outcome: EvidenceSourceOutcome = missing.length > 0 ? { kind: 'read', missing } : { kind: 'read' };
  return { outcome, authorities: [...summaries.values()], hasLocalActions, hasMessages };
}

/** Reads the Envelope Index once for every account. Never throws. */
export async function scanEnvelopeIndex(home: string, options: SnapshotOptions = {}): Promise<EnvelopeIndexScan> {
  const none = { authorities: [], hasLocalActions: false, hasMessages: false };
  const found = await findMailVersionFolder(home);
  if (!found.ok) return { outcome: found.outcome, ...none };
  const path = join(home, MAIL_DATA_RELATIVE_FOLDER, found.version, 'MailData', 'Envelope Index');
  const snapshot = await openSqliteSnapshot(path, `no Envelope Index in ~/Library/Mail/${found.version}/MailData`, options);
  if (!snapshot.ok) return { outcome: snapshot.outcome, version: found.version, ...none };
  try {
    return { version: found.version, ...summarize(snapshot.database) };
  } catch (error) {
    return { outcome: { kind: 'unreadable', reason: `Envelope Index query failed: ${describeError(error)}` }, version: found.version, ...none };
  } finally {
    snapshot.database.close();
  }
}

/** Does this mailbox URL authority belong to the account? The UUID form is preferred; `user@host` is matched on the incoming host (and user when known). */
export function authorityBelongsTo(authority: string, account: MailboxAccountRef): boolean {
  const upper = authority.toUpperCase();
  if (upper === account.id.toUpperCase() || (account.outgoingId !== undefined && upper === account.outgoingId.toUpperCase())) return true;
  if (UUID_SHAPE.test(authority) || account.incoming === undefined) return false;
  const at = authority.lastIndexOf('@');
  const user = at < 0 ? undefined : authority.slice(0, at);
  const host = (at < 0 ? authority : authority.slice(at + 1)).replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase();
  if (host !== account.incoming.host.trim().toLowerCase().replace(/\.$/, '')) return false;
  if (user === undefined || account.username === undefined || account.username === '') return true;
  return user.toLowerCase() === account.username.toLowerCase();
}

/** One account's mailbox activity from a scan. */
export function mailboxActivityFor(scan: EnvelopeIndexScan, account: MailboxAccountRef): MailboxActivity {
  if (scan.outcome.kind !== 'read') return { outcome: scan.outcome };
  const mine = scan.authorities.filter((summary) => authorityBelongsTo(summary.authority, account));
  if (mine.length === 0) return { outcome: { kind: 'absent', reason: "no mailboxes for this account in Mail's Envelope Index" } };
  let newest: number | undefined;
  let pending = 0;
  for (const summary of mine) {
    if (summary.newestReceived !== undefined && (newest === undefined || summary.newestReceived > newest)) newest = summary.newestReceived;
    pending += summary.pendingLocalActions;
  }
  const lastMailReceivedAt = newest === undefined ? undefined : secondsToIso(newest, 'guess');
  return {
    outcome: scan.outcome,
    ...(lastMailReceivedAt !== undefined ? { lastMailReceivedAt } : {}),
    ...(scan.hasLocalActions ? { pendingLocalActions: pending } : {}),
  };
}

/** One account's mailbox activity, reading the Envelope Index for it alone. Never throws. */
export async function readMailboxActivity(home: string, account: MailboxAccountRef, options: SnapshotOptions = {}): Promise<MailboxActivity> {
  return mailboxActivityFor(await scanEnvelopeIndex(home, options), account);
}
