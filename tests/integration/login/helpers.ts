// Helpers for the login-probe integration tests: probe contexts, reading the servers' own logs from an
// offset, and a loopback recording proxy (to prove what did or did not cross the wire).
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import net from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import type { DiagnosisRun, ProgressEvent } from '../../../shared/diagnosis/types';
import { LoginBudget } from '../../../electron/diagnosis/loginBudget';
import { realProbeSet } from '../../../electron/diagnosis/realProbeSet';
import { runDiagnosis, type DiagnosisTarget } from '../../../electron/diagnosis/runDiagnosis';
import { startWebFixtures, type WebFixtures } from '../cli/support';
import type { ProbeContext, ServerEndpoint } from '../../../electron/probes/types';
import { FAST_AUTH_POLICY } from '../../servers/dovecot';
import { startExtraServers, type ExtraServers } from '../../servers/start';
import { mailServersAvailable, useMailServers, type MailServersInfo } from '../../servers/useMailServers';
import type { MailProtocol, TlsMode } from '../../../shared/model/account';

/**
 * For suites that check protocol behaviour (one attempt, the server's words kept, never a password in clear)
 * rather than how fast a server refuses: a Dovecot + Exim pair of the file's own with FAST_AUTH_POLICY (no
 * auth penalty, failure delay 0), so their many deliberate failures neither wait 2-17 s each nor slow every
 * other suite's logins from 127.0.0.1. What Dovecot ships is covered by penaltyDefaults.test.ts (and every
 * suite that uses the main rig). Call the returned function inside a test: the rig as usual, with the
 * IMAP/POP3/SMTP ports and logs of that pair.
 */
export function useFastServers(): () => MailServersInfo {
  let extra: ExtraServers | undefined;
  beforeAll(async () => {
    if (mailServersAvailable()) extra = await startExtraServers(useMailServers(), FAST_AUTH_POLICY);
  });
  afterAll(async () => {
    await extra?.stop();
  });
  return () => {
    const info = useMailServers();
    if (extra === undefined) throw new Error('the fast Dovecot + Exim pair did not start');
    return { ...info, imap: extra.imap, pop3: extra.pop3, smtp: extra.smtp, logs: extra.logs, dovecotAuth: extra.auth };
  };
}

export function probeContext(info: MailServersInfo, timeoutMs = 10_000, signal?: AbortSignal): ProbeContext {
  return { deadline: Date.now() + timeoutMs, signal: signal ?? new AbortController().signal, extraCaPem: [info.caPem] };
}

/** The good server by its certificate name, connected through 127.0.0.1 (the name is not in /etc/hosts). */
export function endpoint(info: MailServersInfo, protocol: MailProtocol, tls: TlsMode, port?: number): ServerEndpoint {
  const pair = protocol === 'imap' ? info.imap : protocol === 'pop3' ? info.pop3 : info.smtp;
  return {
    protocol,
    host: info.goodName,
    connectAddress: '127.0.0.1',
    port: port ?? (tls === 'implicit' ? pair.implicit : pair.starttls),
    tls,
  };
}

/** A user name no server knows, unique per call: its failures can be counted exactly in shared logs. */
export function uniqueUnknownUser(label: string): string {
  return `h5-${label}-${randomBytes(4).toString('hex')}@example.test`;
}

export async function logSize(file: string): Promise<number> {
  return (await stat(file)).size;
}

export async function logSince(file: string, offset: number): Promise<string> {
  const content = await readFile(file);
  return content.subarray(offset).toString('utf8');
}

/**
 * Lines written to `file` after `offset` that match, once the count has been stable for `settleMs`
 * (servers write their log lines a moment after the client has its answer) or `timeoutMs` passed.
 */
export async function settledMatchingLines(file: string, offset: number, match: (line: string) => boolean, settleMs = 700, timeoutMs = 6000): Promise<string[]> {
  const startedAt = Date.now();
  let last: string[] = [];
  let stableSince = Date.now();
  for (;;) {
    const lines = (await logSince(file, offset)).split('\n').filter((line) => match(line));
    if (lines.length !== last.length) {
      last = lines;
      stableSince = Date.now();
    }
    if ((last.length > 0 && Date.now() - stableSince >= settleMs) || Date.now() - startedAt >= timeoutMs) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface RecordingProxy {
  readonly port: number;
  /** Every byte the client sent, concatenated over all connections. */
  clientBytes(): Buffer;
  /** Waits (up to 2 s) until the client has sent `text`; the probe's farewell may still be in flight. */
  waitForClientText(text: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy that records what the client sends. `upstreamLocalAddress` lets the upstream
 * connection come from another loopback address: Dovecot treats 127.0.0.1 -> 127.0.0.1 as a secure
 * connection, so to see its real cleartext policy the client must appear to come from elsewhere.
 */
export async function startRecordingProxy(target: { host: string; port: number }, upstreamLocalAddress?: string): Promise<RecordingProxy> {
  const chunks: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    const upstream = net.connect({ host: target.host, port: target.port, ...(upstreamLocalAddress === undefined ? {} : { localAddress: upstreamLocalAddress }) });
    sockets.add(upstream);
    client.on('data', (chunk: Buffer) => {
      chunks.push(Buffer.from(chunk));
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    clientBytes: () => Buffer.concat(chunks),
    waitForClientText: async (text: string) => {
      const giveUpAt = Date.now() + 2000;
      while (!Buffer.concat(chunks).includes(Buffer.from(text, 'latin1')) && Date.now() < giveUpAt) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Every encoding in which a password could appear on the wire in the protocols we speak. */
export function passwordForms(username: string, password: string): Buffer[] {
  return [
    Buffer.from(password, 'utf8'),
    Buffer.from(Buffer.from(password, 'utf8').toString('base64'), 'latin1'),
    Buffer.from(Buffer.from(`\0${username}\0${password}`, 'utf8').toString('base64'), 'latin1'),
  ];
}

/** A whole diagnosis (the real probes, a real login ledger in `stateDir`) against the rig: its DNS, its CA. */
export interface RigDiagnosis {
  readonly run: DiagnosisRun;
  readonly events: ProgressEvent[];
}

/**
 * runDiagnosis as the app runs it, pointed at the rig: the test DNS server and CA (verification stays on),
 * loopback captive-check and webmail pages (started once per file), no public-IP lookup. Call the returned
 * function inside a test.
 */
export function useRigDiagnosis(): (info: MailServersInfo, targets: readonly DiagnosisTarget[], options: { readonly stateDir: string; readonly phaseTimeoutMs: number }) => Promise<RigDiagnosis> {
  let web: WebFixtures | undefined;
  beforeAll(async () => {
    if (mailServersAvailable()) web = await startWebFixtures(useMailServers());
  });
  afterAll(async () => {
    await web?.close();
  });
  return async (info, targets, options) => {
    if (web === undefined) throw new Error('web fixtures did not start');
    const events: ProgressEvent[] = [];
    const run = await runDiagnosis({
      targets,
      discoveryProblems: [],
      probes: realProbeSet({ publicIpLookup: false, captivePortalUrl: web.captiveUrl, webmailUrls: [web.webmailUrl] }),
      budget: await LoginBudget.open(options.stateDir),
      noLogin: false,
      phaseTimeoutMs: options.phaseTimeoutMs,
      publicIpLookup: false,
      extraCaPem: [info.caPem],
      dnsServers: [`127.0.0.1:${info.dns.port}`],
      onProgress: (event) => events.push(event),
    });
    return { run, events };
  };
}
