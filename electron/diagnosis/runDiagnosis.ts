/**
 * Runs the checklist for a set of accounts: every independent probe in parallel, a login only after
 * TCP and TLS to that server succeeded with a valid certificate, at most one login per protocol
 * (the login budget decides), progress streamed as it goes, cancel honoured everywhere.
 *
 * The verdict itself is not decided here: shared/verdict/evaluate.ts turns the facts into steps,
 * findings and the one next step, so the app, the CLI and the report all say the same thing.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Secret } from '../keychain/secret';
import type { DiscoveryProblem, MailAccount, MailProtocol, ServerRole, ServerSettings } from '../../shared/model/account';
import type { MailEvidence } from '../../shared/model/evidence';
import type { ExpectedServer } from '../../shared/model/managedPreferences';
import type {
  HostResolution,
  InternetOutcome,
  LoginOutcome,
  LoginSkipReason,
  PublicIpOutcome,
  PublishedSettings,
  ServerProbeResult,
  TlsOutcome,
  WebmailOutcome,
} from '../../shared/probes/outcomes';
import type { AccountDiagnosis, AccountFacts, DiagnosisRun, ProgressEvent } from '../../shared/diagnosis/types';
import type { ChecklistStepId, StepStatus } from '../../shared/checklist/steps';
import { evaluateAccount } from '../../shared/verdict/evaluate';
import { ServerTexts } from '../probes/serverText';
import type { ProbeContext, ServerEndpoint } from '../probes/types';
import type { ConnectProbeResult, LoginProbeResult, ProbeSet, ServerConversation } from './probeSet';
import { budgetResultFor, loginSkippedByBudget } from './loginBudget';
import type { BudgetRefusalSummary, LoginKey } from './loginBudget';
import type { HostFacts } from '../admin/hostFacts';
import { withHostFacts } from '../admin/hostFacts';

export interface DiagnosisTarget {
  readonly account: MailAccount;
  /** Passwords found for this run (null = none); they never leave electron/. */
  readonly passwords: { readonly incoming: Secret | null; readonly outgoing: Secret | null };
  /** The servers IT expects for this account's email domain (managed preferences), when it set any. */
  readonly expected?: ExpectedServer | null;
}

export type { LoginKey } from './loginBudget';

/**
 * The anti-lockout ledger as the runner needs it (electron/diagnosis/loginBudget.ts implements it).
 * `reserve` is the decision, taken under the ledger's lock so overlapping runs cannot both take the
 * last allowance; a granted reservation must be settled with `record`.
 */
export interface LoginBudgetPort {
  reserve(key: LoginKey): Promise<{ readonly allowed: true } | BudgetRefusalSummary>;
  record(key: LoginKey, result: 'success' | 'failure' | 'not-sent'): Promise<void>;
}

export interface RunDiagnosisInput {
  readonly targets: readonly DiagnosisTarget[];
  readonly discoveryProblems: readonly DiscoveryProblem[];
  readonly probes: ProbeSet;
  readonly budget: LoginBudgetPort;
  readonly noLogin: boolean;
  /** Deadline of each connection phase (DNS, TCP, TLS, login). */
  readonly phaseTimeoutMs: number;
  readonly publicIpLookup: boolean;
  readonly extraCaPem?: readonly string[];
  readonly dnsServers?: readonly string[];
  readonly readEvidence?: (account: MailAccount) => Promise<MailEvidence | null>;
  readonly machine?: { readonly uptimeSeconds?: number };
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly signal?: AbortSignal;
  readonly runId?: string;
  readonly now?: () => number;
  /** What the hosting account said about these mailboxes (electron/admin/hostFacts.ts), when an admin asked. */
  readonly hostFacts?: HostFacts;
}

export async function runDiagnosis(input: RunDiagnosisInput): Promise<DiagnosisRun> {
  const now = input.now ?? Date.now;
  const runId = input.runId ?? randomUUID();
  const started = now();
  const signal = input.signal ?? new AbortController().signal;
  // Every concurrent probe listens to the run's signal (and removes its listener when done), so a run
  // with several accounts legitimately passes Node's default warning threshold of 10 listeners.
  setMaxListeners(0, signal);
  const emit = (event: ProgressEvent): void => input.onProgress?.(event);
  /** A phase's context: its own deadline, never later than `notAfter` (the account's bound). */
  const context = (notAfter = Number.POSITIVE_INFINITY): ProbeContext => ({
    deadline: Math.min(now() + input.phaseTimeoutMs, notAfter),
    signal,
    ...(input.extraCaPem === undefined ? {} : { extraCaPem: input.extraCaPem }),
    ...(input.dnsServers === undefined ? {} : { dnsServers: input.dnsServers }),
  });

  emit({ type: 'run-started', runId, accountIds: input.targets.map((t) => t.account.id) });

  // The servers' connections are the run's longest path (SMTP with STARTTLS waits six round trips): they go out
  // first, and the checks beside them (internet, published settings, webmail) start once every server's connection
  // is on its way, so their own set-up (DNS questions, HTTP requests) never holds a connection's start back.
  const serverCount = input.targets.reduce((count, { account }) => count + (account.incoming === null ? 0 : 1) + (account.outgoing === null ? 0 : 1), 0);
  const connectionsUnderWay = countdown(serverCount);
  const sideChecksMayStart = underWayOrAfter(connectionsUnderWay.done, SIDE_CHECKS_MAX_WAIT_MS);
  // The login libraries load once every server's connection is made and waits for its first reply: loading one
  // (imapflow takes ~30 ms) as soon as the first connection is made would hold back the next one's start.
  const connectionsMade = countdown(serverCount);
  const loginsToPrepare: MailProtocol[] = [];
  void connectionsMade.done.then(() => {
    for (const protocol of loginsToPrepare) input.probes.prepareLogin?.(protocol);
  });
  const accountRuns = input.targets.map((target) =>
    probeAccount(target, { input, runId, emit, context, now, connectionsUnderWay, sideChecksMayStart, connectionsMade, loginsToPrepare }),
  );
  // Nothing to diagnose (no account found, Full Disk Access missing): send no traffic at all.
  const internetPromise: Promise<InternetOutcome> =
    input.targets.length === 0
      ? Promise.resolve({ kind: 'skipped', reason: 'no account to check' })
      : sideChecksMayStart.then(() => input.probes.internet(context()));
  const internet = await internetPromise;
  const probed = markStarttlsWithdrawnAcrossConnections(await Promise.all(accountRuns));

  const publicIp: PublicIpOutcome =
    input.targets.length === 0 ? { kind: 'unknown', reason: 'no account to check' } : await findPublicIp(probed, input, context);

  const accounts: AccountDiagnosis[] = [];
  for (const result of probed) {
    const evidence = input.readEvidence === undefined ? null : await input.readEvidence(result.target.account);
    const host = withHostFacts(result.probes, result.target.account, input.hostFacts);
    const facts: AccountFacts = {
      account: result.target.account,
      internet,
      probes: host.probes,
      publicIp,
      machine: input.machine ?? {},
      mailEvidence: evidence,
      noLogin: input.noLogin,
      now: new Date(now()).toISOString(),
      expected: result.target.expected ?? null,
      hostBlockCheck: host.hostBlockCheck,
    };
    const evaluation = evaluateAccount(facts);
    for (const step of evaluation.steps) {
      emit({ type: 'step-changed', runId, accountId: result.target.account.id, stepId: step.id, status: step.status });
    }
    accounts.push({
      account: result.target.account,
      probes: host.probes,
      steps: evaluation.steps,
      findings: evaluation.findings,
      verdict: evaluation.verdict,
      mailEvidence: evidence,
      expected: result.target.expected ?? null,
      timings: { startedAt: new Date(result.startedAt).toISOString(), durationMs: result.durationMs },
    });
  }

  const finished = now();
  const run: DiagnosisRun = {
    runId,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(finished).toISOString(),
    durationMs: finished - started,
    internet,
    publicIp,
    discoveryProblems: input.discoveryProblems,
    accounts,
    options: { noLogin: input.noLogin },
  };
  emit({ type: 'run-finished', runId, run });
  return run;
}

interface AccountRunContext {
  readonly input: RunDiagnosisInput;
  readonly runId: string;
  readonly emit: (event: ProgressEvent) => void;
  readonly context: (notAfter?: number) => ProbeContext;
  readonly now: () => number;
  /** Counts down once per server probe whose connection is on its way (or that ended before one). */
  readonly connectionsUnderWay: Countdown;
  /** When the checks beside the servers start: every connection on its way, or SIDE_CHECKS_MAX_WAIT_MS. */
  readonly sideChecksMayStart: Promise<void>;
  /** Counts down once per server probe whose connection is made (or that ended without one). */
  readonly connectionsMade: Countdown;
  /** The protocols whose login follows a connection: their libraries load once every connection is made. */
  readonly loginsToPrepare: MailProtocol[];
}

interface Countdown {
  /** Returns this probe's signal: call it once its connection is on its way (again is harmless). */
  readonly arrival: () => () => void;
  readonly done: Promise<void>;
}

/**
 * The side checks wait for the servers' connections to be on their way, but never long: a mail server's name that
 * does not resolve (DNS down, the resolver's answer dropped) must not hold back the internet check that explains it.
 * Names resolve in a round trip or two; a quarter of a second means something is wrong.
 */
const SIDE_CHECKS_MAX_WAIT_MS = 250;

function underWayOrAfter(underWay: Promise<void>, maxWaitMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, maxWaitMs);
    void underWay.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function countdown(count: number): Countdown {
  let left = count;
  let release: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (release = resolve));
  if (left <= 0) release();
  return {
    arrival: () => {
      let arrived = false;
      return () => {
        if (arrived) return;
        arrived = true;
        left -= 1;
        if (left === 0) release();
      };
    },
    done,
  };
}

interface ProbedAccount {
  readonly target: DiagnosisTarget;
  readonly probes: AccountFacts['probes'];
  /** Per server with STARTTLS configured: whether its connection advertised STARTTLS. */
  readonly starttlsAdvertised: { readonly incoming: boolean | undefined; readonly outgoing: boolean | undefined };
  readonly startedAt: number;
  readonly durationMs: number;
}

interface ProbedServer {
  readonly result: ServerProbeResult;
  readonly starttlsAdvertised?: boolean;
}

async function probeAccount(target: DiagnosisTarget, run: AccountRunContext): Promise<ProbedAccount> {
  const { account } = target;
  const startedAt = run.now();
  const bound = accountBound(startedAt, run.input.phaseTimeoutMs);
  const step = (stepId: ChecklistStepId, status: StepStatus): void =>
    run.emit({ type: 'step-changed', runId: run.runId, accountId: account.id, stepId, status });
  const timed = async <T>(probe: string, work: Promise<T>): Promise<T> => {
    const began = run.now();
    const value = await work;
    run.emit({ type: 'probe-finished', runId: run.runId, accountId: account.id, probe, durationMs: run.now() - began });
    return value;
  };

  step('internet', 'running');
  step('server-reachable', 'running');
  step('webmail', 'running');
  step('incoming-login', 'running');
  step('outgoing', 'running');

  const probeRole = async (role: ServerRole, settings: ServerSettings | null, password: Secret | null): Promise<ProbedServer | null> => {
    if (settings === null) return null;
    const underWay = run.connectionsUnderWay.arrival();
    const made = run.connectionsMade.arrival();
    let probed: ProbedServer;
    try {
      probed = await probeServer(role, settings, account, password, run, timed, bound, { underWay, made });
    } finally {
      underWay();
      made();
    }
    // As soon as this side's login is settled: a slow refusal on the other side never holds it back.
    run.emit({ type: 'login-finished', runId: run.runId, accountId: account.id, role, outcome: probed.result.login });
    return probed;
  };
  // The servers first (see runDiagnosis), the one with the longer way to its login first: its DNS question and
  // connection go out a few milliseconds ahead, and the other's connection (TLS set-up is CPU work) starts while
  // it waits. The published settings and webmail once every connection is on its way.
  const probeSide = (role: ServerRole): Promise<ProbedServer | null> => probeRole(role, account[role], target.passwords[role]);
  const incomingFirst = roundTripsToLogin(account.incoming) >= roundTripsToLogin(account.outgoing);
  const first = probeSide(incomingFirst ? 'incoming' : 'outgoing');
  const second = probeSide(incomingFirst ? 'outgoing' : 'incoming');
  const servers = Promise.all(incomingFirst ? [first, second] : [second, first]);
  const domain = emailDomain(account.emailAddress);
  const mailHost = account.incoming?.host ?? account.outgoing?.host;
  const publishedPromise: Promise<PublishedSettings | null> =
    domain === null
      ? Promise.resolve(null)
      : run.sideChecksMayStart.then(() => timed('published-settings', run.input.probes.published(domain, run.context(bound.checks))));
  const webmailPromise: Promise<readonly WebmailOutcome[]> =
    domain === null || mailHost === undefined
      ? Promise.resolve([])
      : run.sideChecksMayStart.then(() => timed('webmail', run.input.probes.webmail(domain, mailHost, run.context(bound.checks))));
  const [incoming, outgoing] = await servers;
  const [published, webmail] = await Promise.all([publishedPromise, webmailPromise]);
  return {
    target,
    probes: { incoming: incoming?.result ?? null, outgoing: outgoing?.result ?? null, published, webmail },
    starttlsAdvertised: { incoming: incoming?.starttlsAdvertised, outgoing: outgoing?.starttlsAdvertised },
    startedAt,
    durationMs: run.now() - startedAt,
  };
}

/**
 * How long one account may take. The credential-free checks (DNS, then the connection: TCP, greeting,
 * STARTTLS, TLS) share two phases' worth of time (`checks`); a login's steps before the credential leaves
 * (the library's capability question) get one phase more (`login`); once the credential has left, the
 * server's answer gets AUTH_REPLY_DEADLINE_MS of its own (electron/probes/login.ts), because servers slow
 * refusals down on purpose. So a whole-account verdict stays within
 *   3 x phase + AUTH_REPLY_DEADLINE_MS   (35 s with the default 5 s phases)
 * even when every step is slow; a server that only slows its refusal (Dovecot's auth penalty, at most 15 s
 * plus its 2 s failure delay) costs that delay, and the other side's answer is reported as soon as it is known.
 */
interface AccountBound {
  readonly checks: number;
  readonly login: number;
}

/**
 * An outside address for the no-login relay question: example.com is reserved (RFC 2606) and the check
 * stops before DATA, so nothing is ever delivered anywhere.
 */
export const RELAY_CHECK_RECIPIENT = 'mail-doctor-relay-check@example.com';

/**
 * How many times a login waits for the server after the TCP connect (docs/benchmarks.md, "Protocol floor", whose
 * counts tests/integration/probes/roundTrips.test.ts measures on the wire): which of two servers ends later.
 */
export const ROUND_TRIPS_TO_LOGIN: Readonly<Record<ServerSettings['protocol'], Readonly<Record<ServerSettings['tls'], number>>>> = {
  imap: { implicit: 3, starttls: 5, none: 2 },
  pop3: { implicit: 4, starttls: 6, none: 3 },
  smtp: { implicit: 4, starttls: 6, none: 3 },
};

function roundTripsToLogin(settings: ServerSettings | null): number {
  return settings === null ? 0 : ROUND_TRIPS_TO_LOGIN[settings.protocol][settings.tls];
}

function accountBound(startedAt: number, phaseTimeoutMs: number): AccountBound {
  const checks = startedAt + 2 * phaseTimeoutMs;
  return { checks, login: checks + phaseTimeoutMs };
}

/**
 * The login budget's key for a server (one place). Bans count per address: the budget counts this login
 * where it connects (connectAddress), not by name only.
 */
function loginKeyFor(settings: ServerSettings, connectAddress: string | undefined): LoginKey {
  return { host: settings.host, address: connectAddress, port: settings.port, protocol: settings.protocol };
}

/** DNS -> one connection (TCP, TLS) -> one choice on it: a login, the relay check, or no login. */
async function probeServer(
  role: ServerRole,
  settings: ServerSettings,
  account: MailAccount,
  password: Secret | null,
  run: AccountRunContext,
  timed: <T>(probe: string, work: Promise<T>) => Promise<T>,
  bound: AccountBound,
  /** Said once this server's connection is on its way, and once it is made. */
  connectionSignals: { readonly underWay: () => void; readonly made: () => void },
): Promise<ProbedServer> {
  const { probes } = run.input;
  // Every text this server sends is scrubbed of the credential it may be sent, before it is kept.
  const texts = new ServerTexts(password === null ? null : { username: settings.username, password });
  const base = {
    role,
    protocol: settings.protocol,
    host: settings.host,
    port: settings.port,
    tlsMode: settings.tls,
  };
  const result = (
    resolution: HostResolution,
    rest: Partial<Pick<ServerProbeResult, 'tcp' | 'tls' | 'greeting' | 'capabilities' | 'ehloEchoIp' | 'relayWithoutAuth'>> & {
      login: LoginOutcome;
    },
  ): ServerProbeResult => {
    const assembled: ServerProbeResult = {
      ...base,
      resolution,
      tcp: rest.tcp ?? null,
      tls: rest.tls ?? null,
      capabilities: rest.capabilities ?? [],
      login: rest.login,
      ...(rest.greeting === undefined ? {} : { greeting: rest.greeting }),
      ...(rest.ehloEchoIp === undefined ? {} : { ehloEchoIp: rest.ehloEchoIp }),
      ...(rest.relayWithoutAuth === undefined ? {} : { relayWithoutAuth: rest.relayWithoutAuth }),
    };
    // The last pass: anything a probe kept without scrubbing is scrubbed here, before it leaves the runner.
    const scrubbed = texts.scrubAll(assembled);
    return texts.scrubbed ? { ...scrubbed, secretScrubbed: true } : scrubbed;
  };
  const skipped = (reason: LoginSkipReason, safeAfter?: string): LoginOutcome =>
    safeAfter === undefined ? { kind: 'skipped', reason } : { kind: 'skipped', reason, safeAfter };

  const resolution = await timed(`${role}-dns`, probes.resolveHost(settings.host, run.context(bound.checks)));
  if (resolution.kind !== 'resolved') return { result: result(resolution, { login: skipped('connection-failed') }) };
  const connectAddress = preferredAddress(resolution);
  const endpoint: ServerEndpoint = {
    protocol: settings.protocol,
    host: settings.host,
    port: settings.port,
    tls: settings.tls,
    ...(connectAddress === undefined ? {} : { connectAddress }),
  };

  const plan = connectionPlan(role, settings, account, password, run.input.noLogin);
  if (plan.kind === 'login') run.loginsToPrepare.push(settings.protocol);
  const connecting = probes.connect(endpoint, run.context(bound.checks), texts, { whileWaiting: connectionSignals.made });
  connectionSignals.underWay();
  const connection: ConnectProbeResult = await timed(`${role}-connect`, connecting);
  const { open } = connection;
  const advertised = connection.starttlsAdvertised === undefined ? {} : { starttlsAdvertised: connection.starttlsAdvertised };
  try {
    const tcp = connection.tcp;
    if (tcp.kind !== 'connected') return { result: result(resolution, { tcp, login: skipped('connection-failed') }), ...advertised };
    const common = {
      tcp,
      tls: connection.tls,
      ...(connection.greeting === undefined ? {} : { greeting: connection.greeting }),
    };
    /** What the step after the connection learnt, with the connection's own as the fallback. */
    const withConversation = (conversation: ServerConversation) => ({
      ...common,
      capabilities: conversation.capabilities.length > 0 ? conversation.capabilities : connection.capabilities,
      ...(conversation.ehloEchoIp ?? connection.ehloEchoIp) === undefined ? {} : { ehloEchoIp: conversation.ehloEchoIp ?? connection.ehloEchoIp },
    });
    const tlsUsable = isTlsUsable(settings, connection.tls);
    if (!tlsUsable.ok || open === undefined) {
      return { result: result(resolution, { ...withConversation({ capabilities: [] }), login: skipped(tlsUsable.ok ? 'connection-failed' : tlsUsable.reason) }), ...advertised };
    }
    /** Ends the connection without a login (capabilities over TLS, goodbye). */
    const finish = async (login: LoginOutcome): Promise<ProbedServer> => {
      const conversation = await open.finish(run.context(bound.login));
      return { result: result(resolution, { ...withConversation(conversation), login }), ...advertised };
    };

    if (plan.kind === 'skip') return await finish(skipped(plan.reason));
    if (plan.kind === 'relay-check') {
      // Mail sends without logging in: ask the server whether it would take a message that way.
      const relay = await timed(
        `${role}-relay`,
        open.relayWithoutAuth({ from: account.emailAddress, to: RELAY_CHECK_RECIPIENT }, run.context(bound.login)),
      );
      return { result: result(resolution, { ...withConversation(relay), login: skipped('authentication-off'), relayWithoutAuth: relay.outcome }), ...advertised };
    }
    if (run.input.signal?.aborted === true) return await finish(skipped('cancelled'));

    const key = loginKeyFor(settings, connectAddress);
    const reservation = await run.input.budget.reserve(key);
    if (!reservation.allowed) return await finish(loginSkippedByBudget(reservation));

    const attempt = await attemptLogin(run.input.budget, key, () =>
      timed(`${role}-login`, open.login({ username: settings.username, password: plan.password }, run.context(bound.login))),
    );
    return { result: result(resolution, { ...withConversation(attempt), login: attempt.login }), ...advertised };
  } finally {
    open?.close();
  }
}

/**
 * What the runner will do on a server's connection, from what is known before it is opened (the connection
 * is then told whether a login follows: its library loads while the first reply is on its way). In this order:
 * no login for OAuth accounts or in no-login mode; the relay check when Mail sends without authentication; no
 * login without a password or over a connection without TLS.
 */
function connectionPlan(
  role: ServerRole,
  settings: ServerSettings,
  account: MailAccount,
  password: Secret | null,
  noLogin: boolean | undefined,
): { kind: 'login'; password: Secret } | { kind: 'relay-check' } | { kind: 'skip'; reason: LoginSkipReason } {
  if (account.authKind === 'oauth') return { kind: 'skip', reason: 'oauth-account' };
  if (noLogin === true) return { kind: 'skip', reason: 'no-login-mode' };
  if (role === 'outgoing' && !settings.authenticationEnabled) return { kind: 'relay-check' };
  if (password === null) return { kind: 'skip', reason: 'no-password' };
  if (settings.tls === 'none') return { kind: 'skip', reason: 'cleartext-connection' };
  return { kind: 'login', password };
}

/** Settle a granted reservation after the attempt, whatever happens. */
async function attemptLogin(
  budget: LoginBudgetPort,
  key: LoginKey,
  login: () => Promise<LoginProbeResult>,
): Promise<LoginProbeResult> {
  // If the probe throws (a bug: probes return outcomes), count the attempt as failed, conservatively.
  let settlement: 'success' | 'failure' | 'not-sent' = 'failure';
  try {
    const attempt = await login();
    // No credential left this machine (the connection failed before it, the server withdrew its offer...):
    // nothing a server could count against us.
    settlement = attempt.credentialSent ? budgetResultFor(attempt.login) : 'not-sent';
    return attempt;
  } finally {
    await budget.record(key, settlement);
  }
}

function isTlsUsable(
  settings: ServerSettings,
  tls: TlsOutcome,
): { ok: true } | { ok: false; reason: LoginSkipReason } {
  if (settings.tls === 'none') return tls.kind === 'not-applicable' ? { ok: true } : { ok: false, reason: 'connection-failed' };
  if (tls.kind !== 'established') return { ok: false, reason: 'connection-failed' };
  return tls.verification.ok ? { ok: true } : { ok: false, reason: 'certificate-invalid' };
}

function preferredAddress(resolution: Extract<HostResolution, { kind: 'resolved' }>): string | undefined {
  return resolution.addresses[0]?.address;
}

async function findPublicIp(
  probed: readonly ProbedAccount[],
  input: RunDiagnosisInput,
  context: (notAfter?: number) => ProbeContext,
): Promise<PublicIpOutcome> {
  for (const account of probed) {
    const echo = account.probes.outgoing?.ehloEchoIp;
    if (echo !== undefined) return { kind: 'found', ip: echo, from: 'smtp-ehlo' };
  }
  if (!input.publicIpLookup) return { kind: 'unknown', reason: 'lookup-disabled' };
  return input.probes.publicIpFallback(context());
}

/**
 * STARTTLS offered on one of this run's connections to a server and not on another (two accounts on one
 * server, say): the one that did not see it was not told the truth by the server or by something in
 * between. Its `starttls-not-offered` becomes `starttls-withdrawn` (other-connection). No login was made
 * on it either way (a login needs TLS), so nothing else changes.
 */
function markStarttlsWithdrawnAcrossConnections(accounts: readonly ProbedAccount[]): ProbedAccount[] {
  const keyOf = (probe: ServerProbeResult): string => `${probe.host.toLowerCase()}|${probe.port}|${probe.protocol}`;
  const offered = new Set<string>();
  for (const account of accounts) {
    for (const role of ['incoming', 'outgoing'] as const) {
      const probe = account.probes[role];
      if (probe !== null && probe.tlsMode === 'starttls' && account.starttlsAdvertised[role] === true) offered.add(keyOf(probe));
    }
  }
  const withdrawn = (probe: ServerProbeResult | null): ServerProbeResult | null =>
    probe !== null && probe.tls?.kind === 'starttls-not-offered' && offered.has(keyOf(probe)) ? { ...probe, tls: { kind: 'starttls-withdrawn', advertisedOn: 'other-connection' } } : probe;
  return accounts.map((account) => ({
    ...account,
    probes: { ...account.probes, incoming: withdrawn(account.probes.incoming), outgoing: withdrawn(account.probes.outgoing) },
  }));
}

export function emailDomain(address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at < 0 || at === address.length - 1) return null;
  return address.slice(at + 1).toLowerCase();
}
