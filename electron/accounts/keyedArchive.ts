import { parseBuffer, UID } from 'bplist-parser';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { cocoaSecondsToDate } from '../cocoaTime';
import { errorMessageOf } from '../errors';

/**
 * Decodes the values accountsd stores in Accounts4.sqlite (`ZACCOUNTPROPERTY.ZVALUE`,
 * `ZACCOUNT.ZDATACLASSPROPERTIES`): binary plists written by NSKeyedArchiver.
 *
 * bplist-parser does the byte-level parsing (including the UID type). What is ours is the small
 * NSKeyedArchiver layer on top: `$top.root` is a UID into `$objects`; objects refer to each other by
 * UID; containers are dictionaries with a `$class` UID naming NSDictionary/NSArray/NSString/NSDate/
 * NSData. Rules follow mac_apt's ccl_bplist `deserialise_NsKeyedArchiver`.
 */

export type ArchivedValue =
  | string
  | number
  | boolean
  | null
  | Date
  | Uint8Array
  | readonly ArchivedValue[]
  | { readonly [key: string]: ArchivedValue };

export type DecodeErrorCode = 'not-bplist' | 'malformed';

/** A real archive nests a few levels; anything deeper is garbage (or a reference cycle). */
const MAX_DEPTH = 64;

/** "bplist", compared byte by byte: discovery checks every stored value, so no copy or string per check. */
const BPLIST_MAGIC = [0x62, 0x70, 0x6c, 0x69, 0x73, 0x74] as const;

export function looksLikeBinaryPlist(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && BPLIST_MAGIC.every((byte, index) => bytes[index] === byte);
}

/** Parses any binary plist (keyed archive or not) into plain values, UIDs kept as UID objects. */
export function parseBinaryPlist(bytes: Uint8Array): Result<unknown, DecodeErrorCode> {
  if (!looksLikeBinaryPlist(bytes)) return err('not-bplist', 'not a binary property list');
  try {
    // A Buffer view of the same bytes, not a copy: the parser only reads them. Data values come back as views into
    // them; decodeArchiveObject (every caller's next step) copies those (plain).
    const parsed: unknown[] = parseBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if (parsed.length === 0) return err('malformed', 'binary property list has no top object');
    return ok(parsed[0]);
  } catch (error) {
    return err('malformed', `binary property list could not be parsed: ${errorMessageOf(error)}`);
  }
}

/**
 * Decodes a value column: an NSKeyedArchiver bplist, a plain bplist, or, when the bytes are not a
 * bplist at all, UTF-8 text (some readers report plain text values "in some versions"; UNCONFIRMED,
 * so both shapes are accepted).
 */
export function decodeStoredValue(bytes: Uint8Array | string | number | null): Result<ArchivedValue, DecodeErrorCode> {
  if (bytes === null) return ok(null);
  if (typeof bytes === 'string' || typeof bytes === 'number') return ok(bytes);
  if (!looksLikeBinaryPlist(bytes)) {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    return ok(text);
  }
  const parsed = parseBinaryPlist(bytes);
  if (!parsed.ok) return parsed;
  return decodeArchiveObject(parsed.value);
}

/** Turns a parsed plist top object into plain values, resolving NSKeyedArchiver UIDs when present. */
export function decodeArchiveObject(top: unknown): Result<ArchivedValue, DecodeErrorCode> {
  try {
    if (isRecord(top) && top['$archiver'] !== undefined && Array.isArray(top['$objects']) && isRecord(top['$top'])) {
      const objects: readonly unknown[] = top['$objects'];
      const rootRef = top['$top']['root'] ?? firstValue(top['$top']);
      return ok(resolve(rootRef, objects, 0));
    }
    return ok(plain(top, 0));
  } catch (error) {
    return err('malformed', `keyed archive could not be decoded: ${errorMessageOf(error)}`);
  }
}

class ArchiveShapeError extends Error {}

function resolve(value: unknown, objects: readonly unknown[], depth: number): ArchivedValue {
  if (depth > MAX_DEPTH) throw new ArchiveShapeError('nested too deeply (reference cycle?)');
  if (value instanceof UID) {
    const target = objects[value.UID];
    if (target === undefined) throw new ArchiveShapeError(`UID ${value.UID} points outside $objects`);
    if (target === '$null') return null;
    return resolve(target, objects, depth + 1);
  }
  if (Array.isArray(value)) return value.map((item) => resolve(item, objects, depth + 1));
  if (!isRecord(value)) return plain(value, depth);

  const className = classNameOf(value, objects);
  if ('NS.keys' in value && 'NS.objects' in value) {
    const keys = asArray(value['NS.keys']);
    const values = asArray(value['NS.objects']);
    if (keys.length !== values.length) throw new ArchiveShapeError('NSDictionary keys and objects differ in length');
    const out: Record<string, ArchivedValue> = {};
    keys.forEach((keyRef, index) => {
      const key = resolve(keyRef, objects, depth + 1);
      out[keyText(key)] = resolve(values[index], objects, depth + 1);
    });
    return out;
  }
  if ('NS.objects' in value) return asArray(value['NS.objects']).map((item) => resolve(item, objects, depth + 1));
  if ('NS.string' in value) return resolve(value['NS.string'], objects, depth + 1);
  if ('NS.bytes' in value) return resolve(value['NS.bytes'], objects, depth + 1);
  if ('NS.data' in value) return resolve(value['NS.data'], objects, depth + 1);
  if ('NS.time' in value) {
    const seconds = value['NS.time'];
    if (typeof seconds !== 'number') throw new ArchiveShapeError('NSDate without a numeric NS.time');
    return cocoaSecondsToDate(seconds);
  }
  if (className === 'NSNull') return null;
  // An object of a class we do not model (e.g. a custom account class): keep its fields, minus $class.
  const out: Record<string, ArchivedValue> = {};
  for (const [key, field] of Object.entries(value)) {
    if (key === '$class') continue;
    out[key] = resolve(field, objects, depth + 1);
  }
  return out;
}

function plain(value: unknown, depth: number): ArchivedValue {
  if (depth > MAX_DEPTH) throw new ArchiveShapeError('nested too deeply');
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value;
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (value instanceof UID) return value.UID;
  if (Array.isArray(value)) return value.map((item) => plain(item, depth + 1));
  if (isRecord(value)) {
    const out: Record<string, ArchivedValue> = {};
    for (const [key, field] of Object.entries(value)) out[key] = plain(field, depth + 1);
    return out;
  }
  throw new ArchiveShapeError(`unexpected value of type ${typeof value}`);
}

function classNameOf(value: Record<string, unknown>, objects: readonly unknown[]): string | undefined {
  const ref = value['$class'];
  if (!(ref instanceof UID)) return undefined;
  const classInfo = objects[ref.UID];
  if (!isRecord(classInfo)) return undefined;
  const name = classInfo['$classname'];
  return typeof name === 'string' ? name : undefined;
}

function keyText(key: ArchivedValue): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'boolean') return String(key);
  throw new ArchiveShapeError('NSDictionary key is not a string');
}

function asArray(value: unknown): readonly unknown[] {
  if (!Array.isArray(value)) throw new ArchiveShapeError('expected an array of references');
  return value;
}

function firstValue(record: Record<string, unknown>): unknown {
  return Object.values(record)[0];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array) && !(value instanceof UID);
}
