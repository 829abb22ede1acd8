/**
 * The window's page on app://mail-doctor: exactly the renderer's files, GET only, nothing outside the
 * folder, the CSP on every answer.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { APP_PAGE_URL, appFileFor, createAppProtocolHandler, registerAppScheme } from '../../../electron/window/appProtocol';
import { CONTENT_SECURITY_POLICY } from '../../../electron/window/contentSecurityPolicy';

const root = mkdtempSync(join(tmpdir(), 'md-app-protocol-'));
const rendererDir = join(root, 'renderer');
mkdirSync(join(rendererDir, 'assets'), { recursive: true });
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Mail Doctor</title>');
writeFileSync(join(rendererDir, 'assets', 'index-abc.js'), 'console.log(1)');
writeFileSync(join(root, 'secret.txt'), 'outside the renderer');
const handler = createAppProtocolHandler(rendererDir);

describe('the app:// protocol', () => {
  it('is declared a standard, secure scheme without fetch, CORS, service workers or CSP bypass', () => {
    const registerSchemesAsPrivileged = vi.fn();
    registerAppScheme({ registerSchemesAsPrivileged });
    expect(registerSchemesAsPrivileged).toHaveBeenCalledWith([
      {
        scheme: 'app',
        privileges: { standard: true, secure: true, codeCache: true, supportFetchAPI: false, corsEnabled: false, allowServiceWorkers: false, bypassCSP: false, stream: false },
      },
    ]);
  });

  it('serves the page and its assets with their types and the Content-Security-Policy', async () => {
    const page = await handler(new Request(APP_PAGE_URL));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Mail Doctor</title>');
    const script = await handler(new Request('app://mail-doctor/assets/index-abc.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await handler(new Request('app://mail-doctor/'))).status).toBe(200);
  });

  it.each([
    'app://mail-doctor/../secret.txt',
    'app://mail-doctor/%2e%2e/secret.txt',
    'app://mail-doctor/assets/..%2F..%2Fsecret.txt',
    'app://mail-doctor/..%5Csecret.txt',
    'app://other-host/index.html',
    'app://mail-doctor/index.html?x=1',
    'file:///etc/passwd',
  ])('serves nothing outside the renderer for %s', async (url) => {
    const response = await handler(new Request(url));
    expect(response.status, url).toBeGreaterThanOrEqual(400);
    expect(await response.text()).not.toContain('outside the renderer');
  });

  it('answers only GET, and 404 for a missing file or an unknown type', async () => {
    expect((await handler(new Request(APP_PAGE_URL, { method: 'POST', body: 'x' }))).status).toBe(405);
    expect((await handler(new Request('app://mail-doctor/nope.js'))).status).toBe(404);
    writeFileSync(join(rendererDir, 'data.bin'), 'x');
    expect((await handler(new Request('app://mail-doctor/data.bin'))).status).toBe(404);
  });

  it('maps URLs to files only inside the renderer folder', () => {
    expect(appFileFor(rendererDir, APP_PAGE_URL)).toBe(join(rendererDir, 'index.html'));
    expect(appFileFor(rendererDir, 'app://mail-doctor/%00x.js')).toBeNull();
  });
});
