/**
 * The facts about this Mac that a support report carries besides the diagnosis: the macOS version and
 * the time zone (the helpdesk lines our timestamps up with its server logs). Works in the app and in the
 * CLI alike (no Electron API): the version comes from the same file `sw_vers` reads.
 */
import { readFile } from 'node:fs/promises';
import { parse as parsePlist } from 'plist';
import type { ReportEnvironment } from './reportModel';

export const SYSTEM_VERSION_PLIST = '/System/Library/CoreServices/SystemVersion.plist';

/** macOS's ProductVersion ("15.3.1"), or undefined when the file is absent (not a Mac) or unreadable. */
export async function readMacosVersion(systemVersionPlistPath: string = SYSTEM_VERSION_PLIST): Promise<string | undefined> {
  try {
    const parsed: unknown = parsePlist(await readFile(systemVersionPlistPath, 'utf8'));
    if (parsed !== null && typeof parsed === 'object' && 'ProductVersion' in parsed && typeof parsed.ProductVersion === 'string') {
      return parsed.ProductVersion;
    }
    return undefined;
  } catch {
    // Not a Mac, or a file we cannot read: the report says "unknown" rather than failing.
    return undefined;
  }
}

export async function currentReportEnvironment(
  appVersion: string,
  now: Date = new Date(),
  systemVersionPlistPath: string = SYSTEM_VERSION_PLIST,
): Promise<ReportEnvironment> {
  const macosVersion = await readMacosVersion(systemVersionPlistPath);
  return {
    appVersion,
    ...(macosVersion === undefined ? {} : { macosVersion }),
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    generatedAt: now.toISOString(),
  };
}
