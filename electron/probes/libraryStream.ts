/**
 * The stream imapflow and nodemailer get instead of opening their own connection: the socket this probe
 * opened and verified (serverConnection.ts), wrapped so that
 * - the server's bytes still count against the connection's byte budget (REPLY_TOO_LARGE_LIMITS) below the
 *   library: past it the connection is closed with REPLY_TOO_LARGE, so no library ever buffers more than
 *   1 MiB of a hostile server (imapflow alone would buffer up to 1 GiB of one line);
 * - the library first reads `replay` (the greeting it expects to start with; see imap.ts and smtp.ts);
 * - every byte the library writes passes `onWrite` (the credential watch, login.ts) before it leaves;
 * - the library's inactivity timer is never armed: the probe's one deadline governs (deadline.ts);
 * - once the login's answer is known the stream is `seal`ed: whatever the library would still send or close
 *   (imapflow goes on with NAMESPACE, ID, LOGOUT after a successful login) never reaches the socket, and costs
 *   no round trip; the probe says goodbye itself (ServerSession.goodbyeAfterLibrary).
 */
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { type ReplyBudget, replyTooLargeError } from './lineReader';

export interface LibraryStreamOptions {
  /** The connected (and, for a login, verified TLS) socket; the stream owns it from now on. */
  readonly socket: Socket | TLSSocket;
  readonly budget: ReplyBudget;
  /** Bytes the library reads before anything from the socket. */
  readonly replay: Buffer;
  /** Sees every chunk the library writes, before it is sent. */
  readonly onWrite?: (chunk: Buffer) => void;
  /** Sees every chunk the server sends, after it was counted. */
  readonly onRead?: (chunk: Buffer) => void;
}

export class LibraryStream extends Duplex {
  readonly #socket: Socket | TLSSocket;
  readonly #budget: ReplyBudget;
  readonly #onWrite: ((chunk: Buffer) => void) | undefined;
  readonly #onRead: ((chunk: Buffer) => void) | undefined;
  #sealed = false;

  readonly #onData = (chunk: Buffer): void => {
    const breach = this.#budget.count(chunk);
    if (breach !== undefined) {
      this.#socket.destroy();
      this.destroy(replyTooLargeError(breach));
      return;
    }
    this.#onRead?.(chunk);
    if (!this.push(chunk)) this.#socket.pause();
  };
  readonly #onEnd = (): void => {
    this.push(null);
  };
  readonly #onError = (error: Error): void => {
    this.destroy(error);
  };
  readonly #onClose = (): void => {
    if (!this.destroyed) this.destroy();
  };

  constructor(options: LibraryStreamOptions) {
    super({ allowHalfOpen: false });
    this.#socket = options.socket;
    this.#budget = options.budget;
    this.#onWrite = options.onWrite;
    this.#onRead = options.onRead;
    if (options.replay.length > 0) this.push(options.replay);
    this.#socket.on('data', this.#onData);
    this.#socket.on('end', this.#onEnd);
    this.#socket.on('error', this.#onError);
    this.#socket.on('close', this.#onClose);
  }

  override _read(): void {
    this.#socket.resume();
  }

  /** Nothing the library writes or ends from now on reaches the socket (the login's answer is known). */
  seal(): void {
    this.#sealed = true;
  }

  get sealed(): boolean {
    return this.#sealed;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.#sealed) {
      callback();
      return;
    }
    this.#onWrite?.(chunk);
    if (this.#socket.destroyed || !this.#socket.writable) {
      callback(Object.assign(new Error('the connection is closed'), { code: 'EPIPE' }));
      return;
    }
    this.#socket.write(chunk, (error) => callback(error ?? null));
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.#sealed) this.#socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#socket.off('data', this.#onData);
    this.#socket.off('end', this.#onEnd);
    this.#socket.off('error', this.#onError);
    this.#socket.off('close', this.#onClose);
    this.#socket.destroy();
    callback(error);
  }

  /** The library's inactivity timer: not armed (the probe's deadline governs, deadline.ts). */
  setTimeout(): this {
    return this;
  }

  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.#socket.setKeepAlive(enable, initialDelay);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.#socket.setNoDelay(noDelay);
    return this;
  }

  get remoteAddress(): string | undefined {
    return this.#socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.#socket.remotePort;
  }

  get localAddress(): string | undefined {
    return this.#socket.localAddress;
  }

  get localPort(): number | undefined {
    return this.#socket.localPort;
  }

  /** imapflow reads the cipher of a TLS connection for `client.tls`. */
  getCipher(): ReturnType<TLSSocket['getCipher']> | null {
    return 'getCipher' in this.#socket ? this.#socket.getCipher() : null;
  }

  get authorized(): boolean {
    return 'authorized' in this.#socket ? this.#socket.authorized : false;
  }
}
