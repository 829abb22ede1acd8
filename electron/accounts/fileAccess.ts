import { readdir, readFile } from 'node:fs/promises';

/**
 * File reading with the outcome macOS privacy protection produces kept distinct: without Full Disk
 * Access, reads under ~/Library/Mail and ~/Library/Accounts fail with EPERM ("Operation not
 * permitted"). EACCES (plain Unix permissions) is treated the same way: either way the user has to
 * grant access, and the discovery problem names the path.
 */

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
    return classifyFsError(error);
  }
}

export async function readDirectoryOutcome(fs: FileSystemReader, path: string): Promise<ReadOutcome<readonly string[]>> {
  try {
    return { kind: 'read', value: await fs.readDirectory(path) };
  } catch (error) {
    return classifyFsError(error);
  }
}

function classifyFsError(error: unknown): ReadOutcome<never> {
  const code = errorCode(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
  if (code === 'EPERM' || code === 'EACCES') return { kind: 'permission-denied', code };
  return { kind: 'error', reason: code ?? (error instanceof Error ? error.message : String(error)) };
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}
