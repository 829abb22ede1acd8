/**
 * Runs the app's real main bundle (electron/main.ts built by esbuild.config.mjs, exactly as the packaged app
 * gets it) as a separate process with `--cli ...`, through real pipes, with a stand-in for the `electron`
 * module whose `app.exit` ends the process at once, as Electron's does (it does not wait for standard output).
 * This is how a fleet script sees the packaged CLI: `"Mail Doctor" --cli diagnose --json | jq ...`.
 */
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { FixtureAccount } from '../../fixtures/writers/accountsDatabase';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** Resolves `require('electron')` to the stand-in: loaded with `node -r` before the bundle. */
const ELECTRON_HOOK = `
const Module = require('node:module');
const path = require('node:path');
const standIn = path.join(__dirname, 'fake-electron.cjs');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'electron' ? standIn : resolveFilename.call(this, request, ...rest);
};
`;

/** Only what the --cli path touches; anything else is an inert function, so the window code never runs. */
const FAKE_ELECTRON = `
const inert = new Proxy(function () {}, { get: () => inert, apply: () => inert, construct: () => inert });
const app = {
  dock: { hide() {} },
  getVersion: () => '9.9.9',
  getName: () => 'Mail Doctor',
  isPackaged: true,
  // Electron's app.exit: "Exits immediately with exitCode" — standard output still in flight is lost.
  exit: (code) => process.exit(code),
  quit: () => process.exit(0),
  requestSingleInstanceLock: () => false,
  whenReady: () => new Promise(() => {}),
  on() {},
  getPath: () => require('node:os').tmpdir(),
};
module.exports = new Proxy({ app }, { get: (target, key) => (key in target ? target[key] : inert) });
`;

export interface PackagedMain {
  readonly mainPath: string;
  readonly hookPath: string;
  cleanup(): Promise<void>;
}

export async function buildPackagedMain(): Promise<PackagedMain> {
  const dir = await mkdtemp(join(tmpdir(), 'md-packaged-main-'));
  // Readable by the unprivileged user the tests run it as.
  await chmod(dir, 0o755);
  await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'esbuild.config.mjs'), '--outdir', dir, '--only', 'main'], { cwd: REPO_ROOT });
  const hookPath = join(dir, 'electron-hook.cjs');
  await writeFile(hookPath, ELECTRON_HOOK);
  await writeFile(join(dir, 'fake-electron.cjs'), FAKE_ELECTRON);
  return { mainPath: join(dir, 'electron', 'main.cjs'), hookPath, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface PackagedRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `main.cjs <args>` with standard output on a pipe that its reader leaves unread for `readDelayMs`
 * (a slow `jq`, a busy MDM agent): whatever the process has not flushed when it exits is lost.
 */
export function runPackagedMain(
  main: PackagedMain,
  args: readonly string[],
  options: { readDelayMs?: number; env?: NodeJS.ProcessEnv; /** Run as this user (root only). */ uid?: number } = {},
): Promise<PackagedRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['-r', main.hookPath, main.mainPath, ...args], {
      cwd: REPO_ROOT,
      // The bundle keeps npm packages external: they resolve from the repository's node_modules.
      env: { ...(options.env ?? process.env), NODE_PATH: join(REPO_ROOT, 'node_modules') },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), options.readDelayMs ?? 0);
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout: Buffer.concat(chunks).toString('utf8'), stderr }));
  });
}

/** `count` IMAP + SMTP accounts in Mail's store whose servers (127.0.0.1:9, discard) refuse at once. */
export function refusingAccounts(count: number): FixtureAccount[] {
  return Array.from({ length: count }, (_, index): FixtureAccount[] => {
    const address = `user${String(index)}@example.test`;
    const uuid = String(index).padStart(12, '0');
    return [
      {
        pk: 2 * index + 1,
        uuid: `A11CE000-0000-4000-8000-${uuid}`,
        type: 'com.apple.account.IMAP',
        username: address,
        description: `Account ${String(index)}`,
        properties: { Hostname: '127.0.0.1', PortNumber: 9, SSLEnabled: true, SSLIsDirect: true, SMTPIdentifier: `127.0.0.1:${address}`, EmailAddresses: [address] },
      },
      {
        pk: 2 * index + 2,
        uuid: `A11CE5E7-0000-4000-8000-${uuid}`,
        type: 'com.apple.account.SMTP',
        username: address,
        properties: { Hostname: '127.0.0.1', PortNumber: 9, SSLEnabled: true, SSLIsDirect: false, ShouldUseAuthentication: true },
      },
    ];
  }).flat();
}
