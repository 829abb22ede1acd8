// Starts the whole rig (test PKI, Dovecot, Exim, dnsmasq) in a fresh temp dir and stops it again.
// Used by the vitest globalSetup; also usable from a test that needs a second, differently configured Dovecot.
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestPki, GOOD_NAME, loadTestPki, WRONG_HOST_NAMES } from './certs';
import { ALL_IPS, CERT_IPS, dovecotAuthClientSocket, hostingDirs, SHIPPED_AUTH_POLICY, startDovecot, type DovecotAuthPolicy } from './dovecot';
import { startDnsmasq, ZONE, PUBLIC_IP } from './dnsmasq';
import { startExim } from './exim';
import { findBinary, freePorts } from './exec';
import { startOrphanWatchdog, type Daemon } from './daemon';
import type { DnsNames, MailServersInfo, PortPair, TestUser } from './types';

export const TEST_USERS: { alice: TestUser; bob: TestUser } = {
  alice: { address: 'alice@example.test', password: 'Alice-Pa55!' },
  bob: { address: 'bob@example.test', password: 'Bob-Pa55!' },
};

const DNS_NAMES: DnsNames = {
  mail: GOOD_NAME,
  imapAlias: `imap.${ZONE}`,
  smtpAlias: `smtp.${ZONE}`,
  wrongHost: `wrong-host.${ZONE}`,
  expired: `expired.${ZONE}`,
  untrusted: `untrusted.${ZONE}`,
  missing: `does-not-exist.${ZONE}`,
};
const TXT = 'v=spf1 mx -all';

/** Binaries the rig runs, by the name a developer would install/look for. */
export const REQUIRED_BINARIES = ['openssl', 'dovecot', 'doveadm', 'exim', 'dnsmasq', 'chown'] as const;

export type Binaries = Record<(typeof REQUIRED_BINARIES)[number], string>;

export function locateBinaries(): { found: Binaries } | { missing: string[] } {
  const found: Partial<Binaries> = {};
  const missing: string[] = [];
  // MD_RIG_SIMULATE_MISSING=dnsmasq,... pretends those are not installed: the way to check the skip path here.
  const simulatedMissing = (process.env.MD_RIG_SIMULATE_MISSING ?? '').split(',').filter((name) => name !== '');
  for (const name of REQUIRED_BINARIES) {
    const located = simulatedMissing.includes(name) ? undefined : findBinary(name) ?? (name === 'exim' ? findBinary('exim4') : undefined);
    if (located === undefined) missing.push(name);
    else found[name] = located;
  }
  return missing.length > 0 ? { missing } : { found: found as Binaries };
}

export interface RunningMailServers {
  info: MailServersInfo;
  /** The temp dir holding info.dataDir (and failed attempts); what stop() deletes. */
  rootDir: string;
  stop: () => Promise<void>;
}

export interface StartOptions {
  /** How Dovecot (and Exim, which authenticates through it) treats failed logins; default what Dovecot ships. */
  auth?: DovecotAuthPolicy;
  /** Keep the temp dir after stop (for debugging a failing run). */
  keepDataDir?: boolean;
}

async function stopAll(daemons: Daemon[]): Promise<void> {
  await Promise.all(daemons.map((daemon) => daemon.stop()));
}

async function startOnce(binaries: Binaries, dataDir: string, pidRegistry: string, auth: DovecotAuthPolicy): Promise<{ info: MailServersInfo; daemons: Daemon[] }> {
  const pki = await createTestPki(dataDir);
  const [imapStarttls, imapImplicit, pop3Starttls, pop3Implicit, smtpStarttls, smtpImplicit, dnsPort] = await freePorts(7, ALL_IPS);
  const ports = (a: number | undefined, b: number | undefined): PortPair => {
    if (a === undefined || b === undefined) throw new Error('free port allocation returned too few ports');
    return { starttls: a, implicit: b };
  };
  const imap = ports(imapStarttls, imapImplicit);
  const pop3 = ports(pop3Starttls, pop3Implicit);
  const smtp = ports(smtpStarttls, smtpImplicit);
  if (dnsPort === undefined) throw new Error('no DNS port');
  const users = [TEST_USERS.alice, TEST_USERS.bob];
  const daemons: Daemon[] = [];
  try {
    const dovecotDir = path.join(dataDir, 'dovecot');
    const eximDir = path.join(dataDir, 'exim');
    const dnsDir = path.join(dataDir, 'dns');
    await Promise.all([dovecotDir, eximDir, dnsDir].map((dir) => mkdir(dir, { recursive: true })));
    const [dovecot, exim, dns] = await Promise.all([
      startDovecot({ pidRegistry, dir: dovecotDir, binary: binaries.dovecot, doveadm: binaries.doveadm, pki, users, imap, pop3, auth })
        .then((instance) => { daemons.push(instance.daemon); return instance; }),
      // Exim reaches Dovecot's auth socket only when a client authenticates, so both start at once.
      startExim({ pidRegistry, dir: eximDir, binary: binaries.exim, pki, dovecotAuthSocket: dovecotAuthClientSocket(dovecotDir), smtp, primaryHostname: GOOD_NAME, hosting: hostingDirs(dovecotDir) })
        .then((instance) => { daemons.push(instance.daemon); return instance; }),
      startDnsmasq({ pidRegistry, dir: dnsDir, binary: binaries.dnsmasq, port: dnsPort, names: DNS_NAMES, ips: CERT_IPS, imap, pop3, smtp, txt: TXT })
        .then((instance) => { daemons.push(instance.daemon); return instance; }),
    ]);
    void dns;
    const info: MailServersInfo = {
      host: '127.0.0.1',
      caFile: pki.caFile,
      caPem: pki.caPem,
      goodName: GOOD_NAME,
      imap, pop3, smtp,
      dns: { host: '127.0.0.1', port: dnsPort, zone: ZONE, names: DNS_NAMES, mxPreference: 10, txt: TXT, publicIp: PUBLIC_IP },
      users: TEST_USERS,
      badCerts: {
        wrongHost: { ip: CERT_IPS.wrongHost, dnsName: DNS_NAMES.wrongHost, certNames: WRONG_HOST_NAMES },
        expired: { ip: CERT_IPS.expired, dnsName: DNS_NAMES.expired },
        untrusted: { ip: CERT_IPS.untrusted, dnsName: DNS_NAMES.untrusted },
      },
      logs: { dovecot: dovecot.logFile, exim: exim.mainLog },
      hosting: dovecot.hosting,
      dataDir,
      dovecotAuth: auth,
    };
    return { info, daemons };
  } catch (error) {
    // Promise.all rejected on the first failure; the other starts may still be settling.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await stopAll(daemons);
    throw error;
  }
}

export async function startMailServers(binaries: Binaries, options: StartOptions = {}): Promise<RunningMailServers> {
  const auth = options.auth ?? SHIPPED_AUTH_POLICY;
  const root = await mkdtemp(path.join(os.tmpdir(), 'md-rig-'));
  // Exim's reception process runs as Debian-exim and must traverse to its config/certs.
  await chmod(root, 0o755);
  const pidRegistry = path.join(root, 'daemon-pids');
  const watchdog = startOrphanWatchdog(process.pid, root);
  let lastError: unknown;
  // Ports are free when chosen but another parallel run could grab one before a daemon binds: retry afresh.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const dataDir = path.join(root, `run${attempt}`);
    await mkdir(dataDir, { mode: 0o755 });
    try {
      const { info, daemons } = await startOnce(binaries, dataDir, pidRegistry, auth);
      return {
        info,
        rootDir: root,
        stop: async () => {
          watchdog.stop();
          await stopAll(daemons);
          if (options.keepDataDir !== true) await rm(root, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = error;
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  watchdog.stop();
  await rm(root, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** A Dovecot + Exim pair besides the main rig's (startExtraServers). */
export interface ExtraServers {
  imap: PortPair;
  pop3: PortPair;
  smtp: PortPair;
  logs: { dovecot: string; exim: string };
  auth: DovecotAuthPolicy;
  stop: () => Promise<void>;
}

/**
 * A second Dovecot, and an Exim that authenticates through it, for a test that needs other auth settings
 * (FAST_AUTH_POLICY for speed, or a penalty state of its own), with the same users, certificates and IP layout
 * as the main rig but its own ports and logs. Registered with the main rig's watchdog; stop it in afterAll.
 */
export async function startExtraServers(info: MailServersInfo, auth: DovecotAuthPolicy): Promise<ExtraServers> {
  const binaries = locateBinaries();
  if (!('found' in binaries)) throw new Error(`missing binaries: ${binaries.missing.join(', ')}`);
  const pki = await loadTestPki(info.dataDir);
  const dir = await mkdtemp(path.join(info.dataDir, 'extra-'));
  await chmod(dir, 0o755);
  const dovecotDir = path.join(dir, 'dovecot');
  const eximDir = path.join(dir, 'exim');
  await Promise.all([dovecotDir, eximDir].map((each) => mkdir(each, { recursive: true, mode: 0o755 })));
  const [a, b, c, d, e, f] = await freePorts(6, ALL_IPS);
  if (a === undefined || b === undefined || c === undefined || d === undefined || e === undefined || f === undefined) throw new Error('no free ports');
  const imap = { starttls: a, implicit: b };
  const pop3 = { starttls: c, implicit: d };
  const smtp = { starttls: e, implicit: f };
  const pidRegistry = path.join(path.dirname(info.dataDir), 'daemon-pids');
  const dovecot = await startDovecot({
    pidRegistry, dir: dovecotDir, binary: binaries.found.dovecot, doveadm: binaries.found.doveadm, pki,
    users: [info.users.alice, info.users.bob], imap, pop3, auth,
  });
  let exim;
  try {
    exim = await startExim({ pidRegistry, dir: eximDir, binary: binaries.found.exim, pki, dovecotAuthSocket: dovecot.authClientSocket, smtp, primaryHostname: GOOD_NAME });
  } catch (error) {
    await dovecot.daemon.stop();
    throw error;
  }
  const eximDaemon = exim.daemon;
  return {
    imap, pop3, smtp, auth,
    logs: { dovecot: dovecot.logFile, exim: exim.mainLog },
    stop: async () => {
      await Promise.all([dovecot.daemon.stop(), eximDaemon.stop()]);
    },
  };
}
