/**
 * Generates the two machine-readable files admins and fleet scripts use, from the code itself, so they
 * cannot drift from what the app does (a test regenerates them and compares with the committed files):
 *
 * - docs/report.schema.json: the JSON Schema of the support report (`mail-doctor diagnose --json`, the
 *   saved report, the scheduled run's cached report), from the TypeScript type SupportReportJson in
 *   electron/report/reportModel.ts (ts-json-schema-generator reads the types and their doc comments).
 * - build/mdm/MailDoctor-ManagedPreferences.schema.json: the managed-preferences manifest for MDM
 *   custom-settings editors (Jamf Pro "Custom Schema" and others that take JSON Schema), from the zod
 *   schema the app validates managed preferences with (electron/accounts/managedPreferences.ts).
 *
 * `npm run schemas` writes both; `npm run schemas -- --check` fails if a committed file is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';
import { z } from 'zod';
import { managedPreferencesSchema } from '../../electron/accounts/managedPreferences';
import { SUPPORT_REPORT_FORMAT, SUPPORT_REPORT_FORMAT_VERSION } from '../../electron/report/reportModel';
import { APP_BUNDLE_ID } from '../../shared/app';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const REPORT_SCHEMA_PATH = join(REPO_ROOT, 'docs', 'report.schema.json');
export const MANAGED_PREFERENCES_MANIFEST_PATH = join(REPO_ROOT, 'build', 'mdm', 'MailDoctor-ManagedPreferences.schema.json');

/** The support report's JSON Schema, strict (additionalProperties: false): it says exactly what this version writes. */
export function reportSchema(): Record<string, unknown> {
  const generated = createGenerator({
    path: join(REPO_ROOT, 'electron/report/reportModel.ts'),
    tsconfig: join(REPO_ROOT, 'electron/tsconfig.json'),
    type: 'SupportReportJson',
    // The typecheck step already checks the sources; the generator only reads the types.
    skipTypeCheck: true,
    additionalProperties: false,
    sortProps: true,
  }).createSchema('SupportReportJson');
  return {
    $schema: generated.$schema,
    title: `Mail Doctor support report (format "${SUPPORT_REPORT_FORMAT}", formatVersion ${SUPPORT_REPORT_FORMAT_VERSION})`,
    description:
      'What `mail-doctor diagnose --json` prints, the window saves and the scheduled run caches. Generated from the TypeScript types (npm run schemas). ' +
      'formatVersion changes only when a field is removed or renamed or changes type or meaning; added fields and new codes keep it, ' +
      'so a reader must ignore fields it does not know and treat an unknown code as not OK. This schema is strict for this version.',
    $ref: generated.$ref,
    definitions: generated.definitions,
  };
}

/** The managed-preferences manifest: JSON Schema (draft 7) with titles, descriptions and defaults. */
export function managedPreferencesManifest(): Record<string, unknown> {
  const schema = z.toJSONSchema(managedPreferencesSchema, { target: 'draft-7', io: 'input' });
  return {
    ...schema,
    title: 'Mail Doctor',
    description: `Managed preferences for Mail Doctor, preference domain ${APP_BUNDLE_ID} (docs/managed-preferences.md). Generated from the schema the app validates with (npm run schemas).`,
  };
}

export function serialize(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const outputs: [string, string][] = [
    [REPORT_SCHEMA_PATH, serialize(reportSchema())],
    [MANAGED_PREFERENCES_MANIFEST_PATH, serialize(managedPreferencesManifest())],
  ];
  let stale = 0;
  for (const [path, text] of outputs) {
    if (check) {
      const current = await readFile(path, 'utf8').catch(() => '');
      if (current !== text) {
        stale += 1;
        process.stderr.write(`${path} is out of date: run npm run schemas\n`);
      }
    } else {
      await writeFile(path, text);
      process.stdout.write(`wrote ${path}\n`);
    }
  }
  process.exitCode = stale === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) await main();
