// Small process helpers for the test rig: run a command to completion, find free loopback ports,
// wait for a TCP port, stop a daemon and wait until it is really gone.
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export async function run(command: string, args: string[], options: { cwd?: string; input?: string } = {}): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { cwd: options.cwd, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`${command} ${args.join(' ')} failed: ${detail}`);
  }
}

/** Absolute path of a binary on PATH (plus the sbin dirs, which a non-login root shell may lack), or undefined. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  const result = spawnSync('sh', ['-c', `PATH="${dirs.join(':')}" command -v "$1"`, 'sh', name], { encoding: 'utf8' });
  const found = result.stdout.trim();
  return result.status === 0 && found.startsWith('/') ? found : undefined;
}

function canListen(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: ip, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function osAssignedPort(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: ip, port: 0, exclusive: true }, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * `count` distinct ports that are free on every address in `ips` right now. The OS picks them (so parallel
 * runs of the rig rarely collide); the caller still retries the start if a daemon then fails to bind.
 */
export async function freePorts(count: number, ips: readonly string[]): Promise<number[]> {
  const ports: number[] = [];
  for (let attempts = 0; ports.length < count; attempts++) {
    if (attempts > count * 50) throw new Error('could not find free loopback ports');
    const candidate = await osAssignedPort(ips[0] ?? '127.0.0.1');
    if (ports.includes(candidate)) continue;
    const freeEverywhere = await Promise.all(ips.map((ip) => canListen(ip, candidate)));
    if (freeEverywhere.every(Boolean)) ports.push(candidate);
  }
  return ports;
}

export function tcpConnects(ip: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: ip, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Hex form of an IPv4 address as /proc/net/tcp prints it (little-endian on x86/arm). */
function procNetHex(ip: string, port: number): string {
  const bytes = ip.split('.').map((part) => Number(part));
  const hexIp = bytes.reverse().map((byte) => byte.toString(16).padStart(2, '0')).join('').toUpperCase();
  return `${hexIp}:${port.toString(16).padStart(4, '0').toUpperCase()}`;
}

/**
 * Which of the given ip:port pairs have a listening TCP socket, read from /proc/net/tcp (this netns).
 * Used instead of test connections so that readiness checks leave no "connection lost" noise in server logs.
 */
export function listeningSockets(): Set<string> {
  const listening = new Set<string>();
  let table = '';
  try {
    table = readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return listening;
  }
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[3] === '0A' && fields[1] !== undefined) listening.add(fields[1]);
  }
  return listening;
}

export function allListening(ips: readonly string[], ports: readonly number[]): boolean {
  const listening = listeningSockets();
  return ips.every((ip) => ports.every((port) => listening.has(procNetHex(ip, port)) || listening.has(procNetHex('0.0.0.0', port))));
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, whenLate: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms\n${whenLate()}`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, wait until the process is gone (Dovecot/Exim take 2-3 s), SIGKILL as a last resort. */
export async function stopProcess(pid: number | undefined, graceMs = 8000): Promise<void> {
  if (pid === undefined || !isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
