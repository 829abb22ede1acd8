/**
 * The one bounded line reader under every dialogue the probes speak themselves (greeting, capabilities,
 * STARTTLS, the POP3 login, the SMTP relay check), and the byte budget it shares with the stream handed
 * to imapflow and nodemailer (libraryStream.ts).
 *
 * Why bounded everywhere: servers are untrusted input. A hostile or broken one can send an endless line,
 * megabytes of banner, or garbage. Every byte a server sends on one connection is counted against
 * REPLY_TOO_LARGE_LIMITS (64 KiB per line, 1 MiB per connection), whoever reads it: past either the
 * connection is closed and the outcome says REPLY_TOO_LARGE. Every wait ends on the probe's signal.
 * Nothing here decides what to write; callers write fixed protocol commands (and, in pop3.ts, the credential).
 */
import type { Duplex } from 'node:stream';
import { REPLY_TOO_LARGE_LIMITS } from '../../shared/probes/outcomes';
import { errorCodeOf } from '../errors';

/** Which byte budget a server broke. */
export type BudgetBreach = 'line' | 'connection';

/**
 * Counts what one server sent on one connection (plain text and, after TLS, decrypted bytes), across
 * whoever reads it: our reader first, then the library stream. A line is the bytes up to LF.
 */
export class ReplyBudget {
  #received = 0;
  #lineBytes = 0;
  #breach: BudgetBreach | undefined;

  constructor(private readonly limits: { readonly lineBytes: number; readonly connectionBytes: number } = REPLY_TOO_LARGE_LIMITS) {}

  /** The limit broken so far, if any (once broken, it stays broken). */
  get breach(): BudgetBreach | undefined {
    return this.#breach;
  }

  get receivedBytes(): number {
    return this.#received;
  }

  /** Counts a chunk from the server; returns the limit it broke, if any. */
  count(chunk: Uint8Array): BudgetBreach | undefined {
    if (this.#breach !== undefined) return this.#breach;
    this.#received += chunk.length;
    if (this.#received > this.limits.connectionBytes) return (this.#breach = 'connection');
    let from = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, from);
      if (newline === -1) {
        this.#lineBytes += chunk.length - from;
        break;
      }
      this.#lineBytes += newline - from;
      if (this.#lineBytes > this.limits.lineBytes) break;
      this.#lineBytes = 0;
      from = newline + 1;
    }
    if (this.#lineBytes > this.limits.lineBytes) return (this.#breach = 'line');
    return undefined;
  }
}

/** The error a connection is destroyed with when its server breaks the byte budget (libraryStream.ts too). */
export function replyTooLargeError(breach: BudgetBreach): Error & { code: 'REPLY_TOO_LARGE' } {
  const limits = REPLY_TOO_LARGE_LIMITS;
  const what = breach === 'line' ? `a line longer than ${limits.lineBytes} bytes` : `more than ${limits.connectionBytes} bytes on one connection`;
  return Object.assign(new Error(`the server sent ${what}`), { code: 'REPLY_TOO_LARGE' as const });
}

/** Most lines one reply (EHLO, CAPA, IMAP untagged + tagged) may have: real servers send a few dozen. */
export const MAX_REPLY_LINES = 200;

export type ReadFailure =
  | { readonly ok: false; readonly reason: 'closed' }
  | { readonly ok: false; readonly reason: 'reply-too-large'; readonly breach: BudgetBreach }
  | { readonly ok: false; readonly reason: 'too-many-lines' }
  | { readonly ok: false; readonly reason: 'stopped' }
  | { readonly ok: false; readonly reason: 'socket-error'; readonly errorCode: string };

export type LineResult = { readonly ok: true; readonly line: string } | ReadFailure;

/** A reply that spans several lines (SMTP 250- continuation, POP3 CAPA list, IMAP untagged + tagged). */
export type ReplyResult = { readonly ok: true; readonly lines: readonly string[] } | ReadFailure;

/**
 * Reads CRLF/LF-terminated lines from one socket (plain, or TLS after an upgrade: `attach` the new one).
 * Lines are latin1 strings (one char per byte), so protocol parsing sees the bytes as sent; text kept as
 * evidence is decoded and bounded by serverText.ts.
 */
export class LineReader {
  #socket: Duplex | undefined;
  #buffer: Buffer = Buffer.alloc(0);
  #failure: ReadFailure | undefined;
  #waiter: (() => void) | undefined;
  #signal: AbortSignal;

  readonly #onData = (chunk: Buffer): void => {
    const breach = this.budget.count(chunk);
    if (breach !== undefined) {
      this.#fail({ ok: false, reason: 'reply-too-large', breach });
      // Stop the flood at the source: no point reading more of a 10 MB banner.
      this.#socket?.destroy();
      return;
    }
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    this.#wake();
  };
  readonly #onEnd = (): void => this.#fail({ ok: false, reason: 'closed' });
  readonly #onError = (error: unknown): void => this.#fail({ ok: false, reason: 'socket-error', errorCode: errorCodeOf(error) });
  readonly #onAbort = (): void => this.#wake();

  constructor(
    socket: Duplex,
    readonly budget: ReplyBudget,
    signal: AbortSignal,
  ) {
    this.#signal = signal;
    signal.addEventListener('abort', this.#onAbort, { once: true });
    this.attach(socket);
  }

  /** Starts reading `socket` (the connection's first socket, or the TLS socket after an upgrade). */
  attach(socket: Duplex): void {
    this.#socket = socket;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onEnd);
    socket.on('error', this.#onError);
    socket.resume();
  }

  /** Waits end on `signal` from now on (each step of a session runs in a deadline scope of its own). */
  useSignal(signal: AbortSignal): void {
    this.#signal.removeEventListener('abort', this.#onAbort);
    this.#signal = signal;
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Why reading failed, if it did (a closed connection, a broken budget...). */
  get failure(): ReadFailure | undefined {
    return this.#failure;
  }

  #fail(failure: ReadFailure): void {
    this.#failure ??= failure;
    this.#wake();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  /** Bytes received but not yet consumed as lines. After a STARTTLS reply this must be zero. */
  get pendingBytes(): number {
    return this.#buffer.length;
  }

  /** Takes one complete line out of the buffer (CRLF or LF stripped), or undefined when none is complete. */
  #takeLine(): string | undefined {
    const newline = this.#buffer.indexOf(0x0a);
    if (newline === -1) return undefined;
    const end = newline > 0 && this.#buffer[newline - 1] === 0x0d ? newline - 1 : newline;
    const line = this.#buffer.subarray(0, end).toString('latin1');
    this.#buffer = this.#buffer.subarray(newline + 1);
    return line;
  }

  /** The next line from the server. Lines already buffered come before a failure. Never rejects. */
  async readLine(): Promise<LineResult> {
    for (;;) {
      const line = this.#takeLine();
      if (line !== undefined) return { ok: true, line };
      if (this.#failure !== undefined) return this.#failure;
      if (this.#signal.aborted) return { ok: false, reason: 'stopped' };
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
      });
    }
  }

  /** Reads lines until `isLast(line)` says the reply is complete (at most MAX_REPLY_LINES lines). */
  async readReply(isLast: (line: string) => boolean): Promise<ReplyResult> {
    const lines: string[] = [];
    for (;;) {
      const result = await this.readLine();
      if (!result.ok) return result;
      lines.push(result.line);
      if (isLast(result.line)) return { ok: true, lines };
      if (lines.length >= MAX_REPLY_LINES) {
        this.#fail({ ok: false, reason: 'too-many-lines' });
        this.#socket?.destroy();
        return { ok: false, reason: 'too-many-lines' };
      }
    }
  }

  /** Sends one line (CRLF appended; latin1, so every byte is as given). Callers never log what they write. */
  write(line: string): void {
    const socket = this.#socket;
    if (socket !== undefined && !socket.destroyed && socket.writable) socket.write(Buffer.from(`${line}\r\n`, 'latin1'));
  }

  /** Sends raw bytes (a credential in UTF-8, pop3.ts). */
  writeBytes(bytes: Uint8Array): void {
    const socket = this.#socket;
    if (socket !== undefined && !socket.destroyed && socket.writable) socket.write(bytes);
  }

  /**
   * Stops reading, so the socket can be handed to TLS (`for: 'tls'`: TLS takes the socket's handle over
   * as it is) or to a library (`for: 'library'`: paused, so nothing the server sends meanwhile is lost; the
   * library stream resumes it). Returns the bytes the server sent beyond the last line consumed (already
   * counted against the budget).
   */
  detach(purpose: 'tls' | 'library'): Buffer {
    const socket = this.#socket;
    if (socket !== undefined) {
      if (purpose === 'library') socket.pause();
      socket.off('data', this.#onData);
      socket.off('end', this.#onEnd);
      socket.off('close', this.#onEnd);
      socket.off('error', this.#onError);
    }
    this.#socket = undefined;
    this.#signal.removeEventListener('abort', this.#onAbort);
    this.#wake();
    const leftover = this.#buffer;
    this.#buffer = Buffer.alloc(0);
    return leftover;
  }
}
