/**
 * Everything Mail and macOS recorded about an account, read without its password: the four evidence
 * readers composed. The many-accounts variant reads each shared store (Accounts4, the log folder,
 * the Envelope Index, the unified log) once and hands each account its part.
 */
import type { MailAccount } from '../../shared/model/account';
import type { EvidenceSourceOutcome, MailEvidence } from '../../shared/model/evidence';
import { credentialStateFor, readAccounts4CredentialRows } from './credentialState';
import { connectionLogEvidenceFor, scanConnectionLogs, selectorForAccounts, type ServerAddress } from './connectionLogs';
import { mailboxActivityFor, scanEnvelopeIndex } from './envelopeIndex';
import { readUnifiedLog, type UnifiedLogOptions } from './unifiedLog';
import { describeError } from '../fileAccess';

export interface EvidenceAccountRef {
  /** Mail's account UUID (the incoming account's ZIDENTIFIER). */
  readonly id: string;
  /** The outgoing (SMTP) account's own ZIDENTIFIER, when known. */
  readonly outgoingId?: string;
  readonly incoming?: ServerAddress;
  readonly outgoing?: ServerAddress;
  readonly username?: string;
}

export interface ReadMailEvidenceOptions {
  /** Bytes read from the end of each connection log (default 2 MiB). */
  readonly tailBytes?: number;
  readonly maxLogFiles?: number;
  /** Larger SQLite stores are not loaded (default 512 MiB). */
  readonly maxSqliteBytes?: number;
  /** Options for `log show`, or false to skip the unified log (outcome not-applicable). */
  readonly unifiedLog?: UnifiedLogOptions | false;
}

export interface ReadMailEvidenceInput {
  readonly home: string;
  readonly account: EvidenceAccountRef;
  readonly now: Date;
  readonly options?: ReadMailEvidenceOptions;
}

export interface ReadMailEvidenceForAccountsInput {
  readonly home: string;
  readonly accounts: readonly EvidenceAccountRef[];
  readonly now: Date;
  readonly options?: ReadMailEvidenceOptions;
}

/** The reference the readers need, from an account as discovery produced it. */
export function evidenceAccountRef(account: MailAccount): EvidenceAccountRef {
  return {
    id: account.id,
    ...(account.outgoingLink.kind === 'unresolved' ? { outgoingId: account.outgoingLink.identifier } : {}),
    ...(account.incoming !== null ? { incoming: { host: account.incoming.host, port: account.incoming.port } } : {}),
    ...(account.outgoing !== null ? { outgoing: { host: account.outgoing.host, port: account.outgoing.port } } : {}),
    ...(account.incoming !== null && account.incoming.username !== '' ? { username: account.incoming.username } : {}),
  };
}

/** A reader that broke its promise not to throw still yields an outcome, never a crashed run. */
async function safely<T>(read: () => Promise<T>, fallback: (outcome: EvidenceSourceOutcome) => T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    return fallback({ kind: 'unreadable', reason: `unexpected reader failure: ${describeError(error)}` });
  }
}

/** Reads every source once and returns each account's evidence, keyed by account id. Never throws. */
export async function readMailEvidenceForAccounts(input: ReadMailEvidenceForAccountsInput): Promise<Map<string, MailEvidence>> {
  const { home, accounts, now } = input;
  const options = input.options ?? {};
  const snapshotOptions = options.maxSqliteBytes !== undefined ? { maxBytes: options.maxSqliteBytes } : {};
  const [credentialRows, logScan, envelopeScan, unifiedLog] = await Promise.all([
    safely(() => readAccounts4CredentialRows(home, snapshotOptions), (outcome) => ({ outcome, rows: new Map() })),
    safely(
      () =>
        scanConnectionLogs(home, selectorForAccounts(accounts), {
          now,
          ...(options.tailBytes !== undefined ? { tailBytes: options.tailBytes } : {}),
          ...(options.maxLogFiles !== undefined ? { maxFiles: options.maxLogFiles } : {}),
        }),
      (outcome) => ({ outcome, files: [], otherFiles: 0 }),
    ),
    safely(() => scanEnvelopeIndex(home, snapshotOptions), (outcome) => ({ outcome, authorities: [], hasLocalActions: false, hasMessages: false })),
    options.unifiedLog === false
      ? Promise.resolve({ outcome: { kind: 'not-applicable', reason: 'unified log not requested' } as const, events: [] })
      : safely(() => readUnifiedLog(options.unifiedLog === false ? {} : (options.unifiedLog ?? {})), (outcome) => ({ outcome, events: [] })),
  ]);

  const allIds = new Set<string>();
  for (const account of accounts) {
    allIds.add(account.id.toUpperCase());
    if (account.outgoingId !== undefined) allIds.add(account.outgoingId.toUpperCase());
  }
  const evidence = new Map<string, MailEvidence>();
  for (const account of accounts) {
    evidence.set(account.id, {
      credentialState: credentialStateFor(credentialRows, account, now),
      connectionLog: connectionLogEvidenceFor(logScan, account, allIds),
      mailbox: mailboxActivityFor(envelopeScan, account),
      // Unified-log values are <private>: its events cannot be tied to one account, so every account sees them.
      unifiedLog,
    });
  }
  return evidence;
}

/** One account's evidence. Never throws. */
export async function readMailEvidence(input: ReadMailEvidenceInput): Promise<MailEvidence> {
  const all = await readMailEvidenceForAccounts({ home: input.home, accounts: [input.account], now: input.now, ...(input.options !== undefined ? { options: input.options } : {}) });
  const evidence = all.get(input.account.id);
  if (evidence !== undefined) return evidence;
  // Unreachable (the map is keyed by the one account), but typed honestly rather than asserted.
  const outcome: EvidenceSourceOutcome = { kind: 'unreadable', reason: 'account evidence missing' };
  return {
    credentialState: { outcome },
    connectionLog: { outcome, authReplies: [], connectFailures: [], tls: [], files: [] },
    mailbox: { outcome },
    unifiedLog: { outcome, events: [] },
  };
}
