/**
 * Turning catalog templates into the words a person reads. Catalog texts keep `{name}` placeholders;
 * params keep times as ISO strings, so the window can show them in the user's own locale and time zone
 * while tests (and the CLI) use a fixed, deterministic format.
 */
import type { PlainParams } from '../diagnosis/types';

/** Formats an ISO time for people. The renderer passes a locale-aware one; tests pass a fixed one. */
export type TimeFormatter = (iso: string) => string;

export interface TextFormatOptions {
  readonly formatTime: TimeFormatter;
  /**
   * Whether the reader has an "Open Webmail" button that works (the window: IT set a webmail address in
   * managed preferences). Absent for the CLI and the report, which offer no buttons: their words may still
   * send the person to webmail. A next step never names a place its button cannot open.
   */
  readonly canOpenWebmail?: boolean;
}

/**
 * A param holds a time when its name ends in "At" or "After" (rejectedAt, liftsAt, safeAfter...).
 * Naming is the contract, so a new time param is formatted without touching this file.
 */
export function isTimeParam(name: string): boolean {
  return /(?:At|After)$/.test(name);
}

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** Replaces `{name}` with the param's value (times through `formatTime`). Unknown names stay visible. */
export function formatCatalogText(template: string, params: PlainParams, options: TextFormatOptions): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    if (!Object.hasOwn(params, name)) return whole;
    const value = params[name];
    if (value === undefined) return whole;
    if (typeof value === 'string') return isTimeParam(name) ? options.formatTime(value) : value;
    if (typeof value === 'number') return String(value);
    return value ? 'yes' : 'no';
  });
}

/** Placeholders a rendered text still contains (a test and the property test check there are none). */
export function unreplacedPlaceholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[0]);
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

/**
 * The deterministic default: "2026-03-04 08:32 UTC". Used by the CLI, the report and tests; the window
 * re-renders catalog texts with the user's locale.
 */
export const formatTimeUtc: TimeFormatter = (iso) => {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())} ${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())} UTC`;
};

export const DEFAULT_TEXT_FORMAT: TextFormatOptions = { formatTime: formatTimeUtc };

/** Milliseconds as people say them: "850 ms", "5 seconds", "1.5 seconds". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 100) / 10;
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}
