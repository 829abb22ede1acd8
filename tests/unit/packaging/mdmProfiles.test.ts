/**
 * The MDM files IT uploads: parsed as property lists (the `plist` package, as macOS would read the XML),
 * checked for the keys and types Apple's profile schemas require, and the managed-preferences example fed
 * through Mail Doctor's own reader exactly as macOS would write it to /Library/Managed Preferences.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as buildPlist, parse as parsePlist } from 'plist';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MANAGED_PREFERENCE_SCHEMAS, readManagedPreferences } from '../../../electron/accounts/managedPreferences';
import { APP_BUNDLE_ID } from '../../../shared/app';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const mdmDir = join(root, 'build/mdm');
const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/i;

const payloadBase = {
  PayloadIdentifier: z.string().min(1),
  PayloadUUID: z.string().regex(UUID),
  PayloadVersion: z.literal(1),
  PayloadDisplayName: z.string().min(1),
};

function profileSchema<T extends z.ZodType>(payload: T) {
  return z.strictObject({
    ...payloadBase,
    PayloadType: z.literal('Configuration'),
    PayloadScope: z.literal('System'),
    PayloadDescription: z.string().min(1),
    PayloadContent: z.array(payload).length(1),
  });
}

const tccIdentity = z.strictObject({
  Identifier: z.literal(APP_BUNDLE_ID),
  IdentifierType: z.literal('bundleID'),
  CodeRequirement: z.string(),
  Authorization: z.literal('Allow'),
  StaticCode: z.boolean(),
  Comment: z.string(),
});

const pppcProfile = profileSchema(
  z.strictObject({
    ...payloadBase,
    PayloadType: z.literal('com.apple.TCC.configuration-profile-policy'),
    Services: z.strictObject({ SystemPolicyAllFiles: z.array(tccIdentity).length(1) }),
  }),
);

const managedPreferencesProfile = profileSchema(
  z.strictObject({
    ...payloadBase,
    PayloadType: z.literal('com.apple.ManagedClient.preferences'),
    PayloadContent: z.strictObject({
      [APP_BUNDLE_ID]: z.strictObject({ Forced: z.array(z.strictObject({ mcx_preference_settings: z.record(z.string(), z.unknown()) })).length(1) }),
    }),
  }),
);

async function readProfile(name: string): Promise<unknown> {
  return parsePlist(await readFile(join(mdmDir, name), 'utf8'));
}

function allPayloadUuids(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(allPayloadUuids);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => (key === 'PayloadUUID' && typeof child === 'string' ? [child] : allPayloadUuids(child)));
}

describe('build/mdm/MailDoctor-PPPC.mobileconfig', () => {
  it('grants Full Disk Access (SystemPolicyAllFiles) to the app bundle id, with a code requirement to fill in', async () => {
    const profile = pppcProfile.parse(await readProfile('MailDoctor-PPPC.mobileconfig'));
    const identity = profile.PayloadContent[0]?.Services.SystemPolicyAllFiles[0];
    expect(identity?.CodeRequirement).toBe(
      `identifier "${APP_BUNDLE_ID}" and anchor apple generic and certificate leaf[subject.OU] = "TEAMID"`,
    );
    expect(identity?.StaticCode).toBe(false);
  });
});

describe('build/mdm/MailDoctor-ManagedPreferences.mobileconfig', () => {
  it('is a ManagedClient.preferences payload for the app domain', async () => {
    managedPreferencesProfile.parse(await readProfile('MailDoctor-ManagedPreferences.mobileconfig'));
  });

  it("sets every documented key, and Mail Doctor's own reader accepts every value without a problem", async () => {
    const profile = managedPreferencesProfile.parse(await readProfile('MailDoctor-ManagedPreferences.mobileconfig'));
    const settings = profile.PayloadContent[0]?.PayloadContent[APP_BUNDLE_ID].Forced[0]?.mcx_preference_settings;
    expect(Object.keys(settings ?? {}).sort()).toEqual(Object.keys(MANAGED_PREFERENCE_SCHEMAS).sort());
    // macOS flattens the forced settings into /Library/Managed Preferences/<domain>.plist: do the same.
    const dir = await mkdtemp(join(tmpdir(), 'md-managed-'));
    try {
      await writeFile(join(dir, `${APP_BUNDLE_ID}.plist`), buildPlist(settings as Parameters<typeof buildPlist>[0]));
      const read = await readManagedPreferences({ dirs: [dir] });
      expect(read.problems).toEqual([]);
      expect(Object.keys(read.managedKeys).sort()).toEqual(Object.keys(settings ?? {}).sort());
      expect(read.preferences.expectedServers).toEqual([
        {
          domain: 'example.com',
          incomingHost: 'mail.example.com',
          incomingPort: 993,
          incomingTls: 'implicit',
          outgoingHost: 'mail.example.com',
          outgoingPort: 465,
          outgoingTls: 'implicit',
        },
      ]);
      expect(read.preferences.adminToolsEnabled).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('profile identifiers', () => {
  it('every PayloadUUID is a valid UUID and unique across both profiles', async () => {
    const uuids = [
      ...allPayloadUuids(await readProfile('MailDoctor-PPPC.mobileconfig')),
      ...allPayloadUuids(await readProfile('MailDoctor-ManagedPreferences.mobileconfig')),
    ];
    expect(uuids).toHaveLength(4);
    for (const uuid of uuids) expect(uuid).toMatch(UUID);
    expect(new Set(uuids.map((uuid) => uuid.toUpperCase())).size).toBe(4);
  });
});
