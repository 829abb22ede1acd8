// IMAP login probe against the rig's real Dovecot: one attempt, the server's words kept, never in clear.
import { describe, expect, it } from 'vitest';
import { loginImap } from '../../../electron/probes/imap';
import { Secret } from '../../../electron/keychain/secret';
import { endpoint, logSize, passwordForms, probeContext, settledMatchingLines, startRecordingProxy, uniqueUnknownUser, useFastServers } from './helpers';

// Protocol behaviour, not server timing: a Dovecot + Exim pair of this file's own without the auth penalty (helpers.ts).
const servers = useFastServers();

describe('loginImap against Dovecot', () => {
  for (const tls of ['starttls', 'implicit'] as const) {
    it(`accepts the right password (${tls})`, async () => {
      const info = servers();
      const result = await loginImap(endpoint(info, 'imap', tls), { username: info.users.alice.address, password: new Secret(info.users.alice.password) }, probeContext(info));
      expect(result.login).toMatchObject({ kind: 'accepted' });
      expect(result.greeting).toMatch(/Dovecot/);
      expect(result.capabilities).toContain('IMAP4rev1');
      // After TLS Dovecot offers AUTH mechanisms and no LOGINDISABLED.
      expect(result.capabilities).not.toContain('LOGINDISABLED');
    });

    it(`keeps Dovecot's AUTHENTICATIONFAILED verbatim for a wrong password (${tls})`, async () => {
      const info = servers();
      const result = await loginImap(endpoint(info, 'imap', tls), { username: info.users.bob.address, password: new Secret('not-bobs-password') }, probeContext(info));
      expect(result.login).toMatchObject({
        kind: 'rejected',
        responseCode: 'AUTHENTICATIONFAILED',
        serverText: 'NO [AUTHENTICATIONFAILED] Authentication failed.',
      });
      expect(JSON.stringify(result)).not.toContain('not-bobs-password');
    });
  }

  it('makes exactly one authentication attempt per probe (Dovecot log)', async () => {
    const info = servers();
    const user = uniqueUnknownUser('imap-once');
    const offset = await logSize(info.logs.dovecot);
    const result = await loginImap(endpoint(info, 'imap', 'implicit'), { username: user, password: new Secret('wrong-once') }, probeContext(info));
    expect(result.login.kind).toBe('rejected');
    const failures = await settledMatchingLines(info.logs.dovecot, offset, (line) => line.includes(`user=<${user}>`) && line.includes('auth failed'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/imap-login: .*Disconnected.*\(auth failed, 1 attempts /);
  });

  it('never sends a password over a connection without TLS; Dovecot refuses plaintext there anyway', async () => {
    const info = servers();
    // Upstream from 127.0.0.5 so Dovecot applies disable_plaintext_auth (it trusts 127.0.0.1 -> 127.0.0.1).
    const proxy = await startRecordingProxy({ host: '127.0.0.1', port: info.imap.starttls }, '127.0.0.5');
    try {
      const offset = await logSize(info.logs.dovecot);
      const password = info.users.alice.password;
      const result = await loginImap(
        { protocol: 'imap', host: '127.0.0.1', port: proxy.port, tls: 'none' },
        { username: info.users.alice.address, password: new Secret(password) },
        probeContext(info),
      );
      expect(result.login).toEqual({ kind: 'skipped', reason: 'cleartext-connection' });
      // The server's own policy, seen in its credential-free greeting: plaintext login is disabled.
      expect(result.capabilities).toContain('LOGINDISABLED');
      await proxy.waitForClientText('LOGOUT');
      const sent = proxy.clientBytes();
      // The greeting listed the capabilities, so nothing was asked: the only command is the goodbye.
      expect(sent.toString('latin1')).toMatch(/^md\d+ LOGOUT\r\n$/);
      for (const form of [...passwordForms(info.users.alice.address, password), Buffer.from(info.users.alice.address)]) {
        expect(sent.includes(form)).toBe(false);
      }
      const authLines = await settledMatchingLines(info.logs.dovecot, offset, (line) => line.includes('rip=127.0.0.5') && /auth failed|Login:/.test(line), 300, 1500);
      expect(authLines).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('returns a timeout within the deadline when the server never greets', async () => {
    const info = servers();
    const silent = await import('node:net').then((net) => net.createServer(() => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      const startedAt = Date.now();
      const result = await loginImap(
        { protocol: 'imap', host: '127.0.0.1', port: address.port, tls: 'starttls' },
        { username: 'x@example.test', password: new Secret('irrelevant') },
        probeContext(info, 1000),
      );
      expect(result.login.kind).toBe('timeout');
      expect(Date.now() - startedAt).toBeLessThan(2500);
    } finally {
      silent.close();
    }
  });

  it('stops at once when cancelled', async () => {
    const info = servers();
    const controller = new AbortController();
    const silent = await import('node:net').then((net) => net.createServer(() => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    try {
      setTimeout(() => controller.abort(), 200);
      const startedAt = Date.now();
      const result = await loginImap(
        { protocol: 'imap', host: '127.0.0.1', port: address.port, tls: 'implicit' },
        { username: 'x@example.test', password: new Secret('irrelevant') },
        probeContext(info, 10_000, controller.signal),
      );
      expect(result.login).toEqual({ kind: 'skipped', reason: 'cancelled' });
      expect(Date.now() - startedAt).toBeLessThan(2000);
    } finally {
      silent.close();
    }
  });
});
