// Network faults for tests, all confined to loopback:
//  - iptables DROP (silent ban -> connect timeout) / REJECT (refused at once) on a local port. These refuse to
//    run unless this process is in a loopback-only network namespace (tests/run-all.mjs re-execs the suite in
//    `unshare --net`), so a rule can never land in the machine's real firewall.
//  - a loopback TCP proxy adding latency, black-holing, or resetting (the kernel here has no netem);
//  - a scriptable hostile TCP server (greets, stalls, resets, upgrades to TLS... as a test script says).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { findBinary } from './exec';

// ---------------------------------------------------------------- namespace + iptables

/** True when an `ip -o link` listing has exactly one link and it is `lo`. */
export function onlyLoopbackLinks(ipOLinkOutput: string): boolean {
  const links = ipOLinkOutput.split('\n').filter((line) => line.trim() !== '')
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1]);
  return links.length === 1 && links[0] === 'lo';
}

/** True only when `ip -o link` shows just `lo` (no way out of the machine from this namespace). */
export function isLoopbackOnlyNamespace(): boolean {
  const ip = findBinary('ip');
  if (ip === undefined) return false;
  try {
    return onlyLoopbackLinks(execFileSync(ip, ['-o', 'link'], { encoding: 'utf8' }));
  } catch {
    return false;
  }
}

/** Why firewall faults cannot run here, or undefined when they can. */
export function firewallFaultsUnavailableReason(): string | undefined {
  if (!isLoopbackOnlyNamespace()) {
    return 'not in a loopback-only network namespace (run `npm test`, which re-execs inside `unshare --net` as root)';
  }
  if (process.getuid?.() !== 0) return 'iptables needs root';
  if (findBinary('iptables') === undefined) return 'missing binary: iptables';
  return undefined;
}

function assertSafeForFirewall(port: number): string {
  const reason = firewallFaultsUnavailableReason();
  if (reason !== undefined) throw new Error(`refusing to add an iptables rule: ${reason}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`bad port ${port}`);
  const iptables = findBinary('iptables');
  if (iptables === undefined) throw new Error('missing binary: iptables');
  return iptables;
}

export type UndoFault = () => Promise<void>;

function addRule(port: number, target: string[]): UndoFault {
  const iptables = assertSafeForFirewall(port);
  // Only new connections to loopback on that port: an established connection keeps working, as with a real ban.
  const rule = ['INPUT', '-d', '127.0.0.0/8', '-p', 'tcp', '--dport', String(port), '--syn', ...target];
  execFileSync(iptables, ['-w', '-I', ...rule]);
  let undone = false;
  return () => {
    if (!undone) {
      undone = true;
      execFileSync(iptables, ['-w', '-D', ...rule]);
    }
    return Promise.resolve();
  };
}

/** Silently drop new connections to 127.0.0.0/8:port (a firewall/fail2ban ban): clients time out. */
export function dropPort(port: number): Promise<UndoFault> {
  return Promise.resolve().then(() => addRule(port, ['-j', 'DROP']));
}

/** Refuse new connections to 127.0.0.0/8:port with a TCP reset: clients get ECONNREFUSED at once. */
export function rejectPort(port: number): Promise<UndoFault> {
  return Promise.resolve().then(() => addRule(port, ['-j', 'REJECT', '--reject-with', 'tcp-reset']));
}

// ---------------------------------------------------------------- loopback fault proxy

export type ProxyMode =
  | { kind: 'delay'; ms: number } // every chunk, each direction, waits ms (order kept)
  | { kind: 'blackhole' } // accepts the TCP connection, never sends or forwards a byte
  | { kind: 'reset' }; // accepts, then resets at once

export interface FaultProxy {
  host: '127.0.0.1';
  port: number;
  /** Connections accepted so far. */
  connections: () => number;
  close: () => Promise<void>;
}

function assertLoopback(host: string): void {
  if (!(net.isIPv4(host) && host.startsWith('127.')) && host !== '::1') {
    throw new Error(`fault helpers only talk to loopback, not ${host}`);
  }
}

function listenOnLoopback(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      if (typeof address === 'object' && address !== null) resolve(address.port);
      else reject(new Error('no address'));
    });
  });
}

function closeServer(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startFaultProxy(target: { host: string; port: number }, mode: ProxyMode): Promise<FaultProxy> {
  assertLoopback(target.host);
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined); // a reset peer is the point of these tests
  };
  const server = net.createServer((client) => {
    accepted++;
    track(client);
    if (mode.kind === 'blackhole') return;
    if (mode.kind === 'reset') {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ host: target.host, port: target.port });
    track(upstream);
    // Only the delay is the fault: Nagle here would hold a chunk for the other side's delayed ACK (40 ms) on top.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    // A per-direction chain keeps chunks in order even though each one is delayed.
    const relay = (from: net.Socket, to: net.Socket): void => {
      let chain = Promise.resolve();
      from.on('data', (chunk) => {
        chain = chain.then(() => new Promise<void>((resolve) => setTimeout(() => {
          if (to.writable) to.write(chunk);
          resolve();
        }, mode.ms)));
      });
      from.on('end', () => { chain = chain.then(() => { to.end(); }); });
      from.on('close', () => { chain = chain.then(() => { to.destroy(); }); });
    };
    relay(client, upstream);
    relay(upstream, client);
  });
  const port = await listenOnLoopback(server);
  return { host: '127.0.0.1', port, connections: () => accepted, close: () => closeServer(server, sockets) };
}

// ---------------------------------------------------------------- conversation proxy (source address, round trips)

/** One connection through a conversation proxy: who spoke, in order. */
export interface ProxiedConversation {
  /**
   * The turns of the conversation: each is a run of bytes in one direction with nothing from the other side in
   * between ('server' turns are answers the client waited for, the greeting and TLS flights included).
   */
  readonly turns: readonly { readonly from: 'client' | 'server'; readonly bytes: number }[];
  /** Everything the client sent, in order. */
  readonly clientBytes: Buffer;
}

export interface ConversationProxy {
  host: '127.0.0.1';
  port: number;
  /** Every connection so far, in the order they were accepted. */
  conversations: () => ProxiedConversation[];
  /**
   * Round trips of connection `index` after its TCP connect: how many times the client waited for the
   * server, i.e. the server turns the client then answered (TLS flights, the greeting, each reply). The
   * answer to a goodbye the client does not wait for (QUIT, LOGOUT before closing) is not one.
   */
  roundTrips: (index: number) => number;
  close: () => Promise<void>;
}

let nextSourceOctets = Math.floor(Math.random() * 200 * 250);

/**
 * A loopback address of its own (127.77.x.y) for a test to connect from: Dovecot's auth penalty is kept per
 * client address, so a test that connects from its own address has a penalty state nobody else touches.
 */
export function uniqueSourceAddress(): string {
  nextSourceOctets = (nextSourceOctets + 1) % (250 * 250);
  return `127.77.${Math.floor(nextSourceOctets / 250) + 1}.${(nextSourceOctets % 250) + 1}`;
}

/**
 * A transparent loopback TCP proxy that records every conversation through it (turns, client bytes) and
 * connects upstream from `sourceAddress` when given, so the server sees that address as the client
 * (e.g. uniqueSourceAddress(): a Dovecot auth-penalty state of the test's own). Targets must be loopback.
 */
export async function startConversationProxy(target: { host: string; port: number }, options: { sourceAddress?: string } = {}): Promise<ConversationProxy> {
  assertLoopback(target.host);
  if (options.sourceAddress !== undefined) assertLoopback(options.sourceAddress);
  const sockets = new Set<net.Socket>();
  const conversations: { turns: { from: 'client' | 'server'; bytes: number }[]; client: Buffer[] }[] = [];
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const server = net.createServer((client) => {
    const conversation = { turns: [] as { from: 'client' | 'server'; bytes: number }[], client: [] as Buffer[] };
    conversations.push(conversation);
    track(client);
    const upstream = net.connect({ host: target.host, port: target.port, ...(options.sourceAddress === undefined ? {} : { localAddress: options.sourceAddress }) });
    track(upstream);
    // Transparent, as a direct connection: with Nagle on, a flight the server writes in two sends (a TLS
    // handshake) waited here for the client's delayed ACK, 40 ms now and then that no direct connection has.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pause();
    upstream.once('connect', () => client.resume());
    const note = (from: 'client' | 'server', chunk: Buffer): void => {
      const last = conversation.turns[conversation.turns.length - 1];
      if (last?.from === from) last.bytes += chunk.length;
      else conversation.turns.push({ from, bytes: chunk.length });
    };
    client.on('data', (chunk: Buffer) => {
      note('client', chunk);
      conversation.client.push(Buffer.from(chunk));
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      note('server', chunk);
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const port = await listenOnLoopback(server);
  const snapshot = (): ProxiedConversation[] =>
    conversations.map((each) => ({ turns: each.turns.map((turn) => ({ ...turn })), clientBytes: Buffer.concat(each.client) }));
  return {
    host: '127.0.0.1',
    port,
    conversations: snapshot,
    roundTrips: (index) => {
      const turns = conversations[index]?.turns ?? [];
      return turns.filter((turn, position) => turn.from === 'server' && turns[position + 1]?.from === 'client').length;
    },
    close: () => closeServer(server, sockets),
  };
}

// ---------------------------------------------------------------- scriptable hostile server

export type HostileStep =
  | { write: string | Uint8Array } // send bytes (strings as latin1, so any byte can be written)
  | { waitMs: number } // pause
  | { readUntil: string | RegExp; timeoutMs?: number } // wait until the bytes received since the last read match
  // write what `reply` makes of what this connection's readUntil steps read so far, oldest first (latin1): a
  // server that echoes the client's command (its AUTH line, its PASS) back into its refusal
  | { reply: (reads: readonly string[]) => string }
  // write `chunk` again and again (waiting while the client does not read) until the client closes the
  // connection or `maxBytes` were sent: an endless line, an endless reply
  | { flood: { chunk: string; maxBytes: number } }
  | { startTls: { certFile: string; keyFile: string } } // STARTTLS upgrade of this connection as the server
  | { stall: true } // keep the connection open and silent until the client gives up (or the server closes)
  | { reset: true } // TCP RST
  | { end: true }; // orderly close (FIN)

export interface HostileServerOptions {
  /** Script run for each connection (or a function choosing one per connection, 0-based). */
  script: HostileStep[] | ((connectionIndex: number) => HostileStep[]);
  /** Implicit TLS from the first byte with this certificate. */
  tls?: { certFile: string; keyFile: string };
}

export interface HostileServer {
  host: '127.0.0.1';
  port: number;
  /** Everything each connection sent to the server, latin1-decoded, in connection order. */
  received: () => string[];
  /** Script errors (e.g. a readUntil timeout), in connection order; empty when the scripts ran cleanly. */
  scriptErrors: () => string[];
  connections: () => number;
  close: () => Promise<void>;
}

function secureContext(pair: { certFile: string; keyFile: string }): tls.SecureContextOptions {
  return { cert: readFileSync(pair.certFile), key: readFileSync(pair.keyFile) };
}

export async function startHostileServer(options: HostileServerOptions): Promise<HostileServer> {
  const sockets = new Set<net.Socket>();
  const received: string[] = [];
  const errors: string[] = [];
  let count = 0;

  const runScript = async (raw: net.Socket, index: number): Promise<void> => {
    let socket: net.Socket = raw;
    let buffer = '';
    const reads: string[] = [];
    let waiter: (() => void) | undefined;
    const listen = (s: net.Socket): void => {
      s.on('data', (chunk: Buffer) => {
        const text = chunk.toString('latin1');
        received[index] = (received[index] ?? '') + text;
        buffer += text;
        waiter?.();
      });
      s.on('error', () => undefined);
      s.on('close', () => waiter?.());
    };
    if (options.tls !== undefined) {
      socket = new tls.TLSSocket(raw, { isServer: true, ...secureContext(options.tls) });
      sockets.add(socket);
    }
    listen(socket);
    const steps = typeof options.script === 'function' ? options.script(index) : options.script;
    for (const step of steps) {
      if (socket.destroyed) return;
      if ('write' in step) {
        socket.write(typeof step.write === 'string' ? Buffer.from(step.write, 'latin1') : step.write);
      } else if ('flood' in step) {
        const chunk = Buffer.from(step.flood.chunk, 'latin1');
        const target = socket;
        let sent = 0;
        while (!target.destroyed && target.writable && sent < step.flood.maxBytes) {
          sent += chunk.length;
          if (!target.write(chunk)) {
            await new Promise<void>((resolve) => {
              const done = (): void => {
                target.off('drain', done);
                target.off('close', done);
                resolve();
              };
              target.on('drain', done);
              target.on('close', done);
            });
          }
        }
      } else if ('reply' in step) {
        socket.write(Buffer.from(step.reply(reads), 'latin1'));
      } else if ('waitMs' in step) {
        await new Promise((resolve) => setTimeout(resolve, step.waitMs));
      } else if ('readUntil' in step) {
        const matches = (): boolean => (typeof step.readUntil === 'string' ? buffer.includes(step.readUntil) : step.readUntil.test(buffer));
        const deadline = Date.now() + (step.timeoutMs ?? 5000);
        while (!matches()) {
          if (socket.destroyed || Date.now() > deadline) throw new Error(`readUntil ${String(step.readUntil)} not met; got ${JSON.stringify(buffer)}`);
          await new Promise<void>((resolve) => {
            waiter = resolve;
            setTimeout(resolve, 50);
          });
        }
        reads.push(buffer);
        buffer = '';
      } else if ('startTls' in step) {
        const upgraded = new tls.TLSSocket(socket, { isServer: true, ...secureContext(step.startTls) });
        sockets.add(upgraded);
        socket.removeAllListeners('data');
        socket = upgraded;
        buffer = '';
        listen(socket);
      } else if ('stall' in step) {
        return; // leave it open; close() or the client ends it
      } else if ('reset' in step) {
        raw.resetAndDestroy();
        return;
      } else {
        socket.end();
        return;
      }
    }
  };

  const server = net.createServer((raw) => {
    const index = count++;
    received[index] = '';
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => undefined);
    runScript(raw, index).catch((error: unknown) => {
      errors[index] = error instanceof Error ? error.message : String(error);
      raw.destroy();
    });
  });
  const port = await listenOnLoopback(server);
  return {
    host: '127.0.0.1',
    port,
    received: () => [...received],
    scriptErrors: () => errors.filter((error) => error !== undefined),
    connections: () => count,
    close: () => closeServer(server, sockets),
  };
}
