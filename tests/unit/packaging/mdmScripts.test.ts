/**
 * The MDM shell scripts, run for real and unchanged on a fake Mac (fakeMac.ts: an overlay root in its own
 * mount and PID namespaces, macOS tools as stand-ins at their macOS paths): the Jamf extension attribute
 * and the fleet helper's status (reads the cached report, never runs a diagnosis), install-agent and
 * run-now (the LaunchAgent, started as the user by launchd), the pkg's preinstall (quits a running Mail
 * Doctor, even one that ignores TERM) and postinstall, and uninstall.sh.
 */
import { readFile, stat, symlink, utimes } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { build as buildPlist, parse as parsePlist } from 'plist';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildSupportReport } from '../../../electron/report/supportReport';
import { ENVIRONMENT } from '../report/realisticRun';
import { runWithVerdicts } from '../fleet/runs';
import type { FakeMac, FakeUser } from './fakeMac';
import { APP_PATH, FAKE_STATE, createFakeMac, fakeMacUnavailableReason, shellQuote } from './fakeMac';

const REPO = resolve(import.meta.dirname, '../../..');
const LABEL = 'com.maildoctor.app.scheduled-diagnosis';
const AGENT = `/Library/LaunchAgents/${LABEL}.plist`;
const HELPER = `${APP_PATH}/Contents/Resources/mdm/maildoctor-fleet.sh`;
const REPORT_IN_HOME = 'Library/Application Support/Mail Doctor/last-diagnosis.json';
const script = (name: string): string => join(REPO, 'build', name);

const unavailable = fakeMacUnavailableReason();
beforeAll(() => {
  if (unavailable !== undefined && process.env.CI === 'true') throw new Error(`CI=true but the MDM script tests cannot run: ${unavailable}`);
});

/** A report exactly as Mail Doctor writes it, for a run whose accounts have these verdicts. */
function reportJson(codes: readonly string[]): string {
  return `${JSON.stringify(buildSupportReport(runWithVerdicts(codes), ENVIRONMENT, { maskIdentities: true }).json, null, 2)}\n`;
}

/** Runs a file of this repository (mounted read-only through the overlay's lower layer) with bash. */
const bash = (path: string, ...args: string[]): string => ['/bin/bash', path, ...args].map(shellQuote).join(' ');

describe.skipIf(unavailable !== undefined)(`MDM scripts on a fake Mac${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`, () => {
  let fake: FakeMac;
  let alice: FakeUser;

  const useMac = async (options: { app?: boolean; console?: string | null } = {}): Promise<void> => {
    fake = await createFakeMac();
    alice = await fake.addUser('alice', 501);
    if (options.app !== false) await fake.installApp();
    await fake.setConsoleUser(options.console === undefined ? 'alice' : options.console);
  };
  const cacheReport = async (user: FakeUser, content: string, ageHours = 1): Promise<string> => {
    const path = `${user.home}/${REPORT_IN_HOME}`;
    await fake.writeFile(path, content, { mode: 0o600, uid: user.uid });
    const when = new Date(Date.now() - ageHours * 3600_000);
    await utimes(fake.hostPath(path), when, when);
    return path;
  };
  const extensionAttribute = async (): Promise<string> => {
    const result = await fake.run(bash(script('mdm/jamf-extension-attribute.sh')));
    expect(result.code, result.stderr).toBe(0);
    return result.stdout;
  };

  afterEach(async () => {
    await fake.close();
  });

  describe('the Jamf extension attribute (status)', () => {
    it('prints <result>OK</result> for a cached healthy report, at once, without starting Mail Doctor or launchd', async () => {
      await useMac();
      await cacheReport(alice, reportJson(['OK', 'OK']));
      const started = Date.now();
      expect(await extensionAttribute()).toBe('<result>OK</result>\n');
      // A generous bound that proves "reads a file", not "runs a diagnosis" (which takes many seconds).
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(await fake.calls('app')).toEqual([]);
      expect(await fake.calls('launchctl')).toEqual([]);
    });

    it("prints the first account verdict that is not OK", async () => {
      await useMac();
      await cacheReport(alice, reportJson(['OK', 'PASSWORDS_DIFFER', 'PORT_TIMEOUT']));
      expect(await extensionAttribute()).toBe('<result>PASSWORDS_DIFFER</result>\n');
    });

    it('at the login window or in the setup assistant, reads the last user’s report; with no user at all says NO_USER', async () => {
      await useMac({ console: 'loginwindow' });
      await cacheReport(alice, reportJson(['OK']));
      expect(await extensionAttribute()).toBe('<result>NO_USER</result>\n');
      await fake.writeFile('/Library/Preferences/com.apple.loginwindow.plist', buildPlist({ lastUserName: 'alice' }));
      expect(await extensionAttribute()).toBe('<result>OK</result>\n');
      await fake.setConsoleUser('_mbsetupuser');
      expect(await extensionAttribute()).toBe('<result>OK</result>\n');
      await fake.writeFile('/Library/Preferences/com.apple.loginwindow.plist', buildPlist({ lastUserName: '_mbsetupuser' }));
      expect(await extensionAttribute()).toBe('<result>NO_USER</result>\n');
      expect(await fake.calls('app')).toEqual([]);
    });

    it('says NOT_INSTALLED, NO_REPORT_YET and STALE_REPORT when there is nothing current to read', async () => {
      await useMac({ app: false });
      expect(await extensionAttribute()).toBe('<result>NOT_INSTALLED</result>\n');
      await fake.installApp();
      expect(await extensionAttribute()).toBe('<result>NO_REPORT_YET</result>\n');
      await cacheReport(alice, reportJson(['OK']), 73);
      expect(await extensionAttribute()).toBe('<result>STALE_REPORT</result>\n');
      await cacheReport(alice, reportJson(['OK']), 71);
      expect(await extensionAttribute()).toBe('<result>OK</result>\n');
    });

    it('treats the report as untrusted: no symbolic link, no foreign format, nothing but a code reaches inventory', async () => {
      await useMac();
      const report = JSON.parse(reportJson(['OK'])) as { summary: { code: string }; formatVersion: number; format: string };
      report.summary.code = 'OK</result><result>PWNED';
      await cacheReport(alice, JSON.stringify(report));
      expect(await extensionAttribute()).toBe('<result>UNREADABLE_REPORT</result>\n');
      await cacheReport(alice, JSON.stringify({ ...report, formatVersion: 2, summary: { code: 'OK' } }));
      expect(await extensionAttribute()).toBe('<result>UNKNOWN_REPORT_VERSION</result>\n');
      await cacheReport(alice, JSON.stringify({ ...report, format: 'something-else', summary: { code: 'OK' } }));
      expect(await extensionAttribute()).toBe('<result>UNREADABLE_REPORT</result>\n');
      const path = fake.hostPath(`${alice.home}/${REPORT_IN_HOME}`);
      await fake.run(`rm -f ${shellQuote(`${alice.home}/${REPORT_IN_HOME}`)}`);
      await symlink('/etc/master.passwd', path);
      expect(await extensionAttribute()).toBe('<result>UNREADABLE_REPORT</result>\n');
    });
  });

  describe('the pkg postinstall and install-agent', () => {
    it('installs the LaunchAgent (root-owned, 644, the shipped file) and loads it for the console user', async () => {
      await useMac();
      const result = await fake.run(`${bash(script('pkg-scripts/postinstall'), '/tmp/pkg', '/Applications', '/')}`);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('loaded for alice');
      expect(await fake.readFile(AGENT)).toBe(await readFile(script(`mdm/${LABEL}.plist`), 'utf8'));
      const info = await stat(fake.hostPath(AGENT));
      expect([info.uid, info.mode & 0o777]).toEqual([0, 0o644]);
      expect(await fake.calls('launchctl')).toEqual([`bootout gui/501/${LABEL}`, `bootstrap gui/501 ${AGENT}`]);
      // Again (an upgrade, or electron-builder running the script as package and bundle script): same result.
      expect((await fake.run(bash(script('pkg-scripts/postinstall'), '/tmp/pkg', '/Applications', '/'))).code).toBe(0);
      expect((await fake.calls('launchctl')).slice(2)).toEqual([`bootout gui/501/${LABEL}`, `bootstrap gui/501 ${AGENT}`]);
    });

    it('at the login window installs the agent without loading it; on another volume does nothing', async () => {
      await useMac({ console: 'loginwindow' });
      expect((await fake.run(bash(script('pkg-scripts/postinstall'), '/tmp/pkg', '/Volumes/Other/Applications', '/Volumes/Other'))).stdout).toContain('not the running system');
      expect(await fake.exists(AGENT)).toBe(false);
      const result = await fake.run(bash(script('pkg-scripts/postinstall'), '/tmp/pkg', '/Applications', '/'));
      expect(result.stdout).toContain('loads at the next login');
      expect(await fake.exists(AGENT)).toBe(true);
      expect(await fake.calls('launchctl')).toEqual([]);
    });

    it('the LaunchAgent runs Mail Doctor itself, daily, as the user, never logging in or reading the keychain, with a time limit', async () => {
      const agent = parsePlist(await readFile(script(`mdm/${LABEL}.plist`), 'utf8')) as Record<string, unknown>;
      expect(agent).toMatchObject({
        Label: LABEL,
        ProgramArguments: [`${APP_PATH}/Contents/MacOS/Mail Doctor`, '--cli', 'diagnose', '--save-report', '--no-login', '--no-keychain', '--time-limit', '300'],
        StartCalendarInterval: { Hour: 11, Minute: 30 },
        RunAtLoad: false,
        LimitLoadToSessionType: 'Aqua',
        ProcessType: 'Background',
        AssociatedBundleIdentifiers: ['com.maildoctor.app'],
      });
      // No shell, open or sudo between launchd and the app: its PID is Mail Doctor's, its exit status the app's.
      expect(agent).not.toHaveProperty('Program');
    });
  });

  describe('run-now (Jamf policy, Kandji remediation, Intune, Mosyle)', () => {
    it('starts the agent’s job as the user through launchd, waits for its report and prints the verdict', async () => {
      await useMac();
      await fake.writeFile(`${FAKE_STATE}/canned-report.json`, reportJson(['OK']));
      await cacheReport(alice, reportJson(['PORT_TIMEOUT']), 30);
      const result = await fake.run(bash(script('mdm/jamf-policy-run-diagnosis.sh'), '/', 'mac', 'jamfadmin', '20'));
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe('Mail Doctor verdict: OK\n');
      // The agent was not loaded, so it was installed first, then kickstarted in alice's GUI domain.
      expect(await fake.calls('launchctl')).toEqual([`bootout gui/501/${LABEL}`, `bootstrap gui/501 ${AGENT}`, `kickstart gui/501/${LABEL}`]);
      expect(await fake.calls('app')).toEqual(['uid=501 home=/Users/alice args=--cli diagnose --save-report --no-login --no-keychain --time-limit 300']);
      expect((await stat(fake.hostPath(`${alice.home}/${REPORT_IN_HOME}`))).uid).toBe(501);
    });

    it('the Intune and Mosyle samples run it and say where the JSON is; the Intune custom attribute only reads it', async () => {
      await useMac();
      await fake.writeFile(`${FAKE_STATE}/canned-report.json`, reportJson(['TLS_CERT_EXPIRED']));
      const intune = await fake.run(bash(script('mdm/intune-run-diagnosis.sh')));
      expect(intune.stdout).toBe(`Mail Doctor verdict: TLS_CERT_EXPIRED\nReport: /Users/alice/${REPORT_IN_HOME}\n`);
      expect((await fake.run(bash(script('mdm/mosyle-custom-command.sh')))).stdout).toBe('Mail Doctor verdict: TLS_CERT_EXPIRED\n');
      expect((await fake.run(bash(script('mdm/kandji-remediation.sh')))).stdout).toBe('Mail Doctor verdict: TLS_CERT_EXPIRED\n');
      expect(await fake.calls('app')).toHaveLength(3);
      expect((await fake.run(bash(script('mdm/intune-custom-attribute.sh')))).stdout).toBe('TLS_CERT_EXPIRED\n');
      expect(await fake.calls('app')).toHaveLength(3);
    });

    it('with nobody logged in starts nothing', async () => {
      await useMac({ console: 'loginwindow' });
      const result = await fake.run(`${bash(HELPER, 'run-now', '--wait', '5')}`);
      expect(result.stdout).toBe('NO_USER\n');
      expect(await fake.calls('launchctl')).toEqual([]);
      expect((await fake.run(bash(HELPER, 'run-now', '--wait', 'soon'))).code).toBe(2);
    });

    it('Kandji audit: compliant with a fresh report even when it shows a problem; not compliant when stale or not installed', async () => {
      await useMac();
      const audit = async (): Promise<{ code: number | null; stdout: string }> => fake.run(bash(script('mdm/kandji-audit.sh')));
      expect((await audit()).code).toBe(1);
      await fake.run(bash(HELPER, 'install-agent'));
      await cacheReport(alice, reportJson(['SMTP_AUTH_REJECTED']));
      expect(await audit()).toMatchObject({ code: 0, stdout: 'Mail Doctor verdict: SMTP_AUTH_REJECTED\n' });
      await cacheReport(alice, reportJson(['OK']), 80);
      expect(await audit()).toMatchObject({ code: 1, stdout: 'Mail Doctor verdict: STALE_REPORT\n' });
    });
  });

  describe('the pkg preinstall', () => {
    it('stops the scheduled run and quits a running Mail Doctor before the new version is copied', async () => {
      await useMac();
      await fake.run(bash(HELPER, 'install-agent'));
      const result = await fake.run(
        `${shellQuote(`${APP_PATH}/Contents/MacOS/Mail Doctor`)} --fake-run 60 & until [ -e ${FAKE_STATE}/app-ready ]; do sleep 0.05; done; pgrep -x 'Mail Doctor' > /dev/null && echo running; ${bash(script('pkg-scripts/preinstall'))}; wait; pgrep -x 'Mail Doctor' > /dev/null && echo still-running || echo quit`,
      );
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe('running\nMail Doctor preinstall: quitting the running Mail Doctor\nquit\n');
      expect((await fake.calls('launchctl')).at(-1)).toBe(`bootout gui/501/${LABEL}`);
    });

    // `wait` reaps the killed app before pgrep looks (launchd, its real parent, does that at once).
    it('kills one that ignores TERM after ten seconds, and never fails the install', async () => {
      await useMac();
      const result = await fake.run(
        `${shellQuote(`${APP_PATH}/Contents/MacOS/Mail Doctor`)} --fake-run 60 --ignore-term & until [ -e ${FAKE_STATE}/app-ready ]; do sleep 0.05; done; ${bash(script('pkg-scripts/preinstall'))}; echo "exit $?"; wait; pgrep -x 'Mail Doctor' > /dev/null && echo still-running || echo quit`,
        { timeoutMs: 40_000 },
      );
      expect(result.stdout).toContain('still running after 10s, stopping it');
      expect(result.stdout).toMatch(/exit 0\nquit\n$/);
    }, 45_000);

    it('with nothing running and nobody logged in does nothing and succeeds', async () => {
      await useMac({ console: null });
      const result = await fake.run(bash(script('pkg-scripts/preinstall')));
      expect(result).toMatchObject({ code: 0, stdout: '' });
    });
  });

  describe('uninstall.sh', () => {
    it('removes the app, the agent (stopped in each session), every user’s state and the receipt', async () => {
      await useMac();
      const bob = await fake.addUser('bob', 502);
      await fake.run(bash(HELPER, 'install-agent'));
      for (const user of [alice, bob]) {
        await cacheReport(user, reportJson(['OK']));
        await fake.writeFile(`${user.home}/Library/Logs/Mail Doctor/mail-doctor.log`, 'log\n', { uid: user.uid });
        await fake.writeFile(`${user.home}/Library/Preferences/com.maildoctor.app.plist`, '{}', { uid: user.uid });
      }
      await fake.writeFile(`${alice.home}/Library/Mail/V10/keep-me`, 'Mail’s own data is not ours\n', { uid: 501 });
      const result = await fake.run(
        `${shellQuote(`${APP_PATH}/Contents/MacOS/Mail Doctor`)} --fake-run 60 & until [ -e ${FAKE_STATE}/app-ready ]; do sleep 0.05; done; ${bash(script('mdm/uninstall.sh'))}; echo "exit $?"`,
      );
      expect(result.stdout, result.stderr).toMatch(/exit 0\n$/);
      for (const gone of [APP_PATH, AGENT, `${FAKE_STATE}/receipts/com.maildoctor.app`]) expect(await fake.exists(gone), gone).toBe(false);
      for (const user of [alice, bob]) {
        for (const folder of ['Library/Application Support/Mail Doctor', 'Library/Logs/Mail Doctor', 'Library/Preferences/com.maildoctor.app.plist']) {
          expect(await fake.exists(`${user.home}/${folder}`), `${user.name}: ${folder}`).toBe(false);
        }
      }
      expect(await fake.exists(`${alice.home}/Library/Mail/V10/keep-me`)).toBe(true);
      expect(await fake.calls('launchctl')).toContain(`bootout gui/501/${LABEL}`);
      expect(await fake.calls('pkgutil')).toEqual(['--forget com.maildoctor.app']);
      expect(result.stdout).toContain('quit the running Mail Doctor');
    });

    it('--keep-user-data keeps each user’s state; a non-root run or an unknown option changes nothing', async () => {
      await useMac();
      await cacheReport(alice, reportJson(['OK']));
      expect((await fake.run(`setpriv --reuid 501 --regid 501 --clear-groups ${bash(script('mdm/uninstall.sh'))}`)).code).toBe(2);
      expect((await fake.run(bash(script('mdm/uninstall.sh'), '--everything'))).code).toBe(2);
      expect(await fake.exists(APP_PATH)).toBe(true);
      const result = await fake.run(bash(script('mdm/uninstall.sh'), '--keep-user-data'));
      expect(result.code, result.stderr).toBe(0);
      expect(await fake.exists(APP_PATH)).toBe(false);
      expect(await fake.exists(`${alice.home}/${REPORT_IN_HOME}`)).toBe(true);
    });
  });
});
