/**
 * What macOS and Mail themselves recorded about an account, read without its password
 * (electron/evidence/). Every source has its own outcome so "not there" is never confused with "fine".
 */
import type { ServerRole } from './account';

export type EvidenceSourceOutcome =
  /** `missing` names parts of the source that were not there (older macOS columns, tables), so a partial read says so. */
  | { readonly kind: 'read'; readonly missing?: readonly string[] }
  | { readonly kind: 'absent'; readonly reason: string }
  | { readonly kind: 'full-disk-access-needed'; readonly path: string }
  | { readonly kind: 'needs-administrator' }
  | { readonly kind: 'unreadable'; readonly reason: string }
  | { readonly kind: 'not-applicable'; readonly reason: string };

/** Accounts4: macOS recorded that a password request for this account was dismissed or rejected. */
export interface CredentialState {
  readonly outcome: EvidenceSourceOutcome;
  /** ISO time of ZLASTCREDENTIALRENEWALREJECTIONDATE, when set. */
  readonly renewalRejectedAt?: string;
  /** ZAUTHENTICATED: a weak hint only; never proof of a wrong password. */
  readonly authenticatedFlag?: boolean;
  /** Which Accounts4 row carried the rejection date: the incoming account's row or its outgoing (SMTP) row. */
  readonly renewalRejectedOn?: ServerRole;
  /** ISO time macOS stops suppressing the password prompt (rejection + 24 h), only while that is still ahead of `now`. */
  readonly promptSuppressedUntil?: string;
}

/** One authentication reply Mail received, from its connection log. */
export interface LoggedAuthReply {
  readonly at: string;
  readonly side: ServerRole;
  readonly host: string;
  readonly port: number;
  readonly result: 'accepted' | 'rejected';
  /** The server's reply verbatim (e.g. "NO [AUTHENTICATIONFAILED] Authentication failed.", "535 ..."). */
  readonly serverText: string;
}

export interface LoggedConnectFailure {
  readonly at: string;
  readonly host: string;
  readonly port: number;
}

export interface ConnectionLogEvidence {
  readonly outcome: EvidenceSourceOutcome;
  readonly authReplies: readonly LoggedAuthReply[];
  readonly connectFailures: readonly LoggedConnectFailure[];
  /** TLS level Mail negotiated per host:port, when logged. */
  readonly tls: readonly { readonly host: string; readonly port: number; readonly level: string }[];
  readonly files: readonly { readonly name: string; readonly bytes: number; readonly lastModified: string }[];
}

export interface MailboxActivity {
  readonly outcome: EvidenceSourceOutcome;
  readonly lastMailReceivedAt?: string;
  readonly pendingLocalActions?: number;
}

export interface UnifiedLogEvidence {
  readonly outcome: EvidenceSourceOutcome;
  readonly events: readonly {
    readonly at: string;
    readonly kind: 'renewal-declined-identical' | 'renewal-rate-limited' | 'login-succeeded' | 'other';
    readonly process: string;
    /** The entry's static formatString (no values: those print as <private> or are not kept). */
    readonly template?: string;
  }[];
}

export interface MailEvidence {
  readonly credentialState: CredentialState;
  readonly connectionLog: ConnectionLogEvidence;
  readonly mailbox: MailboxActivity;
  readonly unifiedLog: UnifiedLogEvidence;
}
