/**
 * How managed preferences shape a run: forcing keys only add safety, IT's off switches always win, a
 * person's choice for one run wins over IT's defaults, CAs add up.
 */
import { describe, expect, it } from 'vitest';
import { MANAGED_PREFERENCE_DEFAULTS } from '../../../electron/accounts/managedPreferences';
import type { GivenRunSettings } from '../../../electron/fleet/managedPolicy';
import { effectiveMaskIdentities, effectiveRunSettings, reportExtrasFrom } from '../../../electron/fleet/managedPolicy';
import type { ManagedPreferences } from '../../../shared/model/managedPreferences';

const NOTHING_GIVEN: GivenRunSettings = { noLogin: false, readKeychain: true, dnsServers: [], extraCaPem: [], probes: {} };

function managed(overrides: Partial<ManagedPreferences>): ManagedPreferences {
  return { ...MANAGED_PREFERENCE_DEFAULTS, ...overrides };
}

describe('effective run settings', () => {
  it('with no managed preference, the run is exactly what was asked', () => {
    expect(effectiveRunSettings(MANAGED_PREFERENCE_DEFAULTS, NOTHING_GIVEN)).toEqual({
      noLogin: false,
      readKeychain: true,
      dnsServers: [],
      extraCaPem: [],
      probes: { publicIpLookup: true, captivePortalCheck: true, webmailCheck: true, autoconfigLookup: true },
    });
  });

  it.each([
    ['NoLogin', { noLogin: true }, { noLogin: true }],
    ['NoKeychain', { noKeychain: true }, { readKeychain: false }],
  ] as const)('%s forces the safety on, and a request cannot turn it off', (_key, preference, expected) => {
    expect(effectiveRunSettings(managed(preference), NOTHING_GIVEN)).toMatchObject(expected);
    expect(effectiveRunSettings(managed({}), { ...NOTHING_GIVEN, noLogin: true, readKeychain: false })).toMatchObject({ noLogin: true, readKeychain: false });
  });

  it.each([
    ['PublicIPLookupEnabled', { publicIpLookupEnabled: false }, 'publicIpLookup'],
    ['CaptivePortalCheckEnabled', { captivePortalCheckEnabled: false }, 'captivePortalCheck'],
    ['WebmailCheckEnabled', { webmailCheckEnabled: false }, 'webmailCheck'],
    ['AutoconfigLookupEnabled', { autoconfigLookupEnabled: false }, 'autoconfigLookup'],
  ] as const)('%s false wins over anything given for the run', (_key, preference, option) => {
    const given = { ...NOTHING_GIVEN, probes: { [option]: true, captivePortalUrl: 'http://portal.example.com/', webmailUrls: ['https://mail.example.com/'] } };
    expect(effectiveRunSettings(managed(preference), given).probes[option]).toBe(false);
  });

  it("IT's WebmailURL, captive URL and DNS servers apply unless the run names its own", () => {
    const it_ = managed({ webmailUrl: 'https://webmail.corp.example/', captivePortalUrl: 'http://captive.corp.example/', dnsServers: ['10.1.1.53'] });
    expect(effectiveRunSettings(it_, NOTHING_GIVEN)).toMatchObject({
      dnsServers: ['10.1.1.53'],
      probes: { webmailUrls: ['https://webmail.corp.example/'], captivePortalUrl: 'http://captive.corp.example/' },
    });
    const own = { ...NOTHING_GIVEN, dnsServers: ['127.0.0.1:5353'], probes: { webmailUrls: ['https://127.0.0.1:8443/'], captivePortalUrl: 'http://127.0.0.1:8080/' } };
    expect(effectiveRunSettings(it_, own)).toMatchObject({
      dnsServers: ['127.0.0.1:5353'],
      probes: { webmailUrls: ['https://127.0.0.1:8443/'], captivePortalUrl: 'http://127.0.0.1:8080/' },
    });
  });

  it('trusted CAs add to the ones given with --ca-file', () => {
    expect(effectiveRunSettings(managed({ trustedCaPems: ['IT CA'] }), { ...NOTHING_GIVEN, extraCaPem: ['file CA'] }).extraCaPem).toEqual(['file CA', 'IT CA']);
  });
});

describe('the report', () => {
  it('is masked when the person asks or IT forces it, never unmasked by a request', () => {
    expect(effectiveMaskIdentities(managed({}), false)).toBe(false);
    expect(effectiveMaskIdentities(managed({}), true)).toBe(true);
    expect(effectiveMaskIdentities(managed({ maskIdentities: true }), false)).toBe(true);
  });

  it('carries host name and serial only when asked for, and every invalid value', () => {
    const problems = [{ path: '/Library/Managed Preferences/com.maildoctor.app.plist', key: 'DNSServers', reason: '0: not IP or IP:PORT' }];
    expect(reportExtrasFrom({ preferences: managed({ reportSerialNumber: true }), managedKeys: {}, problems })).toEqual({
      includeHostName: false,
      includeSerialNumber: true,
      managedPreferenceProblems: problems,
    });
  });
});
