/**
 * Small pieces of presentation the components share: the person's own date format, the status of an
 * account for its dot, and the words for the window's own controls. Words about findings and steps
 * never live here: they come from shared/verdict/catalog.ts.
 */
import type { StepStatus } from '../../shared/checklist/steps';
import type { AccountDiagnosis, FindingKey } from '../../shared/diagnosis/types';
import type { TlsMode } from '../../shared/model/account';
import type { CatalogAction, FindingWords } from '../../shared/verdict/catalog';
import { describeFinding } from '../../shared/verdict/catalog';
import type { TextFormatOptions } from '../../shared/verdict/format';

const localTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An ISO time in the person's own locale and time zone ("4 Mar 2026, 09:32"). */
export function formatLocalTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : localTime.format(date);
}

export const LOCAL_TEXT_FORMAT: TextFormatOptions = { formatTime: formatLocalTime };

/** A finding's catalog words, with its times in the person's locale. */
export function describeLocally(finding: FindingKey): FindingWords {
  return describeFinding(finding, LOCAL_TEXT_FORMAT);
}

export type AccountHealth = 'unchecked' | 'checking' | 'ok' | 'warning' | 'problem';

export function accountHealth(diagnosis: AccountDiagnosis | undefined, checking: boolean): AccountHealth {
  if (checking) return 'checking';
  if (diagnosis === undefined) return 'unchecked';
  if (diagnosis.verdict.code === 'OK') return 'ok';
  return diagnosis.verdict.severity === 'warning' ? 'warning' : 'problem';
}

/** What the status dot says to VoiceOver and beside the dot (never colour alone). */
export const HEALTH_LABELS: Readonly<Record<AccountHealth, string>> = {
  unchecked: 'Not checked yet',
  checking: 'Checking…',
  ok: 'No problem found',
  warning: 'Worth a look',
  problem: 'Problem found',
};

/** The state of a checklist step, in words (the icon beside it is decoration). */
export const STEP_STATUS_LABELS: Readonly<Record<StepStatus, string>> = {
  pending: 'Waiting',
  running: 'Checking…',
  passed: 'Passed',
  failed: 'Problem found',
  warning: 'Worth a look',
  skipped: 'Skipped',
  'not-applicable': 'Does not apply',
};

/** Labels of the buttons the catalog's actions become. */
export const ACTION_LABELS: Readonly<Record<CatalogAction, string>> = {
  'open-webmail': 'Open webmail',
  'open-keychain-access': 'Open Keychain Access',
  'open-mail-settings': 'Open Mail',
  'grant-full-disk-access': 'Open Full Disk Access settings',
  'type-password': 'Test with a password I type',
  'run-again': 'Run the check again',
  'copy-report': 'Copy the report',
  'contact-support': 'Contact support',
  'open-connection-doctor': 'Open Connection Doctor',
};

/** "Test with a password I type" for one of Mail's own accounts (renderer/components/TypedPasswordForm.tsx). */
export const TYPED_PASSWORD_LABELS = {
  heading: ACTION_LABELS['type-password'],
  field: (address: string) => `Your current password for ${address}`,
  note: 'Used once for this check, for both the incoming and the outgoing server, then forgotten. Mail Doctor never stores it.',
  start: 'Test this password',
  cancel: 'Cancel',
} as const;

/** The support report's controls (renderer/components/ReportActions.tsx) and what they answer. */
export const REPORT_CONTROL_LABELS = {
  heading: 'Support report',
  intro: 'Everything this check found, for your IT admin or email host. It never contains a password.',
  maskIdentities: 'Hide my email address in the report',
  maskIdentitiesNote: 'Email addresses and login names become placeholders such as j***@example.com.',
  copy: ACTION_LABELS['copy-report'],
  save: 'Save the report…',
  contactSupport: ACTION_LABELS['contact-support'],
  copied: 'The report is on the clipboard. Paste it into an email to your IT admin or email host.',
  saved: (path: string) => `The report was saved as ${path}.`,
  contacted: 'The report is on the clipboard. Paste it into the message or support page that just opened.',
} as const;

export function isCatalogAction(value: string | undefined, known: readonly string[]): value is CatalogAction {
  return value !== undefined && known.includes(value);
}

/** Mail's encryption setting, as Mail's own settings window words it. */
export const TLS_MODE_LABELS: Readonly<Record<TlsMode, string>> = {
  implicit: 'SSL/TLS from the start',
  starttls: 'STARTTLS',
  none: 'None (not encrypted)',
};
