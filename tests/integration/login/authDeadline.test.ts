// Login deadlines that match how servers refuse: until the credential leaves, the phase deadline; once it has
// left, the server's answer gets a deadline of its own (AUTH_REPLY_DEADLINE_MS, shortened here through the
// context so the tests stay fast). Scripted TLS servers with the rig's good certificate, one per protocol:
// imapflow (IMAP), nodemailer (SMTP) and our own client (POP3) all follow the same two deadlines.
import { afterEach, describe, expect, it } from 'vitest';
import type { MailProtocol } from '../../../shared/model/account';
import { Secret } from '../../../electron/keychain/secret';
import { loginImap } from '../../../electron/probes/imap';
import { loginPop3 } from '../../../electron/probes/pop3';
import { loginSmtp } from '../../../electron/probes/smtp';
import type { LoginResult } from '../../../electron/probes/login';
import type { LoginCredentials, ProbeContext, ServerEndpoint } from '../../../electron/probes/types';
import { loadTestPki } from '../../servers/certs';
import { startHostileServer, type HostileServer, type HostileStep } from '../../servers/faults';
import { useMailServers } from '../../servers/useMailServers';
import { withoutLeaks } from '../probes/support';

const PHASE_MS = 800;
const AUTH_REPLY_MS = 2500;
const credentials: LoginCredentials = { username: 'alice@example.test', password: new Secret('Slow-Answer-1!') };

let servers: HostileServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

const tag = (reads: readonly string[]): string => (reads[reads.length - 1] ?? '').split(' ')[0] ?? '*';

/** Each protocol's dialogue up to the credential, then `answer` (a delayed refusal, or silence). */
function script(protocol: MailProtocol, answer: HostileStep[]): HostileStep[] {
  switch (protocol) {
    case 'imap':
      return [{ write: '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] slow\r\n' }, { readUntil: /LOGIN [^\r\n]*\r\n/ }, ...answer];
    case 'pop3':
      return [
        { write: '+OK slow\r\n' }, { readUntil: 'CAPA\r\n' }, { write: '+OK\r\nUSER\r\n.\r\n' },
        { readUntil: /USER [^\r\n]*\r\n/ }, { write: '+OK\r\n' }, { readUntil: /PASS [^\r\n]*\r\n/ }, ...answer,
      ];
    case 'smtp':
      return [
        { write: '220 slow ESMTP\r\n' }, { readUntil: /EHLO [^\r\n]*\r\n/ }, { write: '250-slow Hello [127.0.0.1]\r\n250 AUTH PLAIN\r\n' },
        { readUntil: /AUTH PLAIN [^\r\n]*\r\n/ }, ...answer,
      ];
  }
}

const REFUSAL: Record<MailProtocol, (reads: readonly string[]) => string> = {
  imap: (reads) => `${tag(reads)} NO [AUTHENTICATIONFAILED] Authentication failed.\r\n`,
  pop3: () => '-ERR [AUTH] Authentication failed.\r\n',
  smtp: () => '535 Incorrect authentication data\r\n',
};

const LOGIN: Record<MailProtocol, (endpoint: ServerEndpoint, credentials: LoginCredentials, ctx: ProbeContext) => Promise<LoginResult>> = {
  imap: loginImap,
  pop3: loginPop3,
  smtp: loginSmtp,
};

async function attempt(protocol: MailProtocol, steps: HostileStep[]): Promise<{ result: LoginResult; tookMs: number }> {
  const info = useMailServers();
  const pki = await loadTestPki(info.dataDir);
  const server = await startHostileServer({ script: steps, tls: pki.good });
  servers.push(server);
  const ctx: ProbeContext = { deadline: Date.now() + PHASE_MS, signal: new AbortController().signal, extraCaPem: [info.caPem], authReplyDeadlineMs: AUTH_REPLY_MS };
  const started = Date.now();
  const result = await withoutLeaks(() => LOGIN[protocol]({ protocol, host: info.goodName, connectAddress: '127.0.0.1', port: server.port, tls: 'implicit' }, credentials, ctx), 1500, () => server.close());
  return { result, tookMs: Date.now() - started };
}

describe('login deadlines', () => {
  for (const protocol of ['imap', 'pop3', 'smtp'] as const) {
    it(`${protocol}: a refusal that comes after the phase deadline is still the server's refusal, timed from the credential`, async () => {
      const { result, tookMs } = await attempt(protocol, script(protocol, [{ waitMs: 1500 }, { reply: REFUSAL[protocol] }, { waitMs: 300 }, { end: true }]));
      expect(result.login.kind).toBe('rejected');
      if (result.login.kind !== 'rejected') throw new Error('unreachable');
      expect(result.login.authReplyMs).toBeGreaterThanOrEqual(1400);
      expect(tookMs).toBeGreaterThan(PHASE_MS);
      expect(result.credentialSent).toBe(true);
    });

    it(`${protocol}: no answer after the credential left is a timeout in the 'auth' phase, at the auth-reply deadline`, async () => {
      const { result, tookMs } = await attempt(protocol, script(protocol, [{ stall: true }]));
      expect(result.login).toMatchObject({ kind: 'timeout', phase: 'auth' });
      if (result.login.kind !== 'timeout') throw new Error('unreachable');
      expect(result.login.afterMs).toBeGreaterThanOrEqual(AUTH_REPLY_MS - 100);
      expect(tookMs).toBeLessThan(AUTH_REPLY_MS + PHASE_MS + 1000);
      expect(result.credentialSent).toBe(true);
    });
  }

  it("a server that stalls before the credential leaves: a 'connect' timeout at the phase deadline, nothing sent", async () => {
    // SMTP: greets, then never answers EHLO, so nodemailer never gets to AUTH.
    const { result, tookMs } = await attempt('smtp', [{ write: '220 slow ESMTP\r\n' }, { readUntil: /EHLO/ }, { stall: true }]);
    expect(result.login).toMatchObject({ kind: 'timeout', phase: 'connect' });
    expect(tookMs).toBeLessThan(PHASE_MS + 1000);
    expect(result.credentialSent).toBe(false);
  });
});
