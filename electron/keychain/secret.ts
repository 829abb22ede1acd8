import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A password or token read from the keychain or typed by the user.
 *
 * Every way JavaScript turns a value into text (String(), template literals, JSON.stringify,
 * util.inspect / console.log, string concatenation, Error messages built from it) yields
 * `[redacted]`. The value is kept in a private class field, so it is not an enumerable property
 * that a structured clone (IPC), Object.assign or a spread could copy out. `reveal()` is the one
 * door to the value; only the login probes and compareSecrets.ts call it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  /** True when nothing was stored (an empty password is still a value, but rarely a usable one). */
  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
