/**
 * The canary: passwords planted where Mail Doctor gets them (the keychain's answer for each server, a
 * password typed on standard input or in the window) are sent to hostile echo servers
 * (tests/servers/echoServer.ts) that put every line the client sent — AUTH lines, continuations, PASS —
 * into their refusals, and also replay what the other servers of their family received. Then every way out
 * of Mail Doctor is collected and searched for every encoded form of every planted password:
 * - the CLI's standard output and error: text, --json, --json --mask-identities, --markdown; its log file;
 * - the window path (the shipped composition, windowApp.ts, with a mocked `electron`): every IPC reply,
 *   every progress event, the clipboard, saved report files (Markdown and JSON), the support mail draft,
 *   the main-process log.
 * Each run has its own login-budget state and proves from the server's own log that the login reached it
 * with the planted password (a run that never logged in would prove nothing).
 *
 * Two layers keep the passwords in: the probes scrub each server's texts of that server's credential at the
 * source (electron/probes/serverText.ts), and the exit guard (electron/exitGuard.ts) checks every exit
 * against every password the process holds. Each alone must hold: the last block disables one at a time.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  handlers: new Map<string, (event: unknown, payload?: unknown) => Promise<unknown>>(),
  windows: [] as { webContents: { id: number; sent: { channel: string; value: unknown }[] } }[],
  clipboard: [] as string[],
  opened: [] as string[],
  savePaths: [] as string[],
}));

vi.mock('electron', async () => {
  const { FakeEmitter, FakeWebContents } = await import('../unit/shell/fakeElectron');
  class BrowserWindow extends FakeEmitter {
    readonly webContents = new FakeWebContents();
    constructor(readonly options: unknown) {
      super();
      electron.windows.push(this);
    }
    loadURL(): Promise<void> {
      return Promise.resolve();
    }
    show(): void {}
    isDestroyed(): boolean {
      return false;
    }
    static fromWebContents(): null {
      return null;
    }
  }
  const fakeSession = {
    setPermissionRequestHandler: () => undefined,
    setPermissionCheckHandler: () => undefined,
    webRequest: { onHeadersReceived: () => undefined },
    protocol: { handle: () => undefined },
  };
  return {
    BrowserWindow,
    session: { defaultSession: fakeSession },
    ipcMain: {
      handle: (channel: string, handler: (event: unknown, payload?: unknown) => Promise<unknown>) => electron.handlers.set(channel, handler),
      removeHandler: (channel: string) => electron.handlers.delete(channel),
    },
    clipboard: {
      writeText: (text: string) => {
        electron.clipboard.push(text);
        return Promise.resolve();
      },
    },
    shell: {
      openExternal: (url: string) => {
        electron.opened.push(url);
        return Promise.resolve();
      },
      openPath: () => Promise.resolve(''),
    },
    dialog: {
      showSaveDialog: () => {
        const filePath = electron.savePaths.shift();
        return Promise.resolve(filePath === undefined ? { canceled: true, filePath: '' } : { canceled: false, filePath });
      },
    },
    webContents: { fromId: () => undefined },
  };
});

import { runCli } from '../../electron/cli/runCli';
import type { ExitGuard, ExitName } from '../../electron/exitGuard';
import { createExitGuard } from '../../electron/exitGuard';
import { LiveSecrets } from '../../electron/keychain/liveSecrets';
import { MIN_ENCODED_FORM_LENGTH, createSecretScrubber, secretForms } from '../../electron/keychain/secretForms';
import { APP_PAGE_URL } from '../../electron/window/appProtocol';
import { startWindowApp } from '../../electron/windowApp';
import { describeFinding } from '../../shared/verdict/catalog';
import { buildMacHome } from '../fixtures/buildMacHome';
import type { MacHome } from '../fixtures/buildMacHome';
import { DATACLASS } from '../fixtures/standardAccounts';
import { loadTestPki } from '../servers/certs';
import type { CertPair } from '../servers/certs';
import { EchoLog, startEchoServer } from '../servers/echoServer';
import type { EchoServer, EchoServerOptions } from '../servers/echoServer';
import type { MailServersInfo } from '../servers/types';
import { useMailServers } from '../servers/useMailServers';
import type { WebFixtures } from './cli/support';
import { buildCli, commonArgs, runCliProcess, startWebFixtures } from './cli/support';

// ---------------------------------------------------------------- what a leak looks like

interface Planted {
  readonly password: string;
  /** The user names it is sent with (for the SASL PLAIN blobs). */
  readonly usernames: readonly string[];
}

function canary(label: string, usernames: readonly string[]): Planted {
  return { password: `${label}-Canary-${randomUUID()}`, usernames };
}

/**
 * Every form searched: each encoding secretForms.ts knows, plus the same forms written out here
 * independently (base64 at each alignment, SASL PLAIN with and without authzid, AUTH LOGIN's line, hex,
 * URL, JSON), so the test does not only trust the code under test to list them.
 */
function leakForms({ password, usernames }: Planted): { form: string; caseInsensitive: boolean }[] {
  const forms = usernames.flatMap((username) => secretForms(password, username)).map(({ form, caseInsensitive }) => ({ form, caseInsensitive }));
  const independent = [
    password,
    Buffer.from(password).toString('base64'),
    ...[1, 2].map((offset) => Buffer.from(`${'x'.repeat(offset)}${password}`).toString('base64').slice(4, -4)),
    ...usernames.map((username) => Buffer.from(`\0${username}\0${password}`).toString('base64')),
    ...usernames.map((username) => Buffer.from(`${username}\0${username}\0${password}`).toString('base64')),
    encodeURIComponent(password),
    JSON.stringify(password).slice(1, -1),
  ]
    // A short password's fragments at an alignment can be empty or a character or two: not a finding.
    .filter((form) => form === password || form.length >= MIN_ENCODED_FORM_LENGTH)
    .map((form) => ({ form, caseInsensitive: false }));
  const hex = { form: Buffer.from(password).toString('hex'), caseInsensitive: true };
  return [...forms, ...independent, hex];
}

function expectNoLeak(where: string, text: string, planted: readonly Planted[]): void {
  const lower = text.toLowerCase();
  for (const secret of planted) {
    for (const { form, caseInsensitive } of leakForms(secret)) {
      const found = caseInsensitive ? lower.includes(form.toLowerCase()) : text.includes(form);
      expect(found, `${where} contains a planted password (${secret.password.split('-')[0] ?? ''}) as "${form.slice(0, 12)}..."`).toBe(false);
    }
  }
}

/**
 * The CLI run's own log file (electron/fleet/fleetRun.ts: with --state-dir it is `<state-dir>/logs`), which
 * must exist (a run that logged nothing would prove nothing) and is one more way out to search.
 */
async function cliLogText(stateDir: string): Promise<string> {
  const dir = join(stateDir, 'logs');
  const names = await readdir(dir);
  const text = (await Promise.all(names.map((name) => readFile(join(dir, name), 'utf8')))).join('\n');
  expect(text, `no log line in ${dir}`).toMatch(/diagnose/);
  return text;
}

/** The server's own log proves the login reached it with this password (in some encoding). */
function expectLoginReached(server: EchoServer, secret: Planted): void {
  expect(server.logins(), `${server.name} never saw a login`).toBeGreaterThan(0);
  const scrubber = createSecretScrubber(secret.usernames.map((username) => ({ secret: secret.password, username })));
  expect(scrubber.firstLeak(server.received().join('\n')), `${server.name} did not receive the planted password`).not.toBeNull();
}

// ---------------------------------------------------------------- hostile servers and homes

interface Family {
  readonly incoming: EchoServer;
  readonly smtp: EchoServer;
  close(): Promise<void>;
}

type IncomingOptions = Pick<EchoServerOptions, 'protocol' | 'tls' | 'imapAuth' | 'pop3Auth'>;
type OutgoingOptions = Pick<EchoServerOptions, 'tls' | 'smtpAuth'>;

/**
 * An incoming and an outgoing echo server. With `replay`, each repeats what the other received and holds
 * its refusal until both saw a login, so each refusal carries the other server's password too — which that
 * server's own probe does not know and cannot scrub at the source.
 */
async function startFamily(certificate: CertPair, incoming: IncomingOptions, outgoing: OutgoingOptions, replay: boolean): Promise<Family> {
  const shared = replay ? new EchoLog() : undefined;
  const hold = replay ? { holdRefusalsUntil: { servers: 2, timeoutMs: 4_000 } } : {};
  const incomingServer = await startEchoServer({ ...incoming, certificate, name: incoming.protocol, ...(shared === undefined ? {} : { log: shared }), ...hold });
  const smtpServer = await startEchoServer({ protocol: 'smtp', ...outgoing, certificate, name: 'smtp', ...(shared === undefined ? {} : { log: shared }), ...hold });
  return {
    incoming: incomingServer,
    smtp: smtpServer,
    close: async () => {
      await Promise.all([incomingServer.close(), smtpServer.close()]);
    },
  };
}

const ACCOUNT_UUID = 'CA4A4100-0000-4000-8000-0000000CA4A4';

/** One Mail account on the family's servers; the stand-in keychain gives a different password per server. */
async function plantedHome(info: MailServersInfo, family: Family, incoming: IncomingOptions, outgoing: OutgoingOptions, secrets: { incoming: Planted; outgoing: Planted }): Promise<MacHome> {
  const address = info.users.alice.address;
  const incomingType = incoming.protocol === 'pop3' ? 'com.apple.account.POP' : 'com.apple.account.IMAP';
  const home = await buildMacHome({
    accountsDatabase: {
      accounts: [
        {
          pk: 1,
          uuid: ACCOUNT_UUID,
          type: incomingType,
          username: address,
          description: 'Canary',
          properties: {
            Hostname: info.goodName,
            PortNumber: family.incoming.port,
            SSLEnabled: true,
            SSLIsDirect: incoming.tls === 'implicit',
            SMTPIdentifier: `${info.goodName}:${address}`,
            EmailAddresses: [address],
          },
          enabledDataclasses: [DATACLASS.mail],
        },
        {
          pk: 2,
          uuid: 'CA4A45E7-0000-4000-8000-0000000CA4A4',
          type: 'com.apple.account.SMTP',
          username: address,
          properties: { Hostname: info.goodName, PortNumber: family.smtp.port, SSLEnabled: true, SSLIsDirect: outgoing.tls === 'implicit', ShouldUseAuthentication: true },
        },
      ],
    },
    managedPreferences: { device: { SupportEmail: 'help@example.test' } },
    securityItems: [
      { server: info.goodName, account: address, protocol: incoming.protocol === 'pop3' ? 'pop3' : 'imap', result: { kind: 'found', password: secrets.incoming.password } },
      { server: info.goodName, account: address, protocol: 'smtp', result: { kind: 'found', password: secrets.outgoing.password } },
    ],
  });
  cleanups.push(() => home.cleanup());
  return home;
}

// ---------------------------------------------------------------- shared set-up

const cleanups: (() => Promise<void>)[] = [];
let web: WebFixtures | undefined;
let certificate: CertPair | undefined;

beforeAll(async () => {
  await buildCli();
}, 60_000);
afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
  await web?.close();
});

async function setup(): Promise<{ info: MailServersInfo; web: WebFixtures; certificate: CertPair; stateDir: () => Promise<string> }> {
  const info = useMailServers();
  web ??= await startWebFixtures(info);
  certificate ??= (await loadTestPki(info.dataDir)).good;
  const stateDir = async (): Promise<string> => {
    // A fresh login budget for every run: a run whose login the budget skipped would prove nothing.
    const dir = await mkdtemp(join(tmpdir(), 'md-canary-state-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  };
  return { info, web, certificate, stateDir };
}

/** SECRET_SCRUBBED's title when an exit guard (not a probe) replaced the password. */
const HELD_BACK_TITLE = describeFinding({ code: 'SECRET_SCRUBBED', params: { caughtIn: 'report' } }).title;

const IMAP_PLAIN: IncomingOptions = { protocol: 'imap', tls: 'implicit', imapAuth: 'plain' };
const SMTP_PLAIN_STARTTLS: OutgoingOptions = { tls: 'starttls', smtpAuth: 'PLAIN' };

// ---------------------------------------------------------------- the CLI

describe('the CLI: a password planted in an echoing server\'s path appears in no output, in no encoding', () => {
  const cases: [string, IncomingOptions, OutgoingOptions, string[]][] = [
    ['IMAP AUTHENTICATE PLAIN (implicit TLS) + SMTP AUTH PLAIN (STARTTLS), text', IMAP_PLAIN, SMTP_PLAIN_STARTTLS, []],
    ['the same, --json', IMAP_PLAIN, SMTP_PLAIN_STARTTLS, ['--json']],
    ['the same, --json --mask-identities', IMAP_PLAIN, SMTP_PLAIN_STARTTLS, ['--json', '--mask-identities']],
    ['the same, --markdown', IMAP_PLAIN, SMTP_PLAIN_STARTTLS, ['--markdown']],
    ['POP3 USER/PASS (STLS) + SMTP AUTH LOGIN (implicit TLS), --json', { protocol: 'pop3', tls: 'starttls', pop3Auth: 'user-pass' }, { tls: 'implicit', smtpAuth: 'LOGIN' }, ['--json']],
    ['IMAP LOGIN command (STARTTLS) + SMTP AUTH LOGIN (implicit TLS), --markdown', { protocol: 'imap', tls: 'starttls', imapAuth: 'login-command' }, { tls: 'implicit', smtpAuth: 'LOGIN' }, ['--markdown']],
  ];

  it.each(cases)('Mail\'s saved passwords, %s', async (_name, incoming, outgoing, mode) => {
    const { info, web, certificate, stateDir } = await setup();
    const address = info.users.alice.address;
    const secrets = { incoming: canary('Incoming', [address]), outgoing: canary('Outgoing', [address]) };
    const family = await startFamily(certificate, incoming, outgoing, true);
    cleanups.push(() => family.close());
    const home = await plantedHome(info, family, incoming, outgoing, secrets);
    const runState = await stateDir();
    const args = ['diagnose', '--home', home.home, ...commonArgs(info, web, runState).filter((arg) => arg !== '--json'), ...mode];
    const result = await runCliProcess(args, { env: home.env });

    expectLoginReached(family.incoming, secrets.incoming);
    expectLoginReached(family.smtp, secrets.outgoing);
    // Each refusal carried both passwords (the replay), so the output had every chance to leak both.
    expect(createSecretScrubber([secrets.outgoing.password]).firstLeak(family.incoming.received().join('\n') + family.smtp.received().join('\n'))).not.toBeNull();
    expect(result.stdout.length, result.stderr).toBeGreaterThan(100);
    expectNoLeak(`CLI ${mode.join(' ') || 'text'} output`, result.stdout + result.stderr, [secrets.incoming, secrets.outgoing]);
    expectNoLeak('CLI log file', await cliLogText(runState), [secrets.incoming, secrets.outgoing]);
    // The last check had to act on the replayed password, and the output says so.
    expect(result.stdout).toContain(HELD_BACK_TITLE);
  });

  it('a password typed on standard input (--manual), IMAP AUTHENTICATE LOGIN + SMTP AUTH PLAIN', async () => {
    const { info, web, certificate, stateDir } = await setup();
    const incoming: IncomingOptions = { protocol: 'imap', tls: 'implicit', imapAuth: 'login' };
    const family = await startFamily(certificate, incoming, SMTP_PLAIN_STARTTLS, true);
    cleanups.push(() => family.close());
    const typed = canary('Typed', [info.users.alice.address]);
    const runState = await stateDir();
    const result = await runCliProcess(
      [
        'diagnose', '--manual', '--email', info.users.alice.address,
        '--incoming', `imap://${info.goodName}:${family.incoming.port}?tls=implicit`,
        '--outgoing', `smtp://${info.goodName}:${family.smtp.port}?tls=starttls`,
        '--password-stdin', ...commonArgs(info, web, runState).filter((arg) => arg !== '--json'),
      ],
      { stdin: `${typed.password}\n` },
    );
    expectLoginReached(family.incoming, typed);
    expectLoginReached(family.smtp, typed);
    expectNoLeak('CLI text output (typed password)', result.stdout + result.stderr, [typed]);
    expectNoLeak('CLI log file (typed password)', await cliLogText(runState), [typed]);
  });

  it('a password too short for its base64 fragments (3 characters), typed on standard input: no SASL PLAIN blob, no AUTH LOGIN line', async () => {
    const { info, web, certificate, stateDir } = await setup();
    // POP3 AUTH PLAIN sends the whole SASL PLAIN blob; SMTP AUTH LOGIN the password's own base64 line.
    const family = await startFamily(certificate, { protocol: 'pop3', tls: 'implicit', pop3Auth: 'sasl-plain' }, { tls: 'implicit', smtpAuth: 'LOGIN' }, true);
    cleanups.push(() => family.close());
    // Not a hex or base64 alphabet run an output could contain by chance, yet 3 characters: its fragments
    // at the three base64 alignments are shorter than the scrubber searches for, so only the whole
    // forms (the blob, the AUTH LOGIN line) can catch it.
    const address = info.users.alice.address;
    const short: Planted = { password: 'q%Z', usernames: [address] };
    const result = await runCliProcess(
      [
        'diagnose', '--manual', '--email', address,
        '--incoming', `pop3://${info.goodName}:${family.incoming.port}?tls=implicit`,
        '--outgoing', `smtp://${info.goodName}:${family.smtp.port}?tls=implicit`,
        '--password-stdin', '--json', ...commonArgs(info, web, await stateDir()).filter((arg) => arg !== '--json'),
      ],
      { stdin: `${short.password}\n` },
    );
    const plainBlob = Buffer.from(`\0${address}\0${short.password}`).toString('base64');
    expect(family.incoming.received().join('\n'), 'the POP3 server never saw the SASL PLAIN blob').toContain(plainBlob.replace(/=+$/, ''));
    expect(family.smtp.received().join('\n'), 'the SMTP server never saw the AUTH LOGIN password line').toContain(Buffer.from(short.password).toString('base64'));
    expect(result.stdout.length, result.stderr).toBeGreaterThan(100);
    expectNoLeak('CLI --json output (3-character typed password)', result.stdout + result.stderr, [short]);
  });
});

// ---------------------------------------------------------------- the window

interface OpenedWindowApp {
  readonly invoke: (channel: string, payload?: unknown) => Promise<unknown>;
  /** Resolves when the run's last progress event (run-finished or run-failed) reached the window. */
  readonly finished: (runId: string) => Promise<void>;
  readonly replies: string[];
  readonly progress: () => string;
}

/**
 * The shipped composition (windowApp.ts) with what a test may choose: a stand-in keychain, the rig's
 * resolver and CA, a fresh login budget. Requests arrive the way the window sends them.
 */
function openWindowApp(info: MailServersInfo, home: MacHome, stateDir: string, reportDir: string, logSink: (line: string) => void): OpenedWindowApp {
  startWindowApp({
    appRoot: '/nonexistent-app-root',
    homeDir: home.home,
    homeSource: 'given',
    stateDir,
    documentsDir: () => reportDir,
    appInfo: { name: 'Mail Doctor', version: '0.0.0-canary', platform: process.platform, isPackaged: true },
    keychain: { kind: 'stand-in', securityToolPath: home.security.toolPath },
    managedPreferencesDirs: home.managedPreferencesDirs,
    diagnosisTuning: {
      phaseTimeoutMs: 3000,
      dnsServers: [`127.0.0.1:${info.dns.port}`],
      caFiles: [info.caFile],
      managedPreferencesDirs: home.managedPreferencesDirs,
      probes: { captivePortalUrl: 'http://127.0.0.1:9/hotspot-detect.html', webmailUrls: ['https://127.0.0.1:9/'], publicIpLookup: false },
    },
    logSink,
  });
  const window = electron.windows.at(-1);
  if (window === undefined) throw new Error('no window was created');
  const replies: string[] = [];
  return {
    replies,
    progress: () => JSON.stringify(window.webContents.sent),
    invoke: async (channel, payload) => {
      const handler = electron.handlers.get(channel);
      if (handler === undefined) throw new Error(`no handler for ${channel}`);
      const reply = await handler({ sender: window.webContents, senderFrame: { parent: null, url: APP_PAGE_URL } }, payload);
      replies.push(JSON.stringify(reply));
      return reply;
    },
    finished: async (runId) => {
      await vi.waitFor(
        () => {
          const done = window.webContents.sent.some(({ value }) => {
            const event = value as { type?: string; runId?: string };
            return event.runId === runId && (event.type === 'run-finished' || event.type === 'run-failed');
          });
          expect(done).toBe(true);
        },
        { timeout: 60_000, interval: 200 },
      );
    },
  };
}

describe('the window path: IPC replies, progress events, clipboard, report files, mail draft, log', () => {
  it('carries no planted password anywhere', async () => {
    const { info, certificate, stateDir } = await setup();
    const address = info.users.alice.address;
    const saved = { incoming: canary('WindowIncoming', [address]), outgoing: canary('WindowOutgoing', [address]) };
    const typed = canary('WindowTyped', [address]);
    const family = await startFamily(certificate, IMAP_PLAIN, SMTP_PLAIN_STARTTLS, true);
    cleanups.push(() => family.close());
    const home = await plantedHome(info, family, IMAP_PLAIN, SMTP_PLAIN_STARTTLS, saved);
    const logged: string[] = [];
    const reportDir = await mkdtemp(join(tmpdir(), 'md-canary-reports-'));
    cleanups.push(() => rm(reportDir, { recursive: true, force: true }));

    // "Check my mail" with Mail's saved passwords, then every way the report leaves.
    const app = openWindowApp(info, home, await stateDir(), reportDir, (line) => logged.push(line));
    await app.invoke('accounts:list');
    const started = (await app.invoke('diagnosis:start', {})) as { ok: boolean; value: { runId: string } };
    expect(started.ok).toBe(true);
    await app.finished(started.value.runId);
    expectLoginReached(family.incoming, saved.incoming);
    expectLoginReached(family.smtp, saved.outgoing);
    const runId = started.value.runId;
    await app.invoke('report:get', { runId, maskIdentities: false });
    await app.invoke('report:get', { runId, maskIdentities: true });
    await app.invoke('report:copy', { runId, maskIdentities: false });
    electron.savePaths.push(join(reportDir, 'report.md'), join(reportDir, 'report.json'));
    await app.invoke('report:save', { runId, maskIdentities: false });
    await app.invoke('report:save', { runId, maskIdentities: false });
    await app.invoke('support:contact', { runId, maskIdentities: false });

    // "Test another account" with a typed password, against a second hostile family (its own login budget:
    // the first run spent this address's two failures).
    const second = await startFamily(certificate, { protocol: 'pop3', tls: 'implicit', pop3Auth: 'sasl-plain' }, { tls: 'implicit', smtpAuth: 'LOGIN' }, true);
    cleanups.push(() => second.close());
    const typedApp = openWindowApp(info, home, await stateDir(), reportDir, (line) => logged.push(line));
    const manual = (await typedApp.invoke('diagnosis:start', {
      manual: {
        email: address,
        incoming: { protocol: 'pop3', host: info.goodName, port: second.incoming.port, tls: 'implicit', username: address },
        outgoing: { protocol: 'smtp', host: info.goodName, port: second.smtp.port, tls: 'implicit', username: address },
        password: typed.password,
      },
    })) as { ok: boolean; value: { runId: string } };
    expect(manual.ok).toBe(true);
    await typedApp.finished(manual.value.runId);
    expectLoginReached(second.incoming, typed);
    expectLoginReached(second.smtp, typed);
    await typedApp.invoke('report:get', { runId: manual.value.runId, maskIdentities: false });
    await typedApp.invoke('report:copy', { runId: manual.value.runId, maskIdentities: false });

    const files = await Promise.all(['report.md', 'report.json'].map((name) => readFile(join(reportDir, name), 'utf8')));
    expect(files[0]).toContain('# ');
    expect(electron.clipboard.length).toBeGreaterThan(1);
    expect(electron.opened.some((url) => url.startsWith('mailto:help%40example.test?subject='))).toBe(true);
    const planted = [saved.incoming, saved.outgoing, typed];
    expectNoLeak('IPC replies', [...app.replies, ...typedApp.replies].join('\n'), planted);
    expectNoLeak('progress events', app.progress() + typedApp.progress(), planted);
    expect(app.progress()).toContain('"caughtIn":"report"');
    expectNoLeak('clipboard', electron.clipboard.join('\n'), planted);
    expectNoLeak('saved report files', files.join('\n'), planted);
    expectNoLeak('support mail draft', electron.opened.join('\n'), planted);
    expectNoLeak('main-process log', logged.join('\n'), planted);
  });
});

// ---------------------------------------------------------------- each layer alone

/** An exit guard that lets everything through: what the output would be without it. */
const NO_EXIT_GUARD: ExitGuard = {
  text: (_exit, text) => ({ value: text, scrubbed: false }),
  value: (_exit, value) => ({ value, scrubbed: false }),
};

/** The real guard, recording where it had to replace something. */
function recordingGuard(secrets: LiveSecrets): { guard: ExitGuard; caught: ExitName[] } {
  const caught: ExitName[] = [];
  return { guard: createExitGuard(secrets, (exit) => caught.push(exit)), caught };
}

async function runCliInProcess(argv: string[], deps: { guard: ExitGuard; secrets: LiveSecrets; keychainTool: string }): Promise<string> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await runCli(argv, { stdout, stderr, stdin: Readable.from([]), appVersion: '0.0.0-canary' }, {
    keychain: { kind: 'stand-in', securityToolPath: deps.keychainTool },
    secrets: deps.secrets,
    guard: deps.guard,
  });
  return text;
}

describe('each layer alone keeps the passwords in', () => {
  it('the exit guard alone: servers replaying each other\'s passwords, which no probe can scrub at the source', async () => {
    const { info, web, certificate, stateDir } = await setup();
    const address = info.users.alice.address;
    const secrets = { incoming: canary('GuardIncoming', [address]), outgoing: canary('GuardOutgoing', [address]) };
    const family = await startFamily(certificate, IMAP_PLAIN, SMTP_PLAIN_STARTTLS, true);
    cleanups.push(() => family.close());
    const home = await plantedHome(info, family, IMAP_PLAIN, SMTP_PLAIN_STARTTLS, secrets);
    const live = new LiveSecrets();
    const { guard, caught } = recordingGuard(live);
    const output = await runCliInProcess(['diagnose', '--home', home.home, ...commonArgs(info, web, await stateDir())], { guard, secrets: live, keychainTool: home.security.toolPath });
    expectLoginReached(family.incoming, secrets.incoming);
    expectLoginReached(family.smtp, secrets.outgoing);
    // The exit guard had to act: what the servers replayed got past the source scrub, and the output says so.
    expect(caught).toContain('diagnosis-result');
    expect(output).toContain('"code": "SECRET_SCRUBBED"');
    expectNoLeak('CLI JSON with the exit guard', output, [secrets.incoming, secrets.outgoing]);
    // And the same run without it would leak (the check is not vacuous).
    const unguarded = await runCliInProcess(['diagnose', '--home', home.home, ...commonArgs(info, web, await stateDir())], { guard: NO_EXIT_GUARD, secrets: new LiveSecrets(), keychainTool: home.security.toolPath });
    expect(createSecretScrubber([secrets.incoming.password, secrets.outgoing.password]).firstLeak(unguarded)).not.toBeNull();
  });

  it('the source scrub alone: with no exit guard, a server echoing its own login\'s credential still leaks nothing', async () => {
    const { info, web, certificate, stateDir } = await setup();
    const address = info.users.alice.address;
    const secrets = { incoming: canary('SourceIncoming', [address]), outgoing: canary('SourceOutgoing', [address]) };
    const family = await startFamily(certificate, IMAP_PLAIN, SMTP_PLAIN_STARTTLS, false);
    cleanups.push(() => family.close());
    const home = await plantedHome(info, family, IMAP_PLAIN, SMTP_PLAIN_STARTTLS, secrets);
    const output = await runCliInProcess(['diagnose', '--home', home.home, ...commonArgs(info, web, await stateDir())], { guard: NO_EXIT_GUARD, secrets: new LiveSecrets(), keychainTool: home.security.toolPath });
    expectLoginReached(family.incoming, secrets.incoming);
    expectLoginReached(family.smtp, secrets.outgoing);
    expect(output).toContain('"secretScrubbed": true');
    expectNoLeak('CLI JSON without the exit guard', output, [secrets.incoming, secrets.outgoing]);
  });
});
