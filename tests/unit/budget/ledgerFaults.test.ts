// An unusable ledger is its own outcome, never "you tried too often": every fault is produced for real on a real
// file system (a folder or a link where a file should be, a lock a live process holds, a read-only mount, a folder
// another user may not write, a full disk) and must give reason 'ledger-unavailable' with the path and the problem.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LEDGER_FILE_NAME, LOCK_FILE_NAME, LoginBudget, type BudgetDecision, type LoginKey } from '../../../electron/diagnosis/loginBudget';

const execFileAsync = promisify(execFile);
const NOBODY = 65534;
const CHILD = path.join(import.meta.dirname, 'ledgerChild.ts');
const key: LoginKey = { host: 'mail.example.test', address: '127.0.0.1', port: 993, protocol: 'imap' };
const isRoot = process.getuid?.() === 0;
const haveUnshare = spawnSync('sh', ['-c', 'command -v unshare && command -v mount']).status === 0;

let base: string;
let stateDir: string;
beforeEach(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'md-ledger-fault-'));
  stateDir = path.join(base, 'state');
  await mkdir(stateDir);
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Waiting for the lock is how a fault used to look; a minute here would time the test out instead. */
async function openBudget(): Promise<LoginBudget> {
  return LoginBudget.open(stateDir, { lockWaitMs: 60_000 });
}

describe('ledger faults in this process', () => {
  it('the ledger path is a folder: not-a-file (EISDIR), and the login is allowed again once it is gone', async () => {
    const ledger = path.join(stateDir, LEDGER_FILE_NAME);
    await mkdir(ledger);
    const budget = await openBudget();
    const expected = { allowed: false, reason: 'ledger-unavailable', ledger: { path: ledger, problem: 'not-a-file', errorCode: 'EISDIR' } };
    expect(await budget.check(key)).toMatchObject(expected);
    expect(await budget.reserve(key)).toMatchObject(expected);
    await rm(ledger, { recursive: true });
    expect(await (await openBudget()).reserve(key)).toEqual({ allowed: true });
  });

  it('a dangling link where the lock should be: not-a-file (ELOOP), never followed, never removed', async () => {
    const lock = path.join(stateDir, LOCK_FILE_NAME);
    const target = path.join(base, 'elsewhere.lock');
    await symlink(target, lock);
    const decision = await (await openBudget()).reserve(key);
    expect(decision).toMatchObject({ allowed: false, reason: 'ledger-unavailable', ledger: { path: lock, problem: 'not-a-file', errorCode: 'ELOOP' } });
    expect((await readdir(stateDir)).sort()).toEqual([LOCK_FILE_NAME]);
    expect(await readdir(base)).not.toContain('elsewhere.lock');
  });

  it('a folder where the lock should be: not-a-file (EISDIR)', async () => {
    const lock = path.join(stateDir, LOCK_FILE_NAME);
    await mkdir(lock);
    expect(await (await openBudget()).reserve(key)).toMatchObject({
      allowed: false,
      reason: 'ledger-unavailable',
      ledger: { path: lock, problem: 'not-a-file', errorCode: 'EISDIR' },
    });
  });

  it('a link where the ledger should be is not followed: not-a-file (ELOOP)', async () => {
    const ledger = path.join(stateDir, LEDGER_FILE_NAME);
    await writeFile(path.join(base, 'real.json'), JSON.stringify({ version: 1, entries: [] }));
    await symlink(path.join(base, 'real.json'), ledger);
    expect(await (await openBudget()).reserve(key)).toMatchObject({
      allowed: false,
      reason: 'ledger-unavailable',
      ledger: { path: ledger, problem: 'not-a-file', errorCode: 'ELOOP' },
    });
  });

  it('the state folder is a file: not-a-file, for every login of the run', async () => {
    const notAFolder = path.join(base, 'state-file');
    await writeFile(notAFolder, 'not a folder');
    const budget = await LoginBudget.open(notAFolder);
    const decision = await budget.reserve(key);
    expect(decision).toMatchObject({ allowed: false, reason: 'ledger-unavailable', ledger: { path: notAFolder, problem: 'not-a-file' } });
    expect(['EEXIST', 'ENOTDIR']).toContain(decision.allowed ? '' : decision.ledger?.errorCode);
    expect(await budget.reserve({ ...key, protocol: 'smtp', port: 465 })).toMatchObject({ reason: 'ledger-unavailable' });
  });

  describe('a lock a live process never releases', () => {
    let holder: ChildProcess | undefined;
    afterEach(() => {
      if (holder?.pid !== undefined && holder.exitCode === null) process.kill(holder.pid);
      holder = undefined;
    });

    it('is lock-unavailable after the wait, not "exhausted"', async () => {
      holder = spawn('sleep', ['120'], { stdio: 'ignore' });
      const pid = holder.pid;
      if (pid === undefined) throw new Error('sleep did not start');
      const lock = path.join(stateDir, LOCK_FILE_NAME);
      await writeFile(lock, JSON.stringify({ pid, nonce: 'held', at: Date.now() }));
      const budget = await LoginBudget.open(stateDir, { lockWaitMs: 300 });
      expect(await budget.reserve(key)).toMatchObject({ allowed: false, reason: 'ledger-unavailable', ledger: { path: lock, problem: 'lock-unavailable' } });
    });
  });
});

/** Runs ledgerChild.ts: through `sh -c SETUP` inside a private mount namespace, or as another user. */
async function childDecisions(options: { mountSetup?: string; uid?: number }): Promise<{ check: BudgetDecision; reserve: BudgetDecision }> {
  const node = process.execPath;
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: '/nonexistent', TMPDIR: '/tmp' };
  const { stdout } =
    options.mountSetup === undefined
      ? await execFileAsync(node, ['--import', 'tsx', CHILD, stateDir], { cwd: process.cwd(), env, ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }) })
      : await execFileAsync(
          'unshare',
          ['--mount', '--propagation', 'private', '--', 'sh', '-c', `set -e; ${options.mountSetup}; exec "$0" --import tsx "$1" "$2"`, node, CHILD, stateDir],
          { cwd: process.cwd(), env },
        );
  return JSON.parse(stdout) as { check: BudgetDecision; reserve: BudgetDecision };
}

/** Mounts and user switches need root; CI runs as root, so there these tests never skip. */
function requireRoot(context: { skip: (note: string) => void }): void {
  if (isRoot && haveUnshare) return;
  const why = isRoot ? 'unshare or mount is missing' : 'not running as root';
  if (process.env['CI'] === 'true') throw new Error(`CI=true but the real file-system faults cannot be produced: ${why}`);
  context.skip(`real file-system faults skipped: ${why}`);
}

describe('ledger faults from the file system itself', () => {
  it('a read-only state folder (read-only mount): not-writable (EROFS), although the ledger still reads', async (context) => {
    requireRoot(context);
    const ledger = path.join(stateDir, LEDGER_FILE_NAME);
    await writeFile(ledger, JSON.stringify({ version: 1, entries: [] }));
    const dir = JSON.stringify(stateDir);
    const result = await childDecisions({ mountSetup: `mount --bind ${dir} ${dir}; mount -o remount,bind,ro ${dir}` });
    expect(result.check).toEqual({ allowed: true });
    expect(result.reserve).toMatchObject({ allowed: false, reason: 'ledger-unavailable', ledger: { path: stateDir, problem: 'not-writable', errorCode: 'EROFS' } });
  });

  it('a state folder this user may not write (as nobody): not-writable (EACCES)', async (context) => {
    requireRoot(context);
    await chmod(base, 0o755);
    await chmod(stateDir, 0o755);
    const result = await childDecisions({ uid: NOBODY });
    expect(result.reserve).toMatchObject({ allowed: false, reason: 'ledger-unavailable', ledger: { path: stateDir, problem: 'not-writable', errorCode: 'EACCES' } });
  });

  it('a ledger this user may not read (as nobody): not-writable (EACCES) on the ledger itself', async (context) => {
    requireRoot(context);
    await chmod(base, 0o755);
    await chmod(stateDir, 0o777);
    const ledger = path.join(stateDir, LEDGER_FILE_NAME);
    await writeFile(ledger, JSON.stringify({ version: 1, entries: [] }), { mode: 0o600 });
    const result = await childDecisions({ uid: NOBODY });
    const expected = { allowed: false, reason: 'ledger-unavailable', ledger: { path: ledger, problem: 'not-writable', errorCode: 'EACCES' } };
    expect(result.check).toMatchObject(expected);
    expect(result.reserve).toMatchObject(expected);
  });

  it('a full disk (a small tmpfs, filled): io-error (ENOSPC)', async (context) => {
    requireRoot(context);
    const dir = JSON.stringify(stateDir);
    const fill = JSON.stringify(path.join(stateDir, 'fill'));
    const result = await childDecisions({
      mountSetup: `mount -t tmpfs -o size=64k tmpfs ${dir}; dd if=/dev/zero of=${fill} bs=4096 2>/dev/null || true`,
    });
    expect(result.reserve).toMatchObject({ allowed: false, reason: 'ledger-unavailable', ledger: { path: stateDir, problem: 'io-error', errorCode: 'ENOSPC' } });
  });
});
