/**
 * Every server text a probe keeps (greeting, capabilities, replies, library error messages and `response`
 * fields) passes through here before it enters an outcome: decoded, scrubbed of this server's credential in
 * every encoded form (electron/keychain/secretForms.ts), made printable and bounded.
 *
 * Why: servers are untrusted input. A refusal may echo the client's own AUTH line (`NO [AUTHENTICATIONFAILED]
 * a2 LOGIN "alice" "secret"`, `535 ... <base64 of \0user\0password>`, `-ERR ... PASS secret`); whatever we
 * keep reaches the report, the CLI, the window. Scrubbing comes before bounding, so a secret cut in half by
 * the length cap cannot slip through as an unrecognisable fragment.
 */
import { createSecretScrubber, type HeldSecret, type SecretScrubber } from '../keychain/secretForms';
import type { Secret } from '../keychain/secret';

/** Printable, bounded rendering of server text for evidence (control and non-ASCII characters escaped). */
export function printable(text: string, maxChars = 200): string {
  const escaped = text.slice(0, maxChars).replace(/[^\x20-\x7e]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return text.length > maxChars ? `${escaped}…` : escaped;
}

/**
 * Text read as latin1 (one char per byte, as the line reader and nodemailer read it) decoded as UTF-8 when it
 * is valid UTF-8; anything else stays as it was.
 */
function decoded(text: string): string {
  if (!/^[\x00-\xff]*$/.test(text) || !/[\x80-\xff]/.test(text)) return text;
  const bytes = Buffer.from(text, 'latin1');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return text;
  }
}

/** The credential a probe may send to this server, as the scrubber needs it. */
export interface HeldCredential {
  readonly username: string;
  readonly password: Secret;
}

/** What replaces every form of a credential in kept text (REDACTED_MARK, secretForms.ts). */
export { REDACTED_MARK } from '../keychain/secretForms';

/**
 * Keeps one server's texts for one run. Created by the runner with the credential it may send to this
 * server (none: bounding only), and told about a credential a login adds. `scrubbed` says whether anything
 * was ever replaced: the server result then carries `secretScrubbed: true`.
 */
export class ServerTexts {
  #held: HeldSecret[] = [];
  #scrubber: SecretScrubber | undefined;
  #scrubbed = false;

  constructor(credential?: HeldCredential | null) {
    if (credential !== undefined && credential !== null) this.addCredential(credential);
  }

  /**
   * Scrubs `credential` too from now on. Besides the password as text, its UTF-8 bytes read as latin1 are
   * held (a server echoing raw bytes that were never decoded): the same secret, as a latin1 reader sees it.
   */
  addCredential(credential: HeldCredential): void {
    if (credential.password.isEmpty) return;
    const password = credential.password.reveal();
    if (this.#held.some((held) => held.username === credential.username && (typeof held.secret === 'string' ? held.secret : held.secret.reveal()) === password)) return;
    this.#held.push({ secret: credential.password, username: credential.username });
    const asLatin1 = Buffer.from(password, 'utf8').toString('latin1');
    if (asLatin1 !== password) this.#held.push({ secret: asLatin1, username: Buffer.from(credential.username, 'utf8').toString('latin1') });
    this.#scrubber = createSecretScrubber(this.#held);
  }

  /** Whether any text kept so far contained a form of a held credential (and was scrubbed). */
  get scrubbed(): boolean {
    return this.#scrubbed;
  }

  #scrub(text: string): string {
    if (this.#scrubber === undefined) return text;
    const result = this.#scrubber.scrub(text);
    if (result.scrubbed) this.#scrubbed = true;
    return result.text;
  }

  /** A server's text as evidence: decoded, scrubbed, printable, at most `maxChars` characters. */
  keep(raw: string, maxChars = 400): string {
    return printable(this.#scrub(decoded(raw)), maxChars);
  }

  /** A server's words split into items (capabilities): each one kept. */
  keepEach(raw: readonly string[], maxChars = 200): string[] {
    return raw.map((item) => this.keep(item, maxChars));
  }

  /**
   * Every string in a plain-data value (an outcome) scrubbed again, structure kept: the last pass before a
   * server result leaves the runner, for anything a probe kept without `keep`.
   */
  scrubAll<T>(value: T): T {
    return this.#scrubValue(value) as T;
  }

  #scrubValue(value: unknown): unknown {
    if (typeof value === 'string') return this.#scrub(value);
    if (Array.isArray(value)) return value.map((item) => this.#scrubValue(item));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.#scrubValue(item)]));
    }
    return value;
  }
}
