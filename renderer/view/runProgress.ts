/**
 * Where a running check is, for the toolbar's determinate indicator ("Step 4 of 9 — Mail servers…") and
 * the progress view. Main marks steps 2–6 "running" together at the start and gives every step its result
 * at the end, so the position comes from the probes that finished in between:
 * - step 3 (webmail) is reached-done when the webmail probe finished;
 * - step 4 (servers) when every saved server's connection (name lookup, connection, certificate) finished;
 * - step 2 (internet) when any server answered: the network let the run through;
 * - step 5 / 6 when that side's login (or, sending without a login, the relay question) finished;
 * - step 1 (restart) reads the uptime at once; steps 7–9 are worked out with the verdict.
 * A step with its final status is always done. Pure, unit-tested.
 */
import { CHECKLIST_STEPS, CHECKLIST_STEP_IDS } from '../../shared/checklist/steps';
import type { ChecklistStepId } from '../../shared/checklist/steps';
import type { ServerRole } from '../../shared/model/account';
import type { LiveSteps } from '../state/diagnosisReducer';

export interface RunProgress {
  /** The step the check is working on now. */
  readonly current: ChecklistStepId;
  /** Its 1-based position. */
  readonly position: number;
  /** Steps done, for the indicator's value. */
  readonly done: number;
  readonly total: number;
}

function isFinal(status: LiveSteps[ChecklistStepId]): boolean {
  return status !== 'pending' && status !== 'running';
}

export function runProgress(steps: LiveSteps, finishedProbes: readonly string[], roles: readonly ServerRole[]): RunProgress {
  const finished = new Set(finishedProbes);
  const answered = (role: ServerRole): boolean => finished.has(`${role}-connect`) || finished.has(`${role}-login`);
  const connected = roles.every(answered);
  const loggedIn = (role: ServerRole): boolean =>
    !roles.includes(role) || finished.has(`${role}-login`) || finished.has(`${role}-relay`);
  const reached: Readonly<Record<ChecklistStepId, boolean>> = {
    restart: true,
    internet: roles.some(answered),
    webmail: finished.has('webmail'),
    'server-reachable': connected && roles.length > 0,
    'incoming-login': loggedIn('incoming') && finished.size > 0,
    outgoing: loggedIn('outgoing') && finished.size > 0,
    'ip-blocked': false,
    'admin-reset': false,
    'contact-host': false,
  };
  const isDone = (id: ChecklistStepId): boolean => isFinal(steps[id]) || reached[id];
  const done = CHECKLIST_STEP_IDS.filter(isDone).length;
  const current = CHECKLIST_STEPS.find((step) => !isDone(step.id)) ?? CHECKLIST_STEPS[CHECKLIST_STEPS.length - 1];
  if (current === undefined) throw new Error('the checklist has no steps');
  return { current: current.id, position: current.order, done, total: CHECKLIST_STEP_IDS.length };
}
