/**
 * The ONE place the window reads words about a diagnosis from. Every finding title, "why" sentence, next
 * step, step title, owner and evidence line the window shows comes through here from the failure catalog
 * (shared/verdict/catalog.ts, owned by the verdict rules): the catalog's shape may change, and then only
 * this file changes with it. Components never import shared/verdict/ themselves
 * (tests/unit/renderer/wordsAdapter.test.ts checks that).
 *
 * The shape the window codes against (FindingWords):
 * - title: a short headline (the catalog promises at most 8 words);
 * - why: one sentence (at most 20 words);
 * - nextStep: exactly one imperative sentence (at most 25 words);
 * - howTo: numbered steps behind "Show me how" (may be empty);
 * - technical: detail for the closed "Technical details" disclosure (may hold jargon: server replies, codes);
 * - fixedBy / action: who can do the next step, and the one button that does it.
 *
 * Times in catalog params stay ISO; here they are worded in the person's own locale and time zone.
 */
import type { ChecklistStepId } from '../shared/checklist/steps';
import type { EvidenceItem, Finding, FindingKey } from '../shared/diagnosis/types';
import type { CatalogAction, FixedBy } from '../shared/verdict/catalog';
import { CATALOG_ACTIONS, OWNER_LABELS, STEP_TITLES, describeFinding, rewordEvidence, stepForFinding } from '../shared/verdict/catalog';
import type { FailureCode } from '../shared/verdict/codes';
import type { TextFormatOptions } from '../shared/verdict/format';

export type { CatalogAction, FailureCode, FixedBy };

const localTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An ISO time in the person's own locale and time zone ("4 Mar 2026, 09:32"). */
export function formatLocalTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : localTime.format(date);
}

const LOCAL_TEXT_FORMAT: TextFormatOptions = { formatTime: formatLocalTime };

export interface FindingWords {
  readonly title: string;
  readonly why: string;
  readonly nextStep: string;
  readonly howTo: readonly string[];
  readonly technical: readonly string[];
  readonly fixedBy: FixedBy;
  readonly action: CatalogAction | undefined;
}

/**
 * Splits prose into sentences: a full stop, question or exclamation mark (maybe closing a quote) followed
 * by a space and a capital letter or an opening quote. Host names ("mail.example.com") have no space after
 * their dots, so they stay whole.
 */
export function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?]["”']?)\s+(?=["“A-Z])/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '');
}

/** What this window's buttons can open, so a next step never names a place its button cannot reach. */
export interface WindowAbilities {
  /** IT set a webmail address (managed preferences), so "Open Webmail" works. */
  readonly canOpenWebmail: boolean;
}

/** A finding's words, ready to show, with times in the person's own locale and time zone. */
export function findingWords(finding: FindingKey, abilities?: WindowAbilities): FindingWords {
  const words = describeFinding(finding, abilities === undefined ? LOCAL_TEXT_FORMAT : { ...LOCAL_TEXT_FORMAT, canOpenWebmail: abilities.canOpenWebmail });
  return {
    title: words.title,
    why: words.why,
    nextStep: words.nextStep,
    howTo: words.howTo ?? [],
    technical: words.technical ?? [],
    fixedBy: words.fixedBy,
    action: words.action !== undefined && isCatalogAction(words.action) ? words.action : undefined,
  };
}

function isCatalogAction(value: string): value is CatalogAction {
  return (CATALOG_ACTIONS as readonly string[]).includes(value);
}

/** Who can do a next step or act on a step: "You", "Your IT admin", "Your email host". */
export function ownerLabel(owner: FixedBy): string {
  return OWNER_LABELS[owner];
}

/** A checklist step's title ("Mail servers reachable and secure"). */
export function stepTitle(id: ChecklistStepId): string {
  return STEP_TITLES[id];
}

/** The checklist step a finding belongs to (per-side codes follow their side). */
export function findingStep(finding: Pick<Finding, 'code' | 'side'>): ChecklistStepId {
  return stepForFinding(finding);
}

/** An evidence line in the person's own time (main worded it in UTC for the CLI and the report). */
export function evidenceWords(item: EvidenceItem): string {
  return rewordEvidence(item, LOCAL_TEXT_FORMAT);
}
