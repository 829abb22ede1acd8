/**
 * Property test: any combination of outcomes (including combinations no real run produces) yields exactly
 * one verdict that agrees with the evidence, step statuses that agree with the findings, and texts with
 * every placeholder filled.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccountFacts, Finding, FindingOf } from '../../../shared/diagnosis/types';
import type { MailAccount, PasswordComparison, PasswordLookupOutcome, ServerSettings, TlsMode } from '../../../shared/model/account';
import type { LoggedAuthReply, MailEvidence } from '../../../shared/model/evidence';
import type {
  HostResolution,
  InternetOutcome,
  LoginOutcome,
  LoginSkipReason,
  PublishedSettings,
  ServerProbeResult,
  TcpOutcome,
  TlsOutcome,
  WebmailOutcome,
} from '../../../shared/probes/outcomes';
import { describeFinding, stepForFinding } from '../../../shared/verdict/catalog';
import type { FailureCode } from '../../../shared/verdict/codes';
import { FAILURE_CODES } from '../../../shared/verdict/codes';
import { evaluateAccount } from '../../../shared/verdict/evaluate';
import { unreplacedPlaceholders } from '../../../shared/verdict/format';
import { EMAIL, HOST, NOW, certificate, hoursBefore } from './factsBuilder';

type Side = 'incoming' | 'outgoing';

const hosts = fc.constantFrom(HOST, 'imap.example.com', 'smtp.example.com', 'server42.host.example');
const ports = fc.constantFrom(993, 143, 995, 110, 465, 587, 25, 2525);
const tlsModes = fc.constantFrom<TlsMode>('implicit', 'starttls', 'none');

const internetArb: fc.Arbitrary<InternetOutcome> = fc.oneof(
  fc.constant<InternetOutcome>({ kind: 'online', checkedUrl: 'http://captive.apple.com/hotspot-detect.html', durationMs: 90 }),
  fc.constant<InternetOutcome>({ kind: 'captive-portal', checkedUrl: 'http://captive.apple.com/', httpStatus: 302, redirectedTo: 'http://portal.example/login' }),
  fc.constant<InternetOutcome>({ kind: 'dns-broken', errorCode: 'ETIMEOUT' }),
  fc.constant<InternetOutcome>({ kind: 'no-network', errorCode: 'ENETUNREACH' }),
  fc.constant<InternetOutcome>({ kind: 'skipped', reason: 'offline test' }),
);

const resolutionArb = (host: string): fc.Arbitrary<HostResolution> =>
  fc.constantFrom<HostResolution>(
    { kind: 'resolved', host, addresses: [{ address: '192.0.2.10', family: 4 }] },
    { kind: 'resolved', host, addresses: [{ address: '192.0.2.10', family: 4 }] },
    { kind: 'not-found', host },
    { kind: 'no-address', host },
    { kind: 'timeout', host },
    { kind: 'error', host, errorCode: 'ESERVFAIL' },
  );

const tcpArb: fc.Arbitrary<TcpOutcome | null> = fc.constantFrom<TcpOutcome | null>(
  null,
  { kind: 'connected', address: '192.0.2.10', family: 4, connectMs: 20 },
  { kind: 'connected', address: '192.0.2.10', family: 4, connectMs: 20 },
  { kind: 'timeout', afterMs: 5000 },
  { kind: 'refused', address: '192.0.2.10', afterMs: 3 },
  { kind: 'reset', afterMs: 4 },
  { kind: 'unreachable', errorCode: 'EHOSTUNREACH' },
  { kind: 'error', errorCode: 'EIO', message: 'i/o error' },
);

const tlsArb: fc.Arbitrary<TlsOutcome | null> = fc.oneof(
  fc.constant(null),
  fc.constantFrom<TlsOutcome>(
    {
      kind: 'established',
      mode: 'implicit',
      protocol: 'TLSv1.3',
      cipher: 'TLS_AES_128_GCM_SHA256',
      certificate: certificate(),
      verification: { ok: true },
      handshakeMs: 10,
    },
    { kind: 'starttls-not-offered' },
    { kind: 'plaintext-on-tls-port', firstBytes: '220 hello' },
    { kind: 'tls-on-plaintext-port', proof: 'handshake', silentMs: 2500, tlsProtocol: 'TLSv1.3' },
    { kind: 'tls-on-plaintext-port', proof: 'certificate-error', silentMs: 2500, certificateCode: 'CERT_HAS_EXPIRED' },
    { kind: 'handshake-failed', errorCode: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'wrong version' },
    { kind: 'timeout', phase: 'greeting', afterMs: 5000 },
    { kind: 'timeout', phase: 'handshake', afterMs: 5000 },
    { kind: 'not-applicable', reason: 'tls-off' },
    { kind: 'not-applicable', reason: 'no-connection' },
    { kind: 'protocol-error', phase: 'greeting', errorCode: 'SERVER_REFUSED', detail: '554 go away' },
    { kind: 'protocol-error', phase: 'starttls', errorCode: 'STARTTLS_INJECTION', detail: 'extra bytes' },
    { kind: 'protocol-error', phase: 'greeting', errorCode: 'REPLY_TOO_LARGE', detail: 'a line past the budget' },
    { kind: 'starttls-withdrawn', advertisedOn: 'other-connection' },
  ),
  fc
    .record({
      problem: fc.constantFrom('hostname-mismatch', 'expired', 'not-yet-valid', 'untrusted', 'self-signed', 'other' as const),
      names: fc.subarray(['server42.host.example', '*.host.example', HOST, '192.0.2.10']),
    })
    .map(
      ({ problem, names }): TlsOutcome => ({
        kind: 'established',
        mode: 'starttls',
        protocol: 'TLSv1.2',
        cipher: 'ECDHE-RSA-AES128-GCM-SHA256',
        certificate: certificate(names),
        verification: { ok: false, problem, code: 'X' },
        handshakeMs: 10,
      }),
    ),
);

const skipReasons: readonly LoginSkipReason[] = [
  'no-login-mode',
  'no-password',
  'oauth-account',
  'login-budget',
  'connection-failed',
  'certificate-invalid',
  'authentication-off',
  'cancelled',
  'cleartext-connection',
  'ledger-unavailable',
];

const loginArb: fc.Arbitrary<LoginOutcome> = fc.oneof(
  fc.constant<LoginOutcome>({ kind: 'accepted', durationMs: 50 }),
  fc.constant<LoginOutcome>({ kind: 'accepted', mechanism: 'PLAIN', durationMs: 50 }),
  fc.constantFrom<LoginOutcome>(
    { kind: 'rejected', responseCode: 'AUTHENTICATIONFAILED', serverText: 'NO [AUTHENTICATIONFAILED] Authentication failed.', durationMs: 2000 },
    { kind: 'rejected', responseCode: '535', serverText: '535 Incorrect authentication data', durationMs: 2000 },
    { kind: 'rejected', responseCode: 'AUTH', serverText: '-ERR [AUTH] Authentication failed.', durationMs: 2000 },
    { kind: 'rejected', serverText: '535 5.7.8 Error: authentication failed', durationMs: 2000 },
    { kind: 'rejected', responseCode: 'UNAVAILABLE', serverText: 'NO [UNAVAILABLE] Temporary authentication failure.', durationMs: 10 },
    { kind: 'rejected', responseCode: 'CONTACTADMIN', serverText: 'NO [CONTACTADMIN] Login disabled', durationMs: 10 },
    { kind: 'rejected', responseCode: 'PRIVACYREQUIRED', serverText: 'NO [PRIVACYREQUIRED] Cleartext authentication disallowed', durationMs: 10 },
    { kind: 'rejected', serverText: '454 4.7.0 Temporary authentication failure', durationMs: 10 },
    { kind: 'unavailable', serverText: 'LOGINDISABLED' },
    { kind: 'timeout', afterMs: 5000 },
    { kind: 'timeout', afterMs: 20_000, phase: 'auth' },
    { kind: 'error', errorCode: 'ECONNRESET', message: 'reset during AUTH' },
    { kind: 'error', errorCode: 'REPLY_TOO_LARGE', message: 'past the byte budget' },
    { kind: 'accepted', mechanism: 'PLAIN', durationMs: 6_100, authReplyMs: 6_000 },
    { kind: 'rejected', responseCode: 'AUTHENTICATIONFAILED', serverText: 'NO [AUTHENTICATIONFAILED] Authentication failed.', durationMs: 8_000, authReplyMs: 8_000 },
  ),
  fc
    .record({ reason: fc.constantFrom(...skipReasons), safe: fc.boolean() })
    .map(({ reason, safe }): LoginOutcome => {
      if (reason === 'ledger-unavailable') return { kind: 'skipped', reason, ledger: { path: '/state/login-ledger.json', problem: 'not-writable', errorCode: 'EROFS' } };
      return safe ? { kind: 'skipped', reason, safeAfter: '2026-03-04T13:00:00.000Z' } : { kind: 'skipped', reason };
    }),
);

const settingsArb = (side: Side): fc.Arbitrary<ServerSettings> =>
  fc.record({
    protocol: side === 'incoming' ? fc.constantFrom('imap' as const, 'pop3' as const) : fc.constant('smtp' as const),
    host: hosts,
    port: ports,
    tls: tlsModes,
    username: fc.constantFrom(EMAIL, 'alice', '', 'bob@example.com'),
    authenticationEnabled: side === 'incoming' ? fc.constant(true) : fc.boolean(),
  });

const probeArb = (side: Side, settings: ServerSettings): fc.Arbitrary<ServerProbeResult> =>
  fc
    .record({
      resolution: resolutionArb(settings.host),
      tcp: tcpArb,
      tls: tlsArb,
      login: loginArb,
      capabilities: fc.subarray(['AUTH PLAIN LOGIN', 'IMAP4rev1', 'STARTTLS', 'PIPELINING']),
      ehlo: fc.constantFrom(undefined, '198.51.100.4'),
      scrubbed: fc.boolean(),
    })
    .map(({ resolution, tcp, tls, login, capabilities, ehlo, scrubbed }) => ({
      role: side,
      protocol: settings.protocol,
      host: settings.host,
      port: settings.port,
      tlsMode: settings.tls,
      resolution,
      tcp,
      tls,
      capabilities,
      login,
      greeting: '* OK ready',
      ...(ehlo === undefined || side === 'incoming' ? {} : { ehloEchoIp: ehlo }),
      ...(scrubbed ? { secretScrubbed: true } : {}),
    }));

const sideArb = (side: Side): fc.Arbitrary<{ settings: ServerSettings | null; probe: ServerProbeResult | null }> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant({ settings: null, probe: null }) },
    {
      weight: 6,
      arbitrary: settingsArb(side).chain((settings) =>
        fc.oneof(
          { weight: 1, arbitrary: fc.constant({ settings, probe: null }) },
          { weight: 5, arbitrary: probeArb(side, settings).map((probe) => ({ settings, probe })) },
        ),
      ),
    },
  );

const webmailArb: fc.Arbitrary<WebmailOutcome[]> = fc.subarray<WebmailOutcome>([
  { kind: 'page', url: `https://${HOST}:2096/`, httpStatus: 200, page: 'cpanel-webmail-login' },
  { kind: 'page', url: `https://${HOST}:2096/`, httpStatus: 401, page: 'cphulk-block' },
  { kind: 'page', url: `https://${HOST}/`, httpStatus: 403, page: 'csf-block', blockedIp: '198.51.100.9' },
  { kind: 'page', url: `https://${HOST}/webmail`, httpStatus: 200, page: 'other-page' },
  { kind: 'tls-failed', url: `https://${HOST}:2096/`, problem: 'hostname-mismatch', code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
  { kind: 'unreachable', url: `https://${HOST}:2096/`, tcp: { kind: 'timeout', afterMs: 5000 } },
  { kind: 'not-found', url: 'https://webmail.example.com/', errorCode: 'ENOTFOUND' },
]);

const publishedArb: fc.Arbitrary<PublishedSettings | null> = fc.oneof(
  fc.constant(null),
  fc.record({
    domain: fc.constant('example.com'),
    mx: fc.subarray([{ exchange: HOST, priority: 10 }, { exchange: 'mx2.example.com.', priority: 20 }]),
    srv: fc.constant([]),
    autoconfig: fc.constant([]),
    servers: fc.subarray([
      { protocol: 'imap' as const, host: HOST, port: 993, tls: 'implicit' as const, from: 'srv' as const },
      { protocol: 'imap' as const, host: 'server42.host.example', port: 993, tls: 'implicit' as const, from: 'autoconfig' as const, usernameTemplate: '%EMAILADDRESS%' },
      { protocol: 'smtp' as const, host: 'server42.host.example', port: 465, tls: 'implicit' as const, from: 'autoconfig' as const },
      { protocol: 'pop3' as const, host: HOST, port: 995, tls: 'implicit' as const, from: 'srv' as const },
    ]),
  }),
);

const replyArb: fc.Arbitrary<LoggedAuthReply> = fc
  .record({
    side: fc.constantFrom<Side>('incoming', 'outgoing'),
    result: fc.constantFrom('accepted' as const, 'rejected' as const),
    hoursAgo: fc.integer({ min: 0, max: 60 }),
  })
  .map(({ side, result, hoursAgo }) => ({
    at: hoursBefore(hoursAgo),
    side,
    host: HOST,
    port: side === 'incoming' ? 993 : 465,
    result,
    serverText: result === 'accepted' ? 'OK' : side === 'incoming' ? 'NO [AUTHENTICATIONFAILED] Authentication failed.' : '535 Incorrect authentication data',
  }));

const sourceOutcome = fc.constantFrom<MailEvidence['credentialState']['outcome']>(
  { kind: 'read' },
  { kind: 'read' },
  { kind: 'absent', reason: 'not there' },
  { kind: 'full-disk-access-needed', path: '/Users/alice/Library/Mail' },
  { kind: 'unreadable', reason: 'garbage' },
);

const evidenceArb: fc.Arbitrary<MailEvidence | null> = fc.oneof(
  fc.constant(null),
  fc
    .record({
      credentialOutcome: sourceOutcome,
      rejectedHoursAgo: fc.option(fc.integer({ min: -1, max: 40 }), { nil: undefined }),
      authenticatedFlag: fc.option(fc.boolean(), { nil: undefined }),
      logOutcome: sourceOutcome,
      replies: fc.array(replyArb, { maxLength: 4 }),
      failures: fc.array(fc.record({ hoursAgo: fc.integer({ min: 0, max: 10 }), port: fc.constantFrom(993, 465) }), { maxLength: 4 }),
      mailboxOutcome: sourceOutcome,
      lastMailHoursAgo: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
      pending: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
    })
    .map((e) => ({
      credentialState: {
        outcome: e.credentialOutcome,
        ...(e.rejectedHoursAgo === undefined ? {} : { renewalRejectedAt: hoursBefore(e.rejectedHoursAgo) }),
        ...(e.authenticatedFlag === undefined ? {} : { authenticatedFlag: e.authenticatedFlag }),
      },
      connectionLog: {
        outcome: e.logOutcome,
        authReplies: e.replies,
        connectFailures: e.failures.map((failure) => ({ at: hoursBefore(failure.hoursAgo), host: HOST, port: failure.port })),
        tls: [],
        files: [],
      },
      mailbox: {
        outcome: e.mailboxOutcome,
        ...(e.lastMailHoursAgo === undefined ? {} : { lastMailReceivedAt: hoursBefore(e.lastMailHoursAgo) }),
        ...(e.pending === undefined ? {} : { pendingLocalActions: e.pending }),
      },
      unifiedLog: { outcome: { kind: 'needs-administrator' as const }, events: [] },
    })),
);

const lookup = fc.constantFrom<PasswordLookupOutcome>('found', 'not-found', 'out-of-reach', 'denied', 'not-applicable', 'error');
const comparisonArb = fc.constantFrom<PasswordComparison>(
  'same',
  'different',
  'incoming-missing',
  'outgoing-missing',
  'both-missing',
  'unreadable',
  'not-applicable',
);

const factsArb: fc.Arbitrary<AccountFacts> = fc
  .record({
    incoming: sideArb('incoming'),
    outgoing: sideArb('outgoing'),
    authKind: fc.constantFrom('password' as const, 'password' as const, 'oauth' as const),
    comparison: comparisonArb,
    incomingLookup: lookup,
    outgoingLookup: lookup,
    link: fc.constantFrom<MailAccount['outgoingLink']>({ kind: 'linked', via: 'smtp-identifier' }, { kind: 'unresolved', identifier: 'smtp.old:alice' }, { kind: 'none' }),
    readProblems: fc.subarray(['bad port']),
    internet: internetArb,
    webmail: webmailArb,
    published: publishedArb,
    publicIp: fc.constantFrom<AccountFacts['publicIp']>({ kind: 'found', ip: '203.0.113.7', from: 'opendns' }, { kind: 'unknown', reason: 'no answer' }),
    uptimeDays: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
    mailEvidence: evidenceArb,
    noLogin: fc.boolean(),
    // IT's expected servers (managed preferences): none, or any combination of hosts, ports and modes.
    expected: fc.option(
      fc.record({
        domain: fc.constant('example.com'),
        incomingHost: hosts,
        incomingPort: ports,
        incomingTls: tlsModes,
        outgoingHost: hosts,
        outgoingPort: ports,
        outgoingTls: tlsModes,
      }),
      { nil: null },
    ),
    // What the hosting account's records say about this address (WHM cPHulk): none, blocked or not.
    hostBlockCheck: fc.option(
      fc.record({
        checkedAt: fc.constant(NOW),
        ip: fc.constant('203.0.113.7'),
        source: fc.constant('whm-cphulk' as const),
        cphulkEnabled: fc.boolean(),
        blocked: fc.boolean(),
        allowListed: fc.constant(false),
        failedLogins: fc.subarray([
          { user: EMAIL, service: 'imap', at: hoursBefore(1) },
          { user: EMAIL, service: 'smtp', at: hoursBefore(2) },
        ]),
      }),
      { nil: null },
    ),
  })
  .map((r) => ({
    account: {
      id: 'ACC-1',
      description: 'Work',
      emailAddress: EMAIL,
      source: 'accounts4' as const,
      authKind: r.authKind,
      ...(r.authKind === 'oauth' ? { provider: 'Google' } : {}),
      incoming: r.incoming.settings,
      outgoing: r.outgoing.settings,
      outgoingLink: r.link,
      passwords: {
        incoming: { outcome: r.incomingLookup, attempts: [{ source: 'account-credential' as const, outcome: r.incomingLookup }] },
        outgoing: { outcome: r.outgoingLookup, attempts: [] },
        comparison: r.comparison,
      },
      readProblems: r.readProblems,
    },
    internet: r.internet,
    probes: { incoming: r.incoming.probe, outgoing: r.outgoing.probe, published: r.published, webmail: r.webmail },
    publicIp: r.publicIp,
    machine: r.uptimeDays === undefined ? {} : { uptimeSeconds: r.uptimeDays * 86_400 },
    mailEvidence: r.mailEvidence,
    noLogin: r.noLogin,
    now: NOW,
    expected: r.expected,
    hostBlockCheck: r.hostBlockCheck,
  }));

/** Findings that say the server refused a side's saved credentials. */
const REFUSAL_CODES: ReadonlySet<FailureCode> = new Set<FailureCode>([
  'IMAP_AUTH_REJECTED',
  'POP3_AUTH_REJECTED',
  'SMTP_AUTH_REJECTED',
  'PASSWORDS_DIFFER',
  'MAIL_SAW_AUTH_REJECTED',
  'USERNAMES_DIFFER',
  'USERNAME_NOT_FULL_ADDRESS',
]);

const TLS_CODES: ReadonlySet<FailureCode> = new Set<FailureCode>([
  'TLS_HOSTNAME_MISMATCH',
  'TLS_CERT_EXPIRED',
  'TLS_CERT_UNTRUSTED',
  'TLS_HANDSHAKE_FAILED',
  'STARTTLS_NOT_OFFERED',
  'TLS_MODE_PORT_MISMATCH',
]);

function accepted(f: AccountFacts, side: Side): boolean {
  return f.probes[side]?.login.kind === 'accepted';
}

function sideIsRefused(finding: Finding, side: Side): boolean {
  return finding.side === side || finding.side === 'both';
}

const RUNS = 2000;
/** fast-check runs thousands of evaluations per property: allow more than vitest's default 5 s. */
const TIMEOUT_MS = 120_000;

describe('verdict properties (fast-check)', () => {
  it('exactly one verdict, consistent with the findings and the evidence', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const result = evaluateAccount(f);
        const { verdict, findings, steps } = result;
        expect(FAILURE_CODES).toContain(verdict.code);
        const decisive = findings.filter((finding) => finding.severity === 'failure' || finding.severity === 'warning');
        // OK iff nothing failed or warned; otherwise the verdict is the first (most important) finding.
        expect(verdict.code === 'OK').toBe(decisive.length === 0);
        if (verdict.code !== 'OK') {
          expect(findings[0]).toMatchObject({ code: verdict.code, side: verdict.side, params: verdict.params });
          // A failure always wins over a warning.
          if (findings.some((finding) => finding.severity === 'failure')) expect(verdict.severity).toBe('failure');
        }
        // OK never comes with a failed step.
        if (verdict.code === 'OK') expect(steps.filter((step) => step.status === 'failed')).toEqual([]);
        // One finding per code and side.
        const keys = findings.map((finding) => `${finding.code}|${finding.side}`);
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);

  it('never says a side refused the password when that side just logged in', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const { verdict, findings } = evaluateAccount(f);
        for (const side of ['incoming', 'outgoing'] as const) {
          if (!accepted(f, side)) continue;
          for (const finding of findings) {
            if (!REFUSAL_CODES.has(finding.code) || finding.severity === 'note') continue;
            expect(sideIsRefused(finding, side), `${finding.code} on ${finding.side} although ${side} accepted`).toBe(false);
          }
          if (REFUSAL_CODES.has(verdict.code)) expect(sideIsRefused(verdict, side)).toBe(false);
        }
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);

  it('a login whose password was sent and got no reply in time is never "unavailable" nor a live refusal on that side', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const { findings } = evaluateAccount(f);
        for (const side of ['incoming', 'outgoing'] as const) {
          const login = f.probes[side]?.login;
          if (login?.kind !== 'timeout' || login.phase !== 'auth') continue;
          // What this run saw live (Mail's own log is separate evidence and may still speak about the saved password).
          const saysRefusedOrDown = new Set<FailureCode>(['SERVER_UNAVAILABLE', 'IMAP_AUTH_REJECTED', 'POP3_AUTH_REJECTED', 'SMTP_AUTH_REJECTED']);
          const blamed = findings.filter(
            (finding) =>
              finding.side === side &&
              (saysRefusedOrDown.has(finding.code) || (finding.code === 'PASSWORDS_DIFFER' && finding.params.source === 'live')),
          );
          expect(blamed.map((finding) => finding.code)).toEqual([]);
        }
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);

  it("the host's records decide the login-layer question: confirmed outranks the guess, 'not blocked' rules it out", () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const codes = evaluateAccount(f).findings.map((finding) => finding.code);
        const check = f.hostBlockCheck ?? null;
        if (check === null) {
          expect(codes).not.toContain('IP_BLOCKED_CONFIRMED');
          return;
        }
        expect(codes.includes('IP_BLOCKED_CONFIRMED')).toBe(check.blocked);
        expect(codes).not.toContain('IP_BLOCKED_LOGIN_LAYER');
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);

  it('a password kept out of reach is never called missing', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const { findings } = evaluateAccount(f);
        for (const side of ['incoming', 'outgoing'] as const) {
          if (f.account.passwords[side].outcome !== 'out-of-reach') continue;
          const missing = findings.filter((finding) => finding.code === 'PASSWORD_MISSING' && finding.side === side);
          // (The comparison in these facts is drawn independently; a real run gives 'unreadable' here.)
          if (f.account.passwords.comparison === 'unreadable') expect(missing).toEqual([]);
        }
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);

  it('never gives a TLS verdict when TLS verified on both servers', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const verified = (['incoming', 'outgoing'] as const).every((side) => {
          const tls = f.probes[side]?.tls;
          return tls !== undefined && tls !== null && tls.kind === 'established' && tls.verification.ok;
        });
        if (!verified) return;
        const { verdict, findings } = evaluateAccount(f);
        expect(TLS_CODES.has(verdict.code)).toBe(false);
        expect(findings.filter((finding) => TLS_CODES.has(finding.code) && finding.severity !== 'note')).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);

  it('step statuses agree with the findings placed on them', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const { findings, steps } = evaluateAccount(f);
        const status = new Map(steps.map((step) => [step.id, step.status]));
        for (const finding of findings) {
          const own = status.get(stepForFinding(finding));
          if (finding.severity === 'failure') expect(own, `${finding.code} on ${stepForFinding(finding)}`).toBe('failed');
          if (finding.severity === 'warning') expect(['failed', 'warning']).toContain(own);
        }
        for (const step of steps) {
          if (step.id === 'admin-reset' || step.id === 'contact-host') {
            // Advice steps: suggested (warning, with the codes that call for them) or not applicable.
            expect(['warning', 'not-applicable']).toContain(step.status);
            expect(step.status === 'warning').toBe(step.findings.length > 0);
            continue;
          }
          const placed = findings.filter((finding) => step.findings.includes(finding.code));
          if (step.status === 'failed') expect(placed.some((finding) => finding.severity === 'failure')).toBe(true);
          if (step.status === 'warning') expect(placed.length).toBeGreaterThan(0);
          if (step.status === 'skipped' || step.status === 'not-applicable') expect(step.reason ?? '').not.toBe('');
          expect(['passed', 'failed', 'warning', 'skipped', 'not-applicable']).toContain(step.status);
        }
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);

  it('a port proven to speak TLS from the first byte is always a port/mode mismatch on that side, never a bare connection failure', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const { findings } = evaluateAccount(f);
        const usable = f.internet.kind === 'online' || f.internet.kind === 'skipped';
        for (const side of ['incoming', 'outgoing'] as const) {
          const probe = f.probes[side];
          if (!usable || probe?.tls?.kind !== 'tls-on-plaintext-port' || probe.tcp?.kind !== 'connected') continue;
          const mismatch = findings.find((finding): finding is FindingOf<'TLS_MODE_PORT_MISMATCH'> => finding.code === 'TLS_MODE_PORT_MISMATCH' && finding.side === side);
          expect(mismatch?.params.portSpeaks).toBe('implicit-tls');
          expect(findings.some((finding) => finding.code === 'CONNECTION_FAILED' && finding.side === side)).toBe(false);
        }
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);

  it("IT's expected servers: a finding exactly on the sides whose stored host, port or mode differ; DNS's word then never raised", () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const { findings } = evaluateAccount(f);
        const expected = f.expected ?? null;
        const onSides = findings.filter((finding) => finding.code === 'SERVER_DIFFERS_FROM_EXPECTED').map((finding) => finding.side);
        if (expected === null) {
          expect(onSides).toEqual([]);
          return;
        }
        expect(findings.some((finding) => finding.code === 'SERVER_DIFFERS_FROM_PUBLISHED')).toBe(false);
        for (const side of ['incoming', 'outgoing'] as const) {
          const stored = f.account[side];
          const it = side === 'incoming'
            ? { host: expected.incomingHost, port: expected.incomingPort, tls: expected.incomingTls }
            : { host: expected.outgoingHost, port: expected.outgoingPort, tls: expected.outgoingTls };
          const differs = stored !== null && (stored.host.toLowerCase() !== it.host.toLowerCase() || stored.port !== it.port || stored.tls !== it.tls);
          expect(onSides.includes(side), `${side} differs=${String(differs)}`).toBe(differs);
        }
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);

  it('every text renders with no placeholder left, and evaluation is deterministic', () => {
    fc.assert(
      fc.property(factsArb, (f) => {
        const result = evaluateAccount(f);
        const texts = [result.verdict.title, result.verdict.why, result.verdict.nextStep];
        for (const finding of result.findings) {
          const words = describeFinding(finding);
          texts.push(words.title, words.why, words.nextStep);
        }
        for (const step of result.steps) {
          texts.push(step.reason ?? '', ...step.evidence.map((item) => item.summary));
        }
        for (const text of texts) expect(unreplacedPlaceholders(text), text).toEqual([]);
        expect(evaluateAccount(f)).toEqual(result);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);
});
