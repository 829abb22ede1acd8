import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileSystemReader } from '../../../electron/fileAccess';
import { nodeFileSystem } from '../../../electron/fileAccess';
import { discoverAccounts, toAccountDiscovery } from '../../../electron/accounts/discoverAccounts';
import type { DiscoveryProblem, MailAccount } from '../../../shared/model/account';
import type { MacHome, MacHomeOptions } from '../../fixtures/buildMacHome';
import { buildMacHome } from '../../fixtures/buildMacHome';
import { IDS, standardAccountsDatabase } from '../../fixtures/standardAccounts';
import { writeLockedAccountsDatabase } from '../../fixtures/writers/accountsDatabase';
import { legacyAccountsContent, writeLegacyAccountsPlist } from '../../fixtures/writers/legacyAccountsPlist';

const homes: MacHome[] = [];
afterEach(async () => {
  await Promise.all(homes.splice(0).map((home) => home.cleanup()));
});

async function home(options: MacHomeOptions = {}): Promise<MacHome> {
  const built = await buildMacHome(options);
  homes.push(built);
  return built;
}

async function discover(fixture: MacHome, extra: Partial<Parameters<typeof discoverAccounts>[0]> = {}) {
  return discoverAccounts({ home: fixture.home, managedPreferencesDirs: fixture.managedPreferencesDirs, platform: 'darwin', ...extra });
}

function reasonOf(problem: DiscoveryProblem | undefined): string {
  return problem?.kind === 'store-unreadable' ? problem.reason : `not store-unreadable: ${JSON.stringify(problem)}`;
}

function byId(accounts: readonly MailAccount[], id: string): MailAccount {
  const account = accounts.find((candidate) => candidate.id === id);
  if (account === undefined) throw new Error(`account ${id} not found among ${accounts.map((a) => a.id).join(', ')}`);
  return account;
}

describe('Accounts4.sqlite', () => {
  it('lists every mail account of the standard store and nothing else', async () => {
    const result = await discover(await home());
    expect(result.problems).toEqual([]);
    expect(result.accounts.map((account) => account.id).sort()).toEqual(
      [IDS.aliceImap, IDS.bobPop, IDS.googleImap, IDS.daveImap, IDS.iCloudMail, IDS.orphanSmtp].sort(),
    );
  });

  it('reads the IMAP + SMTP pair linked by host:user', async () => {
    const alice = byId((await discover(await home())).accounts, IDS.aliceImap);
    expect(alice).toMatchObject({
      description: 'Work',
      emailAddress: 'alice@example.com',
      source: 'accounts4',
      authKind: 'password',
      incoming: { protocol: 'imap', host: 'mail.example.com', port: 993, tls: 'implicit', username: 'alice@example.com' },
      outgoing: { protocol: 'smtp', host: 'smtp.example.com', port: 587, tls: 'starttls', username: 'alice@example.com', authenticationEnabled: true },
      outgoingLink: { kind: 'linked', via: 'smtp-identifier' },
      readProblems: [],
    });
    expect(alice.incoming?.inherited).toBeUndefined();
  });

  it('reads the POP account that exists only in the WAL, linked by SMTP UUID, with a plain-text port', async () => {
    const bob = byId((await discover(await home())).accounts, IDS.bobPop);
    expect(bob).toMatchObject({
      incoming: { protocol: 'pop3', host: 'pop.example.net', port: 995, tls: 'implicit', username: 'bob' },
      outgoing: { host: 'smtp.example.net', port: 465, tls: 'implicit' },
      outgoingLink: { kind: 'linked', via: 'account-uuid' },
    });
  });

  it('gives Google children their parent\'s servers and marks them as token accounts', async () => {
    const google = byId((await discover(await home())).accounts, IDS.googleImap);
    expect(google).toMatchObject({
      authKind: 'oauth',
      provider: 'Google',
      emailAddress: 'carol@gmail.com',
      incoming: { host: 'imap.gmail.com', port: 993, tls: 'implicit', inherited: ['host', 'port', 'tls'] },
      outgoing: { host: 'smtp.gmail.com', port: 465, tls: 'implicit', inherited: ['host', 'port', 'tls'] },
      outgoingLink: { kind: 'linked', via: 'parent' },
    });
  });

  it('falls back to provider defaults when the parent stores no Mail properties (iCloud)', async () => {
    const icloud = byId((await discover(await home())).accounts, IDS.iCloudMail);
    expect(icloud).toMatchObject({
      authKind: 'oauth',
      provider: 'iCloud',
      incoming: { host: 'imap.mail.me.com', port: 993, tls: 'implicit', inherited: ['host', 'port', 'tls'] },
      outgoing: { host: 'smtp.mail.me.com', port: 587, tls: 'starttls' },
    });
  });

  it('reports an SMTPIdentifier that matches no server as unresolved', async () => {
    const dave = byId((await discover(await home())).accounts, IDS.daveImap);
    expect(dave.outgoingLink).toEqual({ kind: 'unresolved', identifier: 'smtp.gone.example.org:dave' });
    expect(dave.outgoing).toBeNull();
    expect(dave.incoming).toMatchObject({ port: 143, tls: 'none' });
  });

  it('lists an outgoing server no account uses', async () => {
    const orphan = byId((await discover(await home())).accounts, IDS.orphanSmtp);
    expect(orphan).toMatchObject({ incoming: null, outgoing: { host: 'relay.example.com', port: 25, tls: 'none', authenticationEnabled: false } });
  });

  it('keeps keychain targets with the account UUIDs', async () => {
    const result = await discover(await home());
    const alice = result.discovered.find((entry) => entry.account.id === IDS.aliceImap);
    expect(alice?.incomingTarget).toEqual({ protocol: 'imap', host: 'mail.example.com', port: 993, username: 'alice@example.com', accountUuid: IDS.aliceImap });
    expect(alice?.outgoingTarget).toEqual({ protocol: 'smtp', host: 'smtp.example.com', port: 587, username: 'alice@example.com', accountUuid: IDS.aliceSmtp });
    expect(toAccountDiscovery(result)).toEqual({ accounts: result.accounts, problems: result.problems });
  });

  it('falls back to Accounts3.sqlite', async () => {
    const result = await discover(await home({ accountsDatabase: { ...standardAccountsDatabase(), fileName: 'Accounts3.sqlite' } }));
    expect(byId(result.accounts, IDS.aliceImap).source).toBe('accounts3');
  });

  it('reads rows while another process holds an exclusive lock, ignoring its uncommitted change', async () => {
    const fixture = await home({ accountsDatabase: false });
    const locked = await writeLockedAccountsDatabase(fixture.home, standardAccountsDatabase());
    try {
      const result = await discover(fixture);
      expect(result.problems).toEqual([]);
      expect(byId(result.accounts, IDS.aliceImap).description).toBe('Work');
      expect(byId(result.accounts, IDS.bobPop).description).toBe('Home');
    } finally {
      await locked.release();
    }
  });

  it('accepts SMTP UUID stored as SMTPIdentifier (the other UNCONFIRMED shape)', async () => {
    const spec = standardAccountsDatabase();
    const accounts = spec.accounts.map((account) =>
      account.pk === 1 ? { ...account, properties: { ...account.properties, SMTPIdentifier: IDS.aliceSmtp } } : account,
    );
    const alice = byId((await discover(await home({ accountsDatabase: { accounts } }))).accounts, IDS.aliceImap);
    expect(alice.outgoingLink).toEqual({ kind: 'linked', via: 'account-uuid' });
    expect(alice.outgoing?.host).toBe('smtp.example.com');
  });
});

describe('bad input never crashes discovery', () => {
  it('a garbage property value becomes a per-account problem; other accounts are unaffected', async () => {
    const spec = standardAccountsDatabase();
    const accounts = spec.accounts.map((account) =>
      account.pk === 8 ? { ...account, properties: { ...account.properties, PortNumber: { raw: Buffer.from('bplist00\x00\x01garbage-garbage-garbage') } } } : account,
    );
    const result = await discover(await home({ accountsDatabase: { accounts } }));
    const dave = byId(result.accounts, IDS.daveImap);
    expect(dave.readProblems.join(' ')).toMatch(/PortNumber could not be read/);
    expect(dave.incoming?.inherited).toContain('port');
    expect(byId(result.accounts, IDS.aliceImap).readProblems).toEqual([]);
  });

  it('a property discovery does not use is not read: garbage there is no problem', async () => {
    const spec = standardAccountsDatabase();
    const accounts = spec.accounts.map((account) =>
      account.pk === 1 ? { ...account, properties: { ...account.properties, FullUserName: { raw: Buffer.from('bplist00\x00\x01garbage-garbage-garbage') } } } : account,
    );
    const alice = byId((await discover(await home({ accountsDatabase: { accounts } }))).accounts, IDS.aliceImap);
    expect(alice.readProblems).toEqual([]);
    expect(alice.incoming?.host).toBe('mail.example.com');
  });

  it('an account with no host at all is listed with the reason', async () => {
    const accounts = [{ pk: 1, uuid: 'NO-HOST', type: 'com.apple.account.IMAP', username: 'x', properties: { PortNumber: 993 } }];
    const result = await discover(await home({ accountsDatabase: { accounts } }));
    expect(byId(result.accounts, 'NO-HOST')).toMatchObject({ incoming: null, readProblems: ['no IMAP server host stored'] });
  });

  it('a wrong schema is a store problem', async () => {
    const fixture = await home({ accountsDatabase: { accounts: [], schemaOverride: ['CREATE TABLE notes (id INTEGER, body TEXT)'] } });
    const result = await discover(fixture);
    expect(result.accounts).toEqual([]);
    expect(result.problems).toHaveLength(1);
    expect(reasonOf(result.problems[0])).toMatch(/missing ZACCOUNT.Z_PK/);
  });

  it('a missing property table keeps the accounts and says why settings are missing', async () => {
    const fixture = await home({
      accountsDatabase: {
        accounts: [],
        schemaOverride: [
          'CREATE TABLE ZACCOUNT (Z_PK INTEGER PRIMARY KEY, ZACCOUNTTYPE INTEGER, ZIDENTIFIER VARCHAR, ZUSERNAME VARCHAR)',
          'CREATE TABLE ZACCOUNTTYPE (Z_PK INTEGER PRIMARY KEY, ZIDENTIFIER VARCHAR)',
          "INSERT INTO ZACCOUNTTYPE VALUES (1, 'com.apple.account.IMAP')",
          "INSERT INTO ZACCOUNT VALUES (1, 1, 'ONLY-ACCOUNT', 'x@example.com')",
        ],
      },
    });
    const result = await discover(fixture);
    expect(byId(result.accounts, 'ONLY-ACCOUNT').readProblems).toEqual(['no IMAP server host stored']);
    expect(result.problems).toHaveLength(1);
    expect(reasonOf(result.problems[0])).toMatch(/ZACCOUNTPROPERTY/);
  });

  it.each([
    ['truncated', async (path: string) => writeFile(path, (await readFile(path)).subarray(0, 3000))],
    ['random bytes', async (path: string) => writeFile(path, randomBytes(8192))],
    ['empty', async (path: string) => writeFile(path, '')],
  ])('a %s database is a store problem with the reason', async (_name, damage) => {
    const fixture = await home();
    const path = join(fixture.home, 'Library', 'Accounts', 'Accounts4.sqlite');
    await rm(`${path}-wal`, { force: true });
    await damage(path);
    const result = await discover(fixture);
    // An empty file is a valid empty SQLite database: it simply lacks the tables.
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'store-unreadable', path })]);
    expect(result.accounts).toEqual([]);
  });
});

describe('legacy Accounts.plist', () => {
  it.each(['xml', 'binary'] as const)('reads a %s file with YES/NO booleans and string ports', async (format) => {
    const result = await discover(await home({ accountsDatabase: false, legacyPlist: { version: 'V2', format } }));
    expect(result.problems).toEqual([]);
    expect(result.accounts).toHaveLength(2);
    const work = result.accounts.find((account) => account.description === 'Work');
    expect(work).toMatchObject({
      source: 'legacy-plist',
      emailAddress: 'alice@example.com',
      incoming: { protocol: 'imap', host: 'mail.example.com', port: 993, tls: 'implicit' },
      outgoing: { host: 'smtp.example.com', port: 587, tls: 'starttls', authenticationEnabled: true },
      outgoingLink: { kind: 'linked', via: 'smtp-identifier' },
    });
    const pop = result.accounts.find((account) => account.description === 'Home POP');
    expect(pop).toMatchObject({
      incoming: { protocol: 'pop3', host: 'pop.example.net', port: 110, tls: 'none', username: 'bob' },
      outgoing: { host: 'mail.example.net', port: 465, tls: 'implicit', authenticationEnabled: false },
      outgoingLink: { kind: 'linked', via: 'smtp-identifier' },
    });
  });

  it('prefers the highest V folder numerically (V10 over V9)', async () => {
    const fixture = await home({ accountsDatabase: false, legacyPlist: { version: 'V9', format: 'xml' } });
    const content = legacyAccountsContent();
    await writeLegacyAccountsPlist(fixture.home, 'V10', { ...content, MailAccounts: [{ AccountType: 'IMAPAccount', AccountName: 'Newest', Hostname: 'imap.new.example.com', Username: 'n' }] }, 'binary');
    const result = await discover(fixture);
    expect(result.accounts.map((account) => account.description)).toContain('Newest');
    expect(result.accounts.map((account) => account.description)).not.toContain('Work');
  });

  it('is not read when Accounts4.sqlite exists', async () => {
    const result = await discover(await home({ legacyPlist: { version: 'V2', format: 'xml' } }));
    expect(result.accounts.every((account) => account.source === 'accounts4')).toBe(true);
  });

  it('a garbage plist is a store problem', async () => {
    const fixture = await home({ accountsDatabase: false });
    const dir = join(fixture.home, 'Library', 'Mail', 'V2', 'MailData');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'Accounts.plist'), 'bplist00 this is not a plist');
    const result = await discover(fixture);
    expect(result.problems).toEqual([expect.objectContaining({ kind: 'store-unreadable' })]);
  });

  it('entries that are not dictionaries are skipped with a reason', async () => {
    const result = await discover(
      await home({ accountsDatabase: false, legacyPlist: { version: 'V2', format: 'xml', content: { MailAccounts: ['oops', { AccountType: 'IMAPAccount', Hostname: 'h.example.com', Username: 'u' }], DeliveryAccounts: 'nope' } } }),
    );
    expect(result.accounts).toHaveLength(1);
    expect(result.problems.map((problem) => (problem.kind === 'store-unreadable' ? problem.reason : problem.kind))).toEqual([
      'DeliveryAccounts is not an array; skipped',
      'MailAccounts entry 0 is not a dictionary; skipped',
    ]);
  });
});

describe('where nothing can be read', () => {
  it('reports Full Disk Access needed when ~/Library/Accounts refuses reads (EPERM)', async () => {
    const fixture = await home();
    const denyingFs: FileSystemReader = {
      readFile: async (path) => {
        if (path.includes('/Library/Accounts/') || path.includes('/Library/Mail')) throw Object.assign(new Error('Operation not permitted'), { code: 'EPERM' });
        return nodeFileSystem.readFile(path);
      },
      readDirectory: async (path) => {
        if (path.includes('/Library/Mail')) throw Object.assign(new Error('Operation not permitted'), { code: 'EPERM' });
        return nodeFileSystem.readDirectory(path);
      },
    };
    const result = await discover(fixture, { fs: denyingFs });
    expect(result.problems).toEqual([
      { kind: 'full-disk-access-needed', path: join(fixture.home, 'Library', 'Accounts', 'Accounts4.sqlite') },
      { kind: 'full-disk-access-needed', path: join(fixture.home, 'Library', 'Mail') },
    ]);
    expect(result.accounts).toEqual([]);
  });

  it('reports no accounts with the places searched', async () => {
    const fixture = await home({ accountsDatabase: false });
    const result = await discover(fixture);
    expect(result.problems).toHaveLength(1);
    const [problem] = result.problems;
    expect(problem?.kind === 'no-mail-accounts-found' && problem.searched).toContain(join(fixture.home, 'Library', 'Accounts', 'Accounts4.sqlite'));
  });

  it('reports not-macos off macOS when no home was given', async () => {
    const fixture = await home();
    const result = await discover(fixture, { platform: 'linux', homeSource: 'default' });
    expect(result.problems).toEqual([{ kind: 'not-macos' }]);
  });

  it('reads a given home on any platform', async () => {
    const fixture = await home();
    const result = await discover(fixture, { platform: 'linux' });
    expect(result.accounts.length).toBeGreaterThan(0);
  });
});
