/**
 * The diagnosis as the window, the CLI's JSON and the support report carry it. Produced in electron/
 * (probes + account facts) and shared/verdict/ (rules); plain data, no secrets.
 */
import type { ChecklistStepId, StepStatus } from '../checklist/steps';
import type { DiscoveryProblem, MailAccount, ServerRole } from '../model/account';
import type {
  InternetOutcome,
  LoginOutcome,
  PublicIpOutcome,
  PublishedSettings,
  ServerProbeResult,
  WebmailOutcome,
} from '../probes/outcomes';
import type { FailureCode } from '../verdict/codes';
import type { FindingWords } from '../verdict/catalog';
import type { ParamsOf } from '../verdict/params';
import type { MailEvidence } from '../model/evidence';
import type { ExpectedServer } from '../model/managedPreferences';
import type { HostBlockCheck } from '../model/hosting';

export type FindingSide = ServerRole | 'both' | 'account' | 'network' | 'mac';

/** A plain value a text may interpolate (host names, times, counts...). Never a secret. */
export type PlainValue = string | number | boolean;

/** An open record of plain values: evidence labels' params, and any finding's params seen generically (report, CLI). */
export type PlainParams = Readonly<Record<string, PlainValue>>;

/**
 * A finding's params, typed per code (shared/verdict/params.ts). `FindingParams` alone is the union of
 * every code's params; narrow a Finding by its `code` to read one code's keys.
 */
export type FindingParams<C extends FailureCode = FailureCode> = ParamsOf<C>;

/**
 * How much a finding matters: a 'failure' fails its checklist step and can be the verdict; a 'warning'
 * can be the verdict only when nothing failed; a 'note' is worth knowing but never the verdict.
 */
export type FindingSeverity = 'failure' | 'warning' | 'note';

/**
 * One finding of one code, its params typed for that code. Distributive over C, so `Finding` (below) is
 * a union discriminated by `code`: `if (finding.code === 'PASSWORDS_DIFFER') finding.params.staleRole`.
 */
export type FindingOf<C extends FailureCode> = C extends FailureCode
  ? {
      readonly code: C;
      readonly side: FindingSide;
      readonly params: ParamsOf<C>;
      /** Set by shared/verdict/evaluate.ts on every finding it produces. */
      readonly severity?: FindingSeverity;
    }
  : never;

export type Finding = FindingOf<FailureCode>;

/** What the catalog needs to word a finding: its code and its params (correlated). */
export type FindingKeyOf<C extends FailureCode> = C extends FailureCode ? { readonly code: C; readonly params: ParamsOf<C> } : never;
export type FindingKey = FindingKeyOf<FailureCode>;

/**
 * The one verdict of an account: its finding and the catalog's words for it, in the shape documented at the
 * top of shared/verdict/catalog.ts (title, why, nextStep, howTo?, technical?, fixedBy, action?).
 */
export type Verdict = Finding & FindingWords;

/** A fact shown under a checklist step: plain words first, the raw detail (server reply...) second. */
export interface EvidenceItem {
  readonly summary: string;
  readonly raw?: string;
  /**
   * The catalog label and values the summary was worded from (shared/verdict/catalog.ts
   * EVIDENCE_LABELS), so the window can word it again in the person's own time zone. Plain values only.
   */
  readonly label?: string;
  readonly params?: PlainParams;
  /** 'mail' when the fact comes from what Mail and macOS recorded, not from this run's own checks. */
  readonly origin?: 'mail';
}

export interface ChecklistStep {
  readonly id: ChecklistStepId;
  readonly status: StepStatus;
  /** Why a step was skipped or is not applicable, in plain words. */
  readonly reason?: string;
  readonly evidence: readonly EvidenceItem[];
  readonly findings: readonly FailureCode[];
}

/** Everything the live checks learnt about one account, input to the verdict rules. */
export interface AccountProbeFacts {
  readonly incoming: ServerProbeResult | null;
  readonly outgoing: ServerProbeResult | null;
  readonly published: PublishedSettings | null;
  readonly webmail: readonly WebmailOutcome[];
}

export interface AccountDiagnosis {
  readonly account: MailAccount;
  readonly probes: AccountProbeFacts;
  readonly steps: readonly ChecklistStep[];
  /** Secondary findings, most important first; the verdict's own finding comes first. */
  readonly findings: readonly Finding[];
  readonly verdict: Verdict;
  readonly timings: { readonly startedAt: string; readonly durationMs: number };
  /**
   * What macOS and Mail themselves recorded about this account (its connection log, the refused
   * password request...), so the window can show "what Mail saw" with its times. Optional: absent
   * when the runner did not read it.
   */
  readonly mailEvidence?: MailEvidence | null;
  /**
   * The servers the IT department expects for this account's email domain (managed preference
   * `ExpectedServers`), so the window can show "what IT expects" beside Mail's settings. Optional: absent
   * or null when no managed entry names this domain.
   */
  readonly expected?: ExpectedServer | null;
}

export interface DiagnosisRun {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly internet: InternetOutcome;
  readonly publicIp: PublicIpOutcome;
  readonly discoveryProblems: readonly DiscoveryProblem[];
  readonly accounts: readonly AccountDiagnosis[];
  readonly options: { readonly noLogin: boolean };
}

/** Streamed while a diagnosis runs, so the window and the CLI can show live progress. */
export type ProgressEvent =
  | { readonly type: 'run-started'; readonly runId: string; readonly accountIds: readonly string[] }
  | {
      readonly type: 'step-changed';
      readonly runId: string;
      readonly accountId: string;
      readonly stepId: ChecklistStepId;
      readonly status: StepStatus;
    }
  | { readonly type: 'probe-finished'; readonly runId: string; readonly accountId: string; readonly probe: string; readonly durationMs: number }
  /**
   * One server's login is settled (accepted, refused, skipped...), as soon as it is: a slow refusal on one
   * side never holds back the other side's answer. `outcome` is scrubbed of this run's secrets.
   */
  | { readonly type: 'login-finished'; readonly runId: string; readonly accountId: string; readonly role: ServerRole; readonly outcome: LoginOutcome }
  | { readonly type: 'run-finished'; readonly runId: string; readonly run: DiagnosisRun }
  | { readonly type: 'run-failed'; readonly runId: string; readonly error: { readonly code: string; readonly message: string } };

/**
 * Everything the verdict rules read for one account: the stored settings, the live probes, the
 * machine, and what Mail itself recorded. shared/verdict/evaluate.ts turns this into steps,
 * findings and the verdict.
 */
export interface AccountFacts {
  readonly account: MailAccount;
  readonly internet: InternetOutcome;
  readonly probes: AccountProbeFacts;
  readonly publicIp: PublicIpOutcome;
  readonly machine: { readonly uptimeSeconds?: number };
  readonly mailEvidence: MailEvidence | null;
  /** The run was told not to log in (--no-login). */
  readonly noLogin: boolean;
  /** When `now` is, so time-based rules (24 h prompt suppression) are testable. */
  readonly now: string;
  /**
   * What the IT department set for this account's email domain (managed preference `ExpectedServers`,
   * docs/managed-preferences.md). IT's word outranks what the domain publishes in DNS/autoconfig.
   * Absent or null: no managed entry for this domain.
   */
  readonly expected?: ExpectedServer | null;
  /**
   * What the hosting account's records (cPanel/WHM API, electron/admin/) say about this Mac's address,
   * when an administrator ran that check. Absent or null: not checked.
   */
  readonly hostBlockCheck?: HostBlockCheck | null;
}

export interface AccountEvaluation {
  readonly steps: readonly ChecklistStep[];
  readonly findings: readonly Finding[];
  readonly verdict: Verdict;
}
