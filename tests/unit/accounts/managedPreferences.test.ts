import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultManagedPreferencesDirs, readManagedPreferences } from '../../../electron/accounts/managedPreferences';
import { APP_BUNDLE_ID } from '../../../shared/app';
import type { MacHome } from '../../fixtures/buildMacHome';
import { buildMacHome } from '../../fixtures/buildMacHome';

const homes: MacHome[] = [];
afterEach(async () => {
  await Promise.all(homes.splice(0).map((home) => home.cleanup()));
});

const server = {
  Domain: 'Example.com',
  IncomingHost: 'mail.example.com',
  IncomingPort: 993,
  IncomingTLS: 'implicit',
  OutgoingHost: 'smtp.example.com',
  OutgoingPort: 587,
  OutgoingTLS: 'starttls',
};

describe('managed preferences', () => {
  it.each(['binary', 'xml'] as const)('reads every documented key from a %s plist', async (format) => {
    const fixture = await buildMacHome({
      accountsDatabase: false,
      managedPreferences: {
        format,
        device: {
          ExpectedServers: [server],
          WebmailURL: 'https://webmail.example.com/',
          SupportEmail: 'help@example.com',
          SupportURL: 'https://help.example.com/mail',
          AdminToolsEnabled: false,
          PublicIPLookupEnabled: false,
        },
      },
    });
    homes.push(fixture);
    const read = await readManagedPreferences({ dirs: fixture.managedPreferencesDirs });
    expect(read.problems).toEqual([]);
    expect(read.preferences).toEqual({
      expectedServers: [
        { domain: 'example.com', incomingHost: 'mail.example.com', incomingPort: 993, incomingTls: 'implicit', outgoingHost: 'smtp.example.com', outgoingPort: 587, outgoingTls: 'starttls' },
      ],
      webmailUrl: 'https://webmail.example.com/',
      supportEmail: 'help@example.com',
      supportUrl: 'https://help.example.com/mail',
      adminToolsEnabled: false,
      publicIpLookupEnabled: false,
    });
  });

  it('device-level values win per key; the user file fills the rest', async () => {
    const fixture = await buildMacHome({
      accountsDatabase: false,
      managedPreferences: {
        device: { AdminToolsEnabled: false },
        user: { AdminToolsEnabled: true, SupportEmail: 'user-level@example.com' },
      },
    });
    homes.push(fixture);
    const [deviceDir, userDir] = fixture.managedPreferencesDirs;
    const read = await readManagedPreferences({ dirs: fixture.managedPreferencesDirs });
    expect(read.preferences.adminToolsEnabled).toBe(false);
    expect(read.preferences.supportEmail).toBe('user-level@example.com');
    expect(read.managedKeys).toEqual({
      AdminToolsEnabled: join(deviceDir ?? '', `${APP_BUNDLE_ID}.plist`),
      SupportEmail: join(userDir ?? '', `${APP_BUNDLE_ID}.plist`),
    });
  });

  it('reports invalid values per key and keeps the valid ones (an invalid device value lets the user value apply)', async () => {
    const fixture = await buildMacHome({
      accountsDatabase: false,
      managedPreferences: {
        device: {
          ExpectedServers: [server, { ...server, IncomingPort: 70000 }, 'nonsense'],
          WebmailURL: 'http://insecure.example.com',
          SupportEmail: 'not an address',
          PublicIPLookupEnabled: 'YES',
        },
        user: { WebmailURL: 'https://webmail.example.com/' },
      },
    });
    homes.push(fixture);
    const read = await readManagedPreferences({ dirs: fixture.managedPreferencesDirs });
    expect(read.preferences.expectedServers).toHaveLength(1);
    expect(read.preferences.webmailUrl).toBe('https://webmail.example.com/');
    expect(read.preferences.supportEmail).toBeUndefined();
    expect(read.preferences.publicIpLookupEnabled).toBe(true);
    expect(read.problems.map((problem) => problem.key).sort()).toEqual(['ExpectedServers[1]', 'ExpectedServers[2]', 'PublicIPLookupEnabled', 'SupportEmail', 'WebmailURL']);
  });

  it('reports an unreadable file and uses defaults', async () => {
    const fixture = await buildMacHome({ accountsDatabase: false });
    homes.push(fixture);
    const [deviceDir] = fixture.managedPreferencesDirs;
    await mkdir(deviceDir ?? '', { recursive: true });
    await writeFile(join(deviceDir ?? '', `${APP_BUNDLE_ID}.plist`), '<plist><dict><key>oops');
    const read = await readManagedPreferences({ dirs: fixture.managedPreferencesDirs });
    expect(read.problems).toHaveLength(1);
    expect(read.preferences).toEqual({ expectedServers: [], adminToolsEnabled: true, publicIpLookupEnabled: true });
  });

  it('defaults to the device folder and the user\'s folder', () => {
    expect(defaultManagedPreferencesDirs('alice')).toEqual(['/Library/Managed Preferences', '/Library/Managed Preferences/alice']);
  });
});
