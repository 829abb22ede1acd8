/**
 * Folds a SQLite write-ahead log into a copy of its database image.
 *
 * Why this is hand-written: Mail's stores (Accounts4.sqlite, the Envelope Index) run in WAL mode and
 * their newest committed rows often live only in the `-wal` side file. We open them with sql.js
 * (SQLite compiled to WebAssembly, see sqlJs.ts), which opens a byte array and cannot read a side
 * file; a native SQLite module that could is deliberately avoided (it must be rebuilt for Electron's
 * ABI and shipped for both Mac architectures). SQLite's WAL format is documented and frozen
 * (https://www.sqlite.org/fileformat2.html#walformat); replaying it is what SQLite itself does on
 * open. The `-shm` file is only an index over the WAL that SQLite rebuilds from the WAL, so it is not
 * needed here.
 *
 * Rules (from the format document): the WAL header's magic says the checksum byte order; a frame is
 * valid when its salts equal the header's and its cumulative checksum matches; only frames up to the
 * last valid *commit* frame (non-zero "database size") count. A writer's uncommitted frames (an open
 * transaction holding a lock), a torn trailing frame and frames of an older WAL generation (other
 * salts) are ignored, exactly as SQLite's own recovery does.
 */

const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;
const MAGIC_LITTLE_ENDIAN_CHECKSUMS = 0x377f0682;
const MAGIC_BIG_ENDIAN_CHECKSUMS = 0x377f0683;
const DATABASE_HEADER_BYTES = 100;
/** Offsets 18 and 19 of the database header: file format write/read version (1 = rollback journal, 2 = WAL). */
const DB_HEADER_WRITE_VERSION = 18;
const DB_HEADER_READ_VERSION = 19;

export interface WalReplay {
  /** A new array (the input is never modified): the database with the committed frames applied. */
  readonly image: Uint8Array;
  /** Committed frames applied from the WAL (0 when there was no usable WAL). */
  readonly framesApplied: number;
  /** Why the WAL was not used, when it was present but unusable. */
  readonly walIgnoredReason?: string;
}

/**
 * Returns the database bytes with every committed, checksum-valid WAL frame applied and the header
 * switched to rollback-journal mode, so SQLite does not look for a WAL. `wal` null/undefined/empty
 * means there is no WAL.
 */
export function applyWriteAheadLog(database: Uint8Array, wal: Uint8Array | null | undefined): WalReplay {
  const unchanged = (walIgnoredReason?: string): WalReplay => ({
    image: asRollbackJournal(new Uint8Array(database)),
    framesApplied: 0,
    ...(walIgnoredReason === undefined ? {} : { walIgnoredReason }),
  });
  if (wal === null || wal === undefined || wal.length === 0) return unchanged();
  if (wal.length < WAL_HEADER_BYTES) return unchanged('WAL shorter than its header');

  const header = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const magic = header.getUint32(0);
  if (magic !== MAGIC_LITTLE_ENDIAN_CHECKSUMS && magic !== MAGIC_BIG_ENDIAN_CHECKSUMS) return unchanged('WAL magic number not recognised');
  const bigEndianChecksums = magic === MAGIC_BIG_ENDIAN_CHECKSUMS;
  const pageSize = header.getUint32(8);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return unchanged(`WAL page size ${pageSize} is invalid`);
  const salt1 = header.getUint32(16);
  const salt2 = header.getUint32(20);
  let checksum = walChecksum(wal.subarray(0, 24), [0, 0], bigEndianChecksums);
  if (checksum[0] !== header.getUint32(24) || checksum[1] !== header.getUint32(28)) return unchanged('WAL header checksum mismatch');

  // Collect frames; remember the page contents as of the last commit seen so far.
  const pending = new Map<number, Uint8Array>();
  const committed = new Map<number, Uint8Array>();
  let committedPageCount = 0;
  let framesApplied = 0;
  let framesSinceCommit = 0;
  const frameBytes = FRAME_HEADER_BYTES + pageSize;
  // `offset + frameBytes <= length`: a torn trailing frame (a write cut short) is never read.
  for (let offset = WAL_HEADER_BYTES; offset + frameBytes <= wal.length; offset += frameBytes) {
    const frameHeader = new DataView(wal.buffer, wal.byteOffset + offset, FRAME_HEADER_BYTES);
    if (frameHeader.getUint32(8) !== salt1 || frameHeader.getUint32(12) !== salt2) break;
    const page = wal.subarray(offset + FRAME_HEADER_BYTES, offset + frameBytes);
    checksum = walChecksum(wal.subarray(offset, offset + 8), checksum, bigEndianChecksums);
    checksum = walChecksum(page, checksum, bigEndianChecksums);
    if (checksum[0] !== frameHeader.getUint32(16) || checksum[1] !== frameHeader.getUint32(20)) break;
    const pageNumber = frameHeader.getUint32(0);
    if (pageNumber === 0) break;
    pending.set(pageNumber, page);
    framesSinceCommit += 1;
    const pageCountAfterCommit = frameHeader.getUint32(4);
    if (pageCountAfterCommit !== 0) {
      for (const [committedPage, contents] of pending) committed.set(committedPage, contents);
      pending.clear();
      framesApplied += framesSinceCommit;
      framesSinceCommit = 0;
      committedPageCount = pageCountAfterCommit;
    }
  }
  if (committedPageCount === 0) return unchanged();

  const result = new Uint8Array(committedPageCount * pageSize);
  result.set(database.subarray(0, Math.min(database.length, result.length)));
  for (const [pageNumber, page] of committed) {
    if (pageNumber > committedPageCount) continue;
    result.set(page, (pageNumber - 1) * pageSize);
  }
  return { image: asRollbackJournal(result), framesApplied };
}

/** The image now holds everything; mark it as a rollback-journal database so SQLite looks for no WAL. */
function asRollbackJournal(image: Uint8Array): Uint8Array {
  if (image.length >= DATABASE_HEADER_BYTES && (image[DB_HEADER_WRITE_VERSION] === 2 || image[DB_HEADER_READ_VERSION] === 2)) {
    image[DB_HEADER_WRITE_VERSION] = 1;
    image[DB_HEADER_READ_VERSION] = 1;
  }
  return image;
}

/** SQLite's WAL checksum: a Fibonacci-weighted sum over 32-bit words, carried from frame to frame. */
function walChecksum(bytes: Uint8Array, seed: readonly [number, number], bigEndian: boolean): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let s0 = seed[0];
  let s1 = seed[1];
  for (let i = 0; i + 8 <= bytes.length; i += 8) {
    s0 = (s0 + view.getUint32(i, !bigEndian) + s1) >>> 0;
    s1 = (s1 + view.getUint32(i + 4, !bigEndian) + s0) >>> 0;
  }
  return [s0, s1];
}
