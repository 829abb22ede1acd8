/**
 * `mail-doctor admin ...` end to end: the real CLI bundle as a child process, against the contract double on
 * the real rig. Every verb, its JSON, its exit codes, the budget across runs, and the journal: a CLI killed
 * between add_pop and delete_pop leaves a mailbox that the next start deletes first.
 * Every output of every run is checked for the tokens and passwords of this file, in every encoded form.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOURNAL_DIR_NAME } from '../../../electron/admin/deletionJournal';
import { logDirFor } from '../../../electron/appPaths';
import { runAdminCli } from '../../../electron/cli/adminCli';
import { SYSTEM_KEYCHAIN } from '../../../electron/keychain/keychainAccess';
import { createSecretScrubber } from '../../../electron/keychain/secretForms';
import { buildMacHome } from '../../fixtures/buildMacHome';
import { buildCli, CLI_BUNDLE, REPO_ROOT } from '../cli/support';
import { CPANEL_USER, DOMAIN, WHM_USER, imapLoginFrom, runAdminInProcess, useDoubleFixture } from './adminSupport';

let work: string;
const double = useDoubleFixture();
/** The passwords this file sets; the double's tokens are added by expectNoSecrets. */
const secrets: string[] = [];

beforeAll(async () => {
  await buildCli();
  work = await mkdtemp(join(tmpdir(), 'md-admin-cli-'));
}, 60_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const f = double.fixture;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** No output of any run may hold a token or a password of this file, in any form secretForms.ts knows. */
function expectNoSecrets(run: Run): void {
  const leak = createSecretScrubber([f().cpanelToken, f().whmToken, ...secrets]).firstLeak(`${run.stdout}\n${run.stderr}`);
  expect(leak, `a secret (#${leak?.index ?? 0}, ${leak?.encoding ?? ''}) appeared in the CLI's output`).toBeNull();
}

async function tokenFile(token: string): Promise<string> {
  const file = join(work, `token-${Math.random().toString(36).slice(2)}`);
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return file;
}

/** A fresh default state folder (XDG_STATE_HOME) for verbs without --state-dir. */
async function freshState(): Promise<string> {
  return mkdtemp(join(work, 'state-'));
}

function spawnCli(args: readonly string[], options: { stdin?: string; stateHome: string }) {
  return spawn(process.execPath, [CLI_BUNDLE, 'admin', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, XDG_STATE_HOME: options.stateHome },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function admin(args: readonly string[], options: { stdin?: string; stateHome: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const run = { code, stdout, stderr };
      expectNoSecrets(run);
      resolve(run);
    });
    child.stdin.end(options.stdin ?? '');
  });
}

const whmArgs = async (token = f().whmToken) => ['--whm-url', f().double.whmUrl, '--api-user', WHM_USER, '--token-file', await tokenFile(token), '--ca-file', double.info().caFile];
const cpanelArgs = async (token = f().cpanelToken) => ['--cpanel-url', f().double.cpanelUrl, '--api-user', CPANEL_USER, '--token-file', await tokenFile(token), '--ca-file', double.info().caFile];
const json = (run: Run): Record<string, unknown> => JSON.parse(run.stdout) as Record<string, unknown>;
const minutesFromNow = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();

describe('mail-doctor admin check-ip / unblock-ip', () => {
  it('not blocked: exit 0, JSON with every WHM call and the result', async () => {
    const run = await admin(['check-ip', ...(await whmArgs()), '--ip', '127.0.0.13', '--json'], { stateHome: await freshState() });
    expect(run.code).toBe(0);
    const output = json(run);
    expect(output).toMatchObject({ format: 'mail-doctor-admin', formatVersion: 1, verb: 'check-ip', exitCode: 0, problem: null, connection: { api: 'whm', user: WHM_USER } });
    expect(output['result']).toMatchObject({ ip: '127.0.0.13', blocked: false, cphulkEnabled: true, requesterIp: '127.0.0.1' });
    expect((output['calls'] as { function: string; httpStatus: number; apiStatus: number; errors: unknown[] }[]).map((call) => [call.function, call.httpStatus, call.apiStatus])).toEqual([
      ['cphulk_status', 200, 1],
      ['read_cphulk_records', 200, 1],
      ['read_cphulk_records', 200, 1],
      ['get_cphulk_brutes', 200, 1],
      ['get_cphulk_excessive_brutes', 200, 1],
      ['get_cphulk_failed_logins', 200, 1],
    ]);
  });

  it('blocked: exit 1 with the evidence; unblock-ip needs --yes, then lifts the block for real', async () => {
    const ip = '127.0.0.13';
    const state = await freshState();
    await f().double.cphulk.addBrute({ ip, logintime: minutesFromNow(-3), exptime: minutesFromNow(12), notes: 'too many failures' });
    f().double.cphulk.addFailedLogin({ ip, user: double.info().users.alice.address, service: 'imap', logintime: minutesFromNow(-4) });
    expect((await imapLoginFrom(double.info(), double.info().users.alice.address, double.info().users.alice.password, ip)).ok).toBe(false);

    const checked = await admin(['check-ip', ...(await whmArgs()), '--ip', ip, '--email', double.info().users.alice.address], { stateHome: state });
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain('This address is blocked');
    expect(checked.stdout).toContain(double.info().users.alice.address);
    expect(checked.stdout).toContain(`unblock-ip --whm-url ${f().double.whmUrl}`);

    const unconfirmed = await admin(['unblock-ip', ...(await whmArgs()), '--ip', ip], { stateHome: state });
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('--yes');

    const unblocked = await admin(['unblock-ip', ...(await whmArgs()), '--ip', ip, '--yes', '--json'], { stateHome: state });
    expect(unblocked.code).toBe(0);
    expect(json(unblocked)['result']).toMatchObject({ recordsRemoved: 2, after: { blocked: false } });
    expect((json(unblocked)['calls'] as { function: string }[])[0]?.function).toBe('flush_cphulk_login_history_for_ips');
    expect((await imapLoginFrom(double.info(), double.info().users.alice.address, double.info().users.alice.password, ip)).ok).toBe(true);
  });

  it("leaves its lines in the user's log: which action ran and how it ended, never the address, mailbox or token", async () => {
    const ip = '127.0.0.14';
    await f().double.cphulk.addBrute({ ip, logintime: minutesFromNow(-3), exptime: minutesFromNow(12), notes: 'too many failures' });
    // In this process, as the packaged app runs it, with a home of its own (the log goes under the user's home).
    const userHome = await mkdtemp(join(work, 'user-home-'));
    const run = (args: readonly string[]) => runAdminInProcess(args, { userHome });
    expect((await run(['check-ip', ...(await whmArgs()), '--ip', ip, '--email', double.info().users.alice.address])).code).toBe(1);
    expect((await run(['unblock-ip', ...(await whmArgs()), '--ip', ip, '--yes', '--json'])).code).toBe(0);
    // A WHM that cannot be reached (a closed loopback port): nothing is remembered about the token for that.
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = ['--whm-url', `https://127.0.0.1:${String(closedPort)}`, ...(await whmArgs()).slice(2)];
    expect((await run(['check-ip', ...unreachable, '--ip', ip])).code).toBe(2);
    const log = await readFile(join(logDirFor(userHome), 'mail-doctor.log'), 'utf8');
    expect(log.trim().split('\n').map((line) => line.replace(/^\S+ /, ''))).toEqual([
      '[cli] admin check-ip: started',
      expect.stringMatching(/^\[cli\] admin check-ip: a problem found, \d+ API calls, exit 1, \d+ ms$/),
      '[cli] admin unblock-ip --json: started',
      expect.stringMatching(/^\[cli\] admin unblock-ip --json: done, \d+ API calls, exit 0, \d+ ms$/),
      '[cli] admin check-ip: started',
      expect.stringMatching(/^\[cli\] admin check-ip: could not be done \(unreachable\), \d+ API calls, exit 2, \d+ ms$/),
    ]);
    for (const value of [ip, double.info().users.alice.address, f().whmToken, f().double.whmUrl, String(closedPort)]) expect(log).not.toContain(value);
  });

  it('a cPanel token on WHM: exit 2, the words say why and what to ask the host; the next run sends nothing', async () => {
    const state = await freshState();
    const before = f().double.requests.length;
    const refused = await admin(['check-ip', ...(await whmArgs(f().cpanelToken)), '--ip', '203.0.113.7'], { stateHome: state });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('WHM refused the token');
    expect(refused.stdout).toContain('csf -g 203.0.113.7');
    expect(refused.stdout).toContain('never from mail');
    const again = await admin(['check-ip', ...(await whmArgs(f().cpanelToken)), '--ip', '203.0.113.7', '--json'], { stateHome: state });
    expect(again.code).toBe(2);
    expect(json(again)['problem']).toMatchObject({ kind: 'not-retried', reason: 'refused-before' });
    expect(f().double.requests.length - before).toBe(1);
  });
});

describe('mail-doctor admin reset-password / client-settings', () => {
  it('changes a real mailbox password and says to enter it for BOTH servers', async () => {
    const address = `md-reset-${Math.random().toString(16).slice(2, 8)}@${DOMAIN}`;
    const oldPassword = 'Old-Pa55word-for-reset';
    const newPassword = `New-${Math.random().toString(36).slice(2)}-Pa55!`;
    secrets.push(oldPassword, newPassword);
    await f().double.store.addMailbox(address, oldPassword);
    try {
      const run = await admin(['reset-password', ...(await cpanelArgs()), '--email', address, '--password-stdin', '--yes'], { stdin: `${newPassword}\n`, stateHome: await freshState() });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`The password of ${address} was changed`);
      expect(run.stdout).toMatch(/Incoming Mail Server/);
      expect(run.stdout).toMatch(/Outgoing Mail Server, type the same new password/);
      expect(run.stderr).toMatch(/strength: (strong|very strong)/);
      expect((await imapLoginFrom(double.info(), address, newPassword, '127.0.0.1')).ok).toBe(true);
      expect((await imapLoginFrom(double.info(), address, oldPassword, '127.0.0.1')).ok).toBe(false);
    } finally {
      await f().double.store.deleteMailbox(address);
    }
  });

  it('refuses a weak password before calling anything; --password-stdin and --yes are required', async () => {
    const before = f().double.requests.length;
    const weak = await admin(['reset-password', ...(await cpanelArgs()), '--email', double.info().users.alice.address, '--password-stdin', '--yes'], { stdin: 'password123\n', stateHome: await freshState() });
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/weak|too short/);
    expect(f().double.requests.length).toBe(before);
    for (const missing of ['--password-stdin', '--yes']) {
      const args = ['reset-password', ...(await cpanelArgs()), '--email', double.info().users.alice.address, '--password-stdin', '--yes'].filter((arg) => arg !== missing);
      expect((await admin(args, { stdin: 'Strong-enough-Pa55word\n', stateHome: await freshState() })).code).toBe(2);
    }
  });

  it('client-settings prints what the host publishes', async () => {
    const run = await admin(['client-settings', ...(await cpanelArgs()), '--email', double.info().users.alice.address, '--json'], { stateHome: await freshState() });
    expect(run.code).toBe(0);
    expect(json(run)['result']).toMatchObject({ incoming: { protocol: 'imap', host: double.info().goodName, port: double.info().imap.implicit }, outgoing: { port: double.info().smtp.implicit } });
  });
});

describe('mail-doctor admin test-mailbox', () => {
  it('runs every step with its timing and leaves nothing behind', async () => {
    const stateDir = await freshState();
    const run = await admin(['test-mailbox', ...(await cpanelArgs()), '--domain', DOMAIN, '--yes', '--imap-host', '127.0.0.1', '--smtp-host', '127.0.0.1', '--state-dir', stateDir, '--json'], { stateHome: await freshState() });
    expect(run.code).toBe(0);
    const output = json(run);
    const result = output['result'] as { mailbox: string; conclusion: string; journal: string; steps: { id: string; status: string; durationMs: number }[] };
    expect(result).toMatchObject({ conclusion: 'server-fine', journal: 'cleared' });
    expect(result.steps.map((step) => `${step.id}:${step.status}`)).toEqual([
      'journal-pending:passed',
      'add-mailbox:passed',
      'client-settings:passed',
      'imap-login:passed',
      'smtp-login:passed',
      'send-to-itself:passed',
      'read-back:passed',
      'delete-mailbox:passed',
      'journal-cleared:passed',
    ]);
    expect(result.steps.every((step) => Number.isInteger(step.durationMs) && step.durationMs >= 0)).toBe(true);
    expect((output['calls'] as { function: string }[]).map((call) => call.function)).toEqual(['Email::add_pop', 'Email::get_client_settings', 'Email::delete_pop']);
    expect(f().double.store.hasMailbox(result.mailbox)).toBe(false);
    expect(await readdir(join(stateDir, JOURNAL_DIR_NAME))).toEqual([]);
  });

  it('killed between add_pop and delete_pop: the mailbox stays journalled, and the next start deletes it first', async () => {
    const stateHome = await freshState();
    // The run stops right after add_pop (get_client_settings never answers), and is killed there.
    f().double.fault('Email::get_client_settings', { kind: 'hang' }, 1);
    const added = f().double.answered('Email::add_pop');
    const stuck = f().double.requested('Email::get_client_settings');
    const child = spawnCli(['test-mailbox', ...(await cpanelArgs()), '--domain', DOMAIN, '--yes', '--imap-host', '127.0.0.1', '--smtp-host', '127.0.0.1'], { stateHome });
    child.stdin.end();
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await added;
    await stuck;
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const journalDir = join(stateHome, 'mail-doctor', JOURNAL_DIR_NAME);
    const entries = await readdir(journalDir);
    expect(entries).toHaveLength(1);
    const lingering = f().double.store.mailboxes(DOMAIN).filter((address) => address.startsWith('md-test-'));
    expect(lingering).toHaveLength(1);
    const [mailbox = ''] = lingering;

    // The next start, with another verb: it deletes the journalled mailbox before doing its own work.
    const next = await admin(['client-settings', ...(await cpanelArgs()), '--email', double.info().users.alice.address, '--json'], { stateHome });
    expect(next.code).toBe(0);
    const output = json(next);
    expect(output['retriedDeletions']).toEqual([expect.objectContaining({ mailbox, journal: 'cleared' }) as unknown]);
    expect((output['calls'] as { function: string }[]).map((call) => call.function)).toEqual(['Email::delete_pop', 'Email::get_client_settings']);
    expect(f().double.store.hasMailbox(mailbox)).toBe(false);
    expect(await readdir(journalDir)).toEqual([]);
  });
});

describe('bad input never reaches the server', () => {
  it.each([
    [['check-ip', '--whm-url', 'http://127.0.0.1:2087', '--api-user', 'root', '--token-file', '/nonexistent'], /https/],
    [['check-ip', '--whm-url', 'https://127.0.0.1:2083', '--api-user', 'root'], /cPanel's/],
    [['check-ip', '--whm-url', 'https://127.0.0.1:2087', '--api-user', 'root', '--token', 'ABC'], /Unknown option '--token'/],
    [['check-ip', '--cpanel-url', 'https://127.0.0.1:2083', '--api-user', 'u'], /--cpanel-url does not go with check-ip|whm-url/],
    [['test-mailbox', '--cpanel-url', 'https://127.0.0.1:2083', '--api-user', 'u', '--domain', 'example.test'], /--yes/],
    [['unblock-ip', '--whm-url', 'https://127.0.0.1:2087', '--api-user', 'root', '--ip', 'not-an-ip', '--yes'], /--ip/],
    [['frobnicate'], /unknown admin command/],
  ])('%j', async (args, message) => {
    const run = await admin(args, { stateHome: await freshState() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('a token file that is missing, a folder, empty or not a token', async () => {
    const folder = await mkdtemp(join(work, 'folder-'));
    const empty = join(work, 'empty-token');
    await writeFile(empty, '\n');
    const spaced = join(work, 'spaced-token');
    await writeFile(spaced, 'not a token at all\n');
    await chmod(spaced, 0o600);
    for (const [file, message] of [[join(work, 'missing'), /there is no file/], [folder, /not a regular file/], [empty, /empty/], [spaced, /not a token/]] as const) {
      const run = await admin(['client-settings', '--cpanel-url', f().double.cpanelUrl, '--api-user', CPANEL_USER, '--token-file', file, '--email', double.info().users.alice.address], { stateHome: await freshState() });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });
});

describe('managed preference AdminToolsEnabled', () => {
  it('false turns the admin commands off', async () => {
    const home = await buildMacHome({ accountsDatabase: false, managedPreferences: { device: { AdminToolsEnabled: false } } });
    try {
      let stderr = '';
      const io = {
        stdout: new Writable({ write: (_chunk, _encoding, done) => done() }),
        stderr: new Writable({ write: (chunk: Buffer, _encoding, done) => { stderr += chunk.toString(); done(); } }),
        stdin: Readable.from([]),
        appVersion: 'test',
      };
      // The user's own home, where the log goes (the Mac home above holds only the managed preferences).
      const userHome = await mkdtemp(join(work, 'user-home-'));
      const code = await runAdminCli(['client-settings', ...(await cpanelArgs()), '--email', double.info().users.alice.address], io, {
        keychain: SYSTEM_KEYCHAIN,
        userHome,
        tuning: { managedPreferencesDirs: home.managedPreferencesDirs },
      });
      expect(code).toBe(2);
      expect(stderr).toMatch(/turned the hosting-account tools off/);
      expect(await readFile(join(logDirFor(userHome), 'mail-doctor.log'), 'utf8')).toMatch(
        /\[cli\] admin client-settings: not run, turned off by IT \(managed preference AdminToolsEnabled\), exit 2\n$/,
      );
    } finally {
      await home.cleanup();
    }
  });
});
