/**
 * Child process for timeLimit.test.ts: starts a time limit, then behaves as told —
 * `wait-for-abort` (a run that stops when aborted), `block` (an event loop stuck in a synchronous loop),
 * `finish` (a run that ends in time). It prints what happened to stdout.
 */
import { startTimeLimit } from '../../../electron/fleet/timeLimit';

const [mode, limitMs, graceMs] = process.argv.slice(2);
const limit = startTimeLimit({ limitMs: Number(limitMs), graceMs: Number(graceMs), onLimit: () => process.stdout.write('limit\n') });
process.stdout.write('started\n');

switch (mode) {
  case 'wait-for-abort': {
    // Work that keeps the process busy (like open sockets) until the run is aborted.
    const work = setInterval(() => undefined, 1_000);
    await new Promise<void>((resolve) => limit.signal.addEventListener('abort', () => resolve()));
    clearInterval(work);
    process.stdout.write(`aborted: ${String((limit.signal.reason as Error).message)}\n`);
    await limit.stop();
    process.stdout.write('stopped\n');
    break;
  }
  case 'block': {
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      // A stuck synchronous call: no timer of this thread can run.
    }
    process.stdout.write('survived\n');
    break;
  }
  case 'finish':
    await limit.stop();
    // Outlive the limit and its grace: nothing may abort or kill a run that finished in time.
    await new Promise((resolve) => setTimeout(resolve, Number(limitMs) + Number(graceMs) + 500));
    process.stdout.write(`finished aborted=${String(limit.signal.aborted)}\n`);
    break;
  case undefined:
  default:
    throw new Error(`unknown mode ${String(mode)}`);
}
