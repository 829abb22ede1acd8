/**
 * Child process for homeOwner.test.ts: one CLI-like run. With `adopt`, it does what the CLI does for
 * --home (become the home's owner when root); then it spends one failed login on the ledger in its
 * default state folder and prints who it was and what it used.
 */
import { stat } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { defaultManagedPreferencesDirs } from '../../../electron/accounts/managedPreferences';
import { defaultStateDir, stateDirFor } from '../../../electron/appPaths';
import { LEDGER_FILE_NAME, LoginBudget } from '../../../electron/diagnosis/loginBudget';
import { becomeHomeOwner, homeOwnerToAdopt } from '../../../electron/fleet/homeOwner';

const [mode, home] = process.argv.slice(2);
if (home === undefined) throw new Error('usage: homeOwnerChild.ts adopt|stay HOME');
let adopted = false;
if (mode === 'adopt') {
  const owner = await homeOwnerToAdopt(home);
  if (owner !== undefined) {
    becomeHomeOwner(owner, home);
    adopted = true;
  }
}
// As the CLI does (electron/fleet/fleetRun.ts): the adopted user's state folder comes from their home.
const stateDir = adopted ? stateDirFor(home) : defaultStateDir();
const key = { host: 'mail.example.test', address: '127.0.0.1', port: 993, protocol: 'imap' as const };
const budget = await LoginBudget.open(stateDir);
const decision = await budget.reserve(key);
if (decision.allowed) await budget.record(key, 'failure');
const ledger = await stat(join(stateDir, LEDGER_FILE_NAME));
process.stdout.write(
  `${JSON.stringify({
    uid: process.getuid?.(),
    gid: process.getgid?.(),
    groups: process.getgroups?.(),
    user: os.userInfo().username,
    stateDir,
    managedPreferencesDirs: defaultManagedPreferencesDirs(),
    ledgerOwner: ledger.uid,
    allowed: decision.allowed,
    reason: decision.allowed ? null : decision.reason,
  })}\n`,
);
