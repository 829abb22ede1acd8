// Start a foreground daemon with its stdout/stderr in a file, and stop it for sure.
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';
import { stopProcess } from './exec';

export interface Daemon {
  name: string;
  pid: number;
  outputFile: string;
  /** Set when the process has exited (e.g. it could not bind its port). */
  exited: () => boolean;
  output: () => string;
  stop: () => Promise<void>;
}

/** pids of every daemon this process started, so an exit/signal handler can still kill them synchronously. */
export const runningDaemonPids = new Set<number>();

export function startDaemon(name: string, binary: string, args: string[], outputFile: string, pidRegistry?: string): Daemon {
  const fd = openSync(outputFile, 'a');
  const child = spawn(binary, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${binary}`);
  const pid = child.pid;
  runningDaemonPids.add(pid);
  if (pidRegistry !== undefined) appendFileSync(pidRegistry, `${pid}\n`);
  let hasExited = false;
  child.once('exit', () => {
    hasExited = true;
    runningDaemonPids.delete(pid);
  });
  child.once('error', () => {
    hasExited = true;
  });
  return {
    name,
    pid,
    outputFile,
    exited: () => hasExited,
    output: () => {
      try {
        return readFileSync(outputFile, 'utf8');
      } catch {
        return '';
      }
    },
    stop: async () => {
      await stopProcess(hasExited ? undefined : pid);
      runningDaemonPids.delete(pid);
    },
  };
}

/**
 * Last resort from a signal/exit handler, where nothing can be awaited: SIGTERM every daemon, then block
 * (Atomics.wait) until they are gone — at most `graceMs` — so the caller can delete their directory after.
 */
export function killAllDaemonsNow(graceMs = 5000): void {
  const pids = [...runningDaemonPids];
  runningDaemonPids.clear();
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) Atomics.wait(sleeper, 0, 0, 50);
  for (const pid of pids.filter(alive)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/**
 * A detached shell that outlives this process: once `ownerPid` is gone without having stopped the rig (SIGKILL,
 * OOM, a crashed runner), it SIGTERMs every pid in `<rootDir>/daemon-pids`, then SIGKILLs and deletes the dir.
 * (PR_SET_PDEATHSIG is no help: Exim and dnsmasq change credentials, which clears it.) Kill it on a normal stop.
 */
export function startOrphanWatchdog(ownerPid: number, rootDir: string): { stop: () => void } {
  const script = `
    while kill -0 "$1" 2>/dev/null; do sleep 1; done
    pids=$(cat "$2/daemon-pids" 2>/dev/null)
    [ -n "$pids" ] && kill -TERM $pids 2>/dev/null
    sleep 5
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
    rm -rf "$2"`;
  const watchdog = spawn('sh', ['-c', script, 'md-rig-watchdog', String(ownerPid), rootDir], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  return {
    stop: () => {
      try {
        if (watchdog.pid !== undefined) process.kill(watchdog.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}
