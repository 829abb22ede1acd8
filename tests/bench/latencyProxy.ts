/**
 * A loopback TCP proxy that models network latency: every chunk, in each direction, is delivered `oneWayMs`
 * after it arrived (RTT/2 each way), in order. Chunks of one flight that arrive together leave together, as on
 * a real link with that round-trip time.
 *
 * Why not faults.ts's `delay` mode: it chains the chunks, each one waiting its own `ms` after the previous one
 * was delivered, so a TLS flight the server happens to write in three chunks costs three delays. That models a
 * slow link per chunk (the right fault for "slow server" tests), not a round-trip time, and would charge a
 * client that writes in more pieces for latency it would not see on a real network.
 *
 * What it does not model: the TCP handshake itself (the proxy accepts at once and connects upstream at once),
 * so neither side pays the connect's round trip; both sides of the comparison go through it the same way.
 * Targets must be loopback.
 */
import net from 'node:net';

export interface LatencyProxy {
  readonly host: '127.0.0.1';
  readonly port: number;
  close(): Promise<void>;
}

function assertLoopback(host: string): void {
  if (!(net.isIPv4(host) && host.startsWith('127.'))) throw new Error(`the latency proxy only talks to loopback, not ${host}`);
}

export async function startLatencyProxy(target: { host: string; port: number }, oneWayMs: number): Promise<LatencyProxy> {
  assertLoopback(target.host);
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  /** Forwards `from` to `to`, each chunk (and the end) `oneWayMs` after it arrived; timers fire in order. */
  const relay = (from: net.Socket, to: net.Socket): void => {
    const later = (action: () => void): void => {
      if (oneWayMs === 0) action();
      else setTimeout(action, oneWayMs);
    };
    from.on('data', (chunk: Buffer) => later(() => { if (to.writable) to.write(chunk); }));
    from.on('end', () => later(() => to.end()));
    from.on('close', () => later(() => to.destroy()));
  };
  const server = net.createServer((client) => {
    track(client);
    client.setNoDelay(true);
    const upstream = net.connect({ host: target.host, port: target.port });
    upstream.setNoDelay(true);
    track(upstream);
    relay(client, upstream);
    relay(upstream, client);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      if (typeof address === 'object' && address !== null) resolve(address.port);
      else reject(new Error('the latency proxy has no address'));
    });
  });
  return {
    host: '127.0.0.1',
    port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
