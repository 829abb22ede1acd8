/**
 * The window's one connection between the diagnosis reducer and the bridge: subscribes to progress
 * events, starts and cancels runs. The bridge calls live in plain functions (startRun, cancelRun)
 * so they can be tested without React.
 */
import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { Dispatch } from 'react';
import type { DiagnosisStartRequest, MailDoctorApi } from '../../shared/ipc/contract';
import { diagnosisReducer, initialDiagnosisState, isActive } from './diagnosisReducer';
import type { DiagnosisAction, DiagnosisState } from './diagnosisReducer';

export type DiagnosisBridge = Pick<MailDoctorApi, 'startDiagnosis' | 'cancelDiagnosis' | 'onDiagnosisProgress'>;

/**
 * Asks main to start a run. The request (which may hold a typed password) goes to the bridge once;
 * the reducer keeps only a copy without the password.
 */
export async function startRun(bridge: DiagnosisBridge, dispatch: Dispatch<DiagnosisAction>, request: DiagnosisStartRequest): Promise<void> {
  dispatch({ type: 'start-requested', request });
  const result = await bridge.startDiagnosis(request);
  if (result.ok) dispatch({ type: 'start-accepted', runId: result.value.runId });
  else dispatch({ type: 'start-refused', error: { code: result.error.code, message: result.error.message } });
}

/** Asks main to stop the run; the run then finishes with its remaining steps skipped as cancelled. */
export async function cancelRun(bridge: DiagnosisBridge, dispatch: Dispatch<DiagnosisAction>, runId: string): Promise<void> {
  dispatch({ type: 'cancel-requested' });
  await bridge.cancelDiagnosis({ runId });
}

export interface DiagnosisControls {
  readonly state: DiagnosisState;
  /** Starts a run unless one is going already. */
  readonly start: (request: DiagnosisStartRequest) => void;
  readonly cancel: () => void;
}

export function useDiagnosis(bridge: DiagnosisBridge): DiagnosisControls {
  const [state, dispatch] = useReducer(diagnosisReducer, initialDiagnosisState);
  // The callbacks read the latest state without being re-created on every progress event.
  const latest = useRef(state);
  useEffect(() => {
    latest.current = state;
  }, [state]);

  useEffect(() => bridge.onDiagnosisProgress((event) => dispatch({ type: 'progress', event })), [bridge]);

  const start = useCallback(
    (request: DiagnosisStartRequest) => {
      if (isActive(latest.current)) return;
      void startRun(bridge, dispatch, request);
    },
    [bridge],
  );

  const cancel = useCallback(() => {
    const { runId } = latest.current;
    if (!isActive(latest.current) || runId === null) return;
    void cancelRun(bridge, dispatch, runId);
  }, [bridge]);

  return { state, start, cancel };
}
