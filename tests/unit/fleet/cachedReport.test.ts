/**
 * The scheduled run's cached report: written where the fleet helper reads it, replaced whole (never half a
 * file, no temporary file left), and a failure is an outcome with the path and the reason, not an exception.
 */
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedReportPathFor } from '../../../electron/appPaths';
import { saveCachedReport } from '../../../electron/fleet/cachedReport';
import { buildSupportReport } from '../../../electron/report/supportReport';
import { reportSchemaErrors } from '../../schemas/validateReport';
import { ENVIRONMENT, realisticRun } from '../report/realisticRun';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the cached report', () => {
  it('is at the path build/mdm/maildoctor-fleet.sh reads', async () => {
    expect(cachedReportPathFor('/Users/alice', 'darwin')).toBe('/Users/alice/Library/Application Support/Mail Doctor/last-diagnosis.json');
    const helper = await readFile(join(import.meta.dirname, '../../../build/mdm/maildoctor-fleet.sh'), 'utf8');
    expect(helper).toContain('REPORT_IN_HOME="Library/Application Support/Mail Doctor/last-diagnosis.json"');
  });

  it('creates its folder, replaces an older report whole, and leaves no temporary file', async () => {
    const home = await mkdtemp(join(tmpdir(), 'md-cache-'));
    dirs.push(home);
    const path = cachedReportPathFor(home, 'darwin');
    const first = buildSupportReport(realisticRun(), ENVIRONMENT, { maskIdentities: true }).json;
    expect(await saveCachedReport(path, first)).toEqual({ ok: true, path });
    const second = buildSupportReport(realisticRun(), { ...ENVIRONMENT, generatedAt: '2026-12-06T11:30:00.000Z' }, { maskIdentities: true }).json;
    expect(await saveCachedReport(path, second)).toEqual({ ok: true, path });
    const saved = JSON.parse(await readFile(path, 'utf8')) as unknown;
    expect(saved).toMatchObject({ generatedAt: '2026-12-06T11:30:00.000Z' });
    expect(reportSchemaErrors(saved)).toEqual([]);
    expect(await readdir(dirname(path))).toEqual(['last-diagnosis.json']);
  });

  it('says why it could not be written', async () => {
    const home = await mkdtemp(join(tmpdir(), 'md-cache-'));
    dirs.push(home);
    const path = cachedReportPathFor(home, 'darwin');
    // The report's own name taken by a folder: even root cannot rename a file over it.
    await mkdir(path, { recursive: true });
    const outcome = await saveCachedReport(path, buildSupportReport(realisticRun(), ENVIRONMENT, { maskIdentities: true }).json);
    expect(outcome).toMatchObject({ ok: false, path });
    expect(outcome.ok ? '' : outcome.reason).toMatch(/could not be saved/);
  });
});
