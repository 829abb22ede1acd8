/**
 * The login budget (anti-lockout), persisted across runs.
 *
 * Why: brute-force guards count failed logins per client IP on the server's side, across protocols and
 * whatever name the client used (CSF LF_SMTPAUTH 5/h with a PERMANENT block, cPHulk 5 per 15 min,
 * fail2ban 5 per 10 min, Dovecot's auth penalty per /48; see shared/research/mail-tools-servers-and-bans.md
 * §2.1, §5). We cannot see the failures Mail itself (its auto-manage retries) or other devices behind the
 * same NAT already caused, so Mail Doctor keeps its own share small, across all runs and all accounts:
 * - at most 2 failed authentications per rolling hour per server ADDRESS (an IPv4 address; an IPv6
 *   address's /64, the prefix one customer's server lives in): every name and protocol that reaches the
 *   address shares those 2, so `mail.example.com`, `example.com` and the bare IP of one cPanel server, its
 *   incoming and its outgoing side, get 2 together, not 2 each;
 * - and, counted separately, at most 2 per rolling hour per server NAME (a name whose address changed
 *   between runs still carries its failures);
 * - at most one attempt per protocol per server per run, the server being its name or its address;
 * - no address, no login: the caller passes the address the login will connect to; a name that did not
 *   resolve is never logged in to (reason 'unresolved').
 *
 * One `LoginBudget` instance = one run. The ledger is a JSON file in the state folder:
 * - every read-modify-write happens under a lock file created with O_EXCL (stale locks of dead
 *   processes are broken safely), and the file is replaced atomically (write temp + fsync + rename),
 *   so two overlapping runs (app + CLI) never both spend the last allowance;
 * - `reserve()` records an in-flight attempt BEFORE the login, so an overlapping run counts it; an
 *   in-flight entry that is never settled (crash) counts as a failure until it ages out;
 * - times are read on the safe side. An entry dated in the future (the clock was moved back) counts as
 *   made now, and is rewritten so at the next write: it ages out one window later instead of blocking
 *   logins until the clock catches up (days). An entry whose time cannot be parsed is damaged: it counts
 *   as a failure, whatever its state says, made when the file was last written (its mtime: no entry in it
 *   can be younger), and is rewritten with that time so it ages out too;
 * - a corrupt ledger (not JSON, not the expected shape) is never read as "no failures": its history is
 *   unknown, so every server is refused until one window after the corrupt file was last written. The
 *   corrupt file is kept next to the ledger for inspection;
 * - a ledger that cannot be used at all (a read-only or unwritable state folder, a folder or a link where
 *   the ledger or its lock should be, a lock another run holds and never releases, a full disk or any other
 *   I/O error) refuses every login with reason 'ledger-unavailable' and a `LedgerFault` naming the path and
 *   the problem. That is not "you tried too often": waiting does not end it, fixing the path does.
 * Entries older than the window are pruned on every write. Nothing secret is stored: server names and
 * addresses, ports, protocols, times and states; no user names.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
// zod/mini (bundled, a few kilobytes): every run that logs in reads the ledger, and the full zod costs that
// run's start-up tens of milliseconds (docs/benchmarks.md, "Cold start"); these schemas need no messages.
import * as z from 'zod/mini';
import type { MailProtocol } from '../../shared/model/account';
import type { LedgerFault, LedgerProblem, LoginOutcome } from '../../shared/probes/outcomes';
import { errnoCode } from '../errors';

export const LEDGER_FILE_NAME = 'login-ledger.json';
export const LOCK_FILE_NAME = 'login-ledger.lock';
const HOUR_MS = 60 * 60 * 1000;

export interface LoginKey {
  /** The server name as configured (case, a trailing dot and IPv6 brackets do not matter). */
  readonly host: string;
  /**
   * The IP address the login will connect to (the one the runner resolved and passes to the probe).
   * Failures are counted per address because bans are; undefined (the name did not resolve) is refused.
   */
  readonly address: string | undefined;
  readonly port: number;
  readonly protocol: MailProtocol;
}

export type BudgetRefusalReason =
  /** This run already attempted a login with this protocol on this server (its name or its address). */
  | 'run-limit'
  /** The server (its address or its name) has seen the maximum number of failures from us in the window. */
  | 'hourly-limit'
  /** No IP address for the server: without one the failures cannot be counted where bans count them. */
  | 'unresolved'
  /** The ledger could not be read, written or locked: without it, no login is safe to attempt. */
  | 'ledger-unavailable';

export interface BudgetRefusal {
  readonly allowed: false;
  readonly reason: BudgetRefusalReason;
  /** ISO time from which a login to this server is within the budget again (hourly-limit). */
  readonly safeAfter?: string;
  /** Plain words for logs and tests, e.g. "2 failed or unfinished logins to 192.0.2.7 in the past 60 minutes". */
  readonly detail: string;
  /** With 'ledger-unavailable': which file could not be used, and why. */
  readonly ledger?: LedgerFault;
}

export type BudgetDecision = { readonly allowed: true } | BudgetRefusal;

/** A refusal as a caller needs it to word the skipped login; a test double of the budget may give only `safeAfter`. */
export type BudgetRefusalSummary = Pick<BudgetRefusal, 'allowed'> & Partial<Omit<BudgetRefusal, 'allowed'>>;

/** How an attempt ended, for the ledger. 'not-sent': no credential left this machine. */
export type AttemptResult = 'success' | 'failure' | 'not-sent';

export interface LoginBudgetOptions {
  /** Milliseconds since the epoch; tests pass a fake clock. Lock timing always uses the real clock. */
  readonly clock?: () => number;
  /** Failures per server address (and per server name) per window after which logins are refused. Default 2. */
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
  /** The address the login connected to (absent in ledgers written before failures were counted per address). */
  address: z.optional(z.string()),
  port: z.int(),
  protocol: z.enum(['imap', 'pop3', 'smtp']),
  at: z.string(),
  state: z.enum(['in-flight', 'success', 'failure']),
});
type LedgerEntry = z.infer<typeof entrySchema>;

const ledgerSchema = z.object({
  version: z.literal(1),
  /** Until this ISO time every server is refused: the history before it was lost (corrupt ledger). */
  unknownHistoryUntil: z.optional(z.string()),
  entries: z.array(entrySchema),
});
type Ledger = z.infer<typeof ledgerSchema>;

const lockSchema = z.object({ pid: z.int(), nonce: z.string(), at: z.number() });

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

/** The skipped login a refusal stands for. A refusal without a reason reads as the hourly limit. */
export function loginSkippedByBudget(refusal: BudgetRefusalSummary): LoginOutcome {
  if (refusal.reason === 'ledger-unavailable' || refusal.ledger !== undefined) {
    return { kind: 'skipped', reason: 'ledger-unavailable', ...(refusal.ledger === undefined ? {} : { ledger: refusal.ledger }) };
  }
  // The runner never asks without an address; should it, the name is as good as unresolved: no connection.
  if (refusal.reason === 'unresolved') return { kind: 'skipped', reason: 'connection-failed' };
  return { kind: 'skipped', reason: 'login-budget', ...(refusal.safeAfter === undefined ? {} : { safeAfter: refusal.safeAfter }) };
}

/**
 * The block a server-side ban applies to: an IPv4 address itself, an IPv6 address's /64 (as
 * "2001:db8:0:1::/64"). IPv4-mapped IPv6 addresses and the NAT64 well-known prefix 64:ff9b::/96 carry an
 * IPv4 server, so they count as that IPv4 address. Undefined for anything that is not an IP address.
 */
export function banBlockOf(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  const bare = address.trim().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const family = net.isIP(bare);
  if (family === 4) return bare;
  if (family !== 6) return undefined;
  const groups = ipv6Groups(bare);
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  const mapped = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff;
  const nat64 = g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0;
  if (mapped || nat64) return [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff].join('.');
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (net.isIP said 6), a dotted IPv4 tail included. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted !== null) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const [head = '', tail] = text.split('::');
  if (tail === undefined) return parse(head);
  const left = parse(head);
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function normaliseHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
}

function normaliseAddress(address: string | undefined): string | undefined {
  const bare = address?.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === undefined || bare === '' ? undefined : bare;
}

/** The keys under which this run remembers an attempt: the name, and the address block when known. */
function runKeys(key: LoginKey): { readonly name: string; readonly block?: string } {
  const block = banBlockOf(key.address);
  return { name: `${key.protocol}|name|${normaliseHost(key.host)}`, ...(block === undefined ? {} : { block: `${key.protocol}|block|${block}` }) };
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

/** A ledger fault travelling up through the file code (caught at the edge, never escapes the class). */
class LedgerFaultError extends Error {
  constructor(readonly fault: LedgerFault) {
    super(`${fault.problem}: ${fault.path}${fault.errorCode === undefined ? '' : ` (${fault.errorCode})`}`);
  }
}

const PROBLEM_BY_CODE: Readonly<Record<string, LedgerProblem>> = {
  // Read-only volume, permissions (root is refused only by a read-only mount or an immutable file).
  EROFS: 'not-writable',
  EACCES: 'not-writable',
  EPERM: 'not-writable',
  // A folder, a link (never followed: O_NOFOLLOW answers ELOOP) or a file where a folder should be.
  EISDIR: 'not-a-file',
  ENOTDIR: 'not-a-file',
  ELOOP: 'not-a-file',
  EEXIST: 'not-a-file',
};

function problemFor(code: string | undefined): LedgerProblem {
  return (code === undefined ? undefined : PROBLEM_BY_CODE[code]) ?? 'io-error';
}

/** The fault for a failed file operation on `faultPath` (the file, or the folder it is created in). */
function faultOf(faultPath: string, error: unknown): LedgerFault {
  if (error instanceof LedgerFaultError) return error.fault;
  const code = errnoCode(error);
  return { path: faultPath, problem: problemFor(code), ...(code === undefined ? {} : { errorCode: code }) };
}

/**
 * Reads a file that must be a regular file: a link is refused (O_NOFOLLOW: ELOOP), a FIFO cannot block the
 * run (O_NONBLOCK), a folder is named as one (EISDIR). Resolves to null when nothing is there.
 */
async function readRegularFile(file: string): Promise<{ readonly text: string; readonly mtimeMs: number } | null> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw new LedgerFaultError(faultOf(file, error));
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new LedgerFaultError({ path: file, problem: 'not-a-file', errorCode: 'EISDIR' });
    if (!stat.isFile()) throw new LedgerFaultError({ path: file, problem: 'not-a-file' });
    return { text: await handle.readFile('utf8'), mtimeMs: stat.mtimeMs };
  } catch (error) {
    throw new LedgerFaultError(faultOf(file, error));
  } finally {
    await handle.close();
  }
}

type LedgerRead =
  | { readonly kind: 'ok'; readonly ledger: Ledger; readonly mtimeMs: number }
  | { readonly kind: 'corrupt'; readonly mtimeMs: number };

type Locked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly fault: LedgerFault };

export class LoginBudget {
  readonly #stateDir: string;
  readonly #ledgerPath: string;
  readonly #lockPath: string;
  readonly #now: () => number;
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #lockWaitMs: number;
  readonly #staleLockMs: number;
  /** Why the state folder itself could not be had when the budget was opened (every login is refused). */
  readonly #openFault: LedgerFault | undefined;
  /** Run keys (name and address block per protocol) this run has reserved, and the ledger entry id of each. */
  readonly #reserved = new Map<string, string>();

  private constructor(stateDir: string, options: LoginBudgetOptions, openFault: LedgerFault | undefined) {
    this.#stateDir = stateDir;
    this.#ledgerPath = path.join(stateDir, LEDGER_FILE_NAME);
    this.#lockPath = path.join(stateDir, LOCK_FILE_NAME);
    this.#now = options.clock ?? Date.now;
    this.#maxFailures = options.maxFailures ?? 2;
    this.#windowMs = options.windowMs ?? HOUR_MS;
    this.#lockWaitMs = options.lockWaitMs ?? 5000;
    this.#staleLockMs = options.staleLockMs ?? 30_000;
    this.#openFault = openFault;
  }

  /**
   * Opens the ledger of `stateDir` (created if missing) for one run. Never throws: a state folder that
   * cannot be created is remembered, and every login of the run is refused with it as the ledger fault.
   */
  static async open(stateDir: string, options: LoginBudgetOptions = {}): Promise<LoginBudget> {
    let openFault: LedgerFault | undefined;
    try {
      await fs.mkdir(stateDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      openFault = faultOf(stateDir, error);
    }
    return new LoginBudget(stateDir, options, openFault);
  }

  /** Would a login to this server be allowed now? Read-only; `reserve()` decides for real. */
  async check(key: LoginKey): Promise<BudgetDecision> {
    const early = this.#refusedBeforeLedger(key);
    if (early !== undefined) return early;
    let read: LedgerRead;
    try {
      read = await this.#read();
    } catch (error) {
      return this.#unavailable(faultOf(this.#ledgerPath, error));
    }
    const ledger = read.kind === 'ok' ? this.#normalise(read.ledger, read.mtimeMs).ledger : this.#ledgerAfterCorruption(read.mtimeMs);
    return this.#decide(ledger, key);
  }

  /**
   * Decides and, when allowed, records an in-flight attempt, atomically under the ledger lock.
   * Call it right before the login; the login may only be attempted when it returns `allowed: true`.
   */
  async reserve(key: LoginKey): Promise<BudgetDecision> {
    const early = this.#refusedBeforeLedger(key);
    if (early !== undefined) return early;
    const outcome = await this.#withLock<BudgetDecision>((ledger) => {
      // Two reserve() calls of this run for the same server may have waited for the lock together.
      const again = this.#refusedBeforeLedger(key);
      if (again !== undefined) return { ledger: null, value: again };
      const decision = this.#decide(ledger, key);
      if (!decision.allowed) return { ledger: null, value: decision };
      const id = randomBytes(8).toString('hex');
      const address = normaliseAddress(key.address);
      const entry: LedgerEntry = {
        id,
        host: normaliseHost(key.host),
        ...(address === undefined ? {} : { address }),
        port: key.port,
        protocol: key.protocol,
        at: new Date(this.#now()).toISOString(),
        state: 'in-flight',
      };
      const keys = runKeys(key);
      this.#reserved.set(keys.name, id);
      if (keys.block !== undefined) this.#reserved.set(keys.block, id);
      return { ledger: { ...ledger, entries: [...ledger.entries, entry] }, value: decision };
    });
    return outcome.ok ? outcome.value : this.#unavailable(outcome.fault);
  }

  /**
   * Settles this run's reservation for `key`. A failure is timestamped now (the server counted it at
   * the end of the attempt, not at its start). 'not-sent' removes the reservation from the ledger, but
   * the run still does not attempt that protocol on that server again. Never throws: if the ledger cannot
   * be written, the in-flight entry stays and keeps counting as a failure (the conservative side).
   */
  async record(key: LoginKey, result: AttemptResult): Promise<void> {
    const id = this.#reserved.get(runKeys(key).name);
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
        const address = normaliseAddress(key.address);
        entries = [
          ...ledger.entries,
          {
            id: randomBytes(8).toString('hex'),
            host: normaliseHost(key.host),
            ...(address === undefined ? {} : { address }),
            port: key.port,
            protocol: key.protocol,
            at: now,
            state: result,
          },
        ];
      }
      return { ledger: { ...ledger, entries }, value: undefined };
    });
  }

  // ---------------------------------------------------------------- decisions

  /** Refusals that need no ledger: the state folder is unusable, the address is unknown, the run already tried. */
  #refusedBeforeLedger(key: LoginKey): BudgetRefusal | undefined {
    if (this.#openFault !== undefined) return this.#unavailable(this.#openFault);
    if (banBlockOf(key.address) === undefined) {
      return {
        allowed: false,
        reason: 'unresolved',
        detail: `no IP address is known for ${normaliseHost(key.host)}, so failed logins to it cannot be counted where servers count them`,
      };
    }
    const keys = runKeys(key);
    if (this.#reserved.has(keys.name) || (keys.block !== undefined && this.#reserved.has(keys.block))) {
      return {
        allowed: false,
        reason: 'run-limit',
        detail: `this run already attempted one ${key.protocol.toUpperCase()} login to ${normaliseHost(key.host)} (${banBlockOf(key.address) ?? '?'})`,
      };
    }
    return undefined;
  }

  #unavailable(fault: LedgerFault): BudgetRefusal {
    const words: Record<LedgerProblem, string> = {
      'not-writable': 'cannot be written',
      'not-a-file': 'is not a regular file',
      'lock-unavailable': 'is locked by another run',
      'io-error': 'could not be used',
    };
    return {
      allowed: false,
      reason: 'ledger-unavailable',
      ledger: fault,
      detail: `the login ledger ${fault.path} ${words[fault.problem]}${fault.errorCode === undefined ? '' : ` (${fault.errorCode})`}`,
    };
  }

  #decide(ledger: Ledger, key: LoginKey): BudgetDecision {
    const now = this.#now();
    const host = normaliseHost(key.host);
    const block = banBlockOf(key.address);
    const unknownUntil = ledger.unknownHistoryUntil === undefined ? Number.NaN : Date.parse(ledger.unknownHistoryUntil);
    if (unknownUntil > now) {
      return {
        allowed: false,
        reason: 'hourly-limit',
        safeAfter: new Date(unknownUntil).toISOString(),
        detail: 'the login ledger was damaged, so recent failed logins are unknown; waiting out the hour to be safe',
      };
    }
    const counted = ledger.entries.filter((entry) => entry.state !== 'success' && Date.parse(entry.at) > now - this.#windowMs);
    const byAddress = counted.filter((entry) => block !== undefined && banBlockOf(entry.address) === block);
    const byName = counted.filter((entry) => entry.host === host);
    const over = [
      { entries: byAddress, label: block ?? '' },
      { entries: byName, label: host },
    ].filter((count) => count.entries.length >= this.#maxFailures);
    if (over.length === 0) return { allowed: true };
    // Safe again once enough of them have left the window to go below the limit, for every count that is over.
    const releasingAt = Math.max(
      ...over.map((count) => {
        const times = count.entries.map((entry) => Date.parse(entry.at)).sort((a, b) => a - b);
        return times[times.length - this.#maxFailures] ?? now;
      }),
    );
    const worst = over.reduce((a, b) => (b.entries.length > a.entries.length ? b : a));
    const names = [...new Set(worst.entries.map((entry) => entry.host))].join(', ');
    return {
      allowed: false,
      reason: 'hourly-limit',
      safeAfter: new Date(releasingAt + this.#windowMs).toISOString(),
      detail: `${worst.entries.length} failed or unfinished logins to ${worst.label} (${names}) in the past ${Math.round(this.#windowMs / 60_000)} minutes`,
    };
  }

  /**
   * Reads times on the safe side (see the header): future times become now; an unparsable time makes the
   * entry a failure made at the file's mtime; an "unknown until" more than a window ahead is brought back.
   * `changed`: something was rewritten and must be saved, so it ages out from now on.
   */
  #normalise(ledger: Ledger, fileMtimeMs: number): { ledger: Ledger; changed: boolean } {
    const now = this.#now();
    const fileTime = new Date(Math.min(fileMtimeMs, now)).toISOString();
    const nowText = new Date(now).toISOString();
    let changed = false;
    const entries = ledger.entries.map((entry): LedgerEntry => {
      const at = Date.parse(entry.at);
      if (!Number.isFinite(at)) {
        changed = true;
        return { ...entry, at: fileTime, state: 'failure' };
      }
      if (at > now) {
        changed = true;
        return { ...entry, at: nowText };
      }
      return entry;
    });
    let unknownHistoryUntil = ledger.unknownHistoryUntil;
    if (unknownHistoryUntil !== undefined) {
      const until = Date.parse(unknownHistoryUntil);
      const latest = Math.min(fileMtimeMs, now) + this.#windowMs;
      if (!Number.isFinite(until) || until > now + this.#windowMs) {
        unknownHistoryUntil = new Date(Number.isFinite(until) ? now + this.#windowMs : latest).toISOString();
        changed = true;
      }
    }
    return {
      ledger: { version: 1, ...(unknownHistoryUntil === undefined ? {} : { unknownHistoryUntil }), entries },
      changed,
    };
  }

  #prune(ledger: Ledger): Ledger {
    const now = this.#now();
    // Entries are normalised before this: every time parses.
    const entries = ledger.entries.filter((entry) => Date.parse(entry.at) > now - this.#windowMs);
    const unknownUntil = ledger.unknownHistoryUntil === undefined ? Number.NaN : Date.parse(ledger.unknownHistoryUntil);
    return {
      version: 1,
      ...(unknownUntil > now && ledger.unknownHistoryUntil !== undefined ? { unknownHistoryUntil: ledger.unknownHistoryUntil } : {}),
      entries,
    };
  }

  /** A corrupt ledger: history unknown until one window after it was last written (never later than now). */
  #ledgerAfterCorruption(mtimeMs: number): Ledger {
    const until = Math.min(mtimeMs, this.#now()) + this.#windowMs;
    return until > this.#now() ? { version: 1, unknownHistoryUntil: new Date(until).toISOString(), entries: [] } : { version: 1, entries: [] };
  }

  // ---------------------------------------------------------------- file access

  /** The ledger as stored. Throws LedgerFaultError when it cannot be read at all. */
  async #read(): Promise<LedgerRead> {
    const file = await readRegularFile(this.#ledgerPath);
    if (file === null) return { kind: 'ok', ledger: { version: 1, entries: [] }, mtimeMs: this.#now() };
    try {
      const parsed = ledgerSchema.safeParse(JSON.parse(file.text));
      if (parsed.success) return { kind: 'ok', ledger: parsed.data, mtimeMs: file.mtimeMs };
    } catch {
      // not JSON: handled as corrupt below
    }
    return { kind: 'corrupt', mtimeMs: file.mtimeMs };
  }

  /**
   * Runs a read-modify-write under the lock. `change` returns the new ledger (null: nothing to write)
   * and a value. Resolves to the fault when the lock or the file could not be had (the caller refuses).
   */
  async #withLock<T>(change: (ledger: Ledger) => { ledger: Ledger | null; value: T }): Promise<Locked<T>> {
    if (this.#openFault !== undefined) return { ok: false, fault: this.#openFault };
    const lock = await this.#acquireLock();
    if (!lock.ok) return lock;
    try {
      const read = await this.#read();
      let ledger: Ledger;
      let mustWrite = false;
      if (read.kind === 'corrupt') {
        ledger = this.#ledgerAfterCorruption(read.mtimeMs);
        // Keep the damaged file for inspection; the fresh ledger carries its "unknown until" time.
        await fs.rename(this.#ledgerPath, path.join(this.#stateDir, `login-ledger.corrupt-${Date.now()}.json`)).catch(() => undefined);
        mustWrite = true;
      } else {
        const normalised = this.#normalise(read.ledger, read.mtimeMs);
        ledger = normalised.ledger;
        mustWrite = normalised.changed;
      }
      const result = change(this.#prune(ledger));
      if (result.ledger !== null) await this.#writeAtomically(this.#prune(result.ledger));
      else if (mustWrite) await this.#writeAtomically(this.#prune(ledger));
      return { ok: true, value: result.value };
    } catch (error) {
      return { ok: false, fault: faultOf(this.#ledgerPath, error) };
    } finally {
      await lock.value();
    }
  }

  async #writeAtomically(ledger: Ledger): Promise<void> {
    const temp = `${this.#ledgerPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(temp, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY | fsConstants.O_NOFOLLOW, 0o600);
    } catch (error) {
      throw new LedgerFaultError(faultOf(this.#stateDir, error));
    }
    try {
      await handle.writeFile(`${JSON.stringify(ledger, null, 2)}\n`, 'utf8');
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fs.unlink(temp).catch(() => undefined);
      throw new LedgerFaultError(faultOf(this.#stateDir, error));
    }
    await handle.close();
    try {
      await fs.rename(temp, this.#ledgerPath);
    } catch (error) {
      await fs.unlink(temp).catch(() => undefined);
      // Renaming onto a folder fails with EISDIR: the ledger path is at fault, not the state folder.
      throw new LedgerFaultError(faultOf(errnoCode(error) === 'EISDIR' ? this.#ledgerPath : this.#stateDir, error));
    }
  }

  /**
   * O_EXCL lock file holding {pid, nonce, at}. Resolves to a release function, or to the fault: the lock
   * cannot be created (read-only or unwritable folder, disk full), something other than a lock file sits
   * at its path (a folder, a link: never followed, never removed), or another live run kept it past lockWaitMs.
   */
  async #acquireLock(): Promise<Locked<() => Promise<void>>> {
    const nonce = randomBytes(8).toString('hex');
    const content = JSON.stringify({ pid: process.pid, nonce, at: Date.now() });
    const giveUpAt = Date.now() + this.#lockWaitMs;
    for (;;) {
      let handle: fs.FileHandle | undefined;
      try {
        handle = await fs.open(this.#lockPath, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY | fsConstants.O_NOFOLLOW, 0o600);
      } catch (error) {
        if (errnoCode(error) !== 'EEXIST') return { ok: false, fault: faultOf(this.#stateDir, error) };
      }
      if (handle !== undefined) {
        try {
          await handle.writeFile(content, 'utf8');
        } catch (error) {
          await handle.close().catch(() => undefined);
          await fs.unlink(this.#lockPath).catch(() => undefined);
          return { ok: false, fault: faultOf(this.#stateDir, error) };
        }
        await handle.close();
        return {
          ok: true,
          value: async () => {
            // Only remove the lock if it is still ours (a stale-lock breaker may have replaced it).
            const current = await readRegularFile(this.#lockPath).catch(() => null);
            if (current?.text === content) await fs.unlink(this.#lockPath).catch(() => undefined);
          },
        };
      }
      try {
        await this.#breakLockIfStale();
      } catch (error) {
        return { ok: false, fault: faultOf(this.#lockPath, error) };
      }
      if (Date.now() >= giveUpAt) return { ok: false, fault: { path: this.#lockPath, problem: 'lock-unavailable' } };
      await sleep(5 + Math.floor(Math.random() * 20));
    }
  }

  /** Throws LedgerFaultError when the lock path holds something that is not a lock file. */
  async #breakLockIfStale(): Promise<void> {
    const lock = await readRegularFile(this.#lockPath);
    if (lock === null) return; // gone already: the next attempt will create it
    const observed = lock.text;
    const parsed = (() => {
      try {
        return lockSchema.safeParse(JSON.parse(observed));
      } catch {
        return null;
      }
    })();
    const age = Date.now() - (parsed?.success === true ? parsed.data.at : lock.mtimeMs);
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
    const moved = await readRegularFile(aside).then((file) => file?.text ?? observed, () => observed);
    if (moved !== observed) await fs.link(aside, this.#lockPath).catch(() => undefined);
    await fs.unlink(aside).catch(() => undefined);
  }
}
