/**
 * IT's managed preferences on a real CLI run (runCli in this process, with fixture managed-preference
 * folders — a seam only code can use — against the loopback mail servers): forced NoLogin and
 * MaskIdentities, the webmail URL probed instead of guesses, the host name only when asked for, invalid
 * values listed in the report, a scheduled run turned off, and the exit code of a missing Full Disk Access.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { CACHED_REPORT_FILE_NAME } from '../../../electron/appPaths';
import { EXIT_FULL_DISK_ACCESS_NEEDED, exitCodeFor, runCli } from '../../../electron/cli/runCli';
import { SYSTEM_KEYCHAIN } from '../../../electron/keychain/keychainAccess';
import { buildMacHome } from '../../fixtures/buildMacHome';
import type { MacHome } from '../../fixtures/buildMacHome';
import { reportSchemaErrors } from '../../schemas/validateReport';
import { useMailServers } from '../../servers/useMailServers';
import type { MailServersInfo } from '../../servers/types';
import { runWithVerdicts } from './runs';

const undo: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (undo.length > 0) await undo.pop()?.();
});

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function temp(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  undo.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function home(managed: Record<string, unknown>): Promise<MacHome> {
  const fixture = await buildMacHome({ managedPreferences: { device: managed as never } });
  undo.push(() => fixture.cleanup());
  return fixture;
}

/** The manual account of the test servers, with loopback-only lookups (no real host is ever contacted). */
function manualArgs(info: MailServersInfo, stateDir: string): string[] {
  return [
    'diagnose', '--json', '--manual', '--email', info.users.alice.address,
    '--incoming', `imap://${info.goodName}:${String(info.imap.implicit)}?tls=implicit`,
    '--outgoing', `smtp://${info.goodName}:${String(info.smtp.starttls)}?tls=starttls`,
    '--password-stdin',
    '--dns-server', `127.0.0.1:${String(info.dns.port)}`, '--ca-file', info.caFile,
    '--captive-url', 'http://127.0.0.1:9/hotspot-detect.html', '--no-public-ip-lookup',
    '--state-dir', stateDir, '--timeout', '2',
  ];
}

async function run(argv: readonly string[], managedDirs: readonly string[], userHome: string, stdin = ''): Promise<Ran> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const code = await runCli(argv, { stdout, stderr, stdin: Readable.from([Buffer.from(stdin)]), appVersion: '0.0.0-test' }, {
    keychain: SYSTEM_KEYCHAIN,
    userHome,
    tuning: { managedPreferencesDirs: managedDirs },
  });
  return { code, stdout: out, stderr: err };
}

describe('managed preferences on a CLI run', () => {
  it('NoLogin and MaskIdentities are forced, WebmailURL is what is checked, invalid values are listed', async () => {
    const info = useMailServers();
    const fixture = await home({ NoLogin: true, MaskIdentities: true, WebmailURL: 'https://127.0.0.1:9/webmail', SupportURL: 'http://not-https.example' });
    const stateDir = await temp('md-managed-state-');
    const ran = await run(manualArgs(info, stateDir), fixture.managedPreferencesDirs, fixture.home, `${info.users.alice.password}\n`);
    const report = JSON.parse(ran.stdout) as {
      run: { noLogin: boolean };
      identitiesMasked: boolean;
      accounts: { emailAddress: string; servers: { incoming: { login: { kind: string; reason?: string } } }; webmail: { url: string }[] }[];
      managedPreferenceProblems: { key?: string }[];
      mac: Record<string, unknown>;
    };
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.run.noLogin).toBe(true);
    expect(report.accounts[0]?.servers.incoming.login).toMatchObject({ kind: 'skipped', reason: 'no-login-mode' });
    expect(report.identitiesMasked).toBe(true);
    expect(ran.stdout).not.toContain(info.users.alice.address);
    expect(report.accounts[0]?.webmail.map((outcome) => outcome.url)).toEqual(['https://127.0.0.1:9/webmail']);
    expect(report.managedPreferenceProblems.map((problem) => problem.key)).toEqual(['SupportURL']);
    expect(report.mac).not.toHaveProperty('hostName');
  });

  it('ReportIncludesHostName adds the host name; the off switches leave the captive check and the webmail out', async () => {
    const info = useMailServers();
    const fixture = await home({ ReportIncludesHostName: true, CaptivePortalCheckEnabled: false, WebmailCheckEnabled: false });
    const stateDir = await temp('md-managed-state-');
    const ran = await run(manualArgs(info, stateDir), fixture.managedPreferencesDirs, fixture.home, `${info.users.alice.password}\n`);
    const report = JSON.parse(ran.stdout) as { mac: { hostName?: string }; internet: { kind: string; reason?: string }; accounts: { webmail: unknown[] }[] };
    expect(report.mac.hostName).toMatch(/\S/);
    expect(report.internet).toEqual({ kind: 'skipped', reason: 'turned off by IT (managed preference CaptivePortalCheckEnabled)' });
    expect(report.accounts[0]?.webmail).toEqual([]);
  });

  it('ScheduledDiagnosisEnabled false: a --save-report run ends at once, exit 0, writes no report', async () => {
    const fixture = await home({ ScheduledDiagnosisEnabled: false });
    const stateDir = await temp('md-managed-state-');
    const ran = await run(['diagnose', '--save-report', '--no-login', '--no-keychain', '--home', fixture.home, '--state-dir', stateDir], fixture.managedPreferencesDirs, fixture.home);
    expect(ran).toMatchObject({ code: 0, stdout: '' });
    expect(ran.stderr).toContain('turned off by IT');
    await expect(readFile(join(stateDir, CACHED_REPORT_FILE_NAME))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(join(stateDir, 'logs', 'mail-doctor.log'), 'utf8')).toMatch(/not run, the scheduled diagnosis is turned off/);
  });

  it('--save-report does not go with --manual, and --time-limit takes whole seconds from 10 to 3600', async () => {
    const fixture = await home({});
    for (const argv of [
      ['diagnose', '--save-report', '--manual', '--email', 'a@example.test', '--incoming', 'imap://h:993?tls=implicit', '--outgoing', 'smtp://h:587?tls=starttls'],
      ['diagnose', '--time-limit', '9'],
      ['diagnose', '--time-limit', '2.5'],
      ['diagnose', '--time-limit', '3601'],
    ]) {
      const ran = await run(argv, fixture.managedPreferencesDirs, fixture.home);
      expect(ran.code, argv.join(' ')).toBe(2);
    }
  });
});

describe('exit codes', () => {
  it('Full Disk Access missing has its own exit code, 3; no account is 2; a problem 1; OK 0', () => {
    expect(exitCodeFor(runWithVerdicts(['OK']))).toBe(0);
    expect(exitCodeFor(runWithVerdicts(['OK', 'PASSWORDS_DIFFER']))).toBe(1);
    expect(exitCodeFor(runWithVerdicts([], []))).toBe(2);
    expect(exitCodeFor(runWithVerdicts([], [{ kind: 'full-disk-access-needed', path: '/Users/a/Library/Accounts' }]))).toBe(EXIT_FULL_DISK_ACCESS_NEEDED);
    expect(EXIT_FULL_DISK_ACCESS_NEEDED).toBe(3);
  });
});
