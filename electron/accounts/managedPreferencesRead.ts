/**
 * Reading IT's managed preferences (managedPreferences.ts says what they are and how they are validated): the
 * files, their precedence and the defaults, without zod. The schemas (managedPreferences.ts, with zod) load only
 * once a preferences file exists: most Macs, and every CLI run off a Mac, have none, and loading zod costs a run's
 * start-up tens of milliseconds (docs/benchmarks.md, "Cold start").
 */
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { APP_BUNDLE_ID } from '../../shared/app';
import type { ManagedPreferenceKey, ManagedPreferenceProblem, ManagedPreferences, ManagedPreferencesRead } from '../../shared/model/managedPreferences';
import type { FileSystemReader } from '../fileAccess';
import { nodeFileSystem, readFileOutcome } from '../fileAccess';
import { parsePlistFile } from './plistFile';

export const MANAGED_PREFERENCES_ROOT = '/Library/Managed Preferences';

export function defaultManagedPreferencesDirs(userName: string = safeUserName()): readonly string[] {
  return userName === '' ? [MANAGED_PREFERENCES_ROOT] : [MANAGED_PREFERENCES_ROOT, join(MANAGED_PREFERENCES_ROOT, userName)];
}

export const MANAGED_PREFERENCE_DEFAULTS: ManagedPreferences = {
  expectedServers: [],
  adminToolsEnabled: true,
  publicIpLookupEnabled: true,
  noLogin: false,
  noKeychain: false,
  maskIdentities: false,
  trustedCaPems: [],
  dnsServers: [],
  captivePortalCheckEnabled: true,
  webmailCheckEnabled: true,
  autoconfigLookupEnabled: true,
  reportHostName: false,
  reportSerialNumber: false,
  scheduledDiagnosisEnabled: true,
};

export interface ManagedPreferencesOptions {
  /** Folders to look in, highest priority first (default: device folder, then the user's folder). */
  readonly dirs?: readonly string[];
  readonly fs?: FileSystemReader;
}

export async function readManagedPreferences(options: ManagedPreferencesOptions = {}): Promise<ManagedPreferencesRead> {
  const fs = options.fs ?? nodeFileSystem;
  const dirs = options.dirs ?? defaultManagedPreferencesDirs();
  const problems: ManagedPreferenceProblem[] = [];
  const managedKeys: Partial<Record<ManagedPreferenceKey, string>> = {};
  let preferences: ManagedPreferences = MANAGED_PREFERENCE_DEFAULTS;

  for (const dir of dirs) {
    const path = join(dir, `${APP_BUNDLE_ID}.plist`);
    const file = await readFileOutcome(fs, path);
    if (file.kind === 'missing') continue;
    if (file.kind !== 'read') {
      problems.push({ path, reason: file.kind === 'permission-denied' ? `cannot read the file (${file.code})` : file.reason });
      continue;
    }
    const dict = await parsePreferencesFile(file.value);
    if (!dict.ok) {
      problems.push({ path, reason: dict.reason });
      continue;
    }
    // zod, with the schemas, loads only here: most Macs (and every run off a Mac) have no such file, and
    // loading it costs a run's start-up tens of milliseconds (docs/benchmarks.md, "Cold start").
    const { MANAGED_KEYS, validateKey } = await import('./managedPreferences');
    for (const key of MANAGED_KEYS) {
      if (managedKeys[key] !== undefined || !(key in dict.value)) continue;
      const applied = validateKey(key, dict.value[key], path, problems);
      if (applied === null) continue;
      preferences = { ...preferences, ...applied };
      managedKeys[key] = path;
    }
  }
  return { preferences, managedKeys, problems };
}

async function parsePreferencesFile(bytes: Uint8Array): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; reason: string }> {
  const plain = await parsePlistFile(bytes);
  if (!plain.ok) return { ok: false, reason: plain.error.message };
  const value = plain.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date || value instanceof Uint8Array) {
    return { ok: false, reason: 'the file is not a dictionary of settings' };
  }
  return { ok: true, value: { ...value } };
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}
