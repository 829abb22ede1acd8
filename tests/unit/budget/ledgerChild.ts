// Child process for the ledger-fault tests: one "run" that asks the budget about one IMAP login on the given
// state dir, from wherever the test put it (another user, a private mount namespace with a read-only or full
// file system), and prints both decisions as JSON.
import { LoginBudget } from '../../../electron/diagnosis/loginBudget';

const stateDir = process.argv[2];
if (stateDir === undefined) throw new Error('usage: ledgerChild.ts STATE_DIR');
const key = { host: 'mail.example.test', address: '127.0.0.1', port: 993, protocol: 'imap' as const };
const budget = await LoginBudget.open(stateDir, { lockWaitMs: 2000 });
const check = await budget.check(key);
const reserve = await budget.reserve(key);
process.stdout.write(`${JSON.stringify({ check, reserve })}\n`);
