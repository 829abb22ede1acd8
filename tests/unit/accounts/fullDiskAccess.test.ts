import { execFile } from 'node:child_process';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountDiscovery } from '../../../shared/model/account';
import type { MacHome } from '../../fixtures/buildMacHome';
import { buildMacHome } from '../../fixtures/buildMacHome';

/**
 * A real permission failure, not a mocked one: root cannot be refused a read, so discovery runs in
 * a child process as the unprivileged user `nobody` against folders it may not open. On macOS the
 * same refusal comes from privacy protection as EPERM; here it is EACCES; both must produce
 * "full-disk-access-needed" with the path to grant.
 */
const execFileAsync = promisify(execFile);
const NOBODY = 65534;
const canSwitchUser = typeof process.getuid === 'function' && process.getuid() === 0;

describe.runIf(canSwitchUser)('Full Disk Access (real EACCES as nobody)', () => {
  let fixture: MacHome;
  beforeAll(async () => {
    fixture = await buildMacHome({ legacyPlist: { version: 'V2', format: 'xml' } });
    await mkdir(join(fixture.home, 'Library', 'Mail'), { recursive: true });
    for (const dir of [fixture.root, fixture.home, join(fixture.home, 'Library')]) await chmod(dir, 0o755);
    await chmod(join(fixture.home, 'Library', 'Accounts'), 0o000);
    await chmod(join(fixture.home, 'Library', 'Mail'), 0o000);
  });
  afterAll(async () => {
    await chmod(join(fixture.home, 'Library', 'Accounts'), 0o755);
    await chmod(join(fixture.home, 'Library', 'Mail'), 0o755);
    await fixture.cleanup();
  });

  it('names the folders the user must grant access to', async () => {
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', 'tests/fixtures/runDiscovery.ts', fixture.home], {
      uid: NOBODY,
      gid: NOBODY,
      cwd: process.cwd(),
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: '/nonexistent', TMPDIR: '/tmp' },
    });
    const discovery = JSON.parse(stdout) as AccountDiscovery;
    expect(discovery.accounts).toEqual([]);
    expect(discovery.problems).toEqual([
      { kind: 'full-disk-access-needed', path: join(fixture.home, 'Library', 'Accounts', 'Accounts4.sqlite') },
      { kind: 'full-disk-access-needed', path: join(fixture.home, 'Library', 'Mail') },
    ]);
  });

  it('the same process as root reads everything (the refusal was the permission, not the fixture)', async () => {
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', 'tests/fixtures/runDiscovery.ts', fixture.home], { cwd: process.cwd() });
    const discovery = JSON.parse(stdout) as AccountDiscovery;
    expect(discovery.problems).toEqual([]);
    expect(discovery.accounts.length).toBeGreaterThan(0);
  });
});
