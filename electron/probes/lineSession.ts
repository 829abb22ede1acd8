/**
 * A strict, bounded line-protocol session (POP3, SMTP) for the login probes that no maintained
 * library covers with the control we need (pop3.ts, and smtp.ts's no-auth relay check).
 *
 * Why bounded everywhere: the servers we talk to may be hostile or broken (no greeting, an endless
 * line, a 10 MB banner). Every read is capped in bytes and lines and raced against ONE deadline
 * (the probe's) and the probe's AbortSignal; nothing here waits on an OS or library default.
 *
 * TLS verification is always on (certificate.ts verifiedTlsOptions): the name checked is the
 * configured host (never the connect address). A STARTTLS upgrade refuses to proceed when the
 * server sent bytes after its "go ahead" line (RFC 3207 §4.2 / RFC 2595 §3.1 response injection).
 *
 * Failures are returned as values (`SessionResult`), never thrown to the caller.
 */
import net from 'node:net';
import tls from 'node:tls';
import { errorCodeOf, errorMessageOf } from '../errors';
import { sniName, verifiedTlsOptions } from './certificate';
import { remainingMs } from './deadline';
import type { ProbeContext, ServerEndpoint } from './types';

/** One reply line may not exceed this (RFC 5321 says 512 for SMTP replies; generous for banners). */
const MAX_LINE_BYTES = 8 * 1024;
/** A multi-line reply (EHLO, CAPA) may not have more lines than this. */
const MAX_REPLY_LINES = 200;

export type SessionFailure =
  | { readonly kind: 'timeout'; readonly afterMs: number }
  | { readonly kind: 'cancelled' }
  /** The server closed the connection (or it was reset) while we waited for it. */
  | { readonly kind: 'closed'; readonly errorCode: string; readonly message: string }
  /** The server broke the protocol: over-long line, too many lines, injected bytes after STARTTLS. */
  | { readonly kind: 'protocol'; readonly message: string }
  | { readonly kind: 'socket'; readonly errorCode: string; readonly message: string }
  | { readonly kind: 'tls'; readonly errorCode: string; readonly message: string };

export type SessionResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: SessionFailure };

/** The outcome kinds a session failure can become: both a LoginOutcome and an SmtpWithoutAuthOutcome. */
export type SessionFailureOutcome =
  | { readonly kind: 'timeout'; readonly afterMs: number }
  | { readonly kind: 'skipped'; readonly reason: 'cancelled' }
  | { readonly kind: 'error'; readonly errorCode: string; readonly message: string };

/** Maps a session failure to the outcome a caller sees (a login, or the SMTP no-auth check). */
export function outcomeForSessionFailure(failure: SessionFailure): SessionFailureOutcome {
  switch (failure.kind) {
    case 'timeout':
      return { kind: 'timeout', afterMs: failure.afterMs };
    case 'cancelled':
      return { kind: 'skipped', reason: 'cancelled' };
    case 'protocol':
      return { kind: 'error', errorCode: 'PROTOCOL', message: failure.message };
    case 'closed':
    case 'socket':
    case 'tls':
      return { kind: 'error', errorCode: failure.errorCode, message: failure.message };
  }
}

/** A session error without a Node code. */
const UNKNOWN_CODE = 'UNKNOWN';

type Waiter = (failure: SessionFailure | null) => void;

export class LineSession {
  #socket: net.Socket | tls.TLSSocket;
  #buffer = '';
  #failure: SessionFailure | null = null;
  #waiter: Waiter | null = null;
  readonly #ctx: ProbeContext;
  readonly #startedAt: number;
  readonly #timer: NodeJS.Timeout;
  readonly #onAbort: () => void;
  #tlsActive: boolean;

  private constructor(socket: net.Socket | tls.TLSSocket, ctx: ProbeContext, startedAt: number, tlsActive: boolean) {
    this.#socket = socket;
    this.#ctx = ctx;
    this.#startedAt = startedAt;
    this.#tlsActive = tlsActive;
    this.#timer = setTimeout(() => this.#fail({ kind: 'timeout', afterMs: Date.now() - this.#startedAt }), remainingMs(ctx));
    this.#onAbort = () => this.#fail({ kind: 'cancelled' });
    ctx.signal.addEventListener('abort', this.#onAbort, { once: true });
    this.#attach(socket);
  }

  /** Whether the connection is encrypted now (implicit TLS, or after a successful STARTTLS). */
  get encrypted(): boolean {
    return this.#tlsActive;
  }

  /**
   * Connects to the endpoint (TLS from the first byte when `implicitTls`), bounded by the context's
   * deadline and signal. The endpoint's `connectAddress` is used when set; TLS verifies `host`.
   */
  static open(endpoint: ServerEndpoint, ctx: ProbeContext, implicitTls: boolean): Promise<SessionResult<LineSession>> {
    const startedAt = Date.now();
    if (ctx.signal.aborted) return Promise.resolve({ ok: false, failure: { kind: 'cancelled' } });
    return new Promise((resolve) => {
      const address = endpoint.connectAddress ?? endpoint.host;
      const servername = sniName(endpoint.host);
      const socket: net.Socket | tls.TLSSocket = implicitTls
        ? tls.connect({
            host: address,
            port: endpoint.port,
            ...(servername === undefined ? {} : { servername }),
            ...verifiedTlsOptions(ctx, endpoint.host),
          })
        : net.connect({ host: address, port: endpoint.port });
      let settled = false;
      const finish = (result: SessionResult<LineSession>): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', onAbort);
        socket.removeListener('error', onError);
        resolve(result);
      };
      const onError = (error: unknown): void => {
        socket.destroy();
        const code = errorCodeOf(error, UNKNOWN_CODE);
        const isTls = implicitTls && (code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('ERR_SSL'));
        finish({ ok: false, failure: { kind: isTls ? 'tls' : 'socket', errorCode: code, message: errorMessageOf(error) } });
      };
      const onAbort = (): void => {
        socket.destroy();
        finish({ ok: false, failure: { kind: 'cancelled' } });
      };
      const timer = setTimeout(() => {
        socket.destroy();
        finish({ ok: false, failure: { kind: 'timeout', afterMs: Date.now() - startedAt } });
      }, remainingMs(ctx));
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      socket.once('error', onError);
      socket.once(implicitTls ? 'secureConnect' : 'connect', () => {
        finish({ ok: true, value: new LineSession(socket, ctx, startedAt, implicitTls) });
      });
    });
  }

  #attach(socket: net.Socket | tls.TLSSocket): void {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      // A line longer than the cap with no CRLF in sight: a hostile or broken server.
      const firstBreak = this.#buffer.indexOf('\n');
      if ((firstBreak === -1 && this.#buffer.length > MAX_LINE_BYTES) || firstBreak > MAX_LINE_BYTES) {
        this.#fail({ kind: 'protocol', message: `reply line longer than ${MAX_LINE_BYTES} bytes` });
        return;
      }
      this.#wake(null);
    });
    socket.on('error', (error: unknown) => {
      this.#fail({ kind: 'closed', errorCode: errorCodeOf(error, UNKNOWN_CODE), message: errorMessageOf(error) });
    });
    socket.on('close', () => {
      this.#fail({ kind: 'closed', errorCode: 'ECONNCLOSED', message: 'the server closed the connection' });
    });
  }

  #wake(failure: SessionFailure | null): void {
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.(failure);
  }

  #fail(failure: SessionFailure): void {
    if (this.#failure !== null) return;
    this.#failure = failure;
    this.#socket.destroy();
    this.#wake(failure);
  }

  /** Takes one complete line from the buffer, without its CR LF; null when none is complete yet. */
  #takeLine(): string | null {
    const end = this.#buffer.indexOf('\n');
    if (end === -1) return null;
    const line = this.#buffer.slice(0, end).replace(/\r$/, '');
    this.#buffer = this.#buffer.slice(end + 1);
    return line;
  }

  /** Reads one line. Lines already buffered are returned before a failure is reported. */
  async readLine(): Promise<SessionResult<string>> {
    for (;;) {
      const line = this.#takeLine();
      if (line !== null) return { ok: true, value: line };
      if (this.#failure !== null) return { ok: false, failure: this.#failure };
      const failure = await new Promise<SessionFailure | null>((resolve) => {
        this.#waiter = resolve;
      });
      if (failure !== null && !this.#buffer.includes('\n')) return { ok: false, failure };
    }
  }

  /**
   * Reads lines until `isLast(line)` says the reply is complete (bounded to MAX_REPLY_LINES).
   * Used for SMTP multi-line replies ("250-" ... "250 ") and POP3 dot-terminated lists.
   */
  async readUntil(isLast: (line: string, index: number) => boolean): Promise<SessionResult<string[]>> {
    const lines: string[] = [];
    for (;;) {
      const next = await this.readLine();
      if (!next.ok) return next;
      lines.push(next.value);
      if (isLast(next.value, lines.length - 1)) return { ok: true, value: lines };
      if (lines.length >= MAX_REPLY_LINES) {
        this.#fail({ kind: 'protocol', message: `reply longer than ${MAX_REPLY_LINES} lines` });
        return { ok: false, failure: { kind: 'protocol', message: `reply longer than ${MAX_REPLY_LINES} lines` } };
      }
    }
  }

  /** Writes one command line (CR LF appended). Callers never log what they write. */
  write(line: string): SessionResult<void> {
    if (this.#failure !== null) return { ok: false, failure: this.#failure };
    this.#socket.write(`${line}\r\n`, 'latin1');
    return { ok: true, value: undefined };
  }

  /**
   * Upgrades the connection after the server's "go ahead" reply to STARTTLS/STLS. Refuses when the
   * server already sent more bytes (they were sent in clear and would be read as if protected).
   */
  async startTls(endpoint: ServerEndpoint): Promise<SessionResult<void>> {
    if (this.#failure !== null) return { ok: false, failure: this.#failure };
    if (this.#buffer.length > 0) {
      this.#fail({ kind: 'protocol', message: 'the server sent data after its STARTTLS reply (response injection)' });
      return { ok: false, failure: { kind: 'protocol', message: 'the server sent data after its STARTTLS reply (response injection)' } };
    }
    const plain = this.#socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    // Until the TLS socket takes over, a plain-socket error must still end the session.
    plain.on('error', (error: unknown) => this.#fail({ kind: 'tls', errorCode: errorCodeOf(error, UNKNOWN_CODE), message: errorMessageOf(error) }));
    const servername = sniName(endpoint.host);
    const secure = tls.connect({
      socket: plain,
      ...(servername === undefined ? {} : { servername }),
      ...verifiedTlsOptions(this.#ctx, endpoint.host),
    });
    this.#socket = secure;
    return new Promise((resolve) => {
      const onError = (error: unknown): void => {
        this.#fail({ kind: 'tls', errorCode: errorCodeOf(error, UNKNOWN_CODE), message: errorMessageOf(error) });
        resolve({ ok: false, failure: { kind: 'tls', errorCode: errorCodeOf(error, UNKNOWN_CODE), message: errorMessageOf(error) } });
      };
      secure.once('error', onError);
      secure.once('secureConnect', () => {
        secure.removeListener('error', onError);
        this.#tlsActive = true;
        this.#attach(secure);
        resolve({ ok: true, value: undefined });
      });
      // The deadline or a cancel during the handshake destroys the socket: report that failure.
      const previousWaiter = this.#waiter;
      this.#waiter = (failure) => {
        previousWaiter?.(failure);
        if (failure !== null) resolve({ ok: false, failure });
      };
    });
  }

  /** Ends the session: a polite goodbye if `farewell` is given, then the socket is destroyed. */
  close(farewell?: string): void {
    clearTimeout(this.#timer);
    this.#ctx.signal.removeEventListener('abort', this.#onAbort);
    const socket = this.#socket;
    const polite = this.#failure === null && farewell !== undefined;
    this.#failure ??= { kind: 'closed', errorCode: 'ECLOSED', message: 'closed by Mail Doctor' };
    if (!polite) {
      socket.destroy();
      return;
    }
    // Say goodbye, but never wait for the server's answer: the verdict must not depend on it. The short
    // grace only lets the farewell (encrypted, on TLS) leave before the socket is destroyed.
    socket.end(`${farewell}\r\n`, 'latin1');
    setTimeout(() => socket.destroy(), 250).unref();
  }
}
