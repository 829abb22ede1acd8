import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { z } from 'zod';
import {
  MANAGED_PREFERENCE_DEFAULTS,
  MANAGED_PREFERENCE_SCHEMAS,
  defaultManagedPreferencesDirs,
  isDnsServerAddress,
  managedPreferencesSchema,
  pemCertificateProblem,
  readManagedPreferences,
} from '../../../electron/accounts/managedPreferences';
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
      ...MANAGED_PREFERENCE_DEFAULTS,
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
    expect(read.preferences).toEqual(MANAGED_PREFERENCE_DEFAULTS);
    expect(MANAGED_PREFERENCE_DEFAULTS).toMatchObject({ expectedServers: [], adminToolsEnabled: true, publicIpLookupEnabled: true, noLogin: false });
  });

  it('defaults to the device folder and the user\'s folder', () => {
    expect(defaultManagedPreferencesDirs('alice')).toEqual(['/Library/Managed Preferences', '/Library/Managed Preferences/alice']);
  });
});

/** A throwaway self-signed CA certificate, made by the real openssl (as a company CA would be). */
function selfSignedCertificatePem(): string {
  return execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=Fixture Company CA', '-days', '2', '-keyout', '/dev/null', '-out', '-'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

describe('the fleet keys', () => {
  it('reads every policy key, and each one changes the effective value from its default', async () => {
    const ca = selfSignedCertificatePem();
    const fixture = await buildMacHome({
      accountsDatabase: false,
      managedPreferences: {
        device: {
          NoLogin: true,
          NoKeychain: true,
          MaskIdentities: true,
          TrustedCACertificates: [ca],
          DNSServers: ['10.0.0.53', '[fd00::53]:5353'],
          CaptivePortalURL: 'http://captive.example.com/check',
          CaptivePortalCheckEnabled: false,
          WebmailCheckEnabled: false,
          AutoconfigLookupEnabled: false,
          ReportIncludesHostName: true,
          ReportIncludesSerialNumber: true,
          ScheduledDiagnosisEnabled: false,
        },
      },
    });
    homes.push(fixture);
    const read = await readManagedPreferences({ dirs: fixture.managedPreferencesDirs });
    expect(read.problems).toEqual([]);
    expect(read.preferences).toEqual({
      ...MANAGED_PREFERENCE_DEFAULTS,
      noLogin: true,
      noKeychain: true,
      maskIdentities: true,
      trustedCaPems: [ca],
      dnsServers: ['10.0.0.53', '[fd00::53]:5353'],
      captivePortalUrl: 'http://captive.example.com/check',
      captivePortalCheckEnabled: false,
      webmailCheckEnabled: false,
      autoconfigLookupEnabled: false,
      reportHostName: true,
      reportSerialNumber: true,
      scheduledDiagnosisEnabled: false,
    });
    for (const [key, value] of Object.entries(read.preferences)) {
      if (key === 'expectedServers' || key === 'adminToolsEnabled' || key === 'publicIpLookupEnabled') continue;
      expect(value, key).not.toEqual(MANAGED_PREFERENCE_DEFAULTS[key as keyof typeof MANAGED_PREFERENCE_DEFAULTS]);
    }
  });

  it('refuses a CA entry that is not a certificate, or carries a private key, and a DNS server that is not an address', async () => {
    const fixture = await buildMacHome({
      accountsDatabase: false,
      managedPreferences: {
        device: {
          TrustedCACertificates: ['-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n'],
          DNSServers: ['dns.example.com'],
          CaptivePortalURL: 'ftp://captive.example.com/',
        },
        user: { DNSServers: ['192.0.2.53:53'] },
      },
    });
    homes.push(fixture);
    const read = await readManagedPreferences({ dirs: fixture.managedPreferencesDirs });
    expect(read.problems.map((problem) => `${problem.key ?? ''}: ${problem.reason}`).sort()).toEqual([
      'CaptivePortalURL: Invalid URL',
      'DNSServers: 0: not IP or IP:PORT',
      'TrustedCACertificates: 0: certificate 1 cannot be parsed',
    ]);
    expect(read.preferences.trustedCaPems).toEqual([]);
    // The device value was invalid, so the user-level value applies.
    expect(read.preferences.dnsServers).toEqual(['192.0.2.53:53']);
    expect(pemCertificateProblem(`${selfSignedCertificatePem()}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`)).toMatch(/private key/);
    expect(pemCertificateProblem('hello')).toMatch(/BEGIN CERTIFICATE/);
  });

  it('accepts DNS servers the way --dns-server does', () => {
    for (const good of ['192.0.2.1', '192.0.2.1:5353', '2001:db8::1', '[2001:db8::1]:53']) expect(isDnsServerAddress(good), good).toBe(true);
    for (const bad of ['', 'dns.example.com', '192.0.2.1:0', '192.0.2.1:70000', '999.1.1.1', '[2001:db8::1', '2001:db8::1:53:']) expect(isDnsServerAddress(bad), bad).toBe(false);
  });

  it("each flag's documented default (the manifest's) is the default the app uses", () => {
    const json = z.toJSONSchema(managedPreferencesSchema, { target: 'draft-7', io: 'input' }) as { properties: Record<string, { default?: unknown; type?: string }> };
    const byKey: Record<string, keyof typeof MANAGED_PREFERENCE_DEFAULTS> = {
      AdminToolsEnabled: 'adminToolsEnabled',
      PublicIPLookupEnabled: 'publicIpLookupEnabled',
      NoLogin: 'noLogin',
      NoKeychain: 'noKeychain',
      MaskIdentities: 'maskIdentities',
      CaptivePortalCheckEnabled: 'captivePortalCheckEnabled',
      WebmailCheckEnabled: 'webmailCheckEnabled',
      AutoconfigLookupEnabled: 'autoconfigLookupEnabled',
      ReportIncludesHostName: 'reportHostName',
      ReportIncludesSerialNumber: 'reportSerialNumber',
      ScheduledDiagnosisEnabled: 'scheduledDiagnosisEnabled',
    };
    const flags = Object.entries(json.properties).filter(([, property]) => property.type === 'boolean').map(([key]) => key);
    expect(flags.sort()).toEqual(Object.keys(byKey).sort());
    for (const [key, field] of Object.entries(byKey)) expect(json.properties[key]?.default, key).toBe(MANAGED_PREFERENCE_DEFAULTS[field]);
    expect(Object.keys(json.properties).sort()).toEqual(Object.keys(MANAGED_PREFERENCE_SCHEMAS).sort());
  });
});
