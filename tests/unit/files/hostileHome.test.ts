/**
 * Files from a home folder given with --home are anyone's: every store Mail Doctor reads must be a regular
 * file within its size limit, judged on the opened descriptor, with a clear outcome otherwise — never a
 * hang on a FIFO, never gigabytes of memory from /dev/zero or a huge sparse file.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parsePlistFile } from '../../../electron/accounts/plistFile';
import { discoverAccounts } from '../../../electron/accounts/discoverAccounts';
import { readManagedPreferences } from '../../../electron/accounts/managedPreferences';
import { DEFAULT_MAX_FILE_BYTES, FileRefusedError, readRegularFile } from '../../../electron/fileAccess';
import type { MacHome } from '../../fixtures/buildMacHome';
import { buildMacHome } from '../../fixtures/buildMacHome';

const homes: MacHome[] = [];
afterEach(async () => {
  await Promise.all(homes.splice(0).map((home) => home.cleanup()));
});

async function emptyHome(): Promise<MacHome> {
  const home = await buildMacHome({ accountsDatabase: false });
  homes.push(home);
  await mkdir(join(home.home, 'Library', 'Accounts'), { recursive: true });
  return home;
}

const accounts4 = (home: MacHome): string => join(home.home, 'Library', 'Accounts', 'Accounts4.sqlite');

async function storeProblem(home: MacHome): Promise<string> {
  const started = Date.now();
  const details = await discoverAccounts({ home: home.home, managedPreferencesDirs: home.managedPreferencesDirs, platform: 'darwin' });
  // Generous: proves "does not hang", not speed.
  expect(Date.now() - started).toBeLessThan(10_000);
  const problem = details.problems.find((candidate) => candidate.kind === 'store-unreadable');
  return problem?.kind === 'store-unreadable' ? problem.reason : `no store-unreadable problem: ${JSON.stringify(details.problems)}`;
}

describe('the account stores of a hostile home folder', () => {
  it('Accounts4.sqlite that is /dev/zero: refused as a device before a byte is read', async () => {
    const home = await emptyHome();
    await symlink('/dev/zero', accounts4(home));
    expect(await storeProblem(home)).toContain('Accounts4.sqlite is a device, not a regular file');
  });

  it('Accounts4.sqlite that is a FIFO nobody writes to: refused at once, not waited on forever', async () => {
    const home = await emptyHome();
    execFileSync('mkfifo', [accounts4(home)]);
    expect(await storeProblem(home)).toContain('Accounts4.sqlite is a FIFO, not a regular file');
  });

  it('Accounts4.sqlite of 10 GB (sparse): refused by its size, not loaded', async () => {
    const home = await emptyHome();
    await writeFile(accounts4(home), '');
    await truncate(accounts4(home), 10 * 1024 ** 3);
    expect(await storeProblem(home)).toContain('Accounts4.sqlite is 10240 MiB, more than the 64 MiB Mail Doctor reads');
  });

  it('a managed-preferences plist that is a FIFO: reported, never waited on', async () => {
    const home = await emptyHome();
    const [deviceDir] = home.managedPreferencesDirs;
    if (deviceDir === undefined) throw new Error('fixture without a managed-preferences folder');
    await mkdir(deviceDir, { recursive: true });
    execFileSync('mkfifo', [join(deviceDir, 'com.maildoctor.app.plist')]);
    const managed = await readManagedPreferences({ dirs: home.managedPreferencesDirs });
    expect(JSON.stringify(managed)).toContain('not a regular file');
  });
});

describe('readRegularFile', () => {
  it('reads a regular file whole, and refuses one past the limit instead of cutting it', async () => {
    const home = await emptyHome();
    const path = join(home.root, 'file.bin');
    await writeFile(path, Buffer.alloc(1000, 1));
    expect((await readRegularFile(path, 1000)).byteLength).toBe(1000);
    await expect(readRegularFile(path, 999)).rejects.toBeInstanceOf(FileRefusedError);
    await rm(path);
  });

  it('stops at the limit on a file whose size says 0 but which keeps giving bytes (procfs)', async () => {
    // /proc files are regular files of size 0 that still produce content: the read itself is bounded.
    const result = await readRegularFile('/proc/self/status', 64).then(
      () => 'read',
      (error: unknown) => (error instanceof FileRefusedError ? error.reason : String(error)),
    );
    expect(result).toBe('too-large');
    expect(DEFAULT_MAX_FILE_BYTES).toBe(64 * 1024 * 1024);
  });
});

describe('parsePlistFile', () => {
  it('refuses XML entity declarations (Apple plists never have them) without a word on the console', async () => {
    const entities = '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">';
    const xml = `<?xml version="1.0"?><!DOCTYPE plist [${entities}]><plist version="1.0"><dict><key>k</key><string>&c;&c;</string></dict></plist>`;
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const parsed = await parsePlistFile(new TextEncoder().encode(xml));
      expect(parsed).toEqual({ ok: false, error: { code: 'unreadable', message: 'not a property list: it declares XML entities' } });
      expect(printed).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
    }
  });
});
