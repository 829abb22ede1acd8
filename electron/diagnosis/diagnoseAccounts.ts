/**
 * The whole pipeline behind "Check my mail", shared by the app, the web preview and the CLI:
 * Mail's accounts -> saved passwords -> what Mail itself recorded -> the live checks -> the verdict.
 */
import os from 'node:os';
import type { DiagnosisStartRequest } from '../../shared/ipc/contract';
import type { DiscoveryProblem, MailAccount, StoredPasswordStatus } from '../../shared/model/account';
import type { DiagnosisRun, ProgressEvent } from '../../shared/diagnosis/types';
import type { MailEvidence } from '../../shared/model/evidence';
import type { ExpectedServer } from '../../shared/model/managedPreferences';
import { discoverAccounts } from '../accounts/discoverAccounts';
import { readCaFiles } from '../caFiles';
import type { ExitGuard } from '../exitGuard';
import { processExitGuard } from '../exitGuard';
import { secretScrubbedFinding } from '../report/secretNotes';
import { readManagedPreferences } from '../accounts/managedPreferencesRead';
import type { DiscoveredAccount } from '../accounts/discoverAccounts';
import { SecretComparer } from '../keychain/compareSecrets';
import type { KeychainAccess } from '../keychain/keychainAccess';
import { EMPTY_KEYTAR, SYSTEM_KEYCHAIN } from '../keychain/keychainAccess';
import type { LiveSecrets } from '../keychain/liveSecrets';
import { processSecrets } from '../keychain/liveSecrets';
import type { PasswordLookupOptions } from '../keychain/passwordSources';
import { lookUpAccountPasswords } from '../keychain/passwordSources';
import { Secret } from '../keychain/secret';
import { evidenceAccountRef, readMailEvidenceForAccounts } from '../evidence/readMailEvidence';
import { effectiveRunSettings } from '../fleet/managedPolicy';
import { LoginBudget } from './loginBudget';
import type { HostFacts } from '../admin/hostFacts';
import { realProbeSet } from './realProbeSet';
import type { RealProbeOptions } from './realProbeSet';
import { emailDomain, runDiagnosis } from './runDiagnosis';
import type { DiagnosisTarget } from './runDiagnosis';

export interface DiagnosisTuning {
  /** Deadline of each connection phase (default 5 s). */
  readonly phaseTimeoutMs?: number;
  /** DNS servers instead of the system's ("IP" or "IP:PORT"). */
  readonly dnsServers?: readonly string[];
  /** PEM files of extra CAs to trust (self-hosted servers); never a way to turn verification off. */
  readonly caFiles?: readonly string[];
  readonly probes?: Partial<RealProbeOptions>;
  /**
   * Read saved passwords from the keychain (default true). Off for unattended fleet scripts: a keychain
   * read can show a dialog to whoever sits at the Mac.
   */
  readonly readKeychain?: boolean;
  /**
   * Which keychain to read (default the system's). Chosen by the composition root in code: the packaged
   * app always reads the system keychain; tests and development entry points may inject a stand-in.
   */
  readonly keychain?: KeychainAccess;
  /** Managed-preferences folders (tests); default the real /Library/Managed Preferences. */
  readonly managedPreferencesDirs?: readonly string[];
}

export interface DiagnoseAccountsInput {
  readonly home: string;
  readonly homeSource: 'given' | 'default';
  /** Where the login-budget ledger lives (persists across runs). */
  readonly stateDir: string;
  readonly request: DiagnosisStartRequest;
  readonly runId: string;
  readonly signal: AbortSignal;
  readonly onProgress: (event: ProgressEvent) => void;
  readonly tuning?: DiagnosisTuning;
  /**
   * Where this run's passwords are held while it runs, so every exit can search for them (default the
   * process's registry). The caller owns the lifetime: the window passes a scope it releases when the run
   * has finished, the CLI releases its scope after printing.
   */
  readonly secrets?: LiveSecrets;
  /**
   * Checks every progress event and the finished run against the held secrets before they leave the
   * diagnosis (default the process's exit guard). Whatever a server echoed and a probe did not remove
   * is replaced here, while the passwords are still held.
   */
  readonly guard?: ExitGuard;
  /** What the hosting tools learnt about these mailboxes (the window's admin section). */
  readonly hostFacts?: HostFacts;
}

export const DEFAULT_PHASE_TIMEOUT_MS = 5_000;

export async function diagnoseAccounts(input: DiagnoseAccountsInput): Promise<DiagnosisRun> {
  const tuning = input.tuning ?? {};
  const secrets = input.secrets ?? processSecrets;
  const guard = input.guard ?? processExitGuard;
  // First, before any keychain read, side by side (none waits for another's file): an unusable CA file stops the
  // run with its reason (CaFileError); IT's managed preferences shape every run, the window's included: forced
  // safeties, off switches, CAs and resolvers (electron/fleet/managedPolicy.ts); the login budget's folder is made
  // (opening never rejects: a fault is kept and refuses each login later, with its reason).
  const [extraCaPem, managed, budget] = await Promise.all([
    readCaFiles(tuning.caFiles ?? []),
    readManagedPreferences(tuning.managedPreferencesDirs === undefined ? {} : { dirs: tuning.managedPreferencesDirs }),
    LoginBudget.open(input.stateDir),
  ]);
  const settings = effectiveRunSettings(managed.preferences, {
    noLogin: input.request.noLogin === true,
    readKeychain: tuning.readKeychain !== false,
    dnsServers: tuning.dnsServers ?? [],
    extraCaPem,
    probes: tuning.probes ?? {},
  });
  const { targets, discoveryProblems, evidence } =
    input.request.manual === undefined
      ? await savedAccountTargets(input, secrets, settings.readKeychain)
      : manualAccountTarget(input.request.manual, managed.preferences.expectedServers, secrets);

  // The finished run is checked once, while this run's passwords are still held: the event and the result agree.
  let checked: { readonly from: DiagnosisRun; readonly to: DiagnosisRun } | undefined;
  const guarded = (finished: DiagnosisRun): DiagnosisRun => {
    if (checked?.from !== finished) checked = { from: finished, to: guardRun(guard, finished) };
    return checked.to;
  };
  const run = await runDiagnosis({
    runId: input.runId,
    targets,
    discoveryProblems,
    probes: realProbeSet(settings.probes),
    budget,
    noLogin: settings.noLogin,
    phaseTimeoutMs: tuning.phaseTimeoutMs ?? DEFAULT_PHASE_TIMEOUT_MS,
    publicIpLookup: settings.probes.publicIpLookup,
    extraCaPem: settings.extraCaPem,
    ...(settings.dnsServers.length === 0 ? {} : { dnsServers: settings.dnsServers }),
    readEvidence: (account) => Promise.resolve(evidence?.get(account.id) ?? null),
    machine: { uptimeSeconds: os.uptime() },
    onProgress: (event) => {
      input.onProgress(event.type === 'run-finished' ? { ...event, run: guarded(event.run) } : guard.value('progress-event', event).value);
    },
    signal: input.signal,
    ...(input.hostFacts === undefined ? {} : { hostFacts: input.hostFacts }),
  });
  return guarded(run);
}

/**
 * The run as it may leave the diagnosis: every text checked against the held secrets. An account whose data
 * (or the run's shared data) had a secret replaced gets a SECRET_SCRUBBED note, so the window, the report and
 * the CLI say that a last check had to act.
 */
export function guardRun(guard: ExitGuard, run: DiagnosisRun): DiagnosisRun {
  const shared = guard.value('diagnosis-result', { ...run, accounts: [] });
  const accounts = run.accounts.map((diagnosis) => {
    const account = guard.value('diagnosis-result', diagnosis);
    if (!account.scrubbed && !shared.scrubbed) return diagnosis;
    const noted = account.value.findings.some((finding) => finding.code === 'SECRET_SCRUBBED' && finding.params.caughtIn !== 'server-reply');
    return noted ? account.value : { ...account.value, findings: [...account.value.findings, secretScrubbedFinding('diagnosis-result')] };
  });
  return { ...shared.value, accounts };
}

/** How to read passwords from the chosen keychain. */
function lookupOptionsFor(keychain: KeychainAccess, signal: AbortSignal): PasswordLookupOptions {
  switch (keychain.kind) {
    case 'system':
      return { securityTool: { signal } };
    case 'stand-in':
      return { securityTool: { signal, toolPath: keychain.securityToolPath }, keytar: keychain.keytar ?? EMPTY_KEYTAR };
  }
}

interface PreparedTargets {
  readonly targets: readonly DiagnosisTarget[];
  readonly discoveryProblems: readonly DiscoveryProblem[];
  readonly evidence: Map<string, MailEvidence> | null;
}

/** Mail's own accounts: discovery, then one keychain pass per account (each read may show a dialog). */
async function savedAccountTargets(input: DiagnoseAccountsInput, secrets: LiveSecrets, readKeychain: boolean): Promise<PreparedTargets> {
  const details = await discoverAccounts({
    home: input.home,
    homeSource: input.homeSource,
    ...(input.tuning?.managedPreferencesDirs === undefined ? {} : { managedPreferencesDirs: input.tuning.managedPreferencesDirs }),
  });
  const wanted = input.request.accountId;
  const chosen: readonly DiscoveredAccount[] =
    wanted === undefined
      ? details.discovered
      : details.discovered.filter((d) => d.account.id === wanted || d.account.emailAddress.toLowerCase() === wanted.toLowerCase());
  const discoveryProblems: DiscoveryProblem[] = [...details.problems];
  if (wanted !== undefined && chosen.length === 0 && details.discovered.length > 0) {
    discoveryProblems.push({ kind: 'no-mail-accounts-found', searched: [`an account named ${wanted}`] });
  }

  const comparer = new SecretComparer();
  // Used only where the keychain gives no password, and never counted in the stored comparison.
  const typed = input.request.password === undefined ? undefined : new Secret(input.request.password);
  if (typed !== undefined) secrets.hold(typed);
  const lookupOptions = lookupOptionsFor(input.tuning?.keychain ?? SYSTEM_KEYCHAIN, input.signal);
  const targets: DiagnosisTarget[] = [];
  const expectedServers = details.managedPreferences.preferences.expectedServers;
  for (const discovered of chosen) {
    if (input.signal.aborted) break;
    const expected = expectedServerFor(discovered.account.emailAddress, expectedServers);
    if (!readKeychain) {
      const { account, passwords } = withKeychainNotRead(discovered.account, typed);
      if (passwords.incoming !== null) secrets.hold(passwords.incoming, account.incoming?.username);
      if (passwords.outgoing !== null) secrets.hold(passwords.outgoing, account.outgoing?.username);
      targets.push({ account, passwords, expected });
      continue;
    }
    const lookup = await lookUpAccountPasswords(discovered, comparer, {
      ...lookupOptions,
      ...(typed === undefined ? {} : { typed: { incoming: typed, outgoing: typed } }),
    });
    // Held at once, with the user name each is sent with, so every exit recognises them (SASL blobs included).
    if (lookup.incoming.secret !== null) secrets.hold(lookup.incoming.secret, lookup.account.incoming?.username);
    if (lookup.outgoing.secret !== null) secrets.hold(lookup.outgoing.secret, lookup.account.outgoing?.username);
    targets.push({ account: lookup.account, passwords: { incoming: lookup.incoming.secret, outgoing: lookup.outgoing.secret }, expected });
  }

  const evidence = await readMailEvidenceForAccounts({
    home: input.home,
    accounts: targets.map((t) => evidenceAccountRef(t.account)),
    now: new Date(),
  });
  return {
    targets,
    discoveryProblems,
    evidence,
  };
}

/**
 * IT's expected servers for an address: the managed entry whose Domain is the address's domain (exact,
 * case-insensitive; the reader already lower-cased it). The first matching entry wins; null when none.
 */
export function expectedServerFor(emailAddress: string, servers: readonly ExpectedServer[]): ExpectedServer | null {
  const domain = emailDomain(emailAddress);
  if (domain === null) return null;
  return servers.find((server) => server.domain.toLowerCase() === domain) ?? null;
}

/**
 * The keychain is not read (--no-keychain, or options that chose the servers): a password typed for this
 * run is the only one, used on each side that logs in with a password; nothing stored is compared.
 */
function withKeychainNotRead(account: MailAccount, typed: Secret | undefined): { account: MailAccount; passwords: DiagnosisTarget['passwords'] } {
  const notRead = { source: 'internet-password', outcome: 'not-applicable', detail: 'the keychain was not read for this run' } as const;
  const side = (settings: MailAccount['incoming']): { status: StoredPasswordStatus; secret: Secret | null } => {
    const usesPassword = account.authKind !== 'oauth' && settings !== null && settings.authenticationEnabled;
    if (!usesPassword || typed === undefined) {
      return { status: { outcome: 'not-applicable', attempts: [notRead] }, secret: null };
    }
    return { status: { outcome: 'found', foundIn: 'typed', attempts: [notRead, { source: 'typed', outcome: 'found', detail: 'typed for this run' }] }, secret: typed };
  };
  const incoming = side(account.incoming);
  const outgoing = side(account.outgoing);
  return {
    account: { ...account, passwords: { incoming: incoming.status, outgoing: outgoing.status, comparison: 'not-applicable' } },
    passwords: { incoming: incoming.secret, outgoing: outgoing.secret },
  };
}

/** "Test another account": settings and a password typed by the user, used once, never stored. */
function manualAccountTarget(
  manual: NonNullable<DiagnosisStartRequest['manual']>,
  expectedServers: readonly ExpectedServer[],
  secrets: LiveSecrets,
): PreparedTargets {
  // IT's expected servers apply to a typed-in account of the company's domain too.
  const expected = expectedServerFor(manual.email, expectedServers);
  const password = manual.password === undefined ? null : new Secret(manual.password);
  if (password !== null) {
    secrets.hold(password, manual.incoming.username);
    secrets.hold(password, manual.outgoing.username);
  }
  const status: StoredPasswordStatus =
    password === null
      ? { outcome: 'not-found', attempts: [{ source: 'typed', outcome: 'not-found', detail: 'no password was typed' }] }
      : { outcome: 'found', foundIn: 'typed', attempts: [{ source: 'typed', outcome: 'found' }] };
  const account: MailAccount = {
    id: 'manual',
    description: manual.email,
    emailAddress: manual.email,
    source: 'manual',
    authKind: 'password',
    incoming: { ...manual.incoming, authenticationEnabled: true },
    outgoing: { ...manual.outgoing, authenticationEnabled: manual.outgoing.authenticationEnabled ?? true },
    outgoingLink: { kind: 'linked', via: 'manual' },
    // One typed password serves both servers: there is nothing stored to compare.
    passwords: { incoming: status, outgoing: status, comparison: 'not-applicable' },
    readProblems: [],
  };
  return {
    targets: [{ account, passwords: { incoming: password, outgoing: password }, expected }],
    discoveryProblems: [],
    evidence: null,
  };
}
