// The persisted login budget: rules with a fake clock, persistence across instances, corrupt ledgers,
// stale locks, and real child processes racing for the last allowance.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { budgetResultFor, LEDGER_FILE_NAME, LoginBudget, type LoginKey } from '../../../electron/diagnosis/loginBudget';

const HOUR = 60 * 60 * 1000;
const T0 = Date.parse('2026-11-27T10:00:00.000Z');
const imap: LoginKey = { host: 'mail.example.com', port: 993, protocol: 'imap' };
const smtp: LoginKey = { host: 'mail.example.com', port: 465, protocol: 'smtp' };
const pop3: LoginKey = { host: 'MAIL.example.com.', port: 995, protocol: 'pop3' }; // same host, other spelling
const otherHost: LoginKey = { host: 'imap.other.test', port: 993, protocol: 'imap' };

function fakeClock(start = T0): { now: () => number; advance: (ms: number) => void } {
  let current = start;
  return { now: () => current, advance: (ms) => { current += ms; } };
}

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'md-budget-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

/** One run: reserve, then record the given result. Returns the reserve decision. */
async function run(key: LoginKey, result: 'success' | 'failure' | 'not-sent', clock: () => number) {
  const budget = await LoginBudget.open(stateDir, { clock });
  const decision = await budget.reserve(key);
  if (decision.allowed) await budget.record(key, result);
  return decision;
}

describe('LoginBudget rules', () => {
  it('allows one attempt per protocol per server per run', async () => {
    const clock = fakeClock();
    const budget = await LoginBudget.open(stateDir, { clock: clock.now });
    expect(await budget.reserve(imap)).toEqual({ allowed: true });
    await budget.record(imap, 'success');
    expect(await budget.check(imap)).toMatchObject({ allowed: false, reason: 'run-limit' });
    expect(await budget.reserve(imap)).toMatchObject({ allowed: false, reason: 'run-limit' });
    // Other protocols and other servers in the same run are separate attempts.
    expect(await budget.reserve(smtp)).toEqual({ allowed: true });
    expect(await budget.reserve(otherHost)).toEqual({ allowed: true });
  });

  it('refuses a server after 2 failures in the past hour across runs and protocols, and says when it is safe', async () => {
    const clock = fakeClock();
    expect(await run(imap, 'failure', clock.now)).toEqual({ allowed: true });
    clock.advance(10 * 60 * 1000);
    expect(await run(smtp, 'failure', clock.now)).toEqual({ allowed: true });
    clock.advance(5 * 60 * 1000);
    // A third run, any protocol on that host (spelled differently), is refused.
    const refused = await run(pop3, 'failure', clock.now);
    expect(refused).toMatchObject({ allowed: false, reason: 'hourly-limit', safeAfter: new Date(T0 + HOUR).toISOString() });
    // Another server is unaffected.
    expect(await run(otherHost, 'success', clock.now)).toEqual({ allowed: true });
    // Just before the oldest failure leaves the window: still refused; at it: allowed again.
    const beforeSafe = fakeClock(T0 + HOUR - 1);
    expect((await (await LoginBudget.open(stateDir, { clock: beforeSafe.now })).check(imap)).allowed).toBe(false);
    const atSafe = fakeClock(T0 + HOUR + 1);
    expect(await (await LoginBudget.open(stateDir, { clock: atSafe.now })).check(imap)).toEqual({ allowed: true });
  });

  it('does not count successes, and releases not-sent reservations', async () => {
    const clock = fakeClock();
    for (let i = 0; i < 5; i += 1) expect(await run(imap, 'success', clock.now)).toEqual({ allowed: true });
    for (let i = 0; i < 5; i += 1) expect(await run(imap, 'not-sent', clock.now)).toEqual({ allowed: true });
    expect(await run(imap, 'failure', clock.now)).toEqual({ allowed: true });
    expect(await run(imap, 'failure', clock.now)).toEqual({ allowed: true });
    expect(await run(imap, 'failure', clock.now)).toMatchObject({ allowed: false, reason: 'hourly-limit' });
  });

  it('counts an unsettled in-flight reservation (a run that crashed mid-login) as a failure', async () => {
    const clock = fakeClock();
    const crashed = await LoginBudget.open(stateDir, { clock: clock.now });
    expect(await crashed.reserve(imap)).toEqual({ allowed: true }); // never recorded
    expect(await run(smtp, 'failure', clock.now)).toEqual({ allowed: true });
    expect(await run(imap, 'failure', clock.now)).toMatchObject({ allowed: false, reason: 'hourly-limit' });
  });

  it('survives a restart: a new instance reads the ledger file', async () => {
    const clock = fakeClock();
    await run(imap, 'failure', clock.now);
    await run(smtp, 'failure', clock.now);
    const ledger = JSON.parse(await readFile(path.join(stateDir, LEDGER_FILE_NAME), 'utf8')) as { entries: { state: string; host: string }[] };
    expect(ledger.entries.map((entry) => [entry.host, entry.state])).toEqual([
      ['mail.example.com', 'failure'],
      ['mail.example.com', 'failure'],
    ]);
    const restarted = await LoginBudget.open(stateDir, { clock: clock.now });
    expect(await restarted.check(imap)).toMatchObject({ allowed: false, reason: 'hourly-limit' });
  });

  it('prunes entries older than the window on the next write', async () => {
    const clock = fakeClock();
    await run(imap, 'failure', clock.now);
    await run(imap, 'success', clock.now);
    clock.advance(HOUR + 1000);
    await run(otherHost, 'success', clock.now);
    const ledger = JSON.parse(await readFile(path.join(stateDir, LEDGER_FILE_NAME), 'utf8')) as { entries: { host: string }[] };
    expect(ledger.entries.map((entry) => entry.host)).toEqual(['imap.other.test']);
  });

  it('treats a corrupt ledger written recently as unknown history: refuses every server until an hour after it was written', async () => {
    const clock = fakeClock();
    const file = path.join(stateDir, LEDGER_FILE_NAME);
    await writeFile(file, '{"version":1,"entries":[{"id":"x","host":"mail.exa');
    const writtenAt = T0 - 10 * 60 * 1000;
    await utimes(file, writtenAt / 1000, writtenAt / 1000);
    const budget = await LoginBudget.open(stateDir, { clock: clock.now });
    expect(await budget.check(otherHost)).toMatchObject({ allowed: false, reason: 'hourly-limit', safeAfter: new Date(writtenAt + HOUR).toISOString() });
    expect(await budget.reserve(imap)).toMatchObject({ allowed: false, reason: 'hourly-limit', safeAfter: new Date(writtenAt + HOUR).toISOString() });
    // The damaged file is kept for inspection and replaced by a ledger that remembers the unknown hour.
    const files = await readdir(stateDir);
    expect(files.some((name) => name.startsWith('login-ledger.corrupt-'))).toBe(true);
    const restarted = await LoginBudget.open(stateDir, { clock: clock.now });
    expect(await restarted.check(imap)).toMatchObject({ allowed: false, reason: 'hourly-limit' });
    clock.advance(51 * 60 * 1000);
    expect(await (await LoginBudget.open(stateDir, { clock: clock.now })).reserve(imap)).toEqual({ allowed: true });
  });

  it('starts fresh from a corrupt ledger last written more than an hour ago', async () => {
    const clock = fakeClock();
    const file = path.join(stateDir, LEDGER_FILE_NAME);
    await writeFile(file, 'not json at all');
    const writtenAt = T0 - 2 * HOUR;
    await utimes(file, writtenAt / 1000, writtenAt / 1000);
    expect(await run(imap, 'failure', clock.now)).toEqual({ allowed: true });
  });

  it('breaks the lock of a dead process, but refuses while a live run holds it', async () => {
    const clock = fakeClock();
    const lock = path.join(stateDir, 'login-ledger.lock');
    // A lock left by a process that no longer exists (pid far above pid_max).
    await writeFile(lock, JSON.stringify({ pid: 2 ** 22 + 12345, nonce: 'dead', at: Date.now() }));
    expect(await run(imap, 'failure', clock.now)).toEqual({ allowed: true });
    // A lock held by a live process (this one), fresh: the reservation gives up and refuses.
    await writeFile(lock, JSON.stringify({ pid: process.pid, nonce: 'live', at: Date.now() }));
    const budget = await LoginBudget.open(stateDir, { clock: clock.now, lockWaitMs: 300 });
    expect(await budget.reserve(smtp)).toMatchObject({ allowed: false, reason: 'ledger-unavailable' });
    await rm(lock);
  });

  it('maps probe outcomes to ledger results conservatively', () => {
    expect(budgetResultFor({ kind: 'accepted', durationMs: 1 })).toBe('success');
    expect(budgetResultFor({ kind: 'rejected', serverText: 'x', durationMs: 1 })).toBe('failure');
    expect(budgetResultFor({ kind: 'timeout', afterMs: 1 })).toBe('failure');
    expect(budgetResultFor({ kind: 'error', errorCode: 'ECONNRESET', message: 'x' })).toBe('failure');
    expect(budgetResultFor({ kind: 'skipped', reason: 'cleartext-connection' })).toBe('not-sent');
    expect(budgetResultFor({ kind: 'unavailable', serverText: 'LOGINDISABLED' })).toBe('not-sent');
  });
});

describe('LoginBudget across processes', () => {
  it('never lets racing processes spend more than the hourly allowance', async () => {
    const child = path.join(import.meta.dirname, 'reserveChild.ts');
    const racers = 8;
    const startAt = Date.now() + 6000;
    const outputs = await Promise.all(
      Array.from({ length: racers }, () =>
        new Promise<string>((resolve, reject) => {
          const proc = spawn(process.execPath, ['--import', 'tsx', child, stateDir, String(startAt)], { stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          let err = '';
          proc.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
          proc.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
          proc.on('error', reject);
          proc.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`child exited ${code}: ${err}`))));
        }),
      ),
    );
    const allowed = outputs.filter((line) => line === 'allowed');
    expect(allowed).toHaveLength(2);
    expect(outputs.filter((line) => line.startsWith('refused:'))).toHaveLength(racers - 2);
    const ledger = JSON.parse(await readFile(path.join(stateDir, LEDGER_FILE_NAME), 'utf8')) as { entries: { state: string }[] };
    expect(ledger.entries.filter((entry) => entry.state === 'failure')).toHaveLength(2);
  }, 60_000);
});
