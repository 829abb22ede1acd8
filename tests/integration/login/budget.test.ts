// The login budget end to end against the real servers, counted in the servers' own logs:
// - five consecutive "runs" (a fresh LoginBudget on the same state dir each time, as separate CLI runs would)
//   each try one IMAP login with a wrong password: Dovecot sees at most 2 failures, the sixth run is told when;
// - three names of one server (a CNAME, the A name, the bare IP) across three diagnosis runs, incoming and
//   outgoing, resolved by the rig's real DNS server: at most 2 failed logins in Dovecot's and Exim's logs together;
// - an unusable ledger: no login at all, and the skipped login names the ledger's path and problem.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { budgetResultFor, LEDGER_FILE_NAME, LoginBudget } from '../../../electron/diagnosis/loginBudget';
import type { ProbeSet } from '../../../electron/diagnosis/probeSet';
import { realProbeSet } from '../../../electron/diagnosis/realProbeSet';
import { runDiagnosis } from '../../../electron/diagnosis/runDiagnosis';
import type { DiagnosisTarget } from '../../../electron/diagnosis/runDiagnosis';
import { loginImap } from '../../../electron/probes/imap';
import { Secret } from '../../../electron/keychain/secret';
import type { DiagnosisRun } from '../../../shared/diagnosis/types';
import type { MailAccount, ServerSettings } from '../../../shared/model/account';
import type { LoginOutcome } from '../../../shared/probes/outcomes';
import type { MailServersInfo } from '../../servers/types';
import { useMailServers } from '../../servers/useMailServers';
import { endpoint, logSize, probeContext, settledMatchingLines, uniqueUnknownUser } from './helpers';

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'md-budget-e2e-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

describe('login budget against Dovecot', () => {
  it('five runs with a wrong password cost Dovecot at most 2 failed logins; the sixth is refused with safeAfter', async () => {
    const info = useMailServers();
    // A user name unique to this test, so its failures can be counted exactly in the shared Dovecot log
    // (other test files use the same server at the same time). Dovecot answers it like a wrong password.
    const username = uniqueUnknownUser('budget');
    const server = endpoint(info, 'imap', 'implicit');
    const key = { host: server.host, address: server.connectAddress, port: server.port, protocol: server.protocol };
    const offset = await logSize(info.logs.dovecot);
    const firstRunAt = Date.now();
    const outcomes: LoginOutcome[] = [];
    for (let runNumber = 1; runNumber <= 5; runNumber += 1) {
      const budget = await LoginBudget.open(stateDir);
      const decision = await budget.reserve(key);
      if (!decision.allowed) {
        outcomes.push({ kind: 'skipped', reason: 'login-budget', ...(decision.safeAfter === undefined ? {} : { safeAfter: decision.safeAfter }) });
        continue;
      }
      const { login } = await loginImap(server, { username, password: new Secret('wrong-password') }, probeContext(info, 30_000));
      await budget.record(key, budgetResultFor(login));
      outcomes.push(login);
    }
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['rejected', 'rejected', 'skipped', 'skipped', 'skipped']);

    const failures = await settledMatchingLines(info.logs.dovecot, offset, (line) => line.includes(`user=<${username}>`) && line.includes('auth failed'));
    // At most 2 (the budget's limit); exactly 2 here, matching the two rejected runs.
    expect(failures).toHaveLength(2);

    const sixth = await (await LoginBudget.open(stateDir)).check(key);
    expect(sixth).toMatchObject({ allowed: false, reason: 'hourly-limit' });
    if (sixth.allowed) throw new Error('unreachable');
    const safeAfter = Date.parse(sixth.safeAfter ?? '');
    // One hour after the first counted failure (recorded when it happened, during the first run).
    expect(safeAfter).toBeGreaterThanOrEqual(firstRunAt + 60 * 60 * 1000);
    expect(safeAfter).toBeLessThanOrEqual(Date.now() + 60 * 60 * 1000);
  }, 60_000);
});

/**
 * The runner with the real DNS, TLS and login probes, asking the rig's dnsmasq. The rest of the checklist
 * (internet, the domain's published settings, webmail, the public IP) is not part of the budget's question
 * and would look outside the rig, so it answers "not checked here".
 *
 * The rig's certificate carries mail.example.test (and 127.0.0.1), not its CNAMEs; a real cPanel server's
 * certificate carries every name of the server (AutoSSL covers mail., the bare domain, webmail....). So the
 * connection (on which the login is then made) verifies the certificate against that name while connecting
 * to the address the runner resolved for the configured one, which is the name the budget sees.
 */
function budgetProbes(info: MailServersInfo): ProbeSet {
  const real = realProbeSet({ publicIpLookup: false, webmailUrls: [] });
  return {
    ...real,
    internet: () => Promise.resolve({ kind: 'skipped', reason: 'not checked in the budget test' }),
    published: (domain) => Promise.resolve({ domain, mx: [], srv: [], autoconfig: [], servers: [] }),
    webmail: () => Promise.resolve([]),
    publicIpFallback: () => Promise.resolve({ kind: 'unknown', reason: 'not checked in the budget test' }),
    // The login is made on the connection this opens (and verifies against that name).
    connect: (endpointToCheck, ctx, texts, plan) => real.connect({ ...endpointToCheck, host: info.goodName }, ctx, texts, plan),
  };
}

function serverAt(info: MailServersInfo, protocol: ServerSettings['protocol'], host: string, username: string): ServerSettings {
  const port = protocol === 'imap' ? info.imap.implicit : protocol === 'pop3' ? info.pop3.implicit : info.smtp.implicit;
  return { protocol, host, port, tls: 'implicit', username, authenticationEnabled: true };
}

function target(id: string, incoming: ServerSettings, outgoing: ServerSettings | null, password: string): DiagnosisTarget {
  const found = { outcome: 'found', foundIn: 'typed', attempts: [] } as const;
  const account: MailAccount = {
    id,
    description: id,
    emailAddress: incoming.username,
    source: 'manual',
    authKind: 'password',
    incoming,
    outgoing,
    outgoingLink: outgoing === null ? { kind: 'none' } : { kind: 'linked', via: 'manual' },
    passwords: { incoming: found, outgoing: found, comparison: 'not-applicable' },
    readProblems: [],
  };
  const secret = new Secret(password);
  return { account, passwords: { incoming: secret, outgoing: outgoing === null ? null : secret } };
}

/** One diagnosis run, as one CLI or app run would do it: its own LoginBudget on the shared state dir. */
async function diagnose(info: MailServersInfo, diagnosisTarget: DiagnosisTarget): Promise<DiagnosisRun> {
  return runDiagnosis({
    targets: [diagnosisTarget],
    discoveryProblems: [],
    probes: budgetProbes(info),
    budget: await LoginBudget.open(stateDir),
    noLogin: false,
    // Generous: Dovecot may delay refusals (auth_failure_delay, its auth penalty); the budget is the question here.
    phaseTimeoutMs: 20_000,
    publicIpLookup: false,
    extraCaPem: [info.caPem],
    dnsServers: [`127.0.0.1:${info.dns.port}`],
  });
}

describe('login budget across the names of one server (real DNS, real logins, the servers\' own logs)', () => {
  it('a CNAME, the A name and the bare IP, incoming and outgoing, across three runs: at most 2 failed logins in all', async () => {
    const info = useMailServers();
    const { names } = info.dns;
    const username = uniqueUnknownUser('names');
    const dovecotOffset = await logSize(info.logs.dovecot);
    const eximOffset = await logSize(info.logs.exim);

    // Run 1: IMAP through the CNAME imap.example.test.
    const first = await diagnose(info, target('by-cname', serverAt(info, 'imap', names.imapAlias, username), null, 'wrong-password'));
    // Run 2: POP3 through the A name mail.example.test: another name, another protocol, the same address.
    const second = await diagnose(info, target('by-a-name', serverAt(info, 'pop3', names.mail, username), null, 'wrong-password'));
    // Run 3: IMAP by the bare IP, SMTP through the CNAME smtp.example.test: the address's allowance is spent.
    const third = await diagnose(
      info,
      target('by-ip', serverAt(info, 'imap', info.host, username), serverAt(info, 'smtp', names.smtpAlias, username), 'wrong-password'),
    );

    const resolvedTo = (run: DiagnosisRun): unknown => run.accounts[0]?.probes.incoming?.resolution;
    expect(resolvedTo(first)).toMatchObject({ kind: 'resolved', addresses: [{ address: info.host }] });
    expect(resolvedTo(second)).toMatchObject({ kind: 'resolved', addresses: [{ address: info.host }] });
    expect(first.accounts[0]?.probes.incoming?.login.kind).toBe('rejected');
    expect(second.accounts[0]?.probes.incoming?.login.kind).toBe('rejected');
    const thirdProbes = third.accounts[0]?.probes;
    expect(thirdProbes?.outgoing?.resolution).toMatchObject({ kind: 'resolved', addresses: [{ address: info.host }] });
    expect(thirdProbes?.incoming?.login).toMatchObject({ kind: 'skipped', reason: 'login-budget' });
    expect(thirdProbes?.outgoing?.login).toMatchObject({ kind: 'skipped', reason: 'login-budget' });
    const safeAfter = thirdProbes?.incoming?.login.kind === 'skipped' ? thirdProbes.incoming.login.safeAfter : undefined;
    expect(Date.parse(safeAfter ?? '')).toBeGreaterThan(Date.now() + 55 * 60 * 1000);
    expect(third.accounts[0]?.verdict.code).toBe('LOGIN_BUDGET_EXHAUSTED');

    // What the servers themselves counted from this address for this user: 2 at Dovecot, none at Exim.
    const dovecotFailures = await settledMatchingLines(info.logs.dovecot, dovecotOffset, (line) => line.includes(`user=<${username}>`) && line.includes('auth failed'));
    const eximFailures = await settledMatchingLines(info.logs.exim, eximOffset, (line) => line.includes('authenticator failed') && line.includes(username), 700, 2000);
    expect(dovecotFailures).toHaveLength(2);
    expect(eximFailures).toHaveLength(0);
    expect(dovecotFailures.length + eximFailures.length).toBeLessThanOrEqual(2);
  }, 120_000);

  it('an unusable ledger sends no login at all, and the skipped login names the ledger and its problem', async () => {
    const info = useMailServers();
    const ledger = path.join(stateDir, LEDGER_FILE_NAME);
    await mkdir(ledger);
    const username = uniqueUnknownUser('ledger');
    const dovecotOffset = await logSize(info.logs.dovecot);
    const run = await diagnose(info, target('ledger-folder', serverAt(info, 'imap', info.dns.names.mail, username), null, 'wrong-password'));
    expect(run.accounts[0]?.probes.incoming?.tls).toMatchObject({ kind: 'established', verification: { ok: true } });
    expect(run.accounts[0]?.probes.incoming?.login).toEqual({
      kind: 'skipped',
      reason: 'ledger-unavailable',
      ledger: { path: ledger, problem: 'not-a-file', errorCode: 'EISDIR' },
    });
    expect(run.accounts[0]?.verdict.code).not.toBe('LOGIN_BUDGET_EXHAUSTED');
    const attempts = await settledMatchingLines(info.logs.dovecot, dovecotOffset, (line) => line.includes(username), 700, 2000);
    expect(attempts).toEqual([]);
  }, 60_000);
});
