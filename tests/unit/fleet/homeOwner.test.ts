/**
 * Item 8 of issue 15: a root run on behalf of a user (--home) and that user's own runs share one ledger
 * and the user's managed preferences, and root leaves nothing the user cannot write. Real processes, a
 * real uid switch (root only; `nobody` stands in for the user), the real ledger.
 */
import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityCalls } from '../../../electron/fleet/homeOwner';
import { becomeHomeOwner, homeOwnerToAdopt } from '../../../electron/fleet/homeOwner';

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
beforeAll(() => {
  if (!isRoot && process.env.CI === 'true') throw new Error('CI must run as root: the uid switch needs it');
});

interface ChildReport {
  readonly uid: number;
  readonly gid: number;
  readonly groups: number[];
  readonly user: string;
  readonly stateDir: string;
  readonly managedPreferencesDirs: string[];
  readonly ledgerOwner: number;
  readonly allowed: boolean;
  readonly reason: string | null;
}

function runChild(mode: 'adopt' | 'stay', home: string, options: { uid?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'homeOwnerChild.ts'), mode, home], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? { ...process.env, HOME: '/root' },
      cwd: join(import.meta.dirname, '..', '..', '..'),
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`child exited ${String(code)}: ${stderr}`));
      else resolve(JSON.parse(stdout) as ChildReport);
    });
  });
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function userHome(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'md-owner-'));
  dirs.push(root);
  // /Users is traversable by everyone; mkdtemp's folder is not.
  await chmod(root, 0o755);
  const home = join(root, 'home');
  await mkdir(home, { mode: 0o755 });
  await chown(home, NOBODY, NOBODY);
  return home;
}

describe.skipIf(!isRoot)('a root run on behalf of a user', () => {
  it("becomes the home's owner: the user's state folder, ledger and managed preferences, files the user owns", async () => {
    const home = await userHome();
    const root = await runChild('adopt', home, { env: { ...process.env, HOME: '/root', XDG_STATE_HOME: '/root/.local/state' } });
    expect(root).toMatchObject({ uid: NOBODY, gid: NOBODY, user: 'nobody', ledgerOwner: NOBODY, allowed: true });
    expect(root.groups).toEqual([NOBODY]);
    expect(root.stateDir.startsWith(home)).toBe(true);
    expect(root.managedPreferencesDirs).toEqual(['/Library/Managed Preferences', '/Library/Managed Preferences/nobody']);
  }, 60_000);

  it("shares one ledger with the user's own runs, so the two-failures-per-hour promise holds across them", async () => {
    const home = await userHome();
    const first = await runChild('adopt', home);
    // The user's own run (started as the user, HOME set as a login session sets it).
    const second = await runChild('stay', home, { uid: NOBODY, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home } });
    const third = await runChild('adopt', home);
    expect(first.stateDir).toBe(second.stateDir);
    expect([first.allowed, second.allowed, third.allowed]).toEqual([true, true, false]);
    expect(third.reason).toBe('hourly-limit');
  }, 60_000);

  it('stays root for a home root owns, and any process other than root never changes identity', async () => {
    const rootOwned = await mkdtemp(join(tmpdir(), 'md-owner-root-'));
    dirs.push(rootOwned);
    expect(await homeOwnerToAdopt(rootOwned)).toBeUndefined();
    expect(await homeOwnerToAdopt(await userHome(), { getuid: () => 501 })).toBeUndefined();
    expect(await homeOwnerToAdopt('/nonexistent/home')).toBeUndefined();
  });
});

describe('becomeHomeOwner', () => {
  it('drops groups, then the group, then the user, and falls back to the primary group alone for an unknown uid', () => {
    const calls: string[] = [];
    const identity: IdentityCalls = {
      getuid: () => 0,
      initgroups: () => {
        calls.push('initgroups');
        throw new Error('initgroups user not found');
      },
      setgroups: (groups) => calls.push(`setgroups ${groups.join(',')}`),
      setgid: (gid) => calls.push(`setgid ${String(gid)}`),
      setuid: (uid) => calls.push(`setuid ${String(uid)}`),
      userName: () => '',
    };
    expect(becomeHomeOwner({ uid: 1234, gid: 20 }, '/Volumes/Copy/Users/alice', identity)).toEqual({ uid: 1234, gid: 20, name: '', home: '/Volumes/Copy/Users/alice' });
    expect(calls).toEqual(['initgroups', 'setgroups 20', 'setgid 20', 'setuid 1234']);
  });
});
