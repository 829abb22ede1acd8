/**
 * What the support report adds for fleets: the one-code summary the extension attribute reads, the
 * host name and serial number only when IT asks for them, and the managed-preference values that were
 * ignored because they were invalid (issue 15, items 5 and "what admins expect").
 */
import { describe, expect, it } from 'vitest';
import type { DiagnosisRun } from '../../../shared/diagnosis/types';
import { currentReportEnvironment, parseIoregSerialNumber, readSerialNumber } from '../../../electron/report/environment';
import { summarizeRun } from '../../../electron/report/reportModel';
import { buildSupportReport } from '../../../electron/report/supportReport';
import { ADDRESS, ENVIRONMENT, realisticRun } from '../report/realisticRun';
import { runWithVerdicts } from './runs';

/** `ioreg -rd1 -c IOPlatformExpertDevice` as macOS 15 prints it (values invented). */
const IOREG_OUTPUT = `+-o J314sAP  <class IOPlatformExpertDevice, id 0x100000212, registered, matched, active, busy 0 (5 ms), retain 37>
  {
    "IOPlatformUUID" = "0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9"
    "IOPlatformSerialNumber" = "C02ZX0ABMD6T"
    "model" = <"MacBookPro18,3">
    "manufacturer" = <"Apple Inc.">
  }
`;

function runWith(codes: readonly string[], problems: DiagnosisRun['discoveryProblems'] = []): DiagnosisRun {
  return runWithVerdicts(codes, problems);
}

describe('report summary (what fleet tools read)', () => {
  it('is OK only when every account is OK, else the first verdict that is not', () => {
    expect(summarizeRun(runWith(['OK', 'OK']))).toEqual({ code: 'OK', accounts: 2, accountsNotOk: 0 });
    expect(summarizeRun(runWith(['OK', 'PASSWORDS_DIFFER', 'PORT_TIMEOUT']))).toEqual({ code: 'PASSWORDS_DIFFER', accounts: 3, accountsNotOk: 2 });
  });

  it('names why nothing was checked: Full Disk Access first, then no accounts, then not a Mac', () => {
    expect(summarizeRun(runWith(['OK'], [{ kind: 'full-disk-access-needed', path: '/Users/a/Library/Mail' }])).code).toBe('FULL_DISK_ACCESS_NEEDED');
    expect(summarizeRun(runWith([], [{ kind: 'no-mail-accounts-found', searched: [] }])).code).toBe('NO_ACCOUNTS');
    expect(summarizeRun(runWith([], [])).code).toBe('NO_ACCOUNTS');
    expect(summarizeRun(runWith([], [{ kind: 'not-macos' }])).code).toBe('NOT_MACOS');
  });

  it('is in the JSON and the Markdown of the report', () => {
    const { json, markdown } = buildSupportReport(runWith(['OK', 'PASSWORDS_DIFFER']), ENVIRONMENT, { maskIdentities: false });
    expect(json.summary).toEqual({ code: 'PASSWORDS_DIFFER', accounts: 2, accountsNotOk: 1 });
    // Markdown escapes the underscore.
    expect(markdown).toContain('PASSWORDS\\_DIFFER (1 of 2 accounts not OK)');
  });
});

describe('host name and serial number', () => {
  it('are absent unless IT turned them on', async () => {
    const env = await currentReportEnvironment('1.0.0', new Date(), '/nonexistent', {
      hostName: () => 'studio-mac-07',
      serialNumber: () => Promise.resolve('C02ZX0ABMD6T'),
    });
    expect(env).not.toHaveProperty('hostName');
    expect(env).not.toHaveProperty('serialNumber');
    const { json, markdown } = buildSupportReport(realisticRun(), env, { maskIdentities: false });
    expect(json.mac).toEqual({ macosVersion: null, timeZone: env.timeZone });
    expect(markdown).not.toContain('Host name');
  });

  it('are added, and shown in the Markdown, when the managed preferences ask for them', async () => {
    const env = await currentReportEnvironment('1.0.0', new Date(), '/nonexistent', {
      includeHostName: true,
      includeSerialNumber: true,
      hostName: () => 'studio-mac-07',
      serialNumber: () => Promise.resolve('C02ZX0ABMD6T'),
    });
    const { json, markdown } = buildSupportReport(realisticRun(), env, { maskIdentities: true });
    expect(json.mac).toMatchObject({ hostName: 'studio-mac-07', serialNumber: 'C02ZX0ABMD6T' });
    expect(markdown).toMatch(/Host name \| studio-mac-07/);
    expect(markdown).toMatch(/Serial number \| C02ZX0ABMD6T/);
  });

  it("reads the serial number from ioreg's real output shape, and nothing from garbage", () => {
    expect(parseIoregSerialNumber(IOREG_OUTPUT)).toBe('C02ZX0ABMD6T');
    expect(parseIoregSerialNumber('"IOPlatformSerialNumber" = "C02;rm -rf /"')).toBe('C02rmrf');
    expect(parseIoregSerialNumber('no registry here')).toBeUndefined();
  });

  it('gives no serial number (and no error) where the registry tool does not exist', async () => {
    await expect(readSerialNumber('/nonexistent/ioreg')).resolves.toBeUndefined();
  });
});

describe('invalid managed preferences', () => {
  it('are listed in the JSON and the Markdown (the list used to be built and never read)', async () => {
    const problems = [
      { path: '/Library/Managed Preferences/com.maildoctor.app.plist', key: 'WebmailURL', reason: 'Invalid URL' },
      { path: '/Library/Managed Preferences/alice/com.maildoctor.app.plist', reason: 'the file is not a dictionary of settings' },
    ];
    const env = await currentReportEnvironment('1.0.0', new Date(), '/nonexistent', { managedPreferenceProblems: problems });
    const { json, markdown } = buildSupportReport(realisticRun(), env, { maskIdentities: false });
    expect(json.managedPreferenceProblems).toEqual(problems);
    expect(markdown).toContain('Managed preferences ignored (invalid values)');
    expect(markdown).toContain('com.maildoctor.app.plist WebmailURL: Invalid URL');
  });

  it('are an empty list when every value was valid', () => {
    const { json, markdown } = buildSupportReport(realisticRun(), ENVIRONMENT, { maskIdentities: false });
    expect(json.managedPreferenceProblems).toEqual([]);
    expect(markdown).not.toContain('Managed preferences ignored');
    expect(json.accounts[0]?.emailAddress).toBe(ADDRESS);
  });
});
