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
  readonly webmailUrl?: string;
  readonly supportEmail?: string;
  readonly supportUrl?: string;
  /** Default when not managed: true. */
  readonly adminToolsEnabled: boolean;
  /** Default when not managed: true. */
  readonly publicIpLookupEnabled: boolean;
}

export type ManagedPreferenceKey =
  | 'ExpectedServers'
  | 'WebmailURL'
  | 'SupportEmail'
  | 'SupportURL'
  | 'AdminToolsEnabled'
  | 'PublicIPLookupEnabled';

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
