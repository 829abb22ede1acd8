/**
 * The support report as data, and the projection that builds it from a DiagnosisRun.
 *
 * Redaction is structural: every value in the report is copied field by field from a whitelist
 * (the functions below name each field they read). Nothing is spread or cloned from the input, so a
 * property that is not part of the types (a debugging leftover, a secret somebody attached to an
 * object by mistake) can never reach the report. The domain types themselves carry no secret fields.
 */
import type { ChecklistStepId, StepStatus } from '../../shared/checklist/steps';
import type {
  AccountDiagnosis,
  ChecklistStep,
  DiagnosisRun,
  EvidenceItem,
  Finding,
  FindingKey,
  FindingSeverity,
  FindingSide,
  PlainParams,
  Verdict,
} from '../../shared/diagnosis/types';
import type {
  DiscoveryProblem,
  MailAccount,
  OutgoingLink,
  PasswordLookupAttempt,
  ServerSettings,
  StoredPasswordStatus,
} from '../../shared/model/account';
import type {
  AutoconfigAttempt,
  CertificateSummary,
  CertificateVerification,
  HostResolution,
  InternetOutcome,
  LoginOutcome,
  PublicIpOutcome,
  PublishedServer,
  PublishedSettings,
  ServerProbeResult,
  SmtpWithoutAuthOutcome,
  SrvRecord,
  TcpOutcome,
  TlsOutcome,
  WebmailOutcome,
} from '../../shared/probes/outcomes';
import type { ManagedPreferenceProblem } from '../../shared/model/managedPreferences';
import type { FailureCode } from '../../shared/verdict/codes';

export const SUPPORT_REPORT_FORMAT = 'mail-doctor-support-report';
/**
 * The compatibility policy (docs/cli.md, docs/report.schema.json): the version changes only when a field
 * is removed or renamed, or its type or meaning changes. Adding a field, or a new value to a list of codes
 * or kinds, keeps it, so readers must ignore fields they do not know and treat an unknown code as "not OK".
 */
export const SUPPORT_REPORT_FORMAT_VERSION = 1;

export interface ReportEnvironment {
  readonly appVersion: string;
  /** e.g. "15.3.1"; absent when not on a Mac or unknown. */
  readonly macosVersion?: string;
  /** IANA name, e.g. "Europe/Paris": the helpdesk compares our times with its server logs. */
  readonly timeZone: string;
  /** ISO time the report was made. */
  readonly generatedAt: string;
  /** The Mac's host name: only when IT turned on the managed preference ReportIncludesHostName. */
  readonly hostName?: string;
  /** The Mac's serial number: only when IT turned on the managed preference ReportIncludesSerialNumber. */
  readonly serialNumber?: string;
  /** Invalid managed-preference values (ignored by the run), so IT sees what to fix in its profile. */
  readonly managedPreferenceProblems?: readonly ManagedPreferenceProblem[];
}

/** Where the report takes its words for step and finding titles (the failure catalog by default). */
export interface ReportWording {
  stepTitle(id: ChecklistStepId): string;
  findingTitle(finding: FindingKey): string;
}

export interface ReportStep {
  readonly id: ChecklistStepId;
  readonly title: string;
  readonly status: StepStatus;
  readonly reason?: string;
  readonly evidence: readonly EvidenceItem[];
  readonly findings: readonly FailureCode[];
}

/**
 * A finding as the shared model has it, with its title in the catalog's words. Its params are kept as an
 * open record of plain values (projectParams), not per code: the report is a projection, read by people.
 */
export interface ReportFinding {
  readonly code: FailureCode;
  readonly title: string;
  readonly side: FindingSide;
  readonly params: PlainParams;
  readonly severity?: FindingSeverity;
}

export type ReportVerdict = Omit<ReportFinding, 'title'> &
  Pick<Verdict, 'title' | 'why' | 'nextStep' | 'howTo' | 'technical' | 'fixedBy' | 'action'>;

export interface ReportAccount {
  readonly id: string;
  readonly description: string;
  readonly emailAddress: string;
  readonly source: MailAccount['source'];
  readonly authKind: MailAccount['authKind'];
  readonly provider?: string;
  readonly verdict: ReportVerdict;
  readonly findings: readonly ReportFinding[];
  readonly steps: readonly ReportStep[];
  readonly settings: Pick<MailAccount, 'incoming' | 'outgoing' | 'outgoingLink'>;
  readonly passwords: MailAccount['passwords'];
  readonly readProblems: readonly string[];
  readonly servers: { readonly incoming: ServerProbeResult | null; readonly outgoing: ServerProbeResult | null };
  readonly published: PublishedSettings | null;
  readonly webmail: readonly WebmailOutcome[];
  readonly timings: { readonly startedAt: string; readonly durationMs: number };
}

/**
 * The whole run in one code, for fleet tools (the Jamf extension attribute reads it): the first account
 * verdict that is not OK, OK when every account is fine, or why nothing could be checked.
 */
export type ReportSummaryCode = FailureCode | 'NO_ACCOUNTS' | 'NOT_MACOS';

export interface ReportSummary {
  readonly code: ReportSummaryCode;
  /** Accounts diagnosed in this run. */
  readonly accounts: number;
  /** Accounts whose verdict is not OK. */
  readonly accountsNotOk: number;
}

export interface SupportReportJson {
  readonly format: typeof SUPPORT_REPORT_FORMAT;
  /** Changes only for an incompatible change: see SUPPORT_REPORT_FORMAT_VERSION. */
  readonly formatVersion: typeof SUPPORT_REPORT_FORMAT_VERSION;
  readonly generatedAt: string;
  readonly app: { readonly version: string };
  readonly mac: {
    readonly macosVersion: string | null;
    readonly timeZone: string;
    /** Present only when IT turned on the managed preference ReportIncludesHostName. */
    readonly hostName?: string;
    /** Present only when IT turned on the managed preference ReportIncludesSerialNumber. */
    readonly serialNumber?: string;
  };
  /** True when addresses and login names were masked (at the user's request or by IT's MaskIdentities). */
  readonly identitiesMasked: boolean;
  readonly summary: ReportSummary;
  readonly run: {
    readonly runId: string;
    readonly startedAt: string;
    readonly finishedAt: string;
    readonly durationMs: number;
    readonly noLogin: boolean;
  };
  readonly internet: InternetOutcome;
  readonly publicIp: PublicIpOutcome;
  readonly discoveryProblems: readonly DiscoveryProblem[];
  /** Managed-preference values that were invalid and therefore ignored (file, key, reason). */
  readonly managedPreferenceProblems: readonly ManagedPreferenceProblem[];
  readonly accounts: readonly ReportAccount[];
}

// ---------------------------------------------------------------- helpers

/** Adds `key: value` only when the optional field is present, so the JSON has no `undefined` holes. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

function strings(values: readonly string[]): string[] {
  return values.map((value) => String(value));
}

// ---------------------------------------------------------------- network

function projectInternet(outcome: InternetOutcome): InternetOutcome {
  switch (outcome.kind) {
    case 'online':
      return { kind: 'online', checkedUrl: outcome.checkedUrl, durationMs: outcome.durationMs };
    case 'captive-portal':
      return {
        kind: 'captive-portal',
        checkedUrl: outcome.checkedUrl,
        httpStatus: outcome.httpStatus,
        ...optional('redirectedTo', outcome.redirectedTo),
      };
    case 'dns-broken':
      return { kind: 'dns-broken', errorCode: outcome.errorCode };
    case 'no-network':
      return { kind: 'no-network', errorCode: outcome.errorCode };
    case 'skipped':
      return { kind: 'skipped', reason: outcome.reason };
  }
}

function projectPublicIp(outcome: PublicIpOutcome): PublicIpOutcome {
  switch (outcome.kind) {
    case 'found':
      return { kind: 'found', ip: outcome.ip, from: outcome.from };
    case 'unknown':
      return { kind: 'unknown', reason: outcome.reason };
  }
}

function projectDiscoveryProblem(problem: DiscoveryProblem): DiscoveryProblem {
  switch (problem.kind) {
    case 'full-disk-access-needed':
      return { kind: 'full-disk-access-needed', path: problem.path };
    case 'no-mail-accounts-found':
      return { kind: 'no-mail-accounts-found', searched: strings(problem.searched) };
    case 'store-unreadable':
      return { kind: 'store-unreadable', path: problem.path, reason: problem.reason };
    case 'not-macos':
      return { kind: 'not-macos' };
  }
}

// ---------------------------------------------------------------- account settings

function projectServerSettings(settings: ServerSettings | null): ServerSettings | null {
  if (settings === null) return null;
  return {
    protocol: settings.protocol,
    host: settings.host,
    port: settings.port,
    tls: settings.tls,
    username: settings.username,
    authenticationEnabled: settings.authenticationEnabled,
    ...optional('authScheme', settings.authScheme),
    ...optional('inherited', settings.inherited === undefined ? undefined : [...settings.inherited]),
  };
}

function projectOutgoingLink(link: OutgoingLink): OutgoingLink {
  switch (link.kind) {
    case 'linked':
      return { kind: 'linked', via: link.via };
    case 'unresolved':
      return { kind: 'unresolved', identifier: link.identifier };
    case 'none':
      return { kind: 'none' };
  }
}

function projectLookupAttempt(attempt: PasswordLookupAttempt): PasswordLookupAttempt {
  return { source: attempt.source, outcome: attempt.outcome, ...optional('detail', attempt.detail) };
}

function projectPasswordStatus(status: StoredPasswordStatus): StoredPasswordStatus {
  return {
    outcome: status.outcome,
    ...optional('foundIn', status.foundIn),
    attempts: status.attempts.map(projectLookupAttempt),
  };
}

// ---------------------------------------------------------------- probes

function projectResolution(resolution: HostResolution): HostResolution {
  switch (resolution.kind) {
    case 'resolved':
      return {
        kind: 'resolved',
        host: resolution.host,
        addresses: resolution.addresses.map((address) => ({ address: address.address, family: address.family })),
      };
    case 'not-found':
      return { kind: 'not-found', host: resolution.host };
    case 'no-address':
      return { kind: 'no-address', host: resolution.host };
    case 'timeout':
      return { kind: 'timeout', host: resolution.host };
    case 'error':
      return { kind: 'error', host: resolution.host, errorCode: resolution.errorCode };
  }
}

function projectTcp(outcome: TcpOutcome): TcpOutcome {
  switch (outcome.kind) {
    case 'connected':
      return { kind: 'connected', address: outcome.address, family: outcome.family, connectMs: outcome.connectMs };
    case 'refused':
      return { kind: 'refused', address: outcome.address, afterMs: outcome.afterMs };
    case 'timeout':
      return { kind: 'timeout', afterMs: outcome.afterMs };
    case 'unreachable':
      return { kind: 'unreachable', errorCode: outcome.errorCode };
    case 'reset':
      return { kind: 'reset', afterMs: outcome.afterMs };
    case 'error':
      return { kind: 'error', errorCode: outcome.errorCode, message: outcome.message };
  }
}

function projectCertificate(certificate: CertificateSummary): CertificateSummary {
  return {
    ...optional('subjectCommonName', certificate.subjectCommonName),
    names: strings(certificate.names),
    issuer: certificate.issuer,
    validFrom: certificate.validFrom,
    validTo: certificate.validTo,
    selfSigned: certificate.selfSigned,
    fingerprintSha256: certificate.fingerprintSha256,
  };
}

function projectVerification(verification: CertificateVerification): CertificateVerification {
  return verification.ok ? { ok: true } : { ok: false, problem: verification.problem, code: verification.code };
}

function projectTls(outcome: TlsOutcome): TlsOutcome {
  switch (outcome.kind) {
    case 'established':
      return {
        kind: 'established',
        mode: outcome.mode,
        protocol: outcome.protocol,
        cipher: outcome.cipher,
        certificate: projectCertificate(outcome.certificate),
        verification: projectVerification(outcome.verification),
        handshakeMs: outcome.handshakeMs,
      };
    case 'starttls-not-offered':
      return { kind: 'starttls-not-offered' };
    case 'starttls-withdrawn':
      return { kind: 'starttls-withdrawn', advertisedOn: outcome.advertisedOn };
    case 'plaintext-on-tls-port':
      return { kind: 'plaintext-on-tls-port', firstBytes: outcome.firstBytes };
    case 'tls-on-plaintext-port':
      return {
        kind: 'tls-on-plaintext-port',
        proof: outcome.proof,
        silentMs: outcome.silentMs,
        ...optional('tlsProtocol', outcome.tlsProtocol),
        ...optional('certificateCode', outcome.certificateCode),
      };
    case 'handshake-failed':
      return { kind: 'handshake-failed', errorCode: outcome.errorCode, message: outcome.message };
    case 'timeout':
      return { kind: 'timeout', phase: outcome.phase, afterMs: outcome.afterMs };
    case 'not-applicable':
      return { kind: 'not-applicable', reason: outcome.reason };
    case 'protocol-error':
      return { kind: 'protocol-error', phase: outcome.phase, errorCode: outcome.errorCode, detail: outcome.detail };
  }
}

function projectLogin(outcome: LoginOutcome): LoginOutcome {
  switch (outcome.kind) {
    case 'accepted':
      return {
        kind: 'accepted',
        ...optional('mechanism', outcome.mechanism),
        durationMs: outcome.durationMs,
        ...optional('authReplyMs', outcome.authReplyMs),
      };
    case 'rejected':
      return {
        kind: 'rejected',
        ...optional('responseCode', outcome.responseCode),
        serverText: outcome.serverText,
        durationMs: outcome.durationMs,
        ...optional('authReplyMs', outcome.authReplyMs),
      };
    case 'unavailable':
      return { kind: 'unavailable', serverText: outcome.serverText };
    case 'skipped':
      return {
        kind: 'skipped',
        reason: outcome.reason,
        ...optional('safeAfter', outcome.safeAfter),
        ...optional(
          'ledger',
          outcome.ledger === undefined
            ? undefined
            : { path: outcome.ledger.path, problem: outcome.ledger.problem, ...optional('errorCode', outcome.ledger.errorCode) },
        ),
      };
    case 'timeout':
      return { kind: 'timeout', afterMs: outcome.afterMs, ...optional('phase', outcome.phase) };
    case 'error':
      return { kind: 'error', errorCode: outcome.errorCode, message: outcome.message };
  }
}

function projectServerProbe(result: ServerProbeResult | null): ServerProbeResult | null {
  if (result === null) return null;
  return {
    role: result.role,
    protocol: result.protocol,
    host: result.host,
    port: result.port,
    tlsMode: result.tlsMode,
    resolution: projectResolution(result.resolution),
    tcp: result.tcp === null ? null : projectTcp(result.tcp),
    tls: result.tls === null ? null : projectTls(result.tls),
    ...optional('greeting', result.greeting),
    capabilities: strings(result.capabilities),
    login: projectLogin(result.login),
    ...optional('ehloEchoIp', result.ehloEchoIp),
    ...optional('relayWithoutAuth', result.relayWithoutAuth === undefined ? undefined : projectRelay(result.relayWithoutAuth)),
    ...optional('secretScrubbed', result.secretScrubbed),
  };
}

function projectRelay(outcome: SmtpWithoutAuthOutcome): SmtpWithoutAuthOutcome {
  switch (outcome.kind) {
    case 'refused':
      return { kind: 'refused', stage: outcome.stage, responseCode: outcome.responseCode, serverText: outcome.serverText };
    case 'accepted':
      return { kind: 'accepted', serverText: outcome.serverText };
    case 'timeout':
      return { kind: 'timeout', afterMs: outcome.afterMs };
    case 'skipped':
      return { kind: 'skipped', reason: outcome.reason };
    case 'error':
      return { kind: 'error', errorCode: outcome.errorCode, message: outcome.message };
  }
}

function projectSrv(record: SrvRecord): SrvRecord {
  return {
    service: record.service,
    target: record.target,
    port: record.port,
    priority: record.priority,
    weight: record.weight,
  };
}

function projectAutoconfig(attempt: AutoconfigAttempt): AutoconfigAttempt {
  return { url: attempt.url, outcome: attempt.outcome, ...optional('detail', attempt.detail) };
}

function projectPublishedServer(server: PublishedServer): PublishedServer {
  return {
    protocol: server.protocol,
    host: server.host,
    port: server.port,
    tls: server.tls,
    ...optional('usernameTemplate', server.usernameTemplate),
    from: server.from,
  };
}

function projectPublished(published: PublishedSettings | null): PublishedSettings | null {
  if (published === null) return null;
  return {
    domain: published.domain,
    mx: published.mx.map((mx) => ({ exchange: mx.exchange, priority: mx.priority })),
    srv: published.srv.map(projectSrv),
    autoconfig: published.autoconfig.map(projectAutoconfig),
    servers: published.servers.map(projectPublishedServer),
  };
}

function projectWebmail(outcome: WebmailOutcome): WebmailOutcome {
  switch (outcome.kind) {
    case 'page':
      return { kind: 'page', url: outcome.url, httpStatus: outcome.httpStatus, page: outcome.page };
    case 'tls-failed':
      return { kind: 'tls-failed', url: outcome.url, problem: outcome.problem, code: outcome.code };
    case 'unreachable':
      return { kind: 'unreachable', url: outcome.url, tcp: projectTcp(outcome.tcp) };
    case 'not-found':
      return { kind: 'not-found', url: outcome.url, errorCode: outcome.errorCode };
  }
}

// ---------------------------------------------------------------- diagnosis

/**
 * Finding params are the one open record in a run (the rules choose the keys), so they cannot be
 * whitelisted by name. Keep only scalar values (an object here is a mistake) and drop keys that name a
 * credential: the rules never need one, and a careless `{ ...login, password }` must not reach a ticket.
 */
const CREDENTIAL_KEY = /pass(word|wd)?|secret|token|credential|cookie|session|api[-_]?key|private/i;

function projectParams(params: PlainParams): PlainParams {
  const projected: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(params)) {
    if (CREDENTIAL_KEY.test(key)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') projected[key] = value;
  }
  return projected;
}

function projectEvidence(item: EvidenceItem): EvidenceItem {
  return { summary: item.summary, ...optional('raw', item.raw) };
}

function projectStep(step: ChecklistStep, wording: ReportWording): ReportStep {
  return {
    id: step.id,
    title: wording.stepTitle(step.id),
    status: step.status,
    ...optional('reason', step.reason),
    evidence: step.evidence.map(projectEvidence),
    findings: [...step.findings],
  };
}

function projectFinding(finding: Finding, wording: ReportWording): ReportFinding {
  return {
    code: finding.code,
    title: wording.findingTitle(finding),
    side: finding.side,
    params: projectParams(finding.params),
    ...optional('severity', finding.severity),
  };
}

function projectVerdict(verdict: Verdict): ReportVerdict {
  return {
    code: verdict.code,
    side: verdict.side,
    params: projectParams(verdict.params),
    ...optional('severity', verdict.severity),
    ...optional('action', verdict.action),
    title: verdict.title,
    why: verdict.why,
    nextStep: verdict.nextStep,
    ...optional('howTo', verdict.howTo === undefined ? undefined : [...verdict.howTo]),
    ...optional('technical', verdict.technical === undefined ? undefined : [...verdict.technical]),
    fixedBy: verdict.fixedBy,
  };
}

function projectAccount(diagnosis: AccountDiagnosis, wording: ReportWording): ReportAccount {
  const account = diagnosis.account;
  return {
    id: account.id,
    description: account.description,
    emailAddress: account.emailAddress,
    source: account.source,
    authKind: account.authKind,
    ...optional('provider', account.provider),
    verdict: projectVerdict(diagnosis.verdict),
    findings: diagnosis.findings.map((finding) => projectFinding(finding, wording)),
    steps: diagnosis.steps.map((step) => projectStep(step, wording)),
    settings: {
      incoming: projectServerSettings(account.incoming),
      outgoing: projectServerSettings(account.outgoing),
      outgoingLink: projectOutgoingLink(account.outgoingLink),
    },
    passwords: {
      incoming: projectPasswordStatus(account.passwords.incoming),
      outgoing: projectPasswordStatus(account.passwords.outgoing),
      comparison: account.passwords.comparison,
    },
    readProblems: strings(account.readProblems),
    servers: {
      incoming: projectServerProbe(diagnosis.probes.incoming),
      outgoing: projectServerProbe(diagnosis.probes.outgoing),
    },
    published: projectPublished(diagnosis.probes.published),
    webmail: diagnosis.probes.webmail.map(projectWebmail),
    timings: { startedAt: diagnosis.timings.startedAt, durationMs: diagnosis.timings.durationMs },
  };
}

export function projectRun(
  run: DiagnosisRun,
  env: ReportEnvironment,
  wording: ReportWording,
  identitiesMasked: boolean,
): SupportReportJson {
  return {
    format: SUPPORT_REPORT_FORMAT,
    formatVersion: SUPPORT_REPORT_FORMAT_VERSION,
    generatedAt: env.generatedAt,
    app: { version: env.appVersion },
    mac: {
      macosVersion: env.macosVersion ?? null,
      timeZone: env.timeZone,
      ...optional('hostName', env.hostName),
      ...optional('serialNumber', env.serialNumber),
    },
    identitiesMasked,
    summary: summarizeRun(run),
    run: {
      runId: run.runId,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      durationMs: run.durationMs,
      noLogin: run.options.noLogin,
    },
    internet: projectInternet(run.internet),
    publicIp: projectPublicIp(run.publicIp),
    discoveryProblems: run.discoveryProblems.map(projectDiscoveryProblem),
    managedPreferenceProblems: (env.managedPreferenceProblems ?? []).map((problem) => ({
      path: problem.path,
      ...optional('key', problem.key),
      reason: problem.reason,
    })),
    accounts: run.accounts.map((account) => projectAccount(account, wording)),
  };
}

/**
 * The run in one code (see ReportSummary). Full Disk Access comes first: without it the accounts Mail
 * Doctor could see are not all of them, so "OK" would be a guess.
 */
export function summarizeRun(run: Pick<DiagnosisRun, 'accounts' | 'discoveryProblems'>): ReportSummary {
  const notOk = run.accounts.filter((account) => account.verdict.code !== 'OK');
  const counts = { accounts: run.accounts.length, accountsNotOk: notOk.length };
  if (run.discoveryProblems.some((problem) => problem.kind === 'full-disk-access-needed')) return { code: 'FULL_DISK_ACCESS_NEEDED', ...counts };
  if (run.accounts.length === 0) {
    return { code: run.discoveryProblems.some((problem) => problem.kind === 'not-macos') ? 'NOT_MACOS' : 'NO_ACCOUNTS', ...counts };
  }
  return { code: notOk[0]?.verdict.code ?? 'OK', ...counts };
}

/** Every address and login name the run knows about: what `maskIdentities` hides. */
export function identitiesOf(run: DiagnosisRun): string[] {
  const identities: string[] = [];
  for (const { account } of run.accounts) {
    identities.push(account.emailAddress);
    if (account.incoming !== null) identities.push(account.incoming.username);
    if (account.outgoing !== null) identities.push(account.outgoing.username);
  }
  return identities.filter((identity) => identity.length > 0);
}

/**
 * Keys whose values are identifiers from a fixed vocabulary (kinds, statuses, codes, protocols): masking
 * never touches them, so a login name that happens to equal one (`ok`, `imap`) cannot corrupt the report.
 */
const VOCABULARY_KEYS: ReadonlySet<string> = new Set([
  'format', 'kind', 'status', 'code', 'side', 'fixedBy', 'source', 'authKind', 'outcome', 'foundIn', 'comparison',
  'via', 'protocol', 'tls', 'tlsMode', 'mode', 'role', 'problem', 'page', 'from', 'service', 'errorCode',
  'responseCode', 'inherited', 'findings', 'fingerprintSha256', 'id', 'runId', 'severity', 'action', 'phase',
  'serialNumber',
]);

/**
 * Applies `transform` to every free-text string in a projected report. It runs on the projection
 * (already whitelisted plain data), so walking it generically cannot pick up anything unexpected.
 */
export function mapFreeText<T>(value: T, transform: (text: string) => string): T {
  const walk = (node: unknown, vocabulary: boolean): unknown => {
    if (typeof node === 'string') return vocabulary ? node : transform(node);
    if (Array.isArray(node)) return node.map((element) => walk(element, vocabulary));
    if (node !== null && typeof node === 'object') {
      const mapped: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) mapped[key] = walk(child, VOCABULARY_KEYS.has(key));
      return mapped;
    }
    return node;
  };
  // Same shape in, same shape out: only free-text string leaves change.
  return walk(value, false) as T;
}
