/**
 * The hosting API token in the keychain, for real: keytar against a Secret Service (gnome-keyring in the
 * private D-Bus session `npm test` starts). Stored under the app's own service, one item per server and user,
 * read by the CLI when no --token-file is given, and removable. The CLI runs as the packaged app runs it
 * (runCli with the system keychain): the double's CA is trusted through IT's managed TrustedCACertificates,
 * since --ca-file is refused while the keychain's token is used. Under CI=true a missing Secret Service fails
 * this file; elsewhere it is skipped with the reason.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildMacHome } from '../../fixtures/buildMacHome';
import type { MacHome } from '../../fixtures/buildMacHome';
import { keychainTokenStore } from '../../../electron/admin/adminService';
import { tokenItemName } from '../../../electron/admin/adminCredentials';
import { Secret } from '../../../electron/keychain/secret';
import type { HostingConnection } from '../../../shared/model/hosting';
import { APP_BUNDLE_ID } from '../../../shared/app';
import { probeSecretService, requireSecretServiceUnderCi } from '../../fixtures/secretService';
import { useMailServers } from '../../servers/useMailServers';
import type { DoubleFixture } from './adminSupport';
import { CPANEL_USER, runAdminInProcess, startDoubleFixture } from './adminSupport';

const probe = await probeSecretService();
requireSecretServiceUnderCi(probe, 'the hosting token in the keychain');

describe.skipIf('missing' in probe)(`the hosting token in the keychain${'missing' in probe ? ` (skipped: ${probe.missing})` : ''}`, () => {
  let fixture: DoubleFixture | undefined;
  let home: MacHome | undefined;

  afterAll(async () => {
    await fixture?.cleanup();
    await home?.cleanup();
  });

  /** `mail-doctor admin ...` as the packaged app runs it: the system keychain, IT's managed preferences. */
  const cli = (args: readonly string[], managedPreferencesDirs: readonly string[]) => runAdminInProcess(args, { tuning: { managedPreferencesDirs } });

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

    home = await buildMacHome({ accountsDatabase: false, managedPreferences: { device: { TrustedCACertificates: [info.caPem] } } });
    const args = ['client-settings', '--cpanel-url', connection.url, '--api-user', CPANEL_USER, '--email', info.users.alice.address, '--json'];
    // The keychain's token with a CA of the caller's choosing: refused, nothing sent.
    const before = fixture.double.requests.length;
    const borrowed = await cli([...args, '--ca-file', info.caFile], home.managedPreferencesDirs);
    expect(borrowed.code).toBe(2);
    expect(borrowed.stderr).toMatch(/--ca-file would let this command choose/);
    expect(fixture.double.requests.length).toBe(before);

    const withStored = await cli(args, home.managedPreferencesDirs);
    expect(withStored.code, withStored.stderr).toBe(0);
    expect(withStored.stdout).not.toContain(fixture.cpanelToken);
    expect(fixture.double.requests.slice(before).every((request) => request.authorized)).toBe(true);

    expect(await store.remove(connection)).toEqual({ ok: true, value: true });
    expect(await keytar?.getPassword(APP_BUNDLE_ID, tokenItemName(connection))).toBeNull();
    const without = await cli(args, home.managedPreferencesDirs);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/no token: give --token-file/);
  });
});
