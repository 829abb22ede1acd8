import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

// lockDown.ts only needs Electron's types; the module itself is never loaded in Node.
vi.mock('electron', () => ({}));

import { CONTENT_SECURITY_POLICY } from '../../../electron/window/contentSecurityPolicy';
import { lockDownSession } from '../../../electron/window/lockDown';

type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
type PermissionCheckHandler = (contents: unknown, permission: string) => boolean;
type HeadersListener = (
  details: { responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders: Record<string, string[]> }) => void,
) => void;

function fakeSession() {
  const installed: {
    request?: PermissionRequestHandler;
    check?: PermissionCheckHandler;
    headers?: HeadersListener;
  } = {};
  const session = {
    setPermissionRequestHandler: (handler: PermissionRequestHandler) => {
      installed.request = handler;
    },
    setPermissionCheckHandler: (handler: PermissionCheckHandler) => {
      installed.check = handler;
    },
    webRequest: {
      onHeadersReceived: (listener: HeadersListener) => {
        installed.headers = listener;
      },
    },
  };
  return { session, installed };
}

const PERMISSIONS = ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fullscreen', 'pointerLock'];

describe('the session lock-down', () => {
  it.each(PERMISSIONS)('refuses the %s permission request', (permission) => {
    const { session, installed } = fakeSession();
    lockDownSession(session as never);
    const callback = vi.fn();
    installed.request?.({}, permission, callback);
    expect(callback).toHaveBeenCalledExactlyOnceWith(false);
  });

  it.each(PERMISSIONS)('answers no to a %s permission check', (permission) => {
    const { session, installed } = fakeSession();
    lockDownSession(session as never);
    expect(installed.check).toBeDefined();
    expect(installed.check?.({}, permission)).toBe(false);
  });

  it('adds the CSP header to responses, keeping their other headers', () => {
    const { session, installed } = fakeSession();
    lockDownSession(session as never);
    const callback = vi.fn();
    installed.headers?.({ responseHeaders: { 'Content-Type': ['text/html'] } }, callback);
    expect(callback).toHaveBeenCalledExactlyOnceWith({
      responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
});

describe('the Content-Security-Policy', () => {
  it('is the strict policy of the brief', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; base-uri 'none'; form-action 'none'",
    );
  });

  it('is also the meta tag of renderer/index.html, and the page has no inline script or style', () => {
    const html = readFileSync(new URL('../../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html);
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
  });
});
