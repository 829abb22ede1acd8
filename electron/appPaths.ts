/**
 * Where Mail Doctor keeps its own state (the login-budget ledger) when run without Electron (the CLI).
 * The app uses Electron's userData folder, which is the same folder on a Mac:
 * ~/Library/Application Support/Mail Doctor.
 */
import os from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Mail Doctor';

export function defaultStateDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const home = os.homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  const stateHome = env.XDG_STATE_HOME;
  return join(stateHome !== undefined && stateHome !== '' ? stateHome : join(home, '.local', 'state'), 'mail-doctor');
}
