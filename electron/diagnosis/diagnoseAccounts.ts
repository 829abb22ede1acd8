/**
 * The whole pipeline behind "Check my mail", shared by the app, the web preview and the CLI:
 * Mail's accounts -> saved passwords -> what Mail itself recorded -> the live checks -> the verdict.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { DiagnosisStartRequest } from '../../shared/ipc/contract';
import type { DiscoveryProblem, MailAccount, StoredPasswordStatus } from '../../shared/model/account';
import type { DiagnosisRun, ProgressEvent } from '../../shared/diagnosis/types';
import type { MailEvidence } from '../../shared/model/evidence';
import type { ExpectedServer } from '../../shared/model/managedPreferences';
import { discoverAccounts } from '../accounts/discoverAccounts';
import { readManagedPreferences } from '../accounts/managedPreferences';
import type { DiscoveredAccount } from '../accounts/discoverAccounts';
import { SecretComparer } from '../keychain/compareSecrets';
import { lookUpAccountPasswords } from '../keychain/passwordSources';
import { Secret } from '../keychain/secret';
import { evidenceAccountRef, readMailEvidenceForAccounts } from '../evidence/readMailEvidence';
import { LoginBudget } from './loginBudget';
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
}

export const DEFAULT_PHASE_TIMEOUT_MS = 5_000;

export async function diagnoseAccounts(input: DiagnoseAccountsInput): Promise<DiagnosisRun> {
  const tuning = input.tuning ?? {};
  const extraCaPem = await Promise.all((tuning.caFiles ?? []).map((file) => readFile(file, 'utf8')));
  const { targets, discoveryProblems, publicIpLookup, evidence } =
    input.request.manual === undefined ? await savedAccountTargets(input) : await manualAccountTarget(input.request.manual, tuning);

  const budget = await LoginBudget.open(input.stateDir);
  return runDiagnosis({
    runId: input.runId,
    targets,
    discoveryProblems,
    probes: realProbeSet({ publicIpLookup: tuning.probes?.publicIpLookup ?? publicIpLookup, ...tuning.probes }),
    budget,
    noLogin: input.request.noLogin === true,
    phaseTimeoutMs: tuning.phaseTimeoutMs ?? DEFAULT_PHASE_TIMEOUT_MS,
    publicIpLookup: tuning.probes?.publicIpLookup ?? publicIpLookup,
    extraCaPem,
    ...(tuning.dnsServers === undefined ? {} : { dnsServers: tuning.dnsServers }),
    readEvidence: (account) => Promise.resolve(evidence?.get(account.id) ?? null),
    machine: { uptimeSeconds: os.uptime() },
    onProgress: input.onProgress,
    signal: input.signal,
  });
}

interface PreparedTargets {
  readonly targets: readonly DiagnosisTarget[];
  readonly discoveryProblems: readonly DiscoveryProblem[];
  /** From managed preferences: IT can turn the OpenDNS fallback off. */
  readonly publicIpLookup: boolean;
  readonly evidence: Map<string, MailEvidence> | null;
}

/** Mail's own accounts: discovery, then one keychain pass per account (each read may show a dialog). */
async function savedAccountTargets(input: DiagnoseAccountsInput): Promise<PreparedTargets> {
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
  const targets: DiagnosisTarget[] = [];
  const expectedServers = details.managedPreferences.preferences.expectedServers;
  for (const discovered of chosen) {
    if (input.signal.aborted) break;
    const expected = expectedServerFor(discovered.account.emailAddress, expectedServers);
    if (input.tuning?.readKeychain === false) {
      targets.push({ account: withKeychainNotRead(discovered.account), passwords: { incoming: null, outgoing: null }, expected });
      continue;
    }
    const lookup = await lookUpAccountPasswords(discovered, comparer, {
      securityTool: { signal: input.signal },
      ...(typed === undefined ? {} : { typed: { incoming: typed, outgoing: typed } }),
    });
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
    publicIpLookup: details.managedPreferences.preferences?.publicIpLookupEnabled ?? true,
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

function withKeychainNotRead(account: MailAccount): MailAccount {
  const status: StoredPasswordStatus = {
    outcome: 'not-applicable',
    attempts: [{ source: 'internet-password', outcome: 'not-applicable', detail: 'the keychain was not read (--no-keychain)' }],
  };
  return { ...account, passwords: { incoming: status, outgoing: status, comparison: 'not-applicable' } };
}

/** "Test another account": settings and a password typed by the user, used once, never stored. */
async function manualAccountTarget(manual: NonNullable<DiagnosisStartRequest['manual']>, tuning: DiagnosisTuning): Promise<PreparedTargets> {
  // IT's expected servers apply to a typed-in account of the company's domain too.
  const managed = await readManagedPreferences(tuning.managedPreferencesDirs === undefined ? {} : { dirs: tuning.managedPreferencesDirs });
  const expected = expectedServerFor(manual.email, managed.preferences.expectedServers);
  const password = manual.password === undefined ? null : new Secret(manual.password);
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
    publicIpLookup: true,
    evidence: null,
  };
}
