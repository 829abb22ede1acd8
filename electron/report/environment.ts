/**
 * The facts about this Mac that a support report carries besides the diagnosis: the macOS version and
 * the time zone (the helpdesk lines our timestamps up with its server logs), and — only when IT turns
 * them on with managed preferences — the host name and serial number a fleet inventory joins on. Works
 * in the app and in the CLI alike (no Electron API): the version comes from the same file `sw_vers` reads.
 */
import { readFile, readlink } from 'node:fs/promises';
import os from 'node:os';
import { parsePlistFile } from '../accounts/plistFile';
import type { ManagedPreferenceProblem } from '../../shared/model/managedPreferences';
import type { ReportEnvironment } from './reportModel';

export const SYSTEM_VERSION_PLIST = '/System/Library/CoreServices/SystemVersion.plist';
/** The Mac's time zone setting (System Settings › General › Date & Time) is this link into the zone database. */
export const LOCALTIME_LINK = '/etc/localtime';
/** Apple's registry tool; `-c IOPlatformExpertDevice` holds the serial number, no privileges needed. */
export const IOREG_TOOL = '/usr/sbin/ioreg';
const IOREG_TIMEOUT_MS = 3_000;

/** macOS's ProductVersion ("15.3.1"), or undefined when the file is absent (not a Mac) or unreadable. */
export async function readMacosVersion(systemVersionPlistPath: string = SYSTEM_VERSION_PLIST): Promise<string | undefined> {
  try {
    const parsed = await parsePlistFile(await readFile(systemVersionPlistPath));
    if (!parsed.ok) return undefined;
    const plain = parsed.value;
    if (plain !== null && typeof plain === 'object' && 'ProductVersion' in plain && typeof plain.ProductVersion === 'string') {
      return plain.ProductVersion;
    }
    return undefined;
  } catch {
    // Not a Mac, or a file we cannot read: the report says "unknown" rather than failing.
    return undefined;
  }
}

/**
 * The serial number from `ioreg -rd1 -c IOPlatformExpertDevice` output: the line
 * `"IOPlatformSerialNumber" = "C02XXXXXXXXX"`. Undefined when absent; only letters and digits are kept
 * (bounded, so a strange registry value cannot inject anything into a report).
 */
export function parseIoregSerialNumber(output: string): string | undefined {
  const match = /"IOPlatformSerialNumber"\s*=\s*"([^"\n]{1,64})"/.exec(output);
  const serial = match?.[1]?.replace(/[^A-Za-z0-9]/g, '');
  return serial === undefined || serial === '' ? undefined : serial;
}

/** Runs the registry tool (a fixed absolute path, never taken from the environment) and parses its answer. */
export async function readSerialNumber(tool: string = IOREG_TOOL): Promise<string | undefined> {
  // Loaded only when IT asked for the serial number (a managed preference).
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(tool, ['-rd1', '-c', 'IOPlatformExpertDevice'], { timeout: IOREG_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (error, stdout) => {
      resolve(error === null ? parseIoregSerialNumber(stdout) : undefined);
    });
  });
}

/**
 * The time zone this Mac is set to, as the IANA name its /etc/localtime link ends with
 * (`/var/db/timezone/zoneinfo/Europe/Paris` on macOS, `/usr/share/zoneinfo/Europe/Paris` on Linux): where ICU
 * itself looks. Read from the link rather than asked of Intl because ICU's first date formatter costs ~16 ms of
 * CPU, spent in the middle of a check (the CLI gathers these facts while it waits for the servers). A link that
 * does not end in a zone name, or no link, falls back to Intl.
 */
export async function readSystemTimeZone(localtimeLink: string = LOCALTIME_LINK): Promise<string> {
  try {
    const zone = /\/zoneinfo\/([A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+){0,2})$/.exec(await readlink(localtimeLink))?.[1];
    if (zone !== undefined) return zone;
  } catch {
    // Not a link (or none): ICU finds the zone its own way.
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export interface ReportEnvironmentExtras {
  /** Managed preference ReportIncludesHostName. Default false: the report carries no host name. */
  readonly includeHostName?: boolean;
  /** Managed preference ReportIncludesSerialNumber. Default false. */
  readonly includeSerialNumber?: boolean;
  /** Invalid managed-preference values to list in the report. */
  readonly managedPreferenceProblems?: readonly ManagedPreferenceProblem[];
  /** Injectable for tests: the host name and serial number sources. */
  readonly hostName?: () => string;
  readonly serialNumber?: () => Promise<string | undefined>;
  /** Injectable for tests: where the time zone link is. */
  readonly localtimeLink?: string;
}

export async function currentReportEnvironment(
  appVersion: string,
  now: Date = new Date(),
  systemVersionPlistPath: string = SYSTEM_VERSION_PLIST,
  extras: ReportEnvironmentExtras = {},
): Promise<ReportEnvironment> {
  const [macosVersion, timeZone, serialNumber] = await Promise.all([
    readMacosVersion(systemVersionPlistPath),
    readSystemTimeZone(extras.localtimeLink),
    extras.includeSerialNumber === true ? (extras.serialNumber ?? readSerialNumber)() : Promise.resolve(undefined),
  ]);
  const hostName = extras.includeHostName === true ? (extras.hostName ?? os.hostname)() : undefined;
  const problems = extras.managedPreferenceProblems ?? [];
  return {
    appVersion,
    ...(macosVersion === undefined ? {} : { macosVersion }),
    timeZone,
    generatedAt: now.toISOString(),
    ...(hostName === undefined || hostName === '' ? {} : { hostName: hostName.slice(0, 255) }),
    ...(serialNumber === undefined ? {} : { serialNumber }),
    ...(problems.length === 0 ? {} : { managedPreferenceProblems: problems }),
  };
}
