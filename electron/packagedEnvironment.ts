/**
 * The signed app must not be borrowable: no environment variable may choose what it reads or where Mail's
 * passwords go. Most of the app never reads the environment, but some libraries do on their own:
 * `os.homedir()` and Electron's paths follow $HOME (a process could point the app at a home folder of its
 * own making, with Mail's account UUIDs and its own servers), c-ares reads LOCALDOMAIN and RES_OPTIONS (search
 * domains tried before the real name), and CoreFoundation honours CFFIXED_USER_HOME. So the packaged app's
 * entry point (electron/main.ts) fixes these before anything else runs: the home folder is the user
 * database's, and the steering variables are removed.
 */
import { userInfo } from 'node:os';

/** Variables that would steer name resolution, trust or where the app thinks the user's files are. */
export const STEERING_VARIABLES = [
  'LOCALDOMAIN',
  'RES_OPTIONS',
  'HOSTALIASES',
  'CFFIXED_USER_HOME',
  'XDG_STATE_HOME',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
  'NODE_OPTIONS',
] as const;

export function settlePackagedEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  env.HOME = userInfo().homedir;
  for (const name of STEERING_VARIABLES) delete env[name];
}
