/**
 * One bounded HTTP(S) GET for the probes (captive-portal check, autoconfig, webmail pages): no cookies,
 * no credentials, no keep-alive pool, certificate verification always on, a body cap, our deadline, and
 * failures split by phase (DNS, TCP connect, TLS, later) so each caller can classify them its own way.
 */
import type * as Http from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type * as Https from 'node:https';
import type { Socket } from 'node:net';
import type { TcpOutcome } from '../../shared/probes/outcomes';
import { errorCodeOf, errorMessageOf } from '../errors';
import { certificateProblemOf, trustOptions } from './certificate';
import { runWithDeadline } from './deadline';
import { lookupFunction } from './dns';
import { classifyConnectError } from './tcp';
import type { ProbeContext } from './types';

export interface HttpGetOptions {
  /** Bytes of body kept; the rest is not read (the response is cut off). */
  readonly maxBodyBytes: number;
  /** Redirects followed (0 = report the redirect itself, as the captive-portal check needs). */
  readonly maxRedirects?: number;
  /** Refuse to follow a redirect to a non-HTTPS URL (autoconfig, webmail). */
  readonly httpsOnly?: boolean;
}

export type HttpGetResult =
  | {
      readonly kind: 'response';
      /** The URL that produced this response (after redirects). */
      readonly url: string;
      readonly status: number;
      readonly location?: string;
      readonly body: string;
      readonly truncated: boolean;
      readonly redirects: readonly string[];
    }
  | { readonly kind: 'dns-failed'; readonly url: string; readonly errorCode: string }
  | { readonly kind: 'connect-failed'; readonly url: string; readonly tcp: Exclude<TcpOutcome, { kind: 'connected' }> }
  /** TLS handshake or certificate verification failed (`code` is Node's, e.g. CERT_HAS_EXPIRED). */
  | { readonly kind: 'tls-failed'; readonly url: string; readonly code: string; readonly message: string }
  | { readonly kind: 'timeout'; readonly url: string; readonly phase: 'connect' | 'tls' | 'response'; readonly afterMs: number }
  | { readonly kind: 'error'; readonly url: string; readonly errorCode: string; readonly message: string };

const DNS_CODES = new Set(['ENOTFOUND', 'ENODATA', 'ETIMEOUT', 'EAI_AGAIN', 'ESERVFAIL', 'EREFUSED']);

type Phase = 'connect' | 'tls' | 'response';

interface SingleResponse {
  readonly status: number;
  readonly location?: string;
  readonly body: string;
  readonly truncated: boolean;
}

function readBody(response: IncomingMessage, maxBytes: number, onDone: (body: string, truncated: boolean) => void): void {
  const chunks: Buffer[] = [];
  let kept = 0;
  let finished = false;
  const done = (truncated: boolean): void => {
    if (finished) return;
    finished = true;
    onDone(Buffer.concat(chunks).toString('utf8'), truncated);
  };
  response.on('data', (chunk: Buffer) => {
    const room = maxBytes - kept;
    if (chunk.length >= room) {
      chunks.push(chunk.subarray(0, room));
      kept = maxBytes;
      // Enough to classify the page: stop reading (a hostile server may stream forever).
      response.destroy();
      done(true);
      return;
    }
    chunks.push(chunk);
    kept += chunk.length;
  });
  response.on('end', () => done(false));
  response.on('close', () => done(kept >= maxBytes));
  response.on('error', () => done(true));
}

/** Performs one GET without following redirects. */
/**
 * Node's HTTP modules load with the first request, not at start: every web check (captive portal, webmail,
 * autoconfig) starts after the mail servers' connections, which then need not wait for their compilation.
 */
function httpModules(): Promise<[typeof Http, typeof Https]> {
  return Promise.all([import('node:http'), import('node:https')]);
}

async function getOnce(
  url: URL,
  ctx: ProbeContext,
  options: HttpGetOptions,
  track: (request: ClientRequest) => void,
  phaseRef: { phase: Phase },
): Promise<SingleResponse> {
  const [http, https] = await httpModules();
  return new Promise<SingleResponse>((resolve, reject) => {
    const isHttps = url.protocol === 'https:';
    const lookup = lookupFunction(ctx);
    const common = {
      method: 'GET',
      agent: false as const,
      headers: { 'user-agent': 'MailDoctor/0.1 (connectivity check)', accept: '*/*', connection: 'close' },
      ...(lookup === undefined ? {} : { lookup }),
    };
    const request = isHttps
      ? https.request(url, { ...common, rejectUnauthorized: true, ...trustOptions(ctx) })
      : http.request(url, common);
    track(request);
    phaseRef.phase = 'connect';
    request.on('socket', (socket: Socket) => {
      const onConnect = (): void => {
        phaseRef.phase = isHttps ? 'tls' : 'response';
      };
      if (socket.connecting) socket.once('connect', onConnect);
      else onConnect();
      if (isHttps) socket.once('secureConnect', () => {
        phaseRef.phase = 'response';
      });
    });
    request.on('error', reject);
    request.on('response', (response) => {
      phaseRef.phase = 'response';
      const location = typeof response.headers.location === 'string' ? response.headers.location : undefined;
      readBody(response, options.maxBodyBytes, (body, truncated) => {
        resolve({ status: response.statusCode ?? 0, body, truncated, ...(location === undefined ? {} : { location }) });
      });
    });
    request.end();
  });
}

function classifyFailure(url: string, error: unknown, phase: Phase, afterMs: number): HttpGetResult {
  const code = errorCodeOf(error);
  if (phase === 'connect') {
    // Name-resolution errors carry `hostname` (getaddrinfo and our resolver alike); connect errors carry `address`.
    const isDnsError = typeof error === 'object' && error !== null && 'hostname' in error && !('address' in error);
    if (isDnsError || DNS_CODES.has(code)) return { kind: 'dns-failed', url, errorCode: code };
    return { kind: 'connect-failed', url, tcp: classifyConnectError(error, afterMs, new URL(url).hostname) };
  }
  if (phase === 'tls' || certificateProblemOf(code) !== undefined || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return { kind: 'tls-failed', url, code, message: errorMessageOf(error) };
  }
  return { kind: 'error', url, errorCode: code, message: errorMessageOf(error) };
}

/** GET `url`, following at most `maxRedirects` redirects. Never rejects. */
export function httpGet(url: string, ctx: ProbeContext, options: HttpGetOptions): Promise<HttpGetResult> {
  const phaseRef: { phase: Phase } = { phase: 'connect' };
  let currentUrl = url;
  return runWithDeadline<HttpGetResult>(
    ctx,
    async (scope) => {
      const redirects: string[] = [];
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return { kind: 'error', url, errorCode: 'ERR_INVALID_URL', message: 'not a valid URL' };
      }
      for (;;) {
        currentUrl = target.toString();
        let single: SingleResponse;
        try {
          single = await getOnce(target, ctx, options, (request) => scope.track(request), phaseRef);
        } catch (error) {
          return classifyFailure(currentUrl, error, phaseRef.phase, scope.elapsedMs());
        }
        const isRedirect = single.status >= 300 && single.status < 400 && single.location !== undefined;
        if (!isRedirect || redirects.length >= (options.maxRedirects ?? 0) || single.location === undefined) {
          return { kind: 'response', url: currentUrl, ...single, redirects };
        }
        let next: URL;
        try {
          next = new URL(single.location, target);
        } catch {
          return { kind: 'response', url: currentUrl, ...single, redirects };
        }
        if (options.httpsOnly === true && next.protocol !== 'https:') return { kind: 'response', url: currentUrl, ...single, redirects };
        redirects.push(next.toString());
        target = next;
      }
    },
    (reason, afterMs) =>
      reason === 'deadline'
        ? { kind: 'timeout', url: currentUrl, phase: phaseRef.phase, afterMs }
        : { kind: 'error', url: currentUrl, errorCode: 'ABORT_ERR', message: 'cancelled' },
    (error) => ({ kind: 'error', url: currentUrl, errorCode: errorCodeOf(error), message: errorMessageOf(error) }),
  );
}
