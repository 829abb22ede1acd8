import { userInfo } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { APP_BUNDLE_ID } from '../../shared/app';
import type {
  ExpectedServer,
  ManagedPreferenceKey,
  ManagedPreferenceProblem,
  ManagedPreferences,
  ManagedPreferencesRead,
} from '../../shared/model/managedPreferences';
import type { FileSystemReader } from '../fileAccess';
import { nodeFileSystem, readFileOutcome } from '../fileAccess';
import { parsePlistFile } from './plistFile';

/**
 * Settings an IT department pushes with MDM. macOS writes a managed preference domain to
 * `/Library/Managed Preferences/<domain>.plist` (device channel) and
 * `/Library/Managed Preferences/<user>/<domain>.plist` (user channel). We read both files directly
 * (binary or XML plists) so the CLI works outside Electron.
 *
 * Precedence, per key: the device-level file wins, because that is what the organisation forces on
 * the whole Mac; the user-level file only supplies keys the device file does not set validly. An
 * invalid value is reported and ignored (the next layer, or the default, applies) — it never stops
 * discovery. Documented in docs/managed-preferences.md.
 */

export const MANAGED_PREFERENCES_ROOT = '/Library/Managed Preferences';

export function defaultManagedPreferencesDirs(userName: string = safeUserName()): readonly string[] {
  return userName === '' ? [MANAGED_PREFERENCES_ROOT] : [MANAGED_PREFERENCES_ROOT, join(MANAGED_PREFERENCES_ROOT, userName)];
}

const port = z.number().int().min(1).max(65535);
const tls = z.enum(['implicit', 'starttls', 'none']);
const hostName = z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.-]+$/, 'not a host name');

const expectedServerSchema = z
  .object({
    Domain: z.string().trim().min(1).max(253),
    IncomingHost: hostName,
    IncomingPort: port,
    IncomingTLS: tls,
    OutgoingHost: hostName,
    OutgoingPort: port,
    OutgoingTLS: tls,
  })
  .transform(
    (value): ExpectedServer => ({
      domain: value.Domain.toLowerCase(),
      incomingHost: value.IncomingHost,
      incomingPort: value.IncomingPort,
      incomingTls: value.IncomingTLS,
      outgoingHost: value.OutgoingHost,
      outgoingPort: value.OutgoingPort,
      outgoingTls: value.OutgoingTLS,
    }),
  );

const httpsUrl = z.url({ protocol: /^https$/ }).max(2048);

const KEY_SCHEMAS = {
  ExpectedServers: z.array(z.unknown()).max(100),
  WebmailURL: httpsUrl,
  SupportEmail: z.email().max(320),
  SupportURL: httpsUrl,
  AdminToolsEnabled: z.boolean(),
  PublicIPLookupEnabled: z.boolean(),
} as const satisfies Record<ManagedPreferenceKey, z.ZodType>;

const MANAGED_KEYS = Object.keys(KEY_SCHEMAS) as ManagedPreferenceKey[];

export interface ManagedPreferencesOptions {
  /** Folders to look in, highest priority first (default: device folder, then the user's folder). */
  readonly dirs?: readonly string[];
  readonly fs?: FileSystemReader;
}

type Effective = {
  expectedServers?: readonly ExpectedServer[];
  webmailUrl?: string;
  supportEmail?: string;
  supportUrl?: string;
  adminToolsEnabled?: boolean;
  publicIpLookupEnabled?: boolean;
};

export async function readManagedPreferences(options: ManagedPreferencesOptions = {}): Promise<ManagedPreferencesRead> {
  const fs = options.fs ?? nodeFileSystem;
  const dirs = options.dirs ?? defaultManagedPreferencesDirs();
  const problems: ManagedPreferenceProblem[] = [];
  const managedKeys: Partial<Record<ManagedPreferenceKey, string>> = {};
  const effective: Effective = {};

  for (const dir of dirs) {
    const path = join(dir, `${APP_BUNDLE_ID}.plist`);
    const file = await readFileOutcome(fs, path);
    if (file.kind === 'missing') continue;
    if (file.kind !== 'read') {
      problems.push({ path, reason: file.kind === 'permission-denied' ? `cannot read the file (${file.code})` : file.reason });
      continue;
    }
    const dict = parsePreferencesFile(file.value);
    if (!dict.ok) {
      problems.push({ path, reason: dict.reason });
      continue;
    }
    for (const key of MANAGED_KEYS) {
      if (managedKeys[key] !== undefined || !(key in dict.value)) continue;
      if (applyKey(key, dict.value[key], effective, path, problems)) managedKeys[key] = path;
    }
  }

  const preferences: ManagedPreferences = {
    expectedServers: effective.expectedServers ?? [],
    ...(effective.webmailUrl !== undefined ? { webmailUrl: effective.webmailUrl } : {}),
    ...(effective.supportEmail !== undefined ? { supportEmail: effective.supportEmail } : {}),
    ...(effective.supportUrl !== undefined ? { supportUrl: effective.supportUrl } : {}),
    adminToolsEnabled: effective.adminToolsEnabled ?? true,
    publicIpLookupEnabled: effective.publicIpLookupEnabled ?? true,
  };
  return { preferences, managedKeys, problems };
}

/** Validates one key; returns true when a valid value was taken. */
function applyKey(key: ManagedPreferenceKey, raw: unknown, effective: Effective, path: string, problems: ManagedPreferenceProblem[]): boolean {
  const parsed = KEY_SCHEMAS[key].safeParse(raw);
  if (!parsed.success) {
    problems.push({ path, key, reason: describeIssues(parsed.error) });
    return false;
  }
  switch (key) {
    case 'ExpectedServers': {
      const servers: ExpectedServer[] = [];
      z.array(z.unknown()).parse(raw).forEach((entry, index) => {
        const server = expectedServerSchema.safeParse(entry);
        if (server.success) servers.push(server.data);
        else problems.push({ path, key: `ExpectedServers[${index}]`, reason: describeIssues(server.error) });
      });
      effective.expectedServers = servers;
      return true;
    }
    case 'WebmailURL':
      effective.webmailUrl = KEY_SCHEMAS.WebmailURL.parse(raw);
      return true;
    case 'SupportEmail':
      effective.supportEmail = KEY_SCHEMAS.SupportEmail.parse(raw);
      return true;
    case 'SupportURL':
      effective.supportUrl = KEY_SCHEMAS.SupportURL.parse(raw);
      return true;
    case 'AdminToolsEnabled':
      effective.adminToolsEnabled = KEY_SCHEMAS.AdminToolsEnabled.parse(raw);
      return true;
    case 'PublicIPLookupEnabled':
      effective.publicIpLookupEnabled = KEY_SCHEMAS.PublicIPLookupEnabled.parse(raw);
      return true;
  }
}

function parsePreferencesFile(bytes: Uint8Array): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  const plain = parsePlistFile(bytes);
  if (!plain.ok) return { ok: false, reason: plain.error.message };
  const value = plain.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date || value instanceof Uint8Array) {
    return { ok: false, reason: 'the file is not a dictionary of settings' };
  }
  return { ok: true, value: { ...value } };
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}
