// SMTP login probe (nodemailer SMTPConnection) and the no-auth check against the rig's real Exim.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { loginSmtp, probeSmtpWithoutAuth } from '../../../electron/probes/smtp';
import { Secret } from '../../../electron/keychain/secret';
import { endpoint, logSize, logSince, passwordForms, probeContext, settledMatchingLines, startRecordingProxy, uniqueUnknownUser, useFastServers } from './helpers';

/** Where this Exim delivers (tests/servers/exim.ts): beside its log folder. */
function eximMailbox(info: { logs: { exim: string } }): string {
  return path.join(path.dirname(path.dirname(info.logs.exim)), 'out', 'all.mbox');
}

// Protocol behaviour, not server timing: a Dovecot + Exim pair of this file's own without the auth penalty (helpers.ts).
const servers = useFastServers();

describe('loginSmtp against Exim', () => {
  for (const tls of ['starttls', 'implicit'] as const) {
    it(`accepts the right password and reads greeting, EHLO and the echoed IP (${tls})`, async () => {
      const info = servers();
      const result = await loginSmtp(endpoint(info, 'smtp', tls), { username: info.users.alice.address, password: new Secret(info.users.alice.password) }, probeContext(info));
      expect(result.login).toMatchObject({ kind: 'accepted', mechanism: 'PLAIN' });
      expect(result.greeting).toMatch(/^220 /);
      expect(result.capabilities).toContain('AUTH PLAIN LOGIN');
      expect(result.capabilities).not.toContain('STARTTLS'); // the list after TLS
      expect(result.ehloEchoIp).toBe('127.0.0.1');
    });

    it(`keeps Exim's 535 verbatim for a wrong password (${tls})`, async () => {
      const info = servers();
      const result = await loginSmtp(endpoint(info, 'smtp', tls), { username: info.users.bob.address, password: new Secret('not-bobs-password') }, probeContext(info));
      expect(result.login).toMatchObject({ kind: 'rejected', responseCode: '535', serverText: '535 Incorrect authentication data' });
      expect(result.ehloEchoIp).toBe('127.0.0.1');
      expect(JSON.stringify(result)).not.toContain('not-bobs-password');
    });
  }

  it('makes exactly one AUTH attempt per probe (Exim mainlog)', async () => {
    const info = servers();
    const user = uniqueUnknownUser('smtp-once');
    const offset = await logSize(info.logs.exim);
    const result = await loginSmtp(endpoint(info, 'smtp', 'starttls'), { username: user, password: new Secret('wrong-once') }, probeContext(info));
    expect(result.login.kind).toBe('rejected');
    const failures = await settledMatchingLines(info.logs.exim, offset, (line) => line.includes('authenticator failed') && line.includes(`set_id=${user}`));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/PLAIN authenticator failed for .*\[127\.0\.0\.1\].*535 Incorrect authentication data/);
  });

  for (const tls of ['starttls', 'implicit'] as const) {
    it(`says EHLO with an address literal of our end, never the Mac's name: Exim logs the HELO name (${tls})`, async () => {
      const info = servers();
      // A Mac's name as nodemailer would send it by default (a fully qualified host name is used as is).
      const macName = vi.spyOn(os, 'hostname').mockReturnValue('Janes-MacBook-Pro.local');
      const user = uniqueUnknownUser(`smtp-ehlo-${tls}`);
      const offset = await logSize(info.logs.exim);
      const result = await loginSmtp(endpoint(info, 'smtp', tls), { username: user, password: new Secret('wrong-ehlo') }, probeContext(info)).finally(() => macName.mockRestore());
      expect(result.login.kind).toBe('rejected');
      // nodemailer's EHLO (the one before AUTH, over TLS) is the name Exim logs with the failure.
      const [failure] = await settledMatchingLines(info.logs.exim, offset, (line) => line.includes(`set_id=${user}`));
      expect(failure).toMatch(/authenticator failed for \(\[127\.0\.0\.1\]\) \[127\.0\.0\.1\]:/);
      expect(await logSince(info.logs.exim, offset)).not.toContain('Janes-MacBook-Pro');
    });
  }

  it('never sends credentials on a cleartext connection (tls none): Exim offers no AUTH there', async () => {
    const info = servers();
    const proxy = await startRecordingProxy({ host: '127.0.0.1', port: info.smtp.starttls });
    try {
      const password = info.users.alice.password;
      const result = await loginSmtp(
        { protocol: 'smtp', host: '127.0.0.1', port: proxy.port, tls: 'none' },
        { username: info.users.alice.address, password: new Secret(password) },
        probeContext(info),
      );
      expect(result.login).toEqual({ kind: 'skipped', reason: 'cleartext-connection' });
      expect(result.capabilities).toContain('STARTTLS');
      expect(result.capabilities.some((line) => line.startsWith('AUTH'))).toBe(false);
      expect(result.ehloEchoIp).toBe('127.0.0.1');
      const sent = proxy.clientBytes().toString('latin1');
      expect(sent).toMatch(/^EHLO /);
      expect(sent).not.toMatch(/AUTH|STARTTLS/);
      for (const form of passwordForms(info.users.alice.address, password)) expect(proxy.clientBytes().includes(form)).toBe(false);
    } finally {
      await proxy.close();
    }
  });
});

describe('probeSmtpWithoutAuth against Exim', () => {
  for (const tls of ['starttls', 'implicit', 'none'] as const) {
    it(`reports Exim's refusal of an unauthenticated recipient and never reaches DATA (${tls})`, async () => {
      const info = servers();
      const proxy = await startRecordingProxy({ host: '127.0.0.1', port: tls === 'implicit' ? info.smtp.implicit : info.smtp.starttls });
      const mailbox = eximMailbox(info);
      const mailboxBefore = await readFile(mailbox, 'utf8').catch(() => '');
      const offset = await logSize(info.logs.exim);
      try {
        const result = await probeSmtpWithoutAuth(
          { protocol: 'smtp', host: info.goodName, connectAddress: '127.0.0.1', port: proxy.port, tls },
          { from: info.users.alice.address, to: info.users.bob.address },
          probeContext(info),
        );
        expect(result.outcome).toEqual({ kind: 'refused', stage: 'rcpt-to', responseCode: '550', serverText: '550 Authentication required' });
        expect(result.ehloEchoIp).toBe('127.0.0.1');
        expect(result.greeting).toMatch(/^220 /);
        if (tls === 'none') {
          // In clear everything is visible: the envelope, RSET and QUIT, and never DATA.
          await proxy.waitForClientText('QUIT\r\n');
          const sent = proxy.clientBytes().toString('latin1');
          expect(sent).toContain(`MAIL FROM:<${info.users.alice.address}>\r\nRCPT TO:<${info.users.bob.address}>\r\nRSET\r\nQUIT\r\n`);
          expect(sent).not.toContain('DATA');
        }
        const rejected = await settledMatchingLines(info.logs.exim, offset, (line) => line.includes('rejected RCPT') && line.includes(info.users.bob.address));
        expect(rejected).toHaveLength(1);
        // The relay check's EHLO name, as Exim logs it: an address literal of our end.
        expect(rejected[0]).toMatch(/H=\(\[127\.0\.0\.1\]\) \[127\.0\.0\.1\]/);
        expect(await logSince(info.logs.exim, offset)).not.toMatch(/ <= /); // no message was received
        expect(await readFile(mailbox, 'utf8').catch(() => '')).toBe(mailboxBefore);
      } finally {
        await proxy.close();
      }
    });
  }
});
