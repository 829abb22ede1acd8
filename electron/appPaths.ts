/**
 * Where Mail Doctor keeps its own files, per user. On a Mac:
 * - state (the login-budget ledger, the scheduled run's cached report): ~/Library/Application Support/Mail Doctor,
 *   which is also Electron's userData folder for the app, so the window, the CLI and the scheduled run share
 *   one ledger;
 * - the log: ~/Library/Logs/Mail Doctor (where Console.app and IT's log collectors look).
 * Elsewhere (development on Linux) state goes to $XDG_STATE_HOME/mail-doctor and the log beside it.
 *
 * Every function takes the home folder, so a root run on behalf of a user (electron/fleet/homeOwner.ts)
 * uses that user's files, never root's.
 */
import os from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Mail Doctor';
/** The scheduled run's report (`--save-report`), read by build/mdm/maildoctor-fleet.sh status. */
export const CACHED_REPORT_FILE_NAME = 'last-diagnosis.json';
export const LOG_FILE_NAME = 'mail-doctor.log';

/** `env`: this process's environment, given only for its own user's home (XDG_STATE_HOME is theirs). */
export function stateDirFor(home: string, platform: NodeJS.Platform = process.platform, env?: NodeJS.ProcessEnv): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  const stateHome = env?.XDG_STATE_HOME;
  return join(stateHome !== undefined && stateHome !== '' ? stateHome : join(home, '.local', 'state'), 'mail-doctor');
}

export function defaultStateDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  return stateDirFor(os.homedir(), platform, env);
}

export function logDirFor(home: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return join(home, 'Library', 'Logs', PRODUCT_NAME);
  return join(stateDirFor(home, platform), 'logs');
}

/** `~/Library/Application Support/Mail Doctor/last-diagnosis.json` on a Mac. */
export function cachedReportPathFor(home: string, platform: NodeJS.Platform = process.platform): string {
  return join(stateDirFor(home, platform), CACHED_REPORT_FILE_NAME);
}
