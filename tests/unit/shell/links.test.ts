import { describe, expect, it, vi } from 'vitest';
import { FIXED_LINK_TARGETS, createLinkOpener, resolveLinkTarget } from '../../../electron/links';
import type { LinkOpenerDeps, ManagedLinkTargets } from '../../../electron/links';

function opener(platform: string, managed: ManagedLinkTargets = {}, existing: readonly string[] = []) {
  const openExternal = vi.fn((_url: string) => Promise.resolve());
  const openPath = vi.fn((_path: string) => Promise.resolve(''));
  const deps: LinkOpenerDeps = {
    platform,
    managedTargets: () => managed,
    openExternal,
    openPath,
    pathExists: (path) => existing.includes(path),
  };
  return { open: createLinkOpener(deps), openExternal, openPath };
}

describe('allow-listed links', () => {
  it('opens the Full Disk Access pane of System Settings on a Mac', async () => {
    const { open, openExternal } = opener('darwin');
    await expect(open('full-disk-access-settings')).resolves.toEqual({ ok: true, value: undefined });
    expect(openExternal).toHaveBeenCalledExactlyOnceWith(
      'x-apple.systempreferences:com.apple.preference.security?Privacy_AllFiles',
    );
  });

  it('opens Keychain Access from where this macOS keeps it', async () => {
    const { open, openPath } = opener('darwin', {}, ['/System/Applications/Utilities/Keychain Access.app']);
    await expect(open('keychain-access')).resolves.toMatchObject({ ok: true });
    expect(openPath).toHaveBeenCalledExactlyOnceWith('/System/Applications/Utilities/Keychain Access.app');
  });

  it('opens nothing Mac-only on another system', async () => {
    const { open, openExternal, openPath } = opener('linux', {}, ['/System/Applications/Mail.app']);
    await expect(open('full-disk-access-settings')).resolves.toMatchObject({ ok: false, error: { code: 'unsupported-platform' } });
    await expect(open('mail-app')).resolves.toMatchObject({ ok: false, error: { code: 'unsupported-platform' } });
    expect(openExternal).not.toHaveBeenCalled();
    expect(openPath).not.toHaveBeenCalled();
  });

  it('takes webmail and support only from managed preferences, and only https: or mailto:', async () => {
    expect(resolveLinkTarget('webmail', {})).toMatchObject({ ok: false, error: { code: 'link-not-configured' } });
    expect(resolveLinkTarget('webmail', { webmailUrl: 'https://webmail.example.com/' })).toEqual({
      ok: true,
      value: { kind: 'url', url: 'https://webmail.example.com/' },
    });
    expect(resolveLinkTarget('support', { supportUrl: 'mailto:help@example.com' })).toMatchObject({ ok: true });
    for (const unsafe of ['javascript:alert(1)', 'file:///etc/passwd', 'http://webmail.example.com/', 'not a url']) {
      expect(resolveLinkTarget('webmail', { webmailUrl: unsafe }), unsafe).toMatchObject({ ok: false });
    }
    const { open, openExternal } = opener('darwin', { supportUrl: 'smb://evil.example/share' });
    await expect(open('support')).resolves.toMatchObject({ ok: false });
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('has a fixed target for every id that does not come from managed preferences', () => {
    expect(Object.keys(FIXED_LINK_TARGETS).sort()).toEqual(['full-disk-access-settings', 'keychain-access', 'mail-app']);
  });
});
