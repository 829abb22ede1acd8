// The TLS probe against the real loopback Dovecot (IMAP, POP3) and Exim (SMTP): STARTTLS and implicit TLS
// with the good certificate, the three bad certificates, a plaintext port configured as TLS, and the EHLO echo.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { MailProtocol, TlsMode } from '../../../shared/model/account';
import { probeServer } from '../../../electron/probes/serverConnection';
import type { ServerEndpoint } from '../../../electron/probes/types';
import { startHostileServer } from '../../servers/faults';
import { useMailServers, type MailServersInfo } from '../../servers/useMailServers';
import { context, withoutLeaks } from './support';

const PROTOCOLS: MailProtocol[] = ['imap', 'pop3', 'smtp'];
const MODES: Exclude<TlsMode, 'none'>[] = ['starttls', 'implicit'];

function endpoint(info: MailServersInfo, protocol: MailProtocol, tls: TlsMode, host: string): ServerEndpoint {
  const pair = info[protocol];
  return { protocol, host, port: tls === 'implicit' ? pair.implicit : pair.starttls, tls };
}

function ctx(info: MailServersInfo) {
  return context(3000, { extraCaPem: [info.caPem], dnsServers: [`127.0.0.1:${info.dns.port}`] });
}

describe('probeServer with the good certificate', () => {
  for (const protocol of PROTOCOLS) {
    for (const mode of MODES) {
      it(`${protocol} ${mode}: verified, greeting and capabilities read, nothing left open`, async () => {
        const info = useMailServers();
        const report = await withoutLeaks(() => probeServer(endpoint(info, protocol, mode, info.goodName), ctx(info)));
        expect(report.tcp).toMatchObject({ kind: 'connected', address: '127.0.0.1', family: 4 });
        expect(report.tls).toMatchObject({ kind: 'established', mode, verification: { ok: true } });
        if (report.tls.kind !== 'established') throw new Error('unreachable');
        expect(report.tls.protocol).toMatch(/^TLSv1\.[23]$/);
        expect(report.tls.certificate.names).toContain(info.goodName);
        expect(report.tls.certificate.selfSigned).toBe(false);
        expect(report.tls.certificate.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
        const greetings: Record<MailProtocol, RegExp> = { imap: /^\* OK/, pop3: /^\+OK/, smtp: /^220[ -]/ };
        expect(report.greeting).toMatch(greetings[protocol]);
        const expected: Record<MailProtocol, string> = { imap: 'IMAP4rev1', pop3: 'USER', smtp: 'PIPELINING' };
        expect(report.capabilities).toContain(expected[protocol]);
        if (mode === 'starttls') {
          expect(report.capabilitiesBeforeTls?.some((c) => /^(STARTTLS|STLS)$/i.test(c))).toBe(true);
          // After TLS the server no longer offers STARTTLS: proof the list was asked for again over TLS.
          expect(report.capabilities.some((c) => /^(STARTTLS|STLS)$/i.test(c))).toBe(false);
        }
        if (protocol === 'smtp') {
          expect(report.ehloEchoIp).toBe('127.0.0.1');
          // Exim advertises AUTH only over TLS (the rig's config): seen after the upgrade.
          expect(report.capabilities.some((c) => /^AUTH\b/.test(c))).toBe(true);
        }
      });
    }
  }

  it("whileWaiting (the login library's load) runs once per connection made, and not for a refused one", async () => {
    const info = useMailServers();
    const calls: string[] = [];
    for (const protocol of ['imap', 'smtp'] as const) {
      const report = await withoutLeaks(() =>
        probeServer(endpoint(info, protocol, 'starttls', info.goodName), ctx(info), { whileWaiting: () => calls.push(`waiting ${protocol}`) }),
      );
      expect(report.tls).toMatchObject({ kind: 'established', verification: { ok: true } });
    }
    expect(calls).toEqual(['waiting imap', 'waiting smtp']);

    const closed = await new Promise<number>((resolve, reject) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
      });
    });
    const refused = await withoutLeaks(() =>
      probeServer({ protocol: 'imap', host: '127.0.0.1', port: closed, tls: 'implicit' }, ctx(info), { whileWaiting: () => calls.push('waiting refused') }),
    );
    expect(refused.tcp.kind).toBe('refused');
    expect(calls).toEqual(['waiting imap', 'waiting smtp']);
  });

  it('tls none: reads greeting and capabilities in clear, says TLS is off', async () => {
    const info = useMailServers();
    const report = await withoutLeaks(() => probeServer(endpoint(info, 'smtp', 'none', '127.0.0.1'), ctx(info)));
    expect(report.tls).toEqual({ kind: 'not-applicable', reason: 'tls-off' });
    expect(report.capabilities).toContain('STARTTLS');
    expect(report.ehloEchoIp).toBe('127.0.0.1');
  });
});

describe('probeServer with bad certificates (verification fails, the certificate is read on a separate connection)', () => {
  for (const mode of MODES) {
    it(`hostname mismatch (${mode}) lists the names the certificate does carry`, async () => {
      const info = useMailServers();
      const bad = info.badCerts.wrongHost;
      const report = await withoutLeaks(() => probeServer(endpoint(info, 'imap', mode, bad.dnsName), ctx(info)));
      expect(report.tcp).toMatchObject({ kind: 'connected', address: bad.ip });
      expect(report.tls).toMatchObject({ kind: 'established', verification: { ok: false, problem: 'hostname-mismatch', code: 'ERR_TLS_CERT_ALTNAME_INVALID' } });
      if (report.tls.kind !== 'established') throw new Error('unreachable');
      expect([...report.tls.certificate.names].sort()).toEqual([...bad.certNames].sort());
    });
  }

  it('expired certificate (smtp starttls)', async () => {
    const info = useMailServers();
    const report = await withoutLeaks(() => probeServer(endpoint(info, 'smtp', 'starttls', info.badCerts.expired.dnsName), ctx(info)));
    expect(report.tls).toMatchObject({ kind: 'established', verification: { ok: false, problem: 'expired', code: 'CERT_HAS_EXPIRED' } });
    if (report.tls.kind !== 'established') throw new Error('unreachable');
    expect(Date.parse(report.tls.certificate.validTo)).toBeLessThan(Date.now());
  });

  it('certificate from an untrusted CA (pop3 implicit)', async () => {
    const info = useMailServers();
    const report = await withoutLeaks(() => probeServer(endpoint(info, 'pop3', 'implicit', info.badCerts.untrusted.dnsName), ctx(info)));
    expect(report.tls).toMatchObject({ kind: 'established', verification: { ok: false, problem: 'untrusted' } });
    if (report.tls.kind !== 'established') throw new Error('unreachable');
    expect(report.tls.certificate.issuer).toContain('Some Other CA Nobody Trusts');
  });

  it('the good certificate is untrusted too when the test CA is not given (verification is never off)', async () => {
    const info = useMailServers();
    const report = await probeServer(endpoint(info, 'imap', 'implicit', info.goodName), context(3000, { dnsServers: [`127.0.0.1:${info.dns.port}`] }));
    expect(report.tls).toMatchObject({ kind: 'established', verification: { ok: false, problem: 'untrusted' } });
  });
});

describe('probeServer on the wrong kind of port', () => {
  it('implicit TLS configured on the IMAP STARTTLS port: plaintext-on-tls-port with the greeting', async () => {
    const info = useMailServers();
    const report = await withoutLeaks(() => probeServer({ protocol: 'imap', host: info.goodName, port: info.imap.starttls, tls: 'implicit' }, ctx(info)));
    expect(report.tls).toMatchObject({ kind: 'plaintext-on-tls-port' });
    if (report.tls.kind !== 'plaintext-on-tls-port') throw new Error('unreachable');
    expect(report.tls.firstBytes).toMatch(/^\* OK/);
  });

  it('implicit TLS configured on the SMTP submission port (587 set to SSL)', async () => {
    const info = useMailServers();
    const report = await withoutLeaks(() => probeServer({ protocol: 'smtp', host: info.goodName, port: info.smtp.starttls, tls: 'implicit' }, ctx(info)));
    expect(report.tls).toMatchObject({ kind: 'plaintext-on-tls-port' });
    if (report.tls.kind !== 'plaintext-on-tls-port') throw new Error('unreachable');
    expect(report.tls.firstBytes).toMatch(/^220 /);
  });

  // The server waits for a ClientHello and we wait for a greeting. Half-way to the deadline a second
  // connection sends a ClientHello (nothing else, verification on): the server's TLS answer is the proof.
  for (const protocol of PROTOCOLS) {
    for (const configured of ['starttls', 'none'] as const) {
      it(`${configured === 'none' ? 'no TLS' : 'STARTTLS'} configured on the ${protocol} implicit port: tls-on-plaintext-port within the deadline`, async () => {
        const info = useMailServers();
        const deadlineMs = 1500;
        const started = Date.now();
        const report = await withoutLeaks(() =>
          probeServer({ protocol, host: info.goodName, port: info[protocol].implicit, tls: configured }, context(deadlineMs, { extraCaPem: [info.caPem], dnsServers: [`127.0.0.1:${info.dns.port}`] })),
        );
        const took = Date.now() - started;
        expect(took).toBeLessThan(deadlineMs);
        // It waited for a greeting first: about half the time, not the whole deadline.
        expect(took).toBeGreaterThanOrEqual(deadlineMs * 0.4);
        expect(report.tcp).toMatchObject({ kind: 'connected' });
        expect(report.tls).toMatchObject({ kind: 'tls-on-plaintext-port', proof: 'handshake' });
        if (report.tls.kind !== 'tls-on-plaintext-port') throw new Error('unreachable');
        expect(report.tls.tlsProtocol).toMatch(/^TLSv1\.[23]$/);
        expect(report.tls.silentMs).toBeGreaterThanOrEqual(deadlineMs * 0.4);
        expect(report.greeting).toBeUndefined();
      });
    }
  }

  it('STARTTLS on the implicit port with an untrusted certificate: still proven TLS (the certificate refusal is a TLS answer)', async () => {
    const info = useMailServers();
    const report = await withoutLeaks(() =>
      probeServer({ protocol: 'imap', host: info.goodName, port: info.imap.implicit, tls: 'starttls' }, context(1500, { dnsServers: [`127.0.0.1:${info.dns.port}`] })),
    );
    expect(report.tls).toMatchObject({ kind: 'tls-on-plaintext-port', proof: 'certificate-error' });
    if (report.tls.kind !== 'tls-on-plaintext-port') throw new Error('unreachable');
    expect(report.tls.certificateCode).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN/);
  });

  it('the TLS question sends no protocol command: STARTTLS on the SMTP implicit port gets no EHLO through', async () => {
    const info = useMailServers();
    const report = await withoutLeaks(() =>
      probeServer({ protocol: 'smtp', host: info.goodName, port: info.smtp.implicit, tls: 'starttls' }, context(1500, { extraCaPem: [info.caPem], dnsServers: [`127.0.0.1:${info.dns.port}`] })),
    );
    expect(report.tls).toMatchObject({ kind: 'tls-on-plaintext-port', proof: 'handshake' });
    // No EHLO was ever sent (the first connection never got a greeting, the second only did TLS): no echo.
    expect(report.ehloEchoIp).toBeUndefined();
    expect(report.capabilities).toEqual([]);
  });

  it('connects through the resolved address but verifies the configured name', async () => {
    const info = useMailServers();
    const report = await probeServer({ protocol: 'imap', host: info.goodName, port: info.imap.implicit, tls: 'implicit', connectAddress: '127.0.0.1' }, context(3000, { extraCaPem: [info.caPem] }));
    expect(report.tls).toMatchObject({ kind: 'established', verification: { ok: true } });
    const mismatch = await probeServer({ protocol: 'imap', host: 'imap.other.test', port: info.imap.implicit, tls: 'implicit', connectAddress: '127.0.0.1' }, context(3000, { extraCaPem: [info.caPem] }));
    expect(mismatch.tls).toMatchObject({ kind: 'established', verification: { ok: false, problem: 'hostname-mismatch' } });
  });

  it('a plaintext server that greets late (after half the time) is still read: the TLS question proves nothing there', async () => {
    const server = await startHostileServer({ script: [{ waitMs: 1100 }, { write: '* OK [CAPABILITY IMAP4rev1] slow but fine\r\n' }, { stall: true }] });
    try {
      const report = await withoutLeaks(() => probeServer({ protocol: 'imap', host: '127.0.0.1', port: server.port, tls: 'none' }, context(2000)));
      expect(report.tls).toEqual({ kind: 'not-applicable', reason: 'tls-off' });
      expect(report.greeting).toBe('* OK [CAPABILITY IMAP4rev1] slow but fine');
      expect(report.capabilities).toContain('IMAP4rev1');
      // Two connections: ours, and the TLS question, whose ClientHello met the plaintext greeting.
      expect(server.connections()).toBe(2);
      expect(server.received()[1]?.charCodeAt(0)).toBe(0x16);
    } finally {
      await server.close();
    }
  });
});
