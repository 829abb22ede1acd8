/**
 * What the hosting account said, as facts of the next diagnosis of the mailbox it was asked about: the cPHulk
 * check (the verdict rules turn it into IP_BLOCKED_CONFIRMED or rule the client-side guess out) and what the
 * host publishes for the mailbox (first in the "what the host publishes" column and the settings rules).
 * Keyed by mailbox address, so a check made for one account never colours another account's verdict.
 */
import { withHostSettings } from '../../shared/admin/hostSettings';
import type { AccountProbeFacts } from '../../shared/diagnosis/types';
import type { MailAccount } from '../../shared/model/account';
import type { HostBlockCheck, HostClientSettings } from '../../shared/model/hosting';

export interface HostFacts {
  /** The latest cPHulk check made for a mailbox (lower-case address). */
  readonly blockChecks: ReadonlyMap<string, HostBlockCheck>;
  /** get_client_settings answers by mailbox address (lower case). */
  readonly clientSettings: ReadonlyMap<string, HostClientSettings>;
}

export function withHostFacts(
  probes: AccountProbeFacts,
  account: MailAccount,
  facts: HostFacts | undefined,
): { readonly probes: AccountProbeFacts; readonly hostBlockCheck: HostBlockCheck | null } {
  const address = account.emailAddress.toLowerCase();
  const settings = facts?.clientSettings.get(address);
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return {
    probes: settings === undefined ? probes : { ...probes, published: withHostSettings(probes.published, domain, settings) },
    hostBlockCheck: facts?.blockChecks.get(address) ?? null,
  };
}
