/**
 * The temporary test mailbox: "is it my account, or the server?" answered from this Mac.
 *
 *   1. journal   a pending-deletion entry is written and flushed BEFORE the mailbox exists
 *   2. add_pop   Email::add_pop with a random password of GENERATED_PASSWORD_LENGTH characters
 *   3. settings  Email::get_client_settings: where the host tells mail apps to connect
 *   4. logins    one IMAP login and one SMTP login with the project's own login probes, each the run's one
 *                attempt for that protocol on that server, reserved in the login budget like any other
 *   5. send      the mailbox sends one message to itself (only after its SMTP login was accepted)
 *   6. read back it reads that message over IMAP (only after its IMAP login was accepted)
 *   7. delete    Email::delete_pop — on every path: after a failed step, after Cancel
 *   8. journal   the entry is removed only once the deletion succeeded (or the mailbox is confirmed gone)
 *
 * If the process dies between 2 and 8, the entry stays and the next start retries the deletion first
 * (`retryPendingDeletions`). If the fresh mailbox logs in, sends and receives, the server and the network
 * are fine and the person's own account settings are at fault.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type {
  HostClientSettings,
  HostingProblem,
  JournalState,
  PendingMailboxDeletion,
  TestMailboxResult,
  TestMailboxStep,
  TestMailboxStepId,
} from '../../shared/model/hosting';
import type { LoginOutcome, TlsOutcome } from '../../shared/probes/outcomes';
import { budgetResultFor } from '../diagnosis/loginBudget';
import type { ProbeSet } from '../diagnosis/probeSet';
import type { LiveSecrets } from '../keychain/liveSecrets';
import type { Secret } from '../keychain/secret';
import { ServerTexts } from '../probes/serverText';
import type { ServerEndpoint } from '../probes/types';
import type { CpanelApi, MailboxName } from './cpanelApi';
import type { DeletionJournal, JournalEntry } from './deletionJournal';
import { generateMailboxPassword } from './generatePassword';
import { readBack, sendToItself } from './roundTrip';
import { serverWordsCleaner } from './serverWords';

/** The login budget as this flow needs it (electron/diagnosis/loginBudget.ts LoginBudget implements it). */
export interface MailLoginBudget {
  reserve(key: MailLoginKey): Promise<{ readonly allowed: true } | { readonly allowed: false; readonly detail?: string; readonly safeAfter?: string }>;
  record(key: MailLoginKey, result: 'success' | 'failure' | 'not-sent'): Promise<void>;
}

export interface MailLoginKey {
  readonly host: string;
  /** The address the login connects to: bans, and so the budget, count per address. */
  readonly address: string | undefined;
  readonly port: number;
  readonly protocol: 'imap' | 'smtp';
}

export interface TestMailboxInput {
  readonly cpanel: CpanelApi;
  readonly journal: DeletionJournal;
  /** The account's mail domain the test mailbox is created in. */
  readonly domain: string;
  readonly probes: Pick<ProbeSet, 'resolveHost' | 'connect'>;
  readonly budget: MailLoginBudget;
  /** Connect to these instead of the hosts get_client_settings names (the names are still what TLS checks). */
  readonly imapHost?: string;
  readonly smtpHost?: string;
  readonly extraCaPem?: readonly string[];
  readonly signal: AbortSignal;
  /** Where the generated password is held while the flow runs (the caller's scope; see AdminContext.secrets). */
  readonly secrets?: LiveSecrets;
  readonly onStep?: (step: TestMailboxStep) => void;
  /** Deadline of each login and of the send (default 30 s). */
  readonly stepTimeoutMs?: number;
  /** How long to wait for the message to arrive (default 30 s). */
  readonly readBackTimeoutMs?: number;
  readonly clock?: () => Date;
  /** Tests only: a fixed password or mailbox name. */
  readonly newPassword?: () => Secret;
  readonly newLocalPart?: () => string;
}

export interface TestMailboxOutcome {
  readonly result: TestMailboxResult;
  readonly settings: HostClientSettings | null;
  /** Set when an API problem stopped the flow (the CLI's exit 2). */
  readonly problem?: HostingProblem;
}

export const DEFAULT_STEP_TIMEOUT_MS = 30_000;
export const DEFAULT_READ_BACK_TIMEOUT_MS = 30_000;
/** The smallest quota cPanel accepts is 1 MB; a test message is a few hundred bytes. */
const TEST_MAILBOX_QUOTA_MB = 10;

export async function runTestMailbox(input: TestMailboxInput): Promise<TestMailboxOutcome> {
  const clock = input.clock ?? (() => new Date());
  const steps: TestMailboxStep[] = [];
  const step = (id: TestMailboxStepId, status: TestMailboxStep['status'], durationMs: number, detail?: string): void => {
    const entry: TestMailboxStep = { id, status, durationMs, ...(detail === undefined ? {} : { detail }) };
    steps.push(entry);
    input.onStep?.(entry);
  };
  const local = (input.newLocalPart ?? (() => `md-test-${randomBytes(5).toString('hex')}`))();
  const mailbox: MailboxName = { local, domain: input.domain.toLowerCase() };
  const address = `${mailbox.local}@${mailbox.domain}`;
  const password = (input.newPassword ?? generateMailboxPassword)();
  input.secrets?.hold(password, address);
  const words = serverWordsCleaner([password]);
  const finish = (conclusion: TestMailboxResult['conclusion'], journal: JournalState, settings: HostClientSettings | null, problem?: HostingProblem): TestMailboxOutcome => ({
    result: { mailbox: address, steps, conclusion, journal },
    settings,
    ...(problem === undefined ? {} : { problem }),
  });

  // 1. The journal entry first: without it on disk, no mailbox is created.
  let entry: JournalEntry;
  let started = Date.now();
  try {
    entry = await input.journal.add(input.cpanel.session.connection, address, clock());
    step('journal-pending', 'passed', Date.now() - started);
  } catch (error) {
    step('journal-pending', 'failed', Date.now() - started, `the journal could not be written (${(error as NodeJS.ErrnoException).code ?? 'error'}), so no mailbox was created`);
    return finish('incomplete', 'unwritable', null);
  }

  // 2. The mailbox.
  started = Date.now();
  const added = await input.cpanel.addPop(mailbox, password, TEST_MAILBOX_QUOTA_MB);
  if (!added.ok) {
    step('add-mailbox', 'failed', Date.now() - started, problemWords(added.problem));
    if (!mayHaveBeenCreated(added.problem)) {
      await input.journal.remove(entry.id);
      step('journal-cleared', 'passed', 0, 'no mailbox was created');
      return finish('incomplete', 'cleared', null, added.problem);
    }
    const journal = await deleteAndClear(input, mailbox, entry, step);
    return finish('incomplete', journal, null, added.problem);
  }
  step('add-mailbox', 'passed', Date.now() - started);

  let settings: HostClientSettings | null = null;
  let problem: HostingProblem | undefined;
  let unexpected: { readonly error: unknown } | undefined;
  try {
    // 3. Where to connect.
    started = Date.now();
    const fetched = await input.cpanel.getClientSettings(address);
    if (!fetched.ok) {
      problem = fetched.problem;
      step('client-settings', 'failed', Date.now() - started, problemWords(fetched.problem));
    } else {
      settings = fetched.value;
      step('client-settings', 'passed', Date.now() - started);
      await mailSteps(input, settings, { address, password }, words, step);
    }
  } catch (error) {
    unexpected = { error };
  }

  // 7 + 8. Whatever happened above (a failed step, Cancel, an exception), the mailbox goes.
  const journal = await deleteAndClear(input, mailbox, entry, step);
  if (unexpected !== undefined) throw unexpected.error;
  const mailRan = ['imap-login', 'smtp-login', 'send-to-itself', 'read-back'] as const;
  const results = mailRan.map((id) => steps.find((s) => s.id === id)?.status);
  const conclusion: TestMailboxResult['conclusion'] = results.every((status) => status === 'passed')
    ? 'server-fine'
    : results.some((status) => status === 'failed')
      ? 'server-problem'
      : 'incomplete';
  return finish(conclusion, journal, settings, problem);
}

async function mailSteps(
  input: TestMailboxInput,
  settings: HostClientSettings,
  credentials: { readonly address: string; readonly password: Secret },
  words: ReturnType<typeof serverWordsCleaner>,
  step: (id: TestMailboxStepId, status: TestMailboxStep['status'], durationMs: number, detail?: string) => void,
): Promise<void> {
  const stepTimeout = input.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const imap = await resolvedEndpoint(input, {
    protocol: 'imap',
    host: settings.incoming.host,
    // cPanel's secure IMAP port (993) even when the account's default service is POP.
    port: settings.incoming.protocol === 'imap' ? settings.incoming.port : 993,
    tls: 'implicit',
  }, input.imapHost, stepTimeout);
  const smtp = await resolvedEndpoint(input, { protocol: 'smtp', host: settings.outgoing.host, port: settings.outgoing.port, tls: 'implicit' }, input.smtpHost, stepTimeout);

  // 4. One login per protocol, each reserved in the budget first.
  const imapLogin = 'unresolved' in imap ? imap.unresolved : await budgetedLogin(input, imap, credentials, stepTimeout);
  step('imap-login', imapLogin.status, imapLogin.durationMs, imapLogin.detail);
  const smtpLogin = 'unresolved' in smtp ? smtp.unresolved : await budgetedLogin(input, smtp, credentials, stepTimeout);
  step('smtp-login', smtpLogin.status, smtpLogin.durationMs, smtpLogin.detail);

  // 5. Send to itself, only with an accepted SMTP login.
  const message = { messageId: `<md-test-${randomBytes(8).toString('hex')}@mail-doctor.invalid>`, subject: `Mail Doctor test ${randomBytes(4).toString('hex')}` };
  const context = (timeoutMs: number) => ({ deadline: Date.now() + timeoutMs, signal: input.signal, ...(input.extraCaPem === undefined ? {} : { extraCaPem: input.extraCaPem }) });
  let sent = false;
  if (smtpLogin.status !== 'passed' || 'unresolved' in smtp) {
    step('send-to-itself', 'skipped', 0, 'the outgoing server did not accept the test mailbox’s login');
  } else {
    const result = await sendToItself(smtp, credentials, message, context(stepTimeout));
    sent = result.ok;
    step('send-to-itself', result.ok ? 'passed' : 'failed', result.durationMs, result.ok ? undefined : words.text(result.reason));
  }

  // 6. Read it back, only with an accepted IMAP login and a sent message.
  if (imapLogin.status !== 'passed' || 'unresolved' in imap) {
    step('read-back', 'skipped', 0, 'the incoming server did not accept the test mailbox’s login');
  } else if (!sent) {
    step('read-back', 'skipped', 0, 'no message was sent');
  } else {
    const result = await readBack(imap, credentials, message, context(input.readBackTimeoutMs ?? DEFAULT_READ_BACK_TIMEOUT_MS));
    step('read-back', result.ok ? 'passed' : 'failed', result.durationMs, result.ok ? undefined : words.text(result.reason));
    // A refusal here (the login was accepted a moment ago) is still a failure the server counted.
    if (!result.ok && /AUTHENTICATIONFAILED|authentication failed/i.test(result.reason)) {
      await input.budget.record({ host: imap.host, address: imap.connectAddress, port: imap.port, protocol: 'imap' }, 'failure');
    }
  }
}

/**
 * Where to connect: the address given (--imap-host / --smtp-host, an IP or a name) or the published host,
 * resolved once; the login, the budget (counted per address) and the round trip all use that address, and TLS
 * still checks the published name.
 */
async function resolvedEndpoint(
  input: TestMailboxInput,
  endpoint: ServerEndpoint,
  override: string | undefined,
  timeoutMs: number,
): Promise<ServerEndpoint | { readonly unresolved: LoginStep }> {
  const target = override ?? endpoint.host;
  if (net.isIP(target) !== 0) return { ...endpoint, connectAddress: target };
  const started = Date.now();
  const resolution = await input.probes.resolveHost(target, { deadline: Date.now() + timeoutMs, signal: input.signal });
  const address = resolution.kind === 'resolved' ? resolution.addresses[0]?.address : undefined;
  if (address === undefined) {
    return { unresolved: { status: 'failed', durationMs: Date.now() - started, detail: `no login attempted: ${target} did not resolve (${resolution.kind})` } };
  }
  return { ...endpoint, connectAddress: address };
}

interface LoginStep {
  readonly status: TestMailboxStep['status'];
  readonly durationMs: number;
  readonly detail?: string;
}

async function budgetedLogin(
  input: TestMailboxInput,
  endpoint: ServerEndpoint,
  credentials: { readonly address: string; readonly password: Secret },
  timeoutMs: number,
): Promise<LoginStep> {
  const protocol = endpoint.protocol === 'smtp' ? 'smtp' : 'imap';
  const context = () => ({ deadline: Date.now() + timeoutMs, signal: input.signal, ...(input.extraCaPem === undefined ? {} : { extraCaPem: input.extraCaPem }) });
  const started = Date.now();
  // As the diagnosis runner does: the connection and the certificate are checked without a credential first,
  // and the login goes over that same verified connection; a server whose certificate does not verify never
  // gets the password (and costs no budget). Every server text kept is scrubbed of the fresh credential.
  const texts = new ServerTexts({ username: credentials.address, password: credentials.password });
  const connection = await input.probes.connect(endpoint, context(), texts, {});
  const { open } = connection;
  try {
    const unusable = connection.tcp.kind === 'connected' ? tlsProblem(connection.tls) : `the server could not be reached (${connection.tcp.kind})`;
    if (unusable !== null || open === undefined) {
      return { status: 'failed', durationMs: Date.now() - started, detail: `no login attempted: ${unusable ?? 'the connection was not usable'}` };
    }
    const key: MailLoginKey = { host: endpoint.host, address: endpoint.connectAddress, port: endpoint.port, protocol };
    const decision = await input.budget.reserve(key);
    if (!decision.allowed) {
      await open.finish(context());
      return { status: 'skipped', durationMs: Date.now() - started, detail: `no login attempted: ${decision.detail ?? 'the login budget for this server is used up'}` };
    }
    // If the probe throws (a bug: probes return outcomes), the attempt counts as a failure, conservatively.
    let settlement: 'success' | 'failure' | 'not-sent' = 'failure';
    try {
      const result = await open.login({ username: credentials.address, password: credentials.password }, context());
      settlement = result.credentialSent ? budgetResultFor(result.login) : 'not-sent';
      return loginStep(result.login, Date.now() - started);
    } finally {
      await input.budget.record(key, settlement);
    }
  } finally {
    open?.close();
  }
}

/** Why a TLS outcome does not allow a login, or null when it does (established and verified). */
function tlsProblem(tls: TlsOutcome): string | null {
  switch (tls.kind) {
    case 'established':
      return tls.verification.ok ? null : `the server's certificate did not verify (${tls.verification.code})`;
    case 'handshake-failed':
      return `the encrypted connection failed (${tls.errorCode})`;
    case 'timeout':
      return `no answer in time (${tls.phase})`;
    case 'not-applicable':
      return tls.reason === 'no-connection' ? 'the server could not be reached' : 'no encryption';
    case 'starttls-not-offered':
    case 'starttls-withdrawn':
    case 'plaintext-on-tls-port':
    case 'tls-on-plaintext-port':
      return `the port does not speak encryption as published (${tls.kind})`;
    case 'protocol-error':
      return `the server's answer before encryption went wrong (${tls.errorCode})`;
  }
}

function loginStep(login: LoginOutcome, durationMs: number): LoginStep {
  switch (login.kind) {
    case 'accepted':
      return { status: 'passed', durationMs };
    case 'rejected':
      return { status: 'failed', durationMs, detail: `refused: ${login.serverText}` };
    case 'unavailable':
      return { status: 'failed', durationMs, detail: `the server offers no login here: ${login.serverText}` };
    case 'timeout':
      return { status: 'failed', durationMs, detail: `no answer within ${Math.round(login.afterMs / 1000)} s` };
    case 'error':
      return { status: 'failed', durationMs, detail: `${login.errorCode}: ${login.message}` };
    case 'skipped':
      return { status: 'skipped', durationMs, detail: `not attempted (${login.reason})` };
  }
}

/** A failed add_pop that may still have created the mailbox: the request went out and no answer came back. */
function mayHaveBeenCreated(problem: HostingProblem): boolean {
  return (problem.kind === 'timeout' && problem.phase === 'response') || problem.kind === 'cancelled';
}

type StepRecorder = (id: TestMailboxStepId, status: TestMailboxStep['status'], durationMs: number, detail?: string) => void;

/** delete_pop, then the journal entry; a failed delete is checked with list_pops before the entry is kept. */
async function deleteAndClear(
  input: Pick<TestMailboxInput, 'cpanel' | 'journal'>,
  mailbox: MailboxName,
  entry: JournalEntry,
  step: StepRecorder,
): Promise<JournalState> {
  const started = Date.now();
  const state = await deleteMailbox(input, mailbox, entry);
  step('delete-mailbox', state.journal === 'cleared' ? 'passed' : 'failed', Date.now() - started, state.detail);
  step('journal-cleared', state.journal === 'cleared' ? 'passed' : 'failed', 0, state.journal === 'cleared' ? undefined : 'the deletion is retried at the next start');
  return state.journal;
}

async function deleteMailbox(
  input: Pick<TestMailboxInput, 'cpanel' | 'journal'>,
  mailbox: MailboxName,
  entry: JournalEntry,
): Promise<{ readonly journal: 'cleared' | 'pending'; readonly detail?: string; readonly problem?: HostingProblem }> {
  const deleted = await input.cpanel.deletePop(mailbox);
  let detail: string | undefined;
  if (!deleted.ok) {
    // "Does not exist" comes back as an error: ask whether the mailbox is really still there.
    if (deleted.problem.kind !== 'api-error') return { journal: 'pending', detail: problemWords(deleted.problem), problem: deleted.problem };
    const exists = await input.cpanel.mailboxExists(mailbox);
    if (!exists.ok || exists.value) return { journal: 'pending', detail: problemWords(deleted.problem), problem: deleted.problem };
    detail = 'the mailbox was already gone';
  }
  try {
    await input.journal.remove(entry.id);
  } catch {
    return { journal: 'pending', detail: 'the mailbox was deleted, but its journal entry could not be removed' };
  }
  return { journal: 'cleared', ...(detail === undefined ? {} : { detail }) };
}

export interface RetriedDeletion extends PendingMailboxDeletion {
  readonly journal: 'cleared' | 'pending';
  readonly problem?: HostingProblem;
}

/**
 * The start-up retry: every journalled test mailbox of this cPanel account (same server and user) is
 * deleted now, before anything else; entries of other accounts are left for a start that has their token.
 */
export async function retryPendingDeletions(input: Pick<TestMailboxInput, 'cpanel' | 'journal'>): Promise<RetriedDeletion[]> {
  const { connection } = input.cpanel.session;
  const { entries } = await input.journal.list();
  const retried: RetriedDeletion[] = [];
  for (const entry of entries) {
    if (entry.connection.url !== connection.url || entry.connection.user !== connection.user) continue;
    const name = mailboxNameOf(entry.mailbox);
    if (name === null) continue;
    const state = await deleteMailbox(input, name, entry);
    retried.push({ connection: entry.connection, mailbox: entry.mailbox, createdAt: entry.createdAt, journal: state.journal, ...(state.problem === undefined ? {} : { problem: state.problem }) });
  }
  return retried;
}

function mailboxNameOf(address: string): MailboxName | null {
  const at = address.lastIndexOf('@');
  return at <= 0 ? null : { local: address.slice(0, at), domain: address.slice(at + 1) };
}

/** A short technical line for a step's detail (the window and CLI word problems from the admin catalog). */
function problemWords(problem: HostingProblem): string {
  switch (problem.kind) {
    case 'token-refused':
      return `the token was refused${problem.httpStatus === undefined ? '' : ` (HTTP ${problem.httpStatus})`}${joinWords(problem.serverWords)}`;
    case 'not-permitted':
      return `${problem.function} is not permitted for this token${joinWords(problem.serverWords)}`;
    case 'api-error':
      return `${problem.function} failed${joinWords(problem.serverWords)}`;
    case 'login-page':
      return `a login page came back instead of the API's answer (HTTP ${problem.httpStatus})`;
    case 'not-json':
      return `the answer was not the API's JSON (HTTP ${problem.httpStatus}${problem.contentType === undefined ? '' : `, ${problem.contentType}`})`;
    case 'timeout':
      return problem.phase === 'connect' ? 'the server could not be reached in time' : 'the server did not answer in time';
    case 'unreachable':
      return `the server could not be reached (${problem.errorCode})`;
    case 'certificate':
      return `the server's certificate did not verify (${problem.errorCode})`;
    case 'not-retried':
      return problem.reason === 'refused-before' ? 'not sent: this token was refused before' : 'not sent: the token was refused earlier in this run';
    case 'cancelled':
      return 'cancelled';
  }
}

function joinWords(words: readonly string[]): string {
  return words.length === 0 ? '' : `: ${words.join('; ')}`;
}
