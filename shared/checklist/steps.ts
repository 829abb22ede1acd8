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
