/**
 * A tiny, strictly bounded line reader for the few plaintext exchanges the probes need before or
 * without TLS: the greeting, IMAP CAPABILITY, POP3 CAPA, SMTP EHLO, and the STARTTLS/STLS reply.
 * A hostile or broken server can send an endless line, megabytes of banner, or garbage: every read
 * has a line-length cap, the whole dialogue has a byte cap, and every wait ends on the probe's signal.
 * Nothing here ever writes credentials; the only writes are the fixed protocol commands of tls.ts.
 */
import net, { type Socket } from 'node:net';
import { errorCodeOf } from '../errors';

export interface DialogueLimits {
  /** Longest line accepted (bytes, without CRLF). IMAP CAPABILITY lines of real servers stay under 2 KiB. */
  readonly maxLineBytes: number;
  /** Most bytes read over the whole dialogue. */
  readonly maxTotalBytes: number;
}

export const DEFAULT_DIALOGUE_LIMITS: DialogueLimits = { maxLineBytes: 8 * 1024, maxTotalBytes: 64 * 1024 };

export type LineFailure =
  | { readonly ok: false; readonly reason: 'closed' }
  | { readonly ok: false; readonly reason: 'line-too-long' }
  | { readonly ok: false; readonly reason: 'too-much-data' }
  | { readonly ok: false; readonly reason: 'stopped' }
  | { readonly ok: false; readonly reason: 'socket-error'; readonly errorCode: string };

export type LineResult = { readonly ok: true; readonly line: string } | LineFailure;

/** A reply that spans several lines (SMTP 250- continuation, POP3 CAPA list, IMAP untagged + tagged). */
export type ReplyResult = { readonly ok: true; readonly lines: readonly string[] } | LineFailure;

export class DialogueReader {
  private buffer: Buffer = Buffer.alloc(0);
  private totalBytes = 0;
  private failure: LineFailure | undefined;
  private waiter: (() => void) | undefined;
  private readonly onData = (chunk: Buffer): void => {
    this.totalBytes += chunk.length;
    if (this.totalBytes > this.limits.maxTotalBytes) {
      this.fail({ ok: false, reason: 'too-much-data' });
      // Stop the flood at the source: no point reading more of a 10 MB banner.
      this.socket.pause();
      return;
    }
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.wake();
  };
  private readonly onEnd = (): void => this.fail({ ok: false, reason: 'closed' });
  private readonly onError = (error: unknown): void => this.fail({ ok: false, reason: 'socket-error', errorCode: errorCodeOf(error) });

  constructor(
    private readonly socket: Socket,
    private readonly signal: AbortSignal,
    private readonly limits: DialogueLimits = DEFAULT_DIALOGUE_LIMITS,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
    signal.addEventListener('abort', this.wakeOnAbort, { once: true });
  }

  private readonly wakeOnAbort = (): void => this.wake();

  private fail(failure: LineFailure): void {
    this.failure ??= failure;
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  /** Bytes received but not yet consumed as lines. After a STARTTLS reply this must be zero. */
  get pendingBytes(): number {
    return this.buffer.length;
  }

  /** Takes one complete line out of the buffer (CRLF or LF stripped), or says why it cannot yet. */
  private takeLine(): LineResult | 'need-more' {
    const newline = this.buffer.indexOf(0x0a);
    if (newline === -1) {
      if (this.buffer.length > this.limits.maxLineBytes) return { ok: false, reason: 'line-too-long' };
      return 'need-more';
    }
    const end = newline > 0 && this.buffer[newline - 1] === 0x0d ? newline - 1 : newline;
    if (end > this.limits.maxLineBytes) return { ok: false, reason: 'line-too-long' };
    const line = this.buffer.subarray(0, end).toString('latin1');
    this.buffer = this.buffer.subarray(newline + 1);
    return { ok: true, line };
  }

  /** The next line from the server. Never rejects. */
  async readLine(): Promise<LineResult> {
    for (;;) {
      const taken = this.takeLine();
      if (taken !== 'need-more') return taken;
      if (this.signal.aborted) return { ok: false, reason: 'stopped' };
      if (this.failure !== undefined) return this.failure;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  /** Reads lines until `isLast(line)` says the reply is complete. */
  async readReply(isLast: (line: string) => boolean): Promise<ReplyResult> {
    const lines: string[] = [];
    for (;;) {
      const result = await this.readLine();
      if (!result.ok) return result;
      lines.push(result.line);
      if (isLast(result.line)) return { ok: true, lines };
    }
  }

  /** Sends one fixed protocol command (CRLF appended). */
  write(command: string): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(`${command}\r\n`);
  }

  /**
   * Stops listening, so the socket can be handed to TLS. Returns the bytes the server sent beyond the
   * last line consumed: after a STARTTLS reply there must be none (anything else was injected in plain text).
   */
  detach(): Buffer {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    this.signal.removeEventListener('abort', this.wakeOnAbort);
    this.wake();
    const leftover = this.buffer;
    this.buffer = Buffer.alloc(0);
    return leftover;
  }
}

/** SMTP: a reply ends at the line whose 4th character is a space (`250 ...`), not a dash (`250-...`). */
export function isLastSmtpLine(line: string): boolean {
  return !/^\d{3}-/.test(line);
}

/**
 * The client IP the server echoes in its EHLO/HELO reply, i.e. our address as the server sees it:
 * Exim's `250-mail.example.test Hello client.example.test [127.0.0.1]` (format "%s Hello %s [%s]",
 * smtp_in.c), sendmail's `... Hello name [ip], pleased to meet you`; `[IPv6:2001:db8::1]` gives
 * "2001:db8::1". Accepts the whole reply or its first line, with or without the "250-" prefix;
 * undefined when there is no valid IP literal.
 */
export function parseEhloEchoIp(ehloReply: string): string | undefined {
  const firstLine = ehloReply.split(/\r?\n/)[0] ?? '';
  const match = /\bHello\b.*\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]/i.exec(firstLine);
  const candidate = match?.[1];
  return candidate !== undefined && net.isIP(candidate) !== 0 ? candidate : undefined;
}

/** Printable, bounded rendering of server bytes for evidence (control characters escaped). */
export function printable(text: string, maxChars = 200): string {
  const escaped = text.slice(0, maxChars).replace(/[^\x20-\x7e]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return text.length > maxChars ? `${escaped}…` : escaped;
}
