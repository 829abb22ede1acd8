import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscoveredAccount } from '../../../electron/accounts/types';
import { SecretComparer } from '../../../electron/keychain/compareSecrets';
import type { KeytarLike } from '../../../electron/keychain/keytarModule';
import { lookUpAccountPasswords } from '../../../electron/keychain/passwordSources';
import { Secret } from '../../../electron/keychain/secret';
import type { MacHome } from '../../fixtures/buildMacHome';
import { buildMacHome } from '../../fixtures/buildMacHome';

/**
 * The layering (order, stop rules, per-attempt records, comparison) with the real `security`
 * stand-in process and an in-memory generic-item store. The same flows against the real keytar and
 * a real Secret Service are in tests/integration/keychain-keytar.test.ts.
 */

class MemoryKeychain implements KeytarLike {
  readonly items = new Map<string, string>();
  failWith: string | undefined;
  getPassword(service: string, account: string): Promise<string | null> {
    if (this.failWith !== undefined) return Promise.reject(new Error(this.failWith));
    return Promise.resolve(this.items.get(`${service}/${account}`) ?? null);
  }
  setPassword(service: string, account: string, password: string): Promise<void> {
    this.items.set(`${service}/${account}`, password);
    return Promise.resolve();
  }
  deletePassword(service: string, account: string): Promise<boolean> {
    return Promise.resolve(this.items.delete(`${service}/${account}`));
  }
}

const account = (over: Partial<DiscoveredAccount['account']> = {}): DiscoveredAccount => ({
  account: {
    id: 'IMAP-UUID',
    description: 'Work',
    emailAddress: 'alice@example.com',
    source: 'accounts4',
    authKind: 'password',
    incoming: { protocol: 'imap', host: 'mail.example.com', port: 993, tls: 'implicit', username: 'alice@example.com', authenticationEnabled: true },
    outgoing: { protocol: 'smtp', host: 'smtp.example.com', port: 587, tls: 'starttls', username: 'alice@example.com', authenticationEnabled: true },
    outgoingLink: { kind: 'linked', via: 'smtp-identifier' },
    passwords: { incoming: { outcome: 'not-applicable', attempts: [] }, outgoing: { outcome: 'not-applicable', attempts: [] }, comparison: 'not-applicable' },
    readProblems: [],
    ...over,
  },
  incomingTarget: { protocol: 'imap', host: 'mail.example.com', port: 993, username: 'alice@example.com', accountUuid: 'IMAP-UUID' },
  outgoingTarget: { protocol: 'smtp', host: 'smtp.example.com', port: 587, username: 'alice@example.com', accountUuid: 'SMTP-UUID' },
});

/** An account read from a legacy Accounts.plist: no UUID, its passwords are login-keychain Internet passwords. */
const legacy = (): DiscoveredAccount => {
  const modern = account({ id: 'legacy-alice', source: 'legacy-plist' });
  const { accountUuid: _incoming, ...incomingTarget } = modern.incomingTarget ?? { protocol: 'imap', host: '', port: 0, username: '' };
  const { accountUuid: _outgoing, ...outgoingTarget } = modern.outgoingTarget ?? { protocol: 'smtp', host: '', port: 0, username: '' };
  return { ...modern, incomingTarget, outgoingTarget };
};

let fixture: MacHome;
beforeAll(async () => {
  fixture = await buildMacHome({ accountsDatabase: false });
});
afterAll(async () => {
  await fixture.cleanup();
});

const options = (keytar: KeytarLike, extra = {}) => ({ platform: 'darwin' as const, keytar, securityTool: { toolPath: fixture.security.toolPath }, ...extra });

describe('lookUpAccountPasswords', () => {
  it('finds legacy Internet passwords and compares them: same', async () => {
    await fixture.security.setItems([
      { server: 'mail.example.com', account: 'alice@example.com', protocol: 'imap', result: { kind: 'found', password: 'same-pw' } },
      { server: 'smtp.example.com', account: 'alice@example.com', protocol: 'smtp', result: { kind: 'found', password: 'same-pw' } },
    ]);
    const result = await lookUpAccountPasswords(account(), new SecretComparer(), options(new MemoryKeychain()));
    expect(result.comparison).toBe('same');
    expect(result.account.passwords.incoming).toEqual({ outcome: 'found', foundIn: 'internet-password', attempts: [{ source: 'internet-password', outcome: 'found', detail: 'security -r imap: found' }] });
    expect(result.incoming.secret?.reveal()).toBe('same-pw');
    expect(JSON.stringify(result)).not.toContain('same-pw');
  });

  it('tries imap then imps, then the generic item by UUID; different passwords', async () => {
    await fixture.security.setItems([{ server: 'mail.example.com', account: 'alice@example.com', protocol: 'imps', result: { kind: 'found', password: 'in-pw' } }]);
    const keychain = new MemoryKeychain();
    await keychain.setPassword('com.apple.account.SMTP.password', 'SMTP-UUID', 'out-pw');
    const result = await lookUpAccountPasswords(account(), new SecretComparer(), options(keychain));
    expect(result.account.passwords.incoming.attempts.map((attempt) => [attempt.source, attempt.outcome])).toEqual([
      ['internet-password', 'not-found'],
      ['internet-password', 'found'],
    ]);
    expect(result.account.passwords.outgoing).toMatchObject({ outcome: 'found', foundIn: 'account-credential' });
    expect(result.comparison).toBe('different');
  });

  it('a refusal stops further security calls, is recorded, and makes the comparison unreadable', async () => {
    await fixture.security.setItems([
      { server: 'mail.example.com', account: 'alice@example.com', protocol: 'imap', result: { kind: 'refused', exitCode: 128 } },
      { server: 'smtp.example.com', account: 'alice@example.com', protocol: 'smtp', result: { kind: 'found', password: 'x' } },
    ]);
    const result = await lookUpAccountPasswords(account(), new SecretComparer(), options(new MemoryKeychain()));
    expect(result.account.passwords.incoming.attempts.map((attempt) => [attempt.source, attempt.outcome])).toEqual([
      ['internet-password', 'denied'],
      ['account-credential', 'not-found'],
      ['typed', 'not-applicable'],
    ]);
    expect(result.account.passwords.incoming.outcome).toBe('denied');
    expect(result.comparison).toBe('unreadable');
  });

  it('a modern account with nothing found anywhere: out of reach, never missing (accountsd keeps its secret)', async () => {
    await fixture.security.setItems([]);
    const result = await lookUpAccountPasswords(account(), new SecretComparer(), options(new MemoryKeychain()));
    // Each source says what it saw ("not found"); the side as a whole is out of reach.
    expect(result.account.passwords.incoming.attempts.map((attempt) => [attempt.source, attempt.outcome])).toEqual([
      ['internet-password', 'not-found'],
      ['internet-password', 'not-found'],
      ['account-credential', 'not-found'],
      ['typed', 'not-applicable'],
    ]);
    expect(result.account.passwords.incoming.outcome).toBe('out-of-reach');
    expect(result.account.passwords.outgoing.outcome).toBe('out-of-reach');
    expect(result.comparison).toBe('unreadable');
  });

  it('a modern account: a typed password is used for login but not counted as stored; the stored side stays out of reach', async () => {
    await fixture.security.setItems([]);
    const typed = new Secret('typed-pw');
    const result = await lookUpAccountPasswords(account(), new SecretComparer(), options(new MemoryKeychain(), { typed: { incoming: typed } }));
    expect(result.account.passwords.incoming).toMatchObject({ outcome: 'found', foundIn: 'typed' });
    expect(result.incoming.secret).toBe(typed);
    expect(result.incoming.stored.outcome).toBe('out-of-reach');
    expect(result.comparison).toBe('unreadable');
  });

  it('a modern account whose incoming password is readable and outgoing out of reach: unreadable, not "outgoing missing"', async () => {
    await fixture.security.setItems([{ server: 'mail.example.com', account: 'alice@example.com', protocol: 'imap', result: { kind: 'found', password: 'a' } }]);
    const result = await lookUpAccountPasswords(account(), new SecretComparer(), options(new MemoryKeychain()));
    expect(result.account.passwords.outgoing.outcome).toBe('out-of-reach');
    expect(result.comparison).toBe('unreadable');
  });

  it('a legacy account (no Accounts4 UUID): the login keychain positively has none, so nothing stored is missing', async () => {
    await fixture.security.setItems([]);
    const typed = new Secret('typed-pw');
    const result = await lookUpAccountPasswords(legacy(), new SecretComparer(), options(new MemoryKeychain(), { typed: { incoming: typed } }));
    expect(result.comparison).toBe('both-missing');
    expect(result.account.passwords.incoming).toMatchObject({ outcome: 'found', foundIn: 'typed' });
    expect(result.account.passwords.outgoing.outcome).toBe('not-found');
    // No UUID: the generic-item source does not apply.
    expect(result.account.passwords.outgoing.attempts.map((attempt) => attempt.outcome)).toEqual(['not-found', 'not-applicable', 'not-applicable']);
  });

  it('a legacy account: outgoing missing while incoming found', async () => {
    await fixture.security.setItems([{ server: 'mail.example.com', account: 'alice@example.com', protocol: 'imap', result: { kind: 'found', password: 'a' } }]);
    const result = await lookUpAccountPasswords(legacy(), new SecretComparer(), options(new MemoryKeychain()));
    expect(result.comparison).toBe('outgoing-missing');
  });

  it('a keychain error from the generic-item source is an error, not a missing password', async () => {
    await fixture.security.setItems([]);
    const keychain = new MemoryKeychain();
    keychain.failWith = 'User interaction is not allowed.';
    const result = await lookUpAccountPasswords(account(), new SecretComparer(), options(keychain));
    expect(result.account.passwords.incoming.attempts[2]).toMatchObject({ source: 'account-credential', outcome: 'denied' });
    expect(result.comparison).toBe('unreadable');
  });

  it('OAuth accounts and SMTP without authentication are not applicable, with no keychain call', async () => {
    await fixture.security.setItems([]);
    const oauth = await lookUpAccountPasswords(account({ authKind: 'oauth', provider: 'Google' }), new SecretComparer(), options(new MemoryKeychain()));
    expect(oauth.account.passwords.incoming.outcome).toBe('not-applicable');
    expect(oauth.comparison).toBe('not-applicable');
    const noAuth = account();
    const relay = await lookUpAccountPasswords(
      { ...noAuth, account: { ...noAuth.account, outgoing: { protocol: 'smtp', host: 'relay.example.com', port: 25, tls: 'none', username: '', authenticationEnabled: false } } },
      new SecretComparer(),
      options(new MemoryKeychain()),
    );
    expect(relay.account.passwords.outgoing.outcome).toBe('not-applicable');
    expect(relay.comparison).toBe('not-applicable');
  });

  it('off macOS, Mail\'s keychain sources are not applicable', async () => {
    const result = await lookUpAccountPasswords(account(), new SecretComparer(), { platform: 'linux', keytar: new MemoryKeychain(), securityTool: { env: {} } });
    expect(result.account.passwords.incoming.attempts.map((attempt) => attempt.outcome)).toEqual(['not-applicable', 'not-applicable', 'not-applicable']);
    expect(result.comparison).toBe('not-applicable');
  });
});
