/**
 * The login budget (anti-lockout), persisted across runs.
 *
 * Why: brute-force guards count failures per client IP across protocols (CSF LF_SMTPAUTH 5/h with a
 * PERMANENT block, cPHulk 5 per 15 min, fail2ban 5 per 10 min; see
 * shared/research/mail-tools-servers-and-bans.md §5). We cannot see the failures Mail itself (its
 * auto-manage retries) or other devices behind the same NAT already caused, so Mail Doctor keeps its
 * own share small: at most 2 failed authentications per server per rolling hour, across all runs,
 * all accounts and all protocols on that host, and at most one attempt per protocol per server per run.
 *
 * One `LoginBudget` instance = one run. The ledger is a JSON file in the state folder:
 * - every read-modify-write happens under a lock file created with O_EXCL (stale locks of dead
 *   processes are broken safely), and the file is replaced atomically (write temp + fsync + rename),
 *   so two overlapping runs (app + CLI) never both spend the last allowance;
 * - `reserve()` records an in-flight attempt BEFORE the login, so an overlapping run counts it; an
 *   in-flight entry that is never settled (crash) counts as a failure until it ages out;
 * - a corrupt ledger is never read as "no failures": its history is unknown, so every server is
 *   refused until one hour after the corrupt file was last written (its mtime: no failure in it can
 *   be younger). The corrupt file is kept next to the ledger for inspection.
 * Entries older than the window are pruned on every write. Nothing secret is stored (no user names).
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { MailProtocol } from '../../shared/model/account';
import type { LoginOutcome } from '../../shared/probes/outcomes';
import { errnoCode } from '../errors';

export const LEDGER_FILE_NAME = 'login-ledger.json';
const LOCK_FILE_NAME = 'login-ledger.lock';
const HOUR_MS = 60 * 60 * 1000;

export interface LoginKey {
  readonly host: string;
  readonly port: number;
  readonly protocol: MailProtocol;
}

export type BudgetRefusalReason =
  /** This run already attempted a login with this protocol on this server. */
  | 'run-limit'
  /** The server has seen the maximum number of failures from us in the past hour. */
  | 'hourly-limit'
  /** The ledger could not be read or locked in time: without it, no login is safe to attempt. */
  | 'ledger-unavailable';

export type BudgetDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly reason: BudgetRefusalReason;
      /** ISO time from which a login to this server is within the budget again (hourly-limit). */
      readonly safeAfter?: string;
      /** Plain words for the report, e.g. "2 failed logins to mail.example.com in the past hour". */
      readonly detail: string;
    };

/** How an attempt ended, for the ledger. 'not-sent': no credential left this machine. */
export type AttemptResult = 'success' | 'failure' | 'not-sent';

export interface LoginBudgetOptions {
  /** Milliseconds since the epoch; tests pass a fake clock. Lock timing always uses the real clock. */
  readonly clock?: () => number;
  /** Failures per server per window after which logins are refused. Default 2. */
  readonly maxFailures?: number;
  /** The rolling window. Default one hour. */
  readonly windowMs?: number;
  /** How long to wait for another run's lock before refusing. Default 5 s. */
  readonly lockWaitMs?: number;
  /** A lock older than this is considered abandoned even if its pid is alive (pid reuse). Default 30 s. */
  readonly staleLockMs?: number;
}

const entrySchema = z.object({
  id: z.string(),
  host: z.string(),
  port: z.number().int(),
  protocol: z.enum(['imap', 'pop3', 'smtp']),
  at: z.string(),
  state: z.enum(['in-flight', 'success', 'failure']),
});
type LedgerEntry = z.infer<typeof entrySchema>;

const ledgerSchema = z.object({
  version: z.literal(1),
  /** Until this ISO time every server is refused: the history before it was lost (corrupt ledger). */
  unknownHistoryUntil: z.string().optional(),
  entries: z.array(entrySchema),
});
type Ledger = z.infer<typeof ledgerSchema>;

const lockSchema = z.object({ pid: z.number().int(), nonce: z.string(), at: z.number() });

/** How an outcome of a login probe counts: anything after credentials may have left counts as a failure. */
export function budgetResultFor(login: LoginOutcome): AttemptResult {
  switch (login.kind) {
    case 'accepted':
      return 'success';
    case 'rejected':
    case 'timeout':
    case 'error':
      return 'failure';
    case 'unavailable':
    case 'skipped':
      return 'not-sent';
  }
}

function normaliseHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
}

function runKey(key: LoginKey): string {
  return `${normaliseHost(key.host)}|${key.protocol}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return errnoCode(error) === 'EPERM';
  }
}

type LedgerRead = { readonly kind: 'ok'; readonly ledger: Ledger } | { readonly kind: 'corrupt'; readonly mtimeMs: number } | { readonly kind: 'unreadable'; readonly code: string };

export class LoginBudget {
  readonly #stateDir: string;
  readonly #ledgerPath: string;
  readonly #lockPath: string;
  readonly #now: () => number;
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #lockWaitMs: number;
  readonly #staleLockMs: number;
  /** Run keys this run has reserved, and the ledger entry id of each reservation. */
  readonly #reserved = new Map<string, string>();

  private constructor(stateDir: string, options: LoginBudgetOptions) {
    this.#stateDir = stateDir;
    this.#ledgerPath = path.join(stateDir, LEDGER_FILE_NAME);
    this.#lockPath = path.join(stateDir, LOCK_FILE_NAME);
    this.#now = options.clock ?? Date.now;
    this.#maxFailures = options.maxFailures ?? 2;
    this.#windowMs = options.windowMs ?? HOUR_MS;
    this.#lockWaitMs = options.lockWaitMs ?? 5000;
    this.#staleLockMs = options.staleLockMs ?? 30_000;
  }

  /** Opens the ledger of `stateDir` (created if missing) for one run. Never throws for ledger problems. */
  static async open(stateDir: string, options: LoginBudgetOptions = {}): Promise<LoginBudget> {
    await fs.mkdir(stateDir, { recursive: true, mode: 0o700 });
    return new LoginBudget(stateDir, options);
  }

  /** Would a login to this server be allowed now? Read-only; `reserve()` decides for real. */
  async check(key: LoginKey): Promise<BudgetDecision> {
    if (this.#reserved.has(runKey(key))) return this.#runLimit(key);
    const read = await this.#read();
    if (read.kind === 'unreadable') return this.#unavailable(`the login ledger could not be read (${read.code})`);
    const ledger = read.kind === 'ok' ? read.ledger : this.#ledgerAfterCorruption(read.mtimeMs);
    return this.#decide(ledger, key);
  }

  /**
   * Decides and, when allowed, records an in-flight attempt, atomically under the ledger lock.
   * Call it right before the login; the login may only be attempted when it returns `allowed: true`.
   */
  async reserve(key: LoginKey): Promise<BudgetDecision> {
    if (this.#reserved.has(runKey(key))) return this.#runLimit(key);
    const outcome = await this.#withLock((ledger) => {
      // Two reserve() calls of this run for the same key may have waited for the lock together.
      if (this.#reserved.has(runKey(key))) return { ledger: null, value: this.#runLimit(key) };
      const decision = this.#decide(ledger, key);
      if (!decision.allowed) return { ledger: null, value: decision };
      const id = randomBytes(8).toString('hex');
      const entry: LedgerEntry = {
        id,
        host: normaliseHost(key.host),
        port: key.port,
        protocol: key.protocol,
        at: new Date(this.#now()).toISOString(),
        state: 'in-flight',
      };
      this.#reserved.set(runKey(key), id);
      return { ledger: { ...ledger, entries: [...ledger.entries, entry] }, value: decision };
    });
    return outcome ?? this.#unavailable('the login ledger is locked by another run or cannot be written');
  }

  /**
   * Settles this run's reservation for `key`. A failure is timestamped now (the server counted it at
   * the end of the attempt, not at its start). 'not-sent' removes the reservation from the ledger, but
   * the run still does not attempt that protocol again. Never throws: if the ledger cannot be written,
   * the in-flight entry stays and keeps counting as a failure (the conservative side).
   */
  async record(key: LoginKey, result: AttemptResult): Promise<void> {
    const id = this.#reserved.get(runKey(key));
    await this.#withLock((ledger) => {
      const now = new Date(this.#now()).toISOString();
      const existing = id === undefined ? undefined : ledger.entries.find((entry) => entry.id === id);
      let entries: LedgerEntry[];
      if (result === 'not-sent') {
        entries = ledger.entries.filter((entry) => entry.id !== id);
      } else if (existing !== undefined) {
        entries = ledger.entries.map((entry) =>
          entry.id === id ? { ...entry, state: result, at: result === 'failure' ? now : entry.at } : entry,
        );
      } else {
        // Recorded without a reservation (or the entry was pruned): still count it.
        entries = [
          ...ledger.entries,
          { id: randomBytes(8).toString('hex'), host: normaliseHost(key.host), port: key.port, protocol: key.protocol, at: now, state: result },
        ];
      }
      return { ledger: { ...ledger, entries }, value: undefined };
    });
  }

  // ---------------------------------------------------------------- decisions

  #runLimit(key: LoginKey): BudgetDecision {
    return {
      allowed: false,
      reason: 'run-limit',
      detail: `this run already attempted one ${key.protocol.toUpperCase()} login to ${normaliseHost(key.host)}`,
    };
  }

  #unavailable(detail: string): BudgetDecision {
    return { allowed: false, reason: 'ledger-unavailable', detail };
  }

  #decide(ledger: Ledger, key: LoginKey): BudgetDecision {
    const now = this.#now();
    const host = normaliseHost(key.host);
    const unknownUntil = ledger.unknownHistoryUntil === undefined ? Number.NaN : Date.parse(ledger.unknownHistoryUntil);
    if (unknownUntil > now) {
      return {
        allowed: false,
        reason: 'hourly-limit',
        safeAfter: new Date(unknownUntil).toISOString(),
        detail: 'the login ledger was damaged, so recent failed logins are unknown; waiting out the hour to be safe',
      };
    }
    const counted = ledger.entries
      .filter((entry) => entry.host === host && entry.state !== 'success')
      .map((entry) => Date.parse(entry.at))
      .filter((at) => Number.isFinite(at) && at > now - this.#windowMs)
      .sort((a, b) => a - b);
    if (counted.length < this.#maxFailures) return { allowed: true };
    // Safe again once enough of them have left the window to go below the limit.
    const releasingAt = counted[counted.length - this.#maxFailures] ?? now;
    return {
      allowed: false,
      reason: 'hourly-limit',
      safeAfter: new Date(releasingAt + this.#windowMs).toISOString(),
      detail: `${counted.length} failed or unfinished logins to ${host} in the past ${Math.round(this.#windowMs / 60_000)} minutes`,
    };
  }

  #prune(ledger: Ledger): Ledger {
    const now = this.#now();
    const entries = ledger.entries.filter((entry) => {
      const at = Date.parse(entry.at);
      // An unparsable time cannot be aged out safely... but it also cannot be counted: schema-valid
      // strings only come from us, so drop it rather than keep it forever.
      return Number.isFinite(at) && at > now - this.#windowMs;
    });
    const unknownUntil = ledger.unknownHistoryUntil === undefined ? Number.NaN : Date.parse(ledger.unknownHistoryUntil);
    return {
      version: 1,
      ...(unknownUntil > now && ledger.unknownHistoryUntil !== undefined ? { unknownHistoryUntil: ledger.unknownHistoryUntil } : {}),
      entries,
    };
  }

  /** A corrupt ledger: history unknown until one window after it was last written. */
  #ledgerAfterCorruption(mtimeMs: number): Ledger {
    const until = mtimeMs + this.#windowMs;
    return until > this.#now() ? { version: 1, unknownHistoryUntil: new Date(until).toISOString(), entries: [] } : { version: 1, entries: [] };
  }

  // ---------------------------------------------------------------- file access

  async #read(): Promise<LedgerRead> {
    let text: string;
    try {
      text = await fs.readFile(this.#ledgerPath, 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return { kind: 'ok', ledger: { version: 1, entries: [] } };
      return { kind: 'unreadable', code: errnoCode(error) ?? 'EUNKNOWN' };
    }
    try {
      const parsed = ledgerSchema.safeParse(JSON.parse(text));
      if (parsed.success) return { kind: 'ok', ledger: parsed.data };
    } catch {
      // not JSON: handled as corrupt below
    }
    try {
      const stat = await fs.stat(this.#ledgerPath);
      return { kind: 'corrupt', mtimeMs: stat.mtimeMs };
    } catch {
      return { kind: 'corrupt', mtimeMs: this.#now() };
    }
  }

  /**
   * Runs a read-modify-write under the lock. `change` returns the new ledger (null: nothing to write)
   * and a value. Returns undefined when the lock or the file could not be had (the caller refuses).
   */
  async #withLock<T>(change: (ledger: Ledger) => { ledger: Ledger | null; value: T }): Promise<T | undefined> {
    const release = await this.#acquireLock();
    if (release === null) return undefined;
    try {
      const read = await this.#read();
      if (read.kind === 'unreadable') return undefined;
      let ledger: Ledger;
      let mustWrite = false;
      if (read.kind === 'corrupt') {
        ledger = this.#ledgerAfterCorruption(read.mtimeMs);
        // Keep the damaged file for inspection; the fresh ledger carries its "unknown until" time.
        await fs.rename(this.#ledgerPath, path.join(this.#stateDir, `login-ledger.corrupt-${Date.now()}.json`)).catch(() => undefined);
        mustWrite = true;
      } else {
        ledger = read.ledger;
      }
      const result = change(this.#prune(ledger));
      if (result.ledger !== null) await this.#writeAtomically(this.#prune(result.ledger));
      else if (mustWrite) await this.#writeAtomically(this.#prune(ledger));
      return result.value;
    } catch {
      return undefined;
    } finally {
      await release();
    }
  }

  async #writeAtomically(ledger: Ledger): Promise<void> {
    const temp = `${this.#ledgerPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await fs.open(temp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(ledger, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(temp, this.#ledgerPath);
    } catch (error) {
      await fs.unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  /** O_EXCL lock file holding {pid, nonce, at}. Returns a release function, or null after lockWaitMs. */
  async #acquireLock(): Promise<(() => Promise<void>) | null> {
    const nonce = randomBytes(8).toString('hex');
    const content = JSON.stringify({ pid: process.pid, nonce, at: Date.now() });
    const giveUpAt = Date.now() + this.#lockWaitMs;
    for (;;) {
      try {
        const handle = await fs.open(this.#lockPath, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, 0o600);
        try {
          await handle.writeFile(content, 'utf8');
        } finally {
          await handle.close();
        }
        return async () => {
          // Only remove the lock if it is still ours (a stale-lock breaker may have replaced it).
          const current = await fs.readFile(this.#lockPath, 'utf8').catch(() => '');
          if (current === content) await fs.unlink(this.#lockPath).catch(() => undefined);
        };
      } catch (error) {
        if (errnoCode(error) !== 'EEXIST') return null;
      }
      await this.#breakLockIfStale();
      if (Date.now() >= giveUpAt) return null;
      await sleep(5 + Math.floor(Math.random() * 20));
    }
  }

  async #breakLockIfStale(): Promise<void> {
    let observed: string;
    let mtimeMs: number;
    try {
      observed = await fs.readFile(this.#lockPath, 'utf8');
      mtimeMs = (await fs.stat(this.#lockPath)).mtimeMs;
    } catch {
      return; // gone already: the next attempt will create it
    }
    const parsed = (() => {
      try {
        return lockSchema.safeParse(JSON.parse(observed));
      } catch {
        return null;
      }
    })();
    const age = Date.now() - (parsed?.success === true ? parsed.data.at : mtimeMs);
    // An empty or half-written lock is young while its writer is still writing: only age breaks it.
    const stale = parsed?.success === true ? !processIsAlive(parsed.data.pid) || age > this.#staleLockMs : age > this.#staleLockMs;
    if (!stale) return;
    // Move it aside atomically, then make sure what we moved is the stale lock we judged; if another
    // process replaced it meanwhile, put theirs back (link fails if yet another lock exists).
    const aside = `${this.#lockPath}.stale-${randomBytes(4).toString('hex')}`;
    try {
      await fs.rename(this.#lockPath, aside);
    } catch {
      return;
    }
    const moved = await fs.readFile(aside, 'utf8').catch(() => observed);
    if (moved !== observed) await fs.link(aside, this.#lockPath).catch(() => undefined);
    await fs.unlink(aside).catch(() => undefined);
  }
}
