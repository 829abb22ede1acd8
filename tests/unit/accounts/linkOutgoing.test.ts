import { describe, expect, it } from 'vitest';
import { linkOutgoing, outgoingLinker } from '../../../electron/accounts/linkOutgoing';
import type { IncomingRecord, OutgoingRecord } from '../../../electron/accounts/types';

const smtp = (id: string, host: string, username: string, extra: Partial<OutgoingRecord> = {}): OutgoingRecord => ({
  id,
  source: 'legacy-plist',
  description: host,
  authKind: 'password',
  readProblems: [],
  server: { protocol: 'smtp', host, port: 587, tls: 'starttls', username, authenticationEnabled: username !== '' },
  ...extra,
});
const imap = (extra: Partial<IncomingRecord>): IncomingRecord => ({
  id: 'in',
  source: 'legacy-plist',
  description: 'x',
  emailAddress: '',
  authKind: 'password',
  incoming: null,
  readProblems: [],
  ...extra,
});

describe('linkOutgoing', () => {
  const servers = [
    smtp('a', 'smtp.example.com', 'alice@example.com'),
    smtp('b', 'smtp.example.com', 'user:with:colons'),
    smtp('c', 'relay.example.net', ''),
    smtp('d', 'solo.example.org', 'dora', { uuid: 'UUID-D' }),
  ];
  it.each<[string, Partial<IncomingRecord>, string | null, string]>([
    ['host:user', { smtpIdentifier: 'smtp.example.com:alice@example.com' }, 'a', 'smtp-identifier'],
    ['a user containing colons (no blind split)', { smtpIdentifier: 'smtp.example.com:user:with:colons' }, 'b', 'smtp-identifier'],
    ['host only for a server without user', { smtpIdentifier: 'relay.example.net' }, 'c', 'smtp-identifier'],
    ['host only, unique host with a user', { smtpIdentifier: 'solo.example.org' }, 'd', 'smtp-identifier'],
    ['host case differs', { smtpIdentifier: 'SMTP.Example.com:alice@example.com' }, 'a', 'smtp-identifier'],
    ['SMTP UUID in SMTPIdentifier', { smtpIdentifier: 'uuid-d' }, 'd', 'account-uuid'],
    ['SendingAccountIdentifier', { sendingAccountIdentifier: 'UUID-D', smtpIdentifier: 'smtp.example.com:alice@example.com' }, 'd', 'account-uuid'],
  ])('links by %s', (_name, incoming, expectedId, via) => {
    const result = linkOutgoing(imap(incoming), servers);
    expect(result.outgoing?.id).toBe(expectedId);
    expect(result.link).toEqual({ kind: 'linked', via });
  });

  it('does not guess between two servers on the same host', () => {
    expect(linkOutgoing(imap({ smtpIdentifier: 'smtp.example.com' }), servers).link).toEqual({ kind: 'unresolved', identifier: 'smtp.example.com' });
  });

  it('does not match a user name that only differs in case', () => {
    expect(linkOutgoing(imap({ smtpIdentifier: 'smtp.example.com:Alice@example.com' }), servers).outgoing).toBeNull();
  });

  it('links provider children through their parent', () => {
    const result = linkOutgoing(imap({ parentKey: 'p1' }), [...servers, smtp('g', 'smtp.gmail.com', 'c', { parentKey: 'p1' })]);
    expect(result).toMatchObject({ outgoing: { id: 'g' }, link: { kind: 'linked', via: 'parent' } });
  });

  it('takes the first of two servers with the same identifier or UUID, as listed', () => {
    const twins = [smtp('first', 'SMTP.example.com', 'alice', { uuid: 'UUID-T' }), smtp('second', 'smtp.example.com', 'alice', { uuid: 'uuid-t' })];
    expect(linkOutgoing(imap({ smtpIdentifier: 'smtp.example.com:alice' }), twins).outgoing?.id).toBe('first');
    expect(linkOutgoing(imap({ smtpIdentifier: 'smtp.example.com:alice' }), [...twins].reverse()).outgoing?.id).toBe('second');
    expect(linkOutgoing(imap({ sendingAccountIdentifier: 'Uuid-T' }), [...twins].reverse()).outgoing?.id).toBe('second');
  });

  it('ignores a trailing dot on a host name given alone', () => {
    expect(linkOutgoing(imap({ smtpIdentifier: 'relay.example.net.' }), servers).outgoing?.id).toBe('c');
    expect(linkOutgoing(imap({ smtpIdentifier: 'Solo.Example.org.' }), servers).outgoing?.id).toBe('d');
  });

  it('links every account of one store through one index as it links each alone', () => {
    const accounts = [
      imap({ smtpIdentifier: 'smtp.example.com:user:with:colons' }),
      imap({ smtpIdentifier: 'solo.example.org' }),
      imap({ parentKey: 'p1' }),
      imap({ smtpIdentifier: 'smtp.example.com' }),
    ];
    const link = outgoingLinker([...servers, smtp('g', 'smtp.gmail.com', 'c', { parentKey: 'p1' })]);
    expect(accounts.map((account) => link(account).outgoing?.id ?? null)).toEqual(['b', 'd', 'g', null]);
  });

  it('says none when nothing was stored, unresolved when something was', () => {
    expect(linkOutgoing(imap({}), servers)).toEqual({ outgoing: null, link: { kind: 'none' } });
    expect(linkOutgoing(imap({ smtpIdentifier: 'gone.example.com:x' }), servers)).toEqual({ outgoing: null, link: { kind: 'unresolved', identifier: 'gone.example.com:x' } });
  });
});
