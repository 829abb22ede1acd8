/**
 * Which finding is the verdict when two occur together, stated as a table.
 *
 * Each SITUATION is one thing going wrong (built on the healthy baseline of factsBuilder.ts), listed in the
 * order the helpdesk's chain ranks them: the first of two is the verdict, failures before warnings. Every
 * pair of situations that can occur together (they touch different parts of the facts) is evaluated, and
 * its verdict must be the one that order names, unless the pair is in EXCEPTIONS, which states the verdict
 * (and why) where two facts together mean something neither means alone: a suppression, an exclusive
 * group, a finding that only the combination produces.
 *
 * The rule table itself is checked too: ranks are unique and in source order, and every declared group,
 * suppression and advice names codes that exist.
 */
import { describe, expect, it } from 'vitest';
import type { AccountFacts, FindingSeverity } from '../../../shared/diagnosis/types';
import { FAILURE_CODES, type FailureCode } from '../../../shared/verdict/codes';
import { applyPrecedence, evaluateAccount, sidesOverlap } from '../../../shared/verdict/evaluate';
import { VERDICT_RULES } from '../../../shared/verdict/rules';
import {
  HOST,
  certificate,
  connectionLogOff,
  evidence,
  facts,
  hostBlock,
  hoursBefore,
  imapRejected,
  internet,
  itExpects,
  loggedReply,
  loginOf,
  mailLog,
  passwords,
  passwordsOutOfReach,
  passwordsUnreadable,
  published,
  refused,
  rejected,
  resolutionOf,
  settingsOf,
  skippedLogin,
  smtpRejected,
  tcpOf,
  timeout,
  tlsBad,
  tlsOf,
  uptimeDays,
  webmail,
  account,
  type Mod,
} from './factsBuilder';

/** The parts of the facts a situation changes; two situations that share one cannot be combined. */
type Slot =
  | 'internet'
  | 'webmail'
  | 'published'
  | 'expected'
  | 'uptime'
  | 'passwords'
  | 'link'
  | 'credential-state'
  | 'connection-log'
  | 'mailbox'
  | 'host-check'
  | `${'incoming' | 'outgoing'}-${'settings' | 'dns' | 'tcp' | 'tls' | 'login'}`;

interface Situation {
  readonly id: string;
  readonly slots: readonly Slot[];
  readonly mod: Mod;
}

const probeSlots = (side: 'incoming' | 'outgoing'): Slot[] => [`${side}-dns`, `${side}-tcp`, `${side}-tls`, `${side}-login`];

/** In chain order: of two, the earlier is the verdict (a failure always before a warning). */
const SITUATIONS: readonly Situation[] = [
  {
    id: 'full-disk-access-missing',
    slots: ['credential-state'],
    mod: evidence({ credentialState: { outcome: { kind: 'full-disk-access-needed', path: '~/Library/Accounts/Accounts4.sqlite' } } }),
  },
  { id: 'incoming-name-not-found', slots: probeSlots('incoming'), mod: resolutionOf('incoming', { kind: 'not-found', host: HOST }) },
  {
    id: 'all-mail-ports-silent',
    slots: [...probeSlots('incoming'), ...probeSlots('outgoing')],
    mod: (f) => tcpOf('outgoing', timeout)(tcpOf('incoming', timeout)(f)),
  },
  {
    id: 'host-confirms-block',
    slots: ['host-check'],
    mod: hostBlock({ blocked: true, blockedBy: 'cphulk-brute', failedLogins: [{ user: 'alice@example.com', service: 'imap', at: hoursBefore(1) }] }),
  },
  { id: 'incoming-port-silent', slots: probeSlots('incoming'), mod: tcpOf('incoming', timeout) },
  { id: 'outgoing-port-refused', slots: probeSlots('outgoing'), mod: tcpOf('outgoing', refused) },
  {
    id: 'incoming-starttls-on-tls-port',
    slots: ['incoming-settings', 'incoming-tls', 'incoming-login'],
    mod: (f) =>
      tlsOf('incoming', { kind: 'tls-on-plaintext-port', proof: 'handshake', silentMs: 2500, tlsProtocol: 'TLSv1.3' }, skippedLogin('connection-failed'))(
        settingsOf('incoming', { tls: 'starttls' })(f),
      ),
  },
  {
    id: 'incoming-reply-too-large',
    slots: ['incoming-tls', 'incoming-login'],
    mod: tlsOf('incoming', { kind: 'protocol-error', phase: 'greeting', errorCode: 'REPLY_TOO_LARGE', detail: 'too long' }, skippedLogin('connection-failed')),
  },
  {
    id: 'incoming-starttls-withdrawn',
    slots: ['incoming-settings', 'incoming-tls', 'incoming-login'],
    mod: (f) =>
      tlsOf('incoming', { kind: 'starttls-withdrawn', advertisedOn: 'same-connection' }, skippedLogin('connection-failed'))(
        settingsOf('incoming', { port: 143, tls: 'starttls' })(f),
      ),
  },
  {
    id: 'incoming-certificate-name',
    slots: ['incoming-tls', 'incoming-login'],
    mod: tlsOf('incoming', tlsBad('hostname-mismatch', 'ERR_TLS_CERT_ALTNAME_INVALID', certificate(['server42.host.example']))),
  },
  {
    id: 'cphulk-lockout-page',
    slots: ['webmail'],
    mod: webmail({ kind: 'page', url: `https://${HOST}:2096/`, httpStatus: 401, page: 'cphulk-block' }),
  },
  {
    id: 'outgoing-certificate-expired',
    slots: ['outgoing-tls', 'outgoing-login'],
    mod: tlsOf('outgoing', tlsBad('expired', 'CERT_HAS_EXPIRED', certificate([HOST], { validTo: '2026-02-01T00:00:00.000Z' }))),
  },
  {
    id: 'outgoing-needs-encryption',
    slots: ['outgoing-login'],
    mod: loginOf('outgoing', rejected('530', '530 Must issue a STARTTLS command first')),
  },
  { id: 'incoming-password-refused', slots: ['incoming-login'], mod: loginOf('incoming', imapRejected) },
  { id: 'outgoing-password-refused', slots: ['outgoing-login'], mod: loginOf('outgoing', smtpRejected) },
  {
    id: 'outgoing-authentication-off',
    slots: ['outgoing-settings', 'outgoing-login'],
    mod: (f) => loginOf('outgoing', skippedLogin('authentication-off'))(settingsOf('outgoing', { authenticationEnabled: false, port: 587, tls: 'starttls' })(f)),
  },
  {
    id: 'incoming-temporarily-unavailable',
    slots: ['incoming-login'],
    mod: loginOf('incoming', rejected('UNAVAILABLE', 'NO [UNAVAILABLE] Temporary authentication failure.')),
  },
  { id: 'prompt-suppressed', slots: ['credential-state'], mod: evidence({ credentialState: { outcome: { kind: 'read' }, renewalRejectedAt: hoursBefore(3) } }) },
  {
    id: 'outgoing-login-no-reply-in-time',
    slots: ['outgoing-login'],
    mod: loginOf('outgoing', { kind: 'timeout', afterMs: 20_000, phase: 'auth' }),
  },
  {
    id: 'outgoing-login-budget',
    slots: ['outgoing-login'],
    mod: loginOf('outgoing', skippedLogin('login-budget', '2026-03-04T12:40:00.000Z')),
  },
  {
    id: 'login-ledger-unusable',
    slots: ['incoming-login', 'outgoing-login'],
    mod: (f) => {
      const skip = { kind: 'skipped', reason: 'ledger-unavailable', ledger: { path: '/state/login-ledger.json', problem: 'not-writable' } } as const;
      return loginOf('outgoing', skip)(loginOf('incoming', skip)(f));
    },
  },
  { id: 'outgoing-not-linked', slots: ['link'], mod: account({ outgoingLink: { kind: 'unresolved', identifier: 'smtp.old-host.example:alice' } }) },
  { id: 'it-expects-another-outgoing-server', slots: ['expected'], mod: itExpects({ outgoingHost: 'smtp.example.com' }) },
  {
    id: 'not-syncing',
    slots: ['mailbox'],
    mod: evidence({ mailbox: { outcome: { kind: 'read' }, lastMailReceivedAt: hoursBefore(5 * 24), pendingLocalActions: 3 } }),
  },
  { id: 'passwords-unreadable', slots: ['passwords', 'incoming-login', 'outgoing-login'], mod: passwordsUnreadable() },
  { id: 'passwords-out-of-reach', slots: ['passwords', 'incoming-login', 'outgoing-login'], mod: passwordsOutOfReach() },
  // Notes and facts that decide nothing alone.
  { id: 'internet-check-failed', slots: ['internet'], mod: internet({ kind: 'no-network', errorCode: 'ECONNREFUSED' }) },
  { id: 'stored-passwords-different', slots: ['passwords'], mod: passwords('different') },
  { id: 'stored-passwords-same', slots: ['passwords'], mod: passwords('same') },
  { id: 'outgoing-user-name-differs', slots: ['outgoing-settings'], mod: settingsOf('outgoing', { username: 'alice.smith@example.com' }) },
  {
    id: 'domain-publishes-another-server',
    slots: ['published'],
    mod: published([{ protocol: 'imap', host: 'server42.host.example', port: 993, tls: 'implicit', from: 'autoconfig' }]),
  },
  { id: 'mail-log-incoming-refused', slots: ['connection-log'], mod: mailLog([loggedReply('incoming', 'rejected', 1)]) },
  {
    id: 'mail-log-incoming-refused-outgoing-accepted',
    slots: ['connection-log'],
    mod: mailLog([loggedReply('incoming', 'rejected', 1), loggedReply('outgoing', 'accepted', 1.5)]),
  },
  { id: 'connection-log-off', slots: ['connection-log'], mod: connectionLogOff() },
  { id: 'host-says-not-blocked', slots: ['host-check'], mod: hostBlock({ blocked: false }) },
  { id: 'webmail-unreachable', slots: ['webmail'], mod: webmail({ kind: 'unreachable', url: `https://${HOST}:2096/`, tcp: timeout }) },
  { id: 'long-uptime', slots: ['uptime'], mod: uptimeDays(20) },
];

type SituationId = (typeof SITUATIONS)[number]['id'];

interface Exception {
  readonly pair: readonly [SituationId, SituationId];
  readonly verdict: FailureCode;
  /** Findings the pair must not have (suppressed, or outranked in an exclusive group). */
  readonly absent?: readonly FailureCode[];
  /** Findings only the pair has (advice beside a problem, a finding the combination makes). */
  readonly present?: readonly FailureCode[];
  readonly why: string;
}

/** Pairs whose verdict is not simply the earlier situation's: each says why. */
const EXCEPTIONS: readonly Exception[] = [
  {
    pair: ['incoming-password-refused', 'stored-passwords-different'],
    verdict: 'PASSWORDS_DIFFER',
    why: 'outgoing accepts its saved password, incoming refuses a different one: the incoming password is stale',
  },
  {
    pair: ['incoming-name-not-found', 'outgoing-port-refused'],
    verdict: 'DNS_NOT_FOUND',
    absent: ['PORT_REFUSED'],
    why: 'only the outgoing server could be tried: its instant refusal while the website answers reads as a ban, which stands for the refusal',
  },
  {
    pair: ['prompt-suppressed', 'outgoing-login-budget'],
    verdict: 'PASSWORD_PROMPT_SUPPRESSED',
    why: 'a login left untested makes the suppressed prompt a warning, and it comes first in the chain',
  },
  {
    pair: ['outgoing-password-refused', 'stored-passwords-different'],
    verdict: 'PASSWORDS_DIFFER',
    why: 'incoming accepts its saved password, outgoing refuses a different one: the outgoing password is stale',
  },
  {
    pair: ['incoming-password-refused', 'outgoing-user-name-differs'],
    verdict: 'USERNAMES_DIFFER',
    why: 'the user name is what differs between the working and the refused side: it explains the refusal',
  },
  {
    pair: ['outgoing-password-refused', 'outgoing-user-name-differs'],
    verdict: 'USERNAMES_DIFFER',
    why: 'the user name is what differs between the working and the refused side: it explains the refusal',
  },
  {
    pair: ['outgoing-password-refused', 'mail-log-incoming-refused-outgoing-accepted'],
    verdict: 'SMTP_AUTH_REJECTED',
    absent: ['PASSWORDS_DIFFER'],
    why: "live evidence is fresher: Mail's log calls outgoing good, but outgoing was just refused",
  },
  {
    pair: ['passwords-unreadable', 'connection-log-off'],
    verdict: 'PASSWORD_UNREADABLE',
    present: ['CONNECTION_LOG_OFF'],
    why: 'the log being off is advice beside the unreadable password, never the verdict (and never said alone)',
  },
  {
    pair: ['outgoing-login-budget', 'stored-passwords-different'],
    verdict: 'PASSWORDS_DIFFER',
    why: 'incoming accepts its saved password and the untested outgoing one differs: probably stale (a warning, before the budget)',
  },
  {
    pair: ['all-mail-ports-silent', 'internet-check-failed'],
    verdict: 'NO_INTERNET',
    absent: ['IP_BLOCKED_FIREWALL_DROP', 'PORT_TIMEOUT'],
    why: 'nothing answered and the internet check failed: the network explains the silence; a ban needs a working network',
  },
  {
    pair: ['all-mail-ports-silent', 'webmail-unreachable'],
    verdict: 'PORT_TIMEOUT',
    absent: ['IP_BLOCKED_FIREWALL_DROP'],
    why: 'the website is silent too: the server or the network is down, which is not the pattern of a ban',
  },
  {
    pair: ['host-confirms-block', 'cphulk-lockout-page'],
    verdict: 'IP_BLOCKED_CONFIRMED',
    absent: ['IP_BLOCKED_LOGIN_LAYER'],
    why: "the host's own records confirm what the lock-out page suggests: the confirmed block stands for the guess",
  },
  {
    pair: ['cphulk-lockout-page', 'host-says-not-blocked'],
    verdict: 'OK',
    absent: ['IP_BLOCKED_LOGIN_LAYER'],
    why: "the host's records say the address is not blocked, which rules the lock-out guess out",
  },
  ...(['prompt-suppressed', 'stored-passwords-different', 'mail-log-incoming-refused'] as const).map(
    (other): Exception => ({
      pair: ['login-ledger-unusable', other],
      verdict: other === 'prompt-suppressed' ? 'PASSWORD_PROMPT_SUPPRESSED' : other === 'mail-log-incoming-refused' ? 'MAIL_SAW_AUTH_REJECTED' : 'PASSWORDS_DIFFER',
      why: "with no login tried, what macOS, Mail's log or the stored passwords say about the saved password comes first in the chain",
    }),
  ),
  {
    pair: ['login-ledger-unusable', 'mail-log-incoming-refused-outgoing-accepted'],
    verdict: 'MAIL_SAW_AUTH_REJECTED',
    absent: ['PASSWORDS_DIFFER'],
    why: "Mail saved the same password for both servers, so its log's split is not two passwords; Mail's own refusal stands",
  },
  ...(['incoming-password-refused', 'outgoing-password-refused', 'outgoing-authentication-off', 'incoming-temporarily-unavailable'] as const).map(
    (other): Exception => ({
      pair: ['cphulk-lockout-page', other],
      verdict: 'IP_BLOCKED_LOGIN_LAYER',
      why: "cPHulk's lock-out page is a warning while both logins work; once a login does not, the block explains it",
    }),
  ),
  ...(['passwords-unreadable', 'passwords-out-of-reach'] as const).flatMap((unread): Exception[] => [
    {
      pair: [unread, 'mail-log-incoming-refused-outgoing-accepted'],
      verdict: 'PASSWORDS_DIFFER',
      absent: ['PASSWORD_MISSING'],
      why: "with the passwords unreadable or out of reach, Mail's own log names the stale side",
    },
    {
      pair: [unread, 'mail-log-incoming-refused'],
      verdict: 'MAIL_SAW_AUTH_REJECTED',
      why: "untested live, Mail's own refusal is first-hand evidence about the saved password (a failure)",
    },
    {
      pair: ['prompt-suppressed', unread],
      verdict: 'PASSWORD_PROMPT_SUPPRESSED',
      why: 'both untested: the suppressed prompt (earlier in the chain) is what keeps Mail failing quietly',
    },
    {
      pair: [unread, 'outgoing-user-name-differs'],
      verdict: 'USERNAMES_DIFFER',
      why: 'both warnings: the user names differing ranks before the unreadable password',
    },
  ]),
];

function situation(id: string): Situation {
  const found = SITUATIONS.find((s) => s.id === id);
  if (found === undefined) throw new Error(`no situation ${id}`);
  return found;
}

function combine(a: Situation, b: Situation): AccountFacts {
  return facts(a.mod, b.mod);
}

const SEVERITY_ORDER: Readonly<Record<FindingSeverity, number>> = { failure: 0, warning: 1, note: 2 };

interface Alone {
  readonly code: FailureCode;
  readonly severity: FindingSeverity | undefined;
}

function alone(s: Situation): Alone {
  const { verdict } = evaluateAccount(facts(s.mod));
  return { code: verdict.code, severity: verdict.severity };
}

/** The verdict the chain order names for two situations. */
function chainWinner(a: Situation, b: Situation): FailureCode {
  const first = alone(a);
  const second = alone(b);
  if (first.code === 'OK') return second.code;
  if (second.code === 'OK') return first.code;
  const severityA = SEVERITY_ORDER[first.severity ?? 'note'];
  const severityB = SEVERITY_ORDER[second.severity ?? 'note'];
  if (severityA !== severityB) return severityA < severityB ? first.code : second.code;
  return SITUATIONS.indexOf(a) < SITUATIONS.indexOf(b) ? first.code : second.code;
}

function exceptionFor(a: Situation, b: Situation): Exception | undefined {
  return EXCEPTIONS.find(({ pair }) => (pair[0] === a.id && pair[1] === b.id) || (pair[0] === b.id && pair[1] === a.id));
}

const PAIRS: readonly (readonly [Situation, Situation])[] = SITUATIONS.flatMap((a, i) =>
  SITUATIONS.slice(i + 1)
    .filter((b) => !a.slots.some((slot) => b.slots.includes(slot)))
    .map((b) => [a, b] as const),
);

describe('which finding is the verdict when two occur together', () => {
  it('every situation alone gives the finding it is about (the table is built on real verdicts)', () => {
    const deciding = SITUATIONS.filter((s) => alone(s).code !== 'OK').map((s) => `${s.id}: ${alone(s).code}`);
    expect(deciding).toEqual([
      'full-disk-access-missing: FULL_DISK_ACCESS_NEEDED',
      'incoming-name-not-found: DNS_NOT_FOUND',
      'all-mail-ports-silent: IP_BLOCKED_FIREWALL_DROP',
      'host-confirms-block: IP_BLOCKED_CONFIRMED',
      'incoming-port-silent: PORT_TIMEOUT',
      'outgoing-port-refused: PORT_REFUSED',
      'incoming-starttls-on-tls-port: TLS_MODE_PORT_MISMATCH',
      'incoming-reply-too-large: SERVER_REPLY_TOO_LARGE',
      'incoming-starttls-withdrawn: STARTTLS_WITHDRAWN',
      'incoming-certificate-name: TLS_HOSTNAME_MISMATCH',
      'cphulk-lockout-page: IP_BLOCKED_LOGIN_LAYER',
      'outgoing-certificate-expired: TLS_CERT_EXPIRED',
      'outgoing-needs-encryption: LOGIN_NEEDS_TLS',
      'incoming-password-refused: IMAP_AUTH_REJECTED',
      'outgoing-password-refused: SMTP_AUTH_REJECTED',
      'outgoing-authentication-off: SMTP_AUTH_DISABLED',
      'incoming-temporarily-unavailable: SERVER_UNAVAILABLE',
      'outgoing-login-no-reply-in-time: LOGIN_DELAYED_BY_SERVER',
      'outgoing-login-budget: LOGIN_BUDGET_EXHAUSTED',
      'login-ledger-unusable: LOGIN_LEDGER_UNAVAILABLE',
      'outgoing-not-linked: OUTGOING_NOT_LINKED',
      'it-expects-another-outgoing-server: SERVER_DIFFERS_FROM_EXPECTED',
      'not-syncing: ACCOUNT_NOT_SYNCING',
      'passwords-unreadable: PASSWORD_UNREADABLE',
      'passwords-out-of-reach: PASSWORD_UNREADABLE',
    ]);
  });

  it('every exception names a pair that can occur together', () => {
    const combinable = new Set(PAIRS.map(([a, b]) => `${a.id}+${b.id}`));
    for (const { pair } of EXCEPTIONS) {
      const [a, b] = [situation(pair[0]), situation(pair[1])];
      expect(combinable.has(`${a.id}+${b.id}`) || combinable.has(`${b.id}+${a.id}`), pair.join(' + ')).toBe(true);
    }
  });

  it('every exception is needed: its verdict or its absent findings differ from what the chain order alone says', () => {
    const unneeded = EXCEPTIONS.filter((exception) => {
      const [a, b] = [situation(exception.pair[0]), situation(exception.pair[1])];
      return exception.verdict === chainWinner(a, b) && (exception.absent ?? []).length === 0 && (exception.present ?? []).length === 0;
    });
    expect(unneeded.map((exception) => exception.pair.join(' + '))).toEqual([]);
  });

  it.each(PAIRS.map(([a, b]) => [`${a.id} + ${b.id}`, a, b] as const))('%s', (_name, a, b) => {
    const result = evaluateAccount(combine(a, b));
    const exception = exceptionFor(a, b);
    const expected = exception?.verdict ?? chainWinner(a, b);
    expect(result.verdict.code, exception?.why ?? 'the chain order of SITUATIONS').toBe(expected);
    const codes = result.findings.map((finding) => finding.code);
    for (const code of exception?.absent ?? []) expect(codes, `${code} is outranked`).not.toContain(code);
    for (const code of exception?.present ?? []) expect(codes, `${code} comes with the pair`).toContain(code);
    // The situation that lost is still said, unless an exception explains why not.
    if (exception === undefined) {
      for (const single of [alone(a), alone(b)]) {
        if (single.code !== 'OK') expect(codes, `${single.code} stays a finding`).toContain(single.code);
      }
    }
  });
});

describe('the rule table declares its precedence once', () => {
  it('ranks are unique and the source is in rank order', () => {
    const ranks = VERDICT_RULES.map((rule) => rule.rank);
    expect(new Set(ranks).size).toBe(ranks.length);
    expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
  });

  it('rule ids are unique', () => {
    const ids = VERDICT_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('suppressions and advice name real codes; a suppression only reaches later-ranked rules', () => {
    for (const rule of VERDICT_RULES) {
      for (const code of [...(rule.suppresses ?? []), ...(rule.adviceFor ?? [])]) expect(FAILURE_CODES).toContain(code);
      for (const code of rule.suppresses ?? []) {
        const targets = VERDICT_RULES.filter((other) => other.code === code && other.id !== rule.id);
        expect(targets.length, `${rule.id} suppresses ${code}, which no other rule produces`).toBeGreaterThan(0);
        expect(targets.some((other) => other.rank > rule.rank), `${rule.id} suppresses ${code} but ranks after it`).toBe(true);
      }
    }
  });

  it('advice is always a note (it never decides)', () => {
    const advice = VERDICT_RULES.filter((rule) => rule.adviceFor !== undefined).map((rule) => rule.code);
    expect(advice).toEqual(['CONNECTION_LOG_OFF']);
  });

  it('sides overlap the way the precedence reads them', () => {
    expect(sidesOverlap('incoming', 'incoming')).toBe(true);
    expect(sidesOverlap('incoming', 'outgoing')).toBe(false);
    expect(sidesOverlap('both', 'outgoing')).toBe(true);
    expect(sidesOverlap('account', 'incoming')).toBe(true);
    expect(sidesOverlap('network', 'incoming')).toBe(false);
    expect(sidesOverlap('mac', 'mac')).toBe(true);
  });

  it('applyPrecedence keeps an advice note only beside a problem it explains', () => {
    const logOff = VERDICT_RULES.find((rule) => rule.code === 'CONNECTION_LOG_OFF');
    const unreadable = VERDICT_RULES.find((rule) => rule.code === 'PASSWORD_UNREADABLE');
    if (logOff === undefined || unreadable === undefined) throw new Error('rules missing');
    const note = {
      rule: logOff,
      finding: { code: 'CONNECTION_LOG_OFF', side: 'account', params: {}, severity: 'note', rank: logOff.rank, steps: ['incoming-login'] },
    } as const;
    const problem = {
      rule: unreadable,
      finding: {
        code: 'PASSWORD_UNREADABLE',
        side: 'outgoing',
        params: { role: 'outgoing', host: HOST, reason: 'denied' },
        severity: 'warning',
        rank: unreadable.rank,
        steps: ['outgoing'],
      },
    } as const;
    expect(applyPrecedence([note])).toEqual([]);
    expect(applyPrecedence([note, problem]).map((f) => [f.code, f.steps])).toEqual([
      ['PASSWORD_UNREADABLE', ['outgoing']],
      // Shown on the step of the problem it helps explain.
      ['CONNECTION_LOG_OFF', ['outgoing']],
    ]);
    expect(applyPrecedence([note, { ...problem, finding: { ...problem.finding, severity: 'note' } }]).map((f) => f.code)).toEqual([
      'PASSWORD_UNREADABLE',
    ]);
  });
});
