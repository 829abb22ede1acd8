/**
 * Progress event sequences in the order electron/diagnosis/runDiagnosis.ts emits them (run-started,
 * steps going running -> final while probes finish, run-finished with the whole run), built from
 * real-shaped facts evaluated by the real verdict rules (shared/verdict/evaluate.ts).
 */
import type { AccountDiagnosis, AccountFacts, DiagnosisRun, ProgressEvent } from '../../../shared/diagnosis/types';
import { evaluateAccount } from '../../../shared/verdict/evaluate';
import { NOW } from '../verdict/factsBuilder';

export function diagnosisOf(facts: AccountFacts): AccountDiagnosis {
  const evaluation = evaluateAccount(facts);
  return {
    account: facts.account,
    probes: facts.probes,
    steps: evaluation.steps,
    findings: evaluation.findings,
    verdict: evaluation.verdict,
    timings: { startedAt: NOW, durationMs: 1200 },
    mailEvidence: facts.mailEvidence,
    expected: facts.expected ?? null,
  };
}

export function runOf(runId: string, accounts: readonly AccountDiagnosis[], options: { noLogin?: boolean } = {}): DiagnosisRun {
  return {
    runId,
    startedAt: NOW,
    finishedAt: NOW,
    durationMs: 1500,
    internet: { kind: 'online', checkedUrl: 'http://captive.apple.com/hotspot-detect.html', durationMs: 40 },
    publicIp: { kind: 'found', ip: '203.0.113.7', from: 'smtp-ehlo' },
    discoveryProblems: [],
    accounts,
    options: { noLogin: options.noLogin ?? false },
  };
}

export const PROBES_IN_ORDER = [
  'incoming-dns',
  'outgoing-dns',
  'published-settings',
  'incoming-connect',
  'outgoing-connect',
  'webmail',
  'incoming-login',
  'outgoing-login',
] as const;

/** The whole stream of one run, as the window receives it. */
export function recordRun(runId: string, accounts: readonly AccountDiagnosis[]): ProgressEvent[] {
  const events: ProgressEvent[] = [{ type: 'run-started', runId, accountIds: accounts.map((a) => a.account.id) }];
  for (const diagnosis of accounts) {
    const accountId = diagnosis.account.id;
    for (const stepId of ['internet', 'server-reachable', 'incoming-login', 'outgoing'] as const) {
      events.push({ type: 'step-changed', runId, accountId, stepId, status: 'running' });
    }
    // The probe names electron/diagnosis/runDiagnosis.ts reports, in the order they usually finish.
    for (const probe of PROBES_IN_ORDER) events.push({ type: 'probe-finished', runId, accountId, probe, durationMs: 30 });
  }
  for (const diagnosis of accounts) {
    for (const step of diagnosis.steps) {
      events.push({ type: 'step-changed', runId, accountId: diagnosis.account.id, stepId: step.id, status: step.status });
    }
  }
  events.push({ type: 'run-finished', runId, run: runOf(runId, accounts) });
  return events;
}
