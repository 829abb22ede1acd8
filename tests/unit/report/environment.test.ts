import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build as buildPlist } from 'plist';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentReportEnvironment, readMacosVersion, readSystemTimeZone } from '../../../electron/report/environment';

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
    // /etc/localtime as macOS and Debian link it (the targets need not exist for readlink).
    await symlink('/var/db/timezone/zoneinfo/America/Argentina/Buenos_Aires', join(dir, 'localtime-macos'));
    await symlink('/usr/share/zoneinfo/Europe/Paris', join(dir, 'localtime-debian'));
    await symlink('/usr/share/zoneinfo/Etc/GMT+5', join(dir, 'localtime-offset'));
    await symlink('/somewhere/else/../../etc/passwd', join(dir, 'localtime-odd'));
    await writeFile(join(dir, 'localtime-copied'), 'TZif2 (a copy of a zone file, not a link)');
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
    const env = await currentReportEnvironment('0.1.0', new Date('2026-03-02T09:15:30Z'), join(dir, 'SystemVersion.plist'), {
      localtimeLink: join(dir, 'localtime-debian'),
    });
    expect(env).toEqual({
      appVersion: '0.1.0',
      macosVersion: '15.3.1',
      timeZone: 'Europe/Paris',
      generatedAt: '2026-03-02T09:15:30.000Z',
    });
    const offMac = await currentReportEnvironment('0.1.0', new Date(), join(dir, 'missing.plist'));
    expect(offMac.macosVersion).toBeUndefined();
  });

  it('the time zone is the name the /etc/localtime link ends with, on macOS and on Linux', async () => {
    expect(await readSystemTimeZone(join(dir, 'localtime-macos'))).toBe('America/Argentina/Buenos_Aires');
    expect(await readSystemTimeZone(join(dir, 'localtime-debian'))).toBe('Europe/Paris');
    expect(await readSystemTimeZone(join(dir, 'localtime-offset'))).toBe('Etc/GMT+5');
  });

  it('without a link that ends in a zone name, the time zone is what ICU says', async () => {
    const icu = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(await readSystemTimeZone(join(dir, 'localtime-odd'))).toBe(icu);
    expect(await readSystemTimeZone(join(dir, 'localtime-copied'))).toBe(icu);
    expect(await readSystemTimeZone(join(dir, 'no-such-link'))).toBe(icu);
  });
});
