/**
 * The web preview's HTTP bridge: serves the built renderer and answers the IPC contract over
 * loopback HTTP, so the real window can be used and tested in a normal browser. Development tool
 * only: nothing in the packaged app imports it.
 *
 * Protection, because any web page the developer visits can try to reach a loopback port:
 * - bound to 127.0.0.1 only, on a port the OS picks unless one is given;
 * - every request must carry `Host: 127.0.0.1:<port>` (defeats DNS rebinding: a rebound name
 *   arrives with its own Host);
 * - every API request must carry the per-launch token, and a POST must carry our own Origin
 *   (another site's page cannot forge either). The token travels to the page in the URL fragment
 *   (`/#token=...`), which browsers never send to a server or put in a Referer;
 * - payloads pass the same zod schemas as IPC, with a 64 KiB body limit.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { EventChannel, IpcEvents } from '../../shared/ipc/contract';
import type { ChannelHandlers, DispatchLogger } from '../ipc/channelHandlers';
import { dispatchRequest } from '../ipc/channelHandlers';
import { CONTENT_SECURITY_POLICY } from '../window/contentSecurityPolicy';

export const TOKEN_HEADER = 'x-mail-doctor-token';
export const API_PREFIX = '/api/';
export const EVENTS_PATH = '/api/events';
const MAX_BODY_BYTES = 64 * 1024;

/** The preview page talks to its own server, and to nothing else. */
export const PREVIEW_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  "connect-src 'none'",
  "connect-src 'self'",
);

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface PreviewServerOptions {
  /** Folder holding the built renderer (dist/renderer). */
  readonly rendererDir: string;
  readonly handlers: ChannelHandlers;
  /** 0 = any free port. */
  readonly port: number;
  readonly log: DispatchLogger;
}

export interface PreviewServer {
  readonly origin: string;
  readonly token: string;
  /** Where to point the browser: the token rides in the fragment. */
  readonly pageUrl: string;
  close(): Promise<void>;
}

export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const token = randomBytes(32).toString('base64url');
  const indexHtml = await loadIndexHtml(options.rendererDir);
  const eventClients = new Set<ServerResponse>();
  let origin = '';
  let host = '';

  const broadcast = <C extends EventChannel>(channel: C, event: IpcEvents[C]): void => {
    const frame = `event: ${channel}\ndata: ${JSON.stringify(event)}\n\n`;
    for (const client of eventClients) client.write(frame);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      options.log('preview: request failed');
      if (!response.headersSent) sendStatus(response, 500);
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.headers.host !== host) return sendStatus(response, 403);
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname === EVENTS_PATH) return openEventStream(request, response, url);
    if (url.pathname.startsWith(API_PREFIX)) return answerApi(request, response, url.pathname.slice(API_PREFIX.length));
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendStatus(response, 405);
    return serveStatic(response, url.pathname);
  }

  function openEventStream(request: IncomingMessage, response: ServerResponse, url: URL): void {
    // EventSource cannot set headers, so the token comes in the query string here.
    if (request.method !== 'GET') return sendStatus(response, 405);
    if (!originAllowed(request, false) || !tokenMatches(url.searchParams.get('token'))) return sendStatus(response, 403);
    response.writeHead(200, {
      ...baseHeaders(),
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
    });
    response.write(': connected\n\n');
    eventClients.add(response);
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
    request.on('close', () => {
      clearInterval(keepAlive);
      eventClients.delete(response);
    });
  }

  async function answerApi(request: IncomingMessage, response: ServerResponse, channel: string): Promise<void> {
    if (request.method !== 'POST') return sendStatus(response, 405);
    const headerToken = request.headers[TOKEN_HEADER];
    if (!originAllowed(request, true) || !tokenMatches(typeof headerToken === 'string' ? headerToken : null)) {
      return sendStatus(response, 403);
    }
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) return sendStatus(response, 415);
    const body = await readBody(request);
    if (body.kind === 'too-large') return sendStatus(response, 413);
    let envelope: unknown;
    try {
      envelope = JSON.parse(body.text);
    } catch {
      return sendStatus(response, 400);
    }
    if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) return sendStatus(response, 400);
    const payload: unknown = 'payload' in envelope ? envelope.payload : undefined;
    const context = {
      emitProgress: (event: IpcEvents['diagnosis:progress']) => broadcast('diagnosis:progress', event),
      emitAdminProgress: (event: IpcEvents['admin:progress']) => broadcast('admin:progress', event),
    };
    const result = await dispatchRequest(options.handlers, channel, payload, context, options.log);
    response.writeHead(200, { ...baseHeaders(), 'Content-Type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(result));
  }

  async function serveStatic(response: ServerResponse, pathname: string): Promise<void> {
    if (pathname === '/' || pathname === '/index.html') {
      response.writeHead(200, { ...baseHeaders(), 'Content-Type': CONTENT_TYPES['.html'] });
      response.end(indexHtml);
      return;
    }
    const file = safeJoin(options.rendererDir, pathname);
    if (file === null) return sendStatus(response, 404);
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch {
      return sendStatus(response, 404);
    }
    response.writeHead(200, {
      ...baseHeaders(),
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    });
    response.end(content);
  }

  function originAllowed(request: IncomingMessage, required: boolean): boolean {
    const requestOrigin = request.headers.origin;
    if (requestOrigin === undefined) return !required;
    return requestOrigin === origin;
  }

  function tokenMatches(candidate: string | null): boolean {
    if (candidate === null) return false;
    const given = Buffer.from(candidate);
    const expected = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('preview server has no TCP address');
  host = `127.0.0.1:${String(address.port)}`;
  origin = `http://${host}`;

  return {
    origin,
    token,
    pageUrl: `${origin}/#token=${token}`,
    close: () => closeServer(server, eventClients),
  };
}

function baseHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': PREVIEW_CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

function sendStatus(response: ServerResponse, status: number): void {
  response.writeHead(status, { ...baseHeaders(), 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(`${String(status)}\n`);
}

/** The built page carries the app's CSP as a meta tag; the preview allows itself connect-src 'self'. */
async function loadIndexHtml(rendererDir: string): Promise<string> {
  const html = await readFile(join(rendererDir, 'index.html'), 'utf8');
  if (!html.includes(CONTENT_SECURITY_POLICY)) {
    throw new Error(`${join(rendererDir, 'index.html')} does not carry the app's Content-Security-Policy`);
  }
  return html.replace(CONTENT_SECURITY_POLICY, PREVIEW_CONTENT_SECURITY_POLICY);
}

/** Resolves a URL path inside `root`, or null when it would leave it. */
function safeJoin(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const resolved = normalize(join(root, decoded));
  const base = normalize(root).replace(/[\\/]+$/, '');
  return resolved.startsWith(base + sep) ? resolved : null;
}

type Body = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'too-large' };

function readBody(request: IncomingMessage): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => {
      resolve(tooLarge ? { kind: 'too-large' } : { kind: 'text', text: Buffer.concat(chunks).toString('utf8') });
    });
    request.on('error', reject);
  });
}

function closeServer(server: Server, eventClients: Set<ServerResponse>): Promise<void> {
  for (const client of eventClients) client.end();
  eventClients.clear();
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeAllConnections();
  });
}
