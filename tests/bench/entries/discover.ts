/**
 * Bundled by the bench (discoveryBench.ts) and run in a fresh Node process: account discovery on a home folder, as
 * a diagnosis starts it, timed from the call to the result (sql.js's WebAssembly start-up included: a run pays it
 * once). Prints one JSON line: wall and CPU time of the call.
 */
import { discoverAccounts } from '../../../electron/accounts/discoverAccounts';

const home = process.argv[2];
if (home === undefined) throw new Error('usage: discover.cjs HOME');
const started = performance.now();
const cpuAtStart = process.cpuUsage();
void discoverAccounts({ home, homeSource: 'given', managedPreferencesDirs: [] }).then((details) => {
  const ms = performance.now() - started;
  // The process's CPU time (user + system, all its threads: GC and WebAssembly compilation included) during the call.
  const cpu = process.cpuUsage(cpuAtStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(`${JSON.stringify({ ms, cpuMs, accounts: details.accounts.length, problems: details.problems.map((p) => p.kind) })}\n`);
});
