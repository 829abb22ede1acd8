/**
 * The runner's orchestration rules with a scripted ProbeSet (the real probes are exercised against
 * real servers in tests/integration/): what runs, in which order, what is gated, what the budget sees.
 */
import { describe, expect, it } from 'vitest';
import type { MailAccount, ServerSettings } from '../../../shared/model/account';
import type { ProgressEvent } from '../../../shared/diagnosis/types';
import type { LoginOutcome, TlsOutcome } from '../../../shared/probes/outcomes';
import { Secret } from '../../../electron/keychain/secret';
import { typedPasswordAccount } from '../../fixtures/typedAccount';
import type { OpenConnection, ProbeSet } from '../../../electron/diagnosis/probeSet';
import { runDiagnosis } from '../../../electron/diagnosis/runDiagnosis';
import { expectedServerFor } from '../../../electron/diagnosis/diagnoseAccounts';
import type { ExpectedServer } from '../../../shared/model/managedPreferences';
import type { LoginBudgetPort, LoginKey, RunDiagnosisInput } from '../../../electron/diagnosis/runDiagnosis';

const server = (protocol: ServerSettings['protocol'], port: number): ServerSettings => ({
  protocol,
  host: 'mail.example.test',
  port,
  tls: port === 587 ? 'starttls' : 'implicit',
  username: 'alice@example.test',
  authenticationEnabled: true,
});

const account: MailAccount = typedPasswordAccount({
  id: 'A',
  emailAddress: 'alice@example.test',
  incoming: server('imap', 993),
  outgoing: server('smtp', 587),
});

const validTls: TlsOutcome = {
  kind: 'established',
  mode: 'implicit',
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  certificate: { names: ['mail.example.test'], issuer: 'CN=CA', validFrom: '', validTo: '', selfSigned: false, fingerprintSha256: '' },
  verification: { ok: true },
  handshakeMs: 3,
};

interface Script {
  tls?: TlsOutcome;
  login?: LoginOutcome;
  /** Whether the scripted login says its credential left (default: it did, unless skipped/unavailable). */
  credentialSent?: boolean;
  /** What the scripted server says in its refusal / greeting (raw, as a server would send it). */
  loginServerText?: string;
  greeting?: string;
  starttlsAdvertised?: boolean;
  /** Per connection (0-based, in connect order): the TLS outcome and advertisement instead. */
  perConnection?: (index: number) => { tls?: TlsOutcome; starttlsAdvertised?: boolean };
  /** Delays a login of this protocol (ms), to see the other side's answer arrive first. */
  loginDelayMs?: Partial<Record<'imap' | 'pop3' | 'smtp', number>>;
  /** Delays the internet, published-settings and webmail checks (ms). */
  slowSideChecksMs?: number;
  /** Delays every DNS answer for a server's name (ms). */
  slowDnsMs?: number;
}

const pause = (ms: number | undefined): Promise<void> => (ms === undefined ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms)));

function scriptedProbes(script: Script, calls: string[]): ProbeSet {
  let connections = 0;
  return {
    internet: async () => {
      calls.push('internet');
      await pause(script.slowSideChecksMs);
      calls.push('done internet');
      return { kind: 'online', checkedUrl: 'http://captive.test/', durationMs: 1 };
    },
    resolveHost: async (host) => {
      calls.push(`dns ${host}`);
      await pause(script.slowDnsMs);
      return { kind: 'resolved', host, addresses: [{ address: '127.0.0.1', family: 4 }] };
    },
    published: async (domain) => {
      calls.push(`published ${domain}`);
      await pause(script.slowSideChecksMs);
      calls.push('done published');
      return { domain, mx: [], srv: [], autoconfig: [], servers: [] };
    },
    prepareLogin: (protocol) => calls.push(`prepare ${protocol} login`),
    connect: (endpoint, _ctx, texts, plan) => {
      calls.push(`connect ${endpoint.protocol} via ${endpoint.connectAddress ?? '-'}`);
      // The connection is made at once here: the fake waits on nothing.
      plan.whileWaiting?.();
      const perConnection = script.perConnection?.(connections) ?? {};
      connections += 1;
      const tls = perConnection.tls ?? script.tls ?? validTls;
      const advertised = perConnection.starttlsAdvertised ?? script.starttlsAdvertised;
      const usable = tls.kind === 'established' ? tls.verification.ok : tls.kind === 'not-applicable';
      const open: OpenConnection = {
        login: async (credentials) => {
          calls.push(`login ${endpoint.protocol} ${String(credentials.password)}`);
          const delay = script.loginDelayMs?.[endpoint.protocol];
          if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay));
          let login = script.login ?? { kind: 'accepted', durationMs: 1 };
          if (login.kind === 'rejected' && script.loginServerText !== undefined) login = { ...login, serverText: texts.keep(script.loginServerText) };
          calls.push(`done-login ${endpoint.protocol}`);
          return {
            login,
            capabilities: [],
            credentialSent: script.credentialSent ?? (login.kind !== 'skipped' && login.kind !== 'unavailable'),
            ...(endpoint.protocol === 'smtp' ? { ehloEchoIp: '198.51.100.7' } : {}),
          };
        },
        relayWithoutAuth: (envelope) => {
          calls.push(`relay ${endpoint.protocol} ${envelope.from} -> ${envelope.to}`);
          return Promise.resolve({ outcome: { kind: 'refused', stage: 'rcpt-to', responseCode: '550', serverText: '550 Authentication required' }, capabilities: [] });
        },
        finish: () => {
          calls.push(`finish ${endpoint.protocol}`);
          return Promise.resolve({ capabilities: ['IMAP4rev1'], ...(endpoint.protocol === 'smtp' ? { ehloEchoIp: '198.51.100.7' } : {}) });
        },
        close: () => {
          calls.push(`close ${endpoint.protocol}`);
        },
      };
      return Promise.resolve({
        tcp: { kind: 'connected', address: '127.0.0.1', family: 4, connectMs: 1 },
        tls,
        capabilities: [],
        ...(script.greeting === undefined ? {} : { greeting: texts.keep(script.greeting) }),
        ...(advertised === undefined ? {} : { starttlsAdvertised: advertised }),
        ...(usable ? { open } : {}),
      });
    },
    webmail: async () => {
      calls.push('webmail');
      await pause(script.slowSideChecksMs);
      calls.push('done webmail');
      return [];
    },
    publicIpFallback: () => {
      calls.push('public-ip-fallback');
      return Promise.resolve({ kind: 'unknown', reason: 'test' });
    },
  };
}

class RecordingBudget implements LoginBudgetPort {
  readonly records: string[] = [];
  constructor(private readonly allow: boolean, private readonly safeAfter?: string) {}
  reserve(key: LoginKey) {
    this.records.push(`reserve ${key.protocol}`);
    return Promise.resolve(this.allow ? ({ allowed: true } as const) : { allowed: false as const, ...(this.safeAfter === undefined ? {} : { safeAfter: this.safeAfter }) });
  }
  record(key: LoginKey, result: 'success' | 'failure' | 'not-sent') {
    this.records.push(`${result} ${key.protocol}`);
    return Promise.resolve();
  }
}

function input(overrides: Partial<RunDiagnosisInput> & { probes: ProbeSet; budget: LoginBudgetPort }): RunDiagnosisInput {
  const password = new Secret('Sup3r-secret');
  return {
    targets: [{ account, passwords: { incoming: password, outgoing: password } }],
    discoveryProblems: [],
    noLogin: false,
    phaseTimeoutMs: 1000,
    publicIpLookup: true,
    ...overrides,
  };
}

const itExpects: ExpectedServer = {
  domain: 'example.test',
  incomingHost: 'mail.example.test',
  incomingPort: 993,
  incomingTls: 'implicit',
  outgoingHost: 'smtp.example.test',
  outgoingPort: 465,
  outgoingTls: 'implicit',
};

describe("IT's expected servers (managed preferences)", () => {
  it('are chosen by the address domain, exactly and case-insensitively; the first matching entry wins', () => {
    const other: ExpectedServer = { ...itExpects, domain: 'other.test', incomingHost: 'imap.other.test' };
    const second: ExpectedServer = { ...itExpects, incomingHost: 'second.example.test' };
    expect(expectedServerFor('Alice@Example.TEST', [other, itExpects, second])).toBe(itExpects);
    expect(expectedServerFor('alice@sub.example.test', [itExpects])).toBeNull();
    expect(expectedServerFor('alice@other.test', [itExpects])).toBeNull();
    expect(expectedServerFor('no-domain', [itExpects])).toBeNull();
    expect(expectedServerFor('alice@example.test', [])).toBeNull();
  });

  it("reach the verdict rules and the diagnosis: Mail's outgoing server differs from IT's", async () => {
    const run = await runDiagnosis(
      input({
        probes: scriptedProbes({}, []),
        budget: new RecordingBudget(true),
        targets: [{ account, passwords: { incoming: new Secret('x'), outgoing: new Secret('x') }, expected: itExpects }],
      }),
    );
    const diagnosis = run.accounts[0];
    expect(diagnosis?.expected).toEqual(itExpects);
    expect(diagnosis?.verdict).toMatchObject({
      code: 'SERVER_DIFFERS_FROM_EXPECTED',
      side: 'outgoing',
      params: { expectedHost: 'smtp.example.test', expectedPort: 465, host: 'mail.example.test', port: 587, hostDiffers: true, works: true },
    });
    expect(diagnosis?.findings.filter((f) => f.code === 'SERVER_DIFFERS_FROM_EXPECTED').map((f) => f.side)).toEqual(['outgoing']);
  });

  it('without an expectation nothing is compared', async () => {
    const run = await runDiagnosis(input({ probes: scriptedProbes({}, []), budget: new RecordingBudget(true) }));
    expect(run.accounts[0]?.expected).toBeNull();
    expect(run.accounts[0]?.verdict.code).toBe('OK');
  });
});

describe('runDiagnosis', () => {
  it('logs in once per server after a verified TLS handshake, settles the budget, and takes the public IP from the EHLO echo', async () => {
    const calls: string[] = [];
    const budget = new RecordingBudget(true);
    const events: ProgressEvent[] = [];
    const run = await runDiagnosis(input({ probes: scriptedProbes({}, calls), budget, onProgress: (e) => events.push(e) }));
    // SMTP with STARTTLS first: the longer way to its login (see the test on the order below).
    expect(calls.filter((c) => c.startsWith('login'))).toEqual(['login smtp [redacted]', 'login imap [redacted]']);
    // The resolved address is reused for the connection (TLS still verifies the configured name).
    expect(calls).toContain('connect imap via 127.0.0.1');
    // One connection per server, and the login is made on it: no second connection, and it is closed.
    expect(calls.filter((c) => c.startsWith('connect'))).toEqual(['connect smtp via 127.0.0.1', 'connect imap via 127.0.0.1']);
    // Both logins' libraries were prepared once both connections were made, before either login.
    const prepared = calls.filter((c) => c.startsWith('prepare'));
    expect(prepared.sort()).toEqual(['prepare imap login', 'prepare smtp login']);
    const firstPrepare = Math.min(...prepared.map((c) => calls.indexOf(c)));
    expect(firstPrepare).toBeGreaterThan(Math.max(calls.indexOf('connect smtp via 127.0.0.1'), calls.indexOf('connect imap via 127.0.0.1')));
    expect(firstPrepare).toBeLessThan(Math.min(calls.indexOf('login imap [redacted]'), calls.indexOf('login smtp [redacted]')));
    expect(calls.filter((c) => c.startsWith('close')).sort()).toEqual(['close imap', 'close smtp']);
    expect(budget.records.sort()).toEqual(['reserve imap', 'reserve smtp', 'success imap', 'success smtp']);
    expect(run.publicIp).toEqual({ kind: 'found', ip: '198.51.100.7', from: 'smtp-ehlo' });
    expect(calls).not.toContain('public-ip-fallback');
    expect(run.accounts[0]?.verdict.code).toBe('OK');
    expect(events[0]?.type).toBe('run-started');
    expect(events.at(-1)?.type).toBe('run-finished');
    expect(events.some((e) => e.type === 'step-changed' && e.stepId === 'incoming-login' && e.status === 'running')).toBe(true);
    expect(events.some((e) => e.type === 'step-changed' && e.stepId === 'incoming-login' && e.status === 'passed')).toBe(true);
  });

  it('never sends the password when the certificate did not verify', async () => {
    const calls: string[] = [];
    const budget = new RecordingBudget(true);
    const badCertificate: TlsOutcome = { ...validTls, verification: { ok: false, problem: 'hostname-mismatch', code: 'ERR_TLS_CERT_ALTNAME_INVALID' } };
    const run = await runDiagnosis(input({ probes: scriptedProbes({ tls: badCertificate }, calls), budget }));
    expect(calls.some((c) => c.startsWith('login'))).toBe(false);
    expect(budget.records).toEqual([]);
    expect(run.accounts[0]?.probes.incoming?.login).toEqual({ kind: 'skipped', reason: 'certificate-invalid' });
  });

  it('counts a rejected login as a failure in the budget', async () => {
    const budget = new RecordingBudget(true);
    await runDiagnosis(
      input({ probes: scriptedProbes({ login: { kind: 'rejected', serverText: 'NO [AUTHENTICATIONFAILED]', durationMs: 1 } }, []), budget }),
    );
    expect(budget.records.filter((r) => r.startsWith('failure')).sort()).toEqual(['failure imap', 'failure smtp']);
  });

  it("the checks beside the servers start only once every server's connection is on its way", async () => {
    const calls: string[] = [];
    await runDiagnosis(input({ probes: scriptedProbes({}, calls), budget: new RecordingBudget(true) }));
    const lastConnect = Math.max(calls.indexOf('connect imap via 127.0.0.1'), calls.indexOf('connect smtp via 127.0.0.1'));
    expect(lastConnect).toBeGreaterThan(-1);
    for (const side of ['internet', 'published example.test', 'webmail']) {
      expect(calls.indexOf(side), `${side} in ${calls.join(', ')}`).toBeGreaterThan(lastConnect);
    }
  });

  it('the server with the longer way to its login starts first; results stay incoming, then outgoing', async () => {
    const order = async (incoming: ServerSettings, outgoing: ServerSettings): Promise<string[]> => {
      const calls: string[] = [];
      const run = await runDiagnosis(input({
        targets: [{ account: { ...account, incoming, outgoing }, passwords: { incoming: new Secret('pw'), outgoing: new Secret('pw') } }],
        probes: scriptedProbes({}, calls),
        budget: new RecordingBudget(true),
      }));
      expect(run.accounts[0]?.probes.incoming?.protocol).toBe(incoming.protocol);
      expect(run.accounts[0]?.probes.outgoing?.protocol).toBe('smtp');
      return calls.filter((call) => call.startsWith('connect '));
    };
    // SMTP with STARTTLS waits 6 times, IMAP with implicit TLS 3.
    expect(await order(server('imap', 993), server('smtp', 587))).toEqual(['connect smtp via 127.0.0.1', 'connect imap via 127.0.0.1']);
    // IMAP with STARTTLS waits 5 times, SMTP with implicit TLS 4.
    expect(await order({ ...server('imap', 143), tls: 'starttls' }, server('smtp', 465))).toEqual(['connect imap via 127.0.0.1', 'connect smtp via 127.0.0.1']);
    // POP3 with implicit TLS waits 4 times, as SMTP with implicit TLS: the incoming server first, as before.
    expect(await order(server('pop3', 995), server('smtp', 465))).toEqual(['connect pop3 via 127.0.0.1', 'connect smtp via 127.0.0.1']);
  });

  it("the checks beside the servers do not wait long for a server's name that is slow to resolve (DNS down explains itself)", async () => {
    const calls: string[] = [];
    await runDiagnosis(input({ probes: scriptedProbes({ slowDnsMs: 2000 }, calls), budget: new RecordingBudget(true) }));
    const firstConnect = calls.indexOf('connect imap via 127.0.0.1');
    expect(firstConnect).toBeGreaterThan(-1);
    // All three started while the servers' names were still being resolved.
    for (const side of ['internet', 'published example.test', 'webmail']) expect(calls.indexOf(side)).toBeLessThan(firstConnect);
  });

  it('the internet, published-settings and webmail checks never sit on the login path', async () => {
    const calls: string[] = [];
    const events: ProgressEvent[] = [];
    await runDiagnosis(input({ probes: scriptedProbes({ slowSideChecksMs: 300 }, calls), budget: new RecordingBudget(true), onProgress: (event) => events.push(event) }));
    const lastLogin = Math.max(calls.indexOf('done-login imap'), calls.indexOf('done-login smtp'));
    expect(lastLogin).toBeGreaterThan(-1);
    for (const slow of ['done internet', 'done published', 'done webmail']) expect(calls.indexOf(slow)).toBeGreaterThan(lastLogin);
    // Both logins were reported before the slow checks ended.
    const settledAt = events.findIndex((event) => event.type === 'probe-finished' && event.probe === 'published-settings');
    expect(events.filter((event, index) => event.type === 'login-finished' && index < settledAt)).toHaveLength(2);
  });

  it('settles the budget as "not sent" when the login ended before its credential left', async () => {
    const budget = new RecordingBudget(true);
    await runDiagnosis(input({ probes: scriptedProbes({ login: { kind: 'timeout', afterMs: 900, phase: 'connect' }, credentialSent: false }, []), budget }));
    expect(budget.records.sort()).toEqual(['not-sent imap', 'not-sent smtp', 'reserve imap', 'reserve smtp']);
    // After the credential left, a timeout is a failure: the server may have counted it.
    const after = new RecordingBudget(true);
    await runDiagnosis(input({ probes: scriptedProbes({ login: { kind: 'timeout', afterMs: 20_000, phase: 'auth' }, credentialSent: true }, []), budget: after }));
    expect(after.records.filter((r) => !r.startsWith('reserve')).sort()).toEqual(['failure imap', 'failure smtp']);
  });

  it('reports each side\'s login as soon as it is settled: a slow refusal never holds back the other side', async () => {
    const calls: string[] = [];
    const events: ProgressEvent[] = [];
    const slowRefusal: LoginOutcome = { kind: 'rejected', responseCode: 'AUTHENTICATIONFAILED', serverText: 'NO [AUTHENTICATIONFAILED] Authentication failed.', durationMs: 300 };
    await runDiagnosis(
      input({
        probes: scriptedProbes({ login: slowRefusal, loginDelayMs: { imap: 300 } }, calls),
        budget: new RecordingBudget(true),
        onProgress: (event) => {
          events.push(event);
          if (event.type === 'login-finished') calls.push(`event ${event.role}`);
        },
      }),
    );
    const finished = events.filter((event) => event.type === 'login-finished');
    expect(finished.map((event) => event.role)).toEqual(['outgoing', 'incoming']);
    // The outgoing answer was out before the incoming login had even finished.
    expect(calls.indexOf('event outgoing')).toBeLessThan(calls.indexOf('done-login imap'));
    expect(finished[1]).toMatchObject({ type: 'login-finished', accountId: 'A', role: 'incoming', outcome: slowRefusal });
  });

  it('scrubs a credential a server echoed from everything kept, and says so', async () => {
    const echoed = Buffer.from('\0alice@example.test\0Sup3r-secret').toString('base64');
    const events: ProgressEvent[] = [];
    const run = await runDiagnosis(
      input({
        probes: scriptedProbes(
          { login: { kind: 'rejected', serverText: '', durationMs: 1 }, loginServerText: `535 5.7.8 bad AUTH PLAIN ${echoed}`, greeting: '220 hello Sup3r-secret' },
          [],
        ),
        budget: new RecordingBudget(true),
        onProgress: (event) => events.push(event),
      }),
    );
    const everything = JSON.stringify({ run, events });
    expect(everything).not.toContain('Sup3r-secret');
    expect(everything).not.toContain(echoed);
    const outgoing = run.accounts[0]?.probes.outgoing;
    expect(outgoing?.secretScrubbed).toBe(true);
    expect(outgoing?.login).toMatchObject({ kind: 'rejected', serverText: '535 5.7.8 bad AUTH PLAIN [redacted]' });
    expect(outgoing?.greeting).toBe('220 hello [redacted]');
  });

  it('STARTTLS offered on one connection to a server and not on another: withdrawn, and no budget spent', async () => {
    const calls: string[] = [];
    const budget = new RecordingBudget(true);
    const starttlsAccount: MailAccount = { ...account, id: 'B', incoming: { ...server('imap', 143), tls: 'starttls' }, outgoing: null };
    const first: MailAccount = { ...starttlsAccount, id: 'B1' };
    const second: MailAccount = { ...starttlsAccount, id: 'B2' };
    const password = new Secret('Sup3r-secret');
    const run = await runDiagnosis(
      input({
        probes: scriptedProbes(
          {
            perConnection: (index) =>
              index === 0 ? { tls: { ...validTls, mode: 'starttls' }, starttlsAdvertised: true } : { tls: { kind: 'starttls-not-offered' }, starttlsAdvertised: false },
          },
          calls,
        ),
        budget,
        targets: [first, second].map((each) => ({ account: each, passwords: { incoming: password, outgoing: null } })),
      }),
    );
    expect(run.accounts[0]?.probes.incoming?.tls?.kind).toBe('established');
    expect(run.accounts[1]?.probes.incoming?.tls).toEqual({ kind: 'starttls-withdrawn', advertisedOn: 'other-connection' });
    expect(run.accounts[1]?.probes.incoming?.login).toEqual({ kind: 'skipped', reason: 'connection-failed' });
    // Only the account whose connection offered STARTTLS logged in; the other spent nothing.
    expect(budget.records).toEqual(['reserve imap', 'success imap']);
  });

  it('skips the login when the budget refuses, carrying when it is safe again', async () => {
    const calls: string[] = [];
    const safeAfter = '2026-11-27T22:00:00.000Z';
    const run = await runDiagnosis(input({ probes: scriptedProbes({}, calls), budget: new RecordingBudget(false, safeAfter) }));
    expect(calls.some((c) => c.startsWith('login'))).toBe(false);
    // The connection still ends with the capability question over TLS.
    expect(calls).toContain('finish imap');
    expect(run.accounts[0]?.probes.incoming?.login).toEqual({ kind: 'skipped', reason: 'login-budget', safeAfter });
    expect(run.accounts[0]?.verdict.code).toBe('LOGIN_BUDGET_EXHAUSTED');
  });

  it('outgoing authentication off: no login, but the server is asked whether it takes mail without one', async () => {
    const calls: string[] = [];
    const budget = new RecordingBudget(true);
    const noAuth: MailAccount = { ...account, outgoing: { ...server('smtp', 587), authenticationEnabled: false } };
    const run = await runDiagnosis(
      input({ probes: scriptedProbes({}, calls), budget, targets: [{ account: noAuth, passwords: { incoming: new Secret('x'), outgoing: null } }] }),
    );
    expect(calls).toContain('relay smtp alice@example.test -> mail-doctor-relay-check@example.com');
    expect(calls).not.toContain('login smtp [redacted]');
    expect(calls.filter((c) => c.startsWith('prepare'))).toEqual(['prepare imap login']);
    expect(run.accounts[0]?.probes.outgoing?.relayWithoutAuth?.kind).toBe('refused');
    const finding = run.accounts[0]?.findings.find((f) => f.code === 'SMTP_AUTH_DISABLED');
    expect(finding?.params.serverReply).toBe('550 Authentication required');
  });

  it('no-login mode asks the budget nothing and sends no password', async () => {
    const calls: string[] = [];
    const budget = new RecordingBudget(true);
    const run = await runDiagnosis(input({ probes: scriptedProbes({}, calls), budget, noLogin: true }));
    expect(calls.some((c) => c.startsWith('login'))).toBe(false);
    expect(calls.filter((c) => c.startsWith('prepare'))).toEqual([]);
    expect(budget.records).toEqual([]);
    expect(run.accounts[0]?.probes.outgoing?.login).toEqual({ kind: 'skipped', reason: 'no-login-mode' });
  });

  it('a cancelled run sends no password', async () => {
    const calls: string[] = [];
    const controller = new AbortController();
    controller.abort();
    const run = await runDiagnosis(input({ probes: scriptedProbes({}, calls), budget: new RecordingBudget(true), signal: controller.signal }));
    expect(calls.some((c) => c.startsWith('login'))).toBe(false);
    expect(run.accounts[0]?.probes.incoming?.login).toEqual({ kind: 'skipped', reason: 'cancelled' });
  });

  it('with no account to check it sends no traffic at all', async () => {
    const calls: string[] = [];
    const run = await runDiagnosis(input({ probes: scriptedProbes({}, calls), budget: new RecordingBudget(true), targets: [] }));
    expect(calls).toEqual([]);
    expect(run.internet.kind).toBe('skipped');
  });
});
