/**
 * Entry point of the `mail-doctor` command (bundled to dist/cli/mail-doctor.cjs; `npm run diagnose`).
 * The packaged app reaches the same runCli through `Mail Doctor --cli ...` (electron/main.ts).
 */
import packageJson from '../../package.json';
import { runCli } from './runCli';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());

void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  appVersion: packageJson.version,
  signal: controller.signal,
}).then((code) => {
  process.exitCode = code;
});
