import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build as buildPlist } from 'plist';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentReportEnvironment, readMacosVersion } from '../../../electron/report/environment';

describe('report environment', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'md-report-env-'));
    // The real file's shape (SystemVersion.plist as shipped by macOS 15).
    await writeFile(
      join(dir, 'SystemVersion.plist'),
      buildPlist({ ProductBuildVersion: '24D70', ProductName: 'macOS', ProductVersion: '15.3.1', ProductUserVisibleVersion: '15.3.1' }),
    );
    await writeFile(join(dir, 'garbage.plist'), 'not a plist at all');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads macOS ProductVersion from SystemVersion.plist', async () => {
    expect(await readMacosVersion(join(dir, 'SystemVersion.plist'))).toBe('15.3.1');
  });

  it('says nothing (not an error) when the file is missing or garbage', async () => {
    expect(await readMacosVersion(join(dir, 'missing.plist'))).toBeUndefined();
    expect(await readMacosVersion(join(dir, 'garbage.plist'))).toBeUndefined();
  });

  it('fills app version, time zone and the generation time', async () => {
    const env = await currentReportEnvironment('0.1.0', new Date('2026-03-02T09:15:30Z'), join(dir, 'SystemVersion.plist'));
    expect(env).toEqual({
      appVersion: '0.1.0',
      macosVersion: '15.3.1',
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      generatedAt: '2026-03-02T09:15:30.000Z',
    });
    const offMac = await currentReportEnvironment('0.1.0', new Date(), join(dir, 'missing.plist'));
    expect(offMac.macosVersion).toBeUndefined();
  });
});
