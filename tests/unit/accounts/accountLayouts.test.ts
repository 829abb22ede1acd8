// Both layouts in which accountsd keeps a Mail account, and the rule that no account whose Mail data class is
// switched on is dropped: the child-account layout (the standard store: IMAP/SMTP children under a Google or
// iCloud parent) and the parent-row layout (Mail's settings on the provider row itself, no child).
import { afterEach, describe, expect, it } from 'vitest';
import { discoverAccounts } from '../../../electron/accounts/discoverAccounts';
import type { MailAccount } from '../../../shared/model/account';
import { evaluateAccount } from '../../../shared/verdict/evaluate';
import type { MacHome, MacHomeOptions } from '../../fixtures/buildMacHome';
import { buildMacHome } from '../../fixtures/buildMacHome';
import { DATACLASS, IDS, PARENT_ROW_IDS, parentRowAccountsDatabase, standardAccountsDatabase } from '../../fixtures/standardAccounts';
import type { FixtureAccount } from '../../fixtures/writers/accountsDatabase';

const homes: MacHome[] = [];
afterEach(async () => {
  await Promise.all(homes.splice(0).map((home) => home.cleanup()));
});

async function discover(options: MacHomeOptions) {
  const home = await buildMacHome(options);
  homes.push(home);
  return discoverAccounts({ home: home.home, managedPreferencesDirs: home.managedPreferencesDirs, platform: 'darwin' });
}

function byId(accounts: readonly MailAccount[], id: string): MailAccount {
  const account = accounts.find((candidate) => candidate.id === id);
  if (account === undefined) throw new Error(`account ${id} not found among ${accounts.map((a) => a.id).join(', ')}`);
  return account;
}

describe('the parent-row layout (a Google account with Mail on, no IMAP/SMTP child)', () => {
  it('lists every account whose Mail data class is on, and only those', async () => {
    const result = await discover({ accountsDatabase: parentRowAccountsDatabase() });
    expect(result.problems).toEqual([]);
    expect(result.accounts.map((account) => account.id).sort()).toEqual([PARENT_ROW_IDS.google, PARENT_ROW_IDS.iCloud, PARENT_ROW_IDS.unknownType].sort());
  });

  it('reads the Google row as an OAuth account with Gmail\'s published servers and what it stored itself', async () => {
    const google = byId((await discover({ accountsDatabase: parentRowAccountsDatabase() })).accounts, PARENT_ROW_IDS.google);
    expect(google).toEqual({
      id: PARENT_ROW_IDS.google,
      description: 'Google',
      emailAddress: 'frank@gmail.com',
      source: 'accounts4',
      authKind: 'oauth',
      provider: 'Google',
      incoming: {
        protocol: 'imap',
        host: 'imap.gmail.com',
        port: 993,
        tls: 'implicit',
        username: 'frank@gmail.com',
        authenticationEnabled: true,
        authScheme: 'XOAUTH2',
        inherited: ['host', 'port'],
      },
      outgoing: {
        protocol: 'smtp',
        host: 'smtp.gmail.com',
        port: 465,
        tls: 'implicit',
        username: 'frank@gmail.com',
        authenticationEnabled: true,
        authScheme: 'XOAUTH2',
        inherited: ['host', 'port'],
      },
      outgoingLink: { kind: 'linked', via: 'parent' },
      passwords: expect.anything() as unknown,
      readProblems: [],
    });
  });

  it('an iCloud parent with Mail on and no mail child reads as iCloud with its published servers', async () => {
    const iCloud = byId((await discover({ accountsDatabase: parentRowAccountsDatabase() })).accounts, PARENT_ROW_IDS.iCloud);
    expect(iCloud).toMatchObject({
      authKind: 'oauth',
      provider: 'iCloud',
      emailAddress: 'hank@icloud.com',
      incoming: { host: 'imap.mail.me.com', port: 993, tls: 'implicit', inherited: ['host', 'port', 'tls'] },
      outgoing: { host: 'smtp.mail.me.com', port: 587, tls: 'starttls' },
    });
  });

  it('an account of a type Mail Doctor does not know is listed with "cannot read this account\'s settings", and the verdict says so', async () => {
    const unknown = byId((await discover({ accountsDatabase: parentRowAccountsDatabase() })).accounts, PARENT_ROW_IDS.unknownType);
    expect(unknown).toMatchObject({ description: 'Future Mail', emailAddress: 'ivy@future.example', incoming: null, outgoing: null });
    expect(unknown.readProblems).toHaveLength(1);
    expect(unknown.readProblems[0]).toMatch(/^Mail Doctor cannot read this account's settings: .*com\.apple\.account\.FutureMailService/);
    const evaluation = evaluateAccount({
      account: unknown,
      internet: { kind: 'skipped', reason: 'not part of this test' },
      probes: { incoming: null, outgoing: null, published: null, webmail: [] },
      publicIp: { kind: 'unknown', reason: 'not part of this test' },
      machine: {},
      mailEvidence: null,
      noLogin: false,
      now: new Date().toISOString(),
      expected: null,
    });
    expect(evaluation.verdict.code).toBe('ACCOUNT_READ_PROBLEM');
  });

  it('an older store without data-class tables: the Mail class on the row still makes it a Mail account', async () => {
    const spec = parentRowAccountsDatabase();
    const withoutDataclasses = {
      ...spec,
      accounts: spec.accounts.map(({ enabledDataclasses: _enabled, provisionedDataclasses: _provisioned, ...account }): FixtureAccount => account),
    };
    const result = await discover({ accountsDatabase: withoutDataclasses });
    expect(result.problems).toEqual([]);
    // Google and Yahoo carry a Mail class (nothing says Yahoo's Mail is off here); iCloud and the unknown type carry nothing to go by.
    expect(result.accounts.map((account) => [account.id, account.provider, account.incoming?.host])).toEqual([
      [PARENT_ROW_IDS.google, 'Google', 'imap.gmail.com'],
      [PARENT_ROW_IDS.yahooMailOff, 'Yahoo', 'imap.mail.yahoo.com'],
    ]);
  });

  it('a Google row with Mail switched off is not a Mail account: nothing listed, "no mail accounts" with the places searched', async () => {
    const google = parentRowAccountsDatabase().accounts[0];
    if (google === undefined) throw new Error('fixture changed');
    const result = await discover({
      accountsDatabase: { accounts: [{ ...google, enabledDataclasses: [DATACLASS.contacts], provisionedDataclasses: [DATACLASS.mail, DATACLASS.contacts] }] },
    });
    expect(result.accounts).toEqual([]);
    expect(result.problems.map((problem) => problem.kind)).toEqual(['no-mail-accounts-found']);
  });
});

describe('the child-account layout (IMAP/SMTP children under their parent)', () => {
  it('lists the child once, with the parent\'s servers; the parent with Mail on is not listed a second time', async () => {
    const result = await discover({ accountsDatabase: standardAccountsDatabase() });
    const ids = result.accounts.map((account) => account.id);
    expect(ids).toContain(IDS.googleImap);
    expect(ids).not.toContain(IDS.googleParent);
    expect(ids).toContain(IDS.iCloudMail);
    expect(ids).not.toContain(IDS.iCloudParent);
    expect(ids).not.toContain(IDS.calendar);
    expect(byId(result.accounts, IDS.googleImap)).toMatchObject({
      authKind: 'oauth',
      provider: 'Google',
      incoming: { host: 'imap.gmail.com', port: 993, tls: 'implicit', inherited: ['host', 'port', 'tls'] },
      outgoing: { host: 'smtp.gmail.com', port: 465 },
      outgoingLink: { kind: 'linked', via: 'parent' },
    });
  });
});
