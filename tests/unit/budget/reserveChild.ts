// Child process for the budget race test: one "run" that reserves an IMAP login on a shared state dir,
// holds it briefly (as a real login would), records a failure, and prints what the budget decided.
import { LoginBudget } from '../../../electron/diagnosis/loginBudget';

const stateDir = process.argv[2];
const startAt = Number(process.argv[3]);
if (stateDir === undefined || !Number.isFinite(startAt)) throw new Error('usage: reserveChild.ts STATE_DIR START_AT_MS');
const key = { host: 'race.example.test', address: '127.0.0.30', port: 993, protocol: 'imap' as const };
const budget = await LoginBudget.open(stateDir, { lockWaitMs: 20_000 });
// All children start loading at once but tsx start-up varies: wait for a common instant so they really race.
await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
const decision = await budget.reserve(key);
if (decision.allowed) {
  await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
  await budget.record(key, 'failure');
  process.stdout.write('allowed\n');
} else {
  process.stdout.write(`refused:${decision.reason}\n`);
}
