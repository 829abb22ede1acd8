// The persisted login budget: rules with a fake clock, persistence across instances, corrupt ledgers,
// stale locks, and real child processes racing for the last allowance.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { banBlockOf, budgetResultFor, LEDGER_FILE_NAME, LoginBudget, loginSkippedByBudget, type LoginKey } from '../../../electron/diagnosis/loginBudget';

const HOUR = 60 * 60 * 1000;
const T0 = Date.parse('2026-11-27T10:00:00.000Z');
// Addresses are only written to the ledger, never connected to; loopback and documentation prefixes all the same.
const SERVER = '127.0.0.10';
const OTHER_SERVER = '127.0.0.20';
const imap: LoginKey = { host: 'mail.example.com', address: SERVER, port: 993, protocol: 'imap' };
const smtp: LoginKey = { host: 'mail.example.com', address: SERVER, port: 465, protocol: 'smtp' };
const pop3: LoginKey = { host: 'MAIL.example.com.', address: SERVER, port: 995, protocol: 'pop3' }; // same host, other spelling
const otherHost: LoginKey = { host: 'imap.other.test', address: OTHER_SERVER, port: 993, protocol: 'imap' };

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
    expect(await budget.reserve(smtp)).toMatchObject({
      allowed: false,
      reason: 'ledger-unavailable',
      ledger: { path: lock, problem: 'lock-unavailable' },
    });
    await rm(lock);
  });

  it('a second name of the same address, same protocol, in the same run is the same server: one attempt', async () => {
    const clock = fakeClock();
    const budget = await LoginBudget.open(stateDir, { clock: clock.now });
    expect(await budget.reserve(imap)).toEqual({ allowed: true });
    await budget.record(imap, 'failure');
    const alias: LoginKey = { ...imap, host: 'example.com' };
    expect(await budget.reserve(alias)).toMatchObject({ allowed: false, reason: 'run-limit' });
    const sameName: LoginKey = { ...imap, address: OTHER_SERVER };
    expect(await budget.reserve(sameName)).toMatchObject({ allowed: false, reason: 'run-limit' });
  });

  it('maps refusals to the skipped login the verdict reads', () => {
    expect(loginSkippedByBudget({ allowed: false, reason: 'hourly-limit', safeAfter: '2026-11-27T11:00:00.000Z', detail: 'x' })).toEqual({
      kind: 'skipped',
      reason: 'login-budget',
      safeAfter: '2026-11-27T11:00:00.000Z',
    });
    expect(loginSkippedByBudget({ allowed: false, reason: 'run-limit', detail: 'x' })).toEqual({ kind: 'skipped', reason: 'login-budget' });
    const ledger = { path: '/state/login-ledger.json', problem: 'not-a-file', errorCode: 'EISDIR' } as const;
    expect(loginSkippedByBudget({ allowed: false, reason: 'ledger-unavailable', detail: 'x', ledger })).toEqual({ kind: 'skipped', reason: 'ledger-unavailable', ledger });
    expect(loginSkippedByBudget({ allowed: false, reason: 'unresolved', detail: 'x' })).toEqual({ kind: 'skipped', reason: 'connection-failed' });
    // A budget that gives only safeAfter (the runner's port allows it) reads as the hourly limit.
    expect(loginSkippedByBudget({ allowed: false })).toEqual({ kind: 'skipped', reason: 'login-budget' });
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

describe('LoginBudget counts per server address, and per name', () => {
  it('three names of one address (name, bare domain, the IP itself) share its two failures, across protocols', async () => {
    const clock = fakeClock();
    const byName: LoginKey = { host: 'mail.example.com', address: SERVER, port: 993, protocol: 'imap' };
    const byDomain: LoginKey = { host: 'example.com', address: SERVER, port: 465, protocol: 'smtp' };
    const byIp: LoginKey = { host: SERVER, address: SERVER, port: 995, protocol: 'pop3' };
    expect(await run(byName, 'failure', clock.now)).toEqual({ allowed: true });
    clock.advance(60_000);
    expect(await run(byDomain, 'failure', clock.now)).toEqual({ allowed: true });
    clock.advance(60_000);
    const refused = await run(byIp, 'failure', clock.now);
    // Safe again when the first of the two leaves the window.
    expect(refused).toMatchObject({ allowed: false, reason: 'hourly-limit', safeAfter: new Date(T0 + HOUR).toISOString() });
    if (refused.allowed) throw new Error('unreachable');
    expect(refused.detail).toContain(SERVER);
    expect(refused.detail).toContain('mail.example.com, example.com');
    // The IMAP name again in a new run: refused too (its address is spent), while another server is not.
    expect(await run(byName, 'failure', clock.now)).toMatchObject({ allowed: false, reason: 'hourly-limit' });
    expect(await run(otherHost, 'failure', clock.now)).toEqual({ allowed: true });
    const ledger = JSON.parse(await readFile(path.join(stateDir, LEDGER_FILE_NAME), 'utf8')) as { entries: { host: string; address: string }[] };
    expect(ledger.entries.map((entry) => [entry.host, entry.address])).toEqual([
      ['mail.example.com', SERVER],
      ['example.com', SERVER],
      ['imap.other.test', OTHER_SERVER],
    ]);
  });

  it('counts per name as well: a name whose address changed between runs keeps its failures', async () => {
    const clock = fakeClock();
    expect(await run({ ...imap, address: '127.0.0.11' }, 'failure', clock.now)).toEqual({ allowed: true });
    expect(await run({ ...imap, address: '127.0.0.12' }, 'failure', clock.now)).toEqual({ allowed: true });
    expect(await run({ ...imap, address: '127.0.0.13' }, 'failure', clock.now)).toMatchObject({ allowed: false, reason: 'hourly-limit' });
    // Other names on those addresses have one failure each against their address: still allowed.
    expect(await run({ host: 'other.example.com', address: '127.0.0.11', port: 993, protocol: 'imap' }, 'success', clock.now)).toEqual({ allowed: true });
  });

  it('counts IPv6 servers per /64, and an IPv4-mapped address as its IPv4 address', async () => {
    const clock = fakeClock();
    const first: LoginKey = { host: 'a.example.com', address: '2001:db8:1:2::a', port: 993, protocol: 'imap' };
    const samePrefix: LoginKey = { host: 'b.example.com', address: '2001:DB8:1:2:ffff:0:0:1', port: 465, protocol: 'smtp' };
    const otherPrefix: LoginKey = { host: 'c.example.com', address: '2001:db8:1:3::a', port: 993, protocol: 'imap' };
    expect(await run(first, 'failure', clock.now)).toEqual({ allowed: true });
    expect(await run(samePrefix, 'failure', clock.now)).toEqual({ allowed: true });
    expect(await run({ ...first, host: 'd.example.com', address: '[2001:db8:1:2::99]' }, 'failure', clock.now)).toMatchObject({ allowed: false, reason: 'hourly-limit' });
    expect(await run(otherPrefix, 'failure', clock.now)).toEqual({ allowed: true });

    expect(await run({ host: 'v4.example.com', address: SERVER, port: 993, protocol: 'imap' }, 'failure', clock.now)).toEqual({ allowed: true });
    expect(await run({ host: 'mapped.example.com', address: `::ffff:${SERVER}`, port: 993, protocol: 'imap' }, 'failure', clock.now)).toEqual({ allowed: true });
    expect(await run({ host: 'v4-again.example.com', address: SERVER, port: 993, protocol: 'imap' }, 'failure', clock.now)).toMatchObject({ allowed: false, reason: 'hourly-limit' });
  });

  it('names the block a ban applies to', () => {
    expect(banBlockOf('127.0.0.10')).toBe('127.0.0.10');
    expect(banBlockOf('2001:db8:1:2::a')).toBe('2001:db8:1:2::/64');
    expect(banBlockOf('2001:0DB8:0001:0002:0000:0000:0000:000a')).toBe('2001:db8:1:2::/64');
    expect(banBlockOf('[2001:db8::1]')).toBe('2001:db8:0:0::/64');
    expect(banBlockOf('fe80::1%en0')).toBe('fe80:0:0:0::/64');
    expect(banBlockOf('::1')).toBe('0:0:0:0::/64');
    expect(banBlockOf('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(banBlockOf('::ffff:c000:207')).toBe('192.0.2.7');
    expect(banBlockOf('64:ff9b::192.0.2.7')).toBe('192.0.2.7');
    expect(banBlockOf('mail.example.com')).toBeUndefined();
    expect(banBlockOf('')).toBeUndefined();
    expect(banBlockOf(undefined)).toBeUndefined();
  });

  it('a server whose name did not resolve is never logged in to, and nothing is written', async () => {
    const budget = await LoginBudget.open(stateDir, { clock: fakeClock().now });
    const unresolved: LoginKey = { ...imap, address: undefined };
    expect(await budget.reserve(unresolved)).toMatchObject({ allowed: false, reason: 'unresolved' });
    expect(await budget.reserve({ ...imap, address: 'mail.example.com' })).toMatchObject({ allowed: false, reason: 'unresolved' });
    expect(await budget.check(unresolved)).toMatchObject({ allowed: false, reason: 'unresolved' });
    expect(await readdir(stateDir)).toEqual([]);
  });

  it('entries of a ledger written before addresses were recorded still count by name', async () => {
    await writeFile(
      path.join(stateDir, LEDGER_FILE_NAME),
      JSON.stringify({
        version: 1,
        entries: [
          { id: 'a', host: 'mail.example.com', port: 993, protocol: 'imap', at: new Date(T0 - 60_000).toISOString(), state: 'failure' },
          { id: 'b', host: 'mail.example.com', port: 465, protocol: 'smtp', at: new Date(T0 - 30_000).toISOString(), state: 'failure' },
        ],
      }),
    );
    expect(await run(imap, 'failure', fakeClock().now)).toMatchObject({ allowed: false, reason: 'hourly-limit' });
    expect(await run({ ...imap, host: 'example.com' }, 'failure', fakeClock().now)).toEqual({ allowed: true });
  });
});

describe('LoginBudget reads times on the safe side', () => {
  const ledgerFile = (): string => path.join(stateDir, LEDGER_FILE_NAME);
  const entry = (id: string, at: string, state = 'failure'): Record<string, unknown> => ({ id, host: 'mail.example.com', address: SERVER, port: 993, protocol: 'imap', at, state });
  const storedEntries = async (): Promise<{ id: string; at: string; state: string }[]> =>
    (JSON.parse(await readFile(ledgerFile(), 'utf8')) as { entries: { id: string; at: string; state: string }[] }).entries;

  it('failures dated in the future (the clock was moved back) count as now and age out an hour later, not days later', async () => {
    const threeDaysAhead = new Date(T0 + 3 * 24 * HOUR).toISOString();
    await writeFile(ledgerFile(), JSON.stringify({ version: 1, entries: [entry('a', threeDaysAhead), entry('b', threeDaysAhead)] }));
    const clock = fakeClock();
    expect(await run(imap, 'failure', clock.now)).toMatchObject({ allowed: false, reason: 'hourly-limit', safeAfter: new Date(T0 + HOUR).toISOString() });
    // Rewritten as "now" even though the login was refused, so the next runs do not treat them as fresh again.
    expect((await storedEntries()).map((stored) => stored.at)).toEqual([new Date(T0).toISOString(), new Date(T0).toISOString()]);
    clock.advance(30 * 60 * 1000);
    expect(await run(imap, 'failure', clock.now)).toMatchObject({ allowed: false, safeAfter: new Date(T0 + HOUR).toISOString() });
    clock.advance(30 * 60 * 1000 + 1);
    expect(await run(imap, 'failure', clock.now)).toEqual({ allowed: true });
  });

  it('entries whose time cannot be parsed count as failures (whatever their state) made when the file was last written', async () => {
    await writeFile(ledgerFile(), JSON.stringify({ version: 1, entries: [entry('a', 'yesterday-ish'), entry('b', '', 'success')] }));
    const writtenAt = T0 - 10 * 60 * 1000;
    await utimes(ledgerFile(), writtenAt / 1000, writtenAt / 1000);
    const clock = fakeClock();
    expect(await (await LoginBudget.open(stateDir, { clock: clock.now })).check(imap)).toMatchObject({
      allowed: false,
      reason: 'hourly-limit',
      safeAfter: new Date(writtenAt + HOUR).toISOString(),
    });
    expect(await run(smtp, 'failure', clock.now)).toMatchObject({ allowed: false, safeAfter: new Date(writtenAt + HOUR).toISOString() });
    expect(await storedEntries()).toEqual([
      expect.objectContaining({ id: 'a', at: new Date(writtenAt).toISOString(), state: 'failure' }),
      expect.objectContaining({ id: 'b', at: new Date(writtenAt).toISOString(), state: 'failure' }),
    ]);
    clock.advance(50 * 60 * 1000 + 1);
    expect(await run(imap, 'failure', clock.now)).toEqual({ allowed: true });
  });

  it('an unparsable entry in a file dated in the future counts as made now', async () => {
    await writeFile(ledgerFile(), JSON.stringify({ version: 1, entries: [entry('a', 'x'), entry('b', 'y')] }));
    const future = T0 + 5 * 24 * HOUR;
    await utimes(ledgerFile(), future / 1000, future / 1000);
    expect(await run(imap, 'failure', fakeClock().now)).toMatchObject({ allowed: false, safeAfter: new Date(T0 + HOUR).toISOString() });
  });

  it('a damaged-history mark far in the future is brought back to one window from now', async () => {
    await writeFile(ledgerFile(), JSON.stringify({ version: 1, unknownHistoryUntil: new Date(T0 + 10 * 24 * HOUR).toISOString(), entries: [] }));
    const clock = fakeClock();
    expect(await run(imap, 'failure', clock.now)).toMatchObject({ allowed: false, safeAfter: new Date(T0 + HOUR).toISOString() });
    clock.advance(HOUR + 1);
    expect(await run(imap, 'failure', clock.now)).toEqual({ allowed: true });
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
