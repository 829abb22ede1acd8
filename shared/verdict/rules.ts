/**
 * The verdict rules, as one table in rank order. Each rule looks at the account facts (and the shared
 * analysis, computed once in analysis.ts) and either matches, giving the finding's side, typed params and
 * severity, or not. A rule never recomputes another rule's condition: how findings outrank each other is
 * declared on the rule and applied in one place (evaluate.ts `applyPrecedence`):
 *
 * - `rank`: the position in the helpdesk's chain (the Mac, the network, DNS, bans and ports, TLS, logins
 *   and the password mismatch, stored settings, what Mail saw, notes). Unique; the table is sorted by it.
 *   Among failures (then warnings) the lowest rank is the verdict.
 * - `group`: among findings of one exclusive group whose sides overlap, only the lowest-ranked stands
 *   (e.g. one explanation of why one side's login is refused).
 * - `suppresses`: codes this finding makes redundant on an overlapping side; only later-ranked findings are
 *   suppressed, and only by a finding that itself stands.
 * - `adviceFor`: an advice note, kept only beside a failure or warning of one of these codes and shown on
 *   that finding's steps (it never stands alone, never decides).
 *
 * docs/failure-codes.md describes every rule; tests/unit/verdict/precedence.test.ts states, for each pair of
 * findings that can occur together, which one is the verdict.
 */
import type { ChecklistStepId } from '../checklist/steps';
import type { AccountFacts, FindingSeverity, FindingSide } from '../diagnosis/types';
import type { TlsMode } from '../model/account';
import {
  CONNECT_FAILURES_MIN,
  HOUR_MS,
  LONG_UPTIME_DAYS,
  MAIL_LOG_RECENT_ACCEPT_HOURS,
  NOT_SYNCING_MIN_HOURS,
  NOT_SYNCING_MIN_PENDING_ACTIONS,
  PROMPT_SUPPRESSION_HOURS,
  REPLY_TOO_LARGE_CODES,
  SLOW_ACCEPTED_LOGIN_MS,
  SLOW_REFUSED_LOGIN_MS,
  SIDES,
  certNameCovers,
  compact,
  expectedModeForPort,
  hostOfUrl,
  implicitPortFor,
  isoFrom,
  modeContradictsPort,
  otherSide,
  parseTime,
  sameHost,
  starttlsPortFor,
  type Analysis,
  type Side,
  type SideView,
} from './analysis';
import type { FailureCode } from './codes';
import type { ModeMismatchFix, ModeMismatchObserved, ParamsOf, ServerUnavailableReason } from './params';

export interface RuleMatch<C extends FailureCode> {
  readonly side: FindingSide;
  readonly params: ParamsOf<C>;
  readonly severity: FindingSeverity;
  /** Further checklist steps that show this finding (besides its own step). */
  readonly alsoOn?: readonly ChecklistStepId[];
}

/** Exclusive groups: one explanation per side. */
export type ExclusiveGroup =
  /** Why one side's saved password fails: stale (live, Mail's log, stored), the user name, or none saved. */
  'stale-password';

export interface RuleSpec<C extends FailureCode> {
  /** Unique name, for tests and docs. */
  readonly id: string;
  readonly code: C;
  /** Position in the chain: lower is earlier (more fundamental). Unique across the table. */
  readonly rank: number;
  readonly group?: ExclusiveGroup;
  readonly suppresses?: readonly FailureCode[];
  readonly adviceFor?: readonly FailureCode[];
  readonly when: (facts: AccountFacts, analysis: Analysis) => RuleMatch<C> | readonly RuleMatch<C>[] | null;
}

/** A rule of any code (a union over codes, so each rule's params are checked against its own code). */
export type VerdictRule = { [C in FailureCode]: RuleSpec<C> }[FailureCode];

// ------------------------------------------------------------------ helpers

function perSide<C extends FailureCode>(a: Analysis, fn: (view: SideView) => RuleMatch<C> | null): RuleMatch<C>[] {
  return SIDES.map((side) => fn(a.sides[side])).filter((match): match is RuleMatch<C> => match !== null);
}

/** Probes of this side ran on a usable network and reached TCP. */
function liveConnected(a: Analysis, view: SideView): boolean {
  return a.networkUsable && view.connected;
}

/** The login on this side was not tested live (a skip or no probe), so stored facts and Mail's log must speak. */
function untested(view: SideView): boolean {
  return view.login === 'skipped' || view.login === 'not-run';
}

function comparison(facts: AccountFacts): AccountFacts['account']['passwords']['comparison'] {
  return facts.account.passwords.comparison;
}

/**
 * The internet check fetches Apple's captive-portal page. When it fails but a mail server answered
 * anyway (a firewall or VPN that lets mail through, a blocked check page), the network is not what
 * stops Mail: the finding stays as a note, never the verdict.
 */
function internetSeverity(a: Analysis): FindingSeverity {
  return a.mailServerAnswered ? 'note' : 'failure';
}

/** What the IT department set for this side (managed preference ExpectedServers), or null. */
function expectedFor(facts: AccountFacts, side: Side): { readonly host: string; readonly port: number; readonly tls: TlsMode } | null {
  const expected = facts.expected;
  if (expected === undefined || expected === null) return null;
  return side === 'incoming'
    ? { host: expected.incomingHost, port: expected.incomingPort, tls: expected.incomingTls }
    : { host: expected.outgoingHost, port: expected.outgoingPort, tls: expected.outgoingTls };
}

function publishedFor(facts: AccountFacts, view: SideView) {
  const servers = facts.probes.published?.servers ?? [];
  return servers.filter((server) => server.protocol === view.protocol);
}

/** Does anything say this is a cPanel server (which wants the full email address as user name)? */
function looksLikeCpanel(facts: AccountFacts): boolean {
  const webmail = facts.probes.webmail.some(
    (outcome) =>
      (outcome.kind === 'page' && (outcome.page === 'cpanel-webmail-login' || outcome.page === 'cphulk-block')) ||
      /:(?:2095|2096)(?:\/|$)/.test(outcome.url),
  );
  const template = (facts.probes.published?.servers ?? []).some((server) => server.usernameTemplate === '%EMAILADDRESS%');
  return webmail || template;
}

function bothTriedSide(a: Analysis): FindingSide {
  if (a.triedMail.length === 1) return a.triedMail[0]?.side ?? 'both';
  return 'both';
}

function triedPorts(a: Analysis): string {
  return a.triedMail.map((view) => String(view.port)).join(', ');
}

/** A suggestion for a server name: IT's expected host, else a published host for this protocol, else the domain's first MX. */
function suggestedHostFor(facts: AccountFacts, view: SideView): string | undefined {
  // IT's word outranks what the domain publishes.
  const expected = expectedFor(facts, view.side);
  if (expected !== null && !sameHost(expected.host, view.host)) return expected.host;
  const published = publishedFor(facts, view).find((server) => !sameHost(server.host, view.host));
  if (published !== undefined) return published.host;
  const mx = [...(facts.probes.published?.mx ?? [])].sort((x, y) => x.priority - y.priority)[0];
  return mx !== undefined && !sameHost(mx.exchange, view.host) ? mx.exchange.replace(/\.$/, '') : undefined;
}

function mailSawFailures(facts: AccountFacts): number | undefined {
  const count = facts.mailEvidence?.connectionLog.connectFailures.length ?? 0;
  return count > 0 ? count : undefined;
}

function authCode(view: SideView): 'IMAP_AUTH_REJECTED' | 'POP3_AUTH_REJECTED' | 'SMTP_AUTH_REJECTED' {
  if (view.side === 'outgoing') return 'SMTP_AUTH_REJECTED';
  return view.protocol === 'pop3' ? 'POP3_AUTH_REJECTED' : 'IMAP_AUTH_REJECTED';
}

function normalisedUser(name: string): string {
  return name.trim().toLowerCase();
}

function usernamesDiffer(facts: AccountFacts): boolean {
  const incoming = facts.account.incoming;
  const outgoing = facts.account.outgoing;
  if (incoming === null || outgoing === null || !outgoing.authenticationEnabled) return false;
  if (incoming.username.trim() === '' || outgoing.username.trim() === '') return false;
  return normalisedUser(incoming.username) !== normalisedUser(outgoing.username);
}

/** A side whose user name lacks the domain while the account's address has one. */
function shortUsername(facts: AccountFacts, view: SideView): boolean {
  const username = view.settings?.username.trim() ?? '';
  if (username === '' || username.includes('@') || !facts.account.emailAddress.includes('@')) return false;
  return view.side === 'incoming' || view.settings?.authenticationEnabled === true;
}

/** The password the live login on this side used was typed for this check (not one Mail saved). */
function passwordWasTyped(facts: AccountFacts, side: Side): boolean {
  return facts.account.passwords[side].foundIn === 'typed';
}

/** Mail's current setting for this side answered (or logged in) in this run. */
function works(view: SideView): boolean {
  return view.login === 'accepted' || (view.connected && view.tlsVerified && view.login !== 'rejected-credentials');
}

function certificate(view: SideView) {
  const tls = view.probe?.tls;
  return tls !== undefined && tls !== null && tls.kind === 'established' ? tls : null;
}

/** The configured mode contradicts the port, and the live TLS step did not succeed: the mismatch explains it. */
function modeMismatchObserved(view: SideView): ModeMismatchObserved | null {
  const tls = view.probe?.tls;
  if (tls === undefined || tls === null) return null;
  if (tls.kind === 'plaintext-on-tls-port') return 'plaintext';
  // The probe proved it on a second connection: the port speaks TLS from the first byte, whatever its number.
  if (tls.kind === 'tls-on-plaintext-port') return 'tls-first';
  if (!modeContradictsPort(view.port, view.tlsMode)) return null;
  // STARTTLS (or no TLS) configured on a port that waits for TLS: the server's greeting never comes.
  if (tls.kind === 'timeout' && tls.phase === 'greeting') return 'no-greeting';
  if (tls.kind === 'handshake-failed' || tls.kind === 'timeout' || tls.kind === 'starttls-not-offered') return 'failed';
  if (tls.kind === 'not-applicable' && tls.reason === 'tls-off' && view.login !== 'accepted') return 'none';
  return null;
}

/**
 * What the port really speaks (when a probe saw it) and the one setting that fixes the mismatch:
 * - the port speaks TLS from the first byte and Mail has no TLS: turn on "Use TLS/SSL", keep the port;
 * - it speaks TLS from the first byte and Mail starts with STARTTLS: the protocol's STARTTLS port;
 * - otherwise (plain text where Mail wants TLS at once, or not seen live): the protocol's implicit-TLS port
 *   (or its STARTTLS port when Mail already is on the implicit port and the server there speaks plain text).
 */
function modeMismatchFix(
  view: SideView,
  observed: ModeMismatchObserved | undefined,
): { portSpeaks?: 'implicit-tls' | 'plaintext'; fix: ModeMismatchFix; suggestedPort: number } {
  const implicitPort = implicitPortFor(view.protocol);
  if (observed === 'tls-first' || observed === 'no-greeting') {
    if (view.tlsMode === 'none') return { portSpeaks: 'implicit-tls', fix: 'turn-on-tls', suggestedPort: view.port };
    if (view.tlsMode === 'starttls') return { portSpeaks: 'implicit-tls', fix: 'starttls-port', suggestedPort: starttlsPortFor(view.protocol) };
    return { portSpeaks: 'implicit-tls', fix: 'implicit-port', suggestedPort: implicitPort };
  }
  if (observed === 'plaintext') {
    return view.port === implicitPort
      ? { portSpeaks: 'plaintext', fix: 'starttls-port', suggestedPort: starttlsPortFor(view.protocol) }
      : { portSpeaks: 'plaintext', fix: 'implicit-port', suggestedPort: implicitPort };
  }
  return { fix: 'implicit-port', suggestedPort: implicitPort };
}

function modeMismatchParams(view: SideView, observed: ModeMismatchObserved | undefined): ParamsOf<'TLS_MODE_PORT_MISMATCH'> {
  const expected = expectedModeForPort(view.port);
  const fix = modeMismatchFix(view, observed);
  return compact({
    role: view.side,
    host: view.host,
    port: view.port,
    configuredMode: view.tlsMode,
    expectedMode: expected ?? undefined,
    suggestedPort: fix.suggestedPort,
    fix: fix.fix,
    portSpeaks: fix.portSpeaks,
    observed,
  });
}

/** Plain connection failures, when the pattern does not point to a ban (the ban rules suppress these). */
function connectionRule<C extends 'PORT_TIMEOUT' | 'PORT_REFUSED' | 'PORT_RESET' | 'CONNECTION_FAILED'>(
  code: C,
  rank: number,
  match: (facts: AccountFacts, a: Analysis, view: SideView) => ParamsOf<C> | null,
): RuleSpec<C> {
  return {
    id: `tcp-${code.toLowerCase()}`,
    code,
    rank,
    when: (facts, a) =>
      perSide(a, (view) => {
        if (!a.networkUsable || !view.tcpTried) return null;
        const found = match(facts, a, view);
        return found === null ? null : { side: view.side, params: found, severity: 'failure' };
      }),
  };
}

/** TLS findings for one side, from what the TLS probe saw on a live connection. */
function tlsRule<C extends FailureCode>(
  spec: Omit<RuleSpec<C>, 'when'> & { readonly match: (facts: AccountFacts, view: SideView) => ParamsOf<C> | null },
): RuleSpec<C> {
  const { match, ...rest } = spec;
  return {
    ...rest,
    when: (facts, a) =>
      perSide(a, (view) => {
        if (!liveConnected(a, view)) return null;
        const found = match(facts, view);
        return found === null ? null : { side: view.side, params: found, severity: 'failure' };
      }),
  };
}

function loginRejectedRule<C extends 'IMAP_AUTH_REJECTED' | 'POP3_AUTH_REJECTED' | 'SMTP_AUTH_REJECTED'>(code: C, rank: number): RuleSpec<C> {
  return {
    id: `login-rejected-${code.toLowerCase()}`,
    code,
    rank,
    when: (facts, a) =>
      perSide(a, (view) => {
        if (authCode(view) !== code || view.login !== 'rejected-credentials') return null;
        const other = a.sides[otherSide(view.side)];
        const rejected = view.probe?.login.kind === 'rejected' ? view.probe.login : null;
        const params: ParamsOf<C> = compact({
          role: view.side,
          host: view.host,
          email: facts.account.emailAddress,
          serverText: rejected?.serverText,
          responseCode: rejected?.responseCode,
          bothRejected: a.bothRejected,
          sameStoredForBoth: comparison(facts) === 'same',
          otherSideAccepted: other.login === 'accepted',
          typedForThisCheck: passwordWasTyped(facts, view.side),
        });
        return { side: view.side, params, severity: 'failure' };
      }),
  };
}

/** The sides the stored-password comparison says have no saved password (outgoing only when it logs in). */
function missingSides(result: ReturnType<typeof comparison>, outgoingNeedsOne: boolean): Side[] {
  switch (result) {
    case 'incoming-missing':
      return ['incoming'];
    case 'outgoing-missing':
      return outgoingNeedsOne ? ['outgoing'] : [];
    case 'both-missing':
      return outgoingNeedsOne ? ['incoming', 'outgoing'] : ['incoming'];
    case 'same':
    case 'different':
    case 'unreadable':
    case 'not-applicable':
      return [];
  }
}

/** Milliseconds as whole-ish seconds for params (one decimal). */
function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

// ------------------------------------------------------------------ the table, in rank order

export const VERDICT_RULES: readonly VerdictRule[] = [
  // ---------------------------------------------------------------- the Mac
  {
    id: 'full-disk-access',
    code: 'FULL_DISK_ACCESS_NEEDED',
    rank: 10,
    when: (facts) => {
      const evidence = facts.mailEvidence;
      if (evidence === null) return null;
      const blocked = [evidence.credentialState.outcome, evidence.connectionLog.outcome, evidence.mailbox.outcome].find(
        (outcome) => outcome.kind === 'full-disk-access-needed',
      );
      if (blocked === undefined || blocked.kind !== 'full-disk-access-needed') return null;
      return { side: 'mac', params: { path: blocked.path }, severity: 'failure' };
    },
  },
  {
    id: 'account-without-incoming-server',
    code: 'ACCOUNT_READ_PROBLEM',
    rank: 20,
    when: (facts) => {
      if (facts.account.incoming !== null || facts.account.authKind !== 'password') return null;
      const detail = facts.account.readProblems[0];
      return {
        side: 'account',
        params: compact({
          problem: 'no-incoming' as const,
          email: facts.account.emailAddress,
          settingsUnreadable: detail !== undefined,
          detail: detail === undefined ? undefined : detail.slice(0, 300),
        }),
        severity: 'failure',
      };
    },
  },
  // ---------------------------------------------------------------- the network
  {
    id: 'no-internet',
    code: 'NO_INTERNET',
    rank: 30,
    when: (facts, a) =>
      facts.internet.kind === 'no-network'
        ? {
            side: 'network',
            params: { errorCode: facts.internet.errorCode, mailServersAnswered: a.mailServerAnswered },
            severity: internetSeverity(a),
          }
        : null,
  },
  {
    id: 'captive-portal',
    code: 'CAPTIVE_PORTAL',
    rank: 40,
    when: (facts, a) =>
      facts.internet.kind === 'captive-portal'
        ? {
            side: 'network',
            params: compact({
              portalHost: facts.internet.redirectedTo === undefined ? undefined : hostOfUrl(facts.internet.redirectedTo),
              mailServersAnswered: a.mailServerAnswered,
            }),
            severity: internetSeverity(a),
          }
        : null,
  },
  {
    id: 'dns-broken-on-network',
    code: 'DNS_NOT_FOUND',
    rank: 50,
    when: (facts, a) =>
      facts.internet.kind === 'dns-broken'
        ? {
            side: 'network',
            params: { scope: 'network', errorCode: facts.internet.errorCode, mailServersAnswered: a.mailServerAnswered },
            severity: internetSeverity(a),
          }
        : null,
  },
  // ---------------------------------------------------------------- DNS of the configured servers
  {
    id: 'server-name-not-found',
    code: 'DNS_NOT_FOUND',
    rank: 60,
    when: (facts, a) =>
      perSide(a, (view) => {
        const resolution = view.probe?.resolution;
        if (!a.networkUsable || resolution === undefined || resolution.kind === 'resolved') return null;
        return {
          side: view.side,
          params: compact({
            scope: 'server' as const,
            role: view.side,
            host: view.host,
            lookup: resolution.kind,
            suggestedHost: suggestedHostFor(facts, view),
          }),
          severity: 'failure',
        };
      }),
  },
  // ---------------------------------------------------------------- bans (they explain the silent or refusing ports)
  {
    id: 'ban-firewall-drop',
    code: 'IP_BLOCKED_FIREWALL_DROP',
    rank: 70,
    suppresses: ['PORT_TIMEOUT', 'PORT_REFUSED', 'PORT_RESET', 'CONNECTION_FAILED'],
    when: (facts, a) =>
      a.ban === 'drop'
        ? {
            side: bothTriedSide(a),
            params: compact({
              ip: a.publicIp,
              ports: triedPorts(a),
              evidence: a.csfPageUrl === undefined ? ('ports' as const) : ('csf-page' as const),
              mailSawFailures: mailSawFailures(facts),
            }),
            severity: 'failure',
            alsoOn: ['server-reachable'],
          }
        : null,
  },
  {
    id: 'ban-reject',
    code: 'IP_BLOCKED_REJECT',
    rank: 71,
    suppresses: ['PORT_TIMEOUT', 'PORT_REFUSED', 'PORT_RESET', 'CONNECTION_FAILED'],
    when: (facts, a) =>
      a.ban === 'reject'
        ? {
            side: bothTriedSide(a),
            params: compact({ ip: a.publicIp, ports: triedPorts(a), mailSawFailures: mailSawFailures(facts) }),
            severity: 'failure',
            alsoOn: ['server-reachable'],
          }
        : null,
  },
  {
    id: 'host-confirms-block',
    code: 'IP_BLOCKED_CONFIRMED',
    rank: 72,
    // The host's own records outrank the client-side guess from refused logins or a lock-out page.
    suppresses: ['IP_BLOCKED_LOGIN_LAYER'],
    when: (facts) => {
      const check = facts.hostBlockCheck;
      if (check === undefined || check === null || !check.blocked) return null;
      const newest = [...check.failedLogins].sort((x, y) => (parseTime(y.at) ?? 0) - (parseTime(x.at) ?? 0))[0];
      const services = [...new Set(check.failedLogins.map((failure) => failure.service))].join(', ');
      return {
        side: 'both',
        params: compact({
          ip: check.ip,
          blockedBy: check.blockedBy,
          blockedAt: check.since,
          liftsAt: check.until,
          failedLogins: check.failedLogins.length,
          lastFailedAt: newest?.at,
          services: services === '' ? undefined : services,
          checkedAt: check.checkedAt,
        }),
        severity: 'failure',
      };
    },
  },
  // ---------------------------------------------------------------- ports
  connectionRule('PORT_TIMEOUT', 80, (facts, a, view) => {
    const tcp = view.probe?.tcp;
    if (tcp?.kind !== 'timeout') return null;
    return {
      role: view.side,
      host: view.host,
      port: view.port,
      seconds: seconds(tcp.afterMs),
      webAlsoFailed: facts.probes.webmail.length > 0 && !a.webAnswered,
      blockedSmtpPort: view.protocol === 'smtp' && view.port === 25 && (a.sides.incoming.connected || a.triedMail.length === 1),
    };
  }),
  connectionRule('PORT_REFUSED', 81, (_facts, _a, view) =>
    view.probe?.tcp?.kind === 'refused' ? { role: view.side, host: view.host, port: view.port } : null,
  ),
  connectionRule('PORT_RESET', 82, (_facts, _a, view) =>
    view.probe?.tcp?.kind === 'reset' ? { role: view.side, host: view.host, port: view.port } : null,
  ),
  connectionRule('CONNECTION_FAILED', 83, (_facts, _a, view) => {
    const tcp = view.probe?.tcp;
    if (tcp?.kind !== 'unreachable' && tcp?.kind !== 'error') return null;
    return { role: view.side, host: view.host, port: view.port, reason: tcp.kind, errorCode: tcp.errorCode };
  }),
  // ---------------------------------------------------------------- the first words and TLS
  tlsRule({
    id: 'tls-mode-port-observed',
    code: 'TLS_MODE_PORT_MISMATCH',
    rank: 84,
    // The mismatch explains a silent greeting, a failed handshake or a missing STARTTLS on the same server.
    suppresses: ['CONNECTION_FAILED', 'STARTTLS_NOT_OFFERED', 'TLS_HANDSHAKE_FAILED'],
    match: (_facts, view) => {
      const observed = modeMismatchObserved(view);
      return observed === null ? null : modeMismatchParams(view, observed);
    },
  }),
  {
    id: 'server-reply-too-large',
    code: 'SERVER_REPLY_TOO_LARGE',
    rank: 85,
    // The byte budget closed the connection: that is why the dialogue or the encryption setup broke off.
    suppresses: ['CONNECTION_FAILED', 'TLS_HANDSHAKE_FAILED'],
    when: (_facts, a) =>
      perSide(a, (view) => {
        if (!liveConnected(a, view)) return null;
        const server = { role: view.side, host: view.host, port: view.port };
        const tls = view.probe?.tls;
        if (tls?.kind === 'protocol-error' && REPLY_TOO_LARGE_CODES.has(tls.errorCode)) {
          return { side: view.side, params: { ...server, phase: tls.phase, errorCode: tls.errorCode }, severity: 'failure' };
        }
        const login = view.probe?.login;
        if (view.login === 'reply-too-large' && login?.kind === 'error') {
          return { side: view.side, params: { ...server, phase: 'login', errorCode: login.errorCode }, severity: 'failure' };
        }
        return null;
      }),
  },
  tlsRule({
    id: 'no-greeting',
    code: 'CONNECTION_FAILED',
    rank: 87,
    match: (_facts, view) => {
      const tls = view.probe?.tls;
      if (tls?.kind !== 'timeout' || tls.phase !== 'greeting') return null;
      return { role: view.side, host: view.host, port: view.port, reason: 'no-greeting' };
    },
  }),
  tlsRule({
    id: 'protocol-error',
    code: 'CONNECTION_FAILED',
    rank: 88,
    match: (_facts, view) => {
      const tls = view.probe?.tls;
      if (tls?.kind !== 'protocol-error' || tls.phase === 'starttls') return null;
      const refused = tls.errorCode === 'SERVER_REFUSED';
      return compact({
        role: view.side,
        host: view.host,
        port: view.port,
        reason: refused ? ('server-refused' as const) : ('protocol' as const),
        errorCode: tls.errorCode,
        detail: refused && tls.detail !== '' ? tls.detail : undefined,
      });
    },
  }),
  tlsRule({
    id: 'starttls-not-offered',
    code: 'STARTTLS_NOT_OFFERED',
    rank: 95,
    match: (_facts, view) =>
      view.probe?.tls?.kind === 'starttls-not-offered'
        ? { role: view.side, host: view.host, port: view.port, suggestedPort: implicitPortFor(view.protocol) }
        : null,
  }),
  tlsRule({
    id: 'starttls-withdrawn',
    code: 'STARTTLS_WITHDRAWN',
    rank: 96,
    match: (_facts, view) => {
      const tls = view.probe?.tls;
      return tls?.kind === 'starttls-withdrawn' ? { role: view.side, host: view.host, port: view.port, advertisedOn: tls.advertisedOn } : null;
    },
  }),
  tlsRule({
    id: 'tls-hostname-mismatch',
    code: 'TLS_HOSTNAME_MISMATCH',
    rank: 100,
    match: (facts, view) => {
      const tls = certificate(view);
      if (tls === null || tls.verification.ok || tls.verification.problem !== 'hostname-mismatch') return null;
      const names = tls.certificate.names.length > 0 ? tls.certificate.names : [tls.certificate.subjectCommonName ?? ''];
      const expectedHost = expectedFor(facts, view.side)?.host;
      const published = [...(expectedHost === undefined ? [] : [expectedHost]), ...publishedFor(facts, view).map((server) => server.host)];
      const suggestion =
        published.find((host) => !sameHost(host, view.host) && names.some((name) => certNameCovers(name, host))) ??
        names.find((name) => name !== '' && !name.startsWith('*') && !/^[\d.:]+$/.test(name));
      return compact({ role: view.side, host: view.host, certNames: names.filter((name) => name !== '').join(', '), suggestedHost: suggestion });
    },
  }),
  tlsRule({
    id: 'tls-cert-expired',
    code: 'TLS_CERT_EXPIRED',
    rank: 101,
    match: (_facts, view) => {
      const tls = certificate(view);
      if (tls === null || tls.verification.ok) return null;
      const problem = tls.verification.problem;
      if (problem !== 'expired' && problem !== 'not-yet-valid') return null;
      return {
        role: view.side,
        host: view.host,
        validToAt: tls.certificate.validTo,
        validFromAt: tls.certificate.validFrom,
        notYetValid: problem === 'not-yet-valid',
      };
    },
  }),
  tlsRule({
    id: 'tls-cert-untrusted',
    code: 'TLS_CERT_UNTRUSTED',
    rank: 102,
    match: (_facts, view) => {
      const tls = certificate(view);
      if (tls === null || tls.verification.ok) return null;
      const problem = tls.verification.problem;
      if (problem !== 'untrusted' && problem !== 'self-signed' && problem !== 'other') return null;
      return {
        role: view.side,
        host: view.host,
        issuer: tls.certificate.issuer === '' ? 'an unknown issuer' : tls.certificate.issuer,
        selfSigned: problem === 'self-signed' || tls.certificate.selfSigned,
      };
    },
  }),
  tlsRule({
    id: 'tls-handshake-failed',
    code: 'TLS_HANDSHAKE_FAILED',
    rank: 103,
    match: (_facts, view) => {
      const tls = view.probe?.tls;
      if (tls === undefined || tls === null) return null;
      const server = { role: view.side, host: view.host, port: view.port };
      if (tls.kind === 'handshake-failed') return { ...server, errorCode: tls.errorCode };
      if (tls.kind === 'protocol-error' && tls.phase === 'starttls') return { ...server, errorCode: tls.errorCode };
      if (tls.kind === 'timeout' && tls.phase !== 'greeting') return { ...server, phase: tls.phase };
      return null;
    },
  }),
  {
    id: 'login-needs-tls',
    code: 'LOGIN_NEEDS_TLS',
    rank: 105,
    when: (_facts, a) =>
      perSide(a, (view) => {
        if (view.login !== 'needs-tls') return null;
        const outcome = view.probe?.login;
        const serverText = outcome?.kind === 'rejected' || outcome?.kind === 'unavailable' ? outcome.serverText : undefined;
        return {
          side: view.side,
          params: compact({ role: view.side, host: view.host, reason: 'server-requires' as const, suggestedPort: implicitPortFor(view.protocol), serverText }),
          severity: 'failure',
        };
      }),
  },
  {
    id: 'login-not-sent-in-clear',
    code: 'LOGIN_NEEDS_TLS',
    rank: 106,
    when: (_facts, a) =>
      perSide(a, (view) => {
        const login = view.probe?.login;
        if (!a.networkUsable || login?.kind !== 'skipped' || login.reason !== 'cleartext-connection') return null;
        return {
          side: view.side,
          params: { role: view.side, host: view.host, reason: 'not-sent', suggestedPort: implicitPortFor(view.protocol) },
          severity: 'warning',
        };
      }),
  },
  // ---------------------------------------------------------------- logins
  {
    id: 'login-layer-block',
    code: 'IP_BLOCKED_LOGIN_LAYER',
    rank: 110,
    when: (facts, a) => {
      // The hosting account's own records (cPHulk) say this address is not blocked: the guess is ruled out.
      if (facts.hostBlockCheck?.blocked === false) return null;
      if (a.cphulkPageUrl !== undefined) {
        const bothAccepted = SIDES.every((side) => a.sides[side].login === 'accepted');
        return {
          side: 'both',
          params: compact({ ip: a.publicIp, evidence: 'webmail-page' as const, webmailUrl: a.cphulkPageUrl }),
          severity: bothAccepted ? 'warning' : 'failure',
          alsoOn: ['webmail'],
        };
      }
      // The password worked from this Mac lately, the secure connections work, yet every login is refused now
      // (and the stored passwords are not known to differ, which would explain it otherwise).
      const accepted = a.mailLog.latestAccepted;
      const acceptedAt = parseTime(accepted?.at);
      if (
        a.passwordAccount &&
        a.bothRejected &&
        comparison(facts) !== 'different' &&
        SIDES.every((side) => a.sides[side].tlsVerified) &&
        accepted !== undefined &&
        acceptedAt !== undefined &&
        a.nowMs - acceptedAt <= MAIL_LOG_RECENT_ACCEPT_HOURS * HOUR_MS
      ) {
        return { side: 'both', params: compact({ ip: a.publicIp, evidence: 'mail-log' as const, acceptedAt: accepted.at }), severity: 'failure' };
      }
      return null;
    },
  },
  {
    id: 'passwords-differ-live',
    code: 'PASSWORDS_DIFFER',
    rank: 120,
    group: 'stale-password',
    when: (facts, a) => {
      const split = a.liveSplit;
      if (split === null || comparison(facts) !== 'different') return null;
      return {
        side: split.stale,
        params: {
          source: 'live',
          staleRole: split.stale,
          goodRole: split.good,
          staleHost: a.sides[split.stale].host,
          goodHost: a.sides[split.good].host,
        },
        severity: 'failure',
      };
    },
  },
  {
    id: 'usernames-differ-explains-refusal',
    code: 'USERNAMES_DIFFER',
    rank: 121,
    group: 'stale-password',
    // When the user name explains one side's refusal, the general "user names differ" finding would repeat it.
    suppresses: ['USERNAMES_DIFFER'],
    when: (facts, a) => {
      const split = a.liveSplit;
      if (split === null || !usernamesDiffer(facts)) return null;
      return {
        side: split.stale,
        params: {
          explains: true,
          incomingUser: facts.account.incoming?.username ?? '',
          outgoingUser: facts.account.outgoing?.username ?? '',
          goodRole: split.good,
          badRole: split.stale,
          goodUser: a.sides[split.good].settings?.username ?? '',
          badUser: a.sides[split.stale].settings?.username ?? '',
        },
        severity: 'failure',
      };
    },
  },
  {
    id: 'passwords-differ-mail-log',
    code: 'PASSWORDS_DIFFER',
    rank: 122,
    group: 'stale-password',
    when: (facts, a) => {
      const stale = a.mailLogStaleSide;
      if (!a.passwordAccount || stale === null || comparison(facts) === 'same') return null;
      // One password tried live on both sides split the same way: the split is not about two saved passwords.
      if (a.liveSplit !== null && comparison(facts) !== 'different') return null;
      const rejected = a.mailLog.latest[stale];
      const accepted = a.mailLog.latest[otherSide(stale)];
      if (rejected === undefined || accepted === undefined) return null;
      return {
        side: stale,
        params: {
          source: 'mail-log',
          staleRole: stale,
          goodRole: otherSide(stale),
          staleHost: rejected.host,
          goodHost: accepted.host,
          rejectedAt: rejected.at,
          acceptedAt: accepted.at,
          serverText: rejected.serverText,
        },
        severity: 'failure',
      };
    },
  },
  {
    id: 'passwords-differ-untested',
    code: 'PASSWORDS_DIFFER',
    rank: 123,
    group: 'stale-password',
    when: (facts, a) => {
      if (!a.passwordAccount || comparison(facts) !== 'different') return null;
      const { incoming, outgoing } = a.sides;
      if (untested(incoming) && untested(outgoing)) return { side: 'both', params: { source: 'stored' }, severity: 'warning' };
      for (const stale of SIDES) {
        const good = otherSide(stale);
        if (untested(a.sides[stale]) && a.sides[good].login === 'accepted') {
          return {
            side: stale,
            params: { source: 'stored', staleRole: stale, goodRole: good, staleHost: a.sides[stale].host, goodHost: a.sides[good].host },
            severity: 'warning',
          };
        }
      }
      return null;
    },
  },
  {
    id: 'password-missing',
    code: 'PASSWORD_MISSING',
    rank: 124,
    group: 'stale-password',
    // Only where the store positively has none ('...-missing' comes only from 'not-found', never from a
    // password kept out of reach), and Mail's own evidence does not prove a saved one exists.
    when: (facts, a) => {
      if (!a.passwordAccount) return null;
      const outgoingNeedsOne = a.sides.outgoing.settings?.authenticationEnabled !== false;
      const missing = missingSides(comparison(facts), outgoingNeedsOne).filter((side) => !a.savedPasswordProven[side]);
      const [only, second] = missing;
      if (only === undefined) return null;
      if (second !== undefined) return { side: 'both', params: { role: 'both' }, severity: 'failure' };
      // The other side is not missing (or Mail's evidence shows it has one): name it when it needs a password.
      const other = a.sides[otherSide(only)];
      const otherHasOne = other.host !== '' && (only === 'outgoing' || outgoingNeedsOne);
      return {
        side: only,
        params: compact({ role: only, host: a.sides[only].host, otherHost: otherHasOne ? other.host : undefined }),
        severity: 'failure',
      };
    },
  },
  {
    id: 'username-not-full-address-explains-refusal',
    code: 'USERNAME_NOT_FULL_ADDRESS',
    rank: 126,
    when: (facts, a) =>
      perSide(a, (view) =>
        a.passwordAccount && shortUsername(facts, view) && looksLikeCpanel(facts) && view.login === 'rejected-credentials'
          ? {
              side: view.side,
              params: { role: view.side, username: view.settings?.username ?? '', email: facts.account.emailAddress, cpanel: true },
              severity: 'failure',
            }
          : null,
      ),
  },
  loginRejectedRule('IMAP_AUTH_REJECTED', 130),
  loginRejectedRule('POP3_AUTH_REJECTED', 131),
  loginRejectedRule('SMTP_AUTH_REJECTED', 132),
  {
    id: 'smtp-auth-disabled',
    code: 'SMTP_AUTH_DISABLED',
    rank: 135,
    when: (_facts, a) => {
      const view = a.sides.outgoing;
      if (!a.passwordAccount || view.settings === null || view.settings.authenticationEnabled) return null;
      // The server's own answer to a message without a login settles it; without one, judge by the signs.
      const relay = view.probe?.relayWithoutAuth;
      if (relay?.kind === 'accepted') return null;
      if (relay?.kind === 'refused') {
        return { side: 'outgoing', params: { host: view.host, port: view.port, serverReply: relay.serverText }, severity: 'failure' };
      }
      const advertisesAuth = (view.probe?.capabilities ?? []).some((capability) => /^AUTH\b/i.test(capability));
      const submissionPort = view.port === 587 || view.port === 465;
      return {
        side: 'outgoing',
        params: { host: view.host, port: view.port },
        severity: advertisesAuth || submissionPort ? 'failure' : 'warning',
      };
    },
  },
  {
    id: 'server-unavailable',
    code: 'SERVER_UNAVAILABLE',
    rank: 140,
    when: (facts, a) =>
      perSide(a, (view) => {
        const reasons: Partial<Record<SideView['login'], ServerUnavailableReason>> = {
          'rejected-temporary': 'temporary',
          'rejected-disabled': 'disabled',
          'no-login-offered': 'no-login-offered',
          'no-answer': 'no-answer',
        };
        const reason = reasons[view.login];
        if (reason === undefined) return null;
        const outcome = view.probe?.login;
        const serverText = outcome?.kind === 'rejected' || outcome?.kind === 'unavailable' ? outcome.serverText : undefined;
        return {
          side: view.side,
          params: compact({ role: view.side, host: view.host, port: view.port, reason, serverText, email: facts.account.emailAddress }),
          severity: 'failure',
        };
      }),
  },
  {
    id: 'login-delayed-by-server',
    code: 'LOGIN_DELAYED_BY_SERVER',
    rank: 141,
    when: (_facts, a) =>
      perSide(a, (view) => {
        const login = view.probe?.login;
        const server = { role: view.side, host: view.host };
        // The password was sent and no answer came in time: the server is slowing logins, it did not fail.
        if (login?.kind === 'timeout' && login.phase === 'auth') {
          return {
            side: view.side,
            params: { ...server, outcome: 'no-reply', seconds: seconds(login.afterMs) },
            severity: 'warning',
            alsoOn: ['ip-blocked'],
          };
        }
        const replyMs = login?.kind === 'accepted' || login?.kind === 'rejected' ? login.authReplyMs : undefined;
        if (replyMs === undefined) return null;
        if (login?.kind === 'accepted' && replyMs > SLOW_ACCEPTED_LOGIN_MS) {
          return { side: view.side, params: { ...server, outcome: 'accepted', seconds: seconds(replyMs) }, severity: 'note' };
        }
        if (view.login === 'rejected-credentials' && replyMs > SLOW_REFUSED_LOGIN_MS) {
          return { side: view.side, params: { ...server, outcome: 'refused', seconds: seconds(replyMs) }, severity: 'note' };
        }
        return null;
      }),
  },
  // ---------------------------------------------------------------- what Mail itself saw
  {
    id: 'mail-saw-auth-rejected',
    code: 'MAIL_SAW_AUTH_REJECTED',
    rank: 145,
    when: (_facts, a) =>
      perSide(a, (view) => {
        const reply = a.mailLog.latest[view.side];
        if (reply === undefined || reply.result !== 'rejected') return null;
        const resolvedSince = view.login === 'accepted';
        return {
          side: view.side,
          params: { role: view.side, host: reply.host, port: reply.port, serverText: reply.serverText, rejectedAt: reply.at, resolvedSince },
          severity: resolvedSince ? 'note' : 'failure',
        };
      }),
  },
  {
    id: 'password-prompt-suppressed',
    code: 'PASSWORD_PROMPT_SUPPRESSED',
    rank: 150,
    when: (facts, a) => {
      const rejectedAt = facts.mailEvidence?.credentialState.renewalRejectedAt;
      const rejectedMs = parseTime(rejectedAt);
      if (rejectedAt === undefined || rejectedMs === undefined) return null;
      const age = a.nowMs - rejectedMs;
      // A few minutes of clock skew between accountsd's record and our "now" is not "in the future".
      if (age < -5 * 60_000 || age >= PROMPT_SUPPRESSION_HOURS * HOUR_MS) return null;
      const bothAccepted = SIDES.every((side) => a.sides[side].login === 'accepted');
      return {
        side: 'account',
        params: { rejectedAt, liftsAt: isoFrom(rejectedMs + PROMPT_SUPPRESSION_HOURS * HOUR_MS) },
        severity: bothAccepted ? 'note' : 'warning',
      };
    },
  },
  {
    id: 'login-budget',
    code: 'LOGIN_BUDGET_EXHAUSTED',
    rank: 160,
    when: (_facts, a) =>
      perSide(a, (view) => {
        const login = view.probe?.login;
        if (!a.networkUsable || login === undefined || login.kind !== 'skipped' || login.reason !== 'login-budget') return null;
        return { side: view.side, params: compact({ role: view.side, host: view.host, safeAfter: login.safeAfter }), severity: 'warning' };
      }),
  },
  {
    id: 'login-ledger-unavailable',
    code: 'LOGIN_LEDGER_UNAVAILABLE',
    rank: 161,
    when: (_facts, a) => {
      const skipped = SIDES.flatMap((side) => {
        const login = a.sides[side].probe?.login;
        return login?.kind === 'skipped' && login.reason === 'ledger-unavailable' ? [{ side, ledger: login.ledger }] : [];
      });
      const first = skipped[0];
      if (first === undefined) return null;
      const side = skipped.length === 2 ? 'both' : first.side;
      return {
        side,
        params: compact({ role: side, path: first.ledger?.path, problem: first.ledger?.problem, errorCode: first.ledger?.errorCode }),
        severity: 'warning',
        alsoOn: skipped.length === 2 ? ['outgoing'] : [],
      };
    },
  },
  // ---------------------------------------------------------------- stored settings
  {
    id: 'outgoing-not-linked',
    code: 'OUTGOING_NOT_LINKED',
    rank: 170,
    when: (facts, a) => {
      if (!a.passwordAccount || facts.account.incoming === null) return null;
      const link = facts.account.outgoingLink;
      const identifier = link.kind === 'unresolved' ? link.identifier : undefined;
      if (facts.account.outgoing === null) {
        return { side: 'outgoing', params: compact({ email: facts.account.emailAddress, identifier }), severity: 'failure' };
      }
      return link.kind === 'unresolved'
        ? { side: 'outgoing', params: compact({ email: facts.account.emailAddress, identifier }), severity: 'warning' }
        : null;
    },
  },
  {
    id: 'server-differs-from-expected',
    code: 'SERVER_DIFFERS_FROM_EXPECTED',
    rank: 175,
    when: (facts, a) =>
      perSide(a, (view) => {
        const expected = expectedFor(facts, view.side);
        const stored = view.settings;
        if (expected === null || stored === null) return null;
        const hostDiffers = !sameHost(stored.host, expected.host);
        const portDiffers = stored.port !== expected.port;
        const tlsDiffers = stored.tls !== expected.tls;
        if (!hostDiffers && !portDiffers && !tlsDiffers) return null;
        // A stored setting that IT does not expect and that failed live is a cause; one that works (or was not
        // tried) is still worth changing, since IT supports only its own setting.
        const failedLive = a.networkUsable && view.tcpTried && !works(view);
        return {
          side: view.side,
          params: {
            role: view.side,
            domain: facts.expected?.domain ?? '',
            host: stored.host,
            port: stored.port,
            mode: stored.tls,
            expectedHost: expected.host,
            expectedPort: expected.port,
            expectedTls: expected.tls,
            hostDiffers,
            portDiffers,
            tlsDiffers,
            works: works(view),
          },
          severity: failedLive ? 'failure' : 'warning',
        };
      }),
  },
  {
    id: 'server-differs-from-published',
    code: 'SERVER_DIFFERS_FROM_PUBLISHED',
    rank: 180,
    when: (facts, a) =>
      perSide(a, (view) => {
        // IT's word outranks what the domain publishes: with a managed expectation for this side, that decides.
        if (expectedFor(facts, view.side) !== null) return null;
        const published = publishedFor(facts, view);
        if (view.settings === null || published.length === 0 || published.some((server) => sameHost(server.host, view.host))) return null;
        const best = published[0];
        if (best === undefined) return null;
        return {
          side: view.side,
          params: compact({
            role: view.side,
            host: view.host,
            domain: facts.probes.published?.domain,
            publishedHost: best.host,
            publishedPort: best.port,
            from: best.from,
          }),
          severity: works(view) ? 'note' : 'warning',
        };
      }),
  },
  {
    id: 'usernames-differ',
    code: 'USERNAMES_DIFFER',
    rank: 185,
    when: (facts, a) => {
      if (!a.passwordAccount || !usernamesDiffer(facts)) return null;
      const harmless = SIDES.every((side) => a.sides[side].login === 'accepted');
      // One side accepted its user name: that one works; the difference is worth knowing, not a cause.
      const oneWorks = SIDES.some((side) => a.sides[side].login === 'accepted');
      return {
        side: 'both',
        params: {
          explains: false,
          incomingUser: facts.account.incoming?.username ?? '',
          outgoingUser: facts.account.outgoing?.username ?? '',
          harmless,
        },
        severity: harmless || oneWorks ? 'note' : 'warning',
      };
    },
  },
  {
    id: 'username-not-full-address',
    code: 'USERNAME_NOT_FULL_ADDRESS',
    rank: 186,
    when: (facts, a) =>
      perSide(a, (view) => {
        if (!a.passwordAccount || !shortUsername(facts, view) || view.login === 'accepted') return null;
        const cpanel = looksLikeCpanel(facts);
        const rejected = view.login === 'rejected-credentials';
        // A warning when a plain server refused the short name, or a cPanel server's name was not tested;
        // a cPanel server that refused it is the failure of rank 126.
        if (rejected === cpanel) return null;
        return {
          side: view.side,
          params: { role: view.side, username: view.settings?.username ?? '', email: facts.account.emailAddress, cpanel },
          severity: 'warning',
        };
      }),
  },
  {
    id: 'tls-mode-port-static',
    code: 'TLS_MODE_PORT_MISMATCH',
    rank: 187,
    when: (_facts, a) =>
      perSide(a, (view) => {
        if (view.settings === null || !modeContradictsPort(view.port, view.tlsMode)) return null;
        // When the live probe reached the server, what it saw decides; this covers the untested case.
        if (liveConnected(a, view) || view.tlsVerified || view.login === 'accepted') return null;
        return { side: view.side, params: modeMismatchParams(view, undefined), severity: 'warning' };
      }),
  },
  {
    id: 'account-not-syncing',
    code: 'ACCOUNT_NOT_SYNCING',
    rank: 190,
    when: (facts, a) => {
      const mailbox = facts.mailEvidence?.mailbox;
      if (mailbox === undefined || mailbox.outcome.kind !== 'read') return null;
      const last = parseTime(mailbox.lastMailReceivedAt);
      const pending = mailbox.pendingLocalActions ?? 0;
      if (last === undefined || mailbox.lastMailReceivedAt === undefined) return null;
      const quietMs = a.nowMs - last;
      if (quietMs < NOT_SYNCING_MIN_HOURS * HOUR_MS || pending < NOT_SYNCING_MIN_PENDING_ACTIONS) return null;
      return {
        side: 'incoming',
        params: { lastMailAt: mailbox.lastMailReceivedAt, days: Math.floor(quietMs / (24 * HOUR_MS)), pending },
        severity: 'warning',
      };
    },
  },
  {
    id: 'connection-log-off',
    code: 'CONNECTION_LOG_OFF',
    rank: 195,
    // Advice: the log would show which saved password a server refuses. Worth saying only beside such a problem.
    adviceFor: ['PASSWORD_UNREADABLE', 'PASSWORDS_DIFFER', 'PASSWORD_PROMPT_SUPPRESSED', 'ACCOUNT_NOT_SYNCING'],
    when: (facts, a) => {
      const log = facts.mailEvidence?.connectionLog;
      if (log === undefined || log.outcome.kind !== 'absent' || !a.passwordAccount) return null;
      return { side: 'account', params: {}, severity: 'note' };
    },
  },
  {
    id: 'password-unreadable',
    code: 'PASSWORD_UNREADABLE',
    rank: 196,
    when: (facts, a) => {
      if (!a.passwordAccount) return null;
      const unreadable = SIDES.filter((side) => {
        const outcome = facts.account.passwords[side].outcome;
        return (outcome === 'denied' || outcome === 'error' || outcome === 'out-of-reach') && a.sides[side].settings !== null;
      });
      if (unreadable.length === 0) return null;
      const outcomes = unreadable.map((side) => facts.account.passwords[side].outcome);
      const reason = outcomes.includes('denied') ? 'denied' : outcomes.includes('error') ? 'error' : 'out-of-reach';
      const stillUntested = unreadable.some((side) => untested(a.sides[side]));
      const severity = stillUntested && !facts.noLogin ? 'warning' : 'note';
      const only = unreadable.length === 1 ? unreadable[0] : undefined;
      return only === undefined
        ? { side: 'both', params: { role: 'both', reason }, severity }
        : { side: only, params: { role: only, host: a.sides[only].host, reason }, severity };
    },
  },
  {
    id: 'oauth-account',
    code: 'OAUTH_ACCOUNT',
    rank: 200,
    when: (facts) =>
      facts.account.authKind === 'oauth' ? { side: 'account', params: compact({ provider: facts.account.provider }), severity: 'note' } : null,
  },
  {
    id: 'mail-saw-connect-failures',
    code: 'MAIL_SAW_CONNECT_FAILURES',
    rank: 205,
    when: (facts, a) => {
      const failures = facts.mailEvidence?.connectionLog.connectFailures ?? [];
      const byServer = new Map<string, { host: string; port: number; count: number; lastAt: string; lastMs: number }>();
      for (const failure of failures) {
        const ms = parseTime(failure.at);
        if (ms === undefined) continue;
        const key = `${failure.host.toLowerCase()}:${failure.port}`;
        const seen = byServer.get(key);
        if (seen === undefined) byServer.set(key, { host: failure.host, port: failure.port, count: 1, lastAt: failure.at, lastMs: ms });
        else byServer.set(key, { ...seen, count: seen.count + 1, ...(ms > seen.lastMs ? { lastAt: failure.at, lastMs: ms } : {}) });
      }
      const matches: RuleMatch<'MAIL_SAW_CONNECT_FAILURES'>[] = [];
      const usedSides = new Set<FindingSide>();
      for (const server of [...byServer.values()].sort((x, y) => y.count - x.count)) {
        if (server.count < CONNECT_FAILURES_MIN) continue;
        const side: FindingSide = SIDES.find((s) => a.sides[s].host !== '' && sameHost(a.sides[s].host, server.host)) ?? 'network';
        if (usedSides.has(side)) continue;
        usedSides.add(side);
        matches.push({ side, params: { host: server.host, port: server.port, count: server.count, lastAt: server.lastAt }, severity: 'note' });
      }
      return matches;
    },
  },
  {
    id: 'webmail-unreachable',
    code: 'WEBMAIL_UNREACHABLE',
    rank: 210,
    when: (facts, a) => {
      const webmail = facts.probes.webmail;
      if (!a.networkUsable || webmail.length === 0 || webmail.some((outcome) => outcome.kind === 'page')) return null;
      const first = webmail[0];
      if (first === undefined) return null;
      const reason = first.kind === 'tls-failed' ? 'certificate' : first.kind === 'not-found' ? 'not-found' : 'unreachable';
      return { side: 'account', params: { url: first.url, reason }, severity: 'note' };
    },
  },
  {
    id: 'account-read-problems',
    code: 'ACCOUNT_READ_PROBLEM',
    rank: 215,
    when: (facts) =>
      facts.account.readProblems.length > 0 && !(facts.account.incoming === null && facts.account.authKind === 'password')
        ? { side: 'account', params: { problem: 'read-problems', count: facts.account.readProblems.length }, severity: 'note' }
        : null,
  },
  {
    id: 'long-uptime',
    code: 'LONG_UPTIME',
    rank: 220,
    when: (facts) => {
      const seconds = facts.machine.uptimeSeconds;
      if (seconds === undefined) return null;
      const days = Math.floor(seconds / 86_400);
      return days >= LONG_UPTIME_DAYS ? { side: 'mac', params: { days }, severity: 'note' } : null;
    },
  },
  // ---------------------------------------------------------------- what the servers did with this run's secrets
  {
    id: 'server-repeated-a-secret',
    code: 'SECRET_SCRUBBED',
    rank: 225,
    when: (_facts, a) =>
      perSide(a, (view) =>
        view.probe?.secretScrubbed === true
          ? { side: view.side, params: { caughtIn: 'server-reply', role: view.side, host: view.host }, severity: 'note' }
          : null,
      ),
  },
];
