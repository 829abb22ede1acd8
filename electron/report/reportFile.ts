/**
 * Saving the support report to a file the person chose: the suggested name, the format that follows
 * the chosen extension, and an atomic write (a crash or a full disk never leaves half a report where
 * an older, complete one was).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { ReportDocuments } from '../../shared/ipc/contract';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';

export type ReportFileFormat = 'markdown' | 'json';

/** The save dialog's file types; the first is the default (Markdown reads well pasted into a ticket). */
export const REPORT_FILE_FILTERS = [
  { name: 'Markdown', extensions: ['md'] },
  { name: 'JSON', extensions: ['json'] },
] as const;

/** "Mail Doctor report 2026-03-04.md", with the person's local date. */
export function defaultReportFileName(now: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `Mail Doctor report ${String(now.getFullYear())}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.md`;
}

/** `.json` (any case) gets the JSON report; every other name the Markdown one. */
export function reportFormatOf(path: string): ReportFileFormat {
  return extname(path).toLowerCase() === '.json' ? 'json' : 'markdown';
}

export function reportContents(documents: ReportDocuments, format: ReportFileFormat): string {
  return format === 'json' ? `${documents.json}\n` : documents.markdown;
}

/**
 * Writes `text` to `path` through a temporary file in the same folder, flushed to disk, then renamed
 * over the target (rename is atomic within one file system). The temporary file is removed on failure.
 */
export async function writeFileAtomically(path: string, text: string): Promise<Result<void, 'save-failed'>> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let created = false;
  try {
    const handle = await open(temp, 'wx');
    created = true;
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    return ok(undefined);
  } catch (error: unknown) {
    if (created) await unlink(temp).catch(() => undefined);
    return err('save-failed', `The report could not be saved there${describeFileError(error)}. Choose another folder and try again.`);
  }
}

function isFileError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}

/** The system's reason in plain words, never the path (the dialog showed the person where). */
function describeFileError(error: unknown): string {
  if (!isFileError(error)) return '';
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return ' (Mail Doctor may not write in that folder)';
    case 'ENOSPC':
      return ' (the disk is full)';
    case 'ENOENT':
      return ' (that folder no longer exists)';
    case 'EROFS':
      return ' (that disk is read-only)';
    case undefined:
    default:
      return '';
  }
}
