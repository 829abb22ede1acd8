/**
 * SLOT FOR THE ADMIN TOOLS: the "I manage this hosting account" section for checklist steps 7 (is this
 * internet connection blocked?) and 8 (reset the password, test with a new mailbox), which the admin
 * engineer fills (issue 14). It sits right under the checklist, after the finished check of the account it
 * gets. IT departments can switch the admin tools off (managed preference AdminToolsEnabled); the window
 * shows nothing at all unless they are enabled. The IPC contract does not tell the window yet whether they
 * are: until it does, the window passes false.
 */
import type { AccountDiagnosis } from '../../shared/diagnosis/types';

export interface AdminToolsSlotProps {
  readonly enabled: boolean;
  /** The finished check the tools act on (its account, and steps 7 and 8). */
  readonly diagnosis: AccountDiagnosis;
}

export function AdminToolsSlot({ enabled }: AdminToolsSlotProps) {
  if (!enabled) return null;
  return (
    <section className="admin-tools" aria-labelledby="admin-tools-heading">
      <h3 id="admin-tools-heading" className="section-title">
        I manage this hosting account
      </h3>
    </section>
  );
}
