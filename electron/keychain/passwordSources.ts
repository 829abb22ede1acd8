import type {
  AccountAuthKind,
  MailAccount,
  PasswordComparison,
  PasswordLookupAttempt,
  PasswordLookupOutcome,
  StoredPasswordStatus,
} from '../../shared/model/account';
import type { DiscoveredAccount, KeychainTarget } from '../accounts/types';
import { readAccountCredential } from './accountCredentials';
import { compareStoredPasswords } from './compareSecrets';
import type { SecretComparer } from './compareSecrets';
import type { SecurityToolOptions } from './internetPasswords';
import { findInternetPassword, protocolCodesFor } from './internetPasswords';
import type { KeytarLike } from './keytarModule';
import { loadKeytar } from './keytarModule';
import type { Secret } from './secret';
import type { SourceReadOutcome } from './types';

/**
 * Where a saved password can come from, tried in order, every attempt recorded:
 *   1. internet-password: Mail's legacy Internet-password item, via /usr/bin/security;
 *   2. account-credential: accountsd's generic item com.apple.account.<Type>.password (keytar);
 *   3. typed: a password the user typed for this run only (never stored).
 * The first source that finds a password ends the search (every keychain read may open a dialog).
 * A refusal (denied) stops the remaining calls to that same source but not the next source.
 * Nothing found on an Internet Accounts era account is 'out-of-reach', not 'not-found' (storedOutcome).
 */

export interface PasswordLookupOptions {
  readonly platform?: NodeJS.Platform;
  /** Options for the `security` tool (path override, env, deadline, abort signal). */
  readonly securityTool?: SecurityToolOptions;
  /** A keytar-compatible module; default: the real keytar, loaded lazily. */
  readonly keytar?: KeytarLike;
  /** Passwords the user typed for this run, per side. */
  readonly typed?: { readonly incoming?: Secret; readonly outgoing?: Secret };
}

export interface SidePasswordLookup {
  readonly status: StoredPasswordStatus;
  /** The password to use for the login probe (any source, typed included), or null. */
  readonly secret: Secret | null;
  /** What Mail's own stores gave, for the comparison (typed passwords excluded). */
  readonly stored: { readonly outcome: PasswordLookupOutcome; readonly secret: Secret | null };
}

export interface AccountPasswordLookup {
  /** The account with `passwords` filled in (status only, no secret). */
  readonly account: MailAccount;
  readonly incoming: SidePasswordLookup;
  readonly outgoing: SidePasswordLookup;
  readonly comparison: PasswordComparison;
}

export async function lookUpAccountPasswords(
  discovered: DiscoveredAccount,
  comparer: SecretComparer,
  options: PasswordLookupOptions = {},
): Promise<AccountPasswordLookup> {
  const { account } = discovered;
  const outgoingWithoutAuth = account.outgoing !== null && !account.outgoing.authenticationEnabled;
  const incoming = await lookUpPassword(discovered.incomingTarget, account.authKind, options, options.typed?.incoming);
  const outgoing = outgoingWithoutAuth
    ? notApplicable('the outgoing server is set up without authentication')
    : await lookUpPassword(discovered.outgoingTarget, account.authKind, options, options.typed?.outgoing);
  const comparison = compareStoredPasswords(incoming.stored, outgoing.stored, comparer);
  return {
    account: { ...account, passwords: { incoming: incoming.status, outgoing: outgoing.status, comparison } },
    incoming,
    outgoing,
    comparison,
  };
}

export async function lookUpPassword(
  target: KeychainTarget | null,
  authKind: AccountAuthKind,
  options: PasswordLookupOptions = {},
  typed?: Secret,
): Promise<SidePasswordLookup> {
  if (authKind === 'oauth') return notApplicable('this account signs in with a token (OAuth), not a password');
  if (target === null) return notApplicable('no server stored for this side');

  const platform = options.platform ?? process.platform;
  const attempts: PasswordLookupAttempt[] = [];
  let storedSecret: Secret | null = null;

  // 1. Legacy Internet-password items, one protocol code at a time.
  for (const code of protocolCodesFor(target.protocol)) {
    const outcome = await findInternetPassword(
      { host: target.host, username: target.username, protocol: code },
      { platform, ...options.securityTool },
    );
    attempts.push(attemptOf('internet-password', outcome));
    if (outcome.kind === 'found') storedSecret = outcome.secret;
    if (outcome.kind !== 'not-found') break;
  }

  // 2. accountsd's generic item, by account UUID.
  if (storedSecret === null) {
    const outcome = await readGenericItem(target, platform, options.keytar);
    attempts.push(attemptOf('account-credential', outcome));
    if (outcome.kind === 'found') storedSecret = outcome.secret;
  }
  const stored = { outcome: storedOutcome(attempts, target), secret: storedSecret };

  // 3. What the user typed for this run.
  let secret = storedSecret;
  if (secret === null) {
    if (typed !== undefined) {
      attempts.push({ source: 'typed', outcome: 'found', detail: 'typed for this run' });
      secret = typed;
    } else {
      attempts.push({ source: 'typed', outcome: 'not-applicable', detail: 'no password typed for this run' });
    }
  }

  const outcome = secret !== null ? 'found' : stored.outcome;
  const foundIn = attempts.find((attempt) => attempt.outcome === 'found')?.source;
  return {
    status: { outcome, ...(foundIn !== undefined ? { foundIn } : {}), attempts },
    secret,
    stored,
  };
}

async function readGenericItem(target: KeychainTarget, platform: NodeJS.Platform, injected: KeytarLike | undefined): Promise<SourceReadOutcome> {
  if (platform !== 'darwin') return { kind: 'not-applicable', detail: "Mail's account items exist only on macOS" };
  if (target.accountUuid === undefined) return { kind: 'not-applicable', detail: 'no account UUID stored (legacy account)' };
  let keytar = injected;
  if (keytar === undefined) {
    const loaded = await loadKeytar();
    if (!loaded.ok) return { kind: 'error', detail: loaded.error.message };
    keytar = loaded.value;
  }
  return readAccountCredential(target.protocol, target.accountUuid, keytar);
}

function attemptOf(source: PasswordLookupAttempt['source'], outcome: SourceReadOutcome): PasswordLookupAttempt {
  return { source, outcome: outcome.kind, detail: outcome.detail };
}

/** found beats everything; then a refusal, an error, a plain "not there"; else not applicable. */
function overallOutcome(attempts: readonly PasswordLookupAttempt[]): PasswordLookupOutcome {
  const order: readonly PasswordLookupOutcome[] = ['found', 'denied', 'error', 'not-found'];
  return order.find((outcome) => attempts.some((attempt) => attempt.outcome === outcome)) ?? 'not-applicable';
}

/**
 * What Mail's own stores gave for one side. "Not found" everywhere means "missing" only for a legacy
 * account, whose Internet-password item lives in the login keychain that `security` reads. An account
 * with an Accounts4/3 UUID keeps its secret with accountsd, where neither `security` nor keytar can see
 * it (research macos-mail-and-keychain.md §2.3): for it, "not found" is 'out-of-reach', never missing.
 */
function storedOutcome(attempts: readonly PasswordLookupAttempt[], target: KeychainTarget): PasswordLookupOutcome {
  const outcome = overallOutcome(attempts);
  return outcome === 'not-found' && target.accountUuid !== undefined ? 'out-of-reach' : outcome;
}

function notApplicable(detail: string): SidePasswordLookup {
  return {
    status: { outcome: 'not-applicable', attempts: [{ source: 'internet-password', outcome: 'not-applicable', detail }] },
    secret: null,
    stored: { outcome: 'not-applicable', secret: null },
  };
}
