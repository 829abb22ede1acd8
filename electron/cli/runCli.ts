/**
 * `mail-doctor`: the headless face of the same diagnosis the window runs, for IT scripts and the
 * helpdesk. JSON output is the support report's JSON (docs/cli.md); text output shows progress and
 * the verdict. Exit codes: 0 nothing wrong, 1 a problem was found, 2 could not diagnose.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { DiagnosisStartRequest } from '../../shared/ipc/contract';
import type { DiagnosisRun } from '../../shared/diagnosis/types';
import { defaultStateDir } from '../appPaths';
import { diagnoseAccounts } from '../diagnosis/diagnoseAccounts';
import { currentReportEnvironment } from '../report/environment';
import { buildSupportReport } from '../report/supportReport';
import { USAGE, parseCliArgs } from './args';
import type { DiagnoseCommand } from './args';
import { progressLine, renderRun } from './humanOutput';

export const EXIT_OK = 0;
export const EXIT_PROBLEM_FOUND = 1;
export const EXIT_COULD_NOT_DIAGNOSE = 2;

export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdin: Readable;
  readonly appVersion: string;
  /** Cancels the run (Ctrl-C). */
  readonly signal?: AbortSignal;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCliArgs(argv);
  if (!parsed.ok) {
    io.stderr.write(`mail-doctor: ${parsed.usageError}\n\n${USAGE}\n`);
    return EXIT_COULD_NOT_DIAGNOSE;
  }
  const { command } = parsed;
  switch (command.kind) {
    case 'help':
      io.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    case 'version':
      io.stdout.write(`${io.appVersion}\n`);
      return EXIT_OK;
    case 'diagnose':
      return diagnose(command, io);
  }
}

async function diagnose(command: DiagnoseCommand, io: CliIo): Promise<number> {
  let request: DiagnosisStartRequest = { noLogin: command.noLogin };
  if (command.manual !== undefined) {
    const { manual } = command;
    let password: string | undefined;
    if (manual.passwordFromStdin) {
      password = await readFirstLine(io.stdin);
      if (password === undefined || password === '') {
        io.stderr.write('mail-doctor: --password-stdin was given but standard input had no password line\n');
        return EXIT_COULD_NOT_DIAGNOSE;
      }
    }
    request = {
      noLogin: command.noLogin,
      manual: {
        email: manual.email,
        incoming: { ...manual.incoming, username: manual.username ?? manual.email },
        outgoing: { ...manual.outgoing, username: manual.smtpUsername ?? manual.username ?? manual.email },
        ...(password === undefined ? {} : { password }),
      },
    };
  } else if (command.account !== undefined) {
    let password: string | undefined;
    if (command.passwordFromStdin) {
      password = await readFirstLine(io.stdin);
      if (password === undefined || password === '') {
        io.stderr.write('mail-doctor: --password-stdin was given but standard input had no password line\n');
        return EXIT_COULD_NOT_DIAGNOSE;
      }
    }
    request = { noLogin: command.noLogin, accountId: command.account, ...(password === undefined ? {} : { password }) };
  }

  const showProgress = !command.json && !command.markdown;
  let run: DiagnosisRun;
  try {
    run = await diagnoseAccounts({
      home: command.home === undefined ? os.homedir() : resolve(command.home),
      homeSource: command.home === undefined ? 'default' : 'given',
      stateDir: command.stateDir === undefined ? defaultStateDir() : resolve(command.stateDir),
      request,
      runId: randomUUID(),
      signal: io.signal ?? new AbortController().signal,
      onProgress: (event) => {
        if (!showProgress) return;
        const line = progressLine(event);
        if (line !== null) io.stderr.write(`${line}\n`);
      },
      tuning: {
        phaseTimeoutMs: command.phaseTimeoutMs,
        readKeychain: !command.noKeychain,
        dnsServers: command.dnsServers,
        caFiles: command.caFiles.map((file) => resolve(file)),
        probes: {
          ...(command.captivePortalUrl === undefined ? {} : { captivePortalUrl: command.captivePortalUrl }),
          ...(command.webmailUrls.length === 0 ? {} : { webmailUrls: command.webmailUrls }),
          ...(command.publicIpLookup ? {} : { publicIpLookup: false }),
          ...(command.publicIpResolver === undefined ? {} : { publicIpResolver: command.publicIpResolver }),
        },
      },
    });
  } catch (error) {
    // Only setup can fail here (an unreadable --ca-file, an unwritable --state-dir): probes return outcomes.
    io.stderr.write(`mail-doctor: could not run the diagnosis: ${describeSetupError(error)}\n`);
    return EXIT_COULD_NOT_DIAGNOSE;
  }

  if (command.json || command.markdown) {
    const environment = await currentReportEnvironment(io.appVersion);
    const report = buildSupportReport(run, environment, { maskIdentities: command.maskIdentities });
    io.stdout.write(command.json ? `${JSON.stringify(report.json, null, 2)}\n` : `${report.markdown}\n`);
  } else {
    io.stdout.write(`${renderRun(run)}\n`);
  }
  return exitCodeFor(run);
}

export function exitCodeFor(run: DiagnosisRun): number {
  if (run.accounts.length === 0) return EXIT_COULD_NOT_DIAGNOSE;
  if (run.discoveryProblems.some((p) => p.kind === 'full-disk-access-needed')) return EXIT_COULD_NOT_DIAGNOSE;
  return run.accounts.every((a) => a.verdict.code === 'OK') ? EXIT_OK : EXIT_PROBLEM_FOUND;
}

/** Only the error's code and message: setup errors never carry a secret (no password is read yet). */
function describeSetupError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === undefined ? error.message : `${code}: ${error.message}`;
  }
  return 'unknown error';
}

/** The first line of standard input, without its line ending (the password for --password-stdin). */
async function readFirstLine(stdin: Readable): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    chunks.push(buffer);
    total += buffer.length;
    if (buffer.includes(0x0a) || total > 4096) break;
  }
  if (chunks.length === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  const newline = text.indexOf('\n');
  return (newline < 0 ? text : text.slice(0, newline)).replace(/\r$/, '');
}


