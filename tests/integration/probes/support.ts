// Shared helpers for the probe tests: a probe context with a short deadline, and a check that a probe
// left no socket, timer or DNS request behind (counted with process.getActiveResourcesInfo()).
import type { ProbeContext } from '../../../electron/probes/types';

export function context(deadlineMs: number, extra: Partial<Omit<ProbeContext, 'deadline' | 'signal'>> = {}, signal = new AbortController().signal): ProbeContext {
  return { deadline: Date.now() + deadlineMs, signal, ...extra };
}

const WATCHED = ['TCPSocketWrap', 'TCPWRAP', 'TLSWrap', 'Timeout', 'QueryReqWrap', 'GetAddrInfoReqWrap', 'UDPWrap', 'TCPConnectWrap', 'WriteWrap', 'ShutdownWrap'];

function counts(): Map<string, number> {
  const map = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) if (WATCHED.includes(name)) map.set(name, (map.get(name) ?? 0) + 1);
  return map;
}

function excess(before: Map<string, number>): string[] {
  const after = counts();
  return [...after].filter(([name, n]) => n > (before.get(name) ?? 0)).map(([name, n]) => `${name}: ${before.get(name) ?? 0} -> ${n}`);
}

/**
 * Runs `probe` and returns its result once every handle it opened is gone again. Server-side sockets of
 * in-process test servers close when the client does, so a short settling wait is allowed; a leak fails.
 */
export async function withoutLeaks<T>(probe: () => Promise<T>, settleMs = 1000, afterProbe?: () => Promise<void>): Promise<T> {
  const before = counts();
  const result = await probe();
  // e.g. closing an in-process test server whose own sockets would otherwise be counted as ours.
  await afterProbe?.();
  const until = Date.now() + settleMs;
  for (;;) {
    const extra = excess(before);
    if (extra.length === 0) return result;
    if (Date.now() > until) throw new Error(`handles left after the probe: ${extra.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
