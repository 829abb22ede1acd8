/**
 * The verdict rules, as a table. Each rule looks at the account facts (and the shared analysis) and
 * either matches, giving the finding's side, params and severity, or not. `rank` orders findings along
 * the helpdesk's chain: the Mac, the network, DNS, ports and bans, TLS, logins, stored settings, notes.
 * The lowest-ranked failure is the verdict (evaluate.ts). docs/failure-codes.md describes every rule.
 */
import type { ChecklistStepId } from '../checklist/steps';
import type { AccountFacts, FindingParams, FindingSeverity, FindingSide } from '../diagnosis/types';
import type { TlsMode } from '../model/account';
import type { FailureCode } from './codes';
import {
  CONNECT_FAILURES_MIN,
  HOUR_MS,
  LONG_UPTIME_DAYS,
  MAIL_LOG_PAIRING_HOURS,
  MAIL_LOG_RECENT_ACCEPT_HOURS,
  NOT_SYNCING_MIN_HOURS,
  NOT_SYNCING_MIN_PENDING_ACTIONS,
  PROMPT_SUPPRESSION_HOURS,
  SIDES,
  certNameCovers,
  expectedModeForPort,
  hostOfUrl,
  implicitPortFor,
  isoFrom,
  modeContradictsPort,
  otherSide,
  params,
  parseTime,
  sameHost,
  starttlsPortFor,
  type Analysis,
  type Side,
  type SideView,
} from './analysis';

/**
 * The internet check fetches Apple's captive-portal page. When it fails but a mail server answered
 * anyway (a firewall or VPN that lets mail through, a blocked check page), the network is not what
 * stops Mail: the finding stays as a note, never the verdict.
 */
function internetSeverity(a: Analysis): FindingSeverity {
  return a.mailServerAnswered ? 'note' : 'failure';
}

function internetCheckOnly(a: Analysis): { mailServersAnswered?: boolean } {
  return a.mailServerAnswered ? { mailServersAnswered: true } : {};
}

export interface RuleMatch {
  readonly side: FindingSide;
  readonly params: FindingParams;
  readonly severity: FindingSeverity;
  /** Further checklist steps that show this finding (besides its own step). */
  readonly alsoOn?: readonly ChecklistStepId[];
}

export interface VerdictRule {
  /** Unique name, for tests and docs. */
  readonly id: string;
  readonly code: FailureCode;
  /** Position in the chain: lower is earlier (more fundamental). */
  readonly rank: number;
  readonly when: (facts: AccountFacts, analysis: Analysis) => RuleMatch | readonly RuleMatch[] | null;
}

// ------------------------------------------------------------------ helpers

function perSide(fn: (view: SideView) => RuleMatch | null): (facts: AccountFacts, a: Analysis) => readonly RuleMatch[] {
  return (_facts, a) => SIDES.map((side) => fn(a.sides[side])).filter((match): match is RuleMatch => match !== null);
}

const MODE_WORDS = { implicit: 'TLS from the start', starttls: 'STARTTLS', none: 'no encryption' } as const;

/** Probes of this side ran on a usable network and reached TCP. */
function liveConnected(a: Analysis, view: SideView): boolean {
  return a.networkUsable && view.connected;
}

/**
 * How the live login on this side ended. A login result is first-hand evidence whatever the internet
 * check said, so it is never discarded (an accepted login must never be contradicted).
 */
function liveLogin(_a: Analysis, view: SideView): SideView['login'] {
  return view.login;
}

/** The login on this side was not tested live (a skip or no probe), so stored facts and Mail's log must speak. */
function untested(a: Analysis, view: SideView): boolean {
  const login = liveLogin(a, view);
  return login === 'skipped' || login === 'not-run';
}

function comparison(facts: AccountFacts): AccountFacts['account']['passwords']['comparison'] {
  return facts.account.passwords.comparison;
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

function ipParams(a: Analysis): FindingParams {
  return params({ ip: a.publicIp });
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

/**
 * Mail's log shows one side refused and the other accepted in the same period, and the live probes do not
 * contradict it: returns the stale side.
 */
function mailLogStaleSide(a: Analysis): Side | null {
  for (const stale of SIDES) {
    const good = otherSide(stale);
    const rejected = a.mailLog.latest[stale];
    const accepted = a.mailLog.latest[good];
    if (rejected?.result !== 'rejected' || accepted?.result !== 'accepted') continue;
    const gap = Math.abs((parseTime(rejected.at) ?? 0) - (parseTime(accepted.at) ?? 0));
    if (gap > MAIL_LOG_PAIRING_HOURS * HOUR_MS) continue;
    // Live evidence is fresher: never call a side stale that just logged in, nor good a side that just failed.
    if (liveLogin(a, a.sides[stale]) === 'accepted') continue;
    if (liveLogin(a, a.sides[good]) === 'rejected-credentials') continue;
    return stale;
  }
  return null;
}

/** The one side that accepted live while the other side was refused its credentials. */
function liveSplit(a: Analysis): { readonly good: Side; readonly stale: Side } | null {
  for (const stale of SIDES) {
    const good = otherSide(stale);
    if (liveLogin(a, a.sides[stale]) === 'rejected-credentials' && liveLogin(a, a.sides[good]) === 'accepted') return { good, stale };
  }
  return null;
}

function bothRejected(a: Analysis): boolean {
  return SIDES.every((side) => liveLogin(a, a.sides[side]) === 'rejected-credentials');
}

function authCode(view: SideView): FailureCode {
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

function authRejectedSeverity(a: Analysis, view: SideView): boolean {
  return liveLogin(a, view) === 'rejected-credentials';
}

// ------------------------------------------------------------------ the table

const NETWORK_RULES: readonly VerdictRule[] = [
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
      return { side: 'mac', params: params({ path: blocked.path }), severity: 'failure' };
    },
  },
  {
    id: 'account-without-incoming-server',
    code: 'ACCOUNT_READ_PROBLEM',
    rank: 20,
    when: (facts) =>
      facts.account.incoming === null && facts.account.authKind === 'password'
        ? { side: 'account', params: params({ problem: 'no-incoming', email: facts.account.emailAddress }), severity: 'failure' }
        : null,
  },
  // ---------------------------------------------------------------- the network
  {
    id: 'no-internet',
    code: 'NO_INTERNET',
    rank: 30,
    when: (facts, a) =>
      facts.internet.kind === 'no-network'
        ? { side: 'network', params: params({ errorCode: facts.internet.errorCode, ...internetCheckOnly(a) }), severity: internetSeverity(a) }
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
            params: params({
              portalHost: facts.internet.redirectedTo === undefined ? undefined : hostOfUrl(facts.internet.redirectedTo),
              ...internetCheckOnly(a),
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
            params: params({ scope: 'network', errorCode: facts.internet.errorCode, ...internetCheckOnly(a) }),
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
      perSide((view) => {
        const resolution = view.probe?.resolution;
        if (!a.networkUsable || resolution === undefined || resolution.kind === 'resolved') return null;
        return {
          side: view.side,
          params: params({
            scope: 'server',
            role: view.side,
            host: view.host,
            lookup: resolution.kind,
            suggestedHost: suggestedHostFor(facts, view),
          }),
          severity: 'failure',
        };
      })(facts, a),
  },
  // ---------------------------------------------------------------- ports and bans
  {
    id: 'ban-firewall-drop',
    code: 'IP_BLOCKED_FIREWALL_DROP',
    rank: 70,
    when: (facts, a) =>
      a.ban === 'drop'
        ? {
            side: bothTriedSide(a),
            params: params({
              ...ipParams(a),
              ports: triedPorts(a),
              evidence: a.csfPageUrl === undefined ? 'ports' : 'csf-page',
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
    when: (facts, a) =>
      a.ban === 'reject'
        ? {
            side: bothTriedSide(a),
            params: params({ ...ipParams(a), ports: triedPorts(a), mailSawFailures: mailSawFailures(facts) }),
            severity: 'failure',
            alsoOn: ['server-reachable'],
          }
        : null,
  },
];

/** Plain connection failures, when the pattern does not point to a ban. */
function connectionRule(code: FailureCode, rank: number, kinds: readonly string[]): VerdictRule {
  return {
    id: `tcp-${code.toLowerCase()}`,
    code,
    rank,
    when: (facts, a) =>
      perSide((view) => {
        const tcp = view.probe?.tcp;
        if (!a.networkUsable || a.ban !== null || !view.tcpTried || tcp === undefined || tcp === null || !kinds.includes(tcp.kind)) return null;
        const base = { role: view.side, host: view.host, port: view.port };
        switch (tcp.kind) {
          case 'timeout': {
            const incomingFine = a.sides.incoming.connected;
            return {
              side: view.side,
              params: params({
                ...base,
                seconds: Math.round(tcp.afterMs / 100) / 10,
                webAlsoFailed: facts.probes.webmail.length > 0 && !a.webAnswered,
                blockedSmtpPort: view.protocol === 'smtp' && view.port === 25 && (incomingFine || a.triedMail.length === 1),
              }),
              severity: 'failure',
            };
          }
          case 'unreachable':
            return { side: view.side, params: params({ ...base, reason: 'unreachable', errorCode: tcp.errorCode }), severity: 'failure' };
          case 'error':
            return { side: view.side, params: params({ ...base, reason: 'error', errorCode: tcp.errorCode }), severity: 'failure' };
          case 'refused':
          case 'reset':
            return { side: view.side, params: params(base), severity: 'failure' };
          case 'connected':
            return null;
        }
      })(facts, a),
  };
}

/** TLS findings for one side, from what the TLS probe saw. */
function tlsRule(id: string, code: FailureCode, rank: number, match: (facts: AccountFacts, view: SideView) => FindingParams | null): VerdictRule {
  return {
    id,
    code,
    rank,
    when: (facts, a) =>
      perSide((view) => {
        if (!liveConnected(a, view)) return null;
        const found = match(facts, view);
        return found === null ? null : { side: view.side, params: found, severity: 'failure' };
      })(facts, a),
  };
}

function certificate(view: SideView) {
  const tls = view.probe?.tls;
  return tls !== undefined && tls !== null && tls.kind === 'established' ? tls : null;
}

/** The configured mode contradicts the port, and the live TLS step did not succeed: the mismatch explains it. */
function modeMismatchObserved(view: SideView): 'plaintext' | 'tls-first' | 'no-greeting' | 'failed' | 'none' | null {
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
function modeMismatchFix(view: SideView, observed: string | undefined): { portSpeaks?: 'implicit-tls' | 'plaintext'; fix: 'turn-on-tls' | 'starttls-port' | 'implicit-port'; suggestedPort: number } {
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

function modeMismatchParams(view: SideView, observed: string | undefined): FindingParams {
  const expected = expectedModeForPort(view.port);
  const fix = modeMismatchFix(view, observed);
  return params({
    role: view.side,
    host: view.host,
    port: view.port,
    configuredMode: MODE_WORDS[view.tlsMode],
    expectedMode: expected === null ? undefined : MODE_WORDS[expected],
    suggestedPort: fix.suggestedPort,
    fix: fix.fix,
    portSpeaks: fix.portSpeaks,
    observed,
  });
}

const AUTH_RULES: readonly VerdictRule[] = [
  {
    id: 'login-layer-block',
    code: 'IP_BLOCKED_LOGIN_LAYER',
    rank: 110,
    when: (facts, a) => {
      if (a.cphulkPageUrl !== undefined) {
        const bothAccepted = SIDES.every((side) => liveLogin(a, a.sides[side]) === 'accepted');
        return {
          side: 'both',
          params: params({ ...ipParams(a), evidence: 'webmail-page', webmailUrl: a.cphulkPageUrl }),
          severity: bothAccepted ? 'warning' : 'failure',
          alsoOn: ['webmail'],
        };
      }
      // The password worked from this Mac lately, the secure connections work, yet every login is refused now.
      const accepted = a.mailLog.latestAccepted;
      const acceptedAt = parseTime(accepted?.at);
      if (
        a.passwordAccount &&
        bothRejected(a) &&
        comparison(facts) !== 'different' &&
        SIDES.every((side) => a.sides[side].tlsVerified) &&
        accepted !== undefined &&
        acceptedAt !== undefined &&
        a.nowMs - acceptedAt <= MAIL_LOG_RECENT_ACCEPT_HOURS * HOUR_MS
      ) {
        return { side: 'both', params: params({ ...ipParams(a), evidence: 'mail-log', acceptedAt: accepted.at }), severity: 'failure' };
      }
      return null;
    },
  },
  {
    id: 'password-missing',
    code: 'PASSWORD_MISSING',
    rank: 115,
    when: (facts, a) => {
      if (!a.passwordAccount) return null;
      const { incoming, outgoing } = a.sides;
      const outgoingNeedsOne = outgoing.settings?.authenticationEnabled !== false;
      switch (comparison(facts)) {
        case 'incoming-missing':
          return {
            side: 'incoming',
            params: params({ role: 'incoming', host: incoming.host, otherHost: outgoingNeedsOne && outgoing.host !== '' ? outgoing.host : undefined }),
            severity: 'failure',
          };
        case 'outgoing-missing':
          return outgoingNeedsOne
            ? {
                side: 'outgoing',
                params: params({ role: 'outgoing', host: outgoing.host, otherHost: incoming.host === '' ? undefined : incoming.host }),
                severity: 'failure',
              }
            : null;
        case 'both-missing':
          return outgoingNeedsOne
            ? { side: 'both', params: params({ role: 'both' }), severity: 'failure' }
            : { side: 'incoming', params: params({ role: 'incoming', host: incoming.host }), severity: 'failure' };
        case 'same':
        case 'different':
        case 'unreadable':
        case 'not-applicable':
          return null;
      }
    },
  },
  {
    id: 'passwords-differ-live',
    code: 'PASSWORDS_DIFFER',
    rank: 120,
    when: (facts, a) => {
      const split = liveSplit(a);
      if (split === null || comparison(facts) !== 'different') return null;
      return {
        side: split.stale,
        params: params({
          source: 'live',
          staleRole: split.stale,
          goodRole: split.good,
          staleHost: a.sides[split.stale].host,
          goodHost: a.sides[split.good].host,
        }),
        severity: 'failure',
      };
    },
  },
  {
    id: 'passwords-differ-mail-log',
    code: 'PASSWORDS_DIFFER',
    rank: 121,
    when: (_facts, a) => {
      if (!a.passwordAccount || liveSplit(a) !== null) return null;
      const stale = mailLogStaleSide(a);
      if (stale === null) return null;
      const rejected = a.mailLog.latest[stale];
      const accepted = a.mailLog.latest[otherSide(stale)];
      return {
        side: stale,
        params: params({
          source: 'mail-log',
          staleRole: stale,
          goodRole: otherSide(stale),
          staleHost: rejected?.host,
          goodHost: accepted?.host,
          rejectedAt: rejected?.at,
          acceptedAt: accepted?.at,
          serverText: rejected?.serverText,
        }),
        severity: 'failure',
      };
    },
  },
  {
    id: 'passwords-differ-untested',
    code: 'PASSWORDS_DIFFER',
    rank: 122,
    when: (facts, a) => {
      if (!a.passwordAccount || comparison(facts) !== 'different' || liveSplit(a) !== null || mailLogStaleSide(a) !== null) return null;
      const { incoming, outgoing } = a.sides;
      if (untested(a, incoming) && untested(a, outgoing)) {
        return { side: 'both', params: params({ source: 'stored' }), severity: 'warning' };
      }
      for (const stale of SIDES) {
        const good = otherSide(stale);
        if (untested(a, a.sides[stale]) && liveLogin(a, a.sides[good]) === 'accepted') {
          return {
            side: stale,
            params: params({ source: 'stored', staleRole: stale, goodRole: good, staleHost: a.sides[stale].host, goodHost: a.sides[good].host }),
            severity: 'warning',
          };
        }
      }
      return null;
    },
  },
  {
    id: 'usernames-differ-explains-refusal',
    code: 'USERNAMES_DIFFER',
    rank: 125,
    when: (facts, a) => {
      const split = liveSplit(a);
      if (split === null || !usernamesDiffer(facts) || comparison(facts) === 'different') return null;
      const goodUser = a.sides[split.good].settings?.username ?? '';
      const badUser = a.sides[split.stale].settings?.username ?? '';
      return {
        side: split.stale,
        params: params({
          incomingUser: facts.account.incoming?.username,
          outgoingUser: facts.account.outgoing?.username,
          explains: true,
          goodRole: split.good,
          badRole: split.stale,
          goodUser,
          badUser,
        }),
        severity: 'failure',
      };
    },
  },
  {
    id: 'username-not-full-address-explains-refusal',
    code: 'USERNAME_NOT_FULL_ADDRESS',
    rank: 126,
    when: (facts, a) =>
      perSide((view) =>
        a.passwordAccount && shortUsername(facts, view) && looksLikeCpanel(facts) && liveLogin(a, view) === 'rejected-credentials'
          ? {
              side: view.side,
              params: params({ role: view.side, username: view.settings?.username, email: facts.account.emailAddress, cpanel: true }),
              severity: 'failure',
            }
          : null,
      )(facts, a),
  },
];

function loginRejectedRule(code: FailureCode, rank: number): VerdictRule {
  return {
    id: `login-rejected-${code.toLowerCase()}`,
    code,
    rank,
    when: (facts, a) =>
      perSide((view) => {
        if (authCode(view) !== code || !authRejectedSeverity(a, view)) return null;
        const other = a.sides[otherSide(view.side)];
        const rejected = view.probe?.login.kind === 'rejected' ? view.probe.login : null;
        return {
          side: view.side,
          params: params({
            role: view.side,
            host: view.host,
            email: facts.account.emailAddress,
            serverText: rejected?.serverText,
            responseCode: rejected?.responseCode,
            bothRejected: bothRejected(a),
            passwordsSame: comparison(facts) === 'same',
            otherSideAccepted: liveLogin(a, other) === 'accepted',
          }),
          severity: 'failure',
        };
      })(facts, a),
  };
}

const LATE_RULES: readonly VerdictRule[] = [
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
        return { side: 'outgoing', params: params({ host: view.host, port: view.port, serverReply: relay.serverText }), severity: 'failure' };
      }
      const advertisesAuth = (view.probe?.capabilities ?? []).some((capability) => /^AUTH\b/i.test(capability));
      const submissionPort = view.port === 587 || view.port === 465;
      return {
        side: 'outgoing',
        params: params({ host: view.host, port: view.port }),
        severity: advertisesAuth || submissionPort ? 'failure' : 'warning',
      };
    },
  },
  {
    id: 'server-unavailable',
    code: 'SERVER_UNAVAILABLE',
    rank: 140,
    when: (facts, a) =>
      perSide((view) => {
        const login = liveLogin(a, view);
        const reason =
          login === 'rejected-temporary'
            ? 'temporary'
            : login === 'rejected-disabled'
              ? 'disabled'
              : login === 'no-login-offered'
                ? 'no-login-offered'
                : login === 'no-answer'
                  ? 'no-answer'
                  : null;
        if (reason === null) return null;
        const outcome = view.probe?.login;
        const serverText = outcome?.kind === 'rejected' || outcome?.kind === 'unavailable' ? outcome.serverText : undefined;
        return {
          side: view.side,
          params: params({ role: view.side, host: view.host, port: view.port, reason, serverText, email: facts.account.emailAddress }),
          severity: 'failure',
        };
      })(facts, a),
  },
  {
    id: 'mail-saw-auth-rejected',
    code: 'MAIL_SAW_AUTH_REJECTED',
    rank: 145,
    when: (facts, a) =>
      perSide((view) => {
        const reply = a.mailLog.latest[view.side];
        if (reply === undefined || reply.result !== 'rejected') return null;
        const resolvedSince = liveLogin(a, view) === 'accepted';
        return {
          side: view.side,
          params: params({
            role: view.side,
            host: reply.host,
            port: reply.port,
            serverText: reply.serverText,
            rejectedAt: reply.at,
            resolvedSince,
          }),
          severity: resolvedSince ? 'note' : 'failure',
        };
      })(facts, a),
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
      const bothAccepted = SIDES.every((side) => liveLogin(a, a.sides[side]) === 'accepted');
      return {
        side: 'account',
        params: params({ rejectedAt, liftsAt: isoFrom(rejectedMs + PROMPT_SUPPRESSION_HOURS * HOUR_MS) }),
        severity: bothAccepted ? 'note' : 'warning',
      };
    },
  },
  {
    id: 'login-budget',
    code: 'LOGIN_BUDGET_EXHAUSTED',
    rank: 160,
    when: (facts, a) =>
      perSide((view) => {
        const login = view.probe?.login;
        if (!a.networkUsable || login === undefined || login.kind !== 'skipped' || login.reason !== 'login-budget') return null;
        return { side: view.side, params: params({ role: view.side, host: view.host, safeAfter: login.safeAfter }), severity: 'warning' };
      })(facts, a),
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
        return { side: 'outgoing', params: params({ email: facts.account.emailAddress, identifier }), severity: 'failure' };
      }
      return link.kind === 'unresolved'
        ? { side: 'outgoing', params: params({ email: facts.account.emailAddress, identifier }), severity: 'warning' }
        : null;
    },
  },
  {
    id: 'server-differs-from-expected',
    code: 'SERVER_DIFFERS_FROM_EXPECTED',
    rank: 175,
    when: (facts, a) =>
      perSide((view) => {
        const expected = expectedFor(facts, view.side);
        const stored = view.settings;
        if (expected === null || stored === null) return null;
        const hostDiffers = !sameHost(stored.host, expected.host);
        const portDiffers = stored.port !== expected.port;
        const tlsDiffers = stored.tls !== expected.tls;
        if (!hostDiffers && !portDiffers && !tlsDiffers) return null;
        const works = view.login === 'accepted' || (view.connected && view.tlsVerified && view.login !== 'rejected-credentials');
        // A stored setting that IT does not expect and that failed live is a cause; one that works (or was not
        // tried) is still worth changing, since IT supports only its own setting.
        const failedLive = a.networkUsable && view.tcpTried && !works;
        return {
          side: view.side,
          params: params({
            role: view.side,
            domain: facts.expected?.domain,
            host: stored.host,
            port: stored.port,
            mode: MODE_WORDS[stored.tls],
            expectedHost: expected.host,
            expectedPort: expected.port,
            expectedMode: MODE_WORDS[expected.tls],
            expectedTls: expected.tls,
            hostDiffers,
            portDiffers,
            tlsDiffers,
            works,
          }),
          severity: failedLive ? 'failure' : 'warning',
        };
      })(facts, a),
  },
  {
    id: 'server-differs-from-published',
    code: 'SERVER_DIFFERS_FROM_PUBLISHED',
    rank: 180,
    when: (facts, a) =>
      perSide((view) => {
        // IT's word outranks what the domain publishes: with a managed expectation for this side, that decides.
        if (expectedFor(facts, view.side) !== null) return null;
        const published = publishedFor(facts, view);
        if (view.settings === null || published.length === 0 || published.some((server) => sameHost(server.host, view.host))) return null;
        const best = published[0];
        if (best === undefined) return null;
        const works = view.login === 'accepted' || (view.connected && view.tlsVerified && view.login !== 'rejected-credentials');
        return {
          side: view.side,
          params: params({
            role: view.side,
            host: view.host,
            domain: facts.probes.published?.domain,
            publishedHost: best.host,
            publishedPort: best.port,
            from: best.from,
          }),
          severity: works ? 'note' : 'warning',
        };
      })(facts, a),
  },
  {
    id: 'usernames-differ',
    code: 'USERNAMES_DIFFER',
    rank: 185,
    when: (facts, a) => {
      if (!a.passwordAccount || !usernamesDiffer(facts)) return null;
      // When one side's refusal is explained by the user name, rule 125 says so with that side.
      if (liveSplit(a) !== null && comparison(facts) !== 'different') return null;
      const harmless = SIDES.every((side) => liveLogin(a, a.sides[side]) === 'accepted');
      // One side accepted its user name: that one works; the difference is worth knowing, not a cause.
      const oneWorks = SIDES.some((side) => liveLogin(a, a.sides[side]) === 'accepted');
      return {
        side: 'both',
        params: params({
          incomingUser: facts.account.incoming?.username,
          outgoingUser: facts.account.outgoing?.username,
          explains: false,
          harmless,
        }),
        severity: harmless || oneWorks ? 'note' : 'warning',
      };
    },
  },
  {
    id: 'username-not-full-address',
    code: 'USERNAME_NOT_FULL_ADDRESS',
    rank: 186,
    when: (facts, a) =>
      perSide((view) => {
        if (!a.passwordAccount || !shortUsername(facts, view)) return null;
        const login = liveLogin(a, view);
        if (login === 'accepted') return null;
        const cpanel = looksLikeCpanel(facts);
        const rejected = login === 'rejected-credentials';
        if (!(rejected && !cpanel) && !(cpanel && !rejected)) return null; // cPanel + rejected is rule 126
        return {
          side: view.side,
          params: params({ role: view.side, username: view.settings?.username, email: facts.account.emailAddress, cpanel }),
          severity: 'warning',
        };
      })(facts, a),
  },
  {
    id: 'tls-mode-port-static',
    code: 'TLS_MODE_PORT_MISMATCH',
    rank: 187,
    when: (facts, a) =>
      perSide((view) => {
        if (view.settings === null || !modeContradictsPort(view.port, view.tlsMode)) return null;
        // When the live probe reached the server, the live TLS rules decide; this covers the untested case.
        if (liveConnected(a, view) || view.tlsVerified || view.login === 'accepted') return null;
        return { side: view.side, params: modeMismatchParams(view, undefined), severity: 'warning' };
      })(facts, a),
  },
  // ---------------------------------------------------------------- what Mail itself saw, and notes
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
        params: params({ lastMailAt: mailbox.lastMailReceivedAt, days: Math.floor(quietMs / (24 * HOUR_MS)), pending }),
        severity: 'warning',
      };
    },
  },
  {
    id: 'connection-log-off',
    code: 'CONNECTION_LOG_OFF',
    rank: 195,
    when: (facts, a) => {
      const log = facts.mailEvidence?.connectionLog;
      if (log === undefined || log.outcome.kind !== 'absent' || !a.passwordAccount) return null;
      // The log matters when some side's saved password was not tested live: it is then the only witness.
      const needed = SIDES.some(
        (side) => a.sides[side].settings !== null && untested(a, a.sides[side]) && !skippedForAnotherCause(a.sides[side]),
      );
      return { side: 'account', params: {}, severity: needed ? 'warning' : 'note' };
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
        return (outcome === 'denied' || outcome === 'error') && a.sides[side].settings !== null;
      });
      if (unreadable.length === 0) return null;
      const denied = unreadable.some((side) => facts.account.passwords[side].outcome === 'denied');
      const only = unreadable.length === 1 ? unreadable[0] : undefined;
      const stillUntested = unreadable.some((side) => untested(a, a.sides[side]));
      return {
        side: only ?? 'both',
        params: params({ role: only ?? 'both', host: only === undefined ? undefined : a.sides[only].host, denied }),
        severity: stillUntested && !facts.noLogin ? 'warning' : 'note',
      };
    },
  },
  {
    id: 'oauth-account',
    code: 'OAUTH_ACCOUNT',
    rank: 200,
    when: (facts) =>
      facts.account.authKind === 'oauth' ? { side: 'account', params: params({ provider: facts.account.provider }), severity: 'note' } : null,
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
      const matches: RuleMatch[] = [];
      const usedSides = new Set<FindingSide>();
      for (const server of [...byServer.values()].sort((x, y) => y.count - x.count)) {
        if (server.count < CONNECT_FAILURES_MIN) continue;
        const side: FindingSide =
          SIDES.find((s) => a.sides[s].host !== '' && sameHost(a.sides[s].host, server.host)) ?? 'network';
        if (usedSides.has(side)) continue;
        usedSides.add(side);
        matches.push({
          side,
          params: params({ host: server.host, port: server.port, count: server.count, lastAt: server.lastAt }),
          severity: 'note',
        });
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
      return { side: 'account', params: params({ url: first.url, reason }), severity: 'note' };
    },
  },
  {
    id: 'account-read-problems',
    code: 'ACCOUNT_READ_PROBLEM',
    rank: 215,
    when: (facts) =>
      facts.account.readProblems.length > 0 && !(facts.account.incoming === null && facts.account.authKind === 'password')
        ? { side: 'account', params: params({ problem: 'read-problems', count: facts.account.readProblems.length }), severity: 'note' }
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
      return days >= LONG_UPTIME_DAYS ? { side: 'mac', params: params({ days }), severity: 'note' } : null;
    },
  },
];

/** A skipped login whose cause is already its own finding (budget, connection, certificate, auth off). */
function skippedForAnotherCause(view: SideView): boolean {
  const login = view.probe?.login;
  if (login?.kind !== 'skipped') return false;
  return login.reason !== 'no-login-mode' && login.reason !== 'no-password';
}

const TLS_RULES: readonly VerdictRule[] = [
  tlsRule('tls-mode-port-observed', 'TLS_MODE_PORT_MISMATCH', 90, (_facts, view) => {
    const observed = modeMismatchObserved(view);
    return observed === null ? null : modeMismatchParams(view, observed);
  }),
  tlsRule('starttls-not-offered', 'STARTTLS_NOT_OFFERED', 95, (_facts, view) => {
    const tls = view.probe?.tls;
    if (tls?.kind !== 'starttls-not-offered' || modeMismatchObserved(view) !== null) return null;
    return params({ role: view.side, host: view.host, port: view.port, suggestedPort: implicitPortFor(view.protocol) });
  }),
  tlsRule('tls-hostname-mismatch', 'TLS_HOSTNAME_MISMATCH', 100, (facts, view) => {
    const tls = certificate(view);
    if (tls === null || tls.verification.ok || tls.verification.problem !== 'hostname-mismatch') return null;
    const names = tls.certificate.names.length > 0 ? tls.certificate.names : [tls.certificate.subjectCommonName ?? ''];
    const expectedHost = expectedFor(facts, view.side)?.host;
    const published = [...(expectedHost === undefined ? [] : [expectedHost]), ...publishedFor(facts, view).map((server) => server.host)];
    const suggestion =
      published.find((host) => !sameHost(host, view.host) && names.some((name) => certNameCovers(name, host))) ??
      names.find((name) => name !== '' && !name.startsWith('*') && !/^[\d.:]+$/.test(name));
    return params({ role: view.side, host: view.host, certNames: names.filter((name) => name !== '').join(', '), suggestedHost: suggestion });
  }),
  tlsRule('tls-cert-expired', 'TLS_CERT_EXPIRED', 101, (_facts, view) => {
    const tls = certificate(view);
    if (tls === null || tls.verification.ok) return null;
    const problem = tls.verification.problem;
    if (problem !== 'expired' && problem !== 'not-yet-valid') return null;
    return params({
      role: view.side,
      host: view.host,
      validToAt: tls.certificate.validTo,
      validFromAt: tls.certificate.validFrom,
      notYetValid: problem === 'not-yet-valid',
    });
  }),
  tlsRule('tls-cert-untrusted', 'TLS_CERT_UNTRUSTED', 102, (_facts, view) => {
    const tls = certificate(view);
    if (tls === null || tls.verification.ok) return null;
    const problem = tls.verification.problem;
    if (problem !== 'untrusted' && problem !== 'self-signed' && problem !== 'other') return null;
    return params({
      role: view.side,
      host: view.host,
      issuer: tls.certificate.issuer === '' ? 'an unknown issuer' : tls.certificate.issuer,
      selfSigned: problem === 'self-signed' || tls.certificate.selfSigned,
    });
  }),
  tlsRule('tls-handshake-failed', 'TLS_HANDSHAKE_FAILED', 103, (_facts, view) => {
    const tls = view.probe?.tls;
    if (tls === undefined || tls === null || modeMismatchObserved(view) !== null) return null;
    if (tls.kind === 'handshake-failed') return params({ role: view.side, host: view.host, port: view.port, errorCode: tls.errorCode });
    if (tls.kind === 'protocol-error' && tls.phase === 'starttls')
      return params({ role: view.side, host: view.host, port: view.port, errorCode: tls.errorCode });
    if (tls.kind === 'timeout' && tls.phase !== 'greeting') return params({ role: view.side, host: view.host, port: view.port, phase: tls.phase });
    return null;
  }),
  tlsRule('protocol-error', 'CONNECTION_FAILED', 85, (_facts, view) => {
    const tls = view.probe?.tls;
    if (tls?.kind !== 'protocol-error' || tls.phase === 'starttls') return null;
    const refused = tls.errorCode === 'SERVER_REFUSED';
    return params({
      role: view.side,
      host: view.host,
      port: view.port,
      reason: refused ? 'server-refused' : 'protocol',
      errorCode: tls.errorCode,
      detail: refused && tls.detail !== '' ? tls.detail : undefined,
    });
  }),
  tlsRule('no-greeting', 'CONNECTION_FAILED', 84, (_facts, view) => {
    const tls = view.probe?.tls;
    if (tls?.kind !== 'timeout' || tls.phase !== 'greeting' || modeMismatchObserved(view) !== null) return null;
    return params({ role: view.side, host: view.host, port: view.port, reason: 'no-greeting' });
  }),
  {
    id: 'login-not-sent-in-clear',
    code: 'LOGIN_NEEDS_TLS',
    rank: 106,
    when: (facts, a) =>
      perSide((view) => {
        const login = view.probe?.login;
        if (!a.networkUsable || login?.kind !== 'skipped' || login.reason !== 'cleartext-connection') return null;
        return {
          side: view.side,
          params: params({ role: view.side, host: view.host, suggestedPort: implicitPortFor(view.protocol), reason: 'not-sent' }),
          severity: 'warning',
        };
      })(facts, a),
  },
  {
    id: 'login-needs-tls',
    code: 'LOGIN_NEEDS_TLS',
    rank: 105,
    when: (facts, a) =>
      perSide((view) => {
        if (liveLogin(a, view) !== 'needs-tls') return null;
        const outcome = view.probe?.login;
        const serverText = outcome?.kind === 'rejected' || outcome?.kind === 'unavailable' ? outcome.serverText : undefined;
        return {
          side: view.side,
          params: params({ role: view.side, host: view.host, suggestedPort: implicitPortFor(view.protocol), serverText }),
          severity: 'failure',
        };
      })(facts, a),
  },
];

/** The whole table, in chain order: this is the one list evaluate.ts runs. */
export const VERDICT_RULES: readonly VerdictRule[] = [
  ...NETWORK_RULES,
  connectionRule('PORT_TIMEOUT', 80, ['timeout']),
  connectionRule('PORT_REFUSED', 81, ['refused']),
  connectionRule('PORT_RESET', 82, ['reset']),
  connectionRule('CONNECTION_FAILED', 83, ['unreachable', 'error']),
  ...TLS_RULES,
  ...AUTH_RULES,
  loginRejectedRule('IMAP_AUTH_REJECTED', 130),
  loginRejectedRule('POP3_AUTH_REJECTED', 131),
  loginRejectedRule('SMTP_AUTH_REJECTED', 132),
  ...LATE_RULES,
].sort((x, y) => x.rank - y.rank);
