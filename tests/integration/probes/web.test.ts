// Internet (captive-portal) and webmail probes against loopback HTTP(S) servers and the rig's dnsmasq.
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { checkInternet } from '../../../electron/probes/internet';
import { probeWebmail, probeWebmailUrls } from '../../../electron/probes/webmail';
import { loadTestPki } from '../../servers/certs';
import { useMailServers, type MailServersInfo } from '../../servers/useMailServers';
import { context, withoutLeaks } from './support';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

async function serve(server: http.Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  cleanups.push(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

const httpServer = (handler: Handler): Promise<number> => serve(http.createServer(handler));

async function httpsServer(info: MailServersInfo, pair: 'good' | 'expired' | 'untrusted', handler: Handler, host = '127.0.0.1'): Promise<number> {
  const pki = await loadTestPki(info.dataDir);
  return serve(https.createServer({ cert: readFileSync(pki[pair].certFile), key: readFileSync(pki[pair].keyFile) }, handler), host);
}

/**
 * This suite runs in a loopback-only namespace, where the machine really has no network interface; the
 * online/portal cases describe a Mac with Wi-Fi up, so they pass that interface list in.
 */
const wifiUp = (): NodeJS.Dict<os.NetworkInterfaceInfo[]> => ({
  en0: [{ address: '192.0.2.10', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: '192.0.2.10/24' }],
});

describe('checkInternet', () => {
  it('online when the check page answers Success', async () => {
    const info = useMailServers();
    const port = await httpServer((_request, response) => response.end('<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>'));
    const outcome = await withoutLeaks(() => checkInternet(context(2000, { dnsServers: [`127.0.0.1:${info.dns.port}`] }), {
      wellKnownName: info.goodName, captiveUrl: `http://127.0.0.1:${port}/hotspot-detect.html`, interfaces: wifiUp,
    }));
    expect(outcome).toMatchObject({ kind: 'online', checkedUrl: `http://127.0.0.1:${port}/hotspot-detect.html` });
  });

  it('captive portal: a login page instead of Success, or a redirect to one', async () => {
    const info = useMailServers();
    const loginPage = await httpServer((_request, response) => response.end('<html><title>Hotel WiFi</title><form>Room number</form></html>'));
    const redirect = await httpServer((_request, response) => response.writeHead(302, { location: 'http://portal.hotel.test/login' }).end());
    const ctx = () => context(2000, { dnsServers: [`127.0.0.1:${info.dns.port}`] });
    expect(await withoutLeaks(() => checkInternet(ctx(), { wellKnownName: info.goodName, captiveUrl: `http://127.0.0.1:${loginPage}/`, interfaces: wifiUp })))
      .toEqual({ kind: 'captive-portal', checkedUrl: `http://127.0.0.1:${loginPage}/`, httpStatus: 200 });
    expect(await checkInternet(ctx(), { wellKnownName: info.goodName, captiveUrl: `http://127.0.0.1:${redirect}/`, interfaces: wifiUp }))
      .toEqual({ kind: 'captive-portal', checkedUrl: `http://127.0.0.1:${redirect}/`, httpStatus: 302, redirectedTo: 'http://portal.hotel.test/login' });
  });

  it('DNS broken: the well-known name does not resolve, or the DNS server refuses', async () => {
    const info = useMailServers();
    expect(await checkInternet(context(2000, { dnsServers: [`127.0.0.1:${info.dns.port}`] }), { wellKnownName: info.dns.names.missing, interfaces: wifiUp }))
      .toEqual({ kind: 'dns-broken', errorCode: 'ENOTFOUND' });
    const closed = await httpServer(() => undefined);
    // Nothing listens for DNS (UDP) on this port: ICMP port unreachable -> the resolver reports a refusal.
    const outcome = await withoutLeaks(() => checkInternet(context(1500, { dnsServers: [`127.0.0.1:${closed}`] }), { wellKnownName: 'captive.apple.com', interfaces: wifiUp }));
    expect(outcome.kind).toBe('dns-broken');
  });

  it('no network: no interface up; or the check server cannot be reached', async () => {
    const info = useMailServers();
    // Every lookup stays on the loopback dnsmasq: the check fails, and with no interface up that is "no network".
    expect(
      await checkInternet(context(1000, { dnsServers: [`127.0.0.1:${info.dns.port}`] }), {
        wellKnownName: info.dns.names.missing,
        interfaces: () => ({ lo: [] }),
      }),
    ).toEqual({ kind: 'no-network', errorCode: 'NO_INTERFACE' });
    // A check that succeeds is proof enough, whatever the interface list says (VPNs, loopback test servers).
    const online = await httpServer((_request, response) => response.end('Success'));
    expect(
      (
        await checkInternet(context(2000, { dnsServers: [`127.0.0.1:${info.dns.port}`] }), {
          wellKnownName: info.dns.names.mail,
          captiveUrl: `http://127.0.0.1:${online}/hotspot-detect.html`,
          interfaces: () => ({ lo: [] }),
        })
      ).kind,
    ).toBe('online');
    // A captive portal's login page proves a network too, even when no interface is listed (issue 12).
    const portal = await httpServer((_request, response) => response.end('<html>Hotel Wi-Fi login</html>'));
    expect(
      await checkInternet(context(2000, { dnsServers: [`127.0.0.1:${info.dns.port}`] }), {
        wellKnownName: info.dns.names.mail,
        captiveUrl: `http://127.0.0.1:${portal}/hotspot-detect.html`,
        interfaces: () => ({ lo: [] }),
      }),
    ).toEqual({ kind: 'captive-portal', checkedUrl: `http://127.0.0.1:${portal}/hotspot-detect.html`, httpStatus: 200 });
    const port = await httpServer(() => undefined);
    await cleanups.pop()?.();
    const outcome = await checkInternet(context(1500, { dnsServers: [`127.0.0.1:${info.dns.port}`] }), { wellKnownName: info.goodName, captiveUrl: `http://127.0.0.1:${port}/`, interfaces: wifiUp });
    expect(outcome).toEqual({ kind: 'no-network', errorCode: 'ECONNREFUSED' });
  });
});

const CPANEL_LOGIN = '<!DOCTYPE html><html><head><title>Webmail Login</title><link rel="stylesheet" href="/unprotected/cpanel/style_v2_optimized.css"></head><body><form id="login_form" action="/login/?login_only=1" method="post"></form></body></html>';
const CPHULK = '<html><head><title>Brute Force Protection</title></head><body>This account is currently locked out because a brute force attempt was detected. Please wait a few minutes and try again.</body></html>';
const CSF = '<!doctype html><html><head><title>Unauthorized Access</title></head><body><h1>The firewall on this server is blocking your connection.</h1><p>Your blocked IP address is: <b>127.0.0.1</b></p></body></html>';

describe('probeWebmail', () => {
  it('classifies the cPanel login, cPHulk and CSF pages served over verified HTTPS', async () => {
    const info = useMailServers();
    const port = await httpsServer(info, 'good', (request, response) => {
      const pages: Record<string, string> = { '/login': CPANEL_LOGIN, '/hulk': CPHULK, '/csf': CSF, '/other': '<title>Roundcube</title>' };
      response.writeHead(request.url === '/hulk' ? 401 : 200).end(pages[request.url ?? ''] ?? 'nothing');
    });
    const ctx = context(3000, { extraCaPem: [info.caPem], dnsServers: [`127.0.0.1:${info.dns.port}`] });
    const base = `https://${info.goodName}:${port}`;
    const outcomes = await withoutLeaks(() => probeWebmailUrls([`${base}/login`, `${base}/hulk`, `${base}/csf`, `${base}/other`], ctx));
    expect(outcomes).toEqual([
      { kind: 'page', url: `${base}/login`, httpStatus: 200, page: 'cpanel-webmail-login' },
      { kind: 'page', url: `${base}/hulk`, httpStatus: 401, page: 'cphulk-block' },
      { kind: 'page', url: `${base}/csf`, httpStatus: 200, page: 'csf-block', blockedIp: '127.0.0.1' },
      { kind: 'page', url: `${base}/other`, httpStatus: 200, page: 'other-page' },
    ]);
  });

  it('follows an HTTPS redirect (/webmail -> :2096-style port) and says where it ended', async () => {
    const info = useMailServers();
    const target = await httpsServer(info, 'good', (_request, response) => response.end(CPANEL_LOGIN));
    const start = await httpsServer(info, 'good', (_request, response) => response.writeHead(301, { location: `https://${info.goodName}:${target}/` }).end());
    const url = `https://${info.goodName}:${start}/webmail`;
    const outcome = await probeWebmail(url, context(3000, { extraCaPem: [info.caPem], dnsServers: [`127.0.0.1:${info.dns.port}`] }));
    expect(outcome).toEqual({ kind: 'page', url, httpStatus: 200, page: 'cpanel-webmail-login', finalUrl: `https://${info.goodName}:${target}/` });
  });

  it('certificate problems are reported like the TLS probe does (never accepted)', async () => {
    const info = useMailServers();
    const expiredPort = await httpsServer(info, 'expired', (_request, response) => response.end(CPANEL_LOGIN), info.badCerts.expired.ip);
    const ctx = context(3000, { extraCaPem: [info.caPem], dnsServers: [`127.0.0.1:${info.dns.port}`] });
    const expiredUrl = `https://${info.badCerts.expired.dnsName}:${expiredPort}/`;
    expect(await withoutLeaks(() => probeWebmail(expiredUrl, ctx))).toEqual({ kind: 'tls-failed', url: expiredUrl, problem: 'expired', code: 'CERT_HAS_EXPIRED' });
    const goodPort = await httpsServer(info, 'good', (_request, response) => response.end(CPANEL_LOGIN), info.badCerts.wrongHost.ip);
    const mismatchUrl = `https://${info.badCerts.wrongHost.dnsName}:${goodPort}/`;
    expect(await probeWebmail(mismatchUrl, ctx)).toEqual({ kind: 'tls-failed', url: mismatchUrl, problem: 'hostname-mismatch', code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('a missing webmail name, a closed port and a silent server are told apart', async () => {
    const info = useMailServers();
    const ctx = () => context(1000, { extraCaPem: [info.caPem], dnsServers: [`127.0.0.1:${info.dns.port}`] });
    const missingUrl = `https://webmail.${info.dns.names.missing}/`;
    expect(await probeWebmail(missingUrl, ctx())).toEqual({ kind: 'not-found', url: missingUrl, errorCode: 'ENOTFOUND' });
    const closed = await httpServer(() => undefined);
    await cleanups.pop()?.();
    expect(await probeWebmail(`https://${info.goodName}:${closed}/`, ctx())).toMatchObject({ kind: 'unreachable', tcp: { kind: 'refused' } });
    const silent = await httpsServer(info, 'good', () => undefined);
    const started = Date.now();
    const outcome = await withoutLeaks(() => probeWebmail(`https://${info.goodName}:${silent}/`, ctx()));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(outcome).toMatchObject({ kind: 'unreachable', tcp: { kind: 'error', errorCode: 'ETIMEDOUT' } });
  });

  it('a huge page is cut at the cap and still classified', async () => {
    const info = useMailServers();
    const port = await httpsServer(info, 'good', (_request, response) => {
      response.write(CPHULK);
      response.end('x'.repeat(5 * 1024 * 1024));
    });
    const outcome = await withoutLeaks(() => probeWebmail(`https://${info.goodName}:${port}/`, context(3000, { extraCaPem: [info.caPem], dnsServers: [`127.0.0.1:${info.dns.port}`] })));
    expect(outcome).toMatchObject({ kind: 'page', page: 'cphulk-block' });
  });
});
