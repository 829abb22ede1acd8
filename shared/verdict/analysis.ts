/**
 * Derived facts the verdict rules share: per-side views of the probes, how each login ended, whether the
 * pattern of failures looks like a ban, and what Mail's own log says. Computed once per evaluation so the
 * rules stay short and agree with each other.
 */
import type { AccountFacts } from '../diagnosis/types';
import type { MailProtocol, ServerRole, ServerSettings, TlsMode } from '../model/account';
import type { LoggedAuthReply } from '../model/evidence';
import type { ServerProbeResult } from '../probes/outcomes';

export type Side = ServerRole;
export const SIDES: readonly Side[] = ['incoming', 'outgoing'];

export function otherSide(side: Side): Side {
  return side === 'incoming' ? 'outgoing' : 'incoming';
}

// ------------------------------------------------------------------ thresholds (documented in docs/failure-codes.md)

export const HOUR_MS = 3_600_000;
/** accountsd suppresses the password prompt for 24 h after a recorded rejection. */
export const PROMPT_SUPPRESSION_HOURS = 24;
/** A rejection and an acceptance in Mail's log count as "the same period" when at most this far apart. */
export const MAIL_LOG_PAIRING_HOURS = 24;
/** A login Mail's log shows accepted this recently means the password worked from this Mac lately. */
export const MAIL_LOG_RECENT_ACCEPT_HOURS = 24;
/** ACCOUNT_NOT_SYNCING: no new mail for at least this long ... */
export const NOT_SYNCING_MIN_HOURS = 72;
/** ... while at least this many local changes wait to be pushed to the server. */
export const NOT_SYNCING_MIN_PENDING_ACTIONS = 1;
/**
 * PASSWORD_MISSING: new mail received this recently (Envelope Index) proves Mail has a saved password for
 * the incoming server, whatever the keychain says.
 */
export const RECENT_MAIL_PROVES_PASSWORD_HOURS = 72;
/** LONG_UPTIME: the Mac has run this many days without a restart. */
export const LONG_UPTIME_DAYS = 14;
/** MAIL_SAW_CONNECT_FAILURES: "repeated" means at least this many unfinished connects to one server. */
export const CONNECT_FAILURES_MIN = 2;
/**
 * LOGIN_DELAYED_BY_SERVER: Dovecot answers every refusal after its 2 s auth_failure_delay (normal), and its
 * auth penalty delays every login from an address that failed recently, correct ones included (2, 4, 8, up
 * to 15 s). So an accepted login slower than this ...
 */
export const SLOW_ACCEPTED_LOGIN_MS = 2_000;
/** ... or a refusal slower than this means the server is slowing logins from this address. */
export const SLOW_REFUSED_LOGIN_MS = 3_000;
/** The byte budget's error codes (REPLY_TOO_LARGE; LINE_TOO_LONG and TOO_MUCH_DATA are its older names). */
export const REPLY_TOO_LARGE_CODES: ReadonlySet<string> = new Set(['REPLY_TOO_LARGE', 'LINE_TOO_LONG', 'TOO_MUCH_DATA']);

// ------------------------------------------------------------------ logins

/** How a login ended, in the terms the rules reason with. */
export type LoginClass =
  | 'accepted'
  /** The server said the credentials are wrong (AUTHENTICATIONFAILED, -ERR [AUTH], 535...). */
  | 'rejected-credentials'
  /** A temporary refusal (UNAVAILABLE, SYS/TEMP, LIMIT, IN-USE, SMTP 4xx). */
  | 'rejected-temporary'
  /** Logins switched off for this mailbox (CONTACTADMIN, SYS/PERM). */
  | 'rejected-disabled'
  /** The server will not take a password without encryption (PRIVACYREQUIRED, SMTP 530/538, LOGINDISABLED on plain). */
  | 'needs-tls'
  /** The server offers no login on this connection although it is encrypted. */
  | 'no-login-offered'
  | 'no-answer'
  /** The password was sent and no reply came in time: a server slowing a refusal, never "unavailable". */
  | 'slow-reply'
  /** The server sent more than the byte budget allows during the login. */
  | 'reply-too-large'
  | 'skipped'
  | 'not-run';

const TEMPORARY_CODES = new Set(['UNAVAILABLE', 'SYS/TEMP', 'LIMIT', 'IN-USE', 'INUSE', 'SERVERBUG']);
const DISABLED_CODES = new Set(['CONTACTADMIN', 'SYS/PERM']);
const NEEDS_TLS_CODES = new Set(['PRIVACYREQUIRED', '530', '538']);

export function classifyLogin(probe: ServerProbeResult | null): LoginClass {
  if (probe === null) return 'not-run';
  const login = probe.login;
  switch (login.kind) {
    case 'accepted':
      return 'accepted';
    case 'skipped':
      return 'skipped';
    case 'timeout':
      return login.phase === 'auth' ? 'slow-reply' : 'no-answer';
    case 'error':
      return REPLY_TOO_LARGE_CODES.has(login.errorCode) ? 'reply-too-large' : 'no-answer';
    case 'unavailable':
      return probe.tlsMode === 'none' ? 'needs-tls' : 'no-login-offered';
    case 'rejected': {
      const code = (login.responseCode ?? '').trim().toUpperCase();
      const smtpCode = /^\s*(\d{3})\b/.exec(login.serverText)?.[1] ?? (/^\d{3}$/.test(code) ? code : undefined);
      if (TEMPORARY_CODES.has(code) || smtpCode?.startsWith('4') === true) return 'rejected-temporary';
      if (DISABLED_CODES.has(code)) return 'rejected-disabled';
      if (NEEDS_TLS_CODES.has(code) || (smtpCode !== undefined && NEEDS_TLS_CODES.has(smtpCode))) return 'needs-tls';
      return 'rejected-credentials';
    }
  }
}

// ------------------------------------------------------------------ per side

export interface SideView {
  readonly side: Side;
  readonly settings: ServerSettings | null;
  readonly probe: ServerProbeResult | null;
  readonly host: string;
  readonly port: number;
  readonly protocol: MailProtocol;
  readonly tlsMode: TlsMode;
  readonly login: LoginClass;
  /** The name resolved and a TCP connection was tried. */
  readonly tcpTried: boolean;
  readonly connected: boolean;
  /** TLS was established and the certificate verified. */
  readonly tlsVerified: boolean;
}

function sideView(facts: AccountFacts, side: Side): SideView {
  const settings = facts.account[side];
  const probe = facts.probes[side];
  const protocol: MailProtocol = probe?.protocol ?? settings?.protocol ?? (side === 'incoming' ? 'imap' : 'smtp');
  const tls = probe?.tls ?? null;
  return {
    side,
    settings,
    probe,
    host: probe?.host ?? settings?.host ?? '',
    port: probe?.port ?? settings?.port ?? 0,
    protocol,
    tlsMode: probe?.tlsMode ?? settings?.tls ?? 'implicit',
    login: classifyLogin(probe),
    tcpTried: probe !== null && probe.resolution.kind === 'resolved' && probe.tcp !== null,
    connected: probe?.tcp?.kind === 'connected',
    tlsVerified: tls !== null && tls.kind === 'established' && tls.verification.ok,
  };
}

// ------------------------------------------------------------------ ports and TLS modes

/** Ports whose standard use is TLS from the first byte. */
const IMPLICIT_TLS_PORTS: ReadonlySet<number> = new Set([993, 995, 465]);
/** Ports whose standard use is plain text, upgraded with STARTTLS. */
const STARTTLS_PORTS: ReadonlySet<number> = new Set([143, 110, 587, 25]);

export function implicitPortFor(protocol: MailProtocol): number {
  return protocol === 'imap' ? 993 : protocol === 'pop3' ? 995 : 465;
}

/** The standard port where the protocol starts in plain text and upgrades with STARTTLS (submission for SMTP). */
export function starttlsPortFor(protocol: MailProtocol): number {
  return protocol === 'imap' ? 143 : protocol === 'pop3' ? 110 : 587;
}

/** What the port's standard use expects, or null when the port is not a standard mail port. */
export function expectedModeForPort(port: number): 'implicit' | 'starttls' | null {
  if (IMPLICIT_TLS_PORTS.has(port)) return 'implicit';
  if (STARTTLS_PORTS.has(port)) return 'starttls';
  return null;
}

/**
 * The configured TLS mode contradicts the port's standard use: implicit TLS on 143/110/587/25, or
 * STARTTLS/no TLS on 993/995/465. (No TLS on 143/587 is insecure but not a mismatch.)
 */
export function modeContradictsPort(port: number, mode: TlsMode): boolean {
  const expected = expectedModeForPort(port);
  if (expected === 'implicit') return mode !== 'implicit';
  if (expected === 'starttls') return mode === 'implicit';
  return false;
}

// ------------------------------------------------------------------ times

export function parseTime(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

export function isoFrom(ms: number): string {
  return new Date(ms).toISOString();
}

// ------------------------------------------------------------------ Mail's own log

export interface MailLogView {
  /** The newest authentication reply per side, by time. */
  readonly latest: Readonly<Partial<Record<Side, LoggedAuthReply>>>;
  /** The newest accepted reply (either side), by time. */
  readonly latestAccepted?: LoggedAuthReply;
}

function mailLogView(facts: AccountFacts): MailLogView {
  const replies = facts.mailEvidence?.connectionLog.authReplies ?? [];
  const latest: Partial<Record<Side, LoggedAuthReply>> = {};
  let latestAccepted: LoggedAuthReply | undefined;
  const newer = (a: LoggedAuthReply, b: LoggedAuthReply | undefined): boolean =>
    b === undefined || (parseTime(a.at) ?? -Infinity) >= (parseTime(b.at) ?? -Infinity);
  for (const reply of replies) {
    if (parseTime(reply.at) === undefined) continue;
    if (newer(reply, latest[reply.side])) latest[reply.side] = reply;
    if (reply.result === 'accepted' && newer(reply, latestAccepted)) latestAccepted = reply;
  }
  return latestAccepted === undefined ? { latest } : { latest, latestAccepted };
}

// ------------------------------------------------------------------ the whole picture

export type BanPattern = 'drop' | 'reject' | null;

export interface Analysis {
  readonly nowMs: number;
  /**
   * The live probes mean something: the internet check passed or did not run, or a mail server answered
   * (then the network evidently reaches it, whatever the check page said).
   */
  readonly networkUsable: boolean;
  /** A configured mail server accepted our TCP connection during this run. */
  readonly mailServerAnswered: boolean;
  readonly sides: Readonly<Record<Side, SideView>>;
  /** Sides whose name resolved and whose TCP connect was tried. */
  readonly triedMail: readonly SideView[];
  /** The host's web server answered (any page or a TLS answer). */
  readonly webAnswered: boolean;
  readonly cphulkPageUrl?: string;
  readonly csfPageUrl?: string;
  readonly ban: BanPattern;
  /** Our public IP as the server sees it: the SMTP EHLO echo, else the public-IP check. */
  readonly publicIp?: string;
  readonly mailLog: MailLogView;
  readonly passwordAccount: boolean;
  /** One side accepted its password live while the other side's was refused as wrong credentials. */
  readonly liveSplit: { readonly good: Side; readonly stale: Side } | null;
  /** Both sides' live logins were refused as wrong credentials. */
  readonly bothRejected: boolean;
  /**
   * Mail's own log shows one side refused and the other accepted within MAIL_LOG_PAIRING_HOURS, and no live
   * login contradicts it (the "stale" side did not just log in, the "good" side was not just refused).
   */
  readonly mailLogStaleSide: Side | null;
  /**
   * Mail's own evidence proves it has a saved password for this side: its connection log shows the server
   * accepting Mail's login, or (incoming) the Envelope Index shows new mail within
   * RECENT_MAIL_PROVES_PASSWORD_HOURS. Then no keychain answer can mean "missing".
   */
  readonly savedPasswordProven: Readonly<Record<Side, boolean>>;
}

function detectBan(networkUsable: boolean, tried: readonly SideView[], webAnswered: boolean, csfPage: boolean): BanPattern {
  if (!networkUsable || tried.length === 0) return null;
  // A single outgoing port 25 that does not answer is the classic ISP port-25 block, not a ban.
  const onlyPort25 = tried.length === 1 && tried[0]?.protocol === 'smtp' && tried[0]?.port === 25;
  const kinds = tried.map((view) => view.probe?.tcp?.kind);
  const allTimeout = kinds.every((kind) => kind === 'timeout');
  const allRefused = kinds.every((kind) => kind === 'refused' || kind === 'unreachable');
  const noneConnected = kinds.every((kind) => kind !== 'connected');
  if (csfPage && noneConnected) return 'drop';
  if (onlyPort25) return null;
  if (allTimeout && webAnswered) return 'drop';
  if (allRefused && webAnswered) return 'reject';
  return null;
}

export function analyse(facts: AccountFacts): Analysis {
  const nowMs = parseTime(facts.now) ?? 0;
  const sides = { incoming: sideView(facts, 'incoming'), outgoing: sideView(facts, 'outgoing') };
  const mailServerAnswered = sides.incoming.connected || sides.outgoing.connected;
  const networkUsable = facts.internet.kind === 'online' || facts.internet.kind === 'skipped' || mailServerAnswered;
  const triedMail = SIDES.map((side) => sides[side]).filter((view) => view.tcpTried);
  const webmail = facts.probes.webmail;
  const webAnswered = webmail.some((outcome) => outcome.kind === 'page' || outcome.kind === 'tls-failed');
  const cphulk = webmail.find((outcome) => outcome.kind === 'page' && outcome.page === 'cphulk-block');
  const csf = webmail.find((outcome) => outcome.kind === 'page' && outcome.page === 'csf-block');
  // The address the mail server itself sees is what a ban is keyed on: EHLO echo first, then the IP the
  // firewall's block page names, then the public-IP check.
  const csfBlockedIp = csf?.kind === 'page' && csf.blockedIp !== undefined && csf.blockedIp !== '' ? csf.blockedIp : undefined;
  const ehloIp = facts.probes.outgoing?.ehloEchoIp;
  const mailLog = mailLogView(facts);
  const publicIp =
    ehloIp !== undefined && ehloIp !== ''
      ? ehloIp
      : (csfBlockedIp ?? (facts.publicIp.kind === 'found' ? facts.publicIp.ip : undefined));
  return {
    nowMs,
    networkUsable,
    mailServerAnswered,
    sides,
    triedMail,
    webAnswered,
    ...(cphulk === undefined ? {} : { cphulkPageUrl: cphulk.url }),
    ...(csf === undefined ? {} : { csfPageUrl: csf.url }),
    ban: detectBan(networkUsable, triedMail, webAnswered, csf !== undefined),
    ...(publicIp === undefined ? {} : { publicIp }),
    mailLog,
    passwordAccount: facts.account.authKind === 'password',
    liveSplit: findLiveSplit(sides),
    bothRejected: SIDES.every((side) => sides[side].login === 'rejected-credentials'),
    mailLogStaleSide: findMailLogStaleSide(sides, mailLog),
    savedPasswordProven: { incoming: savedPasswordProven(facts, 'incoming', nowMs), outgoing: savedPasswordProven(facts, 'outgoing', nowMs) },
  };
}

function savedPasswordProven(facts: AccountFacts, side: Side, nowMs: number): boolean {
  const evidence = facts.mailEvidence;
  if (evidence === null) return false;
  const acceptedInLog = evidence.connectionLog.authReplies.some((reply) => reply.side === side && reply.result === 'accepted');
  if (acceptedInLog) return true;
  if (side !== 'incoming' || evidence.mailbox.outcome.kind !== 'read') return false;
  const lastMail = parseTime(evidence.mailbox.lastMailReceivedAt);
  return lastMail !== undefined && nowMs - lastMail <= RECENT_MAIL_PROVES_PASSWORD_HOURS * HOUR_MS;
}

function findLiveSplit(sides: Readonly<Record<Side, SideView>>): Analysis['liveSplit'] {
  for (const stale of SIDES) {
    const good = otherSide(stale);
    if (sides[stale].login === 'rejected-credentials' && sides[good].login === 'accepted') return { good, stale };
  }
  return null;
}

function findMailLogStaleSide(sides: Readonly<Record<Side, SideView>>, log: MailLogView): Side | null {
  for (const stale of SIDES) {
    const good = otherSide(stale);
    const rejected = log.latest[stale];
    const accepted = log.latest[good];
    if (rejected?.result !== 'rejected' || accepted?.result !== 'accepted') continue;
    const gap = Math.abs((parseTime(rejected.at) ?? 0) - (parseTime(accepted.at) ?? 0));
    if (gap > MAIL_LOG_PAIRING_HOURS * HOUR_MS) continue;
    // Live evidence is fresher: never call a side stale that just logged in, nor good a side that just failed.
    if (sides[stale].login === 'accepted' || sides[good].login === 'rejected-credentials') continue;
    return stale;
  }
  return null;
}

// ------------------------------------------------------------------ params

/**
 * The same params without the keys whose value is undefined, so an optional param is absent rather than
 * `undefined` in JSON (params are plain JSON: strings, numbers, booleans).
 */
export function compact<T extends object>(values: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) out[key] = value;
  }
  return out as T;
}

/** Host names compare case-insensitively and without a trailing dot. */
export function sameHost(a: string, b: string): boolean {
  return a.trim().replace(/\.$/, '').toLowerCase() === b.trim().replace(/\.$/, '').toLowerCase();
}

/** Does a certificate name (possibly "*.example.com") cover the host? */
export function certNameCovers(name: string, host: string): boolean {
  const n = name.trim().toLowerCase();
  const h = host.trim().replace(/\.$/, '').toLowerCase();
  if (n.startsWith('*.')) {
    const suffix = n.slice(1);
    const label = h.slice(0, h.length - suffix.length);
    return h.endsWith(suffix) && label.length > 0 && !label.includes('.');
  }
  return n === h;
}

/** The host part of a URL-ish string, without relying on the URL global (not in this runtime's lib). */
export function hostOfUrl(url: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]+\]|[^:/?#]+)/i.exec(url.trim());
  return match?.[1];
}
