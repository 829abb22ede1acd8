/**
 * File-system helpers shared by the evidence readers: turning an fs error into an
 * EvidenceSourceOutcome, and making private temp copies of Mail's files (Mail and accountsd keep
 * them open and write to them; we only ever read our own copies).
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { EvidenceSourceOutcome } from '../../shared/model/evidence';

export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** macOS privacy protection (TCC) answers EPERM; plain Unix permissions answer EACCES. Both mean "grant Full Disk Access". */
export function isAccessDenied(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'EPERM' || code === 'EACCES';
}

export function isNotFound(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** A short, secret-free description of why a file could not be read (never the file's content). */
export function describeError(error: unknown): string {
  const code = errnoCode(error);
  if (code !== undefined) return code;
  if (error instanceof Error) return error.message.slice(0, 200);
  return 'unknown error';
}

/** The outcome for a failed read of `path`: FDA for EPERM/EACCES, absent for ENOENT, unreadable otherwise. */
export function outcomeForFsError(error: unknown, path: string, absentReason: string): EvidenceSourceOutcome {
  if (isAccessDenied(error)) return { kind: 'full-disk-access-needed', path };
  if (isNotFound(error)) return { kind: 'absent', reason: absentReason };
  return { kind: 'unreadable', reason: `${basename(path)}: ${describeError(error)}` };
}

export interface TempCopy {
  /** Paths of the copies, in the order of the sources; undefined where the optional source did not exist. */
  readonly copies: readonly (string | undefined)[];
  dispose(): Promise<void>;
}

/**
 * Copies `required` and each of `optional` (that exists) into a fresh private temp folder
 * (mkdtemp creates it 0700: the copies hold mail data). Throws the fs error of the required file;
 * missing optional files (an SQLite database without -wal/-shm) are normal.
 */
export async function copyToTemp(required: string, optional: readonly string[], tempRoot?: string): Promise<TempCopy> {
  const folder = await mkdtemp(join(tempRoot ?? tmpdir(), 'mail-doctor-evidence-'));
  const dispose = (): Promise<void> => rm(folder, { recursive: true, force: true });
  try {
    const copies: (string | undefined)[] = [];
    const target = join(folder, basename(required));
    await copyFile(required, target);
    copies.push(target);
    for (const source of optional) {
      const optionalTarget = join(folder, basename(source));
      try {
        await copyFile(source, optionalTarget);
        copies.push(optionalTarget);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        copies.push(undefined);
      }
    }
    return { copies, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
