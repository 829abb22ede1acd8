/**
 * The secrets this process holds right now: every password read from the keychain or typed for a check,
 * and the hosting tools' API token and mailbox passwords. Every exit of the process (CLI output, report,
 * IPC to the window, progress events, the log) is checked against them by electron/exitGuard.ts.
 *
 * How a secret becomes known: whoever obtains one holds it here at once, in a scope.
 * - `diagnoseAccounts` holds the passwords a run read or was given (with the user name, so the whole SASL
 *   PLAIN blob is recognised) in the run's scope.
 * - The hosting tools hold their API token, a new mailbox password and the test mailbox's generated
 *   password in a scope per command (electron/cli/adminCli.ts) or window action (electron/admin/adminService.ts).
 *
 * How long: as short as the use. A scope is released when its work is over (the window releases a run's
 * passwords when the run has finished and its result was checked); the CLI holds them until it has
 * printed its output (the process then ends). A released secret is no longer searched for: what could
 * carry it was checked while it was held (the finished run is scrubbed before it is stored), and nothing
 * derived later can contain a value the process no longer has.
 *
 * The registry never copies a secret into text of its own: the scrubber is built from the held Secret
 * objects when needed and dropped when the set changes.
 */
import { Secret } from './secret';
import { createSecretScrubber } from './secretForms';
import type { SecretScrubber } from './secretForms';

interface HeldEntry {
  readonly secret: Secret;
  readonly username?: string;
}

const NOTHING_HELD: SecretScrubber = {
  scrub: (text) => ({ text, scrubbed: false }),
  firstLeak: () => null,
};

export class LiveSecrets {
  readonly #parent: LiveSecrets | undefined;
  readonly #entries = new Set<HeldEntry>();
  #scrubber: SecretScrubber | null = null;

  constructor(parent?: LiveSecrets) {
    this.#parent = parent;
  }

  /**
   * From now on every exit searches for `secret` in every encoded form (with `username`: also the SASL
   * PLAIN blob of the pair). Empty secrets are not held: they would match every text.
   */
  hold(secret: Secret | string, username?: string): void {
    const held = typeof secret === 'string' ? new Secret(secret) : secret;
    if (held.isEmpty) return;
    const named = username === undefined || username === '' ? {} : { username };
    this.#add({ secret: held, ...named });
    // A server echoing the raw bytes, read one byte per character (latin1) along the way: the same secret.
    const value = held.reveal();
    const asLatin1 = Buffer.from(value, 'utf8').toString('latin1');
    if (asLatin1 !== value) {
      this.#add({ secret: new Secret(asLatin1), ...(username === undefined || username === '' ? {} : { username: Buffer.from(username, 'utf8').toString('latin1') }) });
    }
  }

  /** A child scope: what it holds is held here (and above) too, until the child is released. */
  openScope(): LiveSecrets {
    return new LiveSecrets(this);
  }

  /** Forgets everything this scope holds, here and in every parent. */
  release(): void {
    const parent = this.#parent;
    if (parent !== undefined) for (const entry of this.#entries) parent.#remove(entry);
    this.#entries.clear();
    this.#scrubber = null;
  }

  /** How many forms of secrets (with or without user name, as text and as latin1-read bytes) are held; never the values. */
  get size(): number {
    return this.#entries.size;
  }

  /** A scrubber for exactly what is held now (rebuilt after a change, shared until the next one). */
  scrubber(): SecretScrubber {
    if (this.#entries.size === 0) return NOTHING_HELD;
    this.#scrubber ??= createSecretScrubber([...this.#entries].map((entry) => ({ ...entry })));
    return this.#scrubber;
  }

  #add(entry: HeldEntry): void {
    this.#entries.add(entry);
    this.#scrubber = null;
    if (this.#parent !== undefined) this.#parent.#add(entry);
  }

  #remove(entry: HeldEntry): void {
    if (!this.#entries.delete(entry)) return;
    this.#scrubber = null;
    if (this.#parent !== undefined) this.#parent.#remove(entry);
  }
}

/** Every secret the process holds: the exit guards of the CLI, the window and the log check against this. */
export const processSecrets = new LiveSecrets();
