// How many times each probe waits for the server, counted on the wire by a proxy in front of the real Dovecot
// and Exim (tests/servers/faults.ts startConversationProxy): one connection per server, and the round trips of
// the protocol floor (docs/benchmarks.md, "Protocol floor"). A library upgrade that adds a round trip (an ID or
// a NAMESPACE before the answer, a second EHLO, SASL waiting for "+") fails here.
//
// Counted after the TCP connect, with TLS 1.3 (one round trip for the handshake). Each test connects from a
// loopback address of its own, so no auth penalty of Dovecot's (shipped policy, main rig) can slow it.
import { afterEach, describe, expect, it } from 'vitest';
import type { MailProtocol, TlsMode } from '../../../shared/model/account';
import { Secret } from '../../../electron/keychain/secret';
import { ROUND_TRIPS_TO_LOGIN } from '../../../electron/diagnosis/runDiagnosis';
import { loginImap } from '../../../electron/probes/imap';
import { loginPop3 } from '../../../electron/probes/pop3';
import { probeServer } from '../../../electron/probes/serverConnection';
import { loginSmtp, probeSmtpWithoutAuth } from '../../../electron/probes/smtp';
import type { LoginResult } from '../../../electron/probes/login';
import type { LoginCredentials, ProbeContext, ServerEndpoint } from '../../../electron/probes/types';
import { startConversationProxy, uniqueSourceAddress, type ConversationProxy } from '../../servers/faults';
import { useMailServers, type MailServersInfo } from '../../servers/useMailServers';
import { context } from './support';

/**
 * The protocol floor of a login with the password (what the protocol needs after TCP, TLS 1.3), and of the
 * credential-free check. Written down in docs/benchmarks.md; this table is what the test holds us to.
 */
export const PROTOCOL_FLOOR: Record<MailProtocol, Record<Exclude<TlsMode, 'none'>, { login: number; noLogin: number }>> = {
  // TLS, greeting (with capabilities), LOGIN | STARTTLS: greeting, STARTTLS, TLS, CAPABILITY, LOGIN.
  imap: { implicit: { login: 3, noLogin: 2 }, starttls: { login: 5, noLogin: 4 } },
  // TLS, greeting, CAPA, AUTH PLAIN | STLS: greeting, CAPA, STLS, TLS, CAPA, AUTH PLAIN.
  pop3: { implicit: { login: 4, noLogin: 3 }, starttls: { login: 6, noLogin: 5 } },
  // TLS, greeting, EHLO, AUTH PLAIN | STARTTLS: greeting, EHLO, STARTTLS, TLS, EHLO (RFC 3207), AUTH PLAIN.
  smtp: { implicit: { login: 4, noLogin: 3 }, starttls: { login: 6, noLogin: 5 } },
};

const LOGIN: Record<MailProtocol, (endpoint: ServerEndpoint, credentials: LoginCredentials, ctx: ProbeContext) => Promise<LoginResult>> = {
  imap: loginImap,
  pop3: loginPop3,
  smtp: loginSmtp,
};

let proxies: ConversationProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.map((proxy) => proxy.close()));
  proxies = [];
});

async function throughProxy(info: MailServersInfo, protocol: MailProtocol, tls: Exclude<TlsMode, 'none'>): Promise<{ proxy: ConversationProxy; endpoint: ServerEndpoint }> {
  const proxy = await startConversationProxy({ host: '127.0.0.1', port: info[protocol][tls] }, { sourceAddress: uniqueSourceAddress() });
  proxies.push(proxy);
  return { proxy, endpoint: { protocol, host: info.goodName, connectAddress: '127.0.0.1', port: proxy.port, tls } };
}

/** The connection's turns, for a readable failure message. */
function turnsOf(proxy: ConversationProxy): string {
  return (proxy.conversations()[0]?.turns ?? []).map((turn) => `${turn.from === 'client' ? 'C' : 'S'}${turn.bytes}`).join(' ');
}

/** Lets the client's last words (the goodbye, written without waiting) reach the proxy. */
function settled(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 150));
}

describe('round trips per protocol and TLS mode (one connection per server)', () => {
  for (const protocol of ['imap', 'pop3', 'smtp'] as const) {
    for (const tls of ['implicit', 'starttls'] as const) {
      it(`${protocol} ${tls}: a login with the right password waits ${PROTOCOL_FLOOR[protocol][tls].login} times`, async () => {
        const info = useMailServers();
        const { proxy, endpoint } = await throughProxy(info, protocol, tls);
        const result = await LOGIN[protocol](endpoint, { username: info.users.alice.address, password: new Secret(info.users.alice.password) }, context(5000, { extraCaPem: [info.caPem] }));
        expect(result.login.kind).toBe('accepted');
        await settled();
        expect(proxy.conversations()).toHaveLength(1);
        expect(proxy.roundTrips(0), turnsOf(proxy)).toBe(PROTOCOL_FLOOR[protocol][tls].login);
      });

      it(`${protocol} ${tls}: the credential-free check waits ${PROTOCOL_FLOOR[protocol][tls].noLogin} times`, async () => {
        const info = useMailServers();
        const { proxy, endpoint } = await throughProxy(info, protocol, tls);
        const report = await probeServer(endpoint, context(5000, { extraCaPem: [info.caPem] }));
        expect(report.tls).toMatchObject({ kind: 'established', verification: { ok: true } });
        await settled();
        expect(proxy.conversations()).toHaveLength(1);
        expect(proxy.roundTrips(0), turnsOf(proxy)).toBe(PROTOCOL_FLOOR[protocol][tls].noLogin);
      });
    }
  }

  it("the runner's table of round trips to a login (which server it starts first) is this measured floor", () => {
    for (const protocol of ['imap', 'pop3', 'smtp'] as const) {
      for (const tls of ['implicit', 'starttls'] as const) expect(ROUND_TRIPS_TO_LOGIN[protocol][tls], `${protocol} ${tls}`).toBe(PROTOCOL_FLOOR[protocol][tls].login);
    }
  });

  it('the relay check pipelines its envelope where the server offers PIPELINING: one round trip for MAIL, RCPT and RSET', async () => {
    const info = useMailServers();
    const { proxy, endpoint } = await throughProxy(info, 'smtp', 'implicit');
    const result = await probeSmtpWithoutAuth(endpoint, { from: info.users.alice.address, to: info.users.bob.address }, context(5000, { extraCaPem: [info.caPem] }));
    expect(result.outcome).toMatchObject({ kind: 'refused', stage: 'rcpt-to' });
    await settled();
    // TLS, greeting, EHLO, then the envelope in one go.
    expect(proxy.roundTrips(0), turnsOf(proxy)).toBe(PROTOCOL_FLOOR.smtp.implicit.noLogin + 1);
  });
});
