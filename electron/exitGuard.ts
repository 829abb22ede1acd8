/**
 * The last check on every way out of the process. Whatever the probes already scrubbed at the source,
 * each exit — CLI standard output and error (text, JSON, Markdown), the support report (clipboard, file,
 * IPC), IPC replies and progress events to the window, the main-process log — passes its text or value
 * through here. Every form of every secret the process holds (electron/keychain/liveSecrets.ts, the
 * encodings of electron/keychain/secretForms.ts) is replaced by `[redacted]`, and the caller is told, so it
 * can add a SECRET_SCRUBBED note in its own format.
 *
 * Fails closed: when a text still contains a secret form after scrubbing (a replacement that created a new
 * match), the whole text is withheld rather than let out.
 */
import { Secret } from './keychain/secret';
import type { LiveSecrets } from './keychain/liveSecrets';
import { processSecrets } from './keychain/liveSecrets';
import { REDACTED_MARK } from './keychain/secretForms';

/** The ways out, named in notes and the log (never with the secret). */
export type ExitName =
  | 'cli-output'
  | 'cli-progress'
  | 'diagnosis-result'
  | 'report'
  | 'clipboard'
  | 'report-file'
  | 'ipc-reply'
  | 'progress-event'
  | 'log';

export interface Guarded<T> {
  readonly value: T;
  /** True when a secret form was found and replaced (or the text withheld). */
  readonly scrubbed: boolean;
}

export interface ExitGuard {
  /** `text` with every held secret removed. */
  text(exit: ExitName, text: string): Guarded<string>;
  /**
   * A copy of plain data (objects, arrays, strings, numbers...) with every string, keys included, passed
   * through `text`. Unchanged data comes back as the very same object.
   */
  value<T>(exit: ExitName, value: T): Guarded<T>;
}

/** What a withheld text is replaced by; it names no secret and no encoding. */
export const WITHHELD_TEXT = '[Mail Doctor withheld this text: it contained a password it could not remove safely]';

/** Scrub passes before giving up and withholding: each pass removes every match it finds. */
const MAX_SCRUB_PASSES = 3;

export function createExitGuard(secrets: LiveSecrets, onScrubbed?: (exit: ExitName) => void): ExitGuard {
  const guardText = (exit: ExitName, text: string): Guarded<string> => {
    const scrubber = secrets.scrubber();
    if (scrubber.firstLeak(text) === null) return { value: text, scrubbed: false };
    let current = text;
    for (let pass = 0; pass < MAX_SCRUB_PASSES; pass += 1) {
      current = scrubber.scrub(current).text;
      if (scrubber.firstLeak(current) === null) {
        onScrubbed?.(exit);
        return { value: current, scrubbed: true };
      }
    }
    onScrubbed?.(exit);
    return { value: WITHHELD_TEXT, scrubbed: true };
  };

  return {
    text: guardText,
    value<T>(exit: ExitName, value: T): Guarded<T> {
      if (secrets.size === 0 && !containsSecretObject(value)) return { value, scrubbed: false };
      let scrubbed = false;
      const walk = (item: unknown): unknown => {
        if (typeof item === 'string') {
          const guarded = guardText(exit, item);
          scrubbed ||= guarded.scrubbed;
          return guarded.value;
        }
        if (item instanceof Secret) {
          // A Secret has no business in output; its own toJSON would say [redacted] too.
          scrubbed = true;
          onScrubbed?.(exit);
          return REDACTED_MARK;
        }
        if (Array.isArray(item)) {
          const mapped = item.map(walk);
          return mapped.some((entry, index) => entry !== item[index]) ? mapped : item;
        }
        if (item !== null && typeof item === 'object') {
          const entries = Object.entries(item);
          const mapped = entries.map(([key, entry]) => [walk(key), walk(entry)] as const);
          const changed = mapped.some(([key, entry], index) => key !== entries[index]?.[0] || entry !== entries[index]?.[1]);
          return changed ? Object.fromEntries(mapped) : item;
        }
        return item;
      };
      const result = walk(value) as T;
      return { value: result, scrubbed };
    },
  };
}

function containsSecretObject(value: unknown): boolean {
  if (value instanceof Secret) return true;
  if (Array.isArray(value)) return value.some(containsSecretObject);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsSecretObject);
  return false;
}

/**
 * The main-process log (and the CLI's development log): every line is guarded, and a line that had a
 * secret in it says so, so the defect that put it there can be found without the value.
 */
export function guardedLog(guard: ExitGuard, sink: (line: string) => void): (message: string) => void {
  return (message) => {
    const guarded = guard.text('log', message);
    sink(`[mail-doctor] ${guarded.value}${guarded.scrubbed ? ' (a password was removed from this line: SECRET_SCRUBBED)' : ''}`);
  };
}

/** The guard every exit of this process uses, over every secret the process holds. */
export const processExitGuard: ExitGuard = createExitGuard(processSecrets);
