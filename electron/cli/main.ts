/**
 * Entry point of the development `mail-doctor` command (bundled to dist/cli/mail-doctor.cjs; `npm run
 * diagnose`). The packaged app reaches the same runCli through `Mail Doctor --cli ...` (electron/main.ts),
 * which always reads the system keychain.
 *
 * Start-up is part of what an IT script waits for (docs/benchmarks.md, "Cold start"): `mail-doctor --version`
 * answers from this file alone (under 8 KB); every other command loads dist/cli/command.cjs (command.ts:
 * argument parsing, the diagnosis and the exit guard, in one file), from the code cache the build wrote beside it.
 */
import { join } from 'node:path';
import packageJson from '../../package.json';
import { requireBundled } from './codeCache';
import type * as Command from './command';

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  process.stdout.write(`${packageJson.version}\n`);
} else {
  const { runCommand } = requireBundled(join(__dirname, 'command.cjs')) as typeof Command;
  runCommand(argv, packageJson.version);
}
