/**
 * The hosting API token in the keychain, for real: keytar against a Secret Service (gnome-keyring in the
 * private D-Bus session `npm test` starts). Stored under the app's own service, one item per server and user,
 * read by the CLI when no --token-file is given, and removable. Under CI=true a missing Secret Service fails
 * this file; elsewhere it is skipped with the reason.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keychainTokenStore } from '../../../electron/admin/adminService';
import { tokenItemName } from '../../../electron/admin/adminCredentials';
import type { KeytarLike } from '../../../electron/keychain/keytarModule';
import { loadKeytar } from '../../../electron/keychain/keytarModule';
import { Secret } from '../../../electron/keychain/secret';
import { APP_BUNDLE_ID } from '../../../shared/app';
import type { HostingConnection } from '../../../shared/model/hosting';
import { useMailServers } from '../../servers/useMailServers';
import { buildCli, CLI_BUNDLE, REPO_ROOT } from '../cli/support';
import type { DoubleFixture } from './adminSupport';
import { CPANEL_USER, startDoubleFixture } from './adminSupport';

async function probeSecretService(): Promise<{ keytar: KeytarLike } | { missing: string }> {
  if (process.env['DBUS_SESSION_BUS_ADDRESS'] === undefined) return { missing: 'no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset)' };
  const loaded = await loadKeytar();
  if (!loaded.ok) return { missing: loaded.error.message };
  try {
    await loaded.value.getPassword(`${APP_BUNDLE_ID}.probe`, 'probe');
    return { keytar: loaded.value };
  } catch (error) {
    return { missing: `no usable Secret Service: ${error instanceof Error ? error.message : String(error)}` };
  }
}

const probe = await probeSecretService();

if ('missing' in probe && process.env['CI'] === 'true') {
  describe('the hosting token in the keychain', () => {
    it('needs a Secret Service under CI', () => {
      throw new Error(`CI=true but ${probe.missing}`);
    });
  });
}

describe.skipIf('missing' in probe)(`the hosting token in the keychain${'missing' in probe ? ` (skipped: ${probe.missing})` : ''}`, () => {
  let fixture: DoubleFixture | undefined;
  let stateHome: string;

  beforeAll(async () => {
    await buildCli();
    stateHome = await mkdtemp(join(tmpdir(), 'md-admin-keychain-'));
  }, 60_000);

  afterAll(async () => {
    await fixture?.cleanup();
    await rm(stateHome, { recursive: true, force: true });
  });

  function cli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI_BUNDLE, 'admin', ...args], { cwd: REPO_ROOT, env: { ...process.env, XDG_STATE_HOME: stateHome } });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end();
    });
  }

  it('is stored under the app’s service, used by the CLI without --token-file, and removed', async () => {
    const info = useMailServers();
    fixture ??= await startDoubleFixture(info);
    const keytar = 'keytar' in probe ? probe.keytar : undefined;
    const connection: HostingConnection = { api: 'cpanel', url: fixture.double.cpanelUrl, user: CPANEL_USER };
    const store = keychainTokenStore(keytar === undefined ? {} : { keytar });

    expect(await store.store(connection, new Secret(fixture.cpanelToken))).toEqual({ ok: true, value: true });
    // The item lives under Mail Doctor's own service name, named by API, user and server.
    expect(await keytar?.getPassword(APP_BUNDLE_ID, tokenItemName(connection))).toBe(fixture.cpanelToken);
    const read = await store.read(connection);
    expect(read.ok && read.value?.reveal()).toBe(fixture.cpanelToken);

    const args = ['client-settings', '--cpanel-url', connection.url, '--api-user', CPANEL_USER, '--email', info.users.alice.address, '--ca-file', info.caFile, '--json'];
    const withStored = await cli(args);
    expect(withStored.code, withStored.stderr).toBe(0);
    expect(withStored.stdout).not.toContain(fixture.cpanelToken);

    expect(await store.remove(connection)).toEqual({ ok: true, value: true });
    expect(await keytar?.getPassword(APP_BUNDLE_ID, tokenItemName(connection))).toBeNull();
    const without = await cli(args);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/no token: give --token-file/);
  });
});
