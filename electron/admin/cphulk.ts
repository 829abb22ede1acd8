/**
 * "Is this IP blocked?" and "unblock it", from WHM's cPHulk records (research §3.4, ban mechanics §2.3–2.4):
 *
 *   cphulk_status                       is cPHulk on at all (off: it blocks nothing)
 *   read_cphulk_records list_name=white requester_ip (how WHM sees this Mac) and the allow list
 *   read_cphulk_records list_name=black the block list
 *   get_cphulk_brutes                   current IP blocks (logintime, exptime, timeleft, notes)
 *   get_cphulk_excessive_brutes         the long ("one-day" / "two-week") blocks
 *   get_cphulk_failed_logins            the failed logins behind them (filtered to the IP and the mailbox)
 *   flush_cphulk_login_history_for_ips  "use this function to unblock one or more IP addresses"
 *
 * A cPHulk block is application-level: the Mac still connects, and every login fails even with the right
 * password — which is why a client can only guess it (IP_BLOCKED_LOGIN_LAYER) and this check confirms it.
 * Lists may hold single addresses, CIDR blocks and a-b ranges, IPv4 and IPv6.
 */
import net from 'node:net';
import type { HostBlockCheck, HostBlockKind, HostFailedLogin, HostingProblem, UnblockResult } from '../../shared/model/hosting';
import { apiFlag, isRecord } from './envelope';
import type { ServerWordsCleaner } from './serverWords';
import type { WhmApi } from './whmApi';

export type CheckOutcome = { readonly ok: true; readonly check: HostBlockCheck } | { readonly ok: false; readonly problem: HostingProblem };

export interface CheckRequest {
  /** The address to check; default: WHM's requester_ip (how the server sees this Mac). */
  readonly ip?: string;
  /** Narrow the failed logins to this mailbox. */
  readonly email?: string;
  readonly now?: () => Date;
}

/** Most failed logins kept in a check (the newest). */
export const MAX_FAILED_LOGINS = 50;

interface BruteRecord {
  readonly ip: string;
  readonly since?: string;
  readonly until?: string;
  readonly minutesLeft?: number;
  readonly note?: string;
}

interface ListRecords {
  readonly entries: readonly string[];
  readonly requesterIp?: string;
}

interface FailedLoginRecord extends HostFailedLogin {
  readonly ip: string;
}

export async function checkIpBlocked(whm: WhmApi, request: CheckRequest): Promise<CheckOutcome> {
  const now = (request.now ?? (() => new Date()))();
  const status = await whm.call('cphulk_status', [], (data) => (isRecord(data) ? apiFlag(data['is_enabled']) : undefined));
  if (!status.ok) return status;
  const enabled = status.value === 1;

  // skip_enabled_check=1: the requester's address is wanted even when cPHulk is off.
  const white = await whm.call('read_cphulk_records', [['list_name', 'white'], ['skip_enabled_check', '1']], readList);
  if (!white.ok) return white;
  const ip = request.ip ?? white.value.requesterIp;
  if (ip === undefined || net.isIP(ip) === 0) {
    return { ok: false, problem: { kind: 'api-error', api: 'whm', function: 'read_cphulk_records', serverWords: ['WHM did not say which address this Mac has: give it with --ip'] } };
  }
  const base = {
    checkedAt: now.toISOString(),
    ip,
    source: 'whm-cphulk' as const,
    cphulkEnabled: enabled,
    allowListed: white.value.entries.some((entry) => ipInEntry(ip, entry)),
    ...(white.value.requesterIp === undefined ? {} : { requesterIp: white.value.requesterIp }),
  };
  if (!enabled) return { ok: true, check: { ...base, blocked: false, failedLogins: [] } };

  const black = await whm.call('read_cphulk_records', [['list_name', 'black']], readList);
  if (!black.ok) return black;
  const brutes = await whm.call('get_cphulk_brutes', [], (data, words) => readBrutes(data, words, ['brutes']));
  if (!brutes.ok) return brutes;
  const excessive = await whm.call('get_cphulk_excessive_brutes', [], (data, words) => readBrutes(data, words, ['excessive_brutes', 'brutes']));
  if (!excessive.ok) return excessive;
  const failed = await whm.call('get_cphulk_failed_logins', [], readFailedLogins);
  if (!failed.ok) return failed;

  const forIp = (records: readonly BruteRecord[]): BruteRecord | undefined => records.find((record) => sameIp(record.ip, ip) && !expired(record, now));
  const failedLogins = failed.value
    .filter((login) => sameIp(login.ip, ip) && (request.email === undefined || sameUser(login.user, request.email)))
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, MAX_FAILED_LOGINS)
    .map(({ user, service, at }) => ({ user, service, at }));

  // cPHulk never blocks an address on its allow list, whatever else it has recorded.
  let blockedBy: HostBlockKind | undefined;
  let record: BruteRecord | undefined;
  if (!base.allowListed) {
    const excessiveRecord = forIp(excessive.value);
    const bruteRecord = forIp(brutes.value);
    if (black.value.entries.some((entry) => ipInEntry(ip, entry))) blockedBy = 'cphulk-blacklist';
    else if (excessiveRecord !== undefined) [blockedBy, record] = ['cphulk-excessive-brute', excessiveRecord];
    else if (bruteRecord !== undefined) [blockedBy, record] = ['cphulk-brute', bruteRecord];
  }
  const check: HostBlockCheck = {
    ...base,
    blocked: blockedBy !== undefined,
    ...(blockedBy === undefined ? {} : { blockedBy }),
    ...(record?.since === undefined ? {} : { since: record.since }),
    ...(record?.until === undefined ? {} : { until: record.until }),
    ...(record?.minutesLeft === undefined ? {} : { minutesLeft: record.minutesLeft }),
    ...(record?.note === undefined ? {} : { note: record.note }),
    failedLogins,
  };
  return { ok: true, check };
}

export type UnblockOutcome = { readonly ok: true; readonly result: UnblockResult } | { readonly ok: false; readonly problem: HostingProblem };

/**
 * flush_cphulk_login_history_for_ips for one address, then the check again, so the person sees whether
 * the block is gone (a block-list entry is not removed by this: the check after says so).
 */
export async function unblockIp(whm: WhmApi, ip: string, request: Omit<CheckRequest, 'ip'> = {}): Promise<UnblockOutcome> {
  const flushed = await whm.call('flush_cphulk_login_history_for_ips', [['ip', ip]], (data) => {
    if (!isRecord(data)) return data === undefined || data === null ? { recordsRemoved: 0, firewallBansRemoved: 0 } : undefined;
    return { recordsRemoved: count(data['records_removed']), firewallBansRemoved: count(data['iptable_bans_removed']) };
  });
  if (!flushed.ok) return flushed;
  const after = await checkIpBlocked(whm, { ...request, ip });
  if (!after.ok) return after;
  return { ok: true, result: { ...flushed.value, after: after.check } };
}

function count(value: unknown): number {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? Math.floor(number) : 0;
}

function readList(data: unknown): ListRecords | undefined {
  if (!isRecord(data)) return undefined;
  const list = data['ips_in_list'];
  // An empty list may come back as {} or [] (Perl's JSON of an empty hash or array).
  const entries = isRecord(list) ? Object.keys(list) : Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : [];
  const requester = data['requester_ip'];
  return { entries, ...(typeof requester === 'string' && net.isIP(requester) !== 0 ? { requesterIp: requester } : {}) };
}

function readBrutes(data: unknown, words: ServerWordsCleaner, keys: readonly string[]): BruteRecord[] | undefined {
  if (!isRecord(data)) return undefined;
  // get_cphulk_excessive_brutes names its list `excessive_brutes` in the specification; older servers and
  // third-party notes say `brutes`: both are read.
  const list = keys.map((key) => data[key]).find((value) => value !== undefined);
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return undefined;
  return list.filter(isRecord).flatMap((entry) => {
    const ip = typeof entry['ip'] === 'string' ? entry['ip'] : undefined;
    if (ip === undefined) return [];
    const since = whmTime(entry['logintime']);
    const until = whmTime(entry['exptime']);
    const left = typeof entry['timeleft'] === 'string' ? Number(entry['timeleft']) : entry['timeleft'];
    const note = typeof entry['notes'] === 'string' && entry['notes'] !== '' ? words.text(entry['notes']) : undefined;
    return [
      {
        ip,
        ...(since === undefined ? {} : { since }),
        ...(until === undefined ? {} : { until }),
        ...(typeof left === 'number' && Number.isFinite(left) ? { minutesLeft: left } : {}),
        ...(note === undefined ? {} : { note }),
      },
    ];
  });
}

function readFailedLogins(data: unknown, words: ServerWordsCleaner): FailedLoginRecord[] | undefined {
  if (!isRecord(data)) return undefined;
  const list = data['failed_logins'];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return undefined;
  return list.filter(isRecord).flatMap((entry) => {
    const ip = entry['ip'];
    const at = whmTime(entry['logintime']);
    if (typeof ip !== 'string' || at === undefined) return [];
    const text = (key: string): string => (typeof entry[key] === 'string' ? words.text(entry[key]) : '');
    return [{ ip, user: text('user'), service: text('service') || text('authservice'), at }];
  });
}

/**
 * cPHulk's times: ISO 8601 ("2014-12-07T00:00:00.000Z"), the same "space separated", or epoch seconds.
 * A time without a zone is read as UTC (UNCONFIRMED: the specification's examples all carry a Z).
 */
export function whmTime(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return new Date(value * 1000).toISOString();
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim().replace(' ', 'T');
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const time = Date.parse(zoned);
  return Number.isFinite(time) ? new Date(time).toISOString() : undefined;
}

function expired(record: BruteRecord, now: Date): boolean {
  if (record.until === undefined) return record.minutesLeft !== undefined && record.minutesLeft <= 0;
  return Date.parse(record.until) <= now.getTime();
}

function sameUser(user: string, email: string): boolean {
  const wanted = email.toLowerCase();
  const local = wanted.split('@')[0] ?? wanted;
  const found = user.toLowerCase();
  return found === wanted || found === local;
}

function sameIp(a: string, b: string): boolean {
  return ipInEntry(b, a);
}

/** Whether `ip` is the address, CIDR block or a-b range `entry` (cPHulk list syntax). */
export function ipInEntry(ip: string, entry: string): boolean {
  const family = net.isIP(ip);
  if (family === 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const list = new net.BlockList();
  const text = entry.trim();
  try {
    const slash = text.indexOf('/');
    const dash = text.indexOf('-');
    if (slash > 0) {
      const prefix = Number(text.slice(slash + 1));
      if (net.isIP(text.slice(0, slash)) !== family || !Number.isInteger(prefix)) return false;
      list.addSubnet(text.slice(0, slash), prefix, type);
    } else if (dash > 0) {
      const [start, end] = [text.slice(0, dash).trim(), text.slice(dash + 1).trim()];
      if (net.isIP(start) !== family || net.isIP(end) !== family) return false;
      list.addRange(start, end, type);
    } else {
      if (net.isIP(text) !== family) return false;
      list.addAddress(text, type);
    }
  } catch {
    // A malformed entry (reversed range, prefix out of bounds) matches nothing.
    return false;
  }
  return list.check(ip, type);
}
