/**
 * Small builders for AccountFacts: a healthy baseline (IMAP + SMTP on a cPanel-style host, everything
 * answering, both logins accepted) and modifiers that change one thing each. Scenarios read as
 * `facts(loginOf('outgoing', rejected('535', '535 Incorrect authentication data')), passwords('different'))`.
 *
 * Addresses are documentation ranges (RFC 5737) and example.com names: these facts never reach a network.
 */
import type { AccountFacts } from '../../../shared/diagnosis/types';
import type {
  MailAccount,
  PasswordComparison,
  PasswordLookupOutcome,
  ServerSettings,
  StoredPasswordStatus,
} from '../../../shared/model/account';
import type { LoggedAuthReply, LoggedConnectFailure, MailEvidence } from '../../../shared/model/evidence';
import type { HostBlockCheck } from '../../../shared/model/hosting';
import type { ExpectedServer } from '../../../shared/model/managedPreferences';
import type {
  CertificateProblem,
  CertificateSummary,
  HostResolution,
  InternetOutcome,
  LoginOutcome,
  PublishedServer,
  ServerProbeResult,
  TcpOutcome,
  TlsOutcome,
  WebmailOutcome,
} from '../../../shared/probes/outcomes';

export type Side = 'incoming' | 'outgoing';
export type Mod = (facts: AccountFacts) => AccountFacts;

export const NOW = '2026-03-04T12:00:00.000Z';
export const PUBLIC_IP = '203.0.113.7';
export const HOST = 'mail.example.com';
export const EMAIL = 'alice@example.com';

export function hoursBefore(hours: number, from = NOW): string {
  return new Date(Date.parse(from) - hours * 3_600_000).toISOString();
}

// ------------------------------------------------------------------ outcome helpers

export function certificate(names: readonly string[] = [HOST], overrides: Partial<CertificateSummary> = {}): CertificateSummary {
  return {
    subjectCommonName: names[0],
    names,
    issuer: "Let's Encrypt R11",
    validFrom: '2026-01-01T00:00:00.000Z',
    validTo: '2026-04-01T00:00:00.000Z',
    selfSigned: false,
    fingerprintSha256: 'AB:CD:EF',
    ...overrides,
  };
}

export function tlsOk(mode: 'implicit' | 'starttls' = 'implicit', names: readonly string[] = [HOST]): TlsOutcome {
  return {
    kind: 'established',
    mode,
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    certificate: certificate(names),
    verification: { ok: true },
    handshakeMs: 40,
  };
}

export function tlsBad(problem: CertificateProblem, code: string, cert: CertificateSummary = certificate()): TlsOutcome {
  return {
    kind: 'established',
    mode: 'implicit',
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    certificate: cert,
    verification: { ok: false, problem, code },
    handshakeMs: 40,
  };
}

export const connected: TcpOutcome = { kind: 'connected', address: '192.0.2.10', family: 4, connectMs: 30 };
export const timeout: TcpOutcome = { kind: 'timeout', afterMs: 5000 };
export const refused: TcpOutcome = { kind: 'refused', address: '192.0.2.10', afterMs: 20 };
export const reset: TcpOutcome = { kind: 'reset', afterMs: 25 };
export const unreachable: TcpOutcome = { kind: 'unreachable', errorCode: 'EHOSTUNREACH' };

export const accepted: LoginOutcome = { kind: 'accepted', mechanism: 'PLAIN', durationMs: 80 };

export function rejected(responseCode: string | undefined, serverText: string, authReplyMs?: number): LoginOutcome {
  const base = responseCode === undefined
    ? { kind: 'rejected' as const, serverText, durationMs: 2000 }
    : { kind: 'rejected' as const, responseCode, serverText, durationMs: 2000 };
  return authReplyMs === undefined ? base : { ...base, authReplyMs };
}

export const imapRejected = rejected('AUTHENTICATIONFAILED', 'NO [AUTHENTICATIONFAILED] Authentication failed.');
export const popRejected = rejected('AUTH', '-ERR [AUTH] Authentication failed.');
export const smtpRejected = rejected('535', '535 Incorrect authentication data');

export function skippedLogin(reason: Extract<LoginOutcome, { kind: 'skipped' }>['reason'], safeAfter?: string): LoginOutcome {
  return safeAfter === undefined ? { kind: 'skipped', reason } : { kind: 'skipped', reason, safeAfter };
}

// ------------------------------------------------------------------ the healthy baseline

function settings(side: Side): ServerSettings {
  return side === 'incoming'
    ? { protocol: 'imap', host: HOST, port: 993, tls: 'implicit', username: EMAIL, authenticationEnabled: true }
    : { protocol: 'smtp', host: HOST, port: 465, tls: 'implicit', username: EMAIL, authenticationEnabled: true };
}

function found(): StoredPasswordStatus {
  return { outcome: 'found', foundIn: 'internet-password', attempts: [{ source: 'internet-password', outcome: 'found' }] };
}

function probe(side: Side): ServerProbeResult {
  const s = settings(side);
  return {
    role: side,
    protocol: s.protocol,
    host: s.host,
    port: s.port,
    tlsMode: s.tls,
    resolution: { kind: 'resolved', host: s.host, addresses: [{ address: '192.0.2.10', family: 4 }] },
    tcp: connected,
    tls: tlsOk(),
    greeting: side === 'incoming' ? '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Dovecot ready.' : '220 mail.example.com ESMTP Exim 4.96',
    capabilities: side === 'incoming' ? ['IMAP4rev1', 'AUTH=PLAIN'] : ['AUTH PLAIN LOGIN', 'PIPELINING'],
    login: accepted,
    ...(side === 'outgoing' ? { ehloEchoIp: PUBLIC_IP } : {}),
  };
}

function healthyEvidence(): MailEvidence {
  return {
    credentialState: { outcome: { kind: 'read' }, authenticatedFlag: true },
    connectionLog: { outcome: { kind: 'read' }, authReplies: [], connectFailures: [], tls: [], files: [] },
    mailbox: { outcome: { kind: 'read' }, lastMailReceivedAt: hoursBefore(1), pendingLocalActions: 0 },
    unifiedLog: { outcome: { kind: 'needs-administrator' }, events: [] },
  };
}

export function healthyAccount(): MailAccount {
  return {
    id: '6F1C2A9E-1111-4D2B-8A77-0C5D3E9F0001',
    description: 'Work',
    emailAddress: EMAIL,
    source: 'accounts4',
    authKind: 'password',
    incoming: settings('incoming'),
    outgoing: settings('outgoing'),
    outgoingLink: { kind: 'linked', via: 'smtp-identifier' },
    passwords: { incoming: found(), outgoing: found(), comparison: 'same' },
    readProblems: [],
  };
}

export function healthyFacts(): AccountFacts {
  return {
    account: healthyAccount(),
    internet: { kind: 'online', checkedUrl: 'http://captive.apple.com/hotspot-detect.html', durationMs: 120 },
    probes: {
      incoming: probe('incoming'),
      outgoing: probe('outgoing'),
      published: {
        domain: 'example.com',
        mx: [{ exchange: HOST, priority: 0 }],
        srv: [],
        autoconfig: [],
        servers: [],
      },
      webmail: [{ kind: 'page', url: `https://${HOST}:2096/`, httpStatus: 200, page: 'cpanel-webmail-login' }],
    },
    publicIp: { kind: 'found', ip: PUBLIC_IP, from: 'smtp-ehlo' },
    machine: { uptimeSeconds: 2 * 86_400 },
    mailEvidence: healthyEvidence(),
    noLogin: false,
    now: NOW,
  };
}

/** The healthy baseline with modifiers applied in order. */
export function facts(...mods: readonly Mod[]): AccountFacts {
  return mods.reduce<AccountFacts>((current, mod) => mod(current), healthyFacts());
}

// ------------------------------------------------------------------ modifiers

export function probeOf(side: Side, patch: Partial<ServerProbeResult>): Mod {
  return (f) => {
    const current = f.probes[side];
    if (current === null) return f;
    return { ...f, probes: { ...f.probes, [side]: { ...current, ...patch } } };
  };
}

export function loginOf(side: Side, login: LoginOutcome): Mod {
  return probeOf(side, { login });
}

export function tcpOf(side: Side, tcp: TcpOutcome | null): Mod {
  // Without a connection there is no TLS and no login, as the real runner reports it.
  if (tcp !== null && tcp.kind === 'connected') return probeOf(side, { tcp });
  return probeOf(side, {
    tcp,
    tls: { kind: 'not-applicable', reason: 'no-connection' },
    login: skippedLogin('connection-failed'),
    capabilities: [],
    greeting: undefined,
    ehloEchoIp: undefined,
  });
}

export function tlsOf(side: Side, tls: TlsOutcome, login: LoginOutcome = skippedLogin('certificate-invalid')): Mod {
  return probeOf(side, { tls, login });
}

export function resolutionOf(side: Side, resolution: HostResolution): Mod {
  return probeOf(side, {
    resolution,
    tcp: null,
    tls: null,
    login: skippedLogin('connection-failed'),
    capabilities: [],
    greeting: undefined,
    ehloEchoIp: undefined,
  });
}

export function noProbe(side: Side): Mod {
  return (f) => ({ ...f, probes: { ...f.probes, [side]: null } });
}

export function settingsOf(side: Side, patch: Partial<ServerSettings>): Mod {
  return (f) => {
    const current = f.account[side];
    if (current === null) return f;
    const next = { ...current, ...patch };
    const probed = f.probes[side];
    const probes =
      probed === null
        ? f.probes
        : {
            ...f.probes,
            [side]: { ...probed, host: next.host, port: next.port, tlsMode: next.tls, protocol: next.protocol },
          };
    return { ...f, account: { ...f.account, [side]: next }, probes };
  };
}

export function account(patch: Partial<MailAccount>): Mod {
  return (f) => ({ ...f, account: { ...f.account, ...patch } });
}

export function passwords(
  comparison: PasswordComparison,
  incoming: PasswordLookupOutcome = 'found',
  outgoing: PasswordLookupOutcome = 'found',
): Mod {
  const status = (outcome: PasswordLookupOutcome): StoredPasswordStatus => ({
    outcome,
    attempts: [{ source: 'account-credential', outcome }],
  });
  return (f) => ({
    ...f,
    account: { ...f.account, passwords: { incoming: status(incoming), outgoing: status(outgoing), comparison } },
  });
}

export function internet(outcome: InternetOutcome): Mod {
  return (f) => ({ ...f, internet: outcome });
}

export function webmail(...outcomes: WebmailOutcome[]): Mod {
  return (f) => ({ ...f, probes: { ...f.probes, webmail: outcomes } });
}

export function published(servers: readonly PublishedServer[], mx: readonly { exchange: string; priority: number }[] = []): Mod {
  return (f) => ({
    ...f,
    probes: { ...f.probes, published: { domain: 'example.com', mx, srv: [], autoconfig: [], servers } },
  });
}

export function uptimeDays(days: number | undefined): Mod {
  return (f) => ({ ...f, machine: days === undefined ? {} : { uptimeSeconds: days * 86_400 } });
}

export function noLogin(): Mod {
  return (f) => ({
    ...f,
    noLogin: true,
    probes: {
      ...f.probes,
      incoming: f.probes.incoming === null ? null : { ...f.probes.incoming, login: skippedLogin('no-login-mode') },
      outgoing: f.probes.outgoing === null ? null : { ...f.probes.outgoing, login: skippedLogin('no-login-mode') },
    },
  });
}

export function evidence(patch: Partial<MailEvidence>): Mod {
  return (f) => ({ ...f, mailEvidence: { ...(f.mailEvidence ?? healthyEvidence()), ...patch } });
}

export function mailLog(authReplies: readonly LoggedAuthReply[], connectFailures: readonly LoggedConnectFailure[] = []): Mod {
  return (f) => {
    const current = f.mailEvidence ?? healthyEvidence();
    return {
      ...f,
      mailEvidence: { ...current, connectionLog: { ...current.connectionLog, outcome: { kind: 'read' }, authReplies, connectFailures } },
    };
  };
}

export function connectionLogOff(): Mod {
  return (f) => {
    const current = f.mailEvidence ?? healthyEvidence();
    return {
      ...f,
      mailEvidence: {
        ...current,
        connectionLog: { outcome: { kind: 'absent', reason: 'no log files' }, authReplies: [], connectFailures: [], tls: [], files: [] },
      },
    };
  };
}

export function loggedReply(side: Side, result: 'accepted' | 'rejected', hoursAgo: number): LoggedAuthReply {
  return {
    at: hoursBefore(hoursAgo),
    side,
    host: HOST,
    port: side === 'incoming' ? 993 : 465,
    result,
    serverText:
      result === 'accepted'
        ? side === 'incoming'
          ? '3 OK Logged in'
          : '235 Authentication succeeded'
        : side === 'incoming'
          ? '3 NO [AUTHENTICATIONFAILED] Authentication failed.'
          : '535 Incorrect authentication data',
  };
}

/** Every side's keychain read refused (the person clicked Deny, or the keychain is locked). */
export function passwordsUnreadable(): Mod {
  return passwordsNotRead('denied');
}

/**
 * What current macOS does for accounts whose password accountsd holds: `security` and keytar both say
 * "not found" for an Accounts4 account, so each side is out of reach (never "missing").
 */
export function passwordsOutOfReach(): Mod {
  return passwordsNotRead('out-of-reach');
}

function passwordsNotRead(outcome: 'denied' | 'out-of-reach'): Mod {
  return (f) => ({
    ...passwords('unreadable', outcome, outcome)(f),
    probes: {
      ...f.probes,
      incoming: f.probes.incoming === null ? null : { ...f.probes.incoming, login: skippedLogin('no-password') },
      outgoing: f.probes.outgoing === null ? null : { ...f.probes.outgoing, login: skippedLogin('no-password') },
    },
  });
}

/**
 * IT's expected servers for example.com (managed preference ExpectedServers); by default exactly what the
 * healthy baseline stores, so a scenario changes only what it is about.
 */
export function itExpects(patch: Partial<ExpectedServer> = {}): Mod {
  const expected: ExpectedServer = {
    domain: 'example.com',
    incomingHost: HOST,
    incomingPort: 993,
    incomingTls: 'implicit',
    outgoingHost: HOST,
    outgoingPort: 465,
    outgoingTls: 'implicit',
    ...patch,
  };
  return (f) => ({ ...f, expected });
}

/** What the hosting account's records (WHM cPHulk) say about this Mac's address (electron/admin/). */
export function hostBlock(patch: Partial<HostBlockCheck> = {}): Mod {
  const check: HostBlockCheck = {
    checkedAt: hoursBefore(0.1),
    ip: PUBLIC_IP,
    source: 'whm-cphulk',
    cphulkEnabled: true,
    blocked: false,
    allowListed: false,
    failedLogins: [],
    ...patch,
  };
  return (f) => ({ ...f, hostBlockCheck: check });
}
