/**
 * Every form in which a secret (a password, an API token) can come back to us in text, and the one
 * scrubber that removes them.
 *
 * Why: servers are untrusted input. A refusal may echo the client's own AUTH line (the base64 of
 * `\0user\0password`), a POP3 server may echo `PASS <password>`, an HTTP error page may quote a form
 * field URL-encoded, a library error may carry the command it sent. Every server text is scrubbed
 * against this run's secrets before it is stored (electron/probes), and every exit (CLI, report, IPC,
 * logs) checks again and fails closed.
 *
 * Forms searched: verbatim, JSON-escaped, URL-encoded (`%20` and `+` for space), quoted-printable,
 * hex (either case), and base64 / base64url at each of the three byte alignments (so the secret is found
 * inside any longer base64 blob such as SASL PLAIN or LOGIN). With the user name known, the whole SASL
 * PLAIN blob (`\0user\0password` and `user\0user\0password`) is a form of its own, so the scrub removes
 * the blob, not just the password's part of it — for a password of any length, including one too short for
 * its fragments to be searched (1–3 characters), whose standalone base64 (the AUTH LOGIN line) is searched too.
 */
import { Buffer } from 'node:buffer';
import { Secret } from './secret';

/** What replaces a secret in any text that leaves the process. */
export const REDACTED_MARK = '[redacted]';

/**
 * Encoded forms of values this short would match ordinary text by chance; such a secret is still
 * removed verbatim (failing closed: a garbled reply is better than a leaked password).
 */
export const MIN_ENCODED_FORM_LENGTH = 4;

export type SecretEncoding =
  | 'verbatim'
  | 'JSON-escaped'
  | 'URL-encoded'
  | 'form-encoded'
  | 'quoted-printable'
  | 'hex'
  | 'base64'
  | 'base64url'
  | 'sasl-plain';

export interface SecretForm {
  readonly form: string;
  readonly encoding: SecretEncoding;
  /** Hex dumps come in either case (`security -w` prints lower case, others upper case). */
  readonly caseInsensitive: boolean;
}

/** A secret and, when known, the user name it is sent with (for the SASL PLAIN blob). */
export interface HeldSecret {
  readonly secret: Secret | string;
  readonly username?: string;
}

/**
 * The base64 text a secret produces wherever it sits inside a longer base64 blob: base64 works on 3-byte
 * groups, so there are three alignments; for each, keep only the characters fixed by the secret's own bits.
 */
function base64Fragments(secret: Buffer): string[] {
  const fragments: string[] = [];
  for (let prefixBytes = 0; prefixBytes < 3; prefixBytes += 1) {
    const encoded = Buffer.concat([Buffer.alloc(prefixBytes), secret]).toString('base64');
    const firstChar = Math.ceil((prefixBytes * 8) / 6);
    const endChar = Math.floor(((prefixBytes + secret.length) * 8) / 6);
    const fragment = encoded.slice(firstChar, endChar);
    if (fragment.length >= MIN_ENCODED_FORM_LENGTH) fragments.push(fragment);
  }
  return fragments;
}

/** Quoted-printable (RFC 2045): printable ASCII except `=` stays, every other byte is `=XX`. */
function quotedPrintable(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    out += byte >= 33 && byte <= 126 && byte !== 61 ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function reveal(held: Secret | string): string {
  // The one reason to reveal a secret outside a login: to search for it, so it is not sent anywhere.
  return held instanceof Secret ? held.reveal() : held;
}

/** Every form of `value` worth searching for, longest first, without duplicates. */
export function secretForms(value: string, username?: string): SecretForm[] {
  if (value.length === 0) return [];
  const forms: SecretForm[] = [{ form: value, encoding: 'verbatim', caseInsensitive: false }];
  const add = (form: string, encoding: SecretEncoding, caseInsensitive = false): void => {
    if (form.length >= MIN_ENCODED_FORM_LENGTH) forms.push({ form, encoding, caseInsensitive });
  };
  if (value.length >= MIN_ENCODED_FORM_LENGTH) {
    const bytes = Buffer.from(value, 'utf8');
    add(JSON.stringify(value).slice(1, -1), 'JSON-escaped');
    add(encodeURIComponent(value), 'URL-encoded');
    add(encodeURIComponent(value).replace(/%20/g, '+'), 'form-encoded');
    add(quotedPrintable(bytes), 'quoted-printable');
    add(bytes.toString('hex'), 'hex', true);
    for (const fragment of base64Fragments(bytes)) {
      add(fragment, 'base64');
      add(fragment.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url');
    }
  } else {
    // Too short for its fragments to be told from chance, but a login still sends it whole: AUTH LOGIN
    // sends the password's own base64 as a line of its own, so that exact text (padded or not) goes too.
    const encoded = Buffer.from(value, 'utf8').toString('base64');
    add(encoded, 'base64');
    add(encoded.replace(/=+$/, ''), 'base64');
  }
  // The SASL PLAIN blob is long enough to be unmistakable whatever the password's length (a 3-character
  // password's blob is as distinctive as its user name), so it is searched for every password.
  if (username !== undefined && username.length > 0) {
    for (const blob of [`\0${username}\0${value}`, `${username}\0${username}\0${value}`]) {
      const encoded = Buffer.from(blob, 'utf8').toString('base64');
      add(encoded, 'sasl-plain');
      add(encoded.replace(/=+$/, ''), 'sasl-plain');
    }
  }
  const seen = new Set<string>();
  return forms
    .filter(({ form, caseInsensitive }) => {
      const key = caseInsensitive ? `i:${form.toLowerCase()}` : `s:${form}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => b.form.length - a.form.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface ScrubResult {
  readonly text: string;
  /** True when at least one form of a secret was found and replaced. */
  readonly scrubbed: boolean;
}

export interface SecretScrubber {
  /** `text` with every form of every held secret replaced by REDACTED_MARK. */
  scrub(text: string): ScrubResult;
  /** Which held secret (by position, 1-based) and which encoding first occurs in `text`; never the value. */
  firstLeak(text: string): { readonly index: number; readonly encoding: SecretEncoding } | null;
}

/**
 * A scrubber for a fixed set of secrets. The forms are computed once, so scrubbing many texts (every
 * server reply of a run) costs a few string searches each. Empty secrets are ignored (they would match
 * everything).
 */
export function createSecretScrubber(held: readonly (HeldSecret | Secret | string)[]): SecretScrubber {
  const entries = held.map((item, position) => {
    const holder: HeldSecret = item instanceof Secret || typeof item === 'string' ? { secret: item } : item;
    return { index: position + 1, forms: secretForms(reveal(holder.secret), holder.username) };
  });
  const all = entries
    .flatMap(({ index, forms }) => forms.map((form) => ({ index, ...form })))
    .sort((a, b) => b.form.length - a.form.length);
  const patterns = all.map(({ form, caseInsensitive }) => new RegExp(escapeRegExp(form), caseInsensitive ? 'gi' : 'g'));
  return {
    scrub(text) {
      let result = text;
      let scrubbed = false;
      for (const pattern of patterns) {
        pattern.lastIndex = 0;
        if (!pattern.test(result)) continue;
        pattern.lastIndex = 0;
        result = result.replace(pattern, REDACTED_MARK);
        scrubbed = true;
      }
      return { text: result, scrubbed };
    },
    firstLeak(text) {
      const lower = text.toLowerCase();
      for (const { index, forms } of entries) {
        for (const { form, encoding, caseInsensitive } of forms) {
          if (caseInsensitive ? lower.includes(form.toLowerCase()) : text.includes(form)) return { index, encoding };
        }
      }
      return null;
    },
  };
}
