/**
 * Validates a support report (what `--json` prints, what the scheduled run caches) against the published
 * schema docs/report.schema.json, with ajv as a fleet script's own validator would. Every test that parses
 * the CLI's JSON calls it (tests/integration/cli/support.ts), so the schema is checked against real output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';

const SCHEMA_PATH = join(import.meta.dirname, '..', '..', 'docs', 'report.schema.json');

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled === undefined) {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object;
    compiled = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
  }
  return compiled;
}

/** The schema's complaints about `value` (empty when it is a valid report). */
export function reportSchemaErrors(value: unknown): string[] {
  const validate = validator();
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}

/** Throws with every complaint when `value` is not a valid report. */
export function assertValidReport(value: unknown): void {
  const errors = reportSchemaErrors(value);
  if (errors.length > 0) throw new Error(`the report does not match docs/report.schema.json:\n${errors.slice(0, 20).join('\n')}`);
}
