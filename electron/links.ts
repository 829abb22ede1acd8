/**
 * External places the app may open, by allow-listed id (shared/ipc/contract.ts LINK_IDS). The page
 * sends an id, never a URL: main alone decides what opens (Electron security checklist item 15).
 */
import type { LinkId } from '../shared/ipc/contract';
import type { Result } from '../shared/result';
import { err, ok } from '../shared/result';

export type LinkTarget =
  /** A URL handed to the system (System Settings pane, https page, mailto draft). */
  | { readonly kind: 'url'; readonly url: string }
  /** An application bundle, first existing path wins (Keychain Access moved in macOS 15). */
  | { readonly kind: 'app'; readonly paths: readonly string[] };

/** Targets that are the same on every Mac. */
export const FIXED_LINK_TARGETS = {
  'full-disk-access-settings': {
    kind: 'url',
    url: 'x-apple.systempreferences:com.apple.preference.security?Privacy_AllFiles',
  },
  'mail-app': { kind: 'app', paths: ['/System/Applications/Mail.app'] },
  'keychain-access': {
    kind: 'app',
    paths: [
      '/System/Library/CoreServices/Applications/Keychain Access.app',
      '/System/Applications/Utilities/Keychain Access.app',
    ],
  },
} as const satisfies Partial<Record<LinkId, LinkTarget>>;

/** Webmail and support come from the organisation's managed preferences (issue 4), when set. */
export interface ManagedLinkTargets {
  readonly webmailUrl?: string;
  readonly supportUrl?: string;
}

/** Only these schemes may come from managed preferences: a web page or a mail draft. */
const MANAGED_URL_PROTOCOLS = new Set(['https:', 'mailto:']);

export function resolveLinkTarget(linkId: LinkId, managed: ManagedLinkTargets): Result<LinkTarget> {
  switch (linkId) {
    case 'full-disk-access-settings':
    case 'mail-app':
    case 'keychain-access':
      return ok(FIXED_LINK_TARGETS[linkId]);
    case 'webmail':
      return managedUrl(managed.webmailUrl, 'webmail');
    case 'support':
      return managedUrl(managed.supportUrl, 'support contact');
  }
}

function managedUrl(value: string | undefined, what: string): Result<LinkTarget> {
  if (value === undefined || value === '') {
    return err('link-not-configured', `Your organisation has not set a ${what} address for Mail Doctor.`);
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return err('link-not-configured', `The ${what} address in the managed settings is not a valid address.`);
  }
  if (!MANAGED_URL_PROTOCOLS.has(parsed.protocol)) {
    return err('link-not-configured', `The ${what} address in the managed settings must start with https: or mailto:.`);
  }
  return ok({ kind: 'url', url: parsed.href });
}

/** Where "Contact support" goes: a new mail draft, or the organisation's ticket page. */
export type SupportContact =
  | { readonly kind: 'mail-draft'; readonly url: string }
  | { readonly kind: 'ticket-page'; readonly url: string };

/**
 * The support contact from managed preferences, validated exactly like the `support` link (https: or
 * mailto: only). Anything else, or nothing, is 'support-not-configured': the window then offers no
 * "Contact support" button.
 */
export function resolveSupportContact(managed: ManagedLinkTargets): Result<SupportContact, 'support-not-configured'> {
  const target = resolveLinkTarget('support', managed);
  if (!target.ok || target.value.kind !== 'url') {
    return err(
      'support-not-configured',
      target.ok ? 'Your organisation has not set a support contact for Mail Doctor.' : target.error.message,
    );
  }
  const url = target.value.url;
  return ok(url.startsWith('mailto:') ? { kind: 'mail-draft', url } : { kind: 'ticket-page', url });
}

export interface LinkOpenerDeps {
  readonly platform: string;
  readonly managedTargets: () => ManagedLinkTargets;
  readonly openExternal: (url: string) => Promise<void>;
  /** Resolves with '' on success or an error message (Electron's shell.openPath contract). */
  readonly openPath: (path: string) => Promise<string>;
  readonly pathExists: (path: string) => boolean;
}

export function createLinkOpener(deps: LinkOpenerDeps): (linkId: LinkId) => Promise<Result<void>> {
  return async (linkId) => {
    const target = resolveLinkTarget(linkId, deps.managedTargets());
    if (!target.ok) return target;
    const value = target.value;
    if (value.kind === 'url') {
      if (value.url.startsWith('x-apple.') && deps.platform !== 'darwin') {
        return err('unsupported-platform', 'This setting exists only on a Mac.');
      }
      try {
        await deps.openExternal(value.url);
        return ok(undefined);
      } catch {
        return err('link-failed', 'The system could not open this link.');
      }
    }
    if (deps.platform !== 'darwin') return err('unsupported-platform', 'This application exists only on a Mac.');
    const path = value.paths.find((candidate) => deps.pathExists(candidate));
    if (path === undefined) return err('link-failed', 'This application was not found on this Mac.');
    const failure = await deps.openPath(path);
    return failure === '' ? ok(undefined) : err('link-failed', 'The system could not open this application.');
  };
}
