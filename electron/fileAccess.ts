/**
 * Reading Mail's files with the outcomes that matter to the user kept apart. Without Full Disk
 * Access, macOS privacy protection (TCC) refuses reads under ~/Library/Mail and ~/Library/Accounts
 * with EPERM ("Operation not permitted"); plain Unix permissions answer EACCES. Either way the user
 * has to grant access, and the finding names the path. ENOENT/ENOTDIR mean the file is simply absent.
 * Used by the account readers (electron/accounts) and the evidence readers (electron/evidence).
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { EvidenceSourceOutcome } from '../shared/model/evidence';
import { errnoCode } from './errors';

/** EPERM (privacy protection) or EACCES (Unix permissions): both mean "grant Full Disk Access". */
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

/** The reads the account readers need, as a seam so tests can hand them an in-memory or refusing file system. */
export interface FileSystemReader {
  readFile(path: string): Promise<Uint8Array>;
  readDirectory(path: string): Promise<readonly string[]>;
}

export const nodeFileSystem: FileSystemReader = {
  readFile: async (path) => new Uint8Array(await readFile(path)),
  readDirectory: async (path) => readdir(path),
};

export type ReadOutcome<T> =
  | { readonly kind: 'read'; readonly value: T }
  | { readonly kind: 'missing' }
  | { readonly kind: 'permission-denied'; readonly code: string }
  | { readonly kind: 'error'; readonly reason: string };

export async function readFileOutcome(fs: FileSystemReader, path: string): Promise<ReadOutcome<Uint8Array>> {
  try {
    return { kind: 'read', value: await fs.readFile(path) };
  } catch (error) {
    return readFailure(error);
  }
}

export async function readDirectoryOutcome(fs: FileSystemReader, path: string): Promise<ReadOutcome<readonly string[]>> {
  try {
    return { kind: 'read', value: await fs.readDirectory(path) };
  } catch (error) {
    return readFailure(error);
  }
}

function readFailure(error: unknown): ReadOutcome<never> {
  if (isNotFound(error)) return { kind: 'missing' };
  if (isAccessDenied(error)) return { kind: 'permission-denied', code: errnoCode(error) ?? 'EPERM' };
  return { kind: 'error', reason: describeError(error) };
}
