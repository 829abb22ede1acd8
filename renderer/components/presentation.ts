/**
 * The window's own words and small presentation helpers: an account's status for its symbol, the labels
 * of its controls. Words about findings and steps never live here: they come through renderer/words.ts.
 */
import type { StepStatus } from '../../shared/checklist/steps';
import type { AccountDiagnosis } from '../../shared/diagnosis/types';
import type { TlsMode } from '../../shared/model/account';
import type { CatalogAction } from '../words';

export type AccountHealth = 'unchecked' | 'checking' | 'ok' | 'warning' | 'problem';

export function accountHealth(diagnosis: AccountDiagnosis | undefined, checking: boolean): AccountHealth {
  if (checking) return 'checking';
  if (diagnosis === undefined) return 'unchecked';
  if (diagnosis.verdict.code === 'OK') return 'ok';
  return diagnosis.verdict.severity === 'warning' ? 'warning' : 'problem';
}

/** An account's status in words, beside its symbol (never colour alone). */
export const HEALTH_LABELS: Readonly<Record<AccountHealth, string>> = {
  unchecked: 'Not checked yet',
  checking: 'Checking…',
  ok: 'No problem found',
  warning: 'Worth a look',
  problem: 'Problem found',
};

/** The state of a checklist step, in words (the symbol beside it is decoration). */
export const STEP_STATUS_LABELS: Readonly<Record<StepStatus, string>> = {
  pending: 'Waiting',
  running: 'Checking…',
  passed: 'Passed',
  failed: 'Problem',
  warning: 'Worth a look',
  skipped: 'Skipped',
  'not-applicable': 'Not needed',
};

/** Labels of the default buttons the catalog's actions become (macOS title case). */
export const ACTION_LABELS: Readonly<Record<CatalogAction, string>> = {
  'open-webmail': 'Open Webmail',
  'open-keychain-access': 'Open Keychain Access',
  'open-mail-settings': 'Open Mail',
  'grant-full-disk-access': 'Open Privacy Settings',
  'type-password': 'Type the Password…',
  'run-again': 'Check Again',
  'copy-report': 'Copy Report',
  'contact-support': 'Contact Support',
  'open-connection-doctor': 'Open Mail',
};

/** "Test with a password I type" for one of Mail's own accounts (renderer/components/TypedPasswordForm.tsx). */
export const TYPED_PASSWORD_LABELS = {
  heading: 'Test with a password you type',
  field: (address: string) => `Your current password for ${address}`,
  note: 'Used once for this check, for both the incoming and the outgoing server, then forgotten. Mail Doctor never stores it.',
  start: 'Test This Password',
  cancel: 'Cancel',
} as const;

/** The toolbar's Share Report menu (renderer/components/ShareReportMenu.tsx) and what it answers. */
export const REPORT_MENU_LABELS = {
  button: 'Share Report',
  copy: 'Copy Report',
  save: 'Save Report…',
  contactSupport: 'Contact Support…',
  maskIdentities: 'Hide My Email Address',
  /** Under the checked, dimmed choice when IT's managed preference MaskIdentities decides it. */
  maskedByIt: 'Your IT department hides it in every report.',
  unavailable: 'Check an account first: the report describes a finished check.',
  copied: 'The report is on the clipboard. Paste it into an email to your IT admin or email host.',
  saved: (path: string) => `The report was saved as ${path}.`,
  contacted: 'The report is on the clipboard. Paste it into the message or support page that just opened.',
} as const;

/**
 * An encryption setting in plain words (Mail itself shows only "Use TLS/SSL" and the port). "Upgrades after
 * connecting" is what mail people call STARTTLS; the name stays in the technical details.
 */
export const TLS_MODE_LABELS: Readonly<Record<TlsMode, string>> = {
  implicit: 'TLS/SSL from the start',
  starttls: 'TLS/SSL after connecting',
  none: 'None (not encrypted)',
};
