/**
 * For development entry points only — the development CLI (electron/cli/main.ts, `npm run diagnose`) and
 * the web preview (electron/preview/server.ts) — which the tests start as child processes: a stand-in
 * `security` tool named by an environment variable. The packaged app never imports this file (a test checks
 * that the app's bundle does not contain the variable's name), so no environment can make the signed app
 * run another program in place of /usr/bin/security.
 */
import type { KeychainAccess } from './keychainAccess';
import { SYSTEM_KEYCHAIN } from './keychainAccess';

export const DEVELOPMENT_SECURITY_TOOL_VARIABLE = 'MAIL_DOCTOR_SECURITY_TOOL';

/** A stand-in keychain when the variable names a tool, else the system keychain. */
export function developmentKeychainFromEnvironment(env: NodeJS.ProcessEnv): KeychainAccess {
  const tool = env[DEVELOPMENT_SECURITY_TOOL_VARIABLE];
  return tool === undefined || tool === '' ? SYSTEM_KEYCHAIN : { kind: 'stand-in', securityToolPath: tool };
}
