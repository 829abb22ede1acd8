/**
 * The two generated schemas (build/scripts/generateSchemas.ts): committed files equal what the code
 * generates today, the report schema accepts real reports and bites on drift, and the managed-preferences
 * manifest accepts exactly what the app's own reader accepts.
 */
import { readFile } from 'node:fs/promises';
import Ajv from 'ajv';
import { parse as parsePlist } from 'plist';
import { describe, expect, it } from 'vitest';
import {
  MANAGED_PREFERENCES_MANIFEST_PATH,
  REPORT_SCHEMA_PATH,
  managedPreferencesManifest,
  reportSchema,
  serialize,
} from '../../../build/scripts/generateSchemas';
import { MANAGED_PREFERENCE_SCHEMAS } from '../../../electron/accounts/managedPreferences';
import { buildSupportReport } from '../../../electron/report/supportReport';
import { APP_BUNDLE_ID } from '../../../shared/app';
import { reportSchemaErrors } from '../../schemas/validateReport';
import { ENVIRONMENT, realisticRun } from '../report/realisticRun';

const plainJson = (value: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

describe('docs/report.schema.json', () => {
  it('is what the report types generate today (run `npm run schemas` after changing them)', async () => {
    expect(await readFile(REPORT_SCHEMA_PATH, 'utf8')).toBe(serialize(reportSchema()));
  }, 30_000);

  it('accepts a full report, masked or not, with and without the optional fleet fields', () => {
    for (const maskIdentities of [false, true]) {
      const { json } = buildSupportReport(realisticRun(), ENVIRONMENT, { maskIdentities });
      expect(reportSchemaErrors(plainJson(json))).toEqual([]);
    }
    const fleet = buildSupportReport(
      realisticRun(),
      { ...ENVIRONMENT, hostName: 'studio-mac-07', serialNumber: 'C02ZX0ABMD6T', managedPreferenceProblems: [{ path: '/p', key: 'K', reason: 'r' }] },
      { maskIdentities: false },
    );
    expect(reportSchemaErrors(plainJson(fleet.json))).toEqual([]);
  });

  it('bites: an undeclared field, a missing field, a wrong type and an unknown code are refused', () => {
    const { json } = buildSupportReport(realisticRun(), ENVIRONMENT, { maskIdentities: false });
    const extra = { ...plainJson(json), debugDump: 'x' };
    expect(reportSchemaErrors(extra).join('\n')).toMatch(/additional properties/);
    const missing = plainJson(json);
    delete missing.summary;
    expect(reportSchemaErrors(missing).join('\n')).toMatch(/summary/);
    expect(reportSchemaErrors({ ...plainJson(json), formatVersion: 2 }).join('\n')).toMatch(/formatVersion/);
    const unknownCode = plainJson(json) as { summary: { code: string } };
    unknownCode.summary.code = 'NOT_A_CODE';
    expect(reportSchemaErrors(unknownCode)).not.toEqual([]);
  });
});

describe('build/mdm/MailDoctor-ManagedPreferences.schema.json', () => {
  const validate = () => new Ajv({ allErrors: true, strict: false, formats: { uri: true, email: true } }).compile(managedPreferencesManifest());

  it('is what the zod schema generates today (run `npm run schemas` after changing it)', async () => {
    expect(await readFile(MANAGED_PREFERENCES_MANIFEST_PATH, 'utf8')).toBe(serialize(managedPreferencesManifest()));
  });

  it('lists every key the app reads, each with a title and a description for the settings editor', () => {
    const manifest = managedPreferencesManifest() as { properties: Record<string, { title?: string; description?: string }> };
    expect(Object.keys(manifest.properties).sort()).toEqual(Object.keys(MANAGED_PREFERENCE_SCHEMAS).sort());
    for (const [key, property] of Object.entries(manifest.properties)) {
      expect(property.title, key).toMatch(/\w/);
      expect(property.description, key).toMatch(/\w/);
    }
  });

  it('accepts the example profile and refuses what the app refuses', async () => {
    const profile = parsePlist(await readFile(new URL('../../../build/mdm/MailDoctor-ManagedPreferences.mobileconfig', import.meta.url), 'utf8')) as {
      PayloadContent: { PayloadContent: Record<string, { Forced: { mcx_preference_settings: Record<string, unknown> }[] }> }[];
    };
    const settings = profile.PayloadContent[0]?.PayloadContent[APP_BUNDLE_ID]?.Forced[0]?.mcx_preference_settings;
    const check = validate();
    expect(check(settings), JSON.stringify(check.errors)).toBe(true);
    for (const bad of [
      { WebmailURL: 'http://webmail.example.com/' },
      { NoLogin: 'YES' },
      { ExpectedServers: [{ Domain: 'example.com' }] },
      { DNSServers: new Array(5).fill('192.0.2.1') },
    ]) {
      expect(check(bad), JSON.stringify(bad)).toBe(false);
      const [key, value] = Object.entries(bad)[0] ?? [];
      expect(MANAGED_PREFERENCE_SCHEMAS[key as keyof typeof MANAGED_PREFERENCE_SCHEMAS].safeParse(value).success, key).toBe(false);
    }
  });
});
