/**
 * Opens a consistent, read-only snapshot of a live SQLite store (Accounts4.sqlite, Envelope Index).
 * accountsd and Mail keep these stores open and write to them, so we never open the originals with
 * SQLite: the database and its `-wal` are read into memory, the committed WAL frames are folded in
 * (wal.ts) and the image is opened with sql.js (sqlJs.ts).
 */
import type { EvidenceSourceOutcome } from '../../shared/model/evidence';
import { describeError, isNotFound, outcomeForFsError, readRegularFile } from '../fileAccess';
import { loadSqlJs, type Database } from './sqlJs';
import { applyWriteAheadLog } from './wal';

/** 512 MiB: far above a normal Accounts4 (a few MB) and most Envelope Indexes, far below what would hurt. */
export const DEFAULT_SNAPSHOT_MAX_BYTES = 512 * 1024 * 1024;

export interface ImageOptions {
  /** Larger stores are not loaded: sql.js holds the whole database in memory. */
  readonly maxBytes?: number;
}

export type SnapshotOptions = ImageOptions;

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
 * Reads `path` and its `-wal` (when there is one) into memory, folds in the WAL and opens the result in
 * sql.js. A missing store is `absent` with `absentReason`; a store that is not a regular file or is larger
 * than `maxBytes` is `unreadable` with the reason (fileAccess.ts: checked on the opened descriptor, so a
 * FIFO or /dev/zero given through --home never hangs or fills memory). Never throws; the caller closes the
 * database.
 *
 * Nothing is copied to disk: a copy in the temp folder would put Mail's protected data where any process
 * of the user can read it, without Full Disk Access. The `-shm` index is not needed (wal.ts reads the frames).
 */
export async function openSqliteSnapshot(path: string, absentReason: string, options: SnapshotOptions = {}): Promise<SnapshotResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_SNAPSHOT_MAX_BYTES;
  let databaseBytes: Uint8Array;
  try {
    databaseBytes = await readRegularFile(path, maxBytes);
  } catch (error) {
    return { ok: false, outcome: outcomeForFsError(error, path, absentReason) };
  }
  let walBytes: Uint8Array | undefined;
  try {
    walBytes = await readRegularFile(`${path}-wal`, maxBytes);
  } catch (error) {
    // A database without a WAL is normal; any other problem with the WAL makes the snapshot unreliable.
    if (!isNotFound(error)) return { ok: false, outcome: outcomeForFsError(error, `${path}-wal`, absentReason) };
  }
  const opened = await openDatabaseImage(databaseBytes, walBytes, { maxBytes });
  return opened.ok ? opened : { ok: false, outcome: { kind: 'unreadable', reason: opened.reason } };
}
