/**
 * The `mail-doctor` command once it has more to do than print its version: runCli with this process's
 * standard streams, Ctrl-C and exit code. Loaded by the entry (main.ts) with `import()`, which esbuild turns into
 * a require() of dist/cli/command.cjs (esbuild.config.mjs): everything the command runs is in that one file, so
 * each module, and each process-wide registry such as the live secrets the exit guard checks, exists once.
 *
 * Only this development entry may use a stand-in keychain, named by MAIL_DOCTOR_SECURITY_TOOL (the tests start it
 * as a child process with their fixture `security` tool); it holds no real password, and the packaged app never
 * reads that variable (the app's `--cli` is electron/main.ts).
 */
import { developmentKeychainFromEnvironment } from '../keychain/developmentKeychain';
import { runCli } from './runCli';

export function runCommand(argv: readonly string[], appVersion: string): void {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  void runCli(
    argv,
    {
      stdout: process.stdout,
      stderr: process.stderr,
      stdin: process.stdin,
      appVersion,
      signal: controller.signal,
    },
    { keychain: developmentKeychainFromEnvironment(process.env) },
  ).then((code) => {
    process.exitCode = code;
  });
}
