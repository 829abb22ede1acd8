// TCP, DNS and public-IP probes against loopback only: the rig's dnsmasq (zone example.test), real
// listening/closed ports, the firewall faults (inside the loopback-only namespace), a silent UDP "DNS server".
import dgram from 'node:dgram';
import https from 'node:https';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import type { TestContext } from 'vitest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { discoverPublished, resolveHost } from '../../../electron/probes/dns';
import { findPublicIp } from '../../../electron/probes/publicIp';
import { connectTcp } from '../../../electron/probes/tcp';
import { probeServer } from '../../../electron/probes/serverConnection';
import { loadTestPki } from '../../servers/certs';
import { dropPort, firewallFaultsUnavailableReason, rejectPort } from '../../servers/faults';
import { useMailServers, type MailServersInfo } from '../../servers/useMailServers';
import { context, withoutLeaks } from './support';

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

const dnsOf = (info: MailServersInfo): string[] => [`127.0.0.1:${info.dns.port}`];

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

async function listening(host: string): Promise<number | undefined> {
  const server = net.createServer((socket) => socket.destroy());
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(0, host, () => resolve(true));
  });
  if (!ok) return undefined;
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : undefined;
}

function requireIsolation(testContext: TestContext): void {
  const reason = firewallFaultsUnavailableReason();
  if (reason === undefined) return;
  if (process.env.CI === 'true') throw new Error(`CI=true but firewall fault tests cannot run: ${reason}`);
  testContext.skip(`firewall fault tests skipped: ${reason}`);
}

describe('connectTcp', () => {
  it('connects to the real IMAP port through dnsmasq and records time and family', async () => {
    const info = useMailServers();
    const outcome = await withoutLeaks(() => connectTcp(info.goodName, info.imap.implicit, context(2000, { dnsServers: dnsOf(info) })));
    expect(outcome).toMatchObject({ kind: 'connected', address: '127.0.0.1', family: 4 });
  });

  // Nagle's algorithm shows on loopback only now and then (the receiver mostly ACKs at once), so this checks the
  // option itself: with it on, the EHLO written right after the TLS Finished would wait for the server's ACK, a round
  // trip or a delayed ACK on a real network.
  it('disables Nagle on every connection: a command is never held back for the ACK of the one before', async () => {
    const info = useMailServers();
    const connect = vi.spyOn(net, 'connect');
    try {
      const outcome = await withoutLeaks(() => connectTcp(info.goodName, info.imap.implicit, context(2000, { dnsServers: dnsOf(info) })));
      expect(outcome).toMatchObject({ kind: 'connected' });
      expect(connect).toHaveBeenCalledTimes(1);
      expect(connect.mock.calls[0]?.[0]).toMatchObject({ noDelay: true });
    } finally {
      connect.mockRestore();
    }
  });

  it('a closed loopback port is refused at once', async () => {
    const port = await closedPort();
    const outcome = await withoutLeaks(() => connectTcp('127.0.0.1', port, context(2000)));
    expect(outcome).toMatchObject({ kind: 'refused', address: '127.0.0.1' });
    if (outcome.kind === 'refused') expect(outcome.afterMs).toBeLessThan(1000);
  });

  it('races IPv6 and IPv4 and reports the family that answered', async () => {
    const v4only = await listening('127.0.0.1');
    if (v4only === undefined) throw new Error('cannot listen on 127.0.0.1');
    const both = [{ address: '::1', family: 6 as const }, { address: '127.0.0.1', family: 4 as const }];
    const outcome = await withoutLeaks(() => connectTcp('dual.example.test', v4only, context(2000), { addresses: both }));
    expect(outcome).toMatchObject({ kind: 'connected', address: '127.0.0.1', family: 4 });
  });

  it('connects over IPv6 when [::1] listens', async (testContext) => {
    const v6 = await listening('::1');
    if (v6 === undefined) {
      testContext.skip('IPv6 loopback (::1) is not available in this namespace');
      return;
    }
    const outcome = await withoutLeaks(() => connectTcp('::1', v6, context(2000)));
    expect(outcome).toMatchObject({ kind: 'connected', address: '::1', family: 6 });
  });

  it('a silently dropped port (firewall ban) times out at OUR deadline, not the kernel\'s', async (testContext) => {
    requireIsolation(testContext);
    const info = useMailServers();
    const undo = await dropPort(info.smtp.starttls);
    cleanups.push(undo);
    const started = Date.now();
    const outcome = await withoutLeaks(() => connectTcp('127.0.0.1', info.smtp.starttls, context(1200)));
    expect(outcome.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2500);
    // And the full TLS probe says the same: no connection.
    const report = await withoutLeaks(() => probeServer({ protocol: 'smtp', host: '127.0.0.1', port: info.smtp.starttls, tls: 'starttls' }, context(1200)));
    expect(report.tcp.kind).toBe('timeout');
    expect(report.tls).toEqual({ kind: 'not-applicable', reason: 'no-connection' });
  });

  it('a REJECTing firewall (fail2ban style) is refused', async (testContext) => {
    requireIsolation(testContext);
    const info = useMailServers();
    const undo = await rejectPort(info.pop3.implicit);
    cleanups.push(undo);
    const outcome = await withoutLeaks(() => connectTcp('127.0.0.1', info.pop3.implicit, context(1500)));
    expect(outcome.kind).toBe('refused');
  });
});

describe('resolveHost', () => {
  it('resolves the mail host and a CNAME through dnsmasq', async () => {
    const info = useMailServers();
    const ctx = context(2000, { dnsServers: dnsOf(info) });
    expect(await withoutLeaks(() => resolveHost(info.goodName, ctx))).toEqual({ kind: 'resolved', host: info.goodName, addresses: [{ address: '127.0.0.1', family: 4 }] });
    expect(await resolveHost(info.dns.names.imapAlias, ctx)).toMatchObject({ kind: 'resolved', addresses: [{ address: '127.0.0.1', family: 4 }] });
    expect(await resolveHost(info.badCerts.wrongHost.dnsName, ctx)).toMatchObject({ kind: 'resolved', addresses: [{ address: info.badCerts.wrongHost.ip, family: 4 }] });
  });

  it('NXDOMAIN is not-found; a name with only MX/TXT is no-address; an IP literal resolves to itself', async () => {
    const info = useMailServers();
    const ctx = context(2000, { dnsServers: dnsOf(info) });
    expect(await withoutLeaks(() => resolveHost(info.dns.names.missing, ctx))).toEqual({ kind: 'not-found', host: info.dns.names.missing });
    expect(await resolveHost(info.dns.zone, ctx)).toEqual({ kind: 'no-address', host: info.dns.zone });
    expect(await resolveHost('127.0.0.1', ctx)).toEqual({ kind: 'resolved', host: '127.0.0.1', addresses: [{ address: '127.0.0.1', family: 4 }] });
  });

  it('a DNS server that never answers: timeout at our deadline, no handle left', async () => {
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const started = Date.now();
    const outcome = await withoutLeaks(() => resolveHost('mail.example.test', context(800, { dnsServers: [`127.0.0.1:${silent.address().port}`] })));
    expect(outcome).toEqual({ kind: 'timeout', host: 'mail.example.test' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('discoverPublished', () => {
  it('finds MX and all six SRV services from dnsmasq, and autoconfig over verified HTTPS', async () => {
    const info = useMailServers();
    const pki = await loadTestPki(info.dataDir);
    const xml = `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="example.test">
      <incomingServer type="imap"><hostname>${info.goodName}</hostname><port>${info.imap.implicit}</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>
      <outgoingServer type="smtp"><hostname>${info.goodName}</hostname><port>${info.smtp.starttls}</port><socketType>STARTTLS</socketType><username>%EMAILADDRESS%</username></outgoingServer>
      </emailProvider></clientConfig>`;
    const server = https.createServer({ cert: readFileSync(pki.good.certFile), key: readFileSync(pki.good.keyFile) }, (request, response) => {
      if (request.url === '/mail/config-v1.1.xml') response.writeHead(200, { 'content-type': 'text/xml' }).end(xml);
      else response.writeHead(404).end('not here');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no port');
    const base = `https://${info.goodName}:${address.port}`;
    // The untrusted-CA endpoint: the fetch must refuse it (verification stays on).
    const untrustedServer = https.createServer({ cert: readFileSync(pki.untrusted.certFile), key: readFileSync(pki.untrusted.keyFile) }, (_request, response) => response.end(xml));
    await new Promise<void>((resolve) => untrustedServer.listen(0, info.badCerts.untrusted.ip, resolve));
    cleanups.push(() => new Promise<void>((resolve) => untrustedServer.close(() => resolve())));
    const untrustedAddress = untrustedServer.address();
    if (typeof untrustedAddress !== 'object' || untrustedAddress === null) throw new Error('no port');

    const published = await discoverPublished('Example.Test.', context(3000, { dnsServers: dnsOf(info), extraCaPem: [info.caPem] }), {
      autoconfigUrls: [`${base}/mail/config-v1.1.xml`, `${base}/.well-known/autoconfig/mail/config-v1.1.xml`, `https://${info.badCerts.untrusted.dnsName}:${untrustedAddress.port}/mail/config-v1.1.xml`, `https://${info.dns.names.missing}/mail/config-v1.1.xml`],
    });
    expect(published.domain).toBe('example.test');
    expect(published.mx).toEqual([{ exchange: info.goodName, priority: info.dns.mxPreference }]);
    expect(published.srv.map((record) => `${record.service} ${record.target}:${record.port}`).sort()).toEqual([
      `_imap._tcp ${info.goodName}:${info.imap.starttls}`,
      `_imaps._tcp ${info.goodName}:${info.imap.implicit}`,
      `_pop3._tcp ${info.goodName}:${info.pop3.starttls}`,
      `_pop3s._tcp ${info.goodName}:${info.pop3.implicit}`,
      `_submission._tcp ${info.goodName}:${info.smtp.starttls}`,
      `_submissions._tcp ${info.goodName}:${info.smtp.implicit}`,
    ]);
    expect(published.autoconfig.map((attempt) => attempt.outcome)).toEqual(['found', 'not-found', 'unreachable', 'not-found']);
    expect(published.autoconfig[2]?.detail).toMatch(/^TLS (UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
    // Autoconfig first (with its username template), then SRV without the duplicates.
    expect(published.servers[0]).toEqual({ protocol: 'imap', host: info.goodName, port: info.imap.implicit, tls: 'implicit', usernameTemplate: '%EMAILADDRESS%', from: 'autoconfig' });
    expect(published.servers[1]).toMatchObject({ protocol: 'smtp', port: info.smtp.starttls, tls: 'starttls', from: 'autoconfig' });
    expect(published.servers).toHaveLength(6);
    expect(published.servers.filter((server) => server.from === 'srv')).toHaveLength(4);
  });

  it('a domain that publishes nothing gives empty lists, not an error', async () => {
    const info = useMailServers();
    const published = await withoutLeaks(() => discoverPublished(info.dns.names.missing, context(2000, { dnsServers: dnsOf(info) }), { skipAutoconfig: true }));
    expect(published).toEqual({ domain: info.dns.names.missing, mx: [], srv: [], autoconfig: [], servers: [] });
  });
});

describe('findPublicIp', () => {
  it('takes the EHLO echo of the real Exim first', async () => {
    const info = useMailServers();
    const report = await probeServer({ protocol: 'smtp', host: info.goodName, port: info.smtp.starttls, tls: 'starttls' }, context(3000, { extraCaPem: [info.caPem], dnsServers: dnsOf(info) }));
    expect(report.ehloEchoIp).toBe('127.0.0.1');
    const outcome = await findPublicIp(context(1000), { ...(report.ehloEchoIp === undefined ? {} : { ehloEchoIp: report.ehloEchoIp }), useOpenDns: false });
    expect(outcome).toEqual({ kind: 'found', ip: '127.0.0.1', from: 'smtp-ehlo' });
  });

  it('falls back to the OpenDNS-style query (here: the loopback dnsmasq), or says unknown when that is off', async () => {
    const info = useMailServers();
    const viaDns = await withoutLeaks(() => findPublicIp(context(2000), { openDnsResolver: `127.0.0.1:${info.dns.port}`, openDnsName: info.goodName }));
    expect(viaDns).toEqual({ kind: 'found', ip: '127.0.0.1', from: 'opendns' });
    expect(await findPublicIp(context(2000), { useOpenDns: false })).toMatchObject({ kind: 'unknown' });
    const missing = await findPublicIp(context(2000), { openDnsResolver: `127.0.0.1:${info.dns.port}`, openDnsName: info.dns.names.missing });
    expect(missing).toEqual({ kind: 'unknown', reason: 'OpenDNS lookup failed: ENOTFOUND' });
  });
});
