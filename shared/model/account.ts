/**
 * What Mail Doctor knows about one Mail account, as the diagnosis and the window see it.
 * Nothing here is secret: the stored passwords are described (found / missing / same / different),
 * never carried. The secret values live only in electron/ (see electron/keychain/secret.ts).
 */

export type TlsMode = 'implicit' | 'starttls' | 'none';
export type IncomingProtocol = 'imap' | 'pop3';
export type MailProtocol = IncomingProtocol | 'smtp';
export type ServerRole = 'incoming' | 'outgoing';

/** Where the account's settings were read from. */
export type AccountSource = 'accounts4' | 'accounts3' | 'legacy-plist' | 'manual';

/** Password accounts can be tested with a login; OAuth/token accounts cannot (no password exists). */
export type AccountAuthKind = 'password' | 'oauth';

export interface ServerSettings {
  readonly protocol: MailProtocol;
  readonly host: string;
  readonly port: number;
  readonly tls: TlsMode;
  /** The login name Mail stored for this server ('' when none). */
  readonly username: string;
  /** SMTP: Mail's "Use authentication" (ShouldUseAuthentication). Incoming servers always authenticate. */
  readonly authenticationEnabled: boolean;
  /** SASL scheme Mail was told to use (PLAIN, LOGIN, CRAM-MD5, XOAUTH2...), when it stored one. */
  readonly authScheme?: string;
  /** Fields that were not stored on this account and were inherited from its parent or from defaults. */
  readonly inherited?: readonly ('host' | 'port' | 'tls')[];
}

/** One place a saved password can come from, tried in order. */
export type PasswordSource = 'internet-password' | 'account-credential' | 'typed';

export type PasswordLookupOutcome =
  /** A password was read (its value stays in electron/). */
  | 'found'
  /**
   * Positively none: the store Mail uses for this account can be read and has no password for it (a
   * legacy account's Internet-password item in the login keychain). Per source attempt: that source said
   * "not found" (security exit 44, keytar null).
   */
  | 'not-found'
  /**
   * Overall only: every source said "not found" for an account of the Internet Accounts era (Accounts4/3,
   * it has an account UUID), whose secret accountsd keeps in a keychain no other app can read
   * (research: macos-mail-and-keychain.md §2.3). That says nothing about whether Mail has a password:
   * never read as "missing".
   */
  | 'out-of-reach'
  /** The keychain refused (user clicked Deny, keychain locked, interaction not allowed). */
  | 'denied'
  /** This source does not apply here (not macOS, no UUID for a generic item, OAuth account...). */
  | 'not-applicable'
  | 'error';

export interface PasswordLookupAttempt {
  readonly source: PasswordSource;
  readonly outcome: PasswordLookupOutcome;
  /** Plain words for the helpdesk, e.g. "security exited 44: not in the keychain". Never a secret. */
  readonly detail?: string;
}

export interface StoredPasswordStatus {
  /** The outcome that counts: 'found' if any source found one. */
  readonly outcome: PasswordLookupOutcome;
  /** Which source produced the password, when one was found. */
  readonly foundIn?: PasswordSource;
  readonly attempts: readonly PasswordLookupAttempt[];
}

/**
 * Incoming vs outgoing stored password, compared in electron/ with an HMAC under a per-run key.
 * 'unreadable' = at least one side could not be read (denied, error, or out of reach), so nothing can be
 * said. '...-missing' only where the store positively has none ('not-found').
 */
export type PasswordComparison =
  | 'same'
  | 'different'
  | 'incoming-missing'
  | 'outgoing-missing'
  | 'both-missing'
  | 'unreadable'
  | 'not-applicable';

/** How the incoming account points at its outgoing server. */
export type OutgoingLink =
  | { readonly kind: 'linked'; readonly via: 'smtp-identifier' | 'account-uuid' | 'parent' | 'manual' }
  | { readonly kind: 'unresolved'; readonly identifier: string }
  | { readonly kind: 'none' };

export interface MailAccount {
  /** Stable id: Mail's account UUID, or a derived id for legacy/manual accounts. */
  readonly id: string;
  readonly description: string;
  readonly emailAddress: string;
  readonly source: AccountSource;
  readonly authKind: AccountAuthKind;
  /** For OAuth/provider accounts: Google, Yahoo, Hotmail, AOL, iCloud, Exchange. */
  readonly provider?: string;
  readonly incoming: ServerSettings | null;
  readonly outgoing: ServerSettings | null;
  readonly outgoingLink: OutgoingLink;
  readonly passwords: {
    readonly incoming: StoredPasswordStatus;
    readonly outgoing: StoredPasswordStatus;
    readonly comparison: PasswordComparison;
  };
  /** Things wrong with what was read for this account (bad value, unreadable property...). */
  readonly readProblems: readonly string[];
}

/** Why account discovery could not (fully) read Mail's files. */
export type DiscoveryProblem =
  | { readonly kind: 'full-disk-access-needed'; readonly path: string }
  | { readonly kind: 'no-mail-accounts-found'; readonly searched: readonly string[] }
  | { readonly kind: 'store-unreadable'; readonly path: string; readonly reason: string }
  | { readonly kind: 'not-macos' };

export interface AccountDiscovery {
  readonly accounts: readonly MailAccount[];
  readonly problems: readonly DiscoveryProblem[];
}
