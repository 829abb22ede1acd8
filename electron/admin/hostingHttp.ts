/**
 * One HTTPS request to a cPanel or WHM server: certificate verification always on (system roots plus the
 * extra CAs a `--ca-file` or managed CA adds, never fewer), no redirects followed, no keep-alive pool, a
 * body cap, one deadline and the caller's AbortSignal. Never throws: every way it can end is an outcome.
 *
 * The token goes in the Authorization header and nowhere else (never the URL, which servers log); it is
 * revealed only to build that header, and no error, outcome or log line here carries a header.
 */
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { errorCodeOf } from '../errors';
import { certificateProblemOf, trustOptions } from '../probes/certificate';
import type { Secret } from '../keychain/secret';

export interface HostingHttpRequest {
  /** "https://host:port" (electron/admin/hostingUrl.ts made it). */
  readonly origin: string;
  readonly path: string;
  readonly method: 'GET' | 'POST';
  readonly query?: URLSearchParams;
  /** Sent as application/x-www-form-urlencoded (POST): how passwords travel, never in the URL. */
  readonly form?: URLSearchParams;
  /** "cpanel" or "whm": the scheme word of the Authorization header. */
  readonly authScheme: 'cpanel' | 'whm';
  readonly user: string;
  readonly token: Secret;
}

export interface HostingHttpOptions {
  /** Absolute time (Date.now()) by which the request must have ended. */
  readonly deadline: number;
  readonly signal: AbortSignal;
  /** Extra trusted CAs (PEM), added to the system roots. */
  readonly extraCaPem?: readonly string[];
  /** Bytes of body kept; a longer answer is cut off and marked truncated. */
  readonly maxBodyBytes?: number;
}

export type HostingHttpOutcome =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly contentType?: string;
      readonly body: string;
      readonly truncated: boolean;
      readonly durationMs: number;
    }
  | { readonly kind: 'timeout'; readonly phase: 'connect' | 'response'; readonly afterMs: number }
  | { readonly kind: 'unreachable'; readonly errorCode: string; readonly durationMs: number }
  | { readonly kind: 'certificate'; readonly errorCode: string; readonly durationMs: number }
  | { readonly kind: 'cancelled'; readonly durationMs: number };

/** WHM's cPHulk lists can be long on a busy server; more than this is not an API answer we can use. */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

const USER_AGENT = 'MailDoctor/0.1 (hosting admin tools)';

export function hostingRequest(request: HostingHttpRequest, options: HostingHttpOptions): Promise<HostingHttpOutcome> {
  const started = Date.now();
  const elapsed = (): number => Date.now() - started;
  if (options.signal.aborted) return Promise.resolve({ kind: 'cancelled', durationMs: 0 });

  return new Promise<HostingHttpOutcome>((resolve) => {
    let settled = false;
    let phase: 'connect' | 'response' = 'connect';
    const url = new URL(request.path, request.origin);
    if (request.query !== undefined) url.search = request.query.toString();
    const body = request.form?.toString();
    const headers: Record<string, string> = {
      authorization: `${request.authScheme} ${request.user}:${request.token.reveal()}`,
      accept: 'application/json',
      'user-agent': USER_AGENT,
      connection: 'close',
      ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) }),
    };
    const req = https.request(url, {
      method: request.method,
      headers,
      agent: false,
      rejectUnauthorized: true,
      ...trustOptions({ ...(options.extraCaPem === undefined ? {} : { extraCaPem: options.extraCaPem }) }),
    });

    const finish = (outcome: HostingHttpOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout', phase, afterMs: elapsed() }), Math.max(0, options.deadline - Date.now()));
    const onAbort = (): void => finish({ kind: 'cancelled', durationMs: elapsed() });
    options.signal.addEventListener('abort', onAbort, { once: true });

    req.on('socket', (socket: Socket) => {
      // The connect phase ends when TLS is up: until then "no answer" means the server was not reached.
      // agent: false gives every request a fresh socket, so the handshake is always still ahead here.
      socket.once('secureConnect', () => {
        phase = 'response';
      });
    });
    req.on('error', (error) => {
      const code = errorCodeOf(error);
      if (certificateProblemOf(code) !== undefined || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) {
        finish({ kind: 'certificate', errorCode: code, durationMs: elapsed() });
      } else {
        finish({ kind: 'unreachable', errorCode: code, durationMs: elapsed() });
      }
    });
    req.on('response', (response: IncomingMessage) => {
      const contentType = typeof response.headers['content-type'] === 'string' ? response.headers['content-type'] : undefined;
      readCapped(response, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, (text, truncated) => {
        finish({
          kind: 'response',
          status: response.statusCode ?? 0,
          ...(contentType === undefined ? {} : { contentType }),
          body: text,
          truncated,
          durationMs: elapsed(),
        });
      });
    });
    req.end(body);
  });
}

function readCapped(response: IncomingMessage, maxBytes: number, done: (text: string, truncated: boolean) => void): void {
  const chunks: Buffer[] = [];
  let kept = 0;
  let finished = false;
  const end = (truncated: boolean): void => {
    if (finished) return;
    finished = true;
    done(Buffer.concat(chunks).toString('utf8'), truncated);
  };
  response.on('data', (chunk: Buffer) => {
    const room = maxBytes - kept;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      kept = maxBytes;
      // A hostile server may stream forever: stop reading rather than grow without bound.
      response.destroy();
      end(true);
      return;
    }
    chunks.push(chunk);
    kept += chunk.length;
  });
  response.on('end', () => end(false));
  response.on('error', () => end(true));
  response.on('close', () => end(!response.complete));
}
