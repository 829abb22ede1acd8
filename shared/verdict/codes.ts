/**
 * Every failure code Mail Doctor can report. The catalog (shared/verdict/catalog.ts) gives each one
 * its user-facing words; docs/failure-codes.md documents them. Add a code here, in the catalog and in
 * the docs together (a test checks all three agree).
 */
export const FAILURE_CODES = [
  'OK',
  // the Mac and the network
  'FULL_DISK_ACCESS_NEEDED',
  'ACCOUNT_READ_PROBLEM',
  'LONG_UPTIME',
  'NO_INTERNET',
  'CAPTIVE_PORTAL',
  'DNS_NOT_FOUND',
  // reaching the server
  'PORT_TIMEOUT',
  'PORT_REFUSED',
  'PORT_RESET',
  'CONNECTION_FAILED',
  'IP_BLOCKED_FIREWALL_DROP',
  'IP_BLOCKED_REJECT',
  'IP_BLOCKED_LOGIN_LAYER',
  'IP_BLOCKED_CONFIRMED',
  'SERVER_REPLY_TOO_LARGE',
  // TLS
  'TLS_HOSTNAME_MISMATCH',
  'TLS_CERT_EXPIRED',
  'TLS_CERT_UNTRUSTED',
  'TLS_MODE_PORT_MISMATCH',
  'TLS_HANDSHAKE_FAILED',
  'STARTTLS_NOT_OFFERED',
  'STARTTLS_WITHDRAWN',
  'LOGIN_NEEDS_TLS',
  // logins
  'IMAP_AUTH_REJECTED',
  'POP3_AUTH_REJECTED',
  'SMTP_AUTH_REJECTED',
  'LOGIN_BUDGET_EXHAUSTED',
  'LOGIN_LEDGER_UNAVAILABLE',
  'LOGIN_DELAYED_BY_SERVER',
  'OAUTH_ACCOUNT',
  'SERVER_UNAVAILABLE',
  // what Mail stored
  'PASSWORDS_DIFFER',
  'PASSWORD_MISSING',
  'USERNAMES_DIFFER',
  'USERNAME_NOT_FULL_ADDRESS',
  'SMTP_AUTH_DISABLED',
  'SERVER_DIFFERS_FROM_EXPECTED',
  'SERVER_DIFFERS_FROM_PUBLISHED',
  'PASSWORD_UNREADABLE',
  'OUTGOING_NOT_LINKED',
  'WEBMAIL_UNREACHABLE',
  // what Mail itself saw
  'PASSWORD_PROMPT_SUPPRESSED',
  'MAIL_SAW_AUTH_REJECTED',
  'MAIL_SAW_CONNECT_FAILURES',
  'ACCOUNT_NOT_SYNCING',
  'CONNECTION_LOG_OFF',
  // what the servers did with this run's secrets
  'SECRET_SCRUBBED',
] as const;

export type FailureCode = (typeof FAILURE_CODES)[number];

export function isFailureCode(value: string): value is FailureCode {
  return (FAILURE_CODES as readonly string[]).includes(value);
}
