/**
 * Entry point of the development `mail-doctor` command (bundled to dist/cli/mail-doctor.cjs; `npm run
 * diagnose`). The packaged app reaches the same runCli through `Mail Doctor --cli ...` (electron/main.ts),
 * which always reads the system keychain. Only this development entry may use a stand-in keychain, named by
 * MAIL_DOCTOR_SECURITY_TOOL (the tests start it as a child process with their fixture `security` tool); it
 * holds no real password, and the packaged app never reads that variable.
 */
import packageJson from '../../package.json';
import { developmentKeychainFromEnvironment } from '../keychain/developmentKeychain';
import { runCli } from './runCli';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());

void runCli(
  process.argv.slice(2),
  {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    appVersion: packageJson.version,
    signal: controller.signal,
  },
  { keychain: developmentKeychainFromEnvironment(process.env) },
).then((code) => {
  process.exitCode = code;
});
