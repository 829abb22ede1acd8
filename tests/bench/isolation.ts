/**
 * Network isolation for the benchmark, the same approach as `npm test` (tests/run-all.mjs): as root, the
 * bench re-executes itself inside `unshare --net`, a fresh namespace that has only `lo`, so nothing it
 * does can leave the machine and the DROP scenario may add iptables rules there (they vanish with the
 * namespace). Without root it runs in place: all traffic still goes to 127.0.0.0/8 only, and the DROP
 * scenario is skipped (tests/servers/faults.ts refuses to touch a firewall outside such a namespace).
 */
import { spawn, spawnSync } from 'node:child_process';
import { isLoopbackOnlyNamespace } from '../servers/faults';

const ENTERED_MARK = 'MD_BENCH_NETNS';
const SEARCH_PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;

function has(binary: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', binary], { env: { ...process.env, PATH: SEARCH_PATH } }).status === 0;
}

export type Isolation =
  | { readonly kind: 'fresh-namespace' }
  | { readonly kind: 'already-loopback-only' }
  | { readonly kind: 'none'; readonly why: string };

/**
 * Returns how this process is isolated, or never returns: when it can (root + unshare + ip) it runs the
 * same script again in a fresh loopback-only namespace and exits with the child's exit code.
 */
export async function enterLoopbackOnlyNamespace(): Promise<Isolation> {
  if (process.env[ENTERED_MARK] === 'entered') {
    // The child of our own re-exec: the namespace must really be loopback-only, or nothing runs.
    if (!isLoopbackOnlyNamespace()) throw new Error('re-executed inside `unshare --net` but the namespace is not loopback-only');
    return { kind: 'fresh-namespace' };
  }
  if (isLoopbackOnlyNamespace()) return { kind: 'already-loopback-only' };
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !has('unshare') || !has('ip')) {
    return { kind: 'none', why: isRoot ? 'unshare or ip is missing' : 'not running as root' };
  }
  const script = process.argv[1];
  if (script === undefined) throw new Error('cannot re-execute: no script path in process.argv');
  // process.execArgv carries tsx's loader flags, so the child runs the same TypeScript the same way.
  const child = spawn(
    'unshare',
    ['--net', '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, ...process.execArgv, script, ...process.argv.slice(2)],
    { stdio: 'inherit', env: { ...process.env, PATH: SEARCH_PATH, [ENTERED_MARK]: 'entered' } },
  );
  // The terminal's Ctrl-C reaches the child's process group directly; a SIGTERM sent to us is passed on.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  const code = await new Promise<number>((resolve) => {
    child.on('error', (error) => {
      process.stderr.write(`[bench] could not start unshare: ${error.message}\n`);
      resolve(1);
    });
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal === null ? 1 : 128)));
  });
  process.exit(code);
}
