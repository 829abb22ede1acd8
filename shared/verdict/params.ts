/**
 * What every finding carries, typed per failure code: the one map from code to params. The rule that
 * writes a finding (rules.ts), the catalog entry that words it (catalog.ts) and any component that shows
 * one of its values read the same key through this map, so the compiler checks all three.
 *
 * Params are plain JSON (strings, numbers, booleans; no nested objects) because they travel over IPC, into
 * the CLI's JSON and the support report. They are data, never sentences: modes are ids ('implicit'), roles
 * are 'incoming' | 'outgoing', and times are ISO strings whose names end in "At" or "After" (format.ts
 * formats them for the reader's locale). Never a secret. Each entry is a `type` (not an `interface`) so it
 * stays assignable to the open `PlainParams` record the report and the CLI iterate over.
 */
import type { ServerRole, TlsMode } from '../model/account';
import type { HostBlockKind } from '../model/hosting';
import type { LedgerProblem } from '../probes/outcomes';
import type { FailureCode } from './codes';

export type Role = ServerRole;

/** Nothing to say beyond the code itself. */
export type NoParams = Readonly<Record<string, never>>;

/** One configured server, as most per-side findings name it. */
type Server = { readonly role: Role; readonly host: string };
type ServerPort = Server & { readonly port: number };

/** The internet check failed, but a configured mail server answered anyway (then it is only a note). */
type InternetCheck = { readonly mailServersAnswered: boolean };

/**
 * Whether the password tried was typed by the person for this check (not one Mail saved), so the words say
 * "the password you typed". (No param name contains "password": the report drops such keys as credentials.)
 */
type TypedKind = { readonly typedForThisCheck: boolean };

export type DnsLookupFailure = 'not-found' | 'no-address' | 'timeout' | 'error';

/** Why a connection failed after (or without) the TCP connect, when no more specific code applies. */
export type ConnectionFailureReason = 'unreachable' | 'error' | 'no-greeting' | 'server-refused' | 'protocol';

/** What fixes a port/encryption mismatch (rules.ts modeMismatchFix). */
export type ModeMismatchFix = 'turn-on-tls' | 'starttls-port' | 'implicit-port';
/** What the probe saw on a port whose encryption setting contradicts it. */
export type ModeMismatchObserved = 'plaintext' | 'tls-first' | 'no-greeting' | 'failed' | 'none';

export type ServerUnavailableReason = 'temporary' | 'disabled' | 'no-login-offered' | 'no-answer';

/** Why a saved password could not be read: refused by the keychain, an error, or kept where no other app can read it. */
export type UnreadableReason = 'denied' | 'error' | 'out-of-reach';

/**
 * The params of every code. Variants of one code are unions discriminated by one key (`scope`, `reason`,
 * `source`, `evidence`, `explains`, `problem`), so the catalog words each variant with exactly its values.
 */
export type FindingParamsByCode = {
  readonly OK: { readonly loginTested: boolean } & TypedKind;

  // ---------------------------------------------------------------- the Mac and the network
  readonly FULL_DISK_ACCESS_NEEDED: { readonly path?: string };
  readonly ACCOUNT_READ_PROBLEM:
    | {
        readonly problem: 'no-incoming';
        readonly email: string;
        /** The reader could not read this account's settings at all (a type it does not know), rather than none saved. */
        readonly settingsUnreadable: boolean;
        /** The reader's first words about it (our own text, bounded), for the technical details. */
        readonly detail?: string;
      }
    | { readonly problem: 'read-problems'; readonly count: number };
  readonly LONG_UPTIME: { readonly days: number };
  readonly NO_INTERNET: { readonly errorCode: string } & InternetCheck;
  readonly CAPTIVE_PORTAL: { readonly portalHost?: string } & InternetCheck;
  readonly DNS_NOT_FOUND:
    | ({ readonly scope: 'network'; readonly errorCode: string } & InternetCheck)
    | (Server & { readonly scope: 'server'; readonly lookup: DnsLookupFailure; readonly suggestedHost?: string });

  // ---------------------------------------------------------------- reaching the server
  readonly PORT_TIMEOUT: ServerPort & {
    readonly seconds: number;
    /** The host's website did not answer either. */
    readonly webAlsoFailed: boolean;
    /** Outgoing port 25 silent while the rest answers: the provider blocks port 25. */
    readonly blockedSmtpPort: boolean;
  };
  readonly PORT_REFUSED: ServerPort;
  readonly PORT_RESET: ServerPort;
  readonly CONNECTION_FAILED: ServerPort & {
    readonly reason: ConnectionFailureReason;
    readonly errorCode?: string;
    /** The server's own words when it refused us in its greeting (bounded, scrubbed). */
    readonly detail?: string;
  };
  readonly IP_BLOCKED_FIREWALL_DROP: {
    readonly ip?: string;
    /** The mail ports that were tried, e.g. "993, 465". */
    readonly ports: string;
    readonly evidence: 'ports' | 'csf-page';
    readonly mailSawFailures?: number;
  };
  readonly IP_BLOCKED_REJECT: { readonly ip?: string; readonly ports: string; readonly mailSawFailures?: number };
  readonly IP_BLOCKED_LOGIN_LAYER:
    | { readonly ip?: string; readonly evidence: 'webmail-page'; readonly webmailUrl: string }
    | { readonly ip?: string; readonly evidence: 'mail-log'; readonly acceptedAt: string };
  /** The hosting account's own records (WHM cPHulk, AccountFacts.hostBlockCheck) show this address blocked. */
  readonly IP_BLOCKED_CONFIRMED: {
    /** The address as the server sees this Mac (WHM's requester_ip, or the one checked). */
    readonly ip: string;
    readonly blockedBy?: HostBlockKind;
    /** When the block began and when it ends, as cPHulk says. */
    readonly blockedAt?: string;
    readonly liftsAt?: string;
    /** Failed logins cPHulk recorded against this address, and the newest of them. */
    readonly failedLogins: number;
    readonly lastFailedAt?: string;
    /** The services those failures were on, e.g. "imap, smtp". */
    readonly services?: string;
    readonly checkedAt: string;
  };
  /** A server sent more than REPLY_TOO_LARGE_LIMITS allow (a line or a whole connection); we hung up. */
  readonly SERVER_REPLY_TOO_LARGE: ServerPort & {
    readonly phase: 'greeting' | 'capabilities' | 'starttls' | 'login';
    readonly errorCode: string;
  };

  // ---------------------------------------------------------------- TLS
  readonly TLS_HOSTNAME_MISMATCH: Server & { readonly certNames: string; readonly suggestedHost?: string };
  readonly TLS_CERT_EXPIRED: Server & { readonly validToAt: string; readonly validFromAt: string; readonly notYetValid: boolean };
  readonly TLS_CERT_UNTRUSTED: Server & { readonly issuer: string; readonly selfSigned: boolean };
  readonly TLS_MODE_PORT_MISMATCH: ServerPort & {
    readonly configuredMode: TlsMode;
    /** What the port's standard use expects, when it is a standard mail port. */
    readonly expectedMode?: Exclude<TlsMode, 'none'>;
    readonly suggestedPort: number;
    readonly fix: ModeMismatchFix;
    /** What the port was seen to speak, when a probe saw it. */
    readonly portSpeaks?: 'implicit-tls' | 'plaintext';
    readonly observed?: ModeMismatchObserved;
  };
  readonly TLS_HANDSHAKE_FAILED: ServerPort & { readonly errorCode?: string; readonly phase?: 'starttls' | 'handshake' };
  readonly STARTTLS_NOT_OFFERED: ServerPort & { readonly suggestedPort: number };
  /** STARTTLS was offered and then taken back (outcomes.ts 'starttls-withdrawn'); no password was sent. */
  readonly STARTTLS_WITHDRAWN: ServerPort & { readonly advertisedOn: 'same-connection' | 'other-connection' };
  readonly LOGIN_NEEDS_TLS: Server & {
    /** 'not-sent': Mail is set to send it unencrypted, so it was not tried; 'server-requires': the server refused it unencrypted. */
    readonly reason: 'not-sent' | 'server-requires';
    readonly suggestedPort: number;
    readonly serverText?: string;
  };

  // ---------------------------------------------------------------- logins
  readonly IMAP_AUTH_REJECTED: AuthRejectedParams;
  readonly POP3_AUTH_REJECTED: AuthRejectedParams;
  readonly SMTP_AUTH_REJECTED: AuthRejectedParams;
  readonly LOGIN_BUDGET_EXHAUSTED: Server & { readonly safeAfter?: string };
  /** The login ledger could not be used, so no login was tried (LoginOutcome 'skipped', reason 'ledger-unavailable'). */
  readonly LOGIN_LEDGER_UNAVAILABLE: {
    readonly role: Role | 'both';
    /** The ledger file (or its folder or lock) that could not be used. */
    readonly path?: string;
    readonly problem?: LedgerProblem;
    /** The system's error code (EACCES, EROFS, EISDIR, ELOOP...). */
    readonly errorCode?: string;
  };
  /**
   * The server took unusually long to answer the login (authReplyMs), or did not answer it in time after the
   * password was sent (timeout, phase 'auth'): it is slowing logins from this address after recent failures.
   */
  readonly LOGIN_DELAYED_BY_SERVER: Server & {
    readonly outcome: 'accepted' | 'refused' | 'no-reply';
    /** How long the answer took (or how long we waited for it), in seconds. */
    readonly seconds: number;
  };
  readonly OAUTH_ACCOUNT: { readonly provider?: string };
  readonly SERVER_UNAVAILABLE: ServerPort & {
    readonly reason: ServerUnavailableReason;
    readonly serverText?: string;
    readonly email: string;
  };

  // ---------------------------------------------------------------- what Mail stored
  readonly PASSWORDS_DIFFER:
    | (StaleSide & { readonly source: 'live' })
    | (StaleSide & {
        readonly source: 'mail-log';
        readonly rejectedAt: string;
        readonly acceptedAt: string;
        readonly serverText: string;
      })
    /** Stored passwords differ and no login showed which is right; with a stale side when the other side worked live. */
    | ({ readonly source: 'stored' } & Partial<StaleSide>);
  readonly PASSWORD_MISSING:
    | { readonly role: Role; readonly host: string; readonly otherHost?: string }
    | { readonly role: 'both' };
  readonly USERNAMES_DIFFER:
    | { readonly explains: false; readonly incomingUser: string; readonly outgoingUser: string; readonly harmless: boolean }
    | {
        readonly explains: true;
        readonly incomingUser: string;
        readonly outgoingUser: string;
        readonly goodRole: Role;
        readonly badRole: Role;
        readonly goodUser: string;
        readonly badUser: string;
      };
  readonly USERNAME_NOT_FULL_ADDRESS: { readonly role: Role; readonly username: string; readonly email: string; readonly cpanel: boolean };
  readonly SMTP_AUTH_DISABLED: { readonly host: string; readonly port: number; readonly serverReply?: string };
  readonly SERVER_DIFFERS_FROM_EXPECTED: ServerPort & {
    readonly domain: string;
    readonly mode: TlsMode;
    readonly expectedHost: string;
    readonly expectedPort: number;
    readonly expectedTls: TlsMode;
    readonly hostDiffers: boolean;
    readonly portDiffers: boolean;
    readonly tlsDiffers: boolean;
    /** Mail's current setting answered (or logged in). */
    readonly works: boolean;
  };
  readonly SERVER_DIFFERS_FROM_PUBLISHED: Server & {
    readonly domain?: string;
    readonly publishedHost: string;
    readonly publishedPort: number;
    /** 'cpanel': the host's own answer, read by the hosting tools (shared/admin/hostSettings.ts). */
    readonly from: 'srv' | 'autoconfig' | 'cpanel';
  };
  readonly PASSWORD_UNREADABLE:
    | { readonly role: Role; readonly host: string; readonly reason: UnreadableReason }
    | { readonly role: 'both'; readonly reason: UnreadableReason };
  readonly OUTGOING_NOT_LINKED: { readonly email: string; readonly identifier?: string };
  readonly WEBMAIL_UNREACHABLE: { readonly url: string; readonly reason: 'certificate' | 'not-found' | 'unreachable' };

  // ---------------------------------------------------------------- what Mail itself saw
  readonly PASSWORD_PROMPT_SUPPRESSED: { readonly rejectedAt: string; readonly liftsAt: string };
  readonly MAIL_SAW_AUTH_REJECTED: ServerPort & { readonly serverText: string; readonly rejectedAt: string; readonly resolvedSince: boolean };
  readonly MAIL_SAW_CONNECT_FAILURES: { readonly host: string; readonly port: number; readonly count: number; readonly lastAt: string };
  readonly ACCOUNT_NOT_SYNCING: { readonly lastMailAt: string; readonly days: number; readonly pending: number };
  readonly CONNECTION_LOG_OFF: NoParams;

  // ---------------------------------------------------------------- what the servers did with this run's secrets
  /**
   * A secret of this run was found and removed: in a server's reply ('server-reply': the server repeated the
   * password back, which real servers never do), or by a final guard on one of the ways out (the other
   * values; electron/ exit guards), which replaced that text.
   */
  readonly SECRET_SCRUBBED:
    | (Server & { readonly caughtIn: 'server-reply' })
    | { readonly caughtIn: SecretExit };
};

/** The ways out of the app a final guard watches for secrets (issue 11): where a SECRET_SCRUBBED was caught. */
export type SecretExit = 'cli-output' | 'report' | 'clipboard' | 'ipc' | 'progress' | 'log';

/** The side whose saved password is out of date, and the one that works. */
export type StaleSide = {
  readonly staleRole: Role;
  readonly goodRole: Role;
  readonly staleHost: string;
  readonly goodHost: string;
};

export type AuthRejectedParams = Server & {
  readonly email: string;
  readonly serverText?: string;
  readonly responseCode?: string;
  /** Both servers refused in this run. */
  readonly bothRejected: boolean;
  /** Mail saved the same password for both servers. */
  readonly sameStoredForBoth: boolean;
  /** The other server accepted its password in this run. */
  readonly otherSideAccepted: boolean;
} & TypedKind;

/** The params of one code. */
export type ParamsOf<C extends FailureCode> = FindingParamsByCode[C];
