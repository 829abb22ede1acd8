/**
 * A whole process with the kernel's accounting of it: wall time, CPU time (user + system) and peak resident set
 * size, from `wait4()`'s rusage (microseconds and kilobytes). GNU time prints CPU time in 10 ms steps, too coarse
 * for a 40 ms start-up, so a few lines of Python (python3 is in the test set-up's packages) fork, exec and wait4
 * the child; Python's own start-up happens before the fork and is not counted. On a machine shared with other
 * work the CPU time moves much less than the wall time, so the bench reports both.
 */
import { runProcess } from './processRun';
import type { ProcessOptions, ProcessRun } from './processRun';

export interface ResourceUse {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakRssMb: number;
  readonly run: ProcessRun;
}

const WAIT4 = `
import os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
os.write(3, ("%f %f %d %d" % (wall * 1000, (usage.ru_utime + usage.ru_stime) * 1000, usage.ru_maxrss, os.waitstatus_to_exitcode(status))).encode())
`;

export async function measureProcess(command: string, args: readonly string[], options: ProcessOptions = {}): Promise<ResourceUse> {
  const run = await runProcess('python3', ['-c', WAIT4, command, ...args], { ...options, extraFd: true });
  const [wallMs, cpuMs, maxRssKb] = (run.extraFdText ?? '').trim().split(' ').map(Number);
  if (wallMs === undefined || cpuMs === undefined || maxRssKb === undefined || [wallMs, cpuMs, maxRssKb].some(Number.isNaN)) {
    throw new Error(`no resource usage for ${command} (exit ${String(run.code)}): ${run.stderr.slice(0, 500)}`);
  }
  return { wallMs, cpuMs, peakRssMb: maxRssKb / 1024, run };
}
