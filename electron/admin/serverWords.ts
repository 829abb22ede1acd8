/**
 * What a cPanel/WHM server wrote (its errors, messages, reasons, notes, page titles), made safe to keep:
 * printable, bounded, and scrubbed of every secret this call carried (the token, a password being set),
 * in every encoding electron/keychain/secretForms.ts knows. Servers are untrusted input: an error page may
 * quote a form field, a proxy may echo the Authorization header.
 */
import { createSecretScrubber } from '../keychain/secretForms';
import type { Secret } from '../keychain/secret';

/** Longest server text kept, per item. */
export const MAX_WORDS_CHARS = 300;
/** Most items kept from one list (errors[], messages[]). */
export const MAX_WORDS_ITEMS = 10;

export interface ServerWordsCleaner {
  /** One server text, printable, bounded and scrubbed. */
  text(value: string): string;
  /** A server's list (or single string, or null): each item cleaned, empty ones dropped, at most MAX_WORDS_ITEMS. */
  list(value: unknown): string[];
  /** True once any text cleaned here had a secret in it. */
  readonly scrubbed: boolean;
}

export function serverWordsCleaner(secrets: readonly Secret[]): ServerWordsCleaner {
  const scrubber = createSecretScrubber(secrets.filter((secret) => !secret.isEmpty));
  let scrubbed = false;
  const text = (value: string): string => {
    // Scrub before cutting: a cut could split a secret and leave a piece no form would match.
    const result = scrubber.scrub(value);
    if (result.scrubbed) scrubbed = true;
    return printable(result.text);
  };
  return {
    text,
    list(value) {
      const items = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
      return items
        .filter((item): item is string | number => typeof item === 'string' || typeof item === 'number')
        .map((item) => text(String(item)))
        .filter((item) => item.length > 0)
        .slice(0, MAX_WORDS_ITEMS);
    },
    get scrubbed() {
      return scrubbed;
    },
  };
}

/** Control characters become spaces, runs of white space one space, and the text is cut at MAX_WORDS_CHARS. */
export function printable(value: string): string {
  const flat = value.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > MAX_WORDS_CHARS ? `${flat.slice(0, MAX_WORDS_CHARS - 1)}…` : flat;
}
