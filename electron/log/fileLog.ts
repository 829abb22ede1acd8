/**
 * Mail Doctor's log file, in the standard per-user place (~/Library/Logs/Mail Doctor/mail-doctor.log on a Mac,
 * electron/appPaths.ts logDirFor), where Console.app shows it and IT's log collectors look.
 *
 * - Redacted at the door: every line goes through `scrub` (the process's exit guard for live secrets) before it
 *   is written, and callers log codes, counts and durations, never addresses or server texts.
 * - One line per event, bounded: control characters are escaped (a server string with a newline cannot forge
 *   a line) and a line is cut at MAX_LINE_CHARS.
 * - Rotated by size: past `maxBytes` the file becomes mail-doctor.log.1 (.1 becomes .2, ...), and only `keep`
 *   old files are kept, so the log never grows without bound.
 * - Private: the folder is 0700 and the file 0600.
 * - Never in the way: a log that cannot be written is skipped, silently; the diagnosis goes on.
 * Writes are synchronous so lines keep their order and survive a crash right after them.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_FILE_NAME } from '../appPaths';

export const DEFAULT_MAX_LOG_BYTES = 512 * 1024;
export const DEFAULT_KEPT_LOGS = 3;
export const MAX_LINE_CHARS = 2_000;

export interface FileLogOptions {
  readonly dir: string;
  /**
   * A folder that must already exist for anything to be written (the user's home): the log creates its own
   * folders below it, never the home itself (a wrong or missing home must not appear on disk because of a log).
   */
  readonly within?: string;
  readonly fileName?: string;
  readonly maxBytes?: number;
  /** How many rotated files (mail-doctor.log.1 ... .N) are kept. */
  readonly keep?: number;
  /** Applied to every line before it is written: the exit guard for this process's secrets. */
  readonly scrub?: (text: string) => string;
  readonly now?: () => Date;
}

export interface FileLog {
  readonly path: string;
  /** `source` says which part of Mail Doctor speaks ("app", "cli", "scheduled"). */
  write(source: string, message: string): void;
}

/** Escapes what would break a one-line record: newlines, tabs and every other control character. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (character) => {
    switch (character) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
}

export function openFileLog(options: FileLogOptions): FileLog {
  const path = join(options.dir, options.fileName ?? LOG_FILE_NAME);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_LOG_BYTES;
  const keep = options.keep ?? DEFAULT_KEPT_LOGS;
  const scrub = options.scrub ?? ((text: string) => text);
  const now = options.now ?? (() => new Date());
  let size: number | undefined;

  const currentSize = (): number => {
    if (size === undefined) {
      try {
        size = statSync(path).size;
      } catch {
        size = 0;
      }
    }
    return size;
  };

  const rotate = (): void => {
    try {
      unlinkSync(`${path}.${String(keep)}`);
    } catch {
      // Not there yet.
    }
    for (let index = keep - 1; index >= 1; index -= 1) {
      try {
        renameSync(`${path}.${String(index)}`, `${path}.${String(index + 1)}`);
      } catch {
        // A gap in the series: nothing to move.
      }
    }
    if (keep >= 1) renameSync(path, `${path}.1`);
    else unlinkSync(path);
    size = 0;
  };

  return {
    path,
    write(source, message) {
      try {
        const text = oneLine(scrub(`[${source}] ${message}`));
        const line = `${now().toISOString()} ${text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}…` : text}\n`;
        const bytes = Buffer.byteLength(line);
        if (options.within !== undefined && !existsSync(options.within)) return;
        mkdirSync(options.dir, { recursive: true, mode: 0o700 });
        if (currentSize() > 0 && currentSize() + bytes > maxBytes) rotate();
        appendFileSync(path, line, { mode: 0o600 });
        size = currentSize() + bytes;
      } catch {
        // The log is a help, never a reason to stop: a full disk or a read-only home loses log lines only.
        size = undefined;
      }
    },
  };
}
