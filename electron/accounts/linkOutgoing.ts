import type { OutgoingLink } from '../../shared/model/account';
import type { IncomingRecord, OutgoingRecord } from './types';

/**
 * Finds the outgoing server each incoming account sends through.
 *
 * Mail's DeliveryAccount identifier is "<Hostname>:<Username>" (or "<Hostname>" without a user) and
 * the incoming account stores it as SMTPIdentifier. We rebuild that identifier for every outgoing
 * server and compare, instead of splitting the stored string (a username may contain ':'). Whether
 * Accounts4 stores host:user or the SMTP row's UUID there is UNCONFIRMED, as is the
 * SendingAccountIdentifier key, so a UUID match is tried as well. Provider children (Google, iCloud)
 * send through their parent's SMTP child. Anything stored that matches nothing is "unresolved".
 */

export interface OutgoingLinkResult {
  readonly outgoing: OutgoingRecord | null;
  readonly link: OutgoingLink;
}

export function linkOutgoing(incoming: IncomingRecord, candidates: readonly OutgoingRecord[]): OutgoingLinkResult {
  const identifiers = [incoming.sendingAccountIdentifier, incoming.smtpIdentifier].filter(
    (value): value is string => value !== undefined && value !== '',
  );

  for (const identifier of identifiers) {
    const byUuid = candidates.find((candidate) => candidate.uuid !== undefined && candidate.uuid.toLowerCase() === identifier.toLowerCase());
    if (byUuid !== undefined) return { outgoing: byUuid, link: { kind: 'linked', via: 'account-uuid' } };
  }

  if (incoming.smtpIdentifier !== undefined && incoming.smtpIdentifier !== '') {
    const wanted = incoming.smtpIdentifier;
    const exact = candidates.find((candidate) => identifierMatches(wanted, candidate.server.host, candidate.server.username));
    if (exact !== undefined) return { outgoing: exact, link: { kind: 'linked', via: 'smtp-identifier' } };
    // A bare "<Hostname>" identifier for a server that has a username: unique host match only.
    const sameHost = candidates.filter((candidate) => sameHostName(candidate.server.host, wanted));
    const only = sameHost[0];
    if (sameHost.length === 1 && only !== undefined) return { outgoing: only, link: { kind: 'linked', via: 'smtp-identifier' } };
  }

  if (incoming.parentKey !== undefined) {
    const sibling = candidates.find((candidate) => candidate.parentKey === incoming.parentKey);
    if (sibling !== undefined) return { outgoing: sibling, link: { kind: 'linked', via: 'parent' } };
  }

  const first = identifiers[0];
  if (first !== undefined) return { outgoing: null, link: { kind: 'unresolved', identifier: first } };
  return { outgoing: null, link: { kind: 'none' } };
}

/** "<host>:<user>" or "<host>" (user empty); host names compare case-insensitively, users exactly. */
function identifierMatches(identifier: string, host: string, username: string): boolean {
  if (username === '') return sameHostName(host, identifier);
  const hostPart = identifier.slice(0, host.length);
  return identifier.length === host.length + 1 + username.length && sameHostName(host, hostPart) && identifier[host.length] === ':' && identifier.slice(host.length + 1) === username;
}

function sameHostName(a: string, b: string): boolean {
  return a.toLowerCase().replace(/\.$/, '') === b.toLowerCase().replace(/\.$/, '');
}
