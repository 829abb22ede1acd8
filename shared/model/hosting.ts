/**
 * What the hosting account's own records say, read through the cPanel UAPI / WHM API 1 by
 * electron/admin/ with the administrator's API token. Plain data, no token. The verdict rules turn a
 * positive block check into IP_BLOCKED_CONFIRMED (with its evidence) and a negative one into "ruled out",
 * in place of the client-side guess IP_BLOCKED_LOGIN_LAYER.
 */

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
}
