/**
 * `mail-doctor admin ...`: the hosting-account tools for IT scripts and tests. Parses (adminCommand.ts),
 * finds the token (a file's first line, or the app's keychain entry), runs the action
 * (electron/admin/adminActions.ts) and prints text or JSON.
 *
 * JSON (`--json`): { format: "mail-doctor-admin", formatVersion: 1, verb, connection, calls[] (each API call:
 * function, HTTP status, the API's own status and words; never the token), retriedDeletions[], result,
 * problem, exitCode }. Exit codes: 0 done / not blocked, 1 a problem was found (blocked, a step failed, a
 * test mailbox still pending deletion), 2 usage, token or API error (docs/cli.md, docs/admin-tools.md).
 *
 * Like `diagnose` (runCli.ts, docs/security.md):
 * - the token, a new password and the test mailbox's password are held in a scope of the live-secrets
 *   registry while the command runs, and every byte written to standard output and error passes the exit
 *   guard (a replaced secret is said: SECRET_SCRUBBED);
 * - the packaged app (system keychain) may use the token the window stored in the keychain, but then the
 *   options that choose trust or state (--ca-file, --state-dir) are refused: a caller could otherwise have
 *   the app send that token through a certificate of its choosing, or around the refused-token record. The
 *   keychain item is bound to one URL and user, so the token only ever goes to the server it was stored for.
 */
import os from 'node:os';
import { join, resolve } from 'node:path';
import type { AdminWords } from '../../shared/admin/adminCatalog';
import {
  IP_BLOCKER_NOTE,
  STRENGTH_NAMES,
  TEST_MAILBOX_CONCLUSIONS,
  TEST_MAILBOX_STEP_NAMES,
  TOKEN_PLACES,
  describeBlockCheck,
  describeHostingProblem,
  hostRequestText,
  mailPasswordSteps,
} from '../../shared/admin/adminCatalog';
import { estimatePasswordStrength } from '../../shared/admin/passwordStrength';
import type { HostBlockCheck, HostingProblem } from '../../shared/model/hosting';
import type { AdminContext, AdminReport } from '../admin/adminActions';
import { checkIp, clientSettings, resetPassword, testMailbox, unblock } from '../admin/adminActions';
import { readStoredToken, readTokenFile } from '../admin/adminCredentials';
import { readManagedPreferences } from '../accounts/managedPreferences';
import { defaultStateDir, logDirFor } from '../appPaths';
import { readCaFiles } from '../caFiles';
import { LoginBudget } from '../diagnosis/loginBudget';
import { realProbeSet } from '../diagnosis/realProbeSet';
import type { ExitGuard } from '../exitGuard';
import { processExitGuard } from '../exitGuard';
import { adminToolsPolicy } from '../fleet/managedPolicy';
import type { FileLog } from '../log/fileLog';
import { openFileLog } from '../log/fileLog';
import type { KeychainAccess } from '../keychain/keychainAccess';
import { EMPTY_KEYTAR } from '../keychain/keychainAccess';
import type { LiveSecrets } from '../keychain/liveSecrets';
import { processSecrets } from '../keychain/liveSecrets';
import { Secret } from '../keychain/secret';
import { guardDocument, secretScrubbedParagraph } from '../report/secretNotes';
import type { AdminCommand } from './adminCommand';
import { ADMIN_USAGE, parseAdminArgs } from './adminCommand';
import type { CliDependencies, CliIo } from './runCli';
import { readPasswordLine } from './runCli';

const EXIT_OK = 0;
const EXIT_PROBLEM_FOUND = 1;
const EXIT_ERROR = 2;

/** Standard output and error, every write through the exit guard. */
interface AdminOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * `argv`: everything after `admin`. `deps` are the entry point's (runCli.ts): which keychain the process may
 * read (the packaged app: the system's), the live-secrets registry, the exit guard, fixture managed preferences.
 */
export async function runAdminCli(argv: readonly string[], io: CliIo, deps: CliDependencies): Promise<number> {
  const guard = deps.guard ?? processExitGuard;
  const out: AdminOutput = {
    stdout: (text) => io.stdout.write(guard.text('cli-output', text).value),
    stderr: (text) => io.stderr.write(guard.text('cli-progress', text).value),
  };
  const scope = (deps.secrets ?? processSecrets).openScope();
  try {
    return await runAdmin(argv, io, out, { ...deps, guard, secrets: scope });
  } finally {
    // The token and passwords are forgotten once everything derived from them was written out.
    scope.release();
  }
}

async function runAdmin(argv: readonly string[], io: CliIo, out: AdminOutput, deps: CliDependencies & { guard: ExitGuard; secrets: LiveSecrets }): Promise<number> {
  const parsed = parseAdminArgs(argv);
  if (!parsed.ok) {
    out.stderr(`mail-doctor admin: ${parsed.usageError}\n\n${ADMIN_USAGE}\n`);
    return EXIT_ERROR;
  }
  if ('help' in parsed) {
    out.stdout(`${ADMIN_USAGE}\n`);
    return EXIT_OK;
  }
  const { command } = parsed;
  const log = adminLog(command, deps);
  const started = Date.now();
  /** Says why nothing was done, on standard error in full and in the log by its kind (never a value given). */
  const fail = (message: string, stoppedBecause: string): number => {
    out.stderr(`mail-doctor admin: ${message}\n`);
    log.write('cli', `${describeAdminCommand(command)}: not run, ${stoppedBecause}, exit ${String(EXIT_ERROR)}`);
    return EXIT_ERROR;
  };

  const managed = await readManagedPreferences(deps.tuning?.managedPreferencesDirs === undefined ? {} : { dirs: deps.tuning.managedPreferencesDirs });
  if (adminToolsPolicy(managed) === 'off') {
    return fail('your organisation has turned the hosting-account tools off on this Mac (managed preference AdminToolsEnabled)', 'turned off by IT (managed preference AdminToolsEnabled)');
  }
  const violation = adminKeychainRuleViolation(command, deps.keychain);
  if (violation !== null) return fail(violation, 'an option that is refused with the system keychain');

  let extraCaPem: string[];
  try {
    // Regular files within a size limit, holding at least one certificate that parses (electron/caFiles.ts);
    // IT's managed CAs add to them. More trust anchors, never verification off.
    extraCaPem = [...(await readCaFiles(command.caFiles.map((file) => resolve(file)))), ...managed.preferences.trustedCaPems];
  } catch (error) {
    return fail(`--ca-file: ${error instanceof Error ? error.message : 'cannot be read'}`, 'a --ca-file that cannot be used');
  }

  const token = await findToken(command, deps.keychain, out);
  if (typeof token === 'string') return fail(token, 'no usable token');
  // Held from the moment it exists, so no exit can carry it, not even a message about the input.
  deps.secrets.hold(token);

  let newPassword: Secret | undefined;
  if (command.verb === 'reset-password') {
    // The same bounded reader as diagnose --password-stdin: one line, at most 1,024 bytes, never cut.
    const line = await readPasswordLine(io.stdin);
    if (!line.ok) return fail(`--password-stdin: ${line.error.message}`, 'no usable new password on standard input');
    deps.secrets.hold(line.value);
    const strength = estimatePasswordStrength(line.value);
    if (!strength.acceptable) {
      return fail(
        `the new password is ${STRENGTH_NAMES[strength.strength]} (about ${strength.bits} bits): use a longer one, or mix in capitals, digits and symbols`,
        'the new password is too weak',
      );
    }
    newPassword = new Secret(line.value);
    out.stderr(`New password strength: ${STRENGTH_NAMES[strength.strength]} (about ${strength.bits} bits).\n`);
  }

  const controller = new AbortController();
  io.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  const stateDir = command.verb === 'test-mailbox' && command.stateDir !== undefined ? resolve(command.stateDir) : defaultStateDir();
  const context: AdminContext = {
    stateDir,
    signal: controller.signal,
    secrets: deps.secrets,
    ...(extraCaPem.length === 0 ? {} : { extraCaPem }),
    ...(command.json ? {} : { onCall: (call) => out.stderr(`  ${call.function}: ${call.outcome === 'answered' ? `HTTP ${call.httpStatus ?? '?'}, status ${call.apiStatus ?? '?'}` : call.outcome} (${call.durationMs} ms)\n`) }),
  };

  log.write('cli', `${describeAdminCommand(command)}: started`);
  const printed = await runVerb(command, token, newPassword, context, out);
  const exitCode = exitCodeOf(printed);
  const outcome = printed.problem !== null ? `could not be done (${printed.problem.kind})` : printed.problemFound ? 'a problem found' : 'done';
  log.write('cli', `${describeAdminCommand(command)}: ${outcome}, ${String(printed.report.calls.length)} API calls, exit ${String(exitCode)}, ${String(Date.now() - started)} ms`);
  if (command.json) {
    const document = {
      format: 'mail-doctor-admin',
      formatVersion: 1,
      verb: command.verb,
      connection: printed.report.connection,
      calls: printed.report.calls,
      retriedDeletions: printed.report.retriedDeletions,
      result: printed.result,
      problem: printed.problem,
      exitCode,
    };
    // A secret found here is replaced and the JSON says so; the write is guarded again.
    const guarded = deps.guard.value('cli-output', document);
    const secretNote = guarded.scrubbed ? { secretScrubbed: true, secretNote: secretScrubbedParagraph('cli-output') } : { secretScrubbed: false };
    out.stdout(`${JSON.stringify({ ...guarded.value, ...secretNote }, null, 2)}\n`);
  } else {
    out.stdout(`${guardDocument(deps.guard, 'cli-output', printed.text.join('\n'))}\n`);
  }
  return exitCode;
}

/**
 * The run's lines in the user's Mail Doctor log, as `diagnose` leaves them (electron/fleet/fleetRun.ts): IT sees
 * which hosting-account actions ran on this Mac and how they ended. In `<state-dir>/logs` when the command was
 * given a state folder, else the user's own log folder. Scrubbed of this run's secrets like every other exit.
 */
function adminLog(command: AdminCommand, deps: CliDependencies & { guard: ExitGuard }): FileLog {
  const scrub = (text: string): string => deps.guard.text('log', text).value;
  if (command.verb === 'test-mailbox' && command.stateDir !== undefined) {
    const stateDir = resolve(command.stateDir);
    return openFileLog({ dir: join(stateDir, 'logs'), within: stateDir, scrub });
  }
  // The user's own home, from the user database (never $HOME), as diagnose's log (electron/fleet/fleetRun.ts).
  const home = deps.userHome ?? os.userInfo().homedir;
  return openFileLog({ dir: logDirFor(home), within: home, scrub });
}

/** The command for the log: the verb and the output format, never a value given (addresses, mailboxes, paths). */
function describeAdminCommand(command: AdminCommand): string {
  return `admin ${command.verb}${command.json ? ' --json' : ''}`;
}

/**
 * In the packaged app (system keychain), the token stored in the app's keychain entry goes only where the
 * window connected (the item is bound to that URL and user), verified against the system's trusted
 * certificates and IT's managed CAs, within the app's own record of refused tokens. Options that would change
 * that need the token from --token-file. A stand-in keychain (development, tests) holds no real token, so it
 * is exempt, as for diagnose (runCli.ts keychainRuleViolation).
 */
export function adminKeychainRuleViolation(command: AdminCommand, keychain: KeychainAccess): string | null {
  if (keychain.kind !== 'system' || command.tokenFile !== undefined) return null;
  const used = [command.caFiles.length > 0 ? '--ca-file' : '', command.verb === 'test-mailbox' && command.stateDir !== undefined ? '--state-dir' : ''].filter((option) => option !== '');
  if (used.length === 0) return null;
  return (
    `${used.join(', ')} would let this command choose which certificates are trusted, or where the record of refused tokens ` +
    "is kept, while it uses the token stored in the app's keychain. That token is only sent to the server it was stored " +
    "for, verified against the system's trusted certificates. Give the token with --token-file to use these options."
  );
}

interface Printed {
  readonly report: AdminReport<unknown>;
  /** The result for JSON (null when the action could not do its work). */
  readonly result: unknown;
  /** The problem for JSON, worded. */
  readonly problem: (HostingProblem & AdminWords) | null;
  readonly problemFound: boolean;
  readonly text: readonly string[];
}

async function runVerb(command: AdminCommand, token: Secret, newPassword: Secret | undefined, context: AdminContext, out: AdminOutput): Promise<Printed> {
  switch (command.verb) {
    case 'check-ip': {
      const report = await checkIp(command.connection, token, { ...(command.ip === undefined ? {} : { ip: command.ip }), ...(command.email === undefined ? {} : { email: command.email }) }, context);
      if (!report.outcome.ok) return failed(report, report.outcome.problem, command);
      const result = report.outcome.value;
      if (result.kind === 'needs-host') return { report, result, problem: null, problemFound: false, text: [IP_BLOCKER_NOTE, '', hostRequestText(result.ip, undefined)] };
      return { report, result: result.check, problem: null, problemFound: result.check.blocked, text: blockCheckLines(result.check, command) };
    }
    case 'unblock-ip': {
      const report = await unblock(command.connection, token, command.ip, context);
      if (!report.outcome.ok) return failed(report, report.outcome.problem, command);
      const result = report.outcome.value;
      const lines = [
        `cPHulk removed ${result.recordsRemoved} login record(s) and ${result.firewallBansRemoved} firewall ban(s) for ${command.ip}.`,
        'Checked again:',
        ...blockCheckLines(result.after, command).map((line) => `  ${line}`),
      ];
      return { report, result, problem: null, problemFound: result.after.blocked, text: lines };
    }
    case 'reset-password': {
      if (newPassword === undefined) throw new Error('reset-password without a password');
      const report = await resetPassword(command.connection, token, command.email, newPassword, context);
      if (!report.outcome.ok) return failed(report, report.outcome.problem, command);
      const steps = mailPasswordSteps(report.outcome.value.mailbox);
      return {
        report,
        result: { mailbox: report.outcome.value.mailbox, mailSteps: steps },
        problem: null,
        problemFound: false,
        text: [
          `The password of ${report.outcome.value.mailbox} was changed.`,
          'Now enter it in Mail, for BOTH servers:',
          ...steps.map((step, index) => `  ${index + 1}. ${step}`),
          'Then check again: mail-doctor diagnose --account ' + report.outcome.value.mailbox,
          ...retriedLines(report),
        ],
      };
    }
    case 'client-settings': {
      const report = await clientSettings(command.connection, token, command.email, context);
      if (!report.outcome.ok) return failed(report, report.outcome.problem, command);
      const settings = report.outcome.value;
      return {
        report,
        result: settings,
        problem: null,
        problemFound: false,
        text: [
          `What the host publishes for ${settings.account}:`,
          `  Incoming (${settings.incoming.protocol.toUpperCase()}): ${settings.incoming.host} port ${settings.incoming.port} (encrypted from the start)${settings.incoming.insecurePort === undefined ? '' : `, or ${settings.incoming.insecurePort}`}; user name ${settings.incoming.username}`,
          `  Outgoing (SMTP): ${settings.outgoing.host} port ${settings.outgoing.port} (encrypted from the start)${settings.outgoing.insecurePort === undefined ? '' : `, or ${settings.outgoing.insecurePort}`}; user name ${settings.outgoing.username}`,
          ...retriedLines(report),
        ],
      };
    }
    case 'test-mailbox': {
      const budget = await LoginBudget.open(context.stateDir);
      const report = await testMailbox(
        command.connection,
        token,
        {
          domain: command.domain,
          ...(command.imapHost === undefined ? {} : { imapHost: command.imapHost }),
          ...(command.smtpHost === undefined ? {} : { smtpHost: command.smtpHost }),
          probes: realProbeSet({ publicIpLookup: false }),
          budget,
          ...(command.json ? {} : { onStep: (step) => out.stderr(`  ${step.status === 'passed' ? '✓' : step.status === 'failed' ? '✗' : '–'} ${TEST_MAILBOX_STEP_NAMES[step.id]} (${step.durationMs} ms)\n`) }),
        },
        context,
      );
      if (!report.outcome.ok) return failed(report, report.outcome.problem, command);
      const outcome = report.outcome.value;
      const { result } = outcome;
      const words = TEST_MAILBOX_CONCLUSIONS[result.conclusion];
      const lines = [
        words.title,
        `  ${words.why}`,
        `  Next step: ${words.nextStep}`,
        `Steps (temporary mailbox ${result.mailbox}):`,
        ...result.steps.map((step) => `  ${step.status === 'passed' ? '✓' : step.status === 'failed' ? '✗' : '–'} ${TEST_MAILBOX_STEP_NAMES[step.id]} (${step.durationMs} ms)${step.detail === undefined ? '' : ` — ${step.detail}`}`),
        result.journal === 'cleared'
          ? 'The temporary mailbox was deleted.'
          : result.journal === 'pending'
            ? `The temporary mailbox ${result.mailbox} could not be deleted yet: the next run retries (or delete it in cPanel » Email Accounts).`
            : 'No mailbox was created.',
        ...retriedLines(report),
      ];
      const problem = outcome.problem === undefined ? null : { ...outcome.problem, ...describeHostingProblem(outcome.problem) };
      if (problem !== null) lines.push(`${problem.title}: ${problem.why}`, `Next step: ${problem.nextStep}`);
      return { report, result, problem, problemFound: result.conclusion === 'server-problem' || result.journal === 'pending', text: lines };
    }
  }
}

function failed(report: AdminReport<unknown>, problem: HostingProblem, command: AdminCommand): Printed {
  const words = describeHostingProblem(problem);
  const text = [words.title, `  ${words.why}`, `  Next step: ${words.nextStep}`, ...retriedLines(report)];
  // WHM refused a token: the person may only have cPanel access. Say what to ask the host.
  if (command.connection.api === 'whm' && (problem.kind === 'token-refused' || problem.kind === 'not-permitted')) {
    const ip = command.verb === 'check-ip' || command.verb === 'unblock-ip' ? command.ip : undefined;
    text.push('', 'With only cPanel access:', `  ${IP_BLOCKER_NOTE}`, '  What to send your hosting company:', ...hostRequestText(ip, undefined).split('\n').map((line) => `    ${line}`));
  }
  return { report, result: null, problem: { ...problem, ...words }, problemFound: false, text };
}

function blockCheckLines(check: HostBlockCheck, command: AdminCommand): string[] {
  const words = describeBlockCheck(check);
  const lines = [words.title, `  ${words.why}`];
  if (check.since !== undefined) lines.push(`  Blocked since ${check.since}${check.minutesLeft === undefined ? '' : ` (${check.minutesLeft} minutes left)`}.`);
  if (check.note !== undefined) lines.push(`  cPHulk's note: ${check.note}`);
  if (check.failedLogins.length > 0) {
    lines.push('  Failed logins cPHulk recorded from this address:');
    for (const login of check.failedLogins.slice(0, 10)) lines.push(`    ${login.at}  ${login.user}  ${login.service}`);
    if (check.failedLogins.length > 10) lines.push(`    … and ${check.failedLogins.length - 10} more (see --json)`);
  }
  lines.push(`  Next step: ${words.nextStep}`);
  if (check.blocked && check.blockedBy !== 'cphulk-blacklist' && command.verb === 'check-ip') {
    lines.push(`  To unblock: mail-doctor admin unblock-ip --whm-url ${command.connection.url} --api-user ${command.connection.user} --ip ${check.ip} --yes`);
  }
  if (check.requesterIp !== undefined && check.requesterIp !== check.ip) lines.push(`WHM sees this Mac as ${check.requesterIp}.`);
  return lines;
}

function retriedLines(report: AdminReport<unknown>): string[] {
  return report.retriedDeletions.map((entry) =>
    entry.journal === 'cleared'
      ? `A test mailbox left by an interrupted run (${entry.mailbox}) was deleted first.`
      : `A test mailbox left by an interrupted run (${entry.mailbox}) could not be deleted yet; it is retried next time.`,
  );
}

function exitCodeOf(printed: Printed): number {
  if (printed.problem !== null) return EXIT_ERROR;
  if (printed.problemFound || printed.report.retriedDeletions.some((entry) => entry.journal === 'pending')) return EXIT_PROBLEM_FOUND;
  return EXIT_OK;
}

/** The token: the file's first line, else the app's keychain entry for this server and user. Returns a message on failure. */
async function findToken(command: AdminCommand, keychain: KeychainAccess, out: AdminOutput): Promise<Secret | string> {
  if (command.tokenFile !== undefined) {
    const read = await readTokenFile(resolve(command.tokenFile));
    if (!read.ok) return `--token-file: ${read.error.message}`;
    if (read.value.readableByOthers) out.stderr(`mail-doctor admin: warning: ${command.tokenFile} can be read by other users (chmod 600 it)\n`);
    return read.value.token;
  }
  // A stand-in keychain (development, tests) reads its own keytar, never the real keychain.
  const stored = await readStoredToken(command.connection, keychain.kind === 'system' ? {} : { keytar: keychain.keytar ?? EMPTY_KEYTAR });
  if (!stored.ok) return `no --token-file, and the keychain could not be read (${stored.error.message})`;
  if (stored.value === null) {
    return `no token: give --token-file FILE (its first line is the token; make one in ${TOKEN_PLACES[command.connection.api]}), or connect in the app's window, which keeps it in the keychain`;
  }
  return stored.value;
}
