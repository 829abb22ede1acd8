/**
 * What a CLI run does around the diagnosis for fleets (electron/fleet/fleetRun.ts): where its log goes, the
 * time limit, the scheduled run's off switch, and a root run for another user's home switching to that user
 * first (with the process calls stubbed here; homeOwner.test.ts switches for real).
 */
import { chown, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { logDirFor } from '../../../electron/appPaths';
import { startFleetRun } from '../../../electron/fleet/fleetRun';
import type { FleetRunOptions } from '../../../electron/fleet/fleetRun';
import type { IdentityCalls } from '../../../electron/fleet/homeOwner';
import { writeManagedPreferences } from '../../fixtures/writers/managedPreferences';

const undo: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (undo.length > 0) await undo.pop()?.();
});

async function temp(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'md-fleet-run-'));
  undo.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function options(overrides: Partial<FleetRunOptions> = {}): Promise<FleetRunOptions> {
  const root = await temp();
  return {
    userHome: join(root, 'user'),
    saveReport: false,
    managedPreferencesDirs: [join(root, 'managed')],
    scrub: (text) => text.replaceAll('Secret-Pa55', '[redacted]'),
    description: 'diagnose --json',
    ...overrides,
  };
}

describe('startFleetRun', () => {
  it("logs into the user's standard log folder, only when the home exists, scrubbed; start and end", async () => {
    const base = await options();
    await mkdir(base.userHome, { recursive: true });
    const started = await startFleetRun(base);
    if (!started.ok) throw new Error(started.message);
    started.run.log.write('cli', 'a server said Secret-Pa55');
    await started.run.end({ summary: { code: 'PASSWORDS_DIFFER', accounts: 2, accountsNotOk: 1 }, exitCode: 1 });
    const log = await readFile(join(logDirFor(base.userHome), 'mail-doctor.log'), 'utf8');
    expect(log).toMatch(/\[cli\] diagnose --json: started\n.*\[cli\] a server said \[redacted\]\n.*\[cli\] diagnose --json: PASSWORDS_DIFFER \(1 of 2 accounts not OK\), exit 1, \d+ ms\n$/);

    const missing = await options({ userHome: '/nonexistent/home/of/nobody' });
    const nowhere = await startFleetRun(missing);
    if (!nowhere.ok) throw new Error(nowhere.message);
    await nowhere.run.end({ exitCode: 2 });
    await expect(readFile('/nonexistent/home/of/nobody')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('the time limit aborts the run and the end says it was cut short', async () => {
    const root = await temp();
    const started = await startFleetRun(await options({ timeLimitMs: 200, stateDir: root }));
    if (!started.ok) throw new Error(started.message);
    await new Promise<void>((resolve) => started.run.signal.addEventListener('abort', () => resolve()));
    await started.run.end({ exitCode: 1 });
    const log = await readFile(join(root, 'logs', 'mail-doctor.log'), 'utf8');
    expect(log).toContain('time limit of 0 s reached: the run is cut short');
    expect(log).toMatch(/no diagnosis, cut short by the time limit, exit 1/);
  });

  it('a scheduled run that IT turned off ends before anything, with exit 0', async () => {
    const base = await options({ saveReport: true });
    await writeManagedPreferences(base.managedPreferencesDirs?.[0] ?? '', { ScheduledDiagnosisEnabled: false });
    expect(await startFleetRun(base)).toEqual({
      ok: false,
      exitCode: 0,
      message: 'the scheduled diagnosis is turned off by IT (managed preference ScheduledDiagnosisEnabled); nothing was run',
    });
    // A run without --save-report is not the scheduled run: it goes on.
    expect((await startFleetRun({ ...base, saveReport: false })).ok).toBe(true);
  });

  it.skipIf(process.getuid?.() !== 0 && process.env['CI'] !== 'true')("root with another user's --home becomes that user first, or refuses to go on as root", async () => {
    // Needs root to change user; under CI (which runs as root) it must run, never skip.
    if (process.getuid?.() !== 0) throw new Error('CI must run as root: the uid switch needs it');
    const root = await temp();
    const home = join(root, 'alice');
    await mkdir(home);
    await chown(home, 65534, 65534);
    const calls: string[] = [];
    const identity = (setuid: (uid: number) => void): IdentityCalls => ({
      getuid: () => 0,
      initgroups: (uid, gid) => calls.push(`initgroups ${String(uid)} ${String(gid)}`),
      setgroups: () => calls.push('setgroups'),
      setgid: (gid) => calls.push(`setgid ${String(gid)}`),
      setuid,
      userName: () => 'alice',
    });
    const started = await startFleetRun(await options({ home, identity: identity((uid) => calls.push(`setuid ${String(uid)}`)) }));
    expect(started.ok).toBe(true);
    expect(calls).toEqual(['initgroups 65534 65534', 'setgid 65534', 'setuid 65534']);
    const refused = await startFleetRun(
      await options({
        home,
        identity: identity(() => {
          throw new Error('EPERM');
        }),
      }),
    );
    expect(refused).toMatchObject({ ok: false, exitCode: 2, message: expect.stringContaining('could not run as the owner of --home (uid 65534): EPERM') as unknown });
  });
});
