/**
 * How IT's managed preferences shape a run, in one place for the window, the CLI and the scheduled run
 * (docs/managed-preferences.md). Pure: the callers read the preferences and pass what they were given.
 *
 * - Forcing keys only add safety: `NoLogin`, `NoKeychain`, `MaskIdentities` turn the behaviour on whatever
 *   the request or the command line says; nothing here can turn a safety off.
 * - Choices the person made for this one run (a `--dns-server`, a `--captive-url`, a `--webmail-url`) win over
 *   IT's defaults for the same thing; IT's off switches (`CaptivePortalCheckEnabled`, `WebmailCheckEnabled`,
 *   `AutoconfigLookupEnabled`, `PublicIPLookupEnabled`) win over everything, because they promise that a host
 *   is never contacted.
 * - Trusted CAs add to the ones given with `--ca-file`: more trust anchors, never verification off.
 * - The hosting-account tools (`AdminToolsEnabled`) are IT's to switch off: window and CLI alike.
 */
import type { AdminToolsPolicy } from '../../shared/model/hosting';
import type { ManagedPreferences, ManagedPreferencesRead } from '../../shared/model/managedPreferences';
import type { RealProbeOptions } from '../diagnosis/realProbeSet';
import type { ReportEnvironmentExtras } from '../report/environment';

export interface GivenRunSettings {
  readonly noLogin: boolean;
  readonly readKeychain: boolean;
  readonly dnsServers: readonly string[];
  readonly extraCaPem: readonly string[];
  readonly probes: Partial<RealProbeOptions>;
}

export interface EffectiveRunSettings {
  readonly noLogin: boolean;
  readonly readKeychain: boolean;
  readonly dnsServers: readonly string[];
  readonly extraCaPem: readonly string[];
  readonly probes: RealProbeOptions;
}

export function effectiveRunSettings(managed: ManagedPreferences, given: GivenRunSettings): EffectiveRunSettings {
  const webmailUrls = given.probes.webmailUrls ?? (managed.webmailUrl === undefined ? undefined : [managed.webmailUrl]);
  const captivePortalUrl = given.probes.captivePortalUrl ?? managed.captivePortalUrl;
  return {
    noLogin: given.noLogin || managed.noLogin,
    readKeychain: given.readKeychain && !managed.noKeychain,
    dnsServers: given.dnsServers.length > 0 ? given.dnsServers : managed.dnsServers,
    extraCaPem: [...given.extraCaPem, ...managed.trustedCaPems],
    probes: {
      ...given.probes,
      ...(captivePortalUrl === undefined ? {} : { captivePortalUrl }),
      ...(webmailUrls === undefined ? {} : { webmailUrls }),
      publicIpLookup: (given.probes.publicIpLookup ?? true) && managed.publicIpLookupEnabled,
      captivePortalCheck: (given.probes.captivePortalCheck ?? true) && managed.captivePortalCheckEnabled,
      webmailCheck: (given.probes.webmailCheck ?? true) && managed.webmailCheckEnabled,
      autoconfigLookup: (given.probes.autoconfigLookup ?? true) && managed.autoconfigLookupEnabled,
    },
  };
}

/**
 * The hosting-account tools (docs/admin-tools.md): 'off' when IT set AdminToolsEnabled to false (the window
 * hides the section and refuses every action, `mail-doctor admin` exits 2), 'on' when set to true (the section
 * is shown), 'default' when the key is not managed or its value was invalid (offered behind a closed disclosure
 * until an account is connected).
 */
export function adminToolsPolicy(read: Pick<ManagedPreferencesRead, 'preferences' | 'managedKeys'>): AdminToolsPolicy {
  if (read.managedKeys.AdminToolsEnabled === undefined) return 'default';
  return read.preferences.adminToolsEnabled ? 'on' : 'off';
}

/** The report mask: on when the person asked for it or IT forces it. */
export function effectiveMaskIdentities(managed: ManagedPreferences, requested: boolean): boolean {
  return requested || managed.maskIdentities;
}

/** What the report adds from managed preferences: host name and serial number if asked for, and the invalid values. */
export function reportExtrasFrom(read: ManagedPreferencesRead): ReportEnvironmentExtras {
  return {
    includeHostName: read.preferences.reportHostName,
    includeSerialNumber: read.preferences.reportSerialNumber,
    managedPreferenceProblems: read.problems,
  };
}
