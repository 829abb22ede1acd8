/**
 * Reading Mail's files with the outcomes that matter to the user kept apart. Without Full Disk
 * Access, macOS privacy protection (TCC) refuses reads under ~/Library/Mail and ~/Library/Accounts
 * with EPERM ("Operation not permitted"); plain Unix permissions answer EACCES. Either way the user
 * has to grant access, and the finding names the path. ENOENT/ENOTDIR mean the file is simply absent.
 * Used by the account readers (electron/accounts) and the evidence readers (electron/evidence).
 *
 * Every file is opened before it is judged, and judged before it is read (`openRegularFile`): it must be a
 * regular file within a size limit, checked with fstat on the opened descriptor (so a file swapped after a
 * check cannot slip through), opened non-blocking (a FIFO would otherwise hang the open forever), and read
 * no further than the limit (a file that grows while read, or lies about its size, is refused). A home
 * folder given with --home is anyone's: `/dev/zero` as Accounts4.sqlite or a FIFO as a log is a clear
 * "not a regular file" outcome, never a hang or gigabytes of memory.
 */
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open, readdir } from 'node:fs/promises';
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

/** Why a file was opened but not read: it is not a regular file, or it is larger than the reader allows. */
export class FileRefusedError extends Error {
  constructor(
    readonly reason: 'not-regular' | 'too-large',
    message: string,
  ) {
    super(message);
    this.name = 'FileRefusedError';
  }
}

/** Whole-file reads through `nodeFileSystem`: Mail's account stores and preference files are far smaller. */
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

function describeSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${bytes} bytes`;
}

function kindOf(stats: { isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean; isDirectory(): boolean }): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isDirectory()) return 'a folder';
  return 'not a regular file';
}

export interface OpenedRegularFile {
  readonly handle: FileHandle;
  readonly size: number;
  readonly modified: Date;
}

/**
 * Opens `path` for reading only if it is a regular file of at most `maxBytes` (fstat on the opened
 * descriptor). Throws the fs error (ENOENT, EPERM...) or a FileRefusedError; the caller closes the handle.
 */
export async function openRegularFile(path: string, maxBytes: number): Promise<OpenedRegularFile> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new FileRefusedError('not-regular', `${basename(path)} is ${kindOf(stats)}, not a regular file`);
    if (stats.size > maxBytes) {
      throw new FileRefusedError('too-large', `${basename(path)} is ${describeSize(stats.size)}, more than the ${describeSize(maxBytes)} Mail Doctor reads`);
    }
    return { handle, size: stats.size, modified: stats.mtime };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Reads from an opened file until its end, never more than `maxBytes` (more is refused, not cut). */
export async function readToEnd(opened: OpenedRegularFile, path: string, maxBytes: number): Promise<Uint8Array> {
  // Sized for the file as fstat saw it (+1 to notice growth); it may be read more than once if it grew.
  const buffer = Buffer.allocUnsafe(Math.min(maxBytes, opened.size) + 1);
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { bytesRead } = await opened.handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    total += bytesRead;
    if (total > maxBytes) throw new FileRefusedError('too-large', `${basename(path)} grew past the ${describeSize(maxBytes)} Mail Doctor reads`);
    chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}

/** The whole of a regular file of at most `maxBytes`; see `openRegularFile`. */
export async function readRegularFile(path: string, maxBytes: number = DEFAULT_MAX_FILE_BYTES): Promise<Uint8Array> {
  const opened = await openRegularFile(path, maxBytes);
  try {
    return await readToEnd(opened, path, maxBytes);
  } finally {
    await opened.handle.close();
  }
}

/** A short, secret-free description of why a file could not be read (never the file's content). */
export function describeError(error: unknown): string {
  if (error instanceof FileRefusedError) return error.message;
  const code = errnoCode(error);
  if (code !== undefined) return code;
  if (error instanceof Error) return error.message.slice(0, 200);
  return 'unknown error';
}

/** The outcome for a failed read of `path`: FDA for EPERM/EACCES, absent for ENOENT, unreadable otherwise. */
export function outcomeForFsError(error: unknown, path: string, absentReason: string): EvidenceSourceOutcome {
  if (isAccessDenied(error)) return { kind: 'full-disk-access-needed', path };
  if (isNotFound(error)) return { kind: 'absent', reason: absentReason };
  if (error instanceof FileRefusedError) return { kind: 'unreadable', reason: error.message };
  return { kind: 'unreadable', reason: `${basename(path)}: ${describeError(error)}` };
}

/** The reads the account readers need, as a seam so tests can hand them an in-memory or refusing file system. */
export interface FileSystemReader {
  readFile(path: string): Promise<Uint8Array>;
  readDirectory(path: string): Promise<readonly string[]>;
}

export const nodeFileSystem: FileSystemReader = {
  readFile: (path) => readRegularFile(path),
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
