/**
 * The scheduled run end to end (issue 15's done-when): the real CLI process against the loopback mail
 * servers and a fixture Mac home with healthy accounts and no Mail connection log, run the way the
 * LaunchAgent runs it (`--save-report --no-login --no-keychain --time-limit`), then the Jamf extension
 * attribute, unchanged, on a fake Mac, reading the report that run cached.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CACHED_REPORT_FILE_NAME } from '../../../electron/appPaths';
import { buildMacHome } from '../../fixtures/buildMacHome';
import type { MacHome } from '../../fixtures/buildMacHome';
import type { FixtureAccount } from '../../fixtures/writers/accountsDatabase';
import { reportSchemaErrors } from '../../schemas/validateReport';
import type { MailServersInfo } from '../../servers/types';
import { createFakeMac, fakeMacUnavailableReason, shellQuote } from '../../unit/packaging/fakeMac';
import { commonArgs, parseCliJson, runCliProcess, useCliTestEnvironment } from '../cli/support';

const { cleanups, setup } = useCliTestEnvironment('md-scheduled-state-');
const REPO = join(import.meta.dirname, '../../..');

/** alice's and bob's IMAP + SMTP accounts in Mail's store, every server the healthy test server. */
function healthyAccounts(info: MailServersInfo): FixtureAccount[] {
  return (['alice', 'bob'] as const).flatMap((name, index): FixtureAccount[] => {
    const address = info.users[name].address;
    return [
      {
        pk: 2 * index + 1,
        uuid: `0000000${String(index)}-0000-4000-8000-00000000000A`,
        type: 'com.apple.account.IMAP',
        username: address,
        description: name,
        properties: { Hostname: info.goodName, PortNumber: info.imap.implicit, SSLEnabled: true, SSLIsDirect: true, SMTPIdentifier: `${info.goodName}:${address}`, EmailAddresses: [address] },
      },
      {
        pk: 2 * index + 2,
        uuid: `0000000${String(index)}-0000-4000-8000-00000000000B`,
        type: 'com.apple.account.SMTP',
        username: address,
        properties: { Hostname: info.goodName, PortNumber: info.smtp.starttls, SSLEnabled: true, SSLIsDirect: false, ShouldUseAuthentication: true },
      },
    ];
  });
}

async function healthyHome(info: MailServersInfo): Promise<MacHome> {
  const home = await buildMacHome({ accountsDatabase: { accounts: healthyAccounts(info) } });
  cleanups.push(() => home.cleanup());
  return home;
}

const LAUNCH_AGENT_ARGS = ['diagnose', '--save-report', '--no-login', '--no-keychain', '--time-limit', '60'];

describe('the scheduled run, as the LaunchAgent runs it', () => {
  it('healthy accounts and no connection log: exit 0, OK, the report cached whole, and the extension attribute prints <result>OK</result>', async () => {
    const { info, web, stateDir } = await setup();
    const home = await healthyHome(info);
    const result = await runCliProcess([...LAUNCH_AGENT_ARGS, '--home', home.home, ...commonArgs(info, web, stateDir)]);
    const json = parseCliJson(result);
    expect(json.accounts.map((account) => account.verdict.code), result.stderr).toEqual(['OK', 'OK']);
    expect(json.summary).toEqual({ code: 'OK', accounts: 2, accountsNotOk: 0 });
    expect(result.code).toBe(0);

    const cachedText = await readFile(join(stateDir, CACHED_REPORT_FILE_NAME), 'utf8');
    const cached = JSON.parse(cachedText) as { run: { runId: string }; summary: unknown };
    expect(reportSchemaErrors(cached)).toEqual([]);
    expect(cached.summary).toEqual(json.summary);
    expect(cached.run.runId).toBe((JSON.parse(result.stdout) as { run: { runId: string } }).run.runId);
    // Written through a temporary file and renamed: nothing else is left beside it.
    expect((await readdir(stateDir)).filter((name) => name.includes('last-diagnosis'))).toEqual([CACHED_REPORT_FILE_NAME]);
    // The run's line in the log (kept beside the state it was told to use).
    const log = await readFile(join(stateDir, 'logs', 'mail-doctor.log'), 'utf8');
    expect(log).toMatch(/\[cli\] diagnose --json --home --no-login --no-keychain --save-report --time-limit: started\n/);
    expect(log).toMatch(/OK \(0 of 2 accounts not OK\), exit 0, \d+ ms\n$/);
    expect(log).not.toContain(info.users.alice.address);

    const reason = fakeMacUnavailableReason();
    if (reason !== undefined) {
      if (process.env.CI === 'true') throw new Error(`CI=true but the fake Mac cannot run: ${reason}`);
      return;
    }
    const fake = await createFakeMac();
    cleanups.push(() => fake.close());
    const alice = await fake.addUser('alice', 501);
    await fake.installApp();
    await fake.setConsoleUser('alice');
    await fake.writeFile(`${alice.home}/Library/Application Support/Mail Doctor/${CACHED_REPORT_FILE_NAME}`, cachedText, { mode: 0o600, uid: alice.uid });
    const attribute = await fake.run(['/bin/bash', join(REPO, 'build/mdm/jamf-extension-attribute.sh')].map(shellQuote).join(' '));
    expect(attribute.stdout).toBe('<result>OK</result>\n');
    expect(await fake.calls('app')).toEqual([]);
  });
});
