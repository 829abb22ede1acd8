import { request as httpRequest } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../../shared/diagnosis/types';
import { ok } from '../../../shared/result';
import { unavailableAdminService } from '../../../electron/admin/adminService';
import { createChannelHandlers } from '../../../electron/ipc/channelHandlers';
import type { MainServices } from '../../../electron/ipc/mainServices';
import { CONTENT_SECURITY_POLICY } from '../../../electron/window/contentSecurityPolicy';
import { PREVIEW_CONTENT_SECURITY_POLICY, TOKEN_HEADER, startPreviewServer } from '../../../electron/preview/previewServer';
import type { PreviewServer } from '../../../electron/preview/previewServer';

const rendererDir = mkdtempSync(join(tmpdir(), 'md-preview-'));
mkdirSync(join(rendererDir, 'assets'));
writeFileSync(join(rendererDir, 'index.html'), `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}"><p>page</p>`);
writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(join(tmpdir(), 'md-preview-outside.txt'), 'outside');

const serviceCalls: string[] = [];
const unreachable = () => Promise.reject(new Error('not used in this test'));
const services: MainServices = {
  appInfo: () => ({ name: 'Mail Doctor', version: '9.9.9', platform: 'linux', isPackaged: false }),
  accounts: { list: unreachable },
  diagnosis: {
    start: (request, onProgress) => {
      serviceCalls.push(`start ${JSON.stringify(request)}`);
      setTimeout(() => onProgress({ type: 'run-started', runId: 'run-7', accountIds: [] }), 50);
      return Promise.resolve(ok({ runId: 'run-7' }));
    },
    cancel: unreachable,
  },
  report: { get: unreachable },
  clipboard: { writeText: unreachable },
  links: { open: unreachable },
  reportFiles: { save: unreachable },
  support: { contact: unreachable },
  admin: unavailableAdminService(),
};

let server: PreviewServer;

beforeAll(async () => {
  server = await startPreviewServer({ rendererDir, handlers: createChannelHandlers(services), port: 0, log: () => undefined });
});

afterAll(async () => {
  await server.close();
  rmSync(rendererDir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP, so tests can send the Host and Origin headers an attacker's page would. */
function send(options: { path: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
  const url = new URL(server.origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: url.port, path: options.path, method: options.method ?? 'GET', headers: { host: url.host, ...options.headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function api(channel: string, payload: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return send({
    path: `/api/${channel}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.origin, [TOKEN_HEADER]: server.token, ...headers },
    body: JSON.stringify({ payload }),
  });
}

describe('the preview server', () => {
  it('listens on 127.0.0.1 and puts the token in the URL fragment', () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.pageUrl).toBe(`${server.origin}/#token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(40);
  });

  it('answers a request with the token and our Origin through the services', async () => {
    const reply = await api('app:getInfo', undefined);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({
      ok: true,
      value: { name: 'Mail Doctor', version: '9.9.9', platform: 'linux', isPackaged: false },
    });
  });

  it.each<[string, () => Record<string, string>]>([
    ['no token', () => ({ [TOKEN_HEADER]: '' })],
    ['a wrong token', () => ({ [TOKEN_HEADER]: 'x'.repeat(server.token.length) })],
    ['another Origin', () => ({ origin: 'http://evil.example' })],
    ['a rebound Host name', () => ({ host: 'evil.example:80' })],
    ['localhost instead of 127.0.0.1', () => ({ host: `localhost:${new URL(server.origin).port}` })],
  ])('refuses an API request with %s (403)', async (_what, headers) => {
    const reply = await api('app:getInfo', undefined, headers());
    expect(reply.status).toBe(403);
    expect(reply.body).not.toContain('Mail Doctor');
  });

  it('refuses an API request without an Origin header', async () => {
    const reply = await send({
      path: '/api/app:getInfo',
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: server.token },
      body: '{}',
    });
    expect(reply.status).toBe(403);
  });

  it('refuses static files to a rebound Host name', async () => {
    expect((await send({ path: '/', headers: { host: 'evil.example' } })).status).toBe(403);
  });

  it('validates payloads with the contract schemas', async () => {
    const reply = await api('diagnosis:start', { accountId: 'a', manual: 'x' });
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(serviceCalls).toEqual([]);
  });

  it('refuses bodies over 64 KiB', async () => {
    const reply = await api('diagnosis:start', { accountId: 'a'.repeat(70_000) });
    expect(reply.status).toBe(413);
  });

  it('serves the page with connect-src relaxed to self, in the header and the meta tag', async () => {
    const reply = await send({ path: '/' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-security-policy']).toBe(PREVIEW_CONTENT_SECURITY_POLICY);
    expect(PREVIEW_CONTENT_SECURITY_POLICY).toContain("connect-src 'self'");
    expect(reply.body).toContain(PREVIEW_CONTENT_SECURITY_POLICY);
    expect(reply.body).not.toContain("connect-src 'none'");
    expect((await send({ path: '/assets/app.js' })).body).toBe('console.log(1)');
  });

  it('never serves a file outside the renderer folder', async () => {
    for (const path of ['/../md-preview-outside.txt', '/%2e%2e/md-preview-outside.txt', '/assets/..%2f..%2fmd-preview-outside.txt']) {
      const reply = await send({ path });
      expect(reply.status, path).toBe(404);
      expect(reply.body).not.toContain('outside');
    }
  });

  it('streams progress events to a client with the token, and refuses one without', async () => {
    expect((await send({ path: '/api/events' })).status).toBe(403);
    const url = new URL(server.origin);
    const received = new Promise<ProgressEvent>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: url.port, path: `/api/events?token=${server.token}`, headers: { host: url.host } },
        (res) => {
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            const match = /event: diagnosis:progress\ndata: (.*)\n\n/.exec(buffer);
            if (match?.[1] !== undefined) {
              resolve(JSON.parse(match[1]) as ProgressEvent);
              req.destroy();
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await api('diagnosis:start', { noLogin: true });
    await expect(received).resolves.toEqual({ type: 'run-started', runId: 'run-7', accountIds: [] });
    expect(serviceCalls).toEqual(['start {"noLogin":true}']);
  });
});
