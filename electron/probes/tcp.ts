/**
 * TCP connect probe. Our own deadline decides "timed out" (a CSF-style silent DROP would otherwise
 * hold us for the OS's 75 s on macOS), and the error is classified the way a helpdesk reads it:
 * refused (nothing listens, or a fail2ban-style REJECT), timeout (silent DROP), unreachable (no route),
 * reset. When a host has IPv4 and IPv6 addresses, Node's autoSelectFamily (Happy Eyeballs, RFC 8305)
 * races them; `socket.remoteFamily` then tells which family won.
 */
import net, { type Socket } from 'node:net';
import type { AddressFamily, ResolvedAddress, TcpOutcome } from '../../shared/probes/outcomes';
import { type DeadlineScope, runWithDeadline, stopReasonOf } from './deadline';
import { lookupFunction } from './dns';
import type { ProbeContext } from './types';

export interface TcpConnectOptions {
  /** Addresses already resolved by the dns probe: connect to these instead of resolving `host` again. */
  readonly addresses?: readonly ResolvedAddress[];
}

/** A connected socket, tracked by the scope it was opened in. */
export type TcpConnection =
  | { readonly outcome: Extract<TcpOutcome, { kind: 'connected' }>; readonly socket: Socket }
  | { readonly outcome: Exclude<TcpOutcome, { kind: 'connected' }>; readonly socket?: undefined };

const UNREACHABLE_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);

interface ErrorFacts {
  readonly code: string;
  readonly address?: string;
  readonly message: string;
}

function factsOf(error: unknown): ErrorFacts[] {
  if (error instanceof AggregateError) {
    // autoSelectFamily reports every failed attempt (one per address) in `errors`.
    const inner = error.errors.flatMap((each: unknown) => factsOf(each));
    if (inner.length > 0) return inner;
  }
  if (typeof error === 'object' && error !== null) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : 'ERROR';
    const address = 'address' in error && typeof error.address === 'string' ? error.address : undefined;
    const message = 'message' in error && typeof error.message === 'string' ? error.message : 'connect failed';
    return [address === undefined ? { code, message } : { code, address, message }];
  }
  return [{ code: 'ERROR', message: String(error) }];
}

/**
 * Maps a connect error to an outcome. With several addresses the most telling failure wins:
 * a refusal proves the host answered, which says more than one family having no route.
 */
export function classifyConnectError(error: unknown, afterMs: number, host: string): Exclude<TcpOutcome, { kind: 'connected' }> {
  const facts = factsOf(error);
  const refused = facts.find((fact) => fact.code === 'ECONNREFUSED');
  if (refused !== undefined) return { kind: 'refused', address: refused.address ?? host, afterMs };
  if (facts.some((fact) => fact.code === 'ECONNRESET')) return { kind: 'reset', afterMs };
  if (facts.some((fact) => fact.code === 'ETIMEDOUT')) return { kind: 'timeout', afterMs };
  const unreachable = facts.find((fact) => UNREACHABLE_CODES.has(fact.code));
  if (unreachable !== undefined) return { kind: 'unreachable', errorCode: unreachable.code };
  const first = facts[0] ?? { code: 'ERROR', message: 'connect failed' };
  return { kind: 'error', errorCode: first.code, message: first.message };
}

function familyOf(socket: Socket, address: string): AddressFamily {
  if (socket.remoteFamily === 'IPv6') return 6;
  if (socket.remoteFamily === 'IPv4') return 4;
  return net.isIPv6(address) ? 6 : 4;
}

/**
 * Connects within `scope` (its signal ends the wait; the socket is tracked by it, so it is released with
 * the scope unless its new owner `release`s it). Never rejects. On failure nothing is left open. A no-op
 * 'error' listener stays on the socket so a late RST cannot crash the process before its reader attaches.
 */
export function openTcp(host: string, port: number, ctx: ProbeContext, scope: DeadlineScope, options: TcpConnectOptions = {}): Promise<TcpConnection> {
  const started = Date.now();
  const { signal } = scope;
  return new Promise<TcpConnection>((resolve) => {
    if (signal.aborted) {
      resolve(stoppedOutcome(signal, Date.now() - started));
      return;
    }
    const socket = scope.track(
      net.connect({
        host,
        port,
        // Race IPv4/IPv6 (Node's default attempt delay is 250 ms, as RFC 8305 recommends).
        autoSelectFamily: true,
        // Each command is one write, and some follow one another without an answer between them (the TLS
        // Finished, then EHLO; a pipelined envelope): with Nagle on, the second would wait for the server's ACK
        // of the first, a round trip or a delayed ACK (40-200 ms) on a real network. curl does the same.
        noDelay: true,
        lookup: lookupFunction(ctx, options.addresses),
      }),
    );
    socket.on('error', () => {
      // See above: keeps late errors from becoming uncaught exceptions; outcomes come from the handlers below.
    });
    let settled = false;
    const finish = (result: TcpConnection): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onStop);
      socket.off('connect', onConnect);
      socket.off('error', onError);
      resolve(result);
    };
    const onConnect = (): void => {
      const address = socket.remoteAddress ?? host;
      finish({
        outcome: { kind: 'connected', address, family: familyOf(socket, address), connectMs: Date.now() - started },
        socket,
      });
    };
    const onError = (error: unknown): void => {
      socket.destroy();
      finish({ outcome: classifyConnectError(error, Date.now() - started, host) });
    };
    const onStop = (): void => {
      socket.destroy();
      finish(stoppedOutcome(signal, Date.now() - started));
    };
    socket.once('connect', onConnect);
    socket.once('error', onError);
    signal.addEventListener('abort', onStop, { once: true });
  });
}

function stoppedOutcome(signal: AbortSignal, afterMs: number): TcpConnection {
  if (stopReasonOf(signal) === 'deadline') return { outcome: { kind: 'timeout', afterMs } };
  return { outcome: { kind: 'error', errorCode: 'ABORT_ERR', message: 'cancelled' } };
}

/** The TCP probe: connect, record how it went, close. Never rejects. */
export function connectTcp(host: string, port: number, ctx: ProbeContext, options: TcpConnectOptions = {}): Promise<TcpOutcome> {
  return runWithDeadline<TcpOutcome>(
    ctx,
    async (scope) => (await openTcp(host, port, ctx, scope, options)).outcome,
    (reason, afterMs) => (reason === 'deadline' ? { kind: 'timeout', afterMs } : { kind: 'error', errorCode: 'ABORT_ERR', message: 'cancelled' }),
    (error) => ({ kind: 'error', errorCode: 'ERROR', message: error instanceof Error ? error.message : String(error) }),
  );
}
