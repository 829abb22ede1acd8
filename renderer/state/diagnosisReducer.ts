/**
 * The window's picture of diagnosis runs, driven by the ProgressEvents main streams and by what the
 * window itself asked for (start, cancel). Pure: no bridge, no React, so recorded event sequences can
 * be replayed in unit tests.
 *
 * Events arrive over a transport we do not control the timing of: `run-started` (and even
 * `run-finished`) may arrive before the answer to "start" does, an old run's stragglers may arrive
 * after a new run began, and a newer main process may send event kinds this window does not know.
 * The reducer adopts the first run it sees while starting, ignores every event for another run, and
 * never lets a step go backwards (a late "running" after "passed").
 */
import { CHECKLIST_STEP_IDS } from '../../shared/checklist/steps';
import type { ChecklistStepId, StepStatus } from '../../shared/checklist/steps';
import type { AccountDiagnosis, DiagnosisRun, ProgressEvent } from '../../shared/diagnosis/types';
import type { ServerRole } from '../../shared/model/account';
import type { LoginOutcome } from '../../shared/probes/outcomes';
import type { DiagnosisStartRequest } from '../../shared/ipc/contract';

export type RunPhase = 'idle' | 'starting' | 'running' | 'finished' | 'cancelled' | 'failed';

export type LiveSteps = Readonly<Record<ChecklistStepId, StepStatus>>;

export type LiveLogins = Readonly<Partial<Record<ServerRole, LoginOutcome>>>;

export interface RunError {
  readonly code: string;
  readonly message: string;
}

/** A finished account result, with the run it came from (the support report is asked for by run id). */
export interface AccountResult {
  readonly runId: string;
  readonly diagnosis: AccountDiagnosis;
  /** The run ended early because the person cancelled it: its steps say "cancelled". */
  readonly cancelled: boolean;
}

export interface DiagnosisState {
  readonly phase: RunPhase;
  /** The run being shown (null until main named it). */
  readonly runId: string | null;
  /** What was asked for, so "Run again" repeats it (a typed password is never kept: see withoutPassword). */
  readonly request: DiagnosisStartRequest | null;
  readonly accountIds: readonly string[];
  /** Live step statuses of the current run, per account id. */
  readonly liveSteps: Readonly<Record<string, LiveSteps>>;
  readonly probesFinished: number;
  /** Probes of the current run that finished, per account id ("incoming-connect", "outgoing-login"...), for the progress view. */
  readonly finishedProbes: Readonly<Record<string, readonly string[]>>;
  /** Logins of the current run already settled, per account id and side, shown while the other side still runs. */
  readonly liveLogins: Readonly<Record<string, LiveLogins>>;
  readonly cancelRequested: boolean;
  /** The whole last run, when it finished (also when cancelled). */
  readonly lastRun: DiagnosisRun | null;
  /** Latest finished result per account id, across runs, so every account keeps its status dot. */
  readonly results: Readonly<Record<string, AccountResult>>;
  readonly error: RunError | null;
}

export type DiagnosisAction =
  | { readonly type: 'start-requested'; readonly request: DiagnosisStartRequest }
  | { readonly type: 'start-accepted'; readonly runId: string }
  | { readonly type: 'start-refused'; readonly error: RunError }
  | { readonly type: 'cancel-requested' }
  | { readonly type: 'progress'; readonly event: ProgressEvent };

export const initialDiagnosisState: DiagnosisState = {
  phase: 'idle',
  runId: null,
  request: null,
  accountIds: [],
  liveSteps: {},
  probesFinished: 0,
  finishedProbes: {},
  liveLogins: {},
  cancelRequested: false,
  lastRun: null,
  results: {},
  error: null,
};

/** A run's request as the window may remember it: the typed password is used once, then forgotten. */
export function withoutPassword(request: DiagnosisStartRequest): DiagnosisStartRequest {
  if (request.manual?.password === undefined) return request;
  const { password: _forgotten, ...manual } = request.manual;
  return { ...request, manual };
}

const STATUS_RANK: Readonly<Record<StepStatus, number>> = {
  pending: 0,
  running: 1,
  passed: 2,
  failed: 2,
  warning: 2,
  skipped: 2,
  'not-applicable': 2,
};

const KNOWN_STEPS: ReadonlySet<string> = new Set(CHECKLIST_STEP_IDS);
const KNOWN_STATUSES: ReadonlySet<string> = new Set(Object.keys(STATUS_RANK));

function pendingSteps(): LiveSteps {
  return Object.fromEntries(CHECKLIST_STEP_IDS.map((id) => [id, 'pending' as const])) as LiveSteps;
}

export function isActive(state: DiagnosisState): boolean {
  return state.phase === 'starting' || state.phase === 'running';
}

export function diagnosisReducer(state: DiagnosisState, action: DiagnosisAction): DiagnosisState {
  switch (action.type) {
    case 'start-requested':
      if (isActive(state)) return state;
      return {
        ...state,
        phase: 'starting',
        runId: null,
        request: withoutPassword(action.request),
        accountIds: [],
        liveSteps: {},
        probesFinished: 0,
        finishedProbes: {},
        liveLogins: {},
        cancelRequested: false,
        error: null,
      };
    case 'start-accepted':
      if (state.phase === 'starting' && state.runId === null) return { ...state, runId: action.runId };
      // The run's own events got here first (it is already running or even finished): nothing to add.
      return state;
    case 'start-refused':
      if (state.phase !== 'starting') return state;
      return { ...state, phase: 'failed', error: action.error };
    case 'cancel-requested':
      return isActive(state) ? { ...state, cancelRequested: true } : state;
    case 'progress':
      return applyProgress(state, action.event);
    default:
      return state;
  }
}

/** Whether an event belongs to the run this window is following (adopting the first one while starting). */
function followsRun(state: DiagnosisState, runId: unknown): runId is string {
  if (typeof runId !== 'string') return false;
  if (state.phase === 'starting') return state.runId === null || state.runId === runId;
  if (state.phase === 'running') return state.runId === runId;
  return false;
}

function applyProgress(state: DiagnosisState, event: ProgressEvent): DiagnosisState {
  if (typeof event !== 'object' || (event as unknown) === null) return state;
  if (!followsRun(state, event.runId)) return state;
  switch (event.type) {
    case 'run-started': {
      if (state.phase === 'running') return state;
      const accountIds = Array.isArray(event.accountIds) ? event.accountIds.filter((id) => typeof id === 'string') : [];
      return {
        ...state,
        phase: 'running',
        runId: event.runId,
        accountIds,
        liveSteps: Object.fromEntries(accountIds.map((id) => [id, pendingSteps()])),
      };
    }
    case 'step-changed': {
      if (state.phase !== 'running') return state;
      const steps = state.liveSteps[event.accountId];
      if (steps === undefined || !KNOWN_STEPS.has(event.stepId) || !KNOWN_STATUSES.has(event.status)) return state;
      const current = steps[event.stepId];
      // A finished step never goes back to pending/running (a straggler from before it finished).
      if (STATUS_RANK[event.status] < STATUS_RANK[current]) return state;
      return { ...state, liveSteps: { ...state.liveSteps, [event.accountId]: { ...steps, [event.stepId]: event.status } } };
    }
    case 'probe-finished': {
      if (state.phase !== 'running') return state;
      if (typeof event.accountId !== 'string' || typeof event.probe !== 'string') return state;
      const finished = state.finishedProbes[event.accountId] ?? [];
      return {
        ...state,
        probesFinished: state.probesFinished + 1,
        finishedProbes: { ...state.finishedProbes, [event.accountId]: [...finished, event.probe] },
      };
    }
    case 'login-finished': {
      if (state.phase !== 'running' || !state.accountIds.includes(event.accountId)) return state;
      if (event.role !== 'incoming' && event.role !== 'outgoing') return state;
      if (typeof event.outcome !== 'object' || (event.outcome as unknown) === null || typeof event.outcome.kind !== 'string') return state;
      const logins = state.liveLogins[event.accountId] ?? {};
      return { ...state, liveLogins: { ...state.liveLogins, [event.accountId]: { ...logins, [event.role]: event.outcome } } };
    }
    case 'run-finished': {
      const run = event.run;
      // Checked because the event crossed a process boundary; the type alone cannot promise it.
      const accounts: unknown = typeof run === 'object' && (run as unknown) !== null ? run.accounts : undefined;
      if (!Array.isArray(accounts)) return state;
      const cancelled = state.cancelRequested;
      const results = { ...state.results };
      for (const diagnosis of run.accounts) {
        results[diagnosis.account.id] = { runId: event.runId, diagnosis, cancelled };
      }
      return {
        ...state,
        phase: cancelled ? 'cancelled' : 'finished',
        runId: event.runId,
        accountIds: run.accounts.map((diagnosis) => diagnosis.account.id),
        lastRun: run,
        results,
        cancelRequested: false,
      };
    }
    case 'run-failed':
      return {
        ...state,
        phase: 'failed',
        runId: event.runId,
        cancelRequested: false,
        error: typeof event.error === 'object' ? event.error : { code: 'unknown', message: '' },
      };
    default:
      // An event kind this window does not know (a newer main process): ignore it.
      return state;
  }
}

/** The step statuses to show for one account right now: live while running, else the last result. */
export function stepStatusesFor(state: DiagnosisState, accountId: string): LiveSteps | null {
  if (isActive(state)) {
    const live = state.liveSteps[accountId];
    if (live !== undefined) return live;
  }
  const result = state.results[accountId];
  if (result === undefined) return null;
  const statuses = { ...pendingSteps() };
  for (const step of result.diagnosis.steps) statuses[step.id] = step.status;
  return statuses;
}

/** Whether this account is part of the run going on now. */
export function isBeingChecked(state: DiagnosisState, accountId: string): boolean {
  if (state.phase === 'starting') return true;
  return state.phase === 'running' && state.accountIds.includes(accountId);
}
