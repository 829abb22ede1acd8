/**
 * The CLI's text output: live progress while checks run, then per account the verdict, the one next
 * step, the checklist and the secondary findings. Every sentence about a finding comes from the
 * failure catalog (shared/verdict/catalog.ts); this file only lays it out.
 */
import type { ChecklistStepId, StepStatus } from '../../shared/checklist/steps';
import type { DiagnosisRun, ProgressEvent } from '../../shared/diagnosis/types';
import type { DiscoveryProblem, ServerSettings } from '../../shared/model/account';
import { OWNER_LABELS, STEP_TITLES, describeFinding, describeProbe, evidenceItem } from '../../shared/verdict/catalog';
import { loginEvidence } from '../../shared/verdict/evidence';
import { displayHost } from '../hostNames';

const STATUS_MARKS: Readonly<Record<StepStatus, string>> = {
  pending: '·',
  running: '…',
  passed: '✓',
  failed: '✗',
  warning: '!',
  skipped: '–',
  'not-applicable': '–',
};

/** Progress lines for a terminal: one line per probe as it finishes. */
export function progressLine(event: ProgressEvent): string | null {
  switch (event.type) {
    case 'run-started':
      return `Checking ${event.accountIds.length} account(s)…`;
    case 'probe-finished':
      return `  ${describeProbe(event.probe)} (${event.durationMs} ms)`;
    case 'login-finished': {
      // The catalog's words for this login outcome (the same line the checklist's evidence shows).
      let words = '';
      loginEvidence(event.role, event.outcome, (label, params) => {
        words = evidenceItem(label, params).summary;
      });
      return `  ${words}`;
    }
    case 'step-changed':
    case 'run-finished':
      return null;
    case 'run-failed':
      return `The check stopped: ${event.error.message}`;
  }
}

export function discoveryProblemText(problem: DiscoveryProblem): string {
  switch (problem.kind) {
    case 'full-disk-access-needed': {
      const words = describeFinding({ code: 'FULL_DISK_ACCESS_NEEDED', params: { path: problem.path } });
      return `${words.title}\n  ${words.why}\n  Next step: ${words.nextStep}\n  (blocked: ${problem.path})`;
    }
    case 'no-mail-accounts-found':
      return `No Mail accounts were found (looked in: ${problem.searched.join(', ')}).`;
    case 'store-unreadable':
      return `Could not read ${problem.path}: ${problem.reason}`;
    case 'not-macos':
      return "This is not a Mac, so there are no Mail accounts to read. Use --home DIR with a copy of a Mac home folder, or --manual.";
  }
}

export function renderRun(run: DiagnosisRun): string {
  const lines: string[] = [];
  for (const problem of run.discoveryProblems) lines.push(discoveryProblemText(problem), '');
  for (const account of run.accounts) {
    const { verdict } = account;
    lines.push(`${account.account.description} <${account.account.emailAddress}>`);
    lines.push(`  Servers: ${describeServer('incoming', account.account.incoming)}; ${describeServer('outgoing', account.account.outgoing)}`);
    lines.push(`  ${verdict.code === 'OK' ? '✓' : '✗'} ${verdict.title}`);
    lines.push(`    ${verdict.why}`);
    lines.push(`    Next step (${OWNER_LABELS[verdict.fixedBy]}): ${verdict.nextStep}`);
    (verdict.howTo ?? []).forEach((line, index) => lines.push(`      ${index + 1}. ${line}`));
    for (const line of verdict.technical ?? []) lines.push(`    · ${line}`);
    lines.push('  Checklist:');
    for (const step of account.steps) {
      const reason = step.reason === undefined ? '' : ` — ${step.reason}`;
      lines.push(`    ${STATUS_MARKS[step.status]} ${stepTitle(step.id)}${reason}`);
      if (step.status === 'failed' || step.status === 'warning') {
        for (const item of step.evidence) lines.push(`        ${item.summary}${item.raw === undefined ? '' : `  [${item.raw}]`}`);
      }
    }
    const others = account.findings.filter((f) => f.code !== verdict.code || f.side !== verdict.side);
    if (others.length > 0) {
      lines.push('  Also found:');
      for (const finding of others) lines.push(`    - ${describeFinding(finding).title}`);
    }
    lines.push('');
  }
  if (run.publicIp.kind === 'found') lines.push(`Your public IP address (as the mail server sees it): ${run.publicIp.ip}`);
  lines.push(`Finished in ${(run.durationMs / 1000).toFixed(1)} s.`);
  return lines.join('\n');
}

/** `incoming imap mail.example.com:993 (implicit TLS)`; an international name in both forms. */
function describeServer(role: string, settings: ServerSettings | null): string {
  if (settings === null) return `${role}: none`;
  return `${role} ${settings.protocol} ${displayHost(settings.host)}:${settings.port} (${settings.tls === 'none' ? 'no encryption' : `${settings.tls} TLS`})`;
}

function stepTitle(id: ChecklistStepId): string {
  return STEP_TITLES[id];
}
