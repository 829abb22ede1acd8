import { join } from 'node:path';
import type {
  AccountDiscovery,
  DiscoveryProblem,
  MailAccount,
  ServerSettings,
  StoredPasswordStatus,
} from '../../shared/model/account';
import { readAccountsDatabase } from './appleMailAccounts4';
import { readLegacyAccountsPlist } from './appleMailLegacyPlist';
import type { FileSystemReader } from '../fileAccess';
import { nodeFileSystem } from '../fileAccess';
import { outgoingLinker } from './linkOutgoing';
import { readManagedPreferences } from './managedPreferencesRead';
import type { AccountDiscoveryDetails, DiscoveredAccount, IncomingRecord, KeychainTarget, OutgoingRecord, StoreReadResult } from './types';

export type { AccountDiscoveryDetails, DiscoveredAccount, KeychainTarget } from './types';

export interface DiscoverAccountsOptions {
  /** The home folder whose Library is read. Tests and `--home` pass a fixture; never implicit. */
  readonly home: string;
  /**
   * Whether `home` was chosen by the user (`--home`) or is just the current user's home. Off macOS,
   * a default home has no Mail data, so discovery reports `not-macos` instead of "no accounts".
   * Default: 'given'.
   */
  readonly homeSource?: 'given' | 'default';
  /** Managed-preferences folders, highest priority first (default: the real /Library/Managed Preferences). */
  readonly managedPreferencesDirs?: readonly string[];
  readonly platform?: NodeJS.Platform;
  /** File access; injectable so tests can produce EPERM without Full Disk Access machinery. */
  readonly fs?: FileSystemReader;
}

/** Not looked up yet: electron/keychain/passwordSources.ts replaces this. */
const PASSWORD_NOT_LOOKED_UP: StoredPasswordStatus = { outcome: 'not-applicable', attempts: [] };

/**
 * Lists Mail's accounts for a home folder. Never throws: unreadable stores, bad rows and bad values
 * become problems (store-level) or readProblems (per account). The result is an AccountDiscovery
 * (what the window and CLI show) extended with `discovered` (keychain lookup targets) and the
 * managed preferences.
 */
export async function discoverAccounts(options: DiscoverAccountsOptions): Promise<AccountDiscoveryDetails> {
  const platform = options.platform ?? process.platform;
  const managedPreferences = await readManagedPreferences({
    ...(options.managedPreferencesDirs !== undefined ? { dirs: options.managedPreferencesDirs } : {}),
    ...(options.fs !== undefined ? { fs: options.fs } : {}),
  });
  if (platform !== 'darwin' && (options.homeSource ?? 'given') === 'default') {
    return { accounts: [], problems: [{ kind: 'not-macos' }], discovered: [], managedPreferences };
  }

  const fs = options.fs ?? nodeFileSystem;
  const problems: DiscoveryProblem[] = [];
  let store: StoreReadResult;
  try {
    store = await readAccountsDatabase(fs, options.home);
    problems.push(...store.problems);
    if (!store.storeFound || onlyAccessProblems(store)) {
      const legacy = await readLegacyAccountsPlist(fs, options.home);
      problems.push(...legacy.problems);
      if (legacy.storeFound) store = legacy;
    }
  } catch (error) {
    // Readers return problems rather than throw; this is the last line of defence.
    const reason = error instanceof Error ? error.message : String(error);
    return {
      accounts: [],
      problems: [...problems, { kind: 'store-unreadable', path: options.home, reason }],
      discovered: [],
      managedPreferences,
    };
  }

  const discovered = buildAccounts(store.incoming, store.outgoing);
  if (discovered.length === 0 && problems.length === 0) {
    problems.push({ kind: 'no-mail-accounts-found', searched: searchedPaths(options.home) });
  }
  return { accounts: discovered.map((entry) => entry.account), problems, discovered, managedPreferences };
}

/** The plain shared shape (for IPC and JSON), without the electron-side details. */
export function toAccountDiscovery(details: AccountDiscoveryDetails): AccountDiscovery {
  return { accounts: details.accounts, problems: details.problems };
}

function onlyAccessProblems(store: StoreReadResult): boolean {
  return store.incoming.length === 0 && store.outgoing.length === 0 && store.problems.length > 0 && store.problems.every((problem) => problem.kind === 'full-disk-access-needed');
}

function searchedPaths(home: string): string[] {
  return [
    join(home, 'Library', 'Accounts', 'Accounts4.sqlite'),
    join(home, 'Library', 'Accounts', 'Accounts3.sqlite'),
    join(home, 'Library', 'Mail', 'V*', 'MailData', 'Accounts.plist'),
  ];
}

function buildAccounts(incomingRecords: readonly IncomingRecord[], outgoingRecords: readonly OutgoingRecord[]): DiscoveredAccount[] {
  const used = new Set<string>();
  const linkOutgoing = outgoingLinker(outgoingRecords);
  const accounts: DiscoveredAccount[] = incomingRecords.map((record) => {
    const { outgoing, link } = linkOutgoing(record);
    if (outgoing !== null) used.add(outgoing.id);
    const account: MailAccount = {
      id: record.id,
      description: record.description,
      emailAddress: record.emailAddress,
      source: record.source,
      authKind: record.authKind,
      ...(record.provider !== undefined ? { provider: record.provider } : {}),
      incoming: record.incoming,
      outgoing: outgoing?.server ?? null,
      outgoingLink: link,
      passwords: { incoming: PASSWORD_NOT_LOOKED_UP, outgoing: PASSWORD_NOT_LOOKED_UP, comparison: 'not-applicable' },
      readProblems: [...record.readProblems, ...(outgoing?.readProblems ?? [])],
    };
    return {
      account,
      incomingTarget: targetFor(record.incoming, record.uuid),
      outgoingTarget: outgoing === null ? null : targetFor(outgoing.server, outgoing.uuid),
    };
  });

  // Outgoing servers no account uses: Mail still lists them; show them so a stray server is visible.
  for (const record of outgoingRecords) {
    if (used.has(record.id)) continue;
    accounts.push({
      account: {
        id: record.id,
        description: record.description,
        emailAddress: record.server.username.includes('@') ? record.server.username : '',
        source: record.source,
        authKind: record.authKind,
        ...(record.provider !== undefined ? { provider: record.provider } : {}),
        incoming: null,
        outgoing: record.server,
        outgoingLink: { kind: 'none' },
        passwords: { incoming: PASSWORD_NOT_LOOKED_UP, outgoing: PASSWORD_NOT_LOOKED_UP, comparison: 'not-applicable' },
        readProblems: [...record.readProblems, 'no incoming account uses this outgoing server'],
      },
      incomingTarget: null,
      outgoingTarget: targetFor(record.server, record.uuid),
    });
  }
  return accounts;
}

function targetFor(server: ServerSettings | null, uuid: string | undefined): KeychainTarget | null {
  if (server === null) return null;
  return {
    protocol: server.protocol,
    host: server.host,
    port: server.port,
    username: server.username,
    ...(uuid !== undefined ? { accountUuid: uuid } : {}),
  };
}
