/**
 * How the window learns whether to offer "Contact support": the accounts listing carries
 * `supportConfigured`, read from real managed-preferences plists (tests/fixtures/buildMacHome.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildMacHome } from '../../fixtures/buildMacHome';
import type { MacHome, MacHomeOptions } from '../../fixtures/buildMacHome';
import { createCoreServices } from '../../../electron/services';
import { resolveSupportContact } from '../../../electron/links';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function listWith(managedPreferences: MacHomeOptions['managedPreferences']) {
  const home: MacHome = await buildMacHome({ accountsDatabase: false, ...(managedPreferences === undefined ? {} : { managedPreferences }) });
  const stateDir = mkdtempSync(join(tmpdir(), 'md-support-state-'));
  cleanups.push(() => home.cleanup(), () => Promise.resolve(rmSync(stateDir, { recursive: true, force: true })));
  const core = createCoreServices({
    homeDir: home.home,
    homeSource: 'given',
    managedPreferencesDirs: home.managedPreferencesDirs,
    stateDir,
    appInfo: { name: 'Mail Doctor', version: '0.0.0-test', platform: 'darwin', isPackaged: false },
    log: () => undefined,
  });
  const listing = await core.accounts.list();
  return { listing, core };
}

describe('supportConfigured in the accounts listing', () => {
  it('is false without managed preferences', async () => {
    const { listing, core } = await listWith(undefined);
    expect(listing).toMatchObject({ ok: true, value: { supportConfigured: false } });
    expect(resolveSupportContact(core.managedLinkTargets())).toMatchObject({ ok: false, error: { code: 'support-not-configured' } });
  });

  it('is true with a SupportEmail, which becomes a mail draft', async () => {
    const { listing, core } = await listWith({ device: { SupportEmail: 'help@example.com' } });
    expect(listing).toMatchObject({ ok: true, value: { supportConfigured: true } });
    expect(resolveSupportContact(core.managedLinkTargets())).toEqual({
      ok: true,
      value: { kind: 'mail-draft', url: 'mailto:help%40example.com' },
    });
  });

  it('is true with an https SupportURL, which wins over the address and becomes the ticket page', async () => {
    const { listing, core } = await listWith({
      device: { SupportEmail: 'help@example.com', SupportURL: 'https://help.example.com/ticket' },
    });
    expect(listing).toMatchObject({ ok: true, value: { supportConfigured: true } });
    expect(resolveSupportContact(core.managedLinkTargets())).toEqual({
      ok: true,
      value: { kind: 'ticket-page', url: 'https://help.example.com/ticket' },
    });
  });

  it('is false when the only SupportURL is not https (managed preferences refuse it)', async () => {
    const { listing } = await listWith({ device: { SupportURL: 'http://help.example.com/ticket' } });
    expect(listing).toMatchObject({ ok: true, value: { supportConfigured: false } });
  });
});

describe('what else the window learns from managed preferences through the accounts listing', () => {
  it('says nothing is configured or forced without managed preferences', async () => {
    const { listing } = await listWith(undefined);
    expect(listing).toMatchObject({ ok: true, value: { webmailConfigured: false, identitiesMasked: false } });
  });

  it('webmailConfigured: an https WebmailURL is one the "Open Webmail" button opens', async () => {
    const { listing, core } = await listWith({ device: { WebmailURL: 'https://webmail.example.com/' } });
    expect(listing).toMatchObject({ ok: true, value: { webmailConfigured: true } });
    expect(core.managedLinkTargets()).toMatchObject({ webmailUrl: 'https://webmail.example.com/' });
  });

  it('identitiesMasked: IT\'s MaskIdentities, so the window can say the report is masked whatever the person picks', async () => {
    const { listing } = await listWith({ device: { MaskIdentities: true } });
    expect(listing).toMatchObject({ ok: true, value: { identitiesMasked: true, webmailConfigured: false } });
    const { listing: off } = await listWith({ device: { MaskIdentities: false } });
    expect(off).toMatchObject({ ok: true, value: { identitiesMasked: false } });
  });
});
