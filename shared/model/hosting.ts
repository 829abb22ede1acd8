/**
 * What the hosting account's own records say, read through the cPanel UAPI / WHM API 1 by
 * electron/admin/ with the administrator's API token. Plain data, no token. The verdict rules turn a
 * positive block check into IP_BLOCKED_CONFIRMED (with its evidence) and a negative one into "ruled out",
 * in place of the client-side guess IP_BLOCKED_LOGIN_LAYER.
 *
 * Every text in here that a server wrote (API errors, cPHulk notes) is bounded and scrubbed of the run's
 * secrets (the token, a password being set) before it is stored: servers are untrusted input.
 */
import type { MailProtocol } from './account';

/** One failed login cPHulk recorded against this address (get_cphulk_failed_logins). */
export interface HostFailedLogin {
  readonly user: string;
  /** e.g. "imap", "pop3", "smtp", "cpaneld". */
  readonly service: string;
  readonly at: string;
}

export type HostBlockKind = 'cphulk-brute' | 'cphulk-excessive-brute' | 'cphulk-blacklist';

export interface HostBlockCheck {
  /** ISO time of the check. */
  readonly checkedAt: string;
  /** The address checked: WHM's `requester_ip` (how the server sees this Mac) or the one given. */
  readonly ip: string;
  readonly source: 'whm-cphulk';
  /** cPHulk's own on/off switch (cphulk_status). When off, cPHulk blocks nothing. */
  readonly cphulkEnabled: boolean;
  readonly blocked: boolean;
  readonly blockedBy?: HostBlockKind;
  /** When the block began and ends (ISO), when cPHulk says. */
  readonly since?: string;
  readonly until?: string;
  /** On cPHulk's allow list: it never blocks this address. */
  readonly allowListed: boolean;
  readonly failedLogins: readonly HostFailedLogin[];
  /** How WHM saw the address that asked (read_cphulk_records `requester_ip`), when it said. */
  readonly requesterIp?: string;
  /** Minutes cPHulk says remain on the block (its `timeleft`). */
  readonly minutesLeft?: number;
  /** cPHulk's note on the block record (bounded, scrubbed). */
  readonly note?: string;
}

// ---------------------------------------------------------------- connection and calls

/** The two APIs: cPanel's UAPI (an account, port 2083) and WHM API 1 (root or a reseller, port 2087). */
export type HostingApi = 'cpanel' | 'whm';

/** Where and as whom Mail Doctor talks to the hosting account. Never the token. */
export interface HostingConnection {
  readonly api: HostingApi;
  /** The base URL, e.g. "https://server.example.com:2083" (no path, no credentials). */
  readonly url: string;
  readonly user: string;
}

/**
 * One API call as it was made, for the CLI's JSON, the window's technical details and tests: the function,
 * what HTTP and the API itself answered, and the API's own words. Never the token, never a password.
 */
export interface HostingApiCall {
  readonly api: HostingApi;
  /** "Email::add_pop" (UAPI module::function) or "cphulk_status" (WHM API 1). */
  readonly function: string;
  /** 'answered': a JSON envelope came back (look at apiStatus); otherwise why there is none. */
  readonly outcome: 'answered' | 'failed' | 'not-sent';
  readonly httpStatus?: number;
  /** The API's own success flag: UAPI `result.status`, WHM `metadata.result`. */
  readonly apiStatus?: 0 | 1;
  /** UAPI `errors[]`, WHM `metadata.reason` when it failed (bounded, scrubbed). */
  readonly errors: readonly string[];
  /** UAPI `messages[]` and `warnings[]`, WHM `metadata.reason` when it succeeded (bounded, scrubbed). */
  readonly messages: readonly string[];
  readonly durationMs: number;
}

/**
 * Why an admin action could not do its work. Each kind has its own words (shared/admin/adminCatalog.ts)
 * and tells the person what to change.
 */
export type HostingProblem =
  /** 401/403, or the API's own "access denied": the token (or user name) is wrong, revoked or expired. */
  | { readonly kind: 'token-refused'; readonly api: HostingApi; readonly httpStatus?: number; readonly serverWords: readonly string[] }
  /**
   * The token works but may not do this: a cPanel feature or role is off (e.g. "Receive Mail"), or a WHM
   * token lacks the privilege (a reseller without cPHulk access).
   */
  | { readonly kind: 'not-permitted'; readonly api: HostingApi; readonly function: string; readonly serverWords: readonly string[] }
  /** The API answered `status: 0` / `result: 0` with its reasons. */
  | { readonly kind: 'api-error'; readonly api: HostingApi; readonly function: string; readonly serverWords: readonly string[] }
  /** An HTML page (usually cPanel's or WHM's login page) came back instead of JSON. */
  | { readonly kind: 'login-page'; readonly api: HostingApi; readonly httpStatus: number; readonly pageTitle?: string }
  /** Something other than the API's JSON came back (another web server, a proxy's error page...). */
  | { readonly kind: 'not-json'; readonly api: HostingApi; readonly httpStatus: number; readonly contentType?: string }
  /** No answer in time. 'connect': the server was not reached; 'response': it was, and did not answer. */
  | { readonly kind: 'timeout'; readonly api: HostingApi; readonly phase: 'connect' | 'response'; readonly afterMs: number }
  /** The name did not resolve, or the port refused or could not be reached. */
  | { readonly kind: 'unreachable'; readonly api: HostingApi; readonly errorCode: string }
  /** The server's certificate did not verify (Mail Doctor never turns verification off). */
  | { readonly kind: 'certificate'; readonly api: HostingApi; readonly errorCode: string }
  /**
   * No call was made, to protect the account: this token was refused before (a refused token is never
   * retried: cPHulk and CSF count API logins too), or this run already had its one attempt at this API.
   */
  | {
      readonly kind: 'not-retried';
      readonly api: HostingApi;
      readonly reason: 'refused-before' | 'refused-this-run';
      /** When the token was refused (refused-before). */
      readonly refusedAt?: string;
    }
  /** The person cancelled. */
  | { readonly kind: 'cancelled'; readonly api: HostingApi };

export type HostingProblemKind = HostingProblem['kind'];

// ---------------------------------------------------------------- results of the actions

/** What the host publishes for one mailbox (Email::get_client_settings), as mail settings. */
export interface HostClientSettings {
  readonly account: string;
  readonly incoming: {
    readonly protocol: Exclude<MailProtocol, 'smtp'>;
    readonly host: string;
    /** The secure (TLS from the first byte) port, e.g. 993 / 995. */
    readonly port: number;
    /** The port cPanel calls "non-SSL" (STARTTLS or plain), e.g. 143 / 110. */
    readonly insecurePort?: number;
    readonly username: string;
  };
  readonly outgoing: {
    readonly host: string;
    /** e.g. 465 (TLS from the first byte). */
    readonly port: number;
    /** e.g. 587, 25 or 26. */
    readonly insecurePort?: number;
    readonly username: string;
  };
  /** The server accepts a password sent as is over the encrypted connection (LOGIN/PLAIN). */
  readonly plaintextAuthentication?: boolean;
}

export type BlockCheckResult =
  | { readonly kind: 'checked'; readonly check: HostBlockCheck }
  /** Only cPanel access: cPHulk and CSF are out of reach; what to ask the host instead. */
  | { readonly kind: 'needs-host'; readonly ip?: string };

export interface UnblockResult {
  /** flush_cphulk_login_history_for_ips's counts. */
  readonly recordsRemoved: number;
  readonly firewallBansRemoved: number;
  /** The check made right after, so the person sees the block is gone (or why not: e.g. the blacklist). */
  readonly after: HostBlockCheck;
}

/** The steps of the temporary test mailbox, in order. */
export type TestMailboxStepId =
  | 'journal-pending'
  | 'add-mailbox'
  | 'client-settings'
  | 'imap-login'
  | 'smtp-login'
  | 'send-to-itself'
  | 'read-back'
  | 'delete-mailbox'
  | 'journal-cleared';

export interface TestMailboxStep {
  readonly id: TestMailboxStepId;
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly durationMs: number;
  /** Plain detail: the server's words on a failure (scrubbed), what was skipped and why. */
  readonly detail?: string;
}

/** Where the pending-deletion journal stands when the flow ends. */
export type JournalState =
  /** The mailbox was deleted and its journal entry removed. */
  | 'cleared'
  /** The mailbox may still exist: its entry stays, and the next start retries the deletion. */
  | 'pending'
  /** The journal could not be written, so no mailbox was created. */
  | 'unwritable';

export interface TestMailboxResult {
  readonly mailbox: string;
  readonly steps: readonly TestMailboxStep[];
  /**
   * 'server-fine': the fresh mailbox logged in, sent and received from this Mac, so the server and the
   * network are fine and the person's own account settings are at fault. 'server-problem': a step failed
   * with the fresh mailbox too. 'incomplete': the test could not run far enough to say.
   */
  readonly conclusion: 'server-fine' | 'server-problem' | 'incomplete';
  readonly journal: JournalState;
}

/** A mailbox whose deletion was journalled and not yet confirmed (a test mailbox from an interrupted run). */
export interface PendingMailboxDeletion {
  readonly connection: HostingConnection;
  readonly mailbox: string;
  readonly createdAt: string;
}

// ---------------------------------------------------------------- what the window sees (IPC)

/**
 * What IT's managed preference AdminToolsEnabled says about the hosting tools (electron/fleet/managedPolicy.ts
 * `adminToolsPolicy`): 'on' (set true), 'off' (set false), 'default' (not managed).
 */
export type AdminToolsPolicy = 'on' | 'off' | 'default';

/**
 * The hosting tools' state for the window: whether IT allows them, which accounts are connected (a token is
 * stored in the keychain; the token itself never leaves the main process), and test mailboxes an interrupted
 * run left behind.
 */
export interface AdminStatus {
  /**
   * The managed preference AdminToolsEnabled: 'on' (set true: the section is shown), 'off' (set false: hidden,
   * and every admin action is refused), 'default' (not managed: shown once an account is connected, and
   * offered behind a closed disclosure until then).
   */
  readonly policy: AdminToolsPolicy;
  readonly connections: { readonly cpanel?: HostingConnection; readonly whm?: HostingConnection };
  readonly pendingDeletions: readonly PendingMailboxDeletion[];
}

/** What an admin action answers the window: every API call made, deletions retried first, and the outcome. */
export interface AdminActionResult<T> {
  readonly calls: readonly HostingApiCall[];
  readonly retriedDeletions: readonly (PendingMailboxDeletion & { readonly journal: 'cleared' | 'pending' })[];
  readonly outcome: { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: HostingProblem };
}

export type AdminActionName = 'connect' | 'check-ip' | 'unblock-ip' | 'reset-password' | 'test-mailbox' | 'client-settings';

/** Progress of the running admin action: each API call as it ends, each test-mailbox step. */
export type AdminProgressEvent =
  | { readonly type: 'call'; readonly action: AdminActionName; readonly call: HostingApiCall }
  | { readonly type: 'test-mailbox-step'; readonly step: TestMailboxStep };
