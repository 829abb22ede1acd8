// Proves the test rig: real Dovecot, Exim and dnsmasq on loopback answer as the real servers do, and the
// bad-certificate addresses present the certificates they claim to. Every client trusts only the test CA and
// keeps certificate verification ON.
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import { ImapFlow } from 'imapflow';
import nodemailer, { type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markLog } from '../servers/logs';
import { startExtraServers } from '../servers/start';
import { mailServersAvailable, useMailServers, type MailServersInfo } from '../servers/useMailServers';

// ------------------------------------------------------------ small clients

function imapClient(info: MailServersInfo, port: number, secure: boolean, user: string, pass: string): ImapFlow {
  const client = new ImapFlow({
    host: info.host, port, secure, logger: false, connectionTimeout: 5000,
    tls: { ca: info.caPem, servername: info.goodName },
    auth: { user, pass },
  });
  client.on('error', () => undefined); // a failed connect also emits 'error'; the rejection carries it
  return client;
}

async function imapLogin(info: MailServersInfo, port: number, secure: boolean, user: string, pass: string): Promise<{ ok: true; secure: boolean } | { ok: false; error: Record<string, unknown> }> {
  const client = imapClient(info, port, secure, user, pass);
  try {
    await client.connect();
    const wasSecure = client.secureConnection;
    await client.logout();
    return { ok: true, secure: wasSecure };
  } catch (error) {
    client.close();
    return { ok: false, error: { ...(error as object), message: (error as Error).message } };
  }
}

function smtpTransport(info: MailServersInfo, port: number, implicit: boolean, user: string, pass: string, host: string = info.host): Transporter {
  return nodemailer.createTransport({
    host, port, secure: implicit, requireTLS: !implicit, connectionTimeout: 5000,
    tls: { ca: info.caPem, servername: info.goodName },
    auth: { user, pass },
  });
}

/** Line-oriented raw conversation (for POP3 and SMTP EHLO checks), plain or TLS, with STARTTLS upgrade. */
class LineClient {
  private buffer = '';
  private waiters: (() => void)[] = [];
  private constructor(private socket: net.Socket) {
    this.attach(socket);
  }

  static async open(options: { host: string; port: number; tls?: tls.ConnectionOptions; localAddress?: string }): Promise<LineClient> {
    const socket = options.tls !== undefined
      ? tls.connect({ host: options.host, port: options.port, ...options.tls })
      : net.connect({ host: options.host, port: options.port, localAddress: options.localAddress });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls !== undefined ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new LineClient(socket);
  }

  private attach(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('error', () => undefined);
  }

  /** Reads until `done(text)` is true; returns all text read and clears it. */
  async read(done: (text: string) => boolean, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.buffer)) {
      if (Date.now() > deadline) throw new Error(`timeout; got ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    const text = this.buffer;
    this.buffer = '';
    return text;
  }

  readLine(): Promise<string> {
    return this.read((text) => text.includes('\r\n'));
  }

  /** SMTP: read a complete (possibly multi-line) reply. */
  readSmtpReply(): Promise<string> {
    return this.read((text) => /(^|\r\n)\d{3} [^\r\n]*\r\n$/.test(text));
  }

  /** IMAP: read until the tagged reply for `tag`. */
  readTagged(tag: string): Promise<string> {
    return this.read((text) => new RegExp(`(^|\\r\\n)${tag} [^\\r\\n]*\\r\\n$`).test(text));
  }

  send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  async startTls(options: tls.ConnectionOptions): Promise<void> {
    const secure = tls.connect({ socket: this.socket, ...options });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.socket.removeAllListeners('data');
    this.socket = secure;
    this.attach(secure);
  }

  close(): void {
    this.socket.destroy();
  }
}

function tlsOptions(info: MailServersInfo): tls.ConnectionOptions {
  return { ca: info.caPem, servername: info.goodName };
}

async function pop3Login(info: MailServersInfo, implicit: boolean, user: string, pass: string): Promise<string> {
  const port = implicit ? info.pop3.implicit : info.pop3.starttls;
  const client = await LineClient.open({ host: info.host, port, ...(implicit ? { tls: tlsOptions(info) } : {}) });
  try {
    expect(await client.readLine()).toMatch(/^\+OK/);
    if (!implicit) {
      client.send('STLS');
      expect(await client.readLine()).toMatch(/^\+OK/);
      await client.startTls(tlsOptions(info));
    }
    client.send(`USER ${user}`);
    expect(await client.readLine()).toMatch(/^\+OK/);
    client.send(`PASS ${pass}`);
    const reply = (await client.readLine()).trim();
    client.send('QUIT');
    return reply;
  } finally {
    client.close();
  }
}

/** Verified TLS handshake; resolves 'ok' or the Node error code (verification stays on). */
function tlsHandshake(info: MailServersInfo, ip: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: ip, port, ca: info.caPem, servername: info.goodName });
    socket.setTimeout(5000, () => { socket.destroy(); resolve('timeout'); });
    socket.once('secureConnect', () => { socket.destroy(); resolve('ok'); });
    socket.once('error', (error: NodeJS.ErrnoException) => { socket.destroy(); resolve(error.code ?? error.message); });
  });
}

// ------------------------------------------------------------ tests

describe('real mail servers on loopback', () => {
  describe('Dovecot IMAP', () => {
    it('logs alice in over STARTTLS (imapflow upgrades) and bob over implicit TLS', async () => {
      const info = useMailServers();
      const starttls = await imapLogin(info, info.imap.starttls, false, info.users.alice.address, info.users.alice.password);
      expect(starttls).toEqual({ ok: true, secure: true });
      const implicit = await imapLogin(info, info.imap.implicit, true, info.users.bob.address, info.users.bob.password);
      expect(implicit).toEqual({ ok: true, secure: true });
    });

    it('rejects a wrong password with AUTHENTICATIONFAILED on both ports, and logs the failure', async () => {
      const info = useMailServers();
      const log = await markLog(info.logs.dovecot);
      for (const [port, secure] of [[info.imap.starttls, false], [info.imap.implicit, true]] as const) {
        const result = await imapLogin(info, port, secure, info.users.bob.address, 'wrong-password');
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.error.authenticationFailed).toBe(true);
          expect(result.error.serverResponseCode).toBe('AUTHENTICATIONFAILED');
        }
      }
      // Other test files use the same server at the same time: count only this test's user and mark.
      const failures = await log.waitForMatches(/imap-login: Info: Disconnected: .*auth failed, 1 attempts.*user=<bob@example\.test>/, 2);
      expect(failures.length).toBeGreaterThanOrEqual(2);
    });

    it('refuses plaintext LOGIN before STARTTLS from another loopback address (disable_plaintext_auth = yes)', async () => {
      const info = useMailServers();
      // Dovecot treats remote IP == local IP as secure, so connect from 127.0.0.5 to see what a remote client sees.
      const client = await LineClient.open({ host: info.host, port: info.imap.starttls, localAddress: '127.0.0.5' });
      try {
        const greeting = await client.readLine();
        expect(greeting).toContain('LOGINDISABLED');
        client.send(`a1 LOGIN ${info.users.alice.address} ${info.users.alice.password}`);
        const reply = await client.readTagged('a1');
        expect(reply).toMatch(/^a1 NO \[PRIVACYREQUIRED\]/m);
      } finally {
        client.close();
      }
    });

    it('allows plaintext LOGIN from 127.0.0.1 to 127.0.0.1 (Dovecot counts same-IP connections as secure)', async () => {
      const info = useMailServers();
      const client = await LineClient.open({ host: info.host, port: info.imap.starttls, localAddress: '127.0.0.1' });
      try {
        expect(await client.readLine()).not.toContain('LOGINDISABLED');
        client.send(`a1 LOGIN ${info.users.alice.address} ${info.users.alice.password}`);
        expect(await client.readTagged('a1')).toMatch(/^a1 OK/m);
      } finally {
        client.close();
      }
    });
  });

  describe('Dovecot POP3', () => {
    it('accepts the right password and refuses a wrong one, over STLS and implicit TLS', async () => {
      const info = useMailServers();
      for (const implicit of [false, true]) {
        expect(await pop3Login(info, implicit, info.users.bob.address, info.users.bob.password)).toMatch(/^\+OK/);
        expect(await pop3Login(info, implicit, info.users.bob.address, 'wrong-password')).toBe('-ERR [AUTH] Authentication failed.');
      }
    });
  });

  describe('Exim submission', () => {
    it('verifies with the right password on the STARTTLS and the implicit-TLS port', async () => {
      const info = useMailServers();
      for (const [port, implicit] of [[info.smtp.starttls, false], [info.smtp.implicit, true]] as const) {
        const transport = smtpTransport(info, port, implicit, info.users.alice.address, info.users.alice.password);
        await expect(transport.verify()).resolves.toBe(true);
        transport.close();
      }
    });

    it('answers a wrong password with exactly "535 Incorrect authentication data" (PLAIN and LOGIN)', async () => {
      const info = useMailServers();
      const log = await markLog(info.logs.exim);
      for (const [port, implicit] of [[info.smtp.starttls, false], [info.smtp.implicit, true]] as const) {
        const transport = smtpTransport(info, port, implicit, info.users.bob.address, 'wrong-password');
        await expect(transport.verify()).rejects.toMatchObject({
          code: 'EAUTH', responseCode: 535, response: '535 Incorrect authentication data', command: 'AUTH PLAIN',
        });
        transport.close();
      }
      const login = nodemailer.createTransport({
        host: info.host, port: info.smtp.implicit, secure: true, authMethod: 'LOGIN',
        tls: { ca: info.caPem, servername: info.goodName }, auth: { user: info.users.bob.address, pass: 'wrong-password' },
      });
      await expect(login.verify()).rejects.toMatchObject({ responseCode: 535, command: 'AUTH LOGIN' });
      login.close();
      const failures = await log.waitForMatches(/authenticator failed for .*535 Incorrect authentication data \(set_id=bob@example\.test\)/, 3);
      expect(failures.length).toBeGreaterThanOrEqual(3);
    });

    it('echoes the client in EHLO and advertises AUTH only after STARTTLS', async () => {
      const info = useMailServers();
      const client = await LineClient.open({ host: info.host, port: info.smtp.starttls });
      try {
        expect(await client.readSmtpReply()).toMatch(/^220 mail\.example\.test ESMTP Exim 4\.\d+/);
        client.send('EHLO client.example.test');
        const before = await client.readSmtpReply();
        expect(before).toMatch(/^250-mail\.example\.test Hello client\.example\.test \[127\.0\.0\.1\]\r\n/);
        expect(before).toContain('250-STARTTLS');
        expect(before).not.toMatch(/AUTH/);
        client.send('AUTH PLAIN');
        expect(await client.readSmtpReply()).toMatch(/^503 AUTH command used when not advertised/);
        client.send('STARTTLS');
        expect(await client.readSmtpReply()).toMatch(/^220 /);
        await client.startTls(tlsOptions(info));
        client.send('EHLO client.example.test');
        const after = await client.readSmtpReply();
        expect(after).toMatch(/^250-AUTH PLAIN LOGIN\r$/m);
        client.send('QUIT');
      } finally {
        client.close();
      }
    });
  });

  describe('dnsmasq test zone', () => {
    function resolver(info: MailServersInfo): Resolver {
      const r = new Resolver({ timeout: 2000, tries: 1 });
      r.setServers([`${info.dns.host}:${info.dns.port}`]);
      return r;
    }

    it('answers A, CNAME, MX, SRV and TXT for example.test', async () => {
      const info = useMailServers();
      const dns = resolver(info);
      const { names } = info.dns;
      expect(await dns.resolve4(names.mail)).toEqual(['127.0.0.1']);
      expect(await dns.resolve4(names.wrongHost)).toEqual([info.badCerts.wrongHost.ip]);
      expect(await dns.resolve4(names.expired)).toEqual([info.badCerts.expired.ip]);
      expect(await dns.resolve4(names.untrusted)).toEqual([info.badCerts.untrusted.ip]);
      expect(await dns.resolveCname(names.imapAlias)).toEqual([names.mail]);
      expect(await dns.resolveMx(info.dns.zone)).toEqual([{ exchange: names.mail, priority: info.dns.mxPreference }]);
      expect(await dns.resolveSrv(`_imaps._tcp.${info.dns.zone}`)).toEqual([{ name: names.mail, port: info.imap.implicit, priority: 0, weight: 1 }]);
      expect(await dns.resolveSrv(`_submission._tcp.${info.dns.zone}`)).toEqual([{ name: names.mail, port: info.smtp.starttls, priority: 0, weight: 1 }]);
      expect(await dns.resolveSrv(`_pop3s._tcp.${info.dns.zone}`)).toEqual([{ name: names.mail, port: info.pop3.implicit, priority: 0, weight: 1 }]);
      expect(await dns.resolveTxt(info.dns.zone)).toEqual([[info.dns.txt]]);
    });

    it('answers NXDOMAIN (ENOTFOUND) for a name that does not exist, and forwards nothing outside the zone', async () => {
      const info = useMailServers();
      const dns = resolver(info);
      await expect(dns.resolve4(info.dns.names.missing)).rejects.toMatchObject({ code: 'ENOTFOUND' });
      // No upstream: a name outside the zone is not resolved (dnsmasq answers REFUSED) rather than leaking out.
      const outside = await dns.resolve4('example.com').then(() => 'resolved', (error: NodeJS.ErrnoException) => error.code);
      expect(outside).toBe('EREFUSED');
    });
  });

  describe('certificates', () => {
    it('presents the good certificate on 127.0.0.1 and the bad ones on 127.0.0.2-4, on every TLS port', async () => {
      const info = useMailServers();
      const expected: [string, string][] = [
        [info.host, 'ok'],
        [info.badCerts.wrongHost.ip, 'ERR_TLS_CERT_ALTNAME_INVALID'],
        [info.badCerts.expired.ip, 'CERT_HAS_EXPIRED'],
        [info.badCerts.untrusted.ip, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
      ];
      for (const port of [info.imap.implicit, info.pop3.implicit, info.smtp.implicit]) {
        for (const [ip, code] of expected) {
          expect(`${ip}:${port} ${await tlsHandshake(info, ip, port)}`).toBe(`${ip}:${port} ${code}`);
        }
      }
    });

    it('the wrong-host certificate carries the names the rig says', async () => {
      const info = useMailServers();
      const names = await new Promise<string>((resolve, reject) => {
        const socket = tls.connect({
          host: info.badCerts.wrongHost.ip, port: info.imap.implicit, ca: info.caPem, servername: info.goodName,
          // Chain verification already passed when this runs; we only read the names, then let Node decide.
          checkServerIdentity: (host, cert) => {
            resolve(cert.subjectaltname ?? '');
            return tls.checkServerIdentity(host, cert);
          },
        });
        socket.once('error', () => socket.destroy());
        socket.once('secureConnect', () => { socket.destroy(); reject(new Error('wrong-host cert was accepted')); });
      });
      expect(names).toBe(info.badCerts.wrongHost.certNames.map((name) => `DNS:${name}`).join(', '));
    });

    it('Exim STARTTLS also picks the certificate by local address', async () => {
      const info = useMailServers();
      const transport = smtpTransport(info, info.smtp.starttls, false, info.users.alice.address, info.users.alice.password, info.badCerts.expired.ip);
      const failure = await transport.verify().then(() => undefined, (error: NodeJS.ErrnoException) => error);
      expect(failure?.code).toBe('ESOCKET');
      expect(failure?.message).toContain('certificate has expired');
      transport.close();
    });
  });

  describe('a second Dovecot with the real 2 s auth_failure_delay and no auth penalty', () => {
    let extra: Awaited<ReturnType<typeof startExtraServers>> | undefined;
    beforeAll(async () => {
      // Without the penalty, so the right login right after the failure is not delayed by it.
      if (mailServersAvailable()) extra = await startExtraServers(useMailServers(), { penalty: false, failureDelaySeconds: 2 });
    });
    afterAll(async () => {
      await extra?.stop();
    });

    it('delays a failed login by about 2 s while a right one stays fast', async () => {
      const info = useMailServers();
      if (extra === undefined) throw new Error('extra Dovecot did not start');
      const started = Date.now();
      const failed = await imapLogin(info, extra.imap.implicit, true, info.users.alice.address, 'wrong-password');
      const failedMs = Date.now() - started;
      expect(failed.ok).toBe(false);
      // A lower bound only: the configured delay must be there (a behaviour), never an upper speed limit.
      // Dovecot flushes failures on a 0.5 s timer against whole-second deadlines, so "2 s" measures 1-2.5 s
      // (and 0 measures 0-0.5 s); 1 s apart is therefore the strongest honest bound.
      expect(failedMs).toBeGreaterThanOrEqual(1000);
      const ok = await imapLogin(info, extra.imap.implicit, true, info.users.alice.address, info.users.alice.password);
      expect(ok.ok).toBe(true);
    });
  });
});

