/**
 * What a CLI run does for fleets around the diagnosis itself, kept here so the CLI (electron/cli/runCli.ts)
 * only calls it (docs/it-deployment.md, "Collect results"):
 *
 * - a root run with --home becomes that home's owner first (homeOwner.ts), so it uses the user's ledger,
 *   managed preferences and files;
 * - IT's managed preferences are read once, and every invalid value is kept for the report;
 * - a scheduled run (`--save-report`) that IT turned off (`ScheduledDiagnosisEnabled` false) ends at once;
 * - `--time-limit` bounds this process (timeLimit.ts);
 * - the run leaves one line when it starts and one when it ends in the user's log (log/fileLog.ts), scrubbed
 *   by the exit guard.
 */
import { join } from 'node:path';
import type { ManagedPreferencesRead } from '../../shared/model/managedPreferences';
import { readManagedPreferences } from '../accounts/managedPreferencesRead';
import { CACHED_REPORT_FILE_NAME, defaultStateDir, logDirFor, stateDirFor } from '../appPaths';
import type { FileLog } from '../log/fileLog';
import { openFileLog } from '../log/fileLog';
import type { ReportEnvironmentExtras } from '../report/environment';
import type { ReportSummary, SupportReportJson } from '../report/reportModel';
import type { CachedReportOutcome } from './cachedReport';
import { saveCachedReport } from './cachedReport';
import type { IdentityCalls } from './homeOwner';
import { becomeHomeOwner, homeOwnerToAdopt, processIdentity } from './homeOwner';
import { effectiveMaskIdentities, reportExtrasFrom } from './managedPolicy';
import { startTimeLimit } from './timeLimit';

export interface FleetRunOptions {
  /** --home, resolved; undefined for the user's own Mail. */
  readonly home?: string;
  /** The home of the user running the command (from the user database). */
  readonly userHome: string;
  /**
   * --state-dir, resolved: a run told to keep its state elsewhere (a test, a script isolating its runs) keeps
   * its log there too (`<state-dir>/logs`), never in the user's Library.
   */
  readonly stateDir?: string;
  readonly saveReport: boolean;
  readonly timeLimitMs?: number;
  /** Test seam (never reachable from arguments): fixture managed-preference folders. */
  readonly managedPreferencesDirs?: readonly string[];
  /** The exit guard for the log. */
  readonly scrub: (text: string) => string;
  /** Ctrl-C. */
  readonly signal?: AbortSignal;
  /** What the run is, for the log ("diagnose --json --no-login"): flags only, never values. */
  readonly description: string;
  readonly identity?: IdentityCalls;
}

export interface FleetRun {
  /** Where the ledger and the cached report go: --state-dir, else the state folder of the user the run is for. */
  readonly stateDir: string;
  readonly managed: ManagedPreferencesRead;
  /** Aborts on Ctrl-C or when the time limit is reached. */
  readonly signal: AbortSignal;
  readonly log: FileLog;
  readonly reportExtras: ReportEnvironmentExtras;
  maskIdentities(requested: boolean): boolean;
  /** Writes the cached report into the state folder, beside the ledger. */
  saveReport(report: SupportReportJson): Promise<CachedReportOutcome>;
  /** Logs how the run ended and stops the time limit. */
  end(outcome: { readonly summary?: ReportSummary; readonly exitCode: number }): Promise<void>;
}

export type FleetRunStart = { readonly ok: true; readonly run: FleetRun } | { readonly ok: false; readonly exitCode: number; readonly message: string };

export async function startFleetRun(options: FleetRunOptions): Promise<FleetRunStart> {
  let logHome = options.userHome;
  let adoptedHome: string | undefined;
  if (options.home !== undefined) {
    const identity = options.identity ?? processIdentity;
    const owner = await homeOwnerToAdopt(options.home, identity);
    if (owner !== undefined) {
      try {
        becomeHomeOwner(owner, options.home, identity);
      } catch (error) {
        // Going on as root would split the ledger and leave root's files in the user's Library.
        return { ok: false, exitCode: 2, message: `could not run as the owner of --home (uid ${String(owner.uid)}): ${error instanceof Error ? error.message : String(error)}` };
      }
      logHome = options.home;
      adoptedHome = options.home;
    }
  }
  const started = Date.now();
  const managed = await readManagedPreferences(options.managedPreferencesDirs === undefined ? {} : { dirs: options.managedPreferencesDirs });
  const log =
    options.stateDir === undefined
      ? openFileLog({ dir: logDirFor(logHome), within: logHome, scrub: options.scrub })
      : openFileLog({ dir: join(options.stateDir, 'logs'), within: options.stateDir, scrub: options.scrub });
  if (options.saveReport && !managed.preferences.scheduledDiagnosisEnabled) {
    log.write('cli', `${options.description}: not run, the scheduled diagnosis is turned off (managed preference ScheduledDiagnosisEnabled)`);
    return { ok: false, exitCode: 0, message: 'the scheduled diagnosis is turned off by IT (managed preference ScheduledDiagnosisEnabled); nothing was run' };
  }
  let limitReached = false;
  const limit =
    options.timeLimitMs === undefined
      ? undefined
      : startTimeLimit({
          limitMs: options.timeLimitMs,
          onLimit: () => {
            limitReached = true;
            log.write('cli', `time limit of ${String(Math.round((options.timeLimitMs ?? 0) / 1000))} s reached: the run is cut short`);
          },
        });
  const stateDir = options.stateDir ?? (adoptedHome === undefined ? defaultStateDir() : stateDirFor(adoptedHome));
  const signals = [options.signal, limit?.signal].filter((signal): signal is AbortSignal => signal !== undefined);
  log.write('cli', `${options.description}: started${managed.problems.length === 0 ? '' : ` (${String(managed.problems.length)} invalid managed preference values ignored)`}`);
  return {
    ok: true,
    run: {
      stateDir,
      managed,
      signal: signals.length === 0 ? new AbortController().signal : AbortSignal.any(signals),
      log,
      reportExtras: reportExtrasFrom(managed),
      maskIdentities: (requested) => effectiveMaskIdentities(managed.preferences, requested),
      saveReport: async (report) => {
        const saved = await saveCachedReport(join(stateDir, CACHED_REPORT_FILE_NAME), report);
        log.write('cli', saved.ok ? 'report saved for the fleet tools' : `the report could not be saved: ${saved.reason}`);
        return saved;
      },
      end: async ({ summary, exitCode }) => {
        await limit?.stop();
        const result = summary === undefined ? 'no diagnosis' : `${summary.code} (${String(summary.accountsNotOk)} of ${String(summary.accounts)} accounts not OK)`;
        log.write('cli', `${options.description}: ${result}${limitReached ? ', cut short by the time limit' : ''}, exit ${String(exitCode)}, ${String(Date.now() - started)} ms`);
      },
    },
  };
}
