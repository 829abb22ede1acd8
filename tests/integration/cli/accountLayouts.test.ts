/**
 * `mail-doctor diagnose` on a fixture Mac home whose accountsd store keeps its Google account in the parent-row
 * layout (Mail's settings on the provider row, no IMAP/SMTP child): every account with Mail switched on is
 * listed, in JSON and in the words a person reads, never "no mail accounts found". The DNS is the rig's, which
 * refuses names outside its test zone, so nothing is looked up or contacted outside this machine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildMacHome } from '../../fixtures/buildMacHome';
import type { MacHome } from '../../fixtures/buildMacHome';
import { PARENT_ROW_IDS, parentRowAccountsDatabase } from '../../fixtures/standardAccounts';
import { commonArgs, parseCliJson, runCliProcess, useCliTestEnvironment } from './support';

const { setup } = useCliTestEnvironment('md-cli-layouts-');
const homes: MacHome[] = [];
afterEach(async () => {
  await Promise.all(homes.splice(0).map((home) => home.cleanup()));
});

async function parentRowHome(): Promise<MacHome> {
  const home = await buildMacHome({ accountsDatabase: parentRowAccountsDatabase() });
  homes.push(home);
  return home;
}

describe('mail-doctor diagnose on a parent-row accounts store', () => {
  it('--json lists the Google account as OAuth with Gmail\'s servers, and the unreadable one with its read problem', async () => {
    const { info, web, stateDir } = await setup();
    const home = await parentRowHome();
    const result = await runCliProcess(['diagnose', '--home', home.home, ...commonArgs(info, web, stateDir, 1)], { env: home.env });
    const json = parseCliJson(result);
    expect(result.code, result.stderr).toBe(1);
    expect(json.discoveryProblems).toEqual([]);
    expect(json.accounts.map((account) => account.id).sort()).toEqual([PARENT_ROW_IDS.google, PARENT_ROW_IDS.iCloud, PARENT_ROW_IDS.unknownType].sort());

    const google = json.accounts.find((account) => account.id === PARENT_ROW_IDS.google);
    expect(google?.emailAddress).toBe('frank@gmail.com');
    expect(google?.settings.incoming).toMatchObject({ host: 'imap.gmail.com', port: 993, username: 'frank@gmail.com' });
    expect(google?.settings.outgoing).toMatchObject({ host: 'smtp.gmail.com', port: 465 });
    expect([google?.verdict.code, ...(google?.findings.map((finding) => finding.code) ?? [])]).toContain('OAUTH_ACCOUNT');
    // An OAuth account has no password to send: the login is never attempted.
    expect(google?.servers.incoming?.login.kind).toBe('skipped');

    const unknown = json.accounts.find((account) => account.id === PARENT_ROW_IDS.unknownType);
    expect(unknown?.settings.incoming).toBeNull();
    expect(unknown?.verdict.code).toBe('ACCOUNT_READ_PROBLEM');
  }, 60_000);

  it('the words a person reads name the accounts, never "No Mail accounts were found"', async () => {
    const { info, web, stateDir } = await setup();
    const home = await parentRowHome();
    const args = ['diagnose', '--home', home.home, ...commonArgs(info, web, stateDir, 1).filter((arg) => arg !== '--json')];
    const result = await runCliProcess(args, { env: home.env });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).not.toMatch(/no mail accounts/i);
    expect(result.stdout).toContain('Google <frank@gmail.com>');
    expect(result.stdout).toContain('Future Mail <ivy@future.example>');
  }, 60_000);
});
