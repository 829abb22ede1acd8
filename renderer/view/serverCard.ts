/**
 * The Receiving | Sending card as data: one column per server Mail saved for the account, the password
 * each server accepted or refused (as a chip), Mail's own last login from its connection log, and — behind
 * "Show all settings" — port, encryption and user name beside what the email domain publishes and what the
 * IT department set, with every cell that differs flagged. Only the side a finding blames is marked wrong.
 * Pure: no React, no bridge, so the rules are unit-tested on diagnoses from the real verdict rules.
 */
import type { AccountDiagnosis, Finding } from '../../shared/diagnosis/types';
import type { MailAccount, ServerRole, ServerSettings, StoredPasswordStatus } from '../../shared/model/account';
import type { LoginOutcome, PublishedServer } from '../../shared/probes/outcomes';
import type { ExpectedServer } from '../../shared/model/managedPreferences';
import type { FailureCode } from '../words';
import { TLS_MODE_LABELS } from '../components/presentation';

export type PasswordChip = 'accepted' | 'refused' | 'unreadable' | 'not-tried' | 'no-answer' | 'failed';

/** The chips' words; a symbol beside them repeats the meaning for the eye, never alone. */
export const PASSWORD_CHIP_LABELS: Readonly<Record<PasswordChip, string>> = {
  accepted: 'Accepted',
  refused: 'Refused',
  unreadable: 'Couldn’t read',
  'not-tried': 'Not tried',
  'no-answer': 'No answer',
  failed: 'Couldn’t check',
};

export const ROLE_LABELS: Readonly<Record<ServerRole, string>> = { incoming: 'Receiving', outgoing: 'Sending' };

/** Rows of the card a finding can blame. */
export type CardRow = 'server' | 'password' | 'mail-log' | 'port' | 'tls' | 'username' | 'authentication';

export type SettingRow = Extract<CardRow, 'server' | 'port' | 'tls' | 'username' | 'authentication'>;

export const SETTING_ROW_LABELS: Readonly<Record<SettingRow, string>> = {
  server: 'Server',
  port: 'Port',
  tls: 'Encryption',
  username: 'User name',
  authentication: 'Logs in to send',
};

const SETTING_ROWS: readonly SettingRow[] = ['server', 'port', 'tls', 'username', 'authentication'];

export interface Reference {
  /** Who says so: the IT department's managed preferences, or what the email domain publishes. */
  readonly source: 'it' | 'published';
  readonly value: string;
  readonly differs: boolean;
}

export interface SettingCell {
  readonly value: string;
  readonly references: readonly Reference[];
  /** Differs from at least one reference. */
  readonly differs: boolean;
}

export interface CardSide {
  readonly role: ServerRole;
  readonly host: string;
  readonly password: PasswordChip;
  /** The password was typed for this check (not the one Mail saved). */
  readonly typed: boolean;
  /** Mail's newest logged login reply from this server (its time stays ISO: the component words it). */
  readonly mailLog: { readonly result: 'accepted' | 'rejected'; readonly at: string } | null;
  /** The rows a finding blames on this side. */
  readonly wrong: ReadonlySet<CardRow>;
  /** Password row: the finding says this side's saved password is the out-of-date one. */
  readonly stalePassword: boolean;
  readonly settings: Readonly<Record<SettingRow, SettingCell>>;
}

export interface ServerCard {
  readonly sides: readonly CardSide[];
  /** The two saved passwords differ (compared, or shown by the servers' answers). */
  readonly passwordsDiffer: boolean;
  /** Mail's connection log had a login reply for at least one server. */
  readonly mailLogShown: boolean;
  /** What the references are called in the column of each cell. */
  readonly publishedBy: string | null;
  readonly itExpects: boolean;
  /** Findings the card itself shows (as chips or marks): the checklist does not say them again. */
  readonly shownFindings: readonly Pick<Finding, 'code' | 'side'>[];
}

/** Findings the card shows in chips and marks, and the rows they blame. */
const BLAMED_ROWS: Partial<Record<FailureCode, readonly CardRow[]>> = {
  PASSWORDS_DIFFER: ['password'],
  PASSWORD_MISSING: ['password'],
  IMAP_AUTH_REJECTED: ['password'],
  POP3_AUTH_REJECTED: ['password'],
  SMTP_AUTH_REJECTED: ['password'],
  MAIL_SAW_AUTH_REJECTED: ['mail-log'],
  USERNAMES_DIFFER: ['username'],
  USERNAME_NOT_FULL_ADDRESS: ['username'],
  SMTP_AUTH_DISABLED: ['authentication'],
  SERVER_DIFFERS_FROM_EXPECTED: ['server', 'port', 'tls'],
  SERVER_DIFFERS_FROM_PUBLISHED: ['server'],
  TLS_HOSTNAME_MISMATCH: ['server'],
  TLS_CERT_EXPIRED: ['server'],
  TLS_CERT_UNTRUSTED: ['server'],
  DNS_NOT_FOUND: ['server'],
  TLS_MODE_PORT_MISMATCH: ['port', 'tls'],
  STARTTLS_NOT_OFFERED: ['tls'],
  LOGIN_NEEDS_TLS: ['tls'],
  PORT_REFUSED: ['port'],
  PORT_TIMEOUT: ['server'],
  PORT_RESET: ['server'],
  CONNECTION_FAILED: ['server'],
  STARTTLS_WITHDRAWN: ['tls'],
};

/** The chips stand for these findings; any other finding is said in words in its checklist step. */
const SHOWN_AS_CHIPS: ReadonlySet<FailureCode> = new Set<FailureCode>([
  'PASSWORDS_DIFFER',
  'IMAP_AUTH_REJECTED',
  'POP3_AUTH_REJECTED',
  'SMTP_AUTH_REJECTED',
  'MAIL_SAW_AUTH_REJECTED',
]);

function isRole(value: unknown): value is ServerRole {
  return value === 'incoming' || value === 'outgoing';
}

/** The side a finding blames: the side it names as wrong when it has one, else its own side or role. */
function blamedSides(finding: Finding): ServerRole[] {
  if (finding.code === 'PASSWORDS_DIFFER') return 'staleRole' in finding.params && isRole(finding.params.staleRole) ? [finding.params.staleRole] : [];
  if (finding.code === 'USERNAMES_DIFFER') return finding.params.explains ? [finding.params.badRole] : [];
  if (isRole(finding.side)) return [finding.side];
  const role: unknown = 'role' in finding.params ? finding.params.role : undefined;
  if (isRole(role)) return [role];
  if (finding.side === 'both' || role === 'both') return ['incoming', 'outgoing'];
  return [];
}

export function passwordChip(login: LoginOutcome | undefined, stored: StoredPasswordStatus, account: MailAccount): PasswordChip {
  if (login === undefined) return 'not-tried';
  switch (login.kind) {
    case 'accepted':
      return 'accepted';
    case 'rejected':
      return 'refused';
    case 'timeout':
      return 'no-answer';
    case 'unavailable':
    case 'error':
      return 'failed';
    case 'skipped':
      if (login.reason !== 'no-password') return 'not-tried';
      // "Not found" on a modern account means out of Mail Doctor's reach (macOS keeps it for Mail), not missing.
      if (stored.outcome === 'denied' || stored.outcome === 'error') return 'unreadable';
      if (stored.outcome === 'not-found' && account.source !== 'legacy-plist' && account.source !== 'manual') return 'unreadable';
      return 'not-tried';
  }
}

function settingValue(settings: ServerSettings, row: SettingRow): string {
  switch (row) {
    case 'server':
      return settings.host;
    case 'port':
      return String(settings.port);
    case 'tls':
      return TLS_MODE_LABELS[settings.tls];
    case 'username':
      return settings.username === '' ? 'None' : settings.username;
    case 'authentication':
      return settings.protocol === 'smtp' ? (settings.authenticationEnabled ? 'Yes' : 'No') : '—';
  }
}

/** The published server closest to Mail's setting (most fields equal), so each cell is compared with its own match. */
function closestPublished(settings: ServerSettings, servers: readonly PublishedServer[]): PublishedServer | undefined {
  const score = (server: PublishedServer): number =>
    Number(server.host.toLowerCase() === settings.host.toLowerCase()) * 4 + Number(server.port === settings.port) * 2 + Number(server.tls === settings.tls);
  return [...servers].sort((a, b) => score(b) - score(a))[0];
}

function publishedValue(server: PublishedServer, row: SettingRow, email: string): string | null {
  switch (row) {
    case 'server':
      return server.host;
    case 'port':
      return String(server.port);
    case 'tls':
      return TLS_MODE_LABELS[server.tls];
    case 'username': {
      const template = server.usernameTemplate;
      if (template === undefined) return null;
      const at = email.lastIndexOf('@');
      return template.replace('%EMAILADDRESS%', email).replace('%EMAILLOCALPART%', at > 0 ? email.slice(0, at) : email);
    }
    case 'authentication':
      return null;
  }
}

function expectedValue(expected: ExpectedServer, role: ServerRole, row: SettingRow): string | null {
  const incoming = role === 'incoming';
  switch (row) {
    case 'server':
      return incoming ? expected.incomingHost : expected.outgoingHost;
    case 'port':
      return String(incoming ? expected.incomingPort : expected.outgoingPort);
    case 'tls':
      return TLS_MODE_LABELS[incoming ? expected.incomingTls : expected.outgoingTls];
    case 'username':
    case 'authentication':
      return null;
  }
}

function sameValue(row: SettingRow, a: string, b: string): boolean {
  return row === 'server' || row === 'username' ? a.toLowerCase() === b.toLowerCase() : a === b;
}

function settingCells(diagnosis: AccountDiagnosis, role: ServerRole, settings: ServerSettings): Record<SettingRow, SettingCell> {
  const published = diagnosis.probes.published;
  const protocol = settings.protocol;
  const closest = closestPublished(settings, published?.servers.filter((server) => server.protocol === protocol) ?? []);
  const expected = diagnosis.expected ?? null;
  const cells = {} as Record<SettingRow, SettingCell>;
  for (const row of SETTING_ROWS) {
    const value = settingValue(settings, row);
    const references: Reference[] = [];
    const itValue = expected === null ? null : expectedValue(expected, role, row);
    if (itValue !== null) references.push({ source: 'it', value: itValue, differs: !sameValue(row, value, itValue) });
    const publishedText = closest === undefined ? null : publishedValue(closest, row, diagnosis.account.emailAddress);
    if (publishedText !== null) references.push({ source: 'published', value: publishedText, differs: !sameValue(row, value, publishedText) });
    cells[row] = { value, references, differs: references.some((reference) => reference.differs) };
  }
  return cells;
}

function newestMailLogReply(diagnosis: AccountDiagnosis, role: ServerRole): CardSide['mailLog'] {
  const replies = diagnosis.mailEvidence?.connectionLog.authReplies.filter((reply) => reply.side === role) ?? [];
  const newest = [...replies].sort((a, b) => (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0))[0];
  return newest === undefined ? null : { result: newest.result, at: newest.at };
}

/** The card for a finished diagnosis, or null when the account has no server to show. */
export function serverCard(diagnosis: AccountDiagnosis): ServerCard | null {
  const { account } = diagnosis;
  const roles = (['incoming', 'outgoing'] as const).filter((role) => account[role] !== null);
  if (roles.length === 0) return null;

  const wrong: Record<ServerRole, Set<CardRow>> = { incoming: new Set(), outgoing: new Set() };
  const stale: Record<ServerRole, boolean> = { incoming: false, outgoing: false };
  const shownFindings: Pick<Finding, 'code' | 'side'>[] = [];
  for (const finding of diagnosis.findings) {
    const rows = BLAMED_ROWS[finding.code];
    if (rows === undefined) continue;
    for (const side of blamedSides(finding)) {
      for (const row of rows) wrong[side].add(row);
      if (finding.code === 'PASSWORDS_DIFFER') stale[side] = true;
    }
    if (SHOWN_AS_CHIPS.has(finding.code)) shownFindings.push({ code: finding.code, side: finding.side });
  }

  const sides: CardSide[] = roles.map((role) => {
    const settings = account[role] as ServerSettings;
    const stored = account.passwords[role];
    return {
      role,
      host: settings.host,
      password: passwordChip(diagnosis.probes[role]?.login, stored, account),
      typed: stored.outcome === 'found' && stored.foundIn === 'typed',
      mailLog: newestMailLogReply(diagnosis, role),
      wrong: wrong[role],
      stalePassword: stale[role],
      settings: settingCells(diagnosis, role, settings),
    };
  });

  return {
    sides,
    passwordsDiffer: account.passwords.comparison === 'different' || diagnosis.findings.some((finding) => finding.code === 'PASSWORDS_DIFFER'),
    mailLogShown: sides.some((side) => side.mailLog !== null),
    publishedBy: diagnosis.probes.published?.domain ?? null,
    itExpects: (diagnosis.expected ?? null) !== null,
    shownFindings,
  };
}
