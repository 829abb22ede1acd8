/**
 * Opens a consistent, read-only snapshot of a live SQLite store (Accounts4.sqlite, Envelope Index)
 * from private copies. Both stores run in WAL mode and their newest rows often live only in the
 * `-wal` file; sql.js opens a byte array and cannot see a side file, so the committed WAL frames are
 * merged into the copied bytes first (format: sqlite.org/fileformat2.html §4 "The Write-Ahead Log").
 */
import { readFile, stat } from 'node:fs/promises';
import initSqlJs from 'sql.js';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import { copyToTemp, describeError, outcomeForFsError } from './fileAccess';
import type { EvidenceSourceOutcome } from '../../shared/model/evidence';

const WAL_HEADER_BYTES = 32;
const WAL_FRAME_HEADER_BYTES = 24;
const WAL_MAGIC_LITTLE_ENDIAN_CHECKSUMS = 0x377f0682;
const WAL_MAGIC_BIG_ENDIAN_CHECKSUMS = 0x377f0683;

/** SQLite's WAL checksum: pairs of 32-bit words summed into two running 32-bit accumulators. */
function walChecksum(
  bytes: Uint8Array,
  start: number,
  end: number,
  bigEndian: boolean,
  seed: readonly [number, number],
): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let s0 = seed[0];
  let s1 = seed[1];
  for (let offset = start; offset + 8 <= end; offset += 8) {
    s0 = (s0 + view.getUint32(offset, !bigEndian) + s1) >>> 0;
    s1 = (s1 + view.getUint32(offset + 4, !bigEndian) + s0) >>> 0;
  }
  return [s0, s1];
}

/**
 * Returns the database bytes with every committed, checksum-valid WAL frame applied and the header
 * switched to rollback-journal mode (bytes 18/19 = 1) so SQLite does not look for a WAL. Frames after
 * the last commit frame (a transaction in progress, a torn write) and frames of an older WAL
 * generation (other salts) are ignored, exactly as SQLite's own recovery does.
 */
export function mergeWal(database: Uint8Array, wal: Uint8Array | undefined): Uint8Array {
  let merged = database;
  if (wal !== undefined && wal.byteLength >= WAL_HEADER_BYTES) {
    const view = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
    const magic = view.getUint32(0, false);
    const pageSize = view.getUint32(8, false);
    const validPageSize = pageSize >= 512 && pageSize <= 65536 && (pageSize & (pageSize - 1)) === 0;
    if ((magic === WAL_MAGIC_LITTLE_ENDIAN_CHECKSUMS || magic === WAL_MAGIC_BIG_ENDIAN_CHECKSUMS) && validPageSize) {
      const bigEndian = magic === WAL_MAGIC_BIG_ENDIAN_CHECKSUMS;
      const salt1 = view.getUint32(16, false);
      const salt2 = view.getUint32(20, false);
      let checksum = walChecksum(wal, 0, 24, bigEndian, [0, 0]);
      if (checksum[0] === view.getUint32(24, false) && checksum[1] === view.getUint32(28, false)) {
        const pending = new Map<number, number>();
        const committed = new Map<number, number>();
        let committedPageCount = 0;
        const frameBytes = WAL_FRAME_HEADER_BYTES + pageSize;
        for (let frame = WAL_HEADER_BYTES; frame + frameBytes <= wal.byteLength; frame += frameBytes) {
          if (view.getUint32(frame + 8, false) !== salt1 || view.getUint32(frame + 12, false) !== salt2) break;
          checksum = walChecksum(wal, frame, frame + 8, bigEndian, checksum);
          checksum = walChecksum(wal, frame + WAL_FRAME_HEADER_BYTES, frame + frameBytes, bigEndian, checksum);
          if (checksum[0] !== view.getUint32(frame + 16, false) || checksum[1] !== view.getUint32(frame + 20, false)) break;
          const pageNumber = view.getUint32(frame, false);
          if (pageNumber === 0) break;
          pending.set(pageNumber, frame + WAL_FRAME_HEADER_BYTES);
          const pageCountAfterCommit = view.getUint32(frame + 4, false);
          if (pageCountAfterCommit !== 0) {
            for (const [page, offset] of pending) committed.set(page, offset);
            pending.clear();
            committedPageCount = pageCountAfterCommit;
          }
        }
        if (committedPageCount > 0) {
          const result = new Uint8Array(committedPageCount * pageSize);
          result.set(database.subarray(0, Math.min(database.byteLength, result.byteLength)));
          for (const [page, offset] of committed) {
            if (page <= committedPageCount) result.set(wal.subarray(offset, offset + pageSize), (page - 1) * pageSize);
          }
          merged = result;
        }
      }
    }
  }
  if (merged.byteLength >= 100 && (merged[18] === 2 || merged[19] === 2)) {
    if (merged === database) merged = database.slice();
    merged[18] = 1;
    merged[19] = 1;
  }
  return merged;
}

let sqlJsLoading: Promise<SqlJsStatic> | undefined;

/** sql.js compiles its WebAssembly once per process. */
export function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJsLoading ??= initSqlJs();
  return sqlJsLoading;
}

export type SnapshotResult =
  | { readonly ok: true; readonly database: Database }
  | { readonly ok: false; readonly outcome: EvidenceSourceOutcome };

export interface SnapshotOptions {
  /** Where the private copies go (default: the OS temp folder). */
  readonly tempRoot?: string;
  /** Larger stores are not loaded: sql.js holds the whole database in memory. */
  readonly maxBytes?: number;
}

/** 512 MiB: far above a normal Accounts4 (a few MB) and most Envelope Indexes, far below what would hurt. */
export const DEFAULT_SNAPSHOT_MAX_BYTES = 512 * 1024 * 1024;

/**
 * Copies `path` with its `-wal` and `-shm` to a private temp folder, merges the WAL and opens the
 * result in sql.js. Never throws; the caller closes the database.
 */
export async function openSqliteSnapshot(
  path: string,
  absentReason: string,
  options: SnapshotOptions = {},
): Promise<SnapshotResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_SNAPSHOT_MAX_BYTES;
  try {
    const size = (await stat(path)).size;
    if (size > maxBytes) {
      return { ok: false, outcome: { kind: 'unreadable', reason: `store is ${size} bytes, more than the ${maxBytes} this reader loads` } };
    }
  } catch (error) {
    return { ok: false, outcome: outcomeForFsError(error, path, absentReason) };
  }
  let copy;
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
    const merged = mergeWal(databaseBytes, walBytes);
    if (merged.byteLength === 0) return { ok: false, outcome: { kind: 'unreadable', reason: 'the store is empty' } };
    const SQL = await loadSqlJs();
    const database = new SQL.Database(merged);
    try {
      // Forces SQLite to parse the header now, so a garbage file is reported here, not mid-query.
      database.exec('SELECT count(*) FROM sqlite_master');
    } catch (error) {
      database.close();
      return { ok: false, outcome: { kind: 'unreadable', reason: `not a readable SQLite database (${describeError(error)})` } };
    }
    return { ok: true, database };
  } catch (error) {
    return { ok: false, outcome: { kind: 'unreadable', reason: describeError(error) } };
  } finally {
    await copy.dispose();
  }
}

/** Column names of `table`, lower-cased; empty when the table does not exist. */
export function tableColumns(database: Database, table: string): Set<string> {
  const columns = new Set<string>();
  const statement = database.prepare(`SELECT name FROM pragma_table_info(?)`);
  try {
    statement.bind([table]);
    while (statement.step()) {
      const name = statement.get()[0];
      if (typeof name === 'string') columns.add(name.toLowerCase());
    }
  } finally {
    statement.free();
  }
  return columns;
}

/** Runs a query and returns its rows as arrays (bounded by the caller's GROUP BY / WHERE). */
export function queryRows(database: Database, sql: string, params: readonly SqlValue[] = []): SqlValue[][] {
  const rows: SqlValue[][] = [];
  const statement = database.prepare(sql);
  try {
    statement.bind([...params]);
    while (statement.step()) rows.push(statement.get());
  } finally {
    statement.free();
  }
  return rows;
}

/** Cocoa/Core Data seconds since 2001-01-01 UTC, or Unix seconds, to ISO. Values below 1e9 are Cocoa (see research §4.2). */
export function secondsToIso(value: SqlValue, epoch: 'cocoa' | 'guess'): string | undefined {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
  const unixSeconds = epoch === 'cocoa' || seconds < 1e9 ? seconds + COCOA_EPOCH_UNIX_SECONDS : seconds;
  const date = new Date(unixSeconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export const COCOA_EPOCH_UNIX_SECONDS = 978307200;
