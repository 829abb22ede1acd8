// Scripted hostile servers (tests/servers/faults.ts): each ends classified within the deadline, with no
// crash and no handle left behind. Deadlines are short (1-1.5 s) so a hang would show as a failure.
import { afterEach, describe, expect, it } from 'vitest';
import { loadTestPki } from '../../servers/certs';
import type { MailProtocol } from '../../../shared/model/account';
import { startFaultProxy, startHostileServer, type HostileServer, type HostileStep } from '../../servers/faults';
import { useMailServers } from '../../servers/useMailServers';
import { probeServer, type ConnectReport } from '../../../electron/probes/serverConnection';
import type { ServerEndpoint } from '../../../electron/probes/types';
import { context, withoutLeaks } from './support';

const DEADLINE_MS = 1200;
let servers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function hostile(script: HostileStep[] | ((index: number) => HostileStep[]), tls?: { certFile: string; keyFile: string }): Promise<HostileServer> {
  const server = await startHostileServer(tls === undefined ? { script } : { script, tls });
  servers.push(server);
  return server;
}

/** Runs the probe against 127.0.0.1:port and checks it returned within the deadline (plus scheduling slack). */
async function probe(endpoint: Omit<ServerEndpoint, 'host'>, extraCaPem?: string, afterProbe?: () => Promise<void>): Promise<ConnectReport> {
  const started = Date.now();
  const report = await withoutLeaks(() => probeServer({ ...endpoint, host: '127.0.0.1' }, context(DEADLINE_MS, extraCaPem === undefined ? {} : { extraCaPem: [extraCaPem] })), 1000, afterProbe);
  expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1000);
  return report;
}

describe('hostile servers', () => {
  it('no greeting (accepts, says nothing): greeting timeout', async () => {
    const server = await hostile([{ stall: true }]);
    const report = await probe({ protocol: 'imap', port: server.port, tls: 'starttls' });
    expect(report.tcp.kind).toBe('connected');
    expect(report.tls).toMatchObject({ kind: 'timeout', phase: 'greeting' });
  });

  it('endless greeting line: refused as too large past 64 KiB, without waiting for the deadline', async () => {
    const server = await hostile([{ write: `* OK ${'A'.repeat(200_000)}` }, { stall: true }]);
    const started = Date.now();
    const report = await probe({ protocol: 'imap', port: server.port, tls: 'starttls' });
    expect(report.tls).toMatchObject({ kind: 'protocol-error', phase: 'greeting', errorCode: 'REPLY_TOO_LARGE' });
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
  });

  it('10 MB banner of short SMTP continuation lines: stopped at the byte cap (1 MiB, or 200 lines in one reply)', async () => {
    const line = '220-this banner never ends\r\n';
    const server = await hostile([{ write: line.repeat(Math.ceil((10 * 1024 * 1024) / line.length)) }, { stall: true }]);
    const report = await probe({ protocol: 'smtp', port: server.port, tls: 'starttls' });
    expect(report.tls).toMatchObject({ kind: 'protocol-error', phase: 'greeting', errorCode: 'REPLY_TOO_LARGE' });
  });

  it('garbage bytes instead of a greeting: unexpected greeting, shown escaped', async () => {
    const server = await hostile([{ write: new Uint8Array([0x00, 0xff, 0x1b, 0x5b, 0x80, 0x0d, 0x0a]) }, { stall: true }]);
    const report = await probe({ protocol: 'pop3', port: server.port, tls: 'starttls' });
    expect(report.tls).toMatchObject({ kind: 'protocol-error', phase: 'greeting', errorCode: 'UNEXPECTED_GREETING' });
    if (report.tls.kind !== 'protocol-error') throw new Error('unreachable');
    expect(report.tls.detail).toBe('\\x00\\xff\\x1b[\\x80');
  });

  it('garbage on an implicit-TLS port: handshake failed', async () => {
    const server = await hostile([{ write: 'garbage that is no TLS record\r\n'.repeat(4) }, { stall: true }]);
    const report = await probe({ protocol: 'imap', port: server.port, tls: 'implicit' });
    expect(report.tls.kind).toBe('handshake-failed');
  });

  it('stall in the middle of the TLS handshake: handshake timeout', async () => {
    // Reads the ClientHello and never answers it.
    const server = await hostile([{ readUntil: /[\s\S]{10}/ }, { stall: true }]);
    const report = await probe({ protocol: 'imap', port: server.port, tls: 'implicit' });
    expect(report.tls).toMatchObject({ kind: 'timeout', phase: 'handshake' });
  });

  it('stall after STARTTLS was accepted: handshake timeout', async () => {
    const server = await hostile([
      { write: '* OK [CAPABILITY IMAP4rev1 STARTTLS] hello\r\n' },
      { readUntil: 'STARTTLS\r\n' },
      { write: 'md1 OK Begin TLS negotiation now\r\n' },
      { stall: true },
    ]);
    const report = await probe({ protocol: 'imap', port: server.port, tls: 'starttls' });
    expect(report.tls).toMatchObject({ kind: 'timeout', phase: 'handshake' });
  });

  it('IMAP STARTTLS response injection: plaintext after the OK is refused, no TLS is attempted', async () => {
    const server = await hostile([
      { write: '* OK [CAPABILITY IMAP4rev1 STARTTLS] hello\r\n' },
      { readUntil: 'STARTTLS\r\n' },
      { write: 'md1 OK Begin TLS negotiation now\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n' },
      { stall: true },
    ]);
    const report = await probe({ protocol: 'imap', port: server.port, tls: 'starttls' });
    expect(report.tls).toMatchObject({ kind: 'protocol-error', phase: 'starttls', errorCode: 'STARTTLS_INJECTION' });
    expect(server.received()[0]).toBe('md1 STARTTLS\r\n');
  });

  it('SMTP STARTTLS response injection (pipelined 250 after 220) is refused', async () => {
    const server = await hostile([
      { write: '220 evil ESMTP\r\n' },
      { readUntil: 'EHLO' },
      { write: '250-evil Hello [127.0.0.1]\r\n250 STARTTLS\r\n' },
      { readUntil: 'STARTTLS\r\n' },
      { write: '220 go ahead\r\n250 AUTH PLAIN\r\n' },
      { stall: true },
    ]);
    const report = await probe({ protocol: 'smtp', port: server.port, tls: 'starttls' });
    expect(report.tls).toMatchObject({ kind: 'protocol-error', errorCode: 'STARTTLS_INJECTION' });
    expect(report.ehloEchoIp).toBe('127.0.0.1');
  });

  it('STARTTLS not offered: said so, and STARTTLS is never sent', async () => {
    const server = await hostile([{ write: '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hello\r\n' }, { waitMs: 300 }, { end: true }]);
    const report = await probe({ protocol: 'imap', port: server.port, tls: 'starttls' });
    expect(report.tls).toEqual({ kind: 'starttls-not-offered' });
    expect(server.received()[0]).not.toContain('STARTTLS');
  });

  // Offered, then taken back on the same connection: a downgrade or a broken middlebox. Nothing after it.
  for (const [protocol, script] of [
    ['imap', [{ write: '* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] hello\r\n' }, { readUntil: 'STARTTLS\r\n' }, { write: 'md1 BAD STARTTLS not available now\r\n' }, { waitMs: 300 }, { end: true }]],
    ['pop3', [{ write: '+OK hello\r\n' }, { readUntil: 'CAPA\r\n' }, { write: '+OK\r\nUSER\r\nSTLS\r\n.\r\n' }, { readUntil: 'STLS\r\n' }, { write: '-ERR TLS unavailable\r\n' }, { waitMs: 300 }, { end: true }]],
    ['smtp', [{ write: '220 hello ESMTP\r\n' }, { readUntil: /EHLO [^\r\n]*\r\n/ }, { write: '250-hello Hello [127.0.0.1]\r\n250-STARTTLS\r\n250 AUTH PLAIN\r\n' }, { readUntil: 'STARTTLS\r\n' }, { write: '454 4.7.0 TLS not available due to temporary reason\r\n' }, { waitMs: 300 }, { end: true }]],
  ] as const satisfies readonly (readonly [MailProtocol, readonly HostileStep[]])[]) {
    it(`${protocol}: STARTTLS advertised, then refused on the same connection: withdrawn, and nothing more is said`, async () => {
      const server = await hostile([...script]);
      const report = await probe({ protocol, port: server.port, tls: 'starttls' });
      expect(report.tls).toEqual({ kind: 'starttls-withdrawn', advertisedOn: 'same-connection' });
      expect(report.starttlsAdvertised).toBe(true);
      const sent = server.received()[0] ?? '';
      expect(sent).toMatch(/(STARTTLS|STLS)\r\n$/);
    });
  }

  it('reset in the middle of the dialogue: classified, not thrown', async () => {
    const server = await hostile([{ write: '* OK hello\r\n' }, { readUntil: 'CAPABILITY' }, { reset: true }]);
    const report = await probe({ protocol: 'imap', port: server.port, tls: 'starttls' });
    expect(report.tls).toMatchObject({ kind: 'protocol-error', phase: 'capabilities', errorCode: 'ECONNRESET' });
  });

  it('server refuses in its greeting (* BYE): server-refused with its words', async () => {
    const server = await hostile([{ write: '* BYE Too many connections from your IP\r\n' }, { end: true }]);
    const report = await probe({ protocol: 'imap', port: server.port, tls: 'starttls' });
    expect(report.tls).toMatchObject({ kind: 'protocol-error', phase: 'greeting', errorCode: 'SERVER_REFUSED', detail: '* BYE Too many connections from your IP' });
  });

  it('a self-signed certificate is inspected on a second connection that sends nothing at all', async () => {
    const info = useMailServers();
    const pki = await loadTestPki(info.dataDir);
    // The untrusted pair is signed by a CA the probe does not trust; implicit TLS, the server greets after TLS.
    const server = await hostile([{ write: '* OK hello\r\n' }, { waitMs: 500 }, { end: true }], pki.untrusted);
    // The TLS test server keeps its side of a connection whose handshake the client rejected: close it before counting.
    const received = (): string[] => server.received();
    const seen: string[][] = [];
    const report = await probe({ protocol: 'imap', port: server.port, tls: 'implicit' }, info.caPem, async () => {
      seen.push(received());
      await server.close();
    });
    expect(report.tls).toMatchObject({ kind: 'established', verification: { ok: false, problem: 'untrusted' } });
    expect(seen[0]?.[1]).toBe('');
    expect(server.connections()).toBe(2);
    expect(server.received()[1]).toBe('');
  });

  it('cancel during a stall: returns at once, classified as aborted', async () => {
    const server = await hostile([{ stall: true }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const report = await withoutLeaks(() => probeServer({ protocol: 'pop3', host: '127.0.0.1', port: server.port, tls: 'starttls' }, context(5000, {}, controller.signal)));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(report.tls).toMatchObject({ kind: 'protocol-error', errorCode: 'ABORT_ERR' });
  });
});

describe('fault proxy in front of the real Dovecot', () => {
  it('black hole (accepts, never answers): TCP connected, TLS handshake timeout', async () => {
    const info = useMailServers();
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: info.imap.implicit }, { kind: 'blackhole' });
    servers.push(proxy);
    // The black-hole proxy never reads, so it never notices our close: close it before counting handles.
    const report = await probe({ protocol: 'imap', port: proxy.port, tls: 'implicit' }, info.caPem, () => proxy.close());
    expect(report.tcp.kind).toBe('connected');
    expect(report.tls).toMatchObject({ kind: 'timeout', phase: 'handshake' });
  });

  it('reset right after accept: classified as a failed handshake with ECONNRESET', async () => {
    const info = useMailServers();
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: info.imap.implicit }, { kind: 'reset' });
    servers.push(proxy);
    const report = await probe({ protocol: 'imap', port: proxy.port, tls: 'implicit' }, info.caPem);
    // The RST can beat the client's own connect completion on loopback: then TCP itself reports the reset.
    if (report.tcp.kind === 'connected') expect(report.tls).toMatchObject({ kind: 'handshake-failed', errorCode: 'ECONNRESET' });
    else expect(report.tcp.kind).toBe('reset');
  });

  it('100 ms latency each way shows in the handshake time and still verifies', async () => {
    const info = useMailServers();
    const proxy = await startFaultProxy({ host: '127.0.0.1', port: info.imap.implicit }, { kind: 'delay', ms: 100 });
    servers.push(proxy);
    const report = await withoutLeaks(() => probeServer({ protocol: 'imap', host: info.goodName, connectAddress: '127.0.0.1', port: proxy.port, tls: 'implicit' }, context(4000, { extraCaPem: [info.caPem] })));
    expect(report.tls).toMatchObject({ kind: 'established', verification: { ok: true } });
    if (report.tls.kind !== 'established') throw new Error('unreachable');
    expect(report.tls.handshakeMs).toBeGreaterThanOrEqual(200);
    expect(report.greeting).toMatch(/^\* OK/);
  });
});
