/**
 * Runs the real `mail-doctor` CLI (the esbuild bundle npm run diagnose uses) as a child process
 * against the loopback test servers, with the loopback web servers a diagnosis needs around it:
 * the captive-portal check page and a cPanel-style webmail page.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { useMailServers } from '../../servers/useMailServers';
import { loadTestPki } from '../../servers/certs';
import type { MailServersInfo } from '../../servers/types';
import { assertValidReport } from '../../schemas/validateReport';

const execFileAsync = promisify(execFile);
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
export const CLI_BUNDLE = join(REPO_ROOT, 'dist', 'cli', 'mail-doctor.cjs');

/** Builds dist/cli/mail-doctor.cjs exactly as `npm run diagnose` does. */
export async function buildCli(): Promise<void> {
  await execFileAsync(process.execPath, [join(REPO_ROOT, 'esbuild.config.mjs'), '--only', 'cli'], { cwd: REPO_ROOT });
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCliProcess(
  args: readonly string[],
  options: { stdin?: string; env?: NodeJS.ProcessEnv; /** Run as another user (root only). */ uid?: number } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI_BUNDLE, ...args], {
      cwd: REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** The JSON the CLI printed (the support report's JSON), typed loosely for assertions. */
export interface CliJson {
  readonly publicIp: { readonly kind: string; readonly ip?: string; readonly from?: string };
  readonly discoveryProblems: readonly { readonly kind: string }[];
  readonly run: { readonly durationMs: number; readonly noLogin: boolean };
  readonly summary: { readonly code: string; readonly accounts: number; readonly accountsNotOk: number };
  readonly accounts: readonly {
    readonly id: string;
    readonly emailAddress: string;
    readonly verdict: { readonly code: string; readonly side: string; readonly nextStep: string; readonly params: Record<string, unknown> };
    readonly findings: readonly { readonly code: string; readonly side: string; readonly params: Record<string, unknown> }[];
    readonly steps: readonly { readonly id: string; readonly status: string }[];
    readonly settings: {
      readonly incoming: { readonly host: string; readonly port: number; readonly username: string } | null;
      readonly outgoing: { readonly host: string; readonly port: number; readonly username: string } | null;
      readonly outgoingLink: { readonly kind: string };
    };
    readonly passwords: {
      readonly incoming: { readonly outcome: string; readonly attempts: readonly { readonly source: string; readonly outcome: string }[] };
      readonly outgoing: { readonly outcome: string; readonly attempts: readonly { readonly source: string; readonly outcome: string }[] };
      readonly comparison: string;
    };
    readonly servers: {
      readonly incoming: { readonly tcp: { readonly kind: string } | null; readonly login: { readonly kind: string; readonly reason?: string } } | null;
      readonly outgoing: { readonly tcp: { readonly kind: string } | null; readonly login: { readonly kind: string; readonly reason?: string } } | null;
    };
  }[];
}

export function parseCliJson(result: CliResult): CliJson {
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new Error(`the CLI did not print JSON (exit ${String(result.code)}):\n${result.stdout}\n${result.stderr}`);
  }
  // Every JSON the suite gets from the CLI is checked against the published schema (docs/report.schema.json).
  assertValidReport(parsed);
  return parsed as CliJson;
}

/** Loopback web servers a diagnosis talks to besides the mail servers. */
export interface WebFixtures {
  /** http://mail.example.test:PORT/hotspot-detect.html answering "Success", like Apple's. */
  readonly captiveUrl: string;
  /** https://mail.example.test:PORT/ with the good certificate: a cPanel webmail login page. */
  readonly webmailUrl: string;
  close(): Promise<void>;
}

export async function startWebFixtures(info: MailServersInfo): Promise<WebFixtures> {
  const pki = await loadTestPki(info.dataDir);
  const captive = http.createServer((_request, response) => {
    response.end('<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>');
  });
  const webmail = https.createServer(
    { cert: readFileSync(pki.good.certFile), key: readFileSync(pki.good.keyFile) },
    (_request, response) => {
      response.setHeader('content-type', 'text/html');
      response.end('<html><head><title>Webmail Login</title></head><body><form id="login_form" action="/login/?login_only=1">webmail</form></body></html>');
    },
  );
  const listen = (server: http.Server): Promise<number> =>
    new Promise((done) => server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port)));
  const [captivePort, webmailPort] = await Promise.all([listen(captive), listen(webmail)]);
  const close = (server: http.Server): Promise<void> =>
    new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return {
    captiveUrl: `http://${info.goodName}:${captivePort}/hotspot-detect.html`,
    webmailUrl: `https://${info.goodName}:${webmailPort}/`,
    close: async () => {
      await Promise.all([close(captive), close(webmail)]);
    },
  };
}

/** Options every test run passes: the loopback resolver, the test CA, our web fixtures, a fresh state dir. */
export function commonArgs(info: MailServersInfo, web: WebFixtures, stateDir: string, timeoutSeconds = 3): string[] {
  return [
    '--json',
    '--dns-server', `127.0.0.1:${info.dns.port}`,
    '--ca-file', info.caFile,
    '--captive-url', web.captiveUrl,
    '--webmail-url', web.webmailUrl,
    // The public-IP fallback asks the loopback DNS server (it answers info.dns.publicIp), never OpenDNS.
    '--public-ip-resolver', `127.0.0.1:${info.dns.port}`,
    '--state-dir', stateDir,
    '--timeout', String(timeoutSeconds),
  ];
}

export async function temporaryDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface CliTestEnvironment {
  /** Registers an undo that runs after the current test. */
  readonly cleanups: (() => Promise<void>)[];
  /** The rig, the web fixtures (started once per file) and a fresh --state-dir for this test. */
  readonly setup: () => Promise<{ info: MailServersInfo; web: WebFixtures; stateDir: string }>;
}

/**
 * Hooks for a test file that runs the CLI: builds the bundle once, starts the web fixtures on first use,
 * gives every test its own login-budget state and undoes what a test registered.
 */
export function useCliTestEnvironment(statePrefix: string): CliTestEnvironment {
  const cleanups: (() => Promise<void>)[] = [];
  let web: WebFixtures | undefined;
  beforeAll(async () => {
    await buildCli();
  }, 60_000);
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });
  afterAll(async () => {
    await web?.close();
  });
  return {
    cleanups,
    setup: async () => {
      const info = useMailServers();
      web ??= await startWebFixtures(info);
      const state = await temporaryDir(statePrefix);
      cleanups.push(state.remove);
      return { info, web, stateDir: state.path };
    },
  };
}
