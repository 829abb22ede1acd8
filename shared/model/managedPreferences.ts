/**
 * Settings an IT department pushes to Mail Doctor through MDM (a configuration profile for the
 * domain `com.maildoctor.app`, see shared/app.ts and docs/managed-preferences.md). Plain data.
 */
import type { TlsMode } from './account';

export interface ExpectedServer {
  /** The e-mail domain these servers are for, e.g. "example.com". */
  readonly domain: string;
  readonly incomingHost: string;
  readonly incomingPort: number;
  readonly incomingTls: TlsMode;
  readonly outgoingHost: string;
  readonly outgoingPort: number;
  readonly outgoingTls: TlsMode;
}

export interface ManagedPreferences {
  readonly expectedServers: readonly ExpectedServer[];
  /** IT's webmail: probed (and offered) instead of the guessed cPanel addresses. */
  readonly webmailUrl?: string;
  readonly supportEmail?: string;
  readonly supportUrl?: string;
  /** Default when not managed: true. */
  readonly adminToolsEnabled: boolean;
  /** Ask OpenDNS for the public IP when the mail server does not echo it. Default: true. */
  readonly publicIpLookupEnabled: boolean;
  /** Every run behaves as with --no-login: no password is sent anywhere. Default: false. */
  readonly noLogin: boolean;
  /** Every run behaves as with --no-keychain: no keychain read, so no keychain dialog. Default: false. */
  readonly noKeychain: boolean;
  /** Every report masks addresses and login names, whatever the user chooses. Default: false. */
  readonly maskIdentities: boolean;
  /** PEM text of CAs to trust besides the system's (a company CA); never a way to turn verification off. */
  readonly trustedCaPems: readonly string[];
  /** DNS servers to resolve with instead of the system's ("IP" or "IP:PORT"). Empty: the system's. */
  readonly dnsServers: readonly string[];
  /** The captive-portal check page instead of Apple's. */
  readonly captivePortalUrl?: string;
  /** Run the internet / captive-portal check at all. Default: true. */
  readonly captivePortalCheckEnabled: boolean;
  /** Contact webmail addresses at all (IT's WebmailURL, else the guessed cPanel ones). Default: true. */
  readonly webmailCheckEnabled: boolean;
  /** Fetch the domain's published autoconfig file over HTTPS (DNS MX/SRV are always looked up). Default: true. */
  readonly autoconfigLookupEnabled: boolean;
  /** Put the Mac's host name in reports (fleet inventory). Default: false. */
  readonly reportHostName: boolean;
  /** Put the Mac's serial number in reports (fleet inventory). Default: false. */
  readonly reportSerialNumber: boolean;
  /** The daily scheduled diagnosis (LaunchAgent) runs. Default: true. */
  readonly scheduledDiagnosisEnabled: boolean;
}

export type ManagedPreferenceKey =
  | 'ExpectedServers'
  | 'WebmailURL'
  | 'SupportEmail'
  | 'SupportURL'
  | 'AdminToolsEnabled'
  | 'PublicIPLookupEnabled'
  | 'NoLogin'
  | 'NoKeychain'
  | 'MaskIdentities'
  | 'TrustedCACertificates'
  | 'DNSServers'
  | 'CaptivePortalURL'
  | 'CaptivePortalCheckEnabled'
  | 'WebmailCheckEnabled'
  | 'AutoconfigLookupEnabled'
  | 'ReportIncludesHostName'
  | 'ReportIncludesSerialNumber'
  | 'ScheduledDiagnosisEnabled';

export interface ManagedPreferenceProblem {
  /** The file the bad value (or unreadable file) came from. */
  readonly path: string;
  /** The key that was invalid; absent when the whole file could not be read. */
  readonly key?: string;
  readonly reason: string;
}

export interface ManagedPreferencesRead {
  readonly preferences: ManagedPreferences;
  /** Which file each managed key's effective value came from. */
  readonly managedKeys: Readonly<Partial<Record<ManagedPreferenceKey, string>>>;
  readonly problems: readonly ManagedPreferenceProblem[];
}
