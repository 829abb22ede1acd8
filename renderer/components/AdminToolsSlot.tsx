/**
 * THE SLOT FOR THE ADMIN TOOLS: the "I manage this hosting account" section for checklist steps 7 (is this
 * internet connection blocked?) and 8 (reset the password, test with a new mailbox), right under the
 * checklist, after the finished check of the account it gets (renderer/admin/HostingAdminSection.tsx).
 * IT departments can switch the tools off (managed preference AdminToolsEnabled): the section then shows
 * nothing at all, and main refuses every hosting action.
 */
import type { AccountDiagnosis } from '../../shared/diagnosis/types';
import type { AdminBridge } from '../admin/HostingAdminSection';
import { HostingAdminSection } from '../admin/HostingAdminSection';

export interface AdminToolsSlotProps {
  readonly bridge: AdminBridge;
  /** The finished check the tools act on (its account, and steps 7 and 8). */
  readonly diagnosis: AccountDiagnosis;
  /** Checks the account again, so what the tools found reaches the checklist and the card. */
  readonly onCheckAgain: () => void;
}

export function AdminToolsSlot({ bridge, diagnosis, onCheckAgain }: AdminToolsSlotProps) {
  return <HostingAdminSection bridge={bridge} diagnosis={diagnosis} onCheckAgain={onCheckAgain} />;
}
