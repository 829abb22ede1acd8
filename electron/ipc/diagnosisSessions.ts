/**
 * Keeps track of the diagnosis runs the window started: hands out run ids, cancels by id, and keeps
 * the finished runs the support report is built from. One run at a time: a second "Check my mail"
 * while one is going would only double the logins the user's IP is charged with.
 *
 * Each run holds its passwords in its own scope of the live-secrets registry (electron/keychain/
 * liveSecrets.ts) while it runs; the scope is released when the run is over. The finished run kept here
 * was checked against those passwords before it was handed back (diagnoseAccounts), so the reports built
 * from it later carry nothing the process has since forgotten.
 */
import type { DiagnosisRun, ProgressEvent } from '../../shared/diagnosis/types';
import type { DiagnosisStartRequest } from '../../shared/ipc/contract';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import type { LiveSecrets } from '../keychain/liveSecrets';
import { processSecrets } from '../keychain/liveSecrets';
import type { DiagnosisService } from './mainServices';

export interface RunControl {
  readonly runId: string;
  readonly signal: AbortSignal;
  readonly onProgress: (event: ProgressEvent) => void;
  /** Where this run holds its passwords; released when the run is over. */
  readonly secrets: LiveSecrets;
}

/** Runs one diagnosis to the end (the real one: electron/services.ts). */
export type Diagnose = (request: DiagnosisStartRequest, control: RunControl) => Promise<DiagnosisRun>;

export interface DiagnosisSessionsDeps {
  readonly diagnose: Diagnose;
  readonly newRunId: () => string;
  readonly log: (message: string) => void;
  /** How many finished runs stay available for reports. */
  readonly keepFinished?: number;
  /** The registry each run opens its scope in (default: the process's). */
  readonly secrets?: LiveSecrets;
}

export interface DiagnosisSessions extends DiagnosisService {
  finishedRun(runId: string): DiagnosisRun | undefined;
}

export function createDiagnosisSessions(deps: DiagnosisSessionsDeps): DiagnosisSessions {
  const keep = deps.keepFinished ?? 5;
  let active: { readonly runId: string; readonly controller: AbortController } | null = null;
  const finished = new Map<string, DiagnosisRun>();

  const remember = (run: DiagnosisRun): void => {
    finished.set(run.runId, run);
    while (finished.size > keep) {
      const oldest = finished.keys().next();
      if (oldest.done === true) break;
      finished.delete(oldest.value);
    }
  };

  return {
    start(request, onProgress) {
      if (active !== null) {
        return Promise.resolve(err('run-in-progress', 'A check is already running. Wait for it or cancel it first.'));
      }
      const runId = deps.newRunId();
      const controller = new AbortController();
      const current = { runId, controller };
      active = current;
      const secrets = (deps.secrets ?? processSecrets).openScope();
      deps
        .diagnose(request, { runId, signal: controller.signal, onProgress, secrets })
        .then((run) => {
          remember(run);
        })
        .catch((error: unknown) => {
          deps.log(`diagnosis ${runId} failed (${error instanceof Error ? error.name : 'non-error thrown'})`);
          onProgress({
            type: 'run-failed',
            runId,
            error: { code: 'internal-error', message: 'The check stopped because of an unexpected problem.' },
          });
        })
        .finally(() => {
          secrets.release();
          if (active === current) active = null;
        });
      return Promise.resolve(ok({ runId }));
    },

    cancel(runId): Promise<Result<void>> {
      if (active?.runId !== runId) {
        return Promise.resolve(err('run-not-found', 'That check is not running.'));
      }
      active.controller.abort();
      return Promise.resolve(ok(undefined));
    },

    finishedRun(runId) {
      return finished.get(runId);
    },
  };
}
