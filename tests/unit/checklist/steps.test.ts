import { describe, expect, it } from 'vitest';
import { CHECKLIST_STEP_IDS, CHECKLIST_STEPS, STEP_OWNERS, stepOrder } from '../../../shared/checklist/steps';

describe('the nine-step checklist', () => {
  it("lists the helpdesk's nine steps in order, numbered from 1", () => {
    expect(CHECKLIST_STEPS.map((step) => [step.order, step.id])).toEqual([
      [1, 'restart'],
      [2, 'internet'],
      [3, 'webmail'],
      [4, 'server-reachable'],
      [5, 'incoming-login'],
      [6, 'outgoing'],
      [7, 'ip-blocked'],
      [8, 'admin-reset'],
      [9, 'contact-host'],
    ]);
    expect(CHECKLIST_STEP_IDS.map(stepOrder)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('says who can act on each step: the user, the IT admin, the email host', () => {
    expect(CHECKLIST_STEPS.filter((step) => step.owner === 'you').map((step) => step.order)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(STEP_OWNERS['ip-blocked']).toBe('it-admin');
    expect(STEP_OWNERS['admin-reset']).toBe('it-admin');
    expect(STEP_OWNERS['contact-host']).toBe('email-host');
  });
});
