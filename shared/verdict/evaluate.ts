/**
 * AccountFacts -> the checklist, the ranked findings and ONE verdict.
 *
 * 1. Every rule of the table (rules.ts) runs; matches become candidate findings with a severity and a rank.
 * 2. Precedence, in one place (`applyPrecedence`), from what each rule declares: one finding per code and
 *    side; exclusive groups keep their lowest-ranked finding per side; `suppresses` drops later-ranked
 *    findings made redundant; advice (`adviceFor`) stays only beside the problem it helps explain.
 * 3. Findings are ordered: failures, then warnings, then notes; inside each, by rank (the chain).
 * 4. The verdict is the first failure, else the first warning, else OK. Rules never contradict live
 *    evidence (an accepted login never yields a rejection on that side), so neither does the verdict.
 * 5. Each step shows its evidence and the findings placed on it; its status follows from them:
 *    a failure fails the step, a warning makes it a warning, a note turns a passed step into a warning.
 */
import { CHECKLIST_STEP_IDS, STEP_OWNERS, type ChecklistStepId, type StepStatus } from '../checklist/steps';
import type {
  AccountEvaluation,
  AccountFacts,
  ChecklistStep,
  EvidenceItem,
  Finding,
  FindingOf,
  FindingSeverity,
  FindingSide,
  Verdict,
} from '../diagnosis/types';
import { SIDES, analyse, type Analysis } from './analysis';
import { ADVICE, SKIP_REASONS, describeFinding, stepForFinding } from './catalog';
import type { FailureCode } from './codes';
import { collectEvidence } from './evidence';
import { DEFAULT_TEXT_FORMAT, type TextFormatOptions } from './format';
import type { ParamsOf } from './params';
import { VERDICT_RULES, type RuleMatch, type RuleSpec, type VerdictRule } from './rules';

export interface EvaluateOptions {
  /** How times inside texts are shown (default: "2026-03-04 08:32 UTC"). */
  readonly text?: TextFormatOptions;
}

/** A finding as evaluate produces it: always with severity, rank and where it shows. */
export type RankedFinding = Finding & {
  readonly severity: FindingSeverity;
  readonly rank: number;
  readonly steps: readonly ChecklistStepId[];
};

/** A rule's match before precedence: the finding and the rule that declared how it ranks. */
export interface Candidate {
  readonly finding: RankedFinding;
  readonly rule: VerdictRule;
}

const SEVERITY_ORDER: Readonly<Record<FindingSeverity, number>> = { failure: 0, warning: 1, note: 2 };
const SIDE_ORDER: readonly FindingSide[] = ['incoming', 'outgoing', 'both', 'account', 'network', 'mac'];

/**
 * The servers a side concerns: a per-side finding its own server, 'both' and 'account' both servers, the
 * network and the Mac themselves. Two findings overlap when these share anything.
 */
const SIDE_SCOPE: Readonly<Record<FindingSide, readonly string[]>> = {
  incoming: ['incoming'],
  outgoing: ['outgoing'],
  both: ['incoming', 'outgoing'],
  account: ['incoming', 'outgoing'],
  network: ['network'],
  mac: ['mac'],
};

export function sidesOverlap(a: FindingSide, b: FindingSide): boolean {
  return SIDE_SCOPE[a].some((scope) => SIDE_SCOPE[b].includes(scope));
}

/**
 * Builds one typed finding. TypeScript cannot correlate a generic code with the union `Finding`; the
 * generic signature has already checked that the params belong to the code, so the one assertion is here.
 */
function findingOf<C extends FailureCode>(
  code: C,
  match: RuleMatch<C>,
  rank: number,
  steps: readonly ChecklistStepId[],
): RankedFinding {
  const finding = { code, side: match.side, params: match.params, severity: match.severity, rank, steps } as unknown as FindingOf<C> & {
    readonly severity: FindingSeverity;
    readonly rank: number;
    readonly steps: readonly ChecklistStepId[];
  };
  return finding;
}

function candidatesOf<C extends FailureCode>(rule: RuleSpec<C>, facts: AccountFacts, analysis: Analysis): Candidate[] {
  const result = rule.when(facts, analysis);
  const matches: readonly RuleMatch<C>[] = result === null ? [] : isMatchList(result) ? result : [result];
  return matches.map((match) => {
    const primary = stepForFinding({ code: rule.code, side: match.side });
    const steps = [primary, ...(match.alsoOn ?? []).filter((step) => step !== primary)];
    return { finding: findingOf(rule.code, match, rule.rank, steps), rule: rule as VerdictRule };
  });
}

function isMatchList<C extends FailureCode>(result: RuleMatch<C> | readonly RuleMatch<C>[]): result is readonly RuleMatch<C>[] {
  return Array.isArray(result);
}

function byRank(a: Candidate, b: Candidate): number {
  return a.finding.rank - b.finding.rank || SIDE_ORDER.indexOf(a.finding.side) - SIDE_ORDER.indexOf(b.finding.side);
}

/**
 * The one place precedence is applied, from what the rules declare (rules.ts file comment). Candidates are
 * walked in rank order; each is kept unless a finding already kept
 * - has the same code and side (one finding per code and side: the earliest-ranked rule's),
 * - is in the same exclusive group on an overlapping side, or
 * - suppresses its code on an overlapping side.
 * Then advice is kept only when a failure or warning it is advice for was kept, and is shown on its steps.
 */
export function applyPrecedence(candidates: readonly Candidate[]): RankedFinding[] {
  const kept: Candidate[] = [];
  for (const candidate of [...candidates].sort(byRank)) {
    const { finding, rule } = candidate;
    const outranked = kept.some(
      ({ finding: other, rule: otherRule }) =>
        (other.code === finding.code && other.side === finding.side) ||
        (rule.group !== undefined && otherRule.group === rule.group && sidesOverlap(other.side, finding.side)) ||
        (otherRule.suppresses?.includes(finding.code) === true && sidesOverlap(other.side, finding.side)),
    );
    if (!outranked) kept.push(candidate);
  }
  const findings: RankedFinding[] = [];
  for (const { finding, rule } of kept) {
    const adviceFor = rule.adviceFor;
    if (adviceFor === undefined) {
      findings.push(finding);
      continue;
    }
    const anchors = kept
      .map((other) => other.finding)
      .filter((other) => other.severity !== 'note' && adviceFor.includes(other.code));
    if (anchors.length === 0) continue;
    findings.push({ ...finding, steps: [...new Set(anchors.flatMap((anchor) => anchor.steps))] });
  }
  return findings.sort(compareFindings);
}

/** Runs the rule table and returns every finding that stands, most important first. */
export function rankFindings(facts: AccountFacts, analysis: Analysis = analyse(facts)): RankedFinding[] {
  return applyPrecedence(VERDICT_RULES.flatMap((rule) => candidatesOf(rule, facts, analysis)));
}

function compareFindings(a: RankedFinding, b: RankedFinding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    a.rank - b.rank ||
    SIDE_ORDER.indexOf(a.side) - SIDE_ORDER.indexOf(b.side)
  );
}

function toVerdict(finding: Finding, options: TextFormatOptions): Verdict {
  return { ...finding, ...describeFinding(finding, options) };
}

// ------------------------------------------------------------------ step statuses

interface BaseStatus {
  readonly status: StepStatus;
  readonly reason?: string;
}

const PASSED: BaseStatus = { status: 'passed' };

function skipped(reason: string): BaseStatus {
  return { status: 'skipped', reason };
}

function loginStepBase(facts: AccountFacts, analysis: Analysis, side: 'incoming' | 'outgoing'): BaseStatus {
  const view = analysis.sides[side];
  if (view.settings === null && view.probe === null) {
    return { status: 'not-applicable', reason: side === 'incoming' ? SKIP_REASONS.noIncomingServer : SKIP_REASONS.noOutgoingServer };
  }
  const login = view.probe?.login;
  if (login?.kind === 'skipped') return skipped(SKIP_REASONS.login[login.reason]);
  // A login that ran is first-hand evidence; its findings (if any) decide the status.
  if (login !== undefined) return PASSED;
  if (!analysis.networkUsable) return skipped(SKIP_REASONS.needsInternet);
  if (facts.account.authKind === 'oauth') return skipped(SKIP_REASONS.login['oauth-account']);
  return skipped(SKIP_REASONS.notChecked);
}

function baseStatus(id: ChecklistStepId, facts: AccountFacts, analysis: Analysis): BaseStatus {
  switch (id) {
    case 'restart':
      return facts.machine.uptimeSeconds === undefined ? skipped(SKIP_REASONS.uptimeUnknown) : PASSED;
    case 'internet':
      // Failures here always come with their finding; 'skipped' keeps its reason.
      return facts.internet.kind === 'skipped' ? skipped(SKIP_REASONS.internetNotChecked) : PASSED;
    case 'webmail':
      if (!analysis.networkUsable) return skipped(SKIP_REASONS.needsInternet);
      return facts.probes.webmail.length === 0 ? skipped(SKIP_REASONS.noWebmail) : PASSED;
    case 'server-reachable':
      if (!analysis.networkUsable) return skipped(SKIP_REASONS.needsInternet);
      return facts.probes.incoming === null && facts.probes.outgoing === null ? skipped(SKIP_REASONS.noServers) : PASSED;
    case 'incoming-login':
      return loginStepBase(facts, analysis, 'incoming');
    case 'outgoing':
      return loginStepBase(facts, analysis, 'outgoing');
    case 'ip-blocked': {
      if (!analysis.networkUsable) return skipped(SKIP_REASONS.needsInternet);
      if (analysis.triedMail.length === 0) return skipped(SKIP_REASONS.banUndetermined);
      const allConnected = analysis.triedMail.every((view) => view.connected);
      // A login-layer block refuses every login; one accepted login rules it out, and so do the hosting
      // account's own records when they say this address is not blocked.
      const logins = SIDES.map((side) => analysis.sides[side].login);
      const loginLayerRuledOut =
        logins.includes('accepted') || !logins.includes('rejected-credentials') || facts.hostBlockCheck?.blocked === false;
      return allConnected && loginLayerRuledOut ? PASSED : skipped(SKIP_REASONS.banUndetermined);
    }
    case 'admin-reset':
    case 'contact-host':
      // Advice steps: decided from the findings in buildSteps.
      return { status: 'not-applicable' };
  }
}

/** Status from the base and the findings placed on the step (see the file comment). */
export function statusFromFindings(base: StepStatus, severities: readonly FindingSeverity[]): StepStatus {
  if (severities.includes('failure')) return 'failed';
  if (severities.includes('warning')) return 'warning';
  if (severities.includes('note') && base === 'passed') return 'warning';
  return base;
}

/** Codes that ask the IT admin to reset the password or try a test mailbox (step 8). */
const ADMIN_RESET_CODES: ReadonlySet<FailureCode> = new Set<FailureCode>([
  'IMAP_AUTH_REJECTED',
  'POP3_AUTH_REJECTED',
  'SMTP_AUTH_REJECTED',
  'SERVER_UNAVAILABLE',
]);

function buildSteps(
  facts: AccountFacts,
  analysis: Analysis,
  findings: readonly RankedFinding[],
  verdict: Finding,
  evidence: Readonly<Record<ChecklistStepId, readonly EvidenceItem[]>>,
): ChecklistStep[] {
  return CHECKLIST_STEP_IDS.map((id): ChecklistStep => {
    if (id === 'admin-reset') {
      const related = findings.filter((finding) => finding.severity === 'failure' && ADMIN_RESET_CODES.has(finding.code));
      return related.length > 0
        ? { id, status: 'warning', reason: ADVICE.adminReset, evidence: evidence[id], findings: unique(related.map((f) => f.code)) }
        : { id, status: 'not-applicable', reason: SKIP_REASONS.adminNotNeeded, evidence: evidence[id], findings: [] };
    }
    if (id === 'contact-host') {
      if (verdict.code === 'OK') return { id, status: 'not-applicable', reason: SKIP_REASONS.hostNotNeeded, evidence: [], findings: [] };
      const fixedBy = describeFinding(verdict).fixedBy;
      if (fixedBy === 'you') return { id, status: 'not-applicable', reason: SKIP_REASONS.tryNextStepFirst, evidence: [], findings: [] };
      return { id, status: 'warning', reason: ADVICE.contactHost, evidence: [], findings: [verdict.code] };
    }
    const placed = findings.filter((finding) => finding.steps.includes(id));
    const base = baseStatus(id, facts, analysis);
    const status = statusFromFindings(
      base.status,
      placed.map((finding) => finding.severity),
    );
    const step: ChecklistStep = { id, status, evidence: evidence[id], findings: unique(placed.map((finding) => finding.code)) };
    return base.reason !== undefined && (status === 'skipped' || status === 'not-applicable') ? { ...step, reason: base.reason } : step;
  });
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** Who acts on each step, re-exported for renderers that only import the verdict module. */
export { STEP_OWNERS };

/**
 * The heart of Mail Doctor: one account's facts in, the nine-step checklist, the ranked findings and
 * the one verdict out. Pure and deterministic (time comes from `facts.now`).
 */
export function evaluateAccount(facts: AccountFacts, options: EvaluateOptions = {}): AccountEvaluation {
  const text = options.text ?? DEFAULT_TEXT_FORMAT;
  const analysis = analyse(facts);
  const ranked = rankFindings(facts, analysis);
  const top = ranked.find((finding) => finding.severity === 'failure' || finding.severity === 'warning');
  const verdictFinding: Finding = top !== undefined ? plainFinding(top) : { code: 'OK', side: 'account', params: okParams(facts, analysis) };
  const findings: Finding[] = ranked.map(plainFinding);
  const evidence = collectEvidence(facts, analysis, text);
  return {
    steps: buildSteps(facts, analysis, ranked, verdictFinding, evidence),
    findings,
    verdict: toVerdict(verdictFinding, text),
  };
}

function okParams(facts: AccountFacts, analysis: Analysis): ParamsOf<'OK'> {
  const accepted = SIDES.filter((side) => analysis.sides[side].login === 'accepted');
  return {
    loginTested: accepted.length > 0,
    typedForThisCheck: accepted.some((side) => facts.account.passwords[side].foundIn === 'typed'),
  };
}

/** A ranked finding as it leaves the evaluation: code, side, params and severity only. */
function plainFinding(finding: RankedFinding): Finding {
  const { rank: _rank, steps: _steps, ...plain } = finding;
  return plain;
}
