// What Dovecot ships, end to end: the rig's main Dovecot runs its default auth policy (anvil auth penalty on,
// auth_failure_delay 2 s) and its Exim authenticates through Dovecot, as on cPanel, so IMAP/POP3 and SMTP
// failures from one address share the penalty. Each test connects from a loopback address of its own (through
// conversation proxies), so its penalty state is its own and the other suites' failures never touch it.
// The whole diagnosis runs (runDiagnosis with the real probes and a fresh login ledger): a slow refusal must be
// a refusal with the server's words, never "no answer".
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it, type ExpectStatic, type TestContext } from 'vitest';
import type { MailAccount, MailProtocol, ServerSettings } from '../../../shared/model/account';
import type { ProgressEvent } from '../../../shared/diagnosis/types';
import type { DiagnosisRun } from '../../../shared/diagnosis/types';
import { Secret } from '../../../electron/keychain/secret';
import { loginImap } from '../../../electron/probes/imap';
import { loginPop3 } from '../../../electron/probes/pop3';
import { startConversationProxy, uniqueSourceAddress, type ConversationProxy } from '../../servers/faults';
import { useMailServers, type MailServersInfo } from '../../servers/useMailServers';
import { typedPasswordAccount } from '../../fixtures/typedAccount';
import { probeContext, useRigDiagnosis } from './helpers';

const PHASE_MS = 5_000;

interface Client {
  readonly incoming: ConversationProxy;
  readonly outgoing: ConversationProxy;
  readonly account: MailAccount;
  readonly stateDir: string;
}

/** One Mac (one client address) with an incoming (IMAP or POP3, implicit TLS) and an outgoing (587 STARTTLS) server. */
async function client(info: MailServersInfo, incomingProtocol: 'imap' | 'pop3', { onTestFinished }: TestContext): Promise<Client> {
  const sourceAddress = uniqueSourceAddress();
  const incoming = await startConversationProxy({ host: '127.0.0.1', port: info[incomingProtocol].implicit }, { sourceAddress });
  const outgoing = await startConversationProxy({ host: '127.0.0.1', port: info.smtp.starttls }, { sourceAddress });
  // The tests run concurrently: each cleans up after itself only (the test context's hook, not the global one).
  onTestFinished(async () => {
    await Promise.all([incoming.close(), outgoing.close()]);
  });
  const stateDir = await freshStateDir(onTestFinished);
  const settings = (protocol: MailProtocol, port: number, tls: ServerSettings['tls']): ServerSettings => ({
    protocol, host: info.goodName, port, tls, username: info.users.alice.address, authenticationEnabled: true,
  });
  const account = typedPasswordAccount({
    id: `penalty-${sourceAddress}`,
    emailAddress: info.users.alice.address,
    incoming: settings(incomingProtocol, incoming.port, 'implicit'),
    outgoing: settings('smtp', outgoing.port, 'starttls'),
  });
  return { incoming, outgoing, account, stateDir };
}

async function freshStateDir(onTestFinished: TestContext['onTestFinished']): Promise<string> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'md-penalty-'));
  onTestFinished(() => rm(stateDir, { recursive: true, force: true }));
  return stateDir;
}

const rigDiagnosis = useRigDiagnosis();

async function diagnose(info: MailServersInfo, target: Client, passwords: { incoming: string; outgoing: string }, events: ProgressEvent[] = []): Promise<DiagnosisRun> {
  const targets = [{ account: target.account, passwords: { incoming: new Secret(passwords.incoming), outgoing: new Secret(passwords.outgoing) } }];
  const result = await rigDiagnosis(info, targets, { stateDir: target.stateDir, phaseTimeoutMs: PHASE_MS });
  events.push(...result.events);
  return result.run;
}

/** Failed logins from the client's address before the run, in parallel (distinct passwords: each one counts). */
async function primePenalty(info: MailServersInfo, target: Client, protocol: 'imap' | 'pop3', failures: number, expect: ExpectStatic): Promise<void> {
  const endpoint = { protocol, host: info.goodName, connectAddress: '127.0.0.1', port: target.incoming.port, tls: 'implicit' as const };
  const login = protocol === 'imap' ? loginImap : loginPop3;
  const results = await Promise.all(
    Array.from({ length: failures }, (_, index) => login(endpoint, { username: info.users.alice.address, password: new Secret(`not-it-${index}`) }, probeContext(info, 30_000))),
  );
  for (const result of results) expect(result.login, JSON.stringify(result.login)).toMatchObject({ kind: 'rejected' });
}

const REJECTED_CODE = { imap: 'IMAP_AUTH_REJECTED', pop3: 'POP3_AUTH_REJECTED' } as const;
const SERVER_WORDS = { imap: 'NO [AUTHENTICATIONFAILED] Authentication failed.', pop3: '-ERR [AUTH] Authentication failed.' } as const;

describe.concurrent("Dovecot's shipped auth penalty, shared by Exim (cPanel's setup)", () => {
  for (const protocol of ['imap', 'pop3'] as const) {
    it(`both passwords wrong while the address is already penalised (${protocol}): both refused with the server's words, after the phase deadline, never "no answer"`, async (context) => {
      const { expect } = context;
      const info = useMailServers();
      expect(info.dovecotAuth).toEqual({ penalty: true, failureDelaySeconds: 2 });
      const target = await client(info, protocol, context);
      // Three failures from this address (Mail's own retries, say): Dovecot now holds every login from it ~8 s.
      await primePenalty(info, target, protocol, 3, expect);
      const run = await diagnose(info, target, { incoming: 'wrong-incoming', outgoing: 'wrong-outgoing' });
      const probes = run.accounts[0]?.probes;
      expect(probes?.incoming?.login).toMatchObject({ kind: 'rejected', serverText: SERVER_WORDS[protocol] });
      expect(probes?.outgoing?.login).toMatchObject({ kind: 'rejected', responseCode: '535', serverText: '535 Incorrect authentication data' });
      // The answers came after the 5 s phase deadline: only the auth-reply deadline waited for them.
      for (const side of [probes?.incoming?.login, probes?.outgoing?.login]) {
        if (side?.kind !== 'rejected') throw new Error('unreachable');
        expect(side.authReplyMs).toBeGreaterThan(PHASE_MS);
      }
      const codes = run.accounts[0]?.findings.map((finding) => `${finding.code} ${finding.side}`) ?? [];
      expect(codes).toContain(`${REJECTED_CODE[protocol]} incoming`);
      expect(codes).toContain('SMTP_AUTH_REJECTED outgoing');
      expect(codes.some((code) => code.startsWith('SERVER_UNAVAILABLE'))).toBe(false);
      // And the person is told why it took so long: the server held both refusals back, each said once.
      expect(codes.filter((code) => code === 'LOGIN_DELAYED_BY_SERVER incoming')).toHaveLength(1);
      expect(codes.filter((code) => code === 'LOGIN_DELAYED_BY_SERVER outgoing')).toHaveLength(1);
    }, 60_000);

    it(`one side wrong (${protocol} right, SMTP wrong): the right side accepted, the wrong one refused`, async (context) => {
      const { expect } = context;
      const info = useMailServers();
      const target = await client(info, protocol, context);
      const events: ProgressEvent[] = [];
      const run = await diagnose(info, target, { incoming: info.users.alice.password, outgoing: 'wrong-outgoing' }, events);
      const probes = run.accounts[0]?.probes;
      expect(probes?.incoming?.login.kind).toBe('accepted');
      expect(probes?.outgoing?.login).toMatchObject({ kind: 'rejected', serverText: '535 Incorrect authentication data' });
      const codes = run.accounts[0]?.findings.map((finding) => `${finding.code} ${finding.side}`) ?? [];
      expect(codes).toContain('SMTP_AUTH_REJECTED outgoing');
      // Each side is reported as soon as it is settled: the accepted side while Dovecot still held the refusal
      // back (its failure delay). On a machine so loaded that the accepted login itself took longer than the
      // server's hold on the refusal, the refusal may rightly be reported first; then the timings must say so.
      const finished = events.filter((event) => event.type === 'login-finished');
      const order = finished.map((event) => (event.type === 'login-finished' ? event.role : ''));
      expect([...order].sort()).toEqual(['incoming', 'outgoing']);
      const incomingLogin = probes?.incoming?.login;
      const outgoingLogin = probes?.outgoing?.login;
      if (incomingLogin?.kind !== 'accepted' || outgoingLogin?.kind !== 'rejected') throw new Error('unreachable');
      if (order[0] !== 'incoming') expect(incomingLogin.durationMs, 'the refusal was reported before a faster acceptance').toBeGreaterThanOrEqual(outgoingLogin.authReplyMs ?? 0);
    }, 60_000);

    it(`wrong, then right within the penalty window (${protocol}): the right passwords are accepted, slowly, not timed out`, async (context) => {
      const { expect } = context;
      const info = useMailServers();
      const target = await client(info, protocol, context);
      const first = await diagnose(info, target, { incoming: 'wrong-incoming', outgoing: 'wrong-outgoing' });
      expect(first.accounts[0]?.probes.incoming?.login.kind).toBe('rejected');
      expect(first.accounts[0]?.probes.outgoing?.login.kind).toBe('rejected');
      // At once: two failures from this address, so Dovecot holds the next logins ~4 s after the last one. The
      // second run keeps a ledger of its own (Mail Doctor's ledger would rightly refuse a third failure on this
      // host within the hour): what is tested here is how the server answers, not our ledger.
      const second = await diagnose(info, { ...target, stateDir: await freshStateDir(context.onTestFinished) }, { incoming: info.users.alice.password, outgoing: info.users.alice.password });
      const probes = second.accounts[0]?.probes;
      for (const side of [probes?.incoming?.login, probes?.outgoing?.login]) {
        expect(side?.kind).toBe('accepted');
        if (side?.kind !== 'accepted') throw new Error('unreachable');
        expect(side.authReplyMs).toBeGreaterThanOrEqual(1000);
      }
      expect(second.accounts[0]?.verdict.code).toBe('OK');
    }, 60_000);
  }
});

// The happy path's cost, counted on the wire for a whole diagnosis (issue 13: one verified TLS connection per
// server): the login connection verifies the certificate and the run's TLS facts come from that socket, so no
// credential-free inspection connection is opened when nothing is wrong.
describe('a healthy account, the whole diagnosis: one connection per server', () => {
  for (const protocol of ['imap', 'pop3'] as const) {
    it(`${protocol} implicit TLS + SMTP 587 STARTTLS: each server sees exactly one connection, and the certificate shown came from it`, async (context) => {
      const { expect } = context;
      const info = useMailServers();
      const target = await client(info, protocol, context);
      const run = await diagnose(info, target, { incoming: info.users.alice.password, outgoing: info.users.alice.password });
      const probes = run.accounts[0]?.probes;
      expect(probes?.incoming?.login.kind).toBe('accepted');
      expect(probes?.outgoing?.login.kind).toBe('accepted');
      for (const side of [probes?.incoming?.tls, probes?.outgoing?.tls]) {
        expect(side).toMatchObject({ kind: 'established', verification: { ok: true } });
        if (side?.kind !== 'established') throw new Error('unreachable');
        expect(side.certificate.names).toContain(info.goodName);
      }
      // The client's goodbye is written without waiting: let it reach the proxies before counting.
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(target.incoming.conversations(), `${protocol} connections`).toHaveLength(1);
      expect(target.outgoing.conversations(), 'SMTP connections').toHaveLength(1);
      expect(run.accounts[0]?.verdict.code).toBe('OK');
    }, 60_000);
  }
});
