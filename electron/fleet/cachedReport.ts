/**
 * The scheduled run's report (`--save-report`): the support report's JSON, written atomically (temporary
 * file, flushed, renamed) to the known per-user path, so the extension attribute reading it at any moment
 * sees either the previous complete report or the new complete one, never half of one.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomically } from '../report/reportFile';
import type { SupportReportJson } from '../report/reportModel';

export type CachedReportOutcome = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly path: string; readonly reason: string };

export async function saveCachedReport(path: string, report: SupportReportJson): Promise<CachedReportOutcome> {
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  } catch (error) {
    return { ok: false, path, reason: error instanceof Error ? error.message : String(error) };
  }
  const written = await writeFileAtomically(path, `${JSON.stringify(report, null, 2)}\n`);
  return written.ok ? { ok: true, path } : { ok: false, path, reason: written.error.message };
}
