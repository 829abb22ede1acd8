/**
 * `mail-doctor admin` under the trust rules the diagnosis follows (docs/security.md), run in process through
 * runCli as the entry points call it, against the contract double on the real rig:
 * - the packaged app (system keychain) refuses --ca-file / --state-dir when the token would come from the
 *   app's keychain entry, before anything is sent; with --token-file they work;
 * - the token and the passwords are held in the live-secrets registry while the command runs, every byte of
 *   standard output and error passes the exit guard, and the scope is released afterwards;
 * - --token-file and --password-stdin use the project's bounded readers: a FIFO or /dev/zero is a clear
 *   error, a password over 1,024 bytes is refused, nothing is sent.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminKeychainRuleViolation } from '../../../electron/cli/adminCli';
import { parseAdminArgs } from '../../../electron/cli/adminCommand';
import type { ExitGuard, ExitName } from '../../../electron/exitGuard';
import { createExitGuard } from '../../../electron/exitGuard';
import { SYSTEM_KEYCHAIN } from '../../../electron/keychain/keychainAccess';
import { LiveSecrets } from '../../../electron/keychain/liveSecrets';
import { Secret } from '../../../electron/keychain/secret';
import type { MailServersInfo } from '../../servers/types';
import { CPANEL_USER, DOMAIN, runAdminInProcess, useDoubleFixture } from './adminSupport';

const rig = useDoubleFixture();
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'md-admin-secrets-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const f = rig.fixture;
let info: MailServersInfo;
beforeEach(() => {
  info = rig.info();
});

const admin = runAdminInProcess;

async function tokenFile(token: string): Promise<string> {
  const file = join(work, `token-${Math.random().toString(36).slice(2)}`);
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return file;
}

const cpanel = () => ['--cpanel-url', f().double.cpanelUrl, '--api-user', CPANEL_USER];

describe('the packaged app: the keychain token is not borrowable', () => {
  it('--ca-file or --state-dir with the token from the keychain: refused before anything is sent or read', async () => {
    const before = f().double.requests.length;
    const withCa = await admin(['client-settings', ...cpanel(), '--email', info.users.alice.address, '--ca-file', info.caFile]);
    expect(withCa.code).toBe(2);
    expect(withCa.stderr).toContain("--ca-file would let this command choose which certificates are trusted");
    expect(withCa.stderr).toContain('--token-file');
    const withState = await admin(['test-mailbox', ...cpanel(), '--domain', DOMAIN, '--yes', '--state-dir', join(work, 'state')]);
    expect(withState.code).toBe(2);
    expect(withState.stderr).toContain('--state-dir would let this command choose');
    expect(f().double.requests.length).toBe(before);
  });

  it('the same options with --token-file work (the caller brings its own token)', async () => {
    const run = await admin(['client-settings', ...cpanel(), '--token-file', await tokenFile(f().cpanelToken), '--email', info.users.alice.address, '--ca-file', info.caFile, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ verb: 'client-settings', secretScrubbed: false, result: { account: info.users.alice.address } });
  });

  it('the rule: only the system keychain with no --token-file, and only the options that choose trust or state', () => {
    const parse = (args: string[]) => {
      const parsed = parseAdminArgs(args);
      if (!parsed.ok || 'help' in parsed) throw new Error('parse failed');
      return parsed.command;
    };
    const base = ['client-settings', '--cpanel-url', 'https://127.0.0.1:2083', '--api-user', 'u', '--email', 'a@example.test'];
    const standIn = { kind: 'stand-in', securityToolPath: '/bin/false' } as const;
    expect(adminKeychainRuleViolation(parse(base), SYSTEM_KEYCHAIN)).toBeNull();
    expect(adminKeychainRuleViolation(parse([...base, '--ca-file', 'ca.pem']), SYSTEM_KEYCHAIN)).toMatch(/^--ca-file /);
    expect(adminKeychainRuleViolation(parse([...base, '--ca-file', 'ca.pem', '--token-file', 't']), SYSTEM_KEYCHAIN)).toBeNull();
    expect(adminKeychainRuleViolation(parse([...base, '--ca-file', 'ca.pem']), standIn)).toBeNull();
  });
});

/** The real guard over `live`, recording for each text it checks whether `watched` was held at that moment. */
function watchingGuard(live: LiveSecrets, watched: readonly string[]): { guard: ExitGuard; checks: { exit: ExitName; held: boolean[]; text: string }[] } {
  const real = createExitGuard(live);
  const checks: { exit: ExitName; held: boolean[]; text: string }[] = [];
  const held = () => watched.map((secret) => live.scrubber().firstLeak(secret) !== null);
  return {
    checks,
    guard: {
      text: (exit, text) => {
        checks.push({ exit, held: held(), text });
        return real.text(exit, text);
      },
      value: (exit, value) => {
        checks.push({ exit, held: held(), text: JSON.stringify(value) });
        return real.value(exit, value);
      },
    },
  };
}

describe('the live-secrets registry and the exit guard', () => {
  it('client-settings: the token is held while every byte is checked on its way out, and forgotten after', async () => {
    const live = new LiveSecrets();
    const { guard, checks } = watchingGuard(live, [f().cpanelToken]);
    const run = await admin(['client-settings', ...cpanel(), '--token-file', await tokenFile(f().cpanelToken), '--email', info.users.alice.address, '--ca-file', info.caFile], { secrets: live, guard });
    expect(run.code, run.stderr).toBe(0);
    const outputs = checks.filter((check) => check.exit === 'cli-output');
    expect(outputs.length).toBeGreaterThan(0);
    expect(outputs.every((check) => check.held.every(Boolean))).toBe(true);
    // Every byte on standard output is a text the guard checked.
    expect(outputs.map((check) => check.text).join('')).toContain(run.stdout.trim());
    expect(live.size).toBe(0);
  });

  it('reset-password: the token and the new password are held when the answer is written', async () => {
    const address = `md-held-${Math.random().toString(16).slice(2, 8)}@${DOMAIN}`;
    const password = `Held-${Math.random().toString(36).slice(2)}-Pa55!`;
    await f().double.store.addMailbox(address, 'Old-Pa55word-for-held');
    try {
      const live = new LiveSecrets();
      const { guard, checks } = watchingGuard(live, [f().cpanelToken, password]);
      const run = await admin(
        ['reset-password', ...cpanel(), '--token-file', await tokenFile(f().cpanelToken), '--email', address, '--password-stdin', '--yes', '--ca-file', info.caFile, '--json'],
        { secrets: live, guard },
        Readable.from([Buffer.from(`${password}\n`)]),
      );
      expect(run.code, run.stderr).toBe(0);
      const answer = checks.filter((check) => check.exit === 'cli-output').at(-1);
      expect(answer?.held).toEqual([true, true]);
      expect(live.size).toBe(0);
    } finally {
      await f().double.store.deleteMailbox(address);
    }
  });

  it('a guard that withholds everything: nothing of the admin output reaches standard output or error unguarded', async () => {
    const withholding: ExitGuard = {
      text: () => ({ value: '<guarded>', scrubbed: true }),
      value: <T>(_exit: ExitName, value: T) => ({ value, scrubbed: false }),
    };
    const run = await admin(['client-settings', ...cpanel(), '--token-file', await tokenFile(f().cpanelToken), '--email', info.users.alice.address, '--ca-file', info.caFile], { guard: withholding });
    expect(run.code).toBe(0);
    expect(run.stdout.replaceAll('<guarded>', '').trim()).toBe('');
    expect(run.stderr.replaceAll('<guarded>', '').trim()).toBe('');
  });

  it('the window service holds its token and new password while the action runs, and releases them after', async () => {
    const { createAdminService, memoryTokenStore } = await import('../../../electron/admin/adminService');
    const { realProbeSet } = await import('../../../electron/diagnosis/realProbeSet');
    const live = new LiveSecrets();
    const { guard, checks } = watchingGuard(live, [f().cpanelToken]);
    const service = createAdminService({
      stateDir: await mkdtemp(join(work, 'service-')),
      tokens: memoryTokenStore(),
      managedPolicy: () => Promise.resolve('default'),
      probes: realProbeSet({ publicIpLookup: false }),
      extraCaPem: () => Promise.resolve([info.caPem]),
      log: () => undefined,
      secrets: live,
      guard,
    });
    const connected = await service.connect({ api: 'cpanel', url: f().double.cpanelUrl, user: CPANEL_USER, token: f().cpanelToken }, () => undefined);
    expect(connected.ok && connected.value.outcome.ok).toBe(true);
    expect(live.size).toBe(0);
    // The preview's in-memory store holds what it keeps, until it is removed.
    const kept = new LiveSecrets();
    const store = memoryTokenStore(kept);
    const connection = { api: 'cpanel', url: f().double.cpanelUrl, user: CPANEL_USER } as const;
    await store.store(connection, new Secret(f().cpanelToken));
    expect(kept.scrubber().firstLeak(f().cpanelToken)).not.toBeNull();
    await store.remove(connection);
    expect(kept.size).toBe(0);
    checks.length = 0;
    const settings = await service.clientSettings({ email: info.users.alice.address }, () => undefined);
    expect(settings.ok && settings.value.outcome.ok).toBe(true);
    // Each progress event (one per API call) and the answer were checked while the token was held.
    expect(checks.map((check) => check.exit)).toEqual(['progress-event', 'ipc-reply']);
    expect(checks.every((check) => check.held[0] === true)).toBe(true);
    expect(live.size).toBe(0);
  });
});

describe('bounded readers for the token file and the new password', () => {
  it('a FIFO or /dev/zero as --token-file is a clear error, not a hang; nothing is sent', async () => {
    const fifo = join(work, 'token-fifo');
    execFileSync('mkfifo', [fifo]);
    const before = f().double.requests.length;
    for (const [file, words] of [[fifo, /is a FIFO, not a regular file/], ['/dev/zero', /is a device, not a regular file/]] as const) {
      const run = await admin(['client-settings', ...cpanel(), '--token-file', file, '--email', info.users.alice.address]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(words);
    }
    const large = join(work, 'token-large');
    await writeFile(large, `${'A'.repeat(32)}\n${'x'.repeat(8192)}\n`);
    const tooLarge = await admin(['client-settings', ...cpanel(), '--token-file', large, '--email', info.users.alice.address]);
    expect(tooLarge.code).toBe(2);
    expect(tooLarge.stderr).toMatch(/larger than 4096 bytes/);
    expect(f().double.requests.length).toBe(before);
  });

  it('--password-stdin longer than 1,024 bytes is refused before any call', async () => {
    const before = f().double.requests.length;
    const run = await admin(
      ['reset-password', ...cpanel(), '--token-file', await tokenFile(f().cpanelToken), '--email', info.users.alice.address, '--password-stdin', '--yes', '--ca-file', info.caFile],
      {},
      Readable.from([Buffer.from(`${'Aa1!'.repeat(300)}\n`)]),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--password-stdin: the password is longer than 1024 bytes; nothing was sent/);
    expect(f().double.requests.length).toBe(before);
  });
});
