import type {
  AccountAuthKind,
  AccountSource,
  DiscoveryProblem,
  MailAccount,
  MailProtocol,
  ServerSettings,
} from '../../shared/model/account';
import type { ManagedPreferencesRead } from '../../shared/model/managedPreferences';

/**
 * One incoming account as a store reader saw it, before incoming and outgoing are linked.
 * Readers (Accounts4/3, legacy plist) produce these; linkOutgoing.ts joins them.
 */
export interface IncomingRecord {
  /** Mail's account UUID (Accounts4 ZIDENTIFIER), or a derived id for legacy accounts. */
  readonly id: string;
  /** Mail's UUID when the store had one (legacy plists have none). */
  readonly uuid?: string;
  readonly source: AccountSource;
  readonly description: string;
  readonly emailAddress: string;
  readonly authKind: AccountAuthKind;
  readonly provider?: string;
  readonly incoming: ServerSettings | null;
  /** SMTPIdentifier as stored: `host:user`, `host`, or (UNCONFIRMED) an SMTP account UUID. */
  readonly smtpIdentifier?: string;
  /** SendingAccountIdentifier (UNCONFIRMED key): an SMTP account UUID. */
  readonly sendingAccountIdentifier?: string;
  /** Accounts4 parent (Google/iCloud...) this account belongs to; its SMTP sibling is the outgoing server. */
  readonly parentKey?: string;
  readonly readProblems: readonly string[];
}

/** One outgoing (SMTP) server as stored. */
export interface OutgoingRecord {
  readonly id: string;
  readonly uuid?: string;
  readonly source: AccountSource;
  readonly description: string;
  readonly server: ServerSettings;
  readonly authKind: AccountAuthKind;
  readonly provider?: string;
  readonly parentKey?: string;
  readonly readProblems: readonly string[];
}

/** What a store reader returns: records, plus problems with the store as a whole. */
export interface StoreReadResult {
  readonly incoming: readonly IncomingRecord[];
  readonly outgoing: readonly OutgoingRecord[];
  readonly problems: readonly DiscoveryProblem[];
  /** The store file existed (even if unreadable): later, lower-priority stores are not consulted. */
  readonly storeFound: boolean;
}

/** What the keychain step needs to look up one side's saved password. */
export interface KeychainTarget {
  readonly protocol: MailProtocol;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** Accounts4 UUID of the account holding this server's credential (generic item account name). */
  readonly accountUuid?: string;
}

/**
 * An account as discovery found it, with the facts the keychain step needs that MailAccount does not
 * carry. `account.passwords` is not looked up yet: every side reads
 * `{ outcome: 'not-applicable', attempts: [] }` until electron/keychain/passwordSources.ts fills it.
 */
export interface DiscoveredAccount {
  readonly account: MailAccount;
  readonly incomingTarget: KeychainTarget | null;
  readonly outgoingTarget: KeychainTarget | null;
}

/** discoverAccounts' result: the shared AccountDiscovery plus electron-side details. */
export interface AccountDiscoveryDetails {
  readonly accounts: readonly MailAccount[];
  readonly problems: readonly DiscoveryProblem[];
  readonly discovered: readonly DiscoveredAccount[];
  readonly managedPreferences: ManagedPreferencesRead;
}
