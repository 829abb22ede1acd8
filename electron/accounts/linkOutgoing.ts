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
 *
 * The rules, in order (each time the first candidate in candidate order wins): a UUID equal to
 * SendingAccountIdentifier, then to SMTPIdentifier (case-insensitive); the server whose identifier is
 * SMTPIdentifier; the only server on SMTPIdentifier's host; the parent's SMTP child.
 */

export interface OutgoingLinkResult {
  readonly outgoing: OutgoingRecord | null;
  readonly link: OutgoingLink;
}

export type OutgoingLinker = (incoming: IncomingRecord) => OutgoingLinkResult;

/** One incoming account against the candidates. To link many, build `outgoingLinker` once. */
export function linkOutgoing(incoming: IncomingRecord, candidates: readonly OutgoingRecord[]): OutgoingLinkResult {
  return outgoingLinker(candidates)(incoming);
}

/**
 * Indexes the candidates once (by UUID, host name, host name and user, parent), so linking every
 * account of a store with hundreds of accounts is linear instead of every account against every server.
 */
export function outgoingLinker(candidates: readonly OutgoingRecord[]): OutgoingLinker {
  const byUuid = new Map<string, OutgoingRecord>();
  const byParentKey = new Map<string, OutgoingRecord>();
  // Positions in `candidates`, ascending: every server on a host name, and the servers that have a user by host and user.
  const byHost = new Map<string, number[]>();
  const byHostAndUser = new Map<string, number[]>();
  candidates.forEach((candidate, position) => {
    if (candidate.uuid !== undefined) keepFirst(byUuid, candidate.uuid.toLowerCase(), candidate);
    if (candidate.parentKey !== undefined) keepFirst(byParentKey, candidate.parentKey, candidate);
    const host = normalizedHostName(candidate.server.host);
    append(byHost, host, position);
    if (candidate.server.username !== '') append(byHostAndUser, hostAndUserKey(host, candidate.server.username), position);
  });

  /** The first server whose "<host>:<user>" (or "<host>", without a user) is `identifier`. */
  const identifiedBy = (identifier: string): OutgoingRecord | undefined => {
    const serverOf = (position: number): OutgoingRecord['server'] => (candidates[position] as OutgoingRecord).server;
    let first = byHost.get(normalizedHostName(identifier))?.find((position) => serverOf(position).username === '');
    // The user may contain ':' as well, so each ':' is tried as the separator; identifierMatches confirms a hit.
    for (let colon = identifier.indexOf(':'); colon !== -1; colon = identifier.indexOf(':', colon + 1)) {
      const key = hostAndUserKey(normalizedHostName(identifier.slice(0, colon)), identifier.slice(colon + 1));
      const match = byHostAndUser.get(key)?.find((position) => identifierMatches(identifier, serverOf(position).host, serverOf(position).username));
      if (match !== undefined && (first === undefined || match < first)) first = match;
    }
    return first === undefined ? undefined : candidates[first];
  };

  return (incoming) => {
    const identifiers = [incoming.sendingAccountIdentifier, incoming.smtpIdentifier].filter(
      (value): value is string => value !== undefined && value !== '',
    );

    for (const identifier of identifiers) {
      const byUuidMatch = byUuid.get(identifier.toLowerCase());
      if (byUuidMatch !== undefined) return { outgoing: byUuidMatch, link: { kind: 'linked', via: 'account-uuid' } };
    }

    if (incoming.smtpIdentifier !== undefined && incoming.smtpIdentifier !== '') {
      const wanted = incoming.smtpIdentifier;
      const exact = identifiedBy(wanted);
      if (exact !== undefined) return { outgoing: exact, link: { kind: 'linked', via: 'smtp-identifier' } };
      // A bare "<Hostname>" identifier for a server that has a username: unique host match only.
      const sameHost = byHost.get(normalizedHostName(wanted)) ?? [];
      const only = sameHost.length === 1 ? candidates[sameHost[0] as number] : undefined;
      if (only !== undefined) return { outgoing: only, link: { kind: 'linked', via: 'smtp-identifier' } };
    }

    if (incoming.parentKey !== undefined) {
      const sibling = byParentKey.get(incoming.parentKey);
      if (sibling !== undefined) return { outgoing: sibling, link: { kind: 'linked', via: 'parent' } };
    }

    const first = identifiers[0];
    if (first !== undefined) return { outgoing: null, link: { kind: 'unresolved', identifier: first } };
    return { outgoing: null, link: { kind: 'none' } };
  };
}

/** "<host>:<user>" or "<host>" (user empty); host names compare case-insensitively, users exactly. */
function identifierMatches(identifier: string, host: string, username: string): boolean {
  if (username === '') return normalizedHostName(host) === normalizedHostName(identifier);
  const hostPart = identifier.slice(0, host.length);
  return (
    identifier.length === host.length + 1 + username.length &&
    normalizedHostName(host) === normalizedHostName(hostPart) &&
    identifier[host.length] === ':' &&
    identifier.slice(host.length + 1) === username
  );
}

/** Host names compare case-insensitively, a trailing dot (the DNS root) ignored. */
function normalizedHostName(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

function hostAndUserKey(normalizedHost: string, username: string): string {
  return `${normalizedHost}\0${username}`;
}

function keepFirst<V>(map: Map<string, V>, key: string, value: V): void {
  if (!map.has(key)) map.set(key, value);
}

function append(map: Map<string, number[]>, key: string, position: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [position]);
  else list.push(position);
}
