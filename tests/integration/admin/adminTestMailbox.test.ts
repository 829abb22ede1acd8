/**
 * The temporary test mailbox against the contract double and the real Dovecot/Exim: created, logged in to,
 * sending to itself, read back, and deleted on every path — a failed step, an API failure, Cancel, a failed
 * delete (then retried at the next start). Each run has its own state folder (journal, login budget).
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { CpanelApi } from '../../../electron/admin/cpanelApi';
import { DeletionJournal, JOURNAL_DIR_NAME } from '../../../electron/admin/deletionJournal';
import { HostingSession } from '../../../electron/admin/hostingSession';
import type { TestMailboxInput } from '../../../electron/admin/testMailbox';
import { retryPendingDeletions, runTestMailbox } from '../../../electron/admin/testMailbox';
import { LoginBudget } from '../../../electron/diagnosis/loginBudget';
import { realProbeSet } from '../../../electron/diagnosis/realProbeSet';
import { Secret } from '../../../electron/keychain/secret';
import { markLog } from '../../servers/logs';
import type { MailServersInfo } from '../../servers/types';
import { DOMAIN, useDoubleFixture } from './adminSupport';

const rig = useDoubleFixture();
let info: MailServersInfo;
const stateDirs: string[] = [];

beforeEach(() => {
  info = rig.info();
});

afterAll(async () => {
  await Promise.all(stateDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

function double() {
  return rig.fixture().double;
}

async function setUp(overrides: Partial<TestMailboxInput> = {}, signal = new AbortController().signal) {
  const fixture = rig.fixture();
  const stateDir = await mkdtemp(join(tmpdir(), 'md-testmailbox-'));
  stateDirs.push(stateDir);
  const cpanel = new CpanelApi(new HostingSession({ connection: fixture.cpanel, token: new Secret(fixture.cpanelToken), stateDir, signal, extraCaPem: [info.caPem] }));
  const journal = new DeletionJournal(stateDir);
  const input: TestMailboxInput = {
    cpanel,
    journal,
    domain: DOMAIN,
    probes: realProbeSet({ publicIpLookup: false }),
    budget: await LoginBudget.open(stateDir),
    imapHost: '127.0.0.1',
    smtpHost: '127.0.0.1',
    extraCaPem: [info.caPem],
    signal,
    readBackTimeoutMs: 15_000,
    ...overrides,
  };
  return { stateDir, cpanel, journal, input };
}

const statuses = (steps: readonly { id: string; status: string }[]) => Object.fromEntries(steps.map((step) => [step.id, step.status]));

describe('the temporary test mailbox', () => {
  it('logs in, sends to itself, reads it back and is deleted: the server is fine', async () => {
    const { input, cpanel, journal } = await setUp();
    const dovecotLog = await markLog(info.logs.dovecot);
    const { result, settings, problem } = await runTestMailbox(input);
    expect(problem).toBeUndefined();
    expect(statuses(result.steps)).toEqual({
      'journal-pending': 'passed',
      'add-mailbox': 'passed',
      'client-settings': 'passed',
      'imap-login': 'passed',
      'smtp-login': 'passed',
      'send-to-itself': 'passed',
      'read-back': 'passed',
      'delete-mailbox': 'passed',
      'journal-cleared': 'passed',
    });
    expect(result).toMatchObject({ conclusion: 'server-fine', journal: 'cleared' });
    expect(result.mailbox).toMatch(/^md-test-[0-9a-f]{10}@example\.test$/);
    expect(settings?.incoming.host).toBe(info.goodName);
    // The logins were real, and the mailbox is gone from the server and the journal.
    // Two IMAP logins of the fresh mailbox: the login probe and the read-back.
    expect(await dovecotLog.waitForMatches(new RegExp(`imap-login: (Info: )?Login: user=<${result.mailbox.replace(/\./g, '\\.')}>`), 2)).toHaveLength(2);
    expect(double().store.hasMailbox(result.mailbox)).toBe(false);
    expect((await journal.list()).entries).toEqual([]);
    expect(cpanel.session.calls.map((call) => call.function)).toEqual(['Email::add_pop', 'Email::get_client_settings', 'Email::delete_pop']);
    for (const step of result.steps) expect(step.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('a failing outgoing server is a server problem, and the mailbox is still deleted', async () => {
    // 127.0.0.3 presents an expired certificate: the SMTP login cannot start, nothing is sent.
    const { input } = await setUp({ smtpHost: '127.0.0.3' });
    const { result } = await runTestMailbox(input);
    expect(statuses(result.steps)).toMatchObject({ 'imap-login': 'passed', 'smtp-login': 'failed', 'send-to-itself': 'skipped', 'read-back': 'skipped', 'delete-mailbox': 'passed' });
    expect(result).toMatchObject({ conclusion: 'server-problem', journal: 'cleared' });
    expect(result.steps.find((step) => step.id === 'smtp-login')?.detail).toMatch(/CERT|expired/i);
    expect(double().store.hasMailbox(result.mailbox)).toBe(false);
  });

  it('a refused add_pop creates nothing and leaves no journal entry', async () => {
    double().fault('Email::add_pop', { kind: 'feature-disabled', style: 'role' }, 1);
    const { input, journal, cpanel } = await setUp();
    const outcome = await runTestMailbox(input);
    expect(outcome.problem?.kind).toBe('not-permitted');
    expect(outcome.result).toMatchObject({ conclusion: 'incomplete', journal: 'cleared' });
    expect((await journal.list()).entries).toEqual([]);
    expect(cpanel.session.calls.map((call) => call.function)).toEqual(['Email::add_pop']);
  });

  it('an add_pop without an answer may have created the mailbox: the deletion is tried and confirmed', async () => {
    double().fault('Email::add_pop', { kind: 'hang' }, 1);
    const { input, cpanel } = await setUp();
    const session = new HostingSession({ connection: cpanel.session.connection, token: new Secret(rig.fixture().cpanelToken), stateDir: (await setUp()).stateDir, signal: input.signal, extraCaPem: [info.caPem], callTimeoutMs: 800 });
    const outcome = await runTestMailbox({ ...input, cpanel: new CpanelApi(session) });
    expect(outcome.problem).toMatchObject({ kind: 'timeout', phase: 'response' });
    expect(session.calls.map((call) => call.function)).toEqual(['Email::add_pop', 'Email::delete_pop', 'Email::list_pops']);
    expect(outcome.result.journal).toBe('cleared');
  });

  it('a failed delete keeps the journal entry; the next start deletes the mailbox first', async () => {
    double().fault('Email::delete_pop', { kind: 'status-0', errors: ['The mail server is busy.'] }, 1);
    const { input, journal, stateDir } = await setUp();
    const { result } = await runTestMailbox(input);
    expect(result).toMatchObject({ conclusion: 'server-fine', journal: 'pending' });
    expect(double().store.hasMailbox(result.mailbox)).toBe(true);
    expect((await journal.list()).entries.map((entry) => entry.mailbox)).toEqual([result.mailbox]);

    // The next start: a new session, the same state folder.
    const next = await setUp();
    const cpanel = new CpanelApi(new HostingSession({ connection: next.cpanel.session.connection, token: new Secret(rig.fixture().cpanelToken), stateDir, signal: new AbortController().signal, extraCaPem: [info.caPem] }));
    const retried = await retryPendingDeletions({ cpanel, journal: new DeletionJournal(stateDir) });
    expect(retried).toEqual([expect.objectContaining({ mailbox: result.mailbox, journal: 'cleared' })]);
    expect(double().store.hasMailbox(result.mailbox)).toBe(false);
    expect(await readdir(join(stateDir, JOURNAL_DIR_NAME))).toEqual([]);
  });

  it('Cancel after the mailbox exists still deletes it', async () => {
    const controller = new AbortController();
    const { input } = await setUp({}, controller.signal);
    void double().answered('Email::add_pop').then(() => controller.abort());
    const { result } = await runTestMailbox(input);
    expect(result.journal).toBe('cleared');
    expect(double().store.hasMailbox(result.mailbox)).toBe(false);
    expect(result.conclusion).not.toBe('server-fine');
  });

  it('without a writable journal no mailbox is created', async () => {
    const { input, stateDir, cpanel } = await setUp();
    await writeFile(join(stateDir, JOURNAL_DIR_NAME), 'not a folder');
    const { result } = await runTestMailbox(input);
    expect(result).toMatchObject({ conclusion: 'incomplete', journal: 'unwritable' });
    expect(cpanel.session.calls).toEqual([]);
  });
});
