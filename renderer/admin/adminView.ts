/**
 * What the "I manage this hosting account" section shows, made from main's answers and the admin catalog's
 * words (shared/admin/adminCatalog.ts): pure, so every state is unit-tested without a DOM. No word about an
 * admin outcome is invented here; this file only chooses and lays out.
 */
import {
  IP_BLOCKER_NOTE,
  STRENGTH_NAMES,
  TEST_MAILBOX_CONCLUSIONS,
  TEST_MAILBOX_STEP_NAMES,
  describeBlockCheck,
  describeHostingProblem,
  hostRequestText,
  mailPasswordSteps,
} from '../../shared/admin/adminCatalog';
import type { PasswordStrengthEstimate } from '../../shared/admin/passwordStrength';
import { estimatePasswordStrength } from '../../shared/admin/passwordStrength';
import type {
  AdminStatus,
  BlockCheckResult,
  HostBlockCheck,
  HostClientSettings,
  HostingProblem,
  TestMailboxResult,
  TestMailboxStep,
  UnblockResult,
} from '../../shared/model/hosting';

/** 'offered': a closed disclosure (not managed, nothing connected yet); 'open': the section itself. */
export type SectionMode = 'hidden' | 'offered' | 'open';

export function sectionMode(status: AdminStatus | null): SectionMode {
  if (status === null || status.policy === 'off') return 'hidden';
  if (status.policy === 'on' || status.connections.cpanel !== undefined || status.connections.whm !== undefined) return 'open';
  return 'offered';
}

export type Tone = 'ok' | 'problem' | 'warning' | 'neutral';

export interface ResultView {
  readonly tone: Tone;
  readonly title: string;
  readonly why: string;
  readonly nextStep: string;
  /** Evidence lines (times, failed logins, ports...). */
  readonly details: readonly string[];
  /** Numbered steps (the password in Mail, for both servers). */
  readonly steps?: readonly string[];
  /** The request to send the host, when only they can act. */
  readonly hostRequest?: string;
  /** The address that can be unblocked from here. */
  readonly unblockIp?: string;
}

/** How times are shown (the window passes the person's locale and time zone). */
export type TimeFormat = (iso: string) => string;

export function blockCheckView(result: BlockCheckResult, time: TimeFormat, mailHost?: string): ResultView {
  if (result.kind === 'needs-host') {
    return {
      tone: 'neutral',
      title: 'Only the hosting company can see this',
      why: IP_BLOCKER_NOTE,
      nextStep: 'Send your hosting company the request below.',
      details: [],
      hostRequest: hostRequestText(result.ip, mailHost),
    };
  }
  return checkView(result.check, time);
}

function checkView(check: HostBlockCheck, time: TimeFormat): ResultView {
  const words = describeBlockCheck(check, time);
  const details: string[] = [];
  if (check.since !== undefined) details.push(`Blocked since ${time(check.since)}.`);
  if (check.note !== undefined) details.push(`cPHulk’s note: ${check.note}`);
  for (const login of check.failedLogins.slice(0, 5)) details.push(`Failed login ${time(login.at)}: ${login.user} (${login.service})`);
  if (check.failedLogins.length > 5) details.push(`… and ${check.failedLogins.length - 5} more failed logins.`);
  if (check.requesterIp !== undefined && check.requesterIp !== check.ip) details.push(`The server sees this Mac as ${check.requesterIp}.`);
  return {
    tone: check.blocked ? 'problem' : 'ok',
    ...words,
    details,
    ...(check.blocked && check.blockedBy !== 'cphulk-blacklist' ? { unblockIp: check.ip } : {}),
  };
}

export function unblockView(result: UnblockResult, time: TimeFormat): ResultView {
  const after = checkView(result.after, time);
  if (result.after.blocked) return { ...after, details: [`cPHulk removed ${result.recordsRemoved} record(s), but the address is still blocked.`, ...after.details] };
  return {
    ...after,
    title: 'This address is unblocked',
    details: [`cPHulk removed ${result.recordsRemoved} record(s) and ${result.firewallBansRemoved} firewall ban(s).`, ...after.details],
  };
}

export function problemView(problem: HostingProblem, ip?: string, mailHost?: string): ResultView {
  const words = describeHostingProblem(problem);
  // WHM refused: the person may only have cPanel access; then the host has to look.
  const needsHost = problem.api === 'whm' && (problem.kind === 'token-refused' || problem.kind === 'not-permitted');
  return {
    tone: 'problem',
    ...words,
    details: 'serverWords' in problem && problem.serverWords.length > 0 ? [`The server said: ${problem.serverWords.join('; ')}`] : [],
    ...(needsHost ? { hostRequest: hostRequestText(ip, mailHost) } : {}),
  };
}

export function resetView(mailbox: string): ResultView {
  return {
    tone: 'ok',
    title: 'The password was changed',
    why: `${mailbox} now has the new password, on the server.`,
    nextStep: 'Enter it in Mail for both servers, then check again.',
    details: [],
    steps: mailPasswordSteps(mailbox),
  };
}

export function clientSettingsView(settings: HostClientSettings): ResultView {
  return {
    tone: 'neutral',
    title: 'What the host publishes',
    why: `The settings your hosting company gives mail apps for ${settings.account}.`,
    nextStep: 'Check again to compare them with what Mail uses.',
    details: [
      `Incoming: ${settings.incoming.host}, port ${settings.incoming.port} (encrypted), user name ${settings.incoming.username}`,
      `Outgoing: ${settings.outgoing.host}, port ${settings.outgoing.port} (encrypted), user name ${settings.outgoing.username}`,
    ],
  };
}

export interface TestMailboxView extends ResultView {
  readonly stepRows: readonly StepRow[];
}

export interface StepRow {
  readonly name: string;
  readonly status: TestMailboxStep['status'] | 'running';
  readonly detail?: string;
}

/** The steps as they arrive (progress), and the conclusion once the result is in. */
export function testMailboxView(steps: readonly TestMailboxStep[], result: TestMailboxResult | null): TestMailboxView {
  const rows: StepRow[] = steps.map((step) => ({ name: TEST_MAILBOX_STEP_NAMES[step.id], status: step.status, ...(step.detail === undefined ? {} : { detail: step.detail }) }));
  if (result === null) {
    return { tone: 'neutral', title: 'Testing with a temporary mailbox…', why: 'This takes up to a minute.', nextStep: 'Wait for the test to finish.', details: [], stepRows: rows };
  }
  const words = TEST_MAILBOX_CONCLUSIONS[result.conclusion];
  const details =
    result.journal === 'pending'
      ? [`The temporary mailbox ${result.mailbox} could not be deleted yet: Mail Doctor tries again when it next starts, or delete it in cPanel » Email Accounts.`]
      : [];
  return {
    tone: result.conclusion === 'server-fine' ? 'ok' : result.conclusion === 'server-problem' ? 'problem' : 'warning',
    ...words,
    details,
    stepRows: result.steps.map((step) => ({ name: TEST_MAILBOX_STEP_NAMES[step.id], status: step.status, ...(step.detail === undefined ? {} : { detail: step.detail }) })),
  };
}

export interface PasswordFormState {
  readonly estimate: PasswordStrengthEstimate | null;
  /** e.g. "Strength: strong". */
  readonly strengthLabel: string;
  readonly matches: boolean;
  readonly canSubmit: boolean;
  /** Why the button is off, when it is. */
  readonly hint: string | null;
}

/** The reset form: typed twice, strength shown; main checks the strength again before it sends anything. */
export function passwordFormState(first: string, second: string): PasswordFormState {
  if (first === '') return { estimate: null, strengthLabel: '', matches: false, canSubmit: false, hint: 'Type the new password twice, or generate one.' };
  const estimate = estimatePasswordStrength(first);
  const matches = first === second;
  const hint = !estimate.acceptable
    ? `This password is ${STRENGTH_NAMES[estimate.strength]}: make it longer, or mix in capitals, digits and symbols.`
    : second === ''
      ? 'Type it again to confirm.'
      : !matches
        ? 'The two passwords are not the same.'
        : null;
  return { estimate, strengthLabel: `Strength: ${STRENGTH_NAMES[estimate.strength]}`, matches, canSubmit: estimate.acceptable && matches, hint };
}
