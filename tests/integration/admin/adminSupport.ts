// Helpers for the hosting-account tests: a cPanel/WHM contract double on the real rig, and raw logins from a
// chosen loopback address (how a cPHulk block on that address is seen from outside).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import tls from 'node:tls';
import type { CliDependencies } from '../../../electron/cli/runCli';
import { runCli } from '../../../electron/cli/runCli';
import { SYSTEM_KEYCHAIN } from '../../../electron/keychain/keychainAccess';
import type { HostingConnection } from '../../../shared/model/hosting';
import type { CpanelDouble } from '../../servers/cpanelDouble';
import { startCpanelDouble } from '../../servers/cpanelDouble';
import type { MailServersInfo } from '../../servers/types';
import { useMailServers } from '../../servers/useMailServers';
import { afterAll, beforeEach } from 'vitest';

export const CPANEL_USER = 'exampleuser';
export const WHM_USER = 'root';
export const DOMAIN = 'example.test';

/** Random tokens in cPanel's shape (32 capitals and digits): a canary as much as a credential. */
export function newToken(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(32)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

export interface DoubleFixture {
  readonly double: CpanelDouble;
  readonly cpanelToken: string;
  readonly whmToken: string;
  readonly cpanel: HostingConnection;
  readonly whm: HostingConnection;
  readonly stateDir: string;
  readonly cleanup: () => Promise<void>;
}

export async function startDoubleFixture(info: MailServersInfo): Promise<DoubleFixture> {
  const cpanelToken = newToken();
  const whmToken = newToken();
  const double = await startCpanelDouble({
    info,
    cpanel: { user: CPANEL_USER, token: cpanelToken, domains: [DOMAIN] },
    whm: { user: WHM_USER, token: whmToken },
    existingMailboxes: [info.users.alice.address],
  });
  const stateDir = await mkdtemp(join(tmpdir(), 'md-admin-state-'));
  return {
    double,
    cpanelToken,
    whmToken,
    cpanel: { api: 'cpanel', url: double.cpanelUrl, user: CPANEL_USER },
    whm: { api: 'whm', url: double.whmUrl, user: WHM_USER },
    stateDir,
    cleanup: async () => {
      await double.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * `mail-doctor admin ARGS` in this process, as the packaged app runs it (runCli with the system keychain unless
 * `deps` say otherwise): its exit code and everything it wrote.
 */
export async function runAdminInProcess(
  args: readonly string[],
  deps: Partial<CliDependencies> = {},
  stdin: Readable = Readable.from([]),
): Promise<{ readonly code: number; readonly stdout: string; readonly stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runCli(['admin', ...args], { stdout, stderr, stdin, appVersion: '0.0.0-test' }, { keychain: SYSTEM_KEYCHAIN, ...deps });
  return { code, stdout: out, stderr: err };
}

/**
 * One double for the whole file, started on the first test's rig and with its faults cleared before each test;
 * stopped after the file. `info()` is the current test's rig, `double()` the fixture.
 */
export function useDoubleFixture(): { readonly info: () => MailServersInfo; readonly fixture: () => DoubleFixture } {
  let info: MailServersInfo | undefined;
  let fixture: DoubleFixture | undefined;
  beforeEach(async () => {
    info = useMailServers();
    fixture ??= await startDoubleFixture(info);
    fixture.double.clearFaults();
  });
  afterAll(async () => {
    await fixture?.cleanup();
  });
  return {
    info: () => {
      if (info === undefined) throw new Error('no rig yet');
      return info;
    },
    fixture: () => {
      if (fixture === undefined) throw new Error('no double');
      return fixture;
    },
  };
}

type Reply = { readonly ok: boolean; readonly text: string };

/** One session over implicit TLS from `from` (a loopback address): send lines, collect what came back. */
function tlsSession(info: MailServersInfo, port: number, from: string, talk: (write: (line: string) => void, next: () => Promise<string>) => Promise<Reply>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const raw = net.connect({ host: info.host, port, localAddress: from });
    const socket = tls.connect({ socket: raw, ca: info.caPem, servername: info.goodName });
    let buffer = '';
    const waiting: ((line: string) => void)[] = [];
    const lines: string[] = [];
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let index: number;
      while ((index = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, index);
        buffer = buffer.slice(index + 2);
        const waiter = waiting.shift();
        if (waiter === undefined) lines.push(line);
        else waiter(line);
      }
    });
    socket.on('error', reject);
    const next = (): Promise<string> => {
      const line = lines.shift();
      return line === undefined ? new Promise((r) => waiting.push(r)) : Promise.resolve(line);
    };
    socket.once('secureConnect', () => {
      talk((line) => socket.write(`${line}\r\n`), next).then(
        (reply) => {
          socket.end();
          resolve(reply);
        },
        (error: unknown) => {
          socket.destroy();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  });
}

/** An IMAP LOGIN from `from` to the rig's implicit-TLS port. */
export function imapLoginFrom(info: MailServersInfo, user: string, password: string, from: string): Promise<Reply> {
  return tlsSession(info, info.imap.implicit, from, async (write, next) => {
    await next(); // greeting
    write(`a1 LOGIN "${user}" "${password.replace(/["\\]/g, '\\$&')}"`);
    for (;;) {
      const line = await next();
      if (line.startsWith('a1 ')) return { ok: line.startsWith('a1 OK'), text: line };
    }
  });
}

/** An SMTP AUTH PLAIN from `from` to the rig's implicit-TLS submission port. */
export function smtpAuthFrom(info: MailServersInfo, user: string, password: string, from: string): Promise<Reply> {
  return tlsSession(info, info.smtp.implicit, from, async (write, next) => {
    await next(); // 220
    write(`EHLO [${from}]`);
    for (;;) if ((await next()).startsWith('250 ')) break;
    write(`AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`).toString('base64')}`);
    const line = await next();
    return { ok: line.startsWith('235'), text: line };
  });
}
