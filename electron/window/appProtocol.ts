/**
 * The window's page comes from `app://mail-doctor/`, a custom protocol, not from file:// (Electron security
 * checklist item 18). A file:// page shares its origin with every file on the disk and gets file-specific
 * privileges; `app://mail-doctor` is one origin that serves exactly the files of the built renderer
 * (dist/renderer, inside the signed asar archive), GET only, nothing outside that folder, with the
 * Content-Security-Policy on every response. The IPC sender check and the navigation guards accept this one
 * page URL and nothing else.
 */
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, relative } from 'node:path';
import type { Protocol, Session } from 'electron';
import { CONTENT_SECURITY_POLICY } from './contentSecurityPolicy';

export const APP_SCHEME = 'app';
export const APP_HOST = 'mail-doctor';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The one page the window shows and the one sender IPC accepts (electron/ipc/senderPolicy.ts). */
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`;

/**
 * Must run before the app is ready: a standard, secure scheme (so the page has a real origin, `'self'` in
 * the CSP means it, and it counts as a secure context), with the V8 code cache. No fetch API, no CORS, no
 * service workers, no CSP bypass: the page fetches nothing.
 */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: {
        standard: true,
        secure: true,
        codeCache: true,
        supportFetchAPI: false,
        corsEnabled: false,
        allowServiceWorkers: false,
        bypassCSP: false,
        stream: false,
      },
    },
  ]);
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

function refusal(status: 403 | 404 | 405): Response {
  return new Response(null, { status, headers: SECURITY_HEADERS });
}

/** The file under `rendererDir` that `url` names, or null when it names anything else. */
export function appFileFor(rendererDir: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || parsed.search !== '' || parsed.username !== '') return null;
  let path: string;
  try {
    // Dot segments were already resolved by the URL parser; a decoded "%2F.." must still not climb out.
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  const file = join(rendererDir, path === '/' ? 'index.html' : path);
  const inside = relative(rendererDir, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return null;
  return file;
}

/** The `app:` handler: GET of a renderer file, everything else refused. */
export function createAppProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET') return refusal(405);
    const file = appFileFor(rendererDir, request.url);
    if (file === null) return refusal(403);
    const contentType = CONTENT_TYPES[extname(file).toLowerCase()];
    if (contentType === undefined) return refusal(404);
    try {
      const body = await readFile(file);
      return new Response(new Uint8Array(body), { status: 200, headers: { ...SECURITY_HEADERS, 'content-type': contentType } });
    } catch {
      return refusal(404);
    }
  };
}

/** Serves the renderer on `app://mail-doctor/` in `session` (after the app is ready). */
export function serveAppProtocol(session: Pick<Session, 'protocol'>, rendererDir: string): void {
  session.protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir));
}
