/**
 * Deadline plumbing shared by the probes. A probe has one absolute deadline and one AbortSignal
 * (ProbeContext); these helpers turn them into a single signal, and run a probe's work so that
 * whatever happens (success, deadline, cancel, a thrown error) every socket and timer it opened
 * is released before the outcome is returned. Tests count active handles to hold us to that.
 */
import type { LoginOutcome } from '../../shared/probes/outcomes';
import type { ProbeContext } from './types';

/** Why a probe's combined signal fired. */
export type StopReason = 'deadline' | 'cancelled';

/** Milliseconds left before `ctx.deadline` (never negative). */
export function remainingMs(ctx: Pick<ProbeContext, 'deadline'>): number {
  return Math.max(0, ctx.deadline - Date.now());
}

/**
 * The time left as a timeout option for a client library (nodemailer, imapflow, dns Resolver):
 * never below 1, because to them 0 means "no timeout" or "your default", not "now".
 */
export function libraryTimeoutMs(ctx: Pick<ProbeContext, 'deadline'>): number {
  return Math.max(1, remainingMs(ctx));
}

/** Anything that holds an OS handle and can be released synchronously (sockets, servers, resolvers). */
export interface Releasable {
  destroy(): void;
}

export interface DeadlineScope {
  /** Aborts when the deadline passes or the caller cancels; `reason` is then a StopReason. */
  readonly signal: AbortSignal;
  /** Milliseconds since the scope started. */
  elapsedMs(): number;
  /** Registers a handle that must be released when the scope ends, whatever the outcome. */
  track<T extends Releasable>(handle: T): T;
  /** Why the scope stopped early, or undefined while it is still running. */
  stopReason(): StopReason | undefined;
}

/** The reason carried by a scope's signal, narrowed. */
export function stopReasonOf(signal: AbortSignal): StopReason | undefined {
  if (!signal.aborted) return undefined;
  return signal.reason === 'deadline' ? 'deadline' : 'cancelled';
}

/**
 * A signal that fires at the deadline or when `ctx.signal` fires, whichever comes first.
 * `dispose()` clears the timer and the listener on the caller's signal (call it exactly when done).
 */
export function combinedSignal(ctx: ProbeContext): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onCancel = (): void => controller.abort('cancelled');
  let timer: NodeJS.Timeout | undefined;
  if (ctx.signal.aborted) {
    controller.abort('cancelled');
  } else if (remainingMs(ctx) <= 0) {
    controller.abort('deadline');
  } else {
    ctx.signal.addEventListener('abort', onCancel, { once: true });
    timer = setTimeout(() => controller.abort('deadline'), remainingMs(ctx));
  }
  return {
    signal: controller.signal,
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onCancel);
    },
  };
}

/**
 * Resolves when `signal` aborts (with its StopReason). The returned `cancel` removes the listener so a
 * long-lived signal does not accumulate listeners from finished waits.
 */
export function whenStopped(signal: AbortSignal): { promise: Promise<StopReason>; cancel: () => void } {
  let onAbort: (() => void) | undefined;
  const promise = new Promise<StopReason>((resolve) => {
    if (signal.aborted) {
      resolve(stopReasonOf(signal) ?? 'cancelled');
      return;
    }
    onAbort = () => resolve(stopReasonOf(signal) ?? 'cancelled');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return {
    promise,
    cancel: () => {
      if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Runs `work` inside a deadline scope and returns its outcome, or `onStop(reason, elapsedMs)` if the
 * deadline/cancel fires first, or `onError(error)` if `work` throws. In every case the timer is cleared
 * and every tracked handle destroyed before this resolves, so nothing outlives the probe.
 * `work` should watch `scope.signal` itself where it can (to stop early and classify precisely);
 * this race is the backstop that makes a forgotten await harmless.
 */
export async function runWithDeadline<T>(
  ctx: ProbeContext,
  work: (scope: DeadlineScope) => Promise<T>,
  onStop: (reason: StopReason, elapsedMs: number) => T,
  onError: (error: unknown) => T,
): Promise<T> {
  const started = Date.now();
  const { signal, dispose } = combinedSignal(ctx);
  const handles = new Set<Releasable>();
  const scope: DeadlineScope = {
    signal,
    elapsedMs: () => Date.now() - started,
    track: (handle) => {
      handles.add(handle);
      // A handle registered after the scope already stopped is released at once.
      if (signal.aborted) handle.destroy();
      return handle;
    },
    stopReason: () => stopReasonOf(signal),
  };
  const stopped = whenStopped(signal);
  try {
    const guarded = (async () => work(scope))().catch((error: unknown) => onError(error));
    const winner = await Promise.race([
      guarded.then((value) => ({ done: true as const, value })),
      stopped.promise.then((reason) => ({ done: false as const, reason })),
    ]);
    if (winner.done) return winner.value;
    return onStop(winner.reason, Date.now() - started);
  } finally {
    stopped.cancel();
    dispose();
    // Newest first: a TLS socket is tracked after the TCP socket it wraps, and must be destroyed before it.
    // Destroying the TCP socket under a live TLSSocket first crashes Node 20 (segfault at the next GC).
    for (const handle of [...handles].reverse()) {
      try {
        handle.destroy();
      } catch {
        // Releasing must never turn a classified outcome into a throw.
      }
    }
  }
}

/**
 * A library login call (imapflow, nodemailer) raced against the probe's deadline and the cancel signal:
 * whichever comes first is the outcome, and the timer and the abort listener are always released. The
 * caller closes the library client afterwards in every case.
 */
export async function untilDeadlineOrCancel(ctx: Pick<ProbeContext, 'signal'>, budgetMs: number, attempt: Promise<LoginOutcome>): Promise<LoginOutcome> {
  const startedAt = Date.now();
  let stopTimer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<LoginOutcome>((resolve) => {
    stopTimer = setTimeout(() => resolve({ kind: 'timeout', afterMs: Date.now() - startedAt }), budgetMs);
    onAbort = () => resolve({ kind: 'skipped', reason: 'cancelled' });
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([attempt, stopped]);
  } finally {
    clearTimeout(stopTimer);
    if (onAbort !== undefined) ctx.signal.removeEventListener('abort', onAbort);
  }
}
