// POP3 login probe (our strict client) against the rig's real Dovecot.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { loginPop3, pop3ResponseCode } from '../../../electron/probes/pop3';
import { Secret } from '../../../electron/keychain/secret';
import { endpoint, logSize, passwordForms, probeContext, settledMatchingLines, startRecordingProxy, uniqueUnknownUser, useFastServers } from './helpers';

// Protocol behaviour, not server timing: a Dovecot + Exim pair of this file's own without the auth penalty (helpers.ts).
const servers = useFastServers();

describe('loginPop3 against Dovecot', () => {
  for (const tls of ['starttls', 'implicit'] as const) {
    it(`accepts the right password (${tls})`, async () => {
      const info = servers();
      const result = await loginPop3(endpoint(info, 'pop3', tls), { username: info.users.alice.address, password: new Secret(info.users.alice.password) }, probeContext(info));
      expect(result.login).toMatchObject({ kind: 'accepted', mechanism: 'PLAIN' });
      expect(result.greeting).toMatch(/^\+OK Dovecot .*ready\.$/);
      // CAPA read over TLS: USER and SASL PLAIN are offered, STLS no longer.
      expect(result.capabilities).toContain('USER');
      expect(result.capabilities.some((line) => /^SASL .*PLAIN/.test(line))).toBe(true);
    });

    it(`keeps Dovecot's "-ERR [AUTH]" reply verbatim for a wrong password (${tls})`, async () => {
      const info = servers();
      const result = await loginPop3(endpoint(info, 'pop3', tls), { username: info.users.bob.address, password: new Secret('not-bobs-password') }, probeContext(info));
      expect(result.login).toMatchObject({ kind: 'rejected', responseCode: 'AUTH', serverText: '-ERR [AUTH] Authentication failed.' });
      expect(JSON.stringify(result)).not.toContain('not-bobs-password');
    });
  }

  it('makes exactly one authentication attempt per probe (Dovecot log)', async () => {
    const info = servers();
    const user = uniqueUnknownUser('pop3-once');
    const offset = await logSize(info.logs.dovecot);
    const result = await loginPop3(endpoint(info, 'pop3', 'starttls'), { username: user, password: new Secret('wrong-once') }, probeContext(info));
    expect(result.login.kind).toBe('rejected');
    const failures = await settledMatchingLines(info.logs.dovecot, offset, (line) => line.includes(`user=<${user}>`) && line.includes('auth failed'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/pop3-login: .*Disconnected.*\(auth failed, 1 attempts /);
  });

  it('never sends credentials without TLS (tls none), and reports what the server offers in clear', async () => {
    const info = servers();
    const proxy = await startRecordingProxy({ host: '127.0.0.1', port: info.pop3.starttls }, '127.0.0.5');
    try {
      const password = info.users.alice.password;
      const result = await loginPop3(
        { protocol: 'pop3', host: '127.0.0.1', port: proxy.port, tls: 'none' },
        { username: info.users.alice.address, password: new Secret(password) },
        probeContext(info),
      );
      expect(result.login).toEqual({ kind: 'skipped', reason: 'cleartext-connection' });
      expect(result.greeting).toMatch(/^\+OK Dovecot .*ready\.$/);
      // Dovecot (disable_plaintext_auth) offers neither USER nor a SASL mechanism on a cleartext connection.
      expect(result.capabilities).toContain('STLS');
      expect(result.capabilities).not.toContain('USER');
      await proxy.waitForClientText('QUIT\r\n');
      const sent = proxy.clientBytes();
      expect(sent.toString('latin1')).toBe('CAPA\r\nQUIT\r\n');
      for (const form of passwordForms(info.users.alice.address, password)) expect(sent.includes(form)).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it('ends within the deadline on an endless banner line and on silence', async () => {
    const info = servers();
    const endless = net.createServer((socket) => {
      const spew = setInterval(() => socket.write('+OK '.padEnd(4096, 'x')), 5);
      socket.on('close', () => clearInterval(spew));
      socket.on('error', () => clearInterval(spew));
    });
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const portOf = (server: net.Server): number => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      return address.port;
    };
    try {
      const credentials = { username: 'x@example.test', password: new Secret('irrelevant') };
      const flood = await loginPop3({ protocol: 'pop3', host: '127.0.0.1', port: portOf(endless), tls: 'starttls' }, credentials, probeContext(info, 2000));
      expect(flood.login).toMatchObject({ kind: 'error', errorCode: 'REPLY_TOO_LARGE' });
      const startedAt = Date.now();
      const quiet = await loginPop3({ protocol: 'pop3', host: '127.0.0.1', port: portOf(silent), tls: 'starttls' }, credentials, probeContext(info, 800));
      expect(quiet.login.kind).toBe('timeout');
      expect(Date.now() - startedAt).toBeLessThan(2000);
    } finally {
      endless.close();
      silent.close();
    }
  });

  it('reads RFC 3206 response codes', () => {
    expect(pop3ResponseCode('-ERR [AUTH] Authentication failed.')).toBe('AUTH');
    expect(pop3ResponseCode('-ERR [SYS/TEMP] Temporary authentication failure.')).toBe('SYS/TEMP');
    expect(pop3ResponseCode('-ERR [IN-USE] Mailbox locked')).toBe('IN-USE');
    expect(pop3ResponseCode('-ERR Authentication failed.')).toBeUndefined();
  });
});
