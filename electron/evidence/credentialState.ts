/**
 * Accounts4.sqlite credential state (research mail-own-evidence.md §3): accountsd stamps
 * ZACCOUNT.ZLASTCREDENTIALRENEWALREJECTIONDATE when a password request for the account was dismissed
 * or rejected, and then suppresses Mail's password prompt for 24 hours. ZAUTHENTICATED is only a hint.
 * Read from a private copy (db + -wal + -shm); both columns may be missing on older macOS.
 */
import { join } from 'node:path';
import type { CredentialState, EvidenceSourceOutcome } from '../../shared/model/evidence';
import type { ServerRole } from '../../shared/model/account';
import { secondsToIso } from '../cocoaTime';
import { openSqliteSnapshot, type SnapshotOptions } from '../sqlite/snapshot';
import { queryRows, tableColumns } from '../sqlite/sqlJs';

export const ACCOUNTS4_RELATIVE_PATH = join('Library', 'Accounts', 'Accounts4.sqlite');
const PROMPT_SUPPRESSION_MS = 24 * 60 * 60 * 1000;

export interface Accounts4CredentialRow {
  readonly identifier: string;
  readonly renewalRejectedAt?: string;
  readonly authenticatedFlag?: boolean;
}

/** Accounts4 read once for every account: rows keyed by upper-cased ZIDENTIFIER. */
export interface Accounts4CredentialRows {
  readonly outcome: EvidenceSourceOutcome;
  readonly rows: ReadonlyMap<string, Accounts4CredentialRow>;
}

export interface CredentialAccountRef {
  /** The incoming account's ZIDENTIFIER (Mail's account UUID). */
  readonly id: string;
  /** The outgoing (SMTP) account's own ZIDENTIFIER, when known: its row can carry the rejection too. */
  readonly outgoingId?: string;
}

const REJECTION_COLUMN = 'zlastcredentialrenewalrejectiondate';
const AUTHENTICATED_COLUMN = 'zauthenticated';

/** Reads ZIDENTIFIER, the rejection date and ZAUTHENTICATED of every ZACCOUNT row. Never throws. */
export async function readAccounts4CredentialRows(home: string, options: SnapshotOptions = {}): Promise<Accounts4CredentialRows> {
  const path = join(home, ACCOUNTS4_RELATIVE_PATH);
  const snapshot = await openSqliteSnapshot(path, 'no Accounts4.sqlite (no Internet Accounts on this Mac)', options);
  if (!snapshot.ok) return { outcome: snapshot.outcome, rows: new Map() };
  const { database } = snapshot;
  try {
    const columns = tableColumns(database, 'ZACCOUNT');
    if (!columns.has('zidentifier')) {
      return { outcome: { kind: 'unreadable', reason: 'Accounts4.sqlite has no ZACCOUNT table with ZIDENTIFIER' }, rows: new Map() };
    }
    const missing: string[] = [];
    const hasRejection = columns.has(REJECTION_COLUMN);
    const hasAuthenticated = columns.has(AUTHENTICATED_COLUMN);
    if (!hasRejection) missing.push('ZACCOUNT.ZLASTCREDENTIALRENEWALREJECTIONDATE (older macOS)');
    if (!hasAuthenticated) missing.push('ZACCOUNT.ZAUTHENTICATED (older macOS)');
    const selected = [
      'ZIDENTIFIER',
      hasRejection ? 'ZLASTCREDENTIALRENEWALREJECTIONDATE' : 'NULL',
      hasAuthenticated ? 'ZAUTHENTICATED' : 'NULL',
    ].join(', ');
    const rows = new Map<string, Accounts4CredentialRow>();
    for (const [identifier, rejection, authenticated] of queryRows(database, `SELECT ${selected} FROM ZACCOUNT`)) {
      if (typeof identifier !== 'string' || identifier === '') continue;
      const renewalRejectedAt = secondsToIso(rejection ?? null, 'cocoa');
      const authenticatedFlag = typeof authenticated === 'number' ? authenticated !== 0 : undefined;
      rows.set(identifier.toUpperCase(), {
        identifier,
        ...(renewalRejectedAt !== undefined ? { renewalRejectedAt } : {}),
        ...(authenticatedFlag !== undefined ? { authenticatedFlag } : {}),
      });
    }
    const outcome: EvidenceSourceOutcome = missing.length > 0 ? { kind: 'read', missing } : { kind: 'read' };
    return { outcome, rows };
  } catch (error) {
    return { outcome: { kind: 'unreadable', reason: `ZACCOUNT query failed: ${error instanceof Error ? error.message.slice(0, 200) : 'unknown'}` }, rows: new Map() };
  } finally {
    database.close();
  }
}

/** The credential state of one account from rows read once. `now` decides whether the prompt is still suppressed. */
export function credentialStateFor(rows: Accounts4CredentialRows, account: CredentialAccountRef, now: Date): CredentialState {
  if (rows.outcome.kind !== 'read') return { outcome: rows.outcome };
  const incoming = rows.rows.get(account.id.toUpperCase());
  const outgoing = account.outgoingId === undefined ? undefined : rows.rows.get(account.outgoingId.toUpperCase());
  if (incoming === undefined && outgoing === undefined) {
    return { outcome: { kind: 'absent', reason: 'this account has no row in Accounts4.sqlite' } };
  }
  // The most recent rejection on either row is what accountsd is suppressing prompts for.
  const candidates: { side: ServerRole; at: string }[] = [];
  if (incoming?.renewalRejectedAt !== undefined) candidates.push({ side: 'incoming', at: incoming.renewalRejectedAt });
  if (outgoing?.renewalRejectedAt !== undefined) candidates.push({ side: 'outgoing', at: outgoing.renewalRejectedAt });
  candidates.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const latest = candidates[0];
  const authenticatedFlag = (incoming ?? outgoing)?.authenticatedFlag;
  let promptSuppressedUntil: string | undefined;
  if (latest !== undefined) {
    const lifts = Date.parse(latest.at) + PROMPT_SUPPRESSION_MS;
    if (lifts > now.getTime()) promptSuppressedUntil = new Date(lifts).toISOString();
  }
  return {
    outcome: rows.outcome,
    ...(latest !== undefined ? { renewalRejectedAt: latest.at, renewalRejectedOn: latest.side } : {}),
    ...(promptSuppressedUntil !== undefined ? { promptSuppressedUntil } : {}),
    ...(authenticatedFlag !== undefined ? { authenticatedFlag } : {}),
  };
}

/** One account's credential state, reading Accounts4 for it alone. Never throws. */
export async function readCredentialState(
  home: string,
  account: CredentialAccountRef,
  now: Date,
  options: SnapshotOptions = {},
): Promise<CredentialState> {
  return credentialStateFor(await readAccounts4CredentialRows(home, options), account, now);
}
