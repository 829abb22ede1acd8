/**
 * The scheduled run's hard time limit (`--time-limit SECONDS`), enforced on Mail Doctor's own process —
 * not on a wrapper around it, whose death would leave a hung Mail Doctor behind.
 *
 * Two stages:
 * 1. At the limit, `signal` aborts: the diagnosis stops its probes and returns what it has, so a report is
 *    still written (every unfinished check says it timed out).
 * 2. If the process is still alive `graceMs` later (an event loop stuck in a synchronous call, a read that
 *    never returns), a watchdog thread sends SIGKILL to this very process. The watchdog is a worker thread
 *    with its own event loop, so its timer fires even when the main thread is blocked. A killed run leaves
 *    the previous cached report in place (it is replaced atomically), and its age tells the extension
 *    attribute the schedule is in trouble.
 */
import { Worker } from 'node:worker_threads';

export const DEFAULT_GRACE_MS = 15_000;

/** The watchdog's whole program (CommonJS, run with `eval`: nothing to ship or locate next to the bundle). */
const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
setTimeout(() => { process.kill(workerData.pid, 'SIGKILL'); }, workerData.killAfterMs);
`;

export interface TimeLimit {
  /** Aborts when the limit is reached. */
  readonly signal: AbortSignal;
  /** The run finished in time: no abort, no kill. */
  stop(): Promise<void>;
}

export interface TimeLimitOptions {
  readonly limitMs: number;
  readonly graceMs?: number;
  /** Called once when the limit is reached (e.g. to log it), before the abort. */
  readonly onLimit?: () => void;
}

export function startTimeLimit(options: TimeLimitOptions): TimeLimit {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    options.onLimit?.();
    controller.abort(new Error(`the run reached its time limit of ${String(Math.round(options.limitMs / 1000))} s`));
  }, options.limitMs);
  timer.unref();
  const watchdog = new Worker(WATCHDOG_SOURCE, {
    eval: true,
    workerData: { pid: process.pid, killAfterMs: options.limitMs + (options.graceMs ?? DEFAULT_GRACE_MS) },
  });
  // The watchdog never keeps a finished process alive.
  watchdog.unref();
  return {
    signal: controller.signal,
    stop: async () => {
      clearTimeout(timer);
      await watchdog.terminate();
    },
  };
}
