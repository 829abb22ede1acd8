/**
 * The canary, for the hosting API token: a server that echoes the request's Authorization header (the token)
 * and the password being set into its error words must not get either into anything Mail Doctor puts out —
 * the CLI's text and JSON for every verb, the window service's answers and progress events, and the files the
 * tools keep (refused-token memory, journal, connections). Searched in every form secretForms.ts knows.
 * Each run also proves the token really reached the server (so the canary did flow through).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAdminService, memoryTokenStore } from '../../../electron/admin/adminService';
import { realProbeSet } from '../../../electron/diagnosis/realProbeSet';
import { createSecretScrubber } from '../../../electron/keychain/secretForms';
import { buildCli, CLI_BUNDLE, REPO_ROOT } from '../cli/support';
import { CPANEL_USER, DOMAIN, WHM_USER, useDoubleFixture } from './adminSupport';

const PASSWORD = `Canary-${Date.now().toString(36)}-Pa55!x`;

let work: string;
const double = useDoubleFixture();

beforeAll(async () => {
  await buildCli();
  work = await mkdtemp(join(tmpdir(), 'md-admin-canary-'));
}, 60_000);

beforeEach(() => {
  // Every function answers with an error that quotes the Authorization header and the password.
  double.fixture().double.fault('*', { kind: 'echo-secrets' });
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const f = double.fixture;

function expectNoCanary(where: string, text: string): void {
  const leak = createSecretScrubber([f().cpanelToken, f().whmToken, PASSWORD]).firstLeak(text);
  expect(leak, `${where}: secret #${leak?.index ?? 0} leaked as ${leak?.encoding ?? ''}`).toBeNull();
}

/** Every file under `dir`, read as text. */
async function allFiles(dir: string): Promise<string> {
  const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  const texts = await Promise.all(
    names.map(async (name) => {
      const file = join(dir, name);
      return (await stat(file)).isFile() ? readFile(file, 'utf8') : '';
    }),
  );
  return texts.join('\n');
}

function cli(args: readonly string[], stateHome: string, stdin = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BUNDLE, 'admin', ...args], { cwd: REPO_ROOT, env: { ...process.env, XDG_STATE_HOME: stateHome } });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', () => resolve(output));
    child.stdin.end(stdin);
  });
}

describe('the hosting token and passwords appear in no output, whatever the server echoes', () => {
  it('CLI: every verb, text and JSON', async () => {
    const stateHome = await mkdtemp(join(work, 'cli-'));
    const cpanelToken = join(work, 'cpanel-token');
    const whmToken = join(work, 'whm-token');
    await writeFile(cpanelToken, `${f().cpanelToken}\n`, { mode: 0o600 });
    await writeFile(whmToken, `${f().whmToken}\n`, { mode: 0o600 });
    const whm = ['--whm-url', f().double.whmUrl, '--api-user', WHM_USER, '--token-file', whmToken, '--ca-file', double.info().caFile];
    const cpanel = ['--cpanel-url', f().double.cpanelUrl, '--api-user', CPANEL_USER, '--token-file', cpanelToken, '--ca-file', double.info().caFile];
    const before = f().double.requests.length;
    const outputs: string[] = [];
    for (const json of [[], ['--json']]) {
      outputs.push(await cli(['check-ip', ...whm, '--ip', '127.0.0.15', ...json], stateHome));
      outputs.push(await cli(['unblock-ip', ...whm, '--ip', '127.0.0.15', '--yes', ...json], stateHome));
      outputs.push(await cli(['reset-password', ...cpanel, '--email', double.info().users.alice.address, '--password-stdin', '--yes', ...json], stateHome, `${PASSWORD}\n`));
      outputs.push(await cli(['client-settings', ...cpanel, '--email', double.info().users.alice.address, ...json], stateHome));
      outputs.push(await cli(['test-mailbox', ...cpanel, '--domain', DOMAIN, '--yes', '--imap-host', '127.0.0.1', '--smtp-host', '127.0.0.1', ...json], stateHome));
    }
    // The echoes really happened (the server's words are in the output, scrubbed), and the tokens reached it.
    expect(outputs.join('\n')).toContain('[redacted]');
    const reached = f().double.requests.slice(before);
    expect(reached.some((request) => request.api === 'whm' && request.authorized)).toBe(true);
    expect(reached.some((request) => request.api === 'cpanel' && request.authorized)).toBe(true);
    expect(reached.some((request) => request.function === 'Email::passwd_pop')).toBe(true);
    outputs.forEach((output, index) => expectNoCanary(`CLI run ${index}`, output));
    expectNoCanary('the state folder', await allFiles(stateHome));
  });

  it('the window service: every answer and progress event, and its files', async () => {
    const stateDir = await mkdtemp(join(work, 'service-'));
    const admin = createAdminService({
      stateDir,
      tokens: memoryTokenStore(),
      managedPolicy: () => Promise.resolve('default'),
      probes: realProbeSet({ publicIpLookup: false }),
      extraCaPem: () => Promise.resolve([double.info().caPem]),
      mailHostOverride: '127.0.0.1',
      log: () => undefined,
    });
    const traffic: unknown[] = [];
    const progress = (event: unknown): void => {
      traffic.push(event);
    };
    // Connecting works once, with the echo switched off for that one call.
    f().double.clearFaults();
    traffic.push(await admin.connect({ api: 'whm', url: f().double.whmUrl, user: WHM_USER, token: f().whmToken }, progress));
    traffic.push(await admin.connect({ api: 'cpanel', url: f().double.cpanelUrl, user: CPANEL_USER, token: f().cpanelToken }, progress));
    f().double.fault('*', { kind: 'echo-secrets' });
    traffic.push(await admin.status());
    traffic.push(await admin.checkIp({ ip: '127.0.0.15', email: double.info().users.alice.address }, progress));
    traffic.push(await admin.unblockIp({ ip: '127.0.0.15' }, progress));
    traffic.push(await admin.resetPassword({ email: double.info().users.alice.address, password: PASSWORD }, progress));
    traffic.push(await admin.clientSettings({ email: double.info().users.alice.address }, progress));
    traffic.push(await admin.testMailbox({ domain: DOMAIN }, progress));
    traffic.push([...admin.hostFacts().blockChecks], [...admin.hostFacts().clientSettings]);
    const text = JSON.stringify(traffic);
    expect(text).toContain('[redacted]');
    expectNoCanary('service answers and progress', text);
    expectNoCanary('the state folder', await allFiles(stateDir));
  });
});
