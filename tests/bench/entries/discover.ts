/**
 * Bundled by the bench (discoveryBench.ts) and run in a fresh Node process: account discovery on a home folder, as
 * a diagnosis starts it, timed from the call to the result (sql.js's WebAssembly start-up included: a run pays it
 * once). Prints one JSON line.
 */
import { discoverAccounts } from '../../../electron/accounts/discoverAccounts';

const home = process.argv[2];
if (home === undefined) throw new Error('usage: discover.cjs HOME');
const started = performance.now();
void discoverAccounts({ home, homeSource: 'given', managedPreferencesDirs: [] }).then((details) => {
  const ms = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ ms, accounts: details.accounts.length, problems: details.problems.map((p) => p.kind) })}\n`);
});
