/**
 * What the detail pane shows for a finished check, as data: the verdict (one finding, its words), the
 * Receiving | Sending card, and the checklist condensed to the steps that need attention. Every finding is
 * said once, keyed by code and side: the verdict's in the header, the password mismatch as chips in the
 * card, every other finding as one line in its own step. A line never repeats a title or a sentence
 * already on the screen. Pure, so it is unit-tested on diagnoses from the real verdict rules.
 */
import { CHECKLIST_STEPS } from '../../shared/checklist/steps';
import type { ChecklistStepId, StepStatus } from '../../shared/checklist/steps';
import type { AccountDiagnosis, EvidenceItem, Finding, FindingSeverity } from '../../shared/diagnosis/types';
import type { AccountHealth } from '../components/presentation';
import { accountHealth } from '../components/presentation';
import type { FindingWords, WindowAbilities } from '../words';
import { findingStep, findingWords, ownerLabel, sentencesOf, stepTitle } from '../words';
import type { ServerCard } from './serverCard';
import { serverCard } from './serverCard';

export interface VerdictView {
  readonly finding: Pick<Finding, 'code' | 'side' | 'params'>;
  readonly health: AccountHealth;
  readonly words: FindingWords;
}

export interface StepFinding {
  readonly key: string;
  readonly words: FindingWords;
}

export interface StepLine {
  readonly id: ChecklistStepId;
  readonly order: number;
  readonly title: string;
  readonly status: StepStatus;
  /** One line on why the step is not simply passed; null when there is nothing new to say. */
  readonly reason: string | null;
  /** The line is a finding's title (the page marks titles, so "each title once" can be checked). */
  readonly reasonIsTitle: boolean;
  readonly owner: string;
  /** Findings of this step said nowhere else: their why and advice sit behind the row's disclosure. */
  readonly findings: readonly StepFinding[];
  /** The rest of the step's reason, when it had more than one sentence. */
  readonly moreReason: string | null;
  readonly evidence: readonly EvidenceItem[];
}

export interface ChecklistView {
  readonly lines: readonly StepLine[];
  /** Failed and warning steps, in order: the condensed list. */
  readonly attention: readonly StepLine[];
  /** "6 passed · 1 problem · 1 worth a look". */
  readonly summary: string;
}

export interface ResultView {
  readonly verdict: VerdictView;
  readonly card: ServerCard | null;
  readonly checklist: ChecklistView;
}

/** The window's own words for a line whose finding is already said higher up. */
export const SAID_ABOVE = 'The problem above.';

export function findingKey(finding: Pick<Finding, 'code' | 'side'>): string {
  return `${finding.code}:${finding.side}`;
}

/** What is on the screen already: finding keys, titles, and sentences (compared without case and spacing). */
class ShownOnce {
  private readonly keys = new Set<string>();
  private readonly texts = new Set<string>();

  static normal(text: string): string {
    return text.toLowerCase().replace(/\s+/g, ' ').replace(/[.!?]+$/, '').trim();
  }

  addFinding(finding: Pick<Finding, 'code' | 'side'>): void {
    this.keys.add(findingKey(finding));
  }

  addText(text: string): void {
    for (const sentence of sentencesOf(text)) this.texts.add(ShownOnce.normal(sentence));
  }

  hasFinding(finding: Pick<Finding, 'code' | 'side'>): boolean {
    return this.keys.has(findingKey(finding));
  }

  hasText(text: string): boolean {
    return this.texts.has(ShownOnce.normal(text));
  }
}

const COUNT_WORDS: readonly { readonly status: StepStatus; readonly one: string; readonly many: string }[] = [
  { status: 'passed', one: 'passed', many: 'passed' },
  { status: 'failed', one: 'problem', many: 'problems' },
  { status: 'warning', one: 'worth a look', many: 'worth a look' },
  { status: 'skipped', one: 'skipped', many: 'skipped' },
  { status: 'not-applicable', one: 'not needed', many: 'not needed' },
];

export function checklistSummary(statuses: readonly StepStatus[]): string {
  return COUNT_WORDS.map(({ status, one, many }) => {
    const count = statuses.filter((candidate) => candidate === status).length;
    return count === 0 ? null : `${String(count)} ${count === 1 ? one : many}`;
  })
    .filter((part) => part !== null)
    .join(' · ');
}

const SEVERITY_WEIGHT: Record<FindingSeverity, number> = { note: 0, warning: 1, failure: 2 };
const STATUS_WEIGHT: Partial<Record<StepStatus, number>> = { warning: 1, failed: 2 };

/** Whether a finding alone explains its step's status (a failed step needs a failure; an unranked finding does). */
function explainsStatus(finding: Finding, status: StepStatus): boolean {
  return finding.severity === undefined || SEVERITY_WEIGHT[finding.severity] >= (STATUS_WEIGHT[status] ?? 0);
}

export function resultView(diagnosis: AccountDiagnosis, abilities?: WindowAbilities): ResultView {
  const shown = new ShownOnce();
  const verdictWords = findingWords(diagnosis.verdict, abilities);
  shown.addFinding(diagnosis.verdict);
  shown.addText(verdictWords.title);
  shown.addText(verdictWords.why);
  shown.addText(verdictWords.nextStep);

  const card = serverCard(diagnosis);
  for (const finding of card?.shownFindings ?? []) shown.addFinding(finding);

  const byStep = new Map<ChecklistStepId, Finding[]>();
  for (const finding of diagnosis.findings) {
    const step = findingStep(finding);
    byStep.set(step, [...(byStep.get(step) ?? []), finding]);
  }

  const lines = CHECKLIST_STEPS.flatMap((definition): StepLine[] => {
    const step = diagnosis.steps.find((candidate) => candidate.id === definition.id);
    if (step === undefined) return [];
    const own = byStep.get(step.id) ?? [];
    const fresh: StepFinding[] = [];
    let freshExplainsStatus = false;
    let saidAbove = false;
    for (const finding of own) {
      const words = findingWords(finding, abilities);
      if (shown.hasFinding(finding) || shown.hasText(words.title)) {
        saidAbove = true;
        continue;
      }
      shown.addFinding(finding);
      shown.addText(words.title);
      fresh.push({ key: findingKey(finding), words });
      if (explainsStatus(finding, step.status)) freshExplainsStatus = true;
    }
    // A step may list findings whose own step is another one: they count as said above when shown.
    if (!saidAbove) saidAbove = diagnosis.findings.some((finding) => step.findings.includes(finding.code) && shown.hasFinding(finding));

    const [firstReason, ...restReason] = sentencesOf(step.reason ?? '');
    // A step's one line says why it has its status. When that reason is the problem said above (both
    // passwords refused), a lesser finding of the same step (the server was slow to refuse) stays in the
    // step's list but must not stand as the reason a red step is red.
    const reasonIsSaidAbove = saidAbove && step.status !== 'passed' && !freshExplainsStatus;
    let reason: string | null = null;
    if (fresh[0] !== undefined && !reasonIsSaidAbove) reason = fresh[0].words.title;
    else if (reasonIsSaidAbove) reason = SAID_ABOVE;
    else if (firstReason !== undefined && !shown.hasText(firstReason)) reason = firstReason;
    if (reason !== null && reason !== SAID_ABOVE) shown.addText(reason);

    return [
      {
        id: step.id,
        order: definition.order,
        title: stepTitle(step.id),
        status: step.status,
        reason,
        reasonIsTitle: fresh[0] !== undefined && reason === fresh[0].words.title,
        owner: ownerLabel(definition.owner),
        findings: fresh,
        moreReason: reason === firstReason && restReason.length > 0 ? restReason.join(' ') : null,
        evidence: step.evidence,
      },
    ];
  });

  return {
    verdict: { finding: diagnosis.verdict, health: accountHealth(diagnosis, false), words: verdictWords },
    card,
    checklist: {
      lines,
      attention: lines.filter((line) => line.status === 'failed' || line.status === 'warning'),
      summary: checklistSummary(lines.map((line) => line.status)),
    },
  };
}
