/**
 * The one deadline helper of the probes. A probe has one absolute deadline and one AbortSignal
 * (ProbeContext); `runWithDeadline` turns them into a scope whose signal fires at the deadline or on
 * cancel, and runs the probe's work so that whatever happens (success, deadline, cancel, a thrown error)
 * every socket and timer it opened is released before the outcome is returned. Tests count active
 * handles to hold us to that.
 *
 * Two needs shape the scope beyond that: a login's deadline moves once the credential has left (the
 * server's answer gets AUTH_REPLY_DEADLINE_MS of its own, see login.ts), so the deadline can be moved;
 * and a side question asked on a connection of its own (does this silent port speak TLS?) must stop on
 * its own when the main question is answered first, so a scope has children.
 */
import type { ProbeContext } from './types';

/** Why a probe's scope stopped. */
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
  /** Takes a handle off the list: its new owner (a session handed to the runner) releases it. */
  release(handle: Releasable): void;
  /** Why the scope stopped early, or undefined while it is still running. */
  stopReason(): StopReason | undefined;
  /** The absolute deadline (Date.now() based). */
  deadline(): number;
  /** Moves the deadline (the one move a login makes: once the credential has left, see login.ts). */
  moveDeadline(to: number): void;
  /**
   * A scope inside this one that can be stopped on its own (its question became moot). It stops with its
   * parent; `stop()` releases the handles it tracked (newest first), the parent is the backstop.
   */
  child(): { readonly scope: DeadlineScope; stop(): void };
}

/** The reason carried by a scope's signal, narrowed. */
export function stopReasonOf(signal: AbortSignal): StopReason | undefined {
  if (!signal.aborted) return undefined;
  return signal.reason === 'deadline' ? 'deadline' : 'cancelled';
}

/** Releases handles newest first, never throwing: releasing must not turn a classified outcome into a throw. */
function releaseAll(handles: readonly Releasable[]): void {
  // Newest first: a TLS socket is tracked after the TCP socket it wraps, and must be destroyed before it.
  // Destroying the TCP socket under a live TLSSocket first crashes Node 20 (segfault at the next GC).
  for (const handle of [...handles].reverse()) {
    try {
      handle.destroy();
    } catch {
      // see above
    }
  }
}

interface OwnedScope {
  readonly scope: DeadlineScope;
  /** Stops the scope (if still running) and releases what it tracked. */
  end(reason: StopReason): void;
}

/**
 * A scope stopped by a timer at its (movable) deadline and by `parent`'s abort (the caller's cancel signal,
 * or a parent scope's signal, whose reason is passed on).
 */
function createScope(deadline: number, parent: AbortSignal, startedAt: number): OwnedScope {
  const controller = new AbortController();
  const handles: Releasable[] = [];
  let at = deadline;
  let timer: NodeJS.Timeout | undefined;
  const onParentStop = (): void => stop(stopReasonOf(parent) ?? 'cancelled');
  const stop = (reason: StopReason): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    parent.removeEventListener('abort', onParentStop);
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const arm = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (controller.signal.aborted) return;
    const left = at - Date.now();
    if (left <= 0) stop('deadline');
    else timer = setTimeout(() => stop('deadline'), left);
  };
  if (parent.aborted) stop(stopReasonOf(parent) ?? 'cancelled');
  else {
    parent.addEventListener('abort', onParentStop, { once: true });
    arm();
  }
  const scope: DeadlineScope = {
    signal: controller.signal,
    elapsedMs: () => Date.now() - startedAt,
    track: (handle) => {
      handles.push(handle);
      // A handle registered after the scope already stopped is released at once.
      if (controller.signal.aborted) releaseAll([handle]);
      return handle;
    },
    release: (handle) => {
      const index = handles.lastIndexOf(handle);
      if (index !== -1) handles.splice(index, 1);
    },
    stopReason: () => stopReasonOf(controller.signal),
    deadline: () => at,
    moveDeadline: (to) => {
      at = to;
      arm();
    },
    child: () => {
      const child = createScope(at, controller.signal, Date.now());
      return {
        scope: child.scope,
        stop: () => child.end('cancelled'),
      };
    },
  };
  return {
    scope,
    end: (reason) => {
      stop(reason);
      releaseAll(handles.splice(0));
    },
  };
}

/**
 * Runs `work` inside a deadline scope and returns its outcome, or `onStop(reason, elapsedMs)` if the
 * deadline/cancel fires first, or `onError(error)` if `work` throws. In every case the timer is cleared
 * and every tracked handle destroyed before this resolves, so nothing outlives the probe (except what the
 * work `release`d to a new owner).
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
  const owned = createScope(ctx.deadline, ctx.signal, started);
  const { signal } = owned.scope;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<StopReason>((resolve) => {
    if (signal.aborted) {
      resolve(stopReasonOf(signal) ?? 'cancelled');
      return;
    }
    onAbort = () => resolve(stopReasonOf(signal) ?? 'cancelled');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const guarded = (async () => work(owned.scope))().catch((error: unknown) => onError(error));
    const winner = await Promise.race([
      guarded.then((value) => ({ done: true as const, value })),
      stopped.then((reason) => ({ done: false as const, reason })),
    ]);
    if (winner.done) return winner.value;
    return onStop(winner.reason, Date.now() - started);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    owned.end('cancelled');
  }
}
