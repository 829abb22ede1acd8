/**
 * The five things the person who runs the hosting account can do, each one run with one token and one
 * API session, shared by the CLI (`mail-doctor admin ...`) and the window (the admin IPC service):
 *
 *   checkIp        WHM: is this address blocked by cPHulk, by what, since and until when, and why
 *   unblockIp      WHM: flush_cphulk_login_history_for_ips, then the check again
 *   resetPassword  cPanel: Email::passwd_pop
 *   clientSettings cPanel: Email::get_client_settings
 *   testMailbox    cPanel + the mail servers: the temporary mailbox (electron/admin/testMailbox.ts)
 *
 * Every cPanel action first retries the journalled deletions of this account's test mailboxes (an earlier
 * run that was killed between add_pop and delete_pop), with the same token and in the same session, so the
 * one-attempt budget covers them too. Every report carries each API call made, never the token.
 */
import type {
  BlockCheckResult,
  HostClientSettings,
  HostingApiCall,
  HostingConnection,
  HostingProblem,
  UnblockResult,
} from '../../shared/model/hosting';
import type { ProbeSet } from '../diagnosis/probeSet';
import type { LiveSecrets } from '../keychain/liveSecrets';
import type { Secret } from '../keychain/secret';
import { checkIpBlocked, unblockIp } from './cphulk';
import { CpanelApi, mailboxName } from './cpanelApi';
import { DeletionJournal } from './deletionJournal';
import { HostingSession } from './hostingSession';
import type { MailLoginBudget, RetriedDeletion, TestMailboxOutcome } from './testMailbox';
import { retryPendingDeletions, runTestMailbox } from './testMailbox';
import { WhmApi } from './whmApi';

export interface AdminContext {
  /** The app's state folder: refused tokens, the deletion journal, the login budget. */
  readonly stateDir: string;
  readonly extraCaPem?: readonly string[];
  readonly signal: AbortSignal;
  /** Each API call as it ends (progress). */
  readonly onCall?: (call: HostingApiCall) => void;
  readonly callTimeoutMs?: number;
  /**
   * The caller's scope of the live-secrets registry (electron/keychain/liveSecrets.ts): the token, a new
   * password and the test mailbox's generated password are held there from the moment they are used, so the
   * exit guard finds them in every output. The caller releases the scope once its output has left.
   */
  readonly secrets?: LiveSecrets;
}

export type ActionOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: HostingProblem };

export interface AdminReport<T> {
  readonly connection: HostingConnection;
  readonly calls: readonly HostingApiCall[];
  /** Test mailboxes of earlier runs whose deletion was retried first (cPanel actions only). */
  readonly retriedDeletions: readonly RetriedDeletion[];
  readonly outcome: ActionOutcome<T>;
}

function session(connection: HostingConnection, token: Secret, context: AdminContext): HostingSession {
  context.secrets?.hold(token);
  return new HostingSession({
    connection,
    token,
    stateDir: context.stateDir,
    signal: context.signal,
    ...(context.extraCaPem === undefined ? {} : { extraCaPem: context.extraCaPem }),
    ...(context.onCall === undefined ? {} : { onCall: context.onCall }),
    ...(context.callTimeoutMs === undefined ? {} : { callTimeoutMs: context.callTimeoutMs }),
  });
}

export async function checkIp(
  connection: HostingConnection,
  token: Secret,
  request: { readonly ip?: string; readonly email?: string },
  context: AdminContext,
): Promise<AdminReport<BlockCheckResult>> {
  const whm = new WhmApi(session(connection, token, context));
  const checked = await checkIpBlocked(whm, request);
  return {
    connection,
    calls: whm.session.calls,
    retriedDeletions: [],
    outcome: checked.ok ? { ok: true, value: { kind: 'checked', check: checked.check } } : { ok: false, problem: checked.problem },
  };
}

export async function unblock(connection: HostingConnection, token: Secret, ip: string, context: AdminContext): Promise<AdminReport<UnblockResult>> {
  const whm = new WhmApi(session(connection, token, context));
  const result = await unblockIp(whm, ip);
  return { connection, calls: whm.session.calls, retriedDeletions: [], outcome: result.ok ? { ok: true, value: result.result } : result };
}

async function withCpanel<T>(
  connection: HostingConnection,
  token: Secret,
  context: AdminContext,
  action: (cpanel: CpanelApi, journal: DeletionJournal, retried: readonly RetriedDeletion[]) => Promise<ActionOutcome<T>>,
): Promise<AdminReport<T>> {
  const cpanel = new CpanelApi(session(connection, token, context));
  const journal = new DeletionJournal(context.stateDir);
  const retriedDeletions = await retryPendingDeletions({ cpanel, journal });
  const outcome = await action(cpanel, journal, retriedDeletions);
  return { connection, calls: cpanel.session.calls, retriedDeletions, outcome };
}

export function resetPassword(connection: HostingConnection, token: Secret, address: string, password: Secret, context: AdminContext): Promise<AdminReport<{ readonly mailbox: string }>> {
  context.secrets?.hold(password);
  return withCpanel(connection, token, context, async (cpanel) => {
    const name = mailboxName(address);
    if (name === null) return { ok: false, problem: { kind: 'api-error', api: 'cpanel', function: 'Email::passwd_pop', serverWords: ['not an email address'] } };
    const changed = await cpanel.passwdPop(name, password);
    return changed.ok ? { ok: true, value: { mailbox: `${name.local}@${name.domain}` } } : changed;
  });
}

export function clientSettings(connection: HostingConnection, token: Secret, address: string, context: AdminContext): Promise<AdminReport<HostClientSettings>> {
  return withCpanel(connection, token, context, (cpanel) => cpanel.getClientSettings(address));
}

export interface TestMailboxRequest {
  readonly domain: string;
  readonly imapHost?: string;
  readonly smtpHost?: string;
  readonly probes: Pick<ProbeSet, 'resolveHost' | 'connect'>;
  readonly budget: MailLoginBudget;
  readonly onStep?: Parameters<typeof runTestMailbox>[0]['onStep'];
  readonly stepTimeoutMs?: number;
  readonly readBackTimeoutMs?: number;
}

export function testMailbox(connection: HostingConnection, token: Secret, request: TestMailboxRequest, context: AdminContext): Promise<AdminReport<TestMailboxOutcome>> {
  return withCpanel(connection, token, context, async (cpanel, journal, retried) => {
    // The token was refused while retrying old deletions: create nothing new.
    if (cpanel.session.tokenRefused) {
      const refusal = retried.find((entry) => entry.problem !== undefined)?.problem;
      return { ok: false, problem: refusal ?? { kind: 'not-retried', api: 'cpanel', reason: 'refused-this-run' } };
    }
    const outcome = await runTestMailbox({
      cpanel,
      journal,
      domain: request.domain,
      probes: request.probes,
      budget: request.budget,
      signal: context.signal,
      ...(context.secrets === undefined ? {} : { secrets: context.secrets }),
      ...(request.imapHost === undefined ? {} : { imapHost: request.imapHost }),
      ...(request.smtpHost === undefined ? {} : { smtpHost: request.smtpHost }),
      ...(context.extraCaPem === undefined ? {} : { extraCaPem: context.extraCaPem }),
      ...(request.onStep === undefined ? {} : { onStep: request.onStep }),
      ...(request.stepTimeoutMs === undefined ? {} : { stepTimeoutMs: request.stepTimeoutMs }),
      ...(request.readBackTimeoutMs === undefined ? {} : { readBackTimeoutMs: request.readBackTimeoutMs }),
    });
    return { ok: true, value: outcome };
  });
}
