/**
 * The helpdesk's nine-step checklist, in the order a person walks it.
 * `owner` says who can act on the step: the user, their IT admin, or the email host.
 */
export const CHECKLIST_STEP_IDS = [
  'restart',
  'internet',
  'webmail',
  'server-reachable',
  'incoming-login',
  'outgoing',
  'ip-blocked',
  'admin-reset',
  'contact-host',
] as const;

export type ChecklistStepId = (typeof CHECKLIST_STEP_IDS)[number];

export type StepStatus = 'pending' | 'running' | 'passed' | 'failed' | 'warning' | 'skipped' | 'not-applicable';

export type StepOwner = 'you' | 'it-admin' | 'email-host';

/** Who can act on each step. A Record, so the compiler insists every step has an owner. */
export const STEP_OWNERS: Readonly<Record<ChecklistStepId, StepOwner>> = {
  restart: 'you',
  internet: 'you',
  webmail: 'you',
  'server-reachable': 'you',
  'incoming-login': 'you',
  outgoing: 'you',
  // Unblocking an IP and resetting a password need server access: the IT admin's steps.
  'ip-blocked': 'it-admin',
  'admin-reset': 'it-admin',
  // The last resort: hand the report to the email host.
  'contact-host': 'email-host',
};

/** One step of the checklist: where it sits and who can act on it. Its words live in the catalog (STEP_TITLES). */
export interface ChecklistStepDefinition {
  readonly id: ChecklistStepId;
  /** 1-based position, as the helpdesk numbers the steps. */
  readonly order: number;
  readonly owner: StepOwner;
}

/** The nine steps in the helpdesk's order (1 restart ... 9 contact the host). */
export const CHECKLIST_STEPS: readonly ChecklistStepDefinition[] = CHECKLIST_STEP_IDS.map((id, index) => ({
  id,
  order: index + 1,
  owner: STEP_OWNERS[id],
}));

export function stepOrder(id: ChecklistStepId): number {
  return CHECKLIST_STEP_IDS.indexOf(id) + 1;
}
