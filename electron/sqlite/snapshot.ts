/**
 * Opens a consistent, read-only snapshot of a live SQLite store (Accounts4.sqlite, Envelope Index).
 * accountsd and Mail keep these stores open and write to them, so we never open the originals: the
 * database and its `-wal`/`-shm` are copied into a private temp folder, read into memory, the
 * committed WAL frames are folded in (wal.ts) and the image is opened with sql.js (sqlJs.ts).
 */
import { copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { EvidenceSourceOutcome } from '../../shared/model/evidence';
import { describeError, isNotFound, outcomeForFsError } from '../fileAccess';
import { loadSqlJs, type Database } from './sqlJs';
import { applyWriteAheadLog } from './wal';

/** 512 MiB: far above a normal Accounts4 (a few MB) and most Envelope Indexes, far below what would hurt. */
export const DEFAULT_SNAPSHOT_MAX_BYTES = 512 * 1024 * 1024;

export interface ImageOptions {
  /** Larger stores are not loaded: sql.js holds the whole database in memory. */
  readonly maxBytes?: number;
}

export interface SnapshotOptions extends ImageOptions {
  /** Where the private copies go (default: the OS temp folder). */
  readonly tempRoot?: string;
}

export type ImageResult = { readonly ok: true; readonly database: Database } | { readonly ok: false; readonly reason: string };

export type SnapshotResult =
  | { readonly ok: true; readonly database: Database }
  | { readonly ok: false; readonly outcome: EvidenceSourceOutcome };

function tooLarge(size: number, maxBytes: number): string {
  return `store is ${size} bytes, more than the ${maxBytes} this reader loads`;
}

/**
 * Opens database bytes already in memory, with their WAL (null/undefined when there is none), in
 * sql.js. Never throws; the caller closes the database.
 */
export async function openDatabaseImage(
  databaseBytes: Uint8Array,
  walBytes: Uint8Array | null | undefined,
  options: ImageOptions = {},
): Promise<ImageResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_SNAPSHOT_MAX_BYTES;
  if (databaseBytes.byteLength > maxBytes) return { ok: false, reason: tooLarge(databaseBytes.byteLength, maxBytes) };
  try {
    const { image } = applyWriteAheadLog(databaseBytes, walBytes);
    if (image.byteLength === 0) return { ok: false, reason: 'the store is empty' };
    const SQL = await loadSqlJs();
    const database = new SQL.Database(image);
    try {
      // Forces SQLite to parse the header now, so a garbage file is reported here, not mid-query.
      database.exec('SELECT count(*) FROM sqlite_master');
    } catch (error) {
      database.close();
      return { ok: false, reason: `not a readable SQLite database (${describeError(error)})` };
    }
    return { ok: true, database };
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  }
}

/**
 * Copies `path` with its `-wal` and `-shm` to a private temp folder, folds in the WAL and opens the
 * result in sql.js. A missing store is `absent` with `absentReason`. Never throws; the caller closes
 * the database.
 */
export async function openSqliteSnapshot(path: string, absentReason: string, options: SnapshotOptions = {}): Promise<SnapshotResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_SNAPSHOT_MAX_BYTES;
  try {
    const size = (await stat(path)).size;
    // Checked before copying: a huge store is neither copied nor loaded.
    if (size > maxBytes) return { ok: false, outcome: { kind: 'unreadable', reason: tooLarge(size, maxBytes) } };
  } catch (error) {
    return { ok: false, outcome: outcomeForFsError(error, path, absentReason) };
  }
  let copy: TempCopy;
  try {
    copy = await copyToTemp(path, [`${path}-wal`, `${path}-shm`], options.tempRoot);
  } catch (error) {
    return { ok: false, outcome: outcomeForFsError(error, path, absentReason) };
  }
  try {
    const [databaseCopy, walCopy] = copy.copies;
    if (databaseCopy === undefined) return { ok: false, outcome: { kind: 'absent', reason: absentReason } };
    const databaseBytes = new Uint8Array(await readFile(databaseCopy));
    const walBytes = walCopy === undefined ? undefined : new Uint8Array(await readFile(walCopy));
    const opened = await openDatabaseImage(databaseBytes, walBytes, { maxBytes });
    return opened.ok ? opened : { ok: false, outcome: { kind: 'unreadable', reason: opened.reason } };
  } catch (error) {
    return { ok: false, outcome: { kind: 'unreadable', reason: describeError(error) } };
  } finally {
    await copy.dispose();
  }
}

interface TempCopy {
  /** Paths of the copies, in the order of the sources; undefined where the optional source did not exist. */
  readonly copies: readonly (string | undefined)[];
  dispose(): Promise<void>;
}

/**
 * Copies `required` and each of `optional` (that exists) into a fresh private temp folder
 * (mkdtemp creates it 0700: the copies hold mail data). Throws the fs error of the required file;
 * missing optional files (an SQLite database without -wal/-shm) are normal.
 */
async function copyToTemp(required: string, optional: readonly string[], tempRoot?: string): Promise<TempCopy> {
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
