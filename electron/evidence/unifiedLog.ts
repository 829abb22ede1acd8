/**
 * The unified log (research mail-own-evidence.md §2): `log show --style ndjson` for accountsd and
 * Mail, classified by each entry's static `formatString` because the dynamic values print as
 * <private>. Only administrators can read the log store, so a standard user gets
 * `needs-administrator`, not an error. Output is streamed and bounded; the run has a deadline.
 */
import type * as ChildProcessModule from 'node:child_process';
import { basename } from 'node:path';
import type { EvidenceSourceOutcome, UnifiedLogEvidence } from '../../shared/model/evidence';

export type UnifiedLogEventKind = UnifiedLogEvidence['events'][number]['kind'];
type UnifiedLogEvent = UnifiedLogEvidence['events'][number];

export const DEFAULT_LOG_TOOL = '/usr/bin/log';
/** Cuts the store's output down to the messages that are classified below (their static text survives redaction). */
export const UNIFIED_LOG_PREDICATE = [
  '(process == "accountsd" AND (eventMessage CONTAINS[c] "renew" OR eventMessage CONTAINS "Password dialogs suppressed"))',
  '((process == "Mail" OR process == "maild") AND (eventMessage CONTAINS "post-auth capabilities"',
  'OR eventMessage CONTAINS "Server is unavailable" OR eventMessage CONTAINS "XOAUTH2 error" OR eventMessage CONTAINS "Credentials"))',
].join(' OR ');

export const DEFAULT_MAX_OUTPUT_BYTES = 32 * 1024 * 1024;
export const DEFAULT_UNIFIED_LOG_TIMEOUT_MS = 60_000;
const MAX_EVENTS = 500;
const MAX_LINE_BYTES = 256 * 1024;
const MAX_TEMPLATE_CHARS = 200;
const MAX_STDERR_CHARS = 4096;

export interface UnifiedLogOptions {
  /** Defaults to process.platform; only 'darwin' has a unified log. */
  readonly platform?: NodeJS.Platform;
  /** Path of the `log` tool (tests pass a stand-in script). */
  readonly logTool?: string;
  /** Defaults to `id -Gn` containing "admin". */
  readonly isAdministrator?: () => Promise<boolean>;
  /** Absolute time (Date.now() based) by which the read must end. */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
  readonly maxOutputBytes?: number;
  /** `log show --last` value. */
  readonly last?: string;
}

/** Which message a template is. Matching is on the static text only. */
export function classifyFormatString(formatString: string): UnifiedLogEventKind | undefined {
  if (formatString.includes('declined an identical request to renew credentials')) return 'renewal-declined-identical';
  if (/exceeded .* renewals per/.test(formatString) || formatString.startsWith('Limit renewal for account')) return 'renewal-rate-limited';
  if (formatString.includes('Got post-auth capabilities')) return 'login-succeeded';
  if (
    formatString.includes('Password dialogs suppressed') ||
    formatString.includes('renewCredentialsForAccount') ||
    formatString.includes('Server is unavailable') ||
    formatString.includes('XOAUTH2 error') ||
    formatString.includes('Credentials state') ||
    formatString.includes('Credentials were')
  ) {
    return 'other';
  }
  return undefined;
}

/** "2026-03-04 09:12:03.511204+0100" -> ISO. */
export function parseLogShowTimestamp(text: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (match === null) return undefined;
  const ms = (match[3] ?? '0').padEnd(3, '0').slice(0, 3);
  const zone = match[4];
  const offset = zone === undefined ? '' : zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const date = new Date(`${match[1]}T${match[2]}.${ms}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}

/** One NDJSON line -> a classified event, or undefined for anything unneeded or malformed. */
export function parseUnifiedLogLine(line: string): UnifiedLogEvent | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  const formatString = stringField(record, 'formatString');
  const timestamp = stringField(record, 'timestamp');
  if (formatString === undefined || timestamp === undefined) return undefined;
  const kind = classifyFormatString(formatString);
  const at = parseLogShowTimestamp(timestamp);
  if (kind === undefined || at === undefined) return undefined;
  const imagePath = stringField(record, 'processImagePath');
  const process = imagePath !== undefined && imagePath !== '' ? basename(imagePath) : (stringField(record, 'process') ?? 'unknown');
  return { at, kind, process, template: formatString.slice(0, MAX_TEMPLATE_CHARS) };
}

/** `id -Gn` lists the user's groups; macOS administrators are in "admin". */
export async function userIsAdministrator(idTool = '/usr/bin/id'): Promise<boolean> {
  const { execFile } = await childProcess();
  return new Promise((resolve) => {
    execFile(idTool, ['-Gn'], { timeout: 5000, maxBuffer: 64 * 1024 }, (error, stdout) => {
      if (error !== null) {
        resolve(false);
        return;
      }
      resolve(String(stdout).split(/\s+/).includes('admin'));
    });
  });
}

const NOT_ADMIN_STDERR = [/Operation not permitted/i, /Must be admin/i, /not permitted to read/i];

interface RunResult {
  readonly events: UnifiedLogEvent[];
  readonly exitCode: number | null;
  readonly spawnError?: string;
  readonly stderr: string;
  readonly stoppedBecause?: 'deadline' | 'output-budget' | 'aborted';
}

async function runLogShow(tool: string, args: readonly string[], options: UnifiedLogOptions): Promise<RunResult> {
  const { spawn } = await childProcess();
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const deadline = options.deadline ?? Date.now() + DEFAULT_UNIFIED_LOG_TIMEOUT_MS;
  return new Promise((resolve) => {
    const events: UnifiedLogEvent[] = [];
    let stderr = '';
    let received = 0;
    let carry = '';
    let stoppedBecause: RunResult['stoppedBecause'];
    let spawnError: string | undefined;
    let settled = false;
    const decoder = new TextDecoder('utf-8', { fatal: false });

    const child = spawn(tool, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const stop = (reason: NonNullable<RunResult['stoppedBecause']>): void => {
      stoppedBecause ??= reason;
      child.kill('SIGKILL');
      // A grandchild still holding the pipe would keep 'close' from firing: closing our ends makes it stop.
      child.stdout.destroy();
      child.stderr.destroy();
    };
    const timer = setTimeout(() => stop('deadline'), Math.max(0, deadline - Date.now()));
    const onAbort = (): void => stop('aborted');
    if (options.signal?.aborted === true) stop('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const takeLine = (line: string): void => {
      const event = parseUnifiedLogLine(line);
      if (event === undefined) return;
      events.push(event);
      if (events.length > MAX_EVENTS) events.shift();
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (stoppedBecause !== undefined) return;
      received += chunk.byteLength;
      carry += decoder.decode(chunk, { stream: true });
      let newline = carry.indexOf('\n');
      while (newline >= 0) {
        takeLine(carry.slice(0, newline));
        carry = carry.slice(newline + 1);
        newline = carry.indexOf('\n');
      }
      if (carry.length > MAX_LINE_BYTES) carry = ''; // an absurd line: drop it rather than grow
      if (received > maxOutputBytes) stop('output-budget');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR_CHARS) stderr += chunk.toString('utf8').slice(0, MAX_STDERR_CHARS - stderr.length);
    });
    child.on('error', (error) => {
      spawnError = (error as NodeJS.ErrnoException).code ?? error.message;
    });
    child.on('close', (code) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (stoppedBecause === undefined && carry !== '') takeLine(carry);
      resolve({ events, exitCode: code, stderr, ...(spawnError !== undefined ? { spawnError } : {}), ...(stoppedBecause !== undefined ? { stoppedBecause } : {}) });
    });
  });
}

/** The last 24 h of accountsd/Mail messages that matter, or why they could not be read. Never throws. */
export async function readUnifiedLog(options: UnifiedLogOptions = {}): Promise<UnifiedLogEvidence> {
  const platform = options.platform ?? process.platform;
  if (platform !== 'darwin') return { outcome: { kind: 'not-applicable', reason: 'the unified log exists only on macOS' }, events: [] };
  const isAdministrator = options.isAdministrator ?? ((): Promise<boolean> => userIsAdministrator());
  let admin: boolean;
  try {
    admin = await isAdministrator();
  } catch {
    admin = false;
  }
  if (!admin) return { outcome: { kind: 'needs-administrator' }, events: [] };

  const tool = options.logTool ?? DEFAULT_LOG_TOOL;
  const args = ['show', '--last', options.last ?? '24h', '--style', 'ndjson', '--predicate', UNIFIED_LOG_PREDICATE];
  let result: RunResult;
  try {
    result = await runLogShow(tool, args, options);
  } catch (error) {
    return { outcome: { kind: 'unreadable', reason: `log show could not run: ${error instanceof Error ? error.message.slice(0, 200) : 'unknown'}` }, events: [] };
  }
  if (result.spawnError !== undefined) {
    return result.spawnError === 'ENOENT'
      ? { outcome: { kind: 'not-applicable', reason: `${tool} is not on this Mac` }, events: [] }
      : { outcome: { kind: 'unreadable', reason: `log show could not run: ${result.spawnError}` }, events: [] };
  }
  const events = [...result.events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  if (result.stoppedBecause !== undefined) {
    const why =
      result.stoppedBecause === 'deadline'
        ? 'log show stopped at the deadline; later entries not seen'
        : result.stoppedBecause === 'output-budget'
          ? 'log show output exceeded the size budget; later entries not seen'
          : 'log show was cancelled; later entries not seen';
    const outcome: EvidenceSourceOutcome = events.length > 0 ? { kind: 'read', missing: [why] } : { kind: 'unreadable', reason: why };
    return { outcome, events };
  }
  if (result.exitCode !== 0) {
    if (NOT_ADMIN_STDERR.some((pattern) => pattern.test(result.stderr))) return { outcome: { kind: 'needs-administrator' }, events: [] };
    return { outcome: { kind: 'unreadable', reason: `log show exited ${String(result.exitCode)}: ${result.stderr.trim().slice(0, 200)}` }, events };
  }
  return { outcome: { kind: 'read' }, events };
}

/** Loaded when a tool first runs: a check of a typed-in account runs none (docs/benchmarks.md, "Cold start"). */
function childProcess(): Promise<typeof ChildProcessModule> {
  return import('node:child_process');
}
