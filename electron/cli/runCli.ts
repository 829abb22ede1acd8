/**
 * `mail-doctor`: the headless face of the same diagnosis the window runs, for IT scripts and the
 * helpdesk. JSON output is the support report's JSON (docs/cli.md); text output shows progress and
 * the verdict. Exit codes: 0 nothing wrong, 1 a problem was found, 2 could not diagnose, 3 Full Disk
 * Access missing. What a fleet run adds (scheduled report, time limit, root runs, managed preferences,
 * the log) is electron/fleet/fleetRun.ts.
 *
 * What the caller cannot do with arguments (docs/security.md):
 * - choose the program that reads the keychain: that is the composition root's choice, in code
 *   (`CliDependencies.keychain`);
 * - send Mail's saved passwords anywhere Mail would not: while the system keychain is read, the options
 *   that choose servers, resolvers, trust or the login budget are refused (exit 2);
 * - get a secret back: every byte written to standard output and error passes the exit guard.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { DiagnosisRun } from '../../shared/diagnosis/types';
import type { DiagnosisStartRequest } from '../../shared/ipc/contract';
import { MAX_PASSWORD_BYTES } from '../../shared/ipc/schemas';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import { diagnoseAccounts } from '../diagnosis/diagnoseAccounts';
import type { DiagnosisTuning } from '../diagnosis/diagnoseAccounts';
import type { ExitGuard } from '../exitGuard';
import { processExitGuard } from '../exitGuard';
import type { KeychainAccess } from '../keychain/keychainAccess';
import type { LiveSecrets } from '../keychain/liveSecrets';
import { processSecrets } from '../keychain/liveSecrets';
import { startFleetRun } from '../fleet/fleetRun';
import { SYSTEM_VERSION_PLIST, currentReportEnvironment } from '../report/environment';
import { summarizeRun } from '../report/reportModel';
import type { ReportEnvironment, ReportSummary } from '../report/reportModel';
import { guardDocument, guardReportJson } from '../report/secretNotes';
import { buildSupportReport } from '../report/supportReport';
import { SERVER_CHOOSING_OPTIONS, USAGE, parseCliArgs, startRequestFor } from './args';
import type { DiagnoseCommand } from './args';
import { progressLine, renderRun } from './humanOutput';

export const EXIT_OK = 0;
export const EXIT_PROBLEM_FOUND = 1;
export const EXIT_COULD_NOT_DIAGNOSE = 2;
/** Distinct, so a fleet script can tell "deploy the PPPC profile" from every other failure. */
export const EXIT_FULL_DISK_ACCESS_NEEDED = 3;

export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdin: Readable;
  readonly appVersion: string;
  /** Cancels the run (Ctrl-C). */
  readonly signal?: AbortSignal;
}

/** What only code decides: the entry point (electron/main.ts, electron/cli/main.ts) or a test passes these. */
export interface CliDependencies {
  /** Which keychain a diagnosis reads: the packaged app always passes the system keychain. */
  readonly keychain: KeychainAccess;
  /** Where a run's passwords are held while it runs (default: the process's registry). */
  readonly secrets?: LiveSecrets;
  /** The check on everything written out (default: the process's guard, over `processSecrets`). */
  readonly guard?: ExitGuard;
  /** The user's own home folder (default: from the user database, never $HOME). */
  readonly userHome?: string;
  /** Further tuning a test needs (e.g. fixture managed preferences); never reachable from arguments. */
  readonly tuning?: Pick<DiagnosisTuning, 'managedPreferencesDirs'>;
}

export async function runCli(argv: readonly string[], io: CliIo, deps: CliDependencies): Promise<number> {
  // The hosting-account tools have their own parser and usage (electron/cli/adminCommand.ts).
  if (argv[0] === 'admin') return (await import('./adminCli')).runAdminCli(argv.slice(1), io, deps);
  const guard = deps.guard ?? processExitGuard;
  const out = guardedOutput(io, guard);
  const parsed = parseCliArgs(argv);
  if (!parsed.ok) {
    out.stderr(`mail-doctor: ${parsed.usageError}\n\n${USAGE}\n`);
    return EXIT_COULD_NOT_DIAGNOSE;
  }
  const { command } = parsed;
  switch (command.kind) {
    case 'help':
      out.stdout(`${USAGE}\n`);
      return EXIT_OK;
    case 'version':
      out.stdout(`${io.appVersion}\n`);
      return EXIT_OK;
    case 'diagnose': {
      const scope = (deps.secrets ?? processSecrets).openScope();
      try {
        return await diagnose(command, io, out, { ...deps, guard, secrets: scope });
      } finally {
        // The run's passwords are forgotten once everything derived from them was written out.
        scope.release();
      }
    }
  }
}

interface GuardedOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Every write passes the exit guard: a secret form is replaced, whatever produced the text. */
function guardedOutput(io: CliIo, guard: ExitGuard): GuardedOutput {
  return {
    stdout: (text) => io.stdout.write(guard.text('cli-output', text).value),
    stderr: (text) => io.stderr.write(guard.text('cli-output', text).value),
  };
}

/**
 * While the system keychain is read, Mail's saved passwords are sent only where Mail sends them: the servers
 * Mail saved (the user's own home), found by the system resolver, verified against the system's trusted
 * certificates, within the user's own login budget. Options that change any of that need --no-keychain or a
 * typed password. A stand-in keychain (tests, development) holds no real password, so it is exempt.
 */
export function keychainRuleViolation(command: DiagnoseCommand, keychain: KeychainAccess): string | null {
  if (keychain.kind !== 'system' || command.noKeychain || command.manual !== undefined || command.passwordFromStdin) return null;
  const used = SERVER_CHOOSING_OPTIONS.filter((option) => {
    switch (option) {
      case '--home':
        return command.home !== undefined;
      case '--dns-server':
        return command.dnsServers.length > 0;
      case '--ca-file':
        return command.caFiles.length > 0;
      case '--state-dir':
        return command.stateDir !== undefined;
    }
  });
  if (used.length === 0) return null;
  return (
    `${used.join(', ')} would let this command choose where Mail's saved passwords go (which servers, how their ` +
    "names are resolved, which certificates are trusted, which login budget applies). Mail's saved passwords " +
    'are only sent to the servers Mail saved, found by the system resolver and verified against the system\'s ' +
    'trusted certificates. Add --no-keychain, or type the password for this check with --password-stdin.'
  );
}

async function diagnose(command: DiagnoseCommand, io: CliIo, out: GuardedOutput, deps: CliDependencies & { guard: ExitGuard; secrets: LiveSecrets }): Promise<number> {
  const violation = keychainRuleViolation(command, deps.keychain);
  if (violation !== null) {
    out.stderr(`mail-doctor: ${violation}\n`);
    return EXIT_COULD_NOT_DIAGNOSE;
  }

  let password: string | undefined;
  if (command.passwordFromStdin) {
    const read = await readPasswordLine(io.stdin);
    if (!read.ok) {
      out.stderr(`mail-doctor: --password-stdin: ${read.error.message}\n`);
      return EXIT_COULD_NOT_DIAGNOSE;
    }
    password = read.value;
    // Held from the moment it exists, so no exit can carry it, not even a message about the input.
    deps.secrets.hold(password);
  }
  const built = startRequestFor(command, password);
  if (!built.ok) {
    out.stderr(`mail-doctor: ${built.error}\n`);
    return EXIT_COULD_NOT_DIAGNOSE;
  }
  const request: DiagnosisStartRequest = built.request;
  // With options that choose where logins go, a typed password replaces the keychain (see keychainRuleViolation).
  const serverChoosing = command.home !== undefined || command.dnsServers.length > 0 || command.caFiles.length > 0 || command.stateDir !== undefined;
  const readKeychain = !command.noKeychain && !(deps.keychain.kind === 'system' && serverChoosing);

  const fleet = await startFleetRun({
    ...(command.home === undefined ? {} : { home: resolve(command.home) }),
    userHome: deps.userHome ?? os.userInfo().homedir,
    ...(command.stateDir === undefined ? {} : { stateDir: resolve(command.stateDir) }),
    saveReport: command.saveReport,
    ...(command.timeLimitMs === undefined ? {} : { timeLimitMs: command.timeLimitMs }),
    ...(deps.tuning?.managedPreferencesDirs === undefined ? {} : { managedPreferencesDirs: deps.tuning.managedPreferencesDirs }),
    scrub: (text) => deps.guard.text('log', text).value,
    ...(io.signal === undefined ? {} : { signal: io.signal }),
    description: describeCommand(command),
  });
  if (!fleet.ok) {
    out.stderr(`mail-doctor: ${fleet.message}\n`);
    return fleet.exitCode;
  }
  const exit = async (exitCode: number, summary?: ReportSummary): Promise<number> => {
    await fleet.run.end({ exitCode, ...(summary === undefined ? {} : { summary }) });
    return exitCode;
  };

  const showProgress = !command.json && !command.markdown;
  // A root run for another user's --home is that user now, and uses that user's state folder.
  const { stateDir } = fleet.run;
  // The report's facts about this Mac (a few file reads: the macOS version's property list, the time zone's link)
  // are gathered while the diagnosis waits on the network: once a server's connection is up, its login is on its way. Never rejects.
  let environmentGathered: Promise<ReportEnvironment> | undefined;
  const gatherEnvironment = (): Promise<ReportEnvironment> =>
    (environmentGathered ??= currentReportEnvironment(io.appVersion, new Date(), SYSTEM_VERSION_PLIST, fleet.run.reportExtras));
  const wantsReport = command.json || command.markdown || command.saveReport;
  let run: DiagnosisRun;
  try {
    run = await diagnoseAccounts({
      home: command.home === undefined ? (deps.userHome ?? os.userInfo().homedir) : resolve(command.home),
      homeSource: command.home === undefined ? 'default' : 'given',
      stateDir,
      request,
      runId: randomUUID(),
      signal: fleet.run.signal,
      secrets: deps.secrets,
      guard: deps.guard,
      onProgress: (event) => {
        if (wantsReport && event.type === 'probe-finished' && event.probe.endsWith('-connect')) void gatherEnvironment();
        if (!showProgress) return;
        const line = progressLine(event);
        if (line !== null) out.stderr(`${line}\n`);
      },
      tuning: {
        ...deps.tuning,
        phaseTimeoutMs: command.phaseTimeoutMs,
        readKeychain,
        keychain: deps.keychain,
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
    // Only setup can fail here (an unusable --ca-file, an unwritable --state-dir): probes return outcomes.
    out.stderr(`mail-doctor: could not run the diagnosis: ${describeSetupError(error)}\n`);
    return exit(EXIT_COULD_NOT_DIAGNOSE);
  }

  const summary = summarizeRun(run);
  if (wantsReport) {
    // Dated now, when the report is made (the facts may have been gathered while the diagnosis ran).
    const environment = { ...(await gatherEnvironment()), generatedAt: new Date().toISOString() };
    const report = buildSupportReport(run, environment, { maskIdentities: fleet.run.maskIdentities(command.maskIdentities) });
    // A secret found here is replaced and the output says so (SECRET_SCRUBBED); every write is guarded again.
    if (command.saveReport) {
      const saved = await fleet.run.saveReport(guardReportJson(deps.guard, 'report-file', report.json));
      if (!saved.ok) {
        out.stderr(`mail-doctor: the report could not be saved to ${saved.path}: ${saved.reason}\n`);
        return exit(EXIT_COULD_NOT_DIAGNOSE, summary);
      }
    }
    if (!command.json && !command.markdown) {
      out.stdout(`${guardDocument(deps.guard, 'cli-output', renderRun(run))}\n`);
    } else if (command.json) {
      out.stdout(`${JSON.stringify(guardReportJson(deps.guard, 'cli-output', report.json), null, 2)}\n`);
    } else {
      out.stdout(`${guardDocument(deps.guard, 'cli-output', report.markdown)}\n`);
    }
  } else {
    out.stdout(`${guardDocument(deps.guard, 'cli-output', renderRun(run))}\n`);
  }
  return exit(exitCodeFor(run), summary);
}

/** From the report's summary, so the exit code and `summary.code` (what fleet tools read) always agree. */
export function exitCodeFor(run: Pick<DiagnosisRun, 'accounts' | 'discoveryProblems'>): number {
  const { code } = summarizeRun(run);
  if (code === 'OK') return EXIT_OK;
  if (code === 'FULL_DISK_ACCESS_NEEDED') return EXIT_FULL_DISK_ACCESS_NEEDED;
  if (code === 'NO_ACCOUNTS' || code === 'NOT_MACOS') return EXIT_COULD_NOT_DIAGNOSE;
  return EXIT_PROBLEM_FOUND;
}

/** The command for the log: which flags, never their values (paths, addresses, URLs). */
function describeCommand(command: DiagnoseCommand): string {
  const flags = [
    command.json ? '--json' : command.markdown ? '--markdown' : '',
    command.manual === undefined ? '' : '--manual',
    command.account === undefined ? '' : '--account',
    command.home === undefined ? '' : '--home',
    command.noLogin ? '--no-login' : '',
    command.noKeychain ? '--no-keychain' : '',
    command.saveReport ? '--save-report' : '',
    command.timeLimitMs === undefined ? '' : '--time-limit',
  ].filter((flag) => flag !== '');
  return ['diagnose', ...flags].join(' ');
}

/** Only the error's code and message: setup errors never carry a secret (and the output is guarded anyway). */
function describeSetupError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === undefined ? error.message : `${code}: ${error.message}`;
  }
  return 'unknown error';
}

export type PasswordLineProblem = 'no-password' | 'too-long' | 'not-utf8';

/**
 * The password for --password-stdin: the first line of standard input (up to, not including, LF or CRLF;
 * all of the input when there is no line break). At most MAX_PASSWORD_BYTES bytes, the window's limit:
 * longer input is an error, never cut short (a cut password would be sent and refused, and count as a
 * failed login). Reading stops at the end of the line or as soon as the limit is passed.
 */
export async function readPasswordLine(stdin: Readable, maxBytes: number = MAX_PASSWORD_BYTES): Promise<Result<string, PasswordLineProblem>> {
  const chunks: Buffer[] = [];
  let total = 0;
  let line: Buffer | undefined;
  for await (const chunk of stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    const newline = buffer.indexOf(0x0a);
    if (newline >= 0) {
      chunks.push(buffer.subarray(0, newline));
      line = Buffer.concat(chunks, total + newline);
      break;
    }
    chunks.push(buffer);
    total += buffer.length;
    // +1 leaves room for the CR of a CRLF line end arriving before its LF.
    if (total > maxBytes + 1) return err('too-long', `the password is longer than ${maxBytes} bytes; nothing was sent`);
  }
  line ??= Buffer.concat(chunks, total);
  if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
  if (line.length === 0) return err('no-password', 'standard input had no password line');
  if (line.length > maxBytes) return err('too-long', `the password is longer than ${maxBytes} bytes; nothing was sent`);
  try {
    return ok(new TextDecoder('utf-8', { fatal: true }).decode(line));
  } catch {
    return err('not-utf8', 'the password is not UTF-8 text');
  }
}
