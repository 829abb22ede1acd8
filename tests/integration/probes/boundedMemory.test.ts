// Bounded memory on every connection, and mail libraries loaded only when a run needs them, measured on the
// real CLI (dist/cli/mail-doctor.cjs, as `npm run diagnose` builds it) as a child process: a preload writes its
// peak RSS and whether imapflow/nodemailer were loaded (peakRss.cjs). The hostile servers present the rig's
// good certificate, so the logins really go out, and then flood the client with an endless line: imapflow
// alone would buffer up to 1 GiB of it. The byte budget below the libraries (REPLY_TOO_LARGE_LIMITS) closes the
// connection at 64 KiB of one line instead.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildMacHome } from '../../fixtures/buildMacHome';
import { loadTestPki } from '../../servers/certs';
import { startHostileServer, type HostileServer, type HostileStep } from '../../servers/faults';
import type { MailServersInfo } from '../../servers/types';
import { CLI_BUNDLE, commonArgs, parseCliJson, REPO_ROOT, temporaryDir, useCliTestEnvironment, type CliResult } from '../cli/support';

const { cleanups, setup } = useCliTestEnvironment('md-memory-state-');
const PRELOAD = path.join(import.meta.dirname, 'peakRss.cjs');
const RECORD_ESM_LOADS = path.join(import.meta.dirname, 'recordLoads.mjs');
/** The contract's ceiling for a CLI run, with every hostile server flooding. */
const PEAK_RSS_LIMIT_KIB = 200 * 1024;
/** What each hostile server is willing to send (while the client reads): far past the budget and the ceiling. */
const FLOOD_BYTES = 512 * 1024 * 1024;

interface ProcessReport {
  readonly maxRssKiB: number;
  /** Whether the process loaded imapflow / nodemailer at all (through require() or import()). */
  readonly imapflow: boolean;
  readonly nodemailer: boolean;
  /** Libraries a typed-in account's check never needs (docs/benchmarks.md, "Cold start"): each costs start-up. */
  readonly plist: boolean;
  readonly sqlJs: boolean;
  /** The full zod (the command validates with zod/mini, bundled). */
  readonly fullZod: boolean;
}

async function runMeasuredCli(args: readonly string[], stdin: string, env: NodeJS.ProcessEnv = process.env): Promise<{ result: CliResult; report: ProcessReport }> {
  const dir = await temporaryDir('md-memory-report-');
  cleanups.push(dir.remove);
  const reportFile = path.join(dir.path, 'report.json');
  const loadsFile = path.join(dir.path, 'esm-loads.txt');
  const result = await new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', PRELOAD, '--import', pathToFileURL(RECORD_ESM_LOADS).href, CLI_BUNDLE, ...args], {
      cwd: REPO_ROOT,
      env: { ...env, MD_PROCESS_REPORT_FILE: reportFile, MD_LOADED_MODULES_FILE: loadsFile },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
  const raw = JSON.parse(await readFile(reportFile, 'utf8')) as { maxRssKiB: number; required: string[] };
  const loaded = [...raw.required, ...(await readFile(loadsFile, 'utf8').catch(() => '')).split('\n')];
  // The CLI loads the login libraries from its pre-bundled vendor files (esbuild.config.mjs); node_modules too, in case.
  const uses = (name: string, vendorFile?: string): boolean =>
    loaded.some((file) => file.includes(`/node_modules/${name}/`) || (vendorFile !== undefined && file.endsWith(`/vendor/${vendorFile}`)));
  return {
    result,
    report: {
      maxRssKiB: raw.maxRssKiB,
      imapflow: uses('imapflow', 'imapflow.cjs'),
      nodemailer: uses('nodemailer', 'nodemailer-smtp-connection.cjs'),
      plist: uses('plist', 'plist.cjs'),
      sqlJs: uses('sql.js'),
      fullZod: uses('zod'),
    },
  };
}

async function hostile(info: MailServersInfo, script: HostileStep[]): Promise<HostileServer> {
  const pki = await loadTestPki(info.dataDir);
  const server = await startHostileServer({ script, tls: pki.good });
  cleanups.push(() => server.close());
  return server;
}

/** An endless line, sent once the client's credential has arrived (so the library is reading). */
const ENDLESS = { flood: { chunk: 'A'.repeat(64 * 1024), maxBytes: FLOOD_BYTES } } as const;

const FLOODERS: Record<'imap' | 'pop3' | 'smtp', HostileStep[]> = {
  imap: [{ write: '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hello\r\n' }, { readUntil: /LOGIN [^\r\n]*\r\n/ }, { write: '* OK ' }, ENDLESS],
  pop3: [
    { write: '+OK hello\r\n' }, { readUntil: 'CAPA\r\n' }, { write: '+OK\r\nUSER\r\n.\r\n' },
    { readUntil: /USER [^\r\n]*\r\n/ }, { write: '+OK\r\n' }, { readUntil: /PASS [^\r\n]*\r\n/ }, { write: '-ERR ' }, ENDLESS,
  ],
  smtp: [
    { write: '220 hello ESMTP\r\n' }, { readUntil: /EHLO [^\r\n]*\r\n/ }, { write: '250-hello Hello [127.0.0.1]\r\n250 AUTH PLAIN\r\n' },
    { readUntil: /AUTH PLAIN [^\r\n]*\r\n/ }, { write: '535 ' }, ENDLESS,
  ],
};

function manualArgs(info: MailServersInfo, incoming: string, outgoing: string): string[] {
  return ['diagnose', '--manual', '--email', info.users.alice.address, '--incoming', incoming, '--outgoing', outgoing, '--password-stdin'];
}

describe('bounded memory against hostile servers (the built CLI, peak RSS of the child)', () => {
  for (const incoming of ['imap', 'pop3'] as const) {
    it(`an endless line after the credential from the ${incoming.toUpperCase()} and the SMTP server: REPLY_TOO_LARGE on both, peak RSS under 200 MB`, async () => {
      const { info, web, stateDir } = await setup();
      const incomingServer = await hostile(info, FLOODERS[incoming]);
      const smtpServer = await hostile(info, FLOODERS.smtp);
      const { result, report } = await runMeasuredCli(
        [
          ...manualArgs(info, `${incoming}://${info.goodName}:${incomingServer.port}?tls=implicit`, `smtp://${info.goodName}:${smtpServer.port}?tls=implicit`),
          ...commonArgs(info, web, stateDir, 5),
        ],
        `${info.users.alice.password}\n`,
      );
      const json = parseCliJson(result);
      const servers = json.accounts[0]?.servers;
      expect(servers?.incoming?.login, result.stdout).toMatchObject({ kind: 'error', errorCode: 'REPLY_TOO_LARGE' });
      expect(servers?.outgoing?.login, result.stdout).toMatchObject({ kind: 'error', errorCode: 'REPLY_TOO_LARGE' });
      // The credential did go out: the floods came after it, to the libraries (and to our POP3 client).
      expect(incomingServer.received()[0]).toContain(info.users.alice.password);
      expect(report.maxRssKiB).toBeLessThan(PEAK_RSS_LIMIT_KIB);
      expect(report, JSON.stringify(report)).toMatchObject({ imapflow: incoming === 'imap', nodemailer: true, plist: false, sqlJs: false, fullZod: false });
    }, 60_000);
  }

  it('an endless greeting: refused by our own reader at 64 KiB; the login libraries, loaded while the connection waited, never see it', async () => {
    const { info, web, stateDir } = await setup();
    const imap = await hostile(info, [{ write: '* OK ' }, ENDLESS]);
    const smtp = await hostile(info, [{ write: '220-' }, ENDLESS]);
    const { result, report } = await runMeasuredCli(
      [...manualArgs(info, `imap://${info.goodName}:${imap.port}?tls=implicit`, `smtp://${info.goodName}:${smtp.port}?tls=implicit`), ...commonArgs(info, web, stateDir, 5)],
      `${info.users.alice.password}\n`,
    );
    const json = parseCliJson(result);
    expect(json.accounts[0]?.servers.incoming?.login.kind, result.stdout).toBe('skipped');
    expect(json.accounts[0]?.servers.outgoing?.login.kind, result.stdout).toBe('skipped');
    expect(report.maxRssKiB).toBeLessThan(PEAK_RSS_LIMIT_KIB);
    // A login was planned, so each library started loading once the connection was made (serverConnection's
    // whileWaiting); neither was handed the connection, since no greeting ever ended.
    expect(report).toMatchObject({ imapflow: true, nodemailer: true });
  }, 60_000);

  it("reading Mail's stores loads sql.js for Accounts4.sqlite and plist only for an XML property list", async () => {
    const { info, web, stateDir } = await setup();
    const database = await buildMacHome();
    const legacyXml = await buildMacHome({ accountsDatabase: false, legacyPlist: { version: 'V2', format: 'xml' } });
    cleanups.push(() => database.cleanup(), () => legacyXml.cleanup());
    const run = (home: string, env: NodeJS.ProcessEnv) =>
      runMeasuredCli(['diagnose', '--home', home, '--no-login', '--no-keychain', ...commonArgs(info, web, stateDir, 1)], '', env);

    const fromDatabase = await run(database.home, database.env);
    expect(parseCliJson(fromDatabase.result).accounts.length, fromDatabase.result.stdout).toBeGreaterThan(0);
    expect(fromDatabase.report).toMatchObject({ sqlJs: true, plist: false });
    const fromXml = await run(legacyXml.home, legacyXml.env);
    expect(parseCliJson(fromXml.result).accounts.length, fromXml.result.stdout).toBeGreaterThan(0);
    expect(fromXml.report).toMatchObject({ plist: true });
  }, 60_000);

  it('a run without logins never loads imapflow or nodemailer', async () => {
    const { info, web, stateDir } = await setup();
    const { result, report } = await runMeasuredCli(
      [
        ...manualArgs(info, `imap://${info.goodName}:${info.imap.implicit}?tls=implicit`, `smtp://${info.goodName}:${info.smtp.starttls}?tls=starttls`),
        '--no-login',
        ...commonArgs(info, web, stateDir),
      ],
      `${info.users.alice.password}\n`,
    );
    expect(parseCliJson(result).accounts[0]?.servers.incoming?.login, result.stdout).toMatchObject({ kind: 'skipped', reason: 'no-login-mode' });
    expect(report).toMatchObject({ imapflow: false, nodemailer: false, plist: false, sqlJs: false, fullZod: false });
  });
});
