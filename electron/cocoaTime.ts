/**
 * Apple's reference date: Cocoa (NSDate, Core Data) stores times as seconds since 2001-01-01 UTC,
 * not since 1970. Used for NSDate values in keyed archives and for Core Data columns in Mail's
 * SQLite stores.
 */

export const COCOA_EPOCH_UNIX_SECONDS = 978307200;

/** NSDate seconds (since 2001-01-01 UTC) as a Date. */
export function cocoaSecondsToDate(seconds: number): Date {
  return new Date(COCOA_EPOCH_UNIX_SECONDS * 1000 + seconds * 1000);
}

/**
 * Cocoa/Core Data seconds, or Unix seconds, as ISO 8601; undefined for anything that is not a
 * positive finite number. `guess`: values below 1e9 are Cocoa (research mail-own-evidence.md §4.2).
 */
export function secondsToIso(value: unknown, epoch: 'cocoa' | 'guess'): string | undefined {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
  const unixSeconds = epoch === 'cocoa' || seconds < 1e9 ? seconds + COCOA_EPOCH_UNIX_SECONDS : seconds;
  const date = new Date(unixSeconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
