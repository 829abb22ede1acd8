/**
 * The packaged app's entry point (electron/main.ts) with a mocked `electron`:
 * - `Mail Doctor --cli ...` runs the CLI headless and exits with its code, without the single-instance
 *   lock or a window;
 * - it cannot be borrowed: MAIL_DOCTOR_SECURITY_TOOL is ignored (only /usr/bin/security runs), $HOME and
 *   resolver variables do not steer it, and the options that would choose where Mail's passwords go are
 *   refused while the keychain is read.
 */
import type * as ChildProcess from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import type * as Os from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildMacHome } from '../../fixtures/buildMacHome';

const app = {
  dock: { hide: vi.fn() },
  getVersion: vi.fn(() => '9.9.9'),
  exit: vi.fn(),
  requestSingleInstanceLock: vi.fn(() => true),
  whenReady: vi.fn(() => new Promise<void>(() => undefined)),
  on: vi.fn(),
  quit: vi.fn(),
};
const BrowserWindow = vi.fn();
const protocol = { registerSchemesAsPrivileged: vi.fn() };

vi.mock('electron', () => ({ app, BrowserWindow, protocol, clipboard: {}, session: {}, shell: {}, ipcMain: { handle: vi.fn() } }));

/** What the packaged app believes is the user's home (the user database's answer, mocked). */
const fakes = vi.hoisted(() => ({
  userHome: '/nonexistent-home',
  programs: [] as { file: string; args: readonly string[] }[],
  /** Only while the app runs: fixture builders run their programs for real. */
  intercept: false,
  diagnosisInputs: [] as unknown[],
}));

vi.mock('node:os', async (importOriginal) => {
  const original = await importOriginal<typeof Os>();
  const userInfo = (): ReturnType<typeof original.userInfo> => ({ ...original.userInfo(), homedir: fakes.userHome });
  return { ...original, userInfo, default: { ...original, userInfo } };
});

// Every program the app starts is recorded and fails to start (nothing real runs, nothing leaves the machine).
vi.mock('node:child_process', async (importOriginal) => {
  const original = await importOriginal<typeof ChildProcess>();
  const execFile = (file: string, args: readonly string[], ...rest: unknown[]): unknown => {
    if (!fakes.intercept) return (original.execFile as (...all: unknown[]) => unknown)(file, args, ...rest);
    fakes.programs.push({ file, args });
    const callback = rest.find((arg): arg is (error: Error, stdout: Buffer) => void => typeof arg === 'function');
    callback?.(Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' }), Buffer.alloc(0));
    return undefined;
  };
  return { ...original, execFile, default: { ...original, execFile } };
});

vi.mock('keytar', () => ({
  getPassword: () => Promise.resolve(null),
  setPassword: () => Promise.resolve(),
  deletePassword: () => Promise.resolve(false),
}));

// The live checks are not what these tests are about, and they would reach the network: the run ends with a
// canned result once the passwords were looked up.
vi.mock('../../../electron/diagnosis/runDiagnosis', async (importOriginal) => {
  const original: object = await importOriginal();
  const { realisticRun } = await import('../report/realisticRun');
  return {
    ...original,
    runDiagnosis: (input: unknown) => {
      fakes.diagnosisInputs.push(input);
      return Promise.resolve(realisticRun());
    },
  };
});

const originalArgv = process.argv;
const originalEnv = { ...process.env };
afterEach(() => {
  process.argv = originalArgv;
  process.env = { ...originalEnv };
  fakes.programs.length = 0;
  fakes.diagnosisInputs.length = 0;
  fakes.userHome = '/nonexistent-home';
  vi.resetModules();
  vi.clearAllMocks();
});

async function launch(argv: string[]): Promise<{ stdout: string; stderr: string }> {
  process.argv = ['/Applications/Mail Doctor.app/Contents/MacOS/Mail Doctor', ...argv];
  let stdout = '';
  let stderr = '';
  // A write's callback runs once the text is handed on, as a real stream's does: main.ts exits only then.
  const flushed = (...rest: unknown[]): true => {
    rest.find((arg): arg is () => void => typeof arg === 'function')?.();
    return true;
  };
  const writeOut = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stdout += String(chunk);
    return flushed(...rest);
  });
  const writeErr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stderr += String(chunk);
    return flushed(...rest);
  });
  fakes.intercept = true;
  try {
    await import('../../../electron/main');
    await vi.waitFor(
      () => {
        expect(app.exit).toHaveBeenCalled();
      },
      { timeout: 20_000 },
    );
  } finally {
    fakes.intercept = false;
    writeOut.mockRestore();
    writeErr.mockRestore();
  }
  return { stdout, stderr };
}

/** Runs `fn` as if on a Mac (the keychain readers only act there). */
async function onMacOS<T>(fn: () => Promise<T>): Promise<T> {
  const platform = Object.getOwnPropertyDescriptor(process, 'platform');
  Object.defineProperty(process, 'platform', { value: 'darwin', configurable: true });
  try {
    return await fn();
  } finally {
    if (platform !== undefined) Object.defineProperty(process, 'platform', platform);
  }
}

describe('electron/main.ts --cli', () => {
  it('runs the CLI headless and exits with its code', async () => {
    const { stdout } = await launch(['--cli', '--version']);
    expect(stdout).toBe('9.9.9\n');
    expect(app.exit).toHaveBeenCalledWith(0);
    expect(app.dock.hide).toHaveBeenCalled();
    expect(app.requestSingleInstanceLock).not.toHaveBeenCalled();
    expect(app.whenReady).not.toHaveBeenCalled();
    expect(BrowserWindow).not.toHaveBeenCalled();
  });

  it('passes the CLI exit code through (2 for a usage error)', async () => {
    await launch(['--cli', 'diagnose', '--timeout', 'soon']);
    expect(app.exit).toHaveBeenCalledWith(2);
  });

  it('runs only /usr/bin/security, whatever MAIL_DOCTOR_SECURITY_TOOL says', async () => {
    const home = await buildMacHome({
      securityItems: [{ server: 'mail.example.com', account: 'alice@example.com', protocol: 'imap', result: { kind: 'found', password: 'From-The-Stand-In' } }],
    });
    try {
      fakes.userHome = home.home;
      process.env.MAIL_DOCTOR_SECURITY_TOOL = home.security.toolPath;
      const { stdout } = await onMacOS(() => launch(['--cli', 'diagnose', '--json', '--no-login']));
      const keychainReads = fakes.programs.filter((program) => program.args[0] === 'find-internet-password');
      expect(keychainReads.length).toBeGreaterThan(0);
      expect(new Set(keychainReads.map((program) => program.file))).toEqual(new Set(['/usr/bin/security']));
      // The stand-in was never started, and nothing it holds reached the output.
      expect(existsSync(home.security.callLogPath) ? readFileSync(home.security.callLogPath, 'utf8') : '').toBe('');
      expect(stdout).not.toContain('From-The-Stand-In');
      // The run read the user's own Mail accounts (the user database's home), with the system keychain.
      expect(fakes.diagnosisInputs).toHaveLength(1);
    } finally {
      await home.cleanup();
    }
  });

  it.each([
    ['--home', '/tmp/borrowed-home'],
    ['--dns-server', '127.0.0.1:5353'],
    ['--ca-file', '/tmp/attacker-ca.pem'],
    ['--state-dir', '/tmp/fresh-budget'],
  ])('refuses %s while reading the keychain: exit 2 with the reason, nothing read', async (option, value) => {
    const { stdout, stderr } = await onMacOS(() => launch(['--cli', 'diagnose', '--json', option, value]));
    expect(app.exit).toHaveBeenCalledWith(2);
    expect(stderr).toContain(`${option} would let this command choose where Mail's saved passwords go`);
    expect(stdout).toBe('');
    expect(fakes.programs).toEqual([]);
    expect(fakes.diagnosisInputs).toEqual([]);
  });

  it('settles its environment first: the home folder from the user database, resolver and trust variables gone', async () => {
    fakes.userHome = '/Users/the-real-user';
    process.env.HOME = '/tmp/a-home-of-someone-elses-making';
    process.env.LOCALDOMAIN = 'attacker.example';
    process.env.RES_OPTIONS = 'ndots:9';
    process.env.CFFIXED_USER_HOME = '/tmp/elsewhere';
    await launch(['--cli', '--version']);
    expect(process.env.HOME).toBe('/Users/the-real-user');
    expect(process.env.LOCALDOMAIN).toBeUndefined();
    expect(process.env.RES_OPTIONS).toBeUndefined();
    expect(process.env.CFFIXED_USER_HOME).toBeUndefined();
  });
});

describe('electron/main.ts without --cli', () => {
  it('declares the app:// scheme before ready and starts the app normally', async () => {
    process.argv = ['/Applications/Mail Doctor.app/Contents/MacOS/Mail Doctor'];
    await import('../../../electron/main');
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([expect.objectContaining({ scheme: 'app' })]);
    expect(app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(app.whenReady).toHaveBeenCalled();
    expect(app.exit).not.toHaveBeenCalled();
  });
});

describe('the packaged --cli through a real pipe (issue 15, item 4)', () => {
  const asNobody = process.getuid?.() === 0 ? 65534 : undefined;

  it('delivers the whole JSON of a large report to a reader that is slow to read, then exits with the CLI code', async () => {
    const { buildPackagedMain, refusingAccounts, runPackagedMain } = await import('../fleet/packagedMain');
    const { reportSchemaErrors } = await import('../../schemas/validateReport');
    // Thirty accounts whose servers refuse at once (127.0.0.1:9): a report many times the 64 KiB a pipe holds.
    const accounts = refusingAccounts(30);
    const home = await buildMacHome({ accountsDatabase: { accounts } });
    const main = await buildPackagedMain();
    const { execFileSync } = await vi.importActual<typeof ChildProcess>('node:child_process');
    const stateDir = await mkdtemp('/tmp/md-pipe-state-');
    try {
      // As an ordinary user when the tests run as root: nothing of root's (its home, its ledger) is touched.
      if (asNobody !== undefined) {
        execFileSync('chmod', ['-R', 'a+rX', home.root]);
        await chown(stateDir, asNobody, asNobody);
      }
      const args = ['--cli', 'diagnose', '--json', '--no-keychain', '--no-login', '--home', home.home, '--state-dir', stateDir];
      const run = await runPackagedMain(main, [...args, '--no-public-ip-lookup', '--captive-url', 'http://127.0.0.1:9/', '--timeout', '1'], {
        readDelayMs: 1_000,
        ...(asNobody === undefined ? {} : { uid: asNobody }),
      });
      expect(run.stdout.length).toBeGreaterThan(4 * 64 * 1024);
      const report = JSON.parse(run.stdout) as { accounts: { verdict: { code: string } }[]; summary: { code: string } };
      expect(report.accounts).toHaveLength(30);
      expect(reportSchemaErrors(report)).toEqual([]);
      expect(run.stdout.endsWith('}\n')).toBe(true);
      // Problems were found (the ports refuse): the exit code is the CLI's, not a crash's or a signal's.
      expect(report.summary.code).not.toBe('OK');
      expect(run).toMatchObject({ code: 1, signal: null });
    } finally {
      await Promise.all([home.cleanup(), main.cleanup(), rm(stateDir, { recursive: true, force: true })]);
    }
  }, 120_000);
});
