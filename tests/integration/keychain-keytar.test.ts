import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverAccounts } from '../../electron/accounts/discoverAccounts';
import { readAccountCredential } from '../../electron/keychain/accountCredentials';
import { deleteAppSecret, getAppSecret, setAppSecret } from '../../electron/keychain/appSecrets';
import { SecretComparer } from '../../electron/keychain/compareSecrets';
import type { KeytarLike } from '../../electron/keychain/keytarModule';
import { lookUpAccountPasswords } from '../../electron/keychain/passwordSources';
import { Secret } from '../../electron/keychain/secret';
import type { MacHome } from '../fixtures/buildMacHome';
import { buildMacHome } from '../fixtures/buildMacHome';
import { IDS } from '../fixtures/standardAccounts';
import { probeSecretService, requireSecretServiceUnderCi } from '../fixtures/secretService';

/**
 * keytar for real, against a Secret Service on D-Bus (gnome-keyring in a private session: the test
 * rig's `npm test`, or `sh with-keyring.sh npx vitest run ...`). Under CI=true a missing Secret
 * Service fails this file; locally it is skipped with the reason.
 */

const probe = await probeSecretService();
requireSecretServiceUnderCi(probe, 'keytar against a Secret Service');

describe.skipIf('missing' in probe)(`keytar against a Secret Service${'missing' in probe ? ` (skipped: ${probe.missing})` : ''}`, () => {
  const keytar = (): KeytarLike => {
    if ('missing' in probe) throw new Error(probe.missing);
    return probe.keytar;
  };
  const service = `com.maildoctor.app.test-${process.pid}`;
  let fixture: MacHome;

  beforeAll(async () => {
    fixture = await buildMacHome();
  });
  afterAll(async () => {
    await keytar().deletePassword('com.apple.account.IMAP.password', IDS.aliceImap);
    await keytar().deletePassword('com.apple.account.SMTP.password', IDS.aliceSmtp);
    await fixture.cleanup();
  });

  it('stores, reads and deletes the app\'s own secret', async () => {
    const token = new Secret('whm-token-123');
    expect(await setAppSecret('whm-api-token', token, { service })).toEqual({ ok: true, value: true });
    const read = await getAppSecret('whm-api-token', { service });
    expect(read.ok && read.value?.reveal()).toBe('whm-token-123');
    expect(JSON.stringify(read)).not.toContain('whm-token-123');
    expect(await deleteAppSecret('whm-api-token', { service })).toEqual({ ok: true, value: true });
    expect(await getAppSecret('whm-api-token', { service })).toEqual({ ok: true, value: null });
    expect(await deleteAppSecret('whm-api-token', { service })).toEqual({ ok: true, value: false });
  });

  it('reads an account-credential item by UUID, and says not found for another UUID', async () => {
    await keytar().setPassword('com.apple.account.IMAP.password', IDS.aliceImap, 'från-keychain');
    const found = await readAccountCredential('imap', IDS.aliceImap, keytar());
    expect(found.kind === 'found' && found.secret.reveal()).toBe('från-keychain');
    expect(await readAccountCredential('imap', 'SOME-OTHER-UUID', keytar())).toEqual({
      kind: 'not-found',
      detail: 'com.apple.account.IMAP.password: no item for this account',
    });
  });

  it('discovered fixture account -> layered lookup with the real keytar -> comparison', async () => {
    await keytar().setPassword('com.apple.account.IMAP.password', IDS.aliceImap, 'shared-pw');
    await keytar().setPassword('com.apple.account.SMTP.password', IDS.aliceSmtp, 'other-pw');
    await fixture.security.setItems([]);
    const discovery = await discoverAccounts({ home: fixture.home, managedPreferencesDirs: fixture.managedPreferencesDirs, platform: 'darwin' });
    const alice = discovery.discovered.find((entry) => entry.account.id === IDS.aliceImap);
    if (alice === undefined) throw new Error('fixture account missing');
    // platform 'darwin': the account-credential source only runs on macOS; here keytar talks to the Secret Service.
    const comparer = new SecretComparer();
    const different = await lookUpAccountPasswords(alice, comparer, { platform: 'darwin', keytar: keytar(), securityTool: { toolPath: fixture.security.toolPath } });
    expect(different.account.passwords.incoming).toMatchObject({ outcome: 'found', foundIn: 'account-credential' });
    expect(different.comparison).toBe('different');

    await keytar().setPassword('com.apple.account.SMTP.password', IDS.aliceSmtp, 'shared-pw');
    const same = await lookUpAccountPasswords(alice, comparer, { platform: 'darwin', keytar: keytar(), securityTool: { toolPath: fixture.security.toolPath } });
    expect(same.comparison).toBe('same');
    expect(JSON.stringify(same)).not.toContain('shared-pw');
  });
});
