/**
 * The scenario table: real-shaped facts in, the verdict, findings and step statuses a helpdesk would
 * expect out. Covers every failure code and the interplay of the chain (what outranks what, and what
 * must never be said).
 */
import { describe, expect, it } from 'vitest';
import type { ChecklistStepId, StepStatus } from '../../../shared/checklist/steps';
import type { AccountFacts, FindingSide, PlainParams } from '../../../shared/diagnosis/types';
import { CATALOG, describeFinding } from '../../../shared/verdict/catalog';
import { FAILURE_CODES, type FailureCode } from '../../../shared/verdict/codes';
import { evaluateAccount } from '../../../shared/verdict/evaluate';
import { unreplacedPlaceholders } from '../../../shared/verdict/format';
import {
  EMAIL,
  HOST,
  PUBLIC_IP,
  account,
  accepted,
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
  noLogin,
  noProbe,
  passwords,
  passwordsOutOfReach,
  passwordsUnreadable,
  popRejected,
  probeOf,
  published,
  refused,
  rejected,
  reset,
  resolutionOf,
  settingsOf,
  skippedLogin,
  smtpRejected,
  tcpOf,
  timeout,
  tlsBad,
  tlsOf,
  unreachable,
  uptimeDays,
  webmail,
} from './factsBuilder';

interface Scenario {
  readonly name: string;
  readonly facts: AccountFacts;
  readonly verdict: FailureCode;
  readonly side?: FindingSide;
  /** A subset of the verdict's params. */
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  readonly findings?: readonly FailureCode[];
  readonly absent?: readonly FailureCode[];
  readonly steps?: Partial<Record<ChecklistStepId, StepStatus>>;
  /** Must appear in the verdict's rendered words (title, why, next step, "Show me how" or technical details). */
  readonly says?: readonly (string | RegExp)[];
}

const cpanelWebmail = webmail({ kind: 'page', url: `https://${HOST}:2096/`, httpStatus: 200, page: 'cpanel-webmail-login' });

const SCENARIOS: readonly Scenario[] = [
  // ---------------------------------------------------------------- healthy and notes
  {
    name: 'healthy account: OK, every check passed',
    facts: facts(),
    verdict: 'OK',
    findings: [],
    steps: {
      restart: 'passed',
      internet: 'passed',
      webmail: 'passed',
      'server-reachable': 'passed',
      'incoming-login': 'passed',
      outgoing: 'passed',
      'ip-blocked': 'passed',
      'admin-reset': 'not-applicable',
      'contact-host': 'not-applicable',
    },
  },
  {
    name: 'Mac up for 20 days: still OK, a gentle note in the restart step',
    facts: facts(uptimeDays(20)),
    verdict: 'OK',
    findings: ['LONG_UPTIME'],
    steps: { restart: 'warning' },
  },
  {
    name: 'uptime unknown: restart step skipped with a reason',
    facts: facts(uptimeDays(undefined)),
    verdict: 'OK',
    steps: { restart: 'skipped' },
  },
  {
    name: "ZAUTHENTICATED false alone never says 'wrong password'",
    facts: facts(evidence({ credentialState: { outcome: { kind: 'read' }, authenticatedFlag: false } })),
    verdict: 'OK',
    absent: ['IMAP_AUTH_REJECTED', 'SMTP_AUTH_REJECTED', 'PASSWORDS_DIFFER', 'MAIL_SAW_AUTH_REJECTED'],
  },
  {
    name: 'some settings unreadable but everything works: a note only',
    facts: facts(account({ readProblems: ['IMAPAccount: bad PortNumber'] })),
    verdict: 'OK',
    findings: ['ACCOUNT_READ_PROBLEM'],
  },
  {
    name: 'domain publishes another server but the configured one works: a note',
    facts: facts(
      published([{ protocol: 'imap', host: 'server42.host.example', port: 993, tls: 'implicit', from: 'autoconfig' }]),
    ),
    verdict: 'OK',
    findings: ['SERVER_DIFFERS_FROM_PUBLISHED'],
  },
  {
    name: 'connection log off on a healthy account: not even a note (it is advice for a password problem), OK',
    facts: facts(connectionLogOff()),
    verdict: 'OK',
    findings: [],
  },
  {
    name: 'connection log off on an unattended fleet run (no login, no keychain): OK, the step is not amber',
    facts: facts(connectionLogOff(), noLogin(), passwords('not-applicable', 'not-applicable', 'not-applicable')),
    verdict: 'OK',
    findings: [],
    steps: { 'incoming-login': 'skipped', outgoing: 'skipped' },
  },
  {
    name: 'webmail does not answer while mail works: a note',
    facts: facts(webmail({ kind: 'unreachable', url: `https://${HOST}:2096/`, tcp: timeout })),
    verdict: 'OK',
    findings: ['WEBMAIL_UNREACHABLE'],
    steps: { webmail: 'warning' },
  },
  {
    name: 'OAuth account: connections checked, logins skipped, OK',
    facts: facts(
      account({ authKind: 'oauth', provider: 'Google' }),
      passwords('not-applicable', 'not-applicable', 'not-applicable'),
      loginOf('incoming', skippedLogin('oauth-account')),
      loginOf('outgoing', skippedLogin('oauth-account')),
    ),
    verdict: 'OK',
    findings: ['OAUTH_ACCOUNT'],
    steps: { 'incoming-login': 'skipped', outgoing: 'skipped' },
  },
  // ---------------------------------------------------------------- the Mac and the network
  {
    name: 'Full Disk Access missing',
    facts: facts(
      evidence({
        credentialState: { outcome: { kind: 'full-disk-access-needed', path: '~/Library/Accounts/Accounts4.sqlite' } },
      }),
    ),
    verdict: 'FULL_DISK_ACCESS_NEEDED',
    says: ['Full Disk Access'],
  },
  {
    name: 'Full Disk Access outranks no internet',
    facts: facts(
      internet({ kind: 'no-network', errorCode: 'ENETUNREACH' }),
      evidence({ mailbox: { outcome: { kind: 'full-disk-access-needed', path: '~/Library/Mail' } } }),
    ),
    verdict: 'FULL_DISK_ACCESS_NEEDED',
    findings: ['NO_INTERNET'],
  },
  {
    name: 'account without an incoming server',
    facts: facts(account({ incoming: null }), noProbe('incoming')),
    verdict: 'ACCOUNT_READ_PROBLEM',
    params: { problem: 'no-incoming', settingsUnreadable: false },
  },
  {
    name: "an account with Mail on whose settings Mail Doctor cannot read: listed with that finding, never dropped",
    facts: facts(
      account({ incoming: null, outgoing: null, readProblems: ["Mail Doctor cannot read this account's settings: its type keeps no incoming server Mail Doctor knows how to read"] }),
      noProbe('incoming'),
      noProbe('outgoing'),
    ),
    verdict: 'ACCOUNT_READ_PROBLEM',
    params: { problem: 'no-incoming', settingsUnreadable: true },
    absent: ['OUTGOING_NOT_LINKED'],
    says: ["Mail Doctor cannot read this account's settings"],
  },
  {
    name: 'no internet: the one cause, later probes not blamed',
    facts: facts(
      internet({ kind: 'no-network', errorCode: 'ENETUNREACH' }),
      resolutionOf('incoming', { kind: 'error', host: HOST, errorCode: 'ECONNREFUSED' }),
      tcpOf('outgoing', timeout),
    ),
    verdict: 'NO_INTERNET',
    absent: ['DNS_NOT_FOUND', 'PORT_TIMEOUT', 'IP_BLOCKED_FIREWALL_DROP'],
    steps: { internet: 'failed', 'server-reachable': 'skipped', 'incoming-login': 'skipped' },
  },
  {
    name: 'captive portal, named by its host',
    facts: facts(
      internet({
        kind: 'captive-portal',
        checkedUrl: 'http://captive.apple.com/hotspot-detect.html',
        httpStatus: 302,
        redirectedTo: 'https://login.hotel-wifi.example/portal?mac=1',
      }),
      // Until the person signs in, the portal lets no mail connection through.
      tcpOf('incoming', timeout),
      tcpOf('outgoing', timeout),
    ),
    verdict: 'CAPTIVE_PORTAL',
    params: { portalHost: 'login.hotel-wifi.example' },
    says: ['login.hotel-wifi.example'],
  },
  {
    name: 'captive portal outranks a server name that does not resolve',
    facts: facts(
      internet({ kind: 'captive-portal', checkedUrl: 'http://captive.apple.com/hotspot-detect.html', httpStatus: 200 }),
      resolutionOf('incoming', { kind: 'not-found', host: HOST }),
      tcpOf('outgoing', timeout),
    ),
    verdict: 'CAPTIVE_PORTAL',
    absent: ['DNS_NOT_FOUND'],
  },
  {
    name: 'DNS broken on the whole network',
    facts: facts(
      internet({ kind: 'dns-broken', errorCode: 'ETIMEOUT' }),
      resolutionOf('incoming', { kind: 'timeout', host: HOST }),
      resolutionOf('outgoing', { kind: 'timeout', host: HOST }),
    ),
    verdict: 'DNS_NOT_FOUND',
    side: 'network',
    params: { scope: 'network' },
  },
  {
    name: "the internet check fails but the mail servers answered: a note, not the verdict",
    facts: facts(internet({ kind: 'no-network', errorCode: 'ECONNREFUSED' })),
    verdict: 'OK',
    findings: ['NO_INTERNET'],
    steps: { internet: 'warning', 'server-reachable': 'passed', 'incoming-login': 'passed' },
  },
  {
    name: 'a captive-portal answer while the mail servers answered: the mail chain decides',
    facts: facts(
      internet({ kind: 'captive-portal', checkedUrl: 'http://captive.apple.com/hotspot-detect.html', httpStatus: 200 }),
      loginOf('outgoing', { kind: 'rejected', responseCode: '535', serverText: '535 Incorrect authentication data', durationMs: 3 }),
    ),
    verdict: 'SMTP_AUTH_REJECTED',
    findings: ['CAPTIVE_PORTAL'],
  },
  // ---------------------------------------------------------------- DNS of the servers
  {
    name: 'server name does not exist; the domain publishes the right one',
    facts: facts(
      settingsOf('incoming', { host: 'imap.example.com' }),
      resolutionOf('incoming', { kind: 'not-found', host: 'imap.example.com' }),
      published([{ protocol: 'imap', host: HOST, port: 993, tls: 'implicit', from: 'srv' }]),
    ),
    verdict: 'DNS_NOT_FOUND',
    side: 'incoming',
    params: { host: 'imap.example.com', suggestedHost: HOST, lookup: 'not-found' },
    says: [`Change the incoming server's name to ${HOST}`, `change Host Name from imap.example.com to ${HOST}`, `Your email domain names ${HOST} as its server.`],
  },
  {
    name: 'DNS failure outranks a refused login on the other server',
    facts: facts(
      resolutionOf('incoming', { kind: 'not-found', host: HOST }),
      loginOf('outgoing', smtpRejected),
    ),
    verdict: 'DNS_NOT_FOUND',
    findings: ['SMTP_AUTH_REJECTED'],
  },
  // ---------------------------------------------------------------- ports and bans
  {
    name: 'all mail ports time out while the web port answers: CSF-style DROP ban',
    facts: facts(tcpOf('incoming', timeout), tcpOf('outgoing', timeout)),
    verdict: 'IP_BLOCKED_FIREWALL_DROP',
    side: 'both',
    params: { ip: PUBLIC_IP, ports: '993, 465' },
    absent: ['PORT_TIMEOUT'],
    steps: { 'server-reachable': 'failed', 'ip-blocked': 'failed', 'contact-host': 'warning' },
    says: [PUBLIC_IP, 'hotspot'],
  },
  {
    name: "CSF's block page on the web port and silent mail ports: DROP ban with the IP the page names",
    facts: facts(
      probeOf('outgoing', { ehloEchoIp: undefined }),
      (f) => ({ ...f, publicIp: { kind: 'unknown', reason: 'no answer' } }),
      tcpOf('incoming', timeout),
      tcpOf('outgoing', refused),
      webmail({ kind: 'page', url: `https://${HOST}:2096/`, httpStatus: 403, page: 'csf-block', blockedIp: '198.51.100.23' }),
    ),
    verdict: 'IP_BLOCKED_FIREWALL_DROP',
    params: { evidence: 'csf-page', ip: '198.51.100.23' },
  },
  {
    name: 'Mail saw connect failures too: they feed the ban finding',
    facts: facts(
      tcpOf('incoming', timeout),
      tcpOf('outgoing', timeout),
      mailLog(
        [],
        [
          { at: hoursBefore(2), host: HOST, port: 993 },
          { at: hoursBefore(1), host: HOST, port: 993 },
          { at: hoursBefore(0.5), host: HOST, port: 993 },
        ],
      ),
    ),
    verdict: 'IP_BLOCKED_FIREWALL_DROP',
    params: { mailSawFailures: 3 },
    findings: ['MAIL_SAW_CONNECT_FAILURES'],
  },
  {
    name: 'instant refusals on mail ports while web answers: fail2ban-style REJECT ban',
    facts: facts(tcpOf('incoming', refused), tcpOf('outgoing', unreachable)),
    verdict: 'IP_BLOCKED_REJECT',
    params: { ip: PUBLIC_IP },
    absent: ['PORT_REFUSED', 'CONNECTION_FAILED'],
    says: ['fail2ban'],
  },
  {
    name: 'mail ports and the website all silent: plain timeout, not a ban',
    facts: facts(
      tcpOf('incoming', timeout),
      tcpOf('outgoing', timeout),
      webmail({ kind: 'unreachable', url: `https://${HOST}:2096/`, tcp: timeout }),
    ),
    verdict: 'PORT_TIMEOUT',
    side: 'incoming',
    params: { webAlsoFailed: true, seconds: 5 },
    absent: ['IP_BLOCKED_FIREWALL_DROP'],
    steps: { 'ip-blocked': 'skipped' },
  },
  {
    name: 'only outgoing port 25 silent: the provider blocks port 25',
    facts: facts(settingsOf('outgoing', { port: 25, tls: 'starttls' }), tcpOf('outgoing', timeout)),
    verdict: 'PORT_TIMEOUT',
    side: 'outgoing',
    params: { blockedSmtpPort: true },
    says: ['587'],
  },
  {
    name: 'one server refuses, the other connects: plain refusal',
    facts: facts(tcpOf('incoming', refused)),
    verdict: 'PORT_REFUSED',
    side: 'incoming',
    absent: ['IP_BLOCKED_REJECT'],
  },
  {
    name: 'connection reset',
    facts: facts(tcpOf('outgoing', reset)),
    verdict: 'PORT_RESET',
    side: 'outgoing',
  },
  {
    name: 'network unreachable on one server',
    facts: facts(tcpOf('incoming', unreachable)),
    verdict: 'CONNECTION_FAILED',
    params: { reason: 'unreachable' },
  },
  {
    name: 'server refuses us in its greeting',
    facts: facts(
      probeOf('outgoing', {
        tls: { kind: 'protocol-error', phase: 'greeting', errorCode: 'SERVER_REFUSED', detail: '554 Access denied' },
        login: skippedLogin('connection-failed'),
      }),
    ),
    verdict: 'CONNECTION_FAILED',
    params: { reason: 'server-refused', detail: '554 Access denied' },
  },
  // ---------------------------------------------------------------- TLS
  {
    name: "certificate for another name: suggest the certificate's host",
    facts: facts(
      tlsOf('incoming', tlsBad('hostname-mismatch', 'ERR_TLS_CERT_ALTNAME_INVALID', certificate(['server42.host.example', '*.host.example']))),
      tlsOf('outgoing', tlsBad('hostname-mismatch', 'ERR_TLS_CERT_ALTNAME_INVALID', certificate(['server42.host.example', '*.host.example']))),
    ),
    verdict: 'TLS_HOSTNAME_MISMATCH',
    side: 'incoming',
    params: { certNames: 'server42.host.example, *.host.example', suggestedHost: 'server42.host.example' },
    says: ['server42.host.example'],
    steps: { 'server-reachable': 'failed', 'incoming-login': 'skipped' },
  },
  {
    name: 'expired certificate',
    facts: facts(tlsOf('incoming', tlsBad('expired', 'CERT_HAS_EXPIRED', certificate([HOST], { validTo: '2026-02-01T00:00:00.000Z' })))),
    verdict: 'TLS_CERT_EXPIRED',
    params: { validToAt: '2026-02-01T00:00:00.000Z' },
    says: ['2026-02-01 00:00 UTC'],
  },
  {
    name: 'self-signed certificate',
    facts: facts(tlsOf('outgoing', tlsBad('self-signed', 'DEPTH_ZERO_SELF_SIGNED_CERT', certificate([HOST], { selfSigned: true, issuer: HOST })))),
    verdict: 'TLS_CERT_UNTRUSTED',
    side: 'outgoing',
    params: { selfSigned: true },
  },
  {
    name: 'TLS outranks a refused login',
    facts: facts(
      tlsOf('outgoing', tlsBad('untrusted', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')),
      loginOf('incoming', imapRejected),
    ),
    verdict: 'TLS_CERT_UNTRUSTED',
    findings: ['IMAP_AUTH_REJECTED'],
  },
  {
    name: 'TLS handshake fails',
    facts: facts(tlsOf('incoming', { kind: 'handshake-failed', errorCode: 'ERR_SSL_NO_SHARED_CIPHER', message: 'no shared cipher' })),
    verdict: 'TLS_HANDSHAKE_FAILED',
    params: { errorCode: 'ERR_SSL_NO_SHARED_CIPHER' },
  },
  {
    name: 'STARTTLS not offered on 587',
    facts: facts(settingsOf('outgoing', { port: 587, tls: 'starttls' }), tlsOf('outgoing', { kind: 'starttls-not-offered' })),
    verdict: 'STARTTLS_NOT_OFFERED',
    params: { suggestedPort: 465 },
  },
  {
    name: "587 configured as implicit TLS: the probe's plaintext-on-tls-port",
    facts: facts(
      settingsOf('outgoing', { port: 587, tls: 'implicit' }),
      tlsOf('outgoing', { kind: 'plaintext-on-tls-port', firstBytes: '220 mail.example.com ESMTP' }),
    ),
    verdict: 'TLS_MODE_PORT_MISMATCH',
    side: 'outgoing',
    params: { observed: 'plaintext', suggestedPort: 465 },
  },
  {
    name: '993 configured as STARTTLS: the server never greets',
    facts: facts(settingsOf('incoming', { tls: 'starttls' }), tlsOf('incoming', { kind: 'timeout', phase: 'greeting', afterMs: 5000 })),
    verdict: 'TLS_MODE_PORT_MISMATCH',
    params: { observed: 'no-greeting', port: 993 },
    absent: ['CONNECTION_FAILED'],
  },
  {
    name: '993 set to STARTTLS: the probe proved the port speaks TLS from the first byte; use the STARTTLS port',
    facts: facts(
      settingsOf('incoming', { tls: 'starttls' }),
      tlsOf('incoming', { kind: 'tls-on-plaintext-port', proof: 'handshake', silentMs: 2500, tlsProtocol: 'TLSv1.3' }, skippedLogin('connection-failed')),
    ),
    verdict: 'TLS_MODE_PORT_MISMATCH',
    side: 'incoming',
    params: { observed: 'tls-first', portSpeaks: 'implicit-tls', fix: 'starttls-port', suggestedPort: 143, port: 993 },
    absent: ['CONNECTION_FAILED', 'TLS_HANDSHAKE_FAILED'],
    steps: { 'server-reachable': 'failed' },
    says: ['expects encryption from the first moment', 'set the port to 143 (the port for STARTTLS)', 'Seen: tls-first'],
  },
  {
    name: 'SMTP 465 set to STARTTLS (certificate refused on the TLS question, still TLS): the submission port 587',
    facts: facts(
      settingsOf('outgoing', { tls: 'starttls' }),
      tlsOf('outgoing', { kind: 'tls-on-plaintext-port', proof: 'certificate-error', silentMs: 2500, certificateCode: 'CERT_HAS_EXPIRED' }, skippedLogin('connection-failed')),
    ),
    verdict: 'TLS_MODE_PORT_MISMATCH',
    side: 'outgoing',
    params: { portSpeaks: 'implicit-tls', fix: 'starttls-port', suggestedPort: 587 },
    absent: ['TLS_CERT_EXPIRED', 'CONNECTION_FAILED'],
    says: ['587'],
  },
  {
    name: 'non-standard port 2993 with no encryption, but the port speaks TLS: turn on "Use TLS/SSL", keep the port',
    facts: facts(
      settingsOf('incoming', { port: 2993, tls: 'none' }),
      tlsOf('incoming', { kind: 'tls-on-plaintext-port', proof: 'handshake', silentMs: 2500, tlsProtocol: 'TLSv1.2' }, skippedLogin('connection-failed')),
    ),
    verdict: 'TLS_MODE_PORT_MISMATCH',
    params: { observed: 'tls-first', fix: 'turn-on-tls', suggestedPort: 2993, port: 2993 },
    absent: ['CONNECTION_FAILED'],
    says: ['Turn on Use TLS/SSL for the incoming server', 'turn on Use TLS/SSL and keep Port 2993'],
  },
  {
    name: '993 set to implicit TLS but the server there greets in plain text: suggest the STARTTLS port, not 993 again',
    facts: facts(tlsOf('incoming', { kind: 'plaintext-on-tls-port', firstBytes: '* OK Dovecot ready.' }, skippedLogin('connection-failed'))),
    verdict: 'TLS_MODE_PORT_MISMATCH',
    params: { observed: 'plaintext', portSpeaks: 'plaintext', fix: 'starttls-port', suggestedPort: 143 },
  },
  // ---------------------------------------------------------------- IT's expected servers (managed preferences)
  {
    name: 'Mail matches what IT set: OK, and what the domain publishes is not raised (IT outranks DNS)',
    facts: facts(
      itExpects(),
      published([{ protocol: 'imap', host: 'server42.host.example', port: 993, tls: 'implicit', from: 'srv' }]),
    ),
    verdict: 'OK',
    absent: ['SERVER_DIFFERS_FROM_EXPECTED', 'SERVER_DIFFERS_FROM_PUBLISHED'],
  },
  {
    name: 'IT set another outgoing server and port; Mail\'s works: a warning naming what IT expects',
    facts: facts(itExpects({ outgoingHost: 'smtp.example.com', outgoingPort: 587, outgoingTls: 'starttls' })),
    verdict: 'SERVER_DIFFERS_FROM_EXPECTED',
    side: 'outgoing',
    params: { expectedHost: 'smtp.example.com', expectedPort: 587, hostDiffers: true, portDiffers: true, tlsDiffers: true, works: true },
    absent: ['SERVER_DIFFERS_FROM_PUBLISHED'],
    steps: { 'server-reachable': 'warning' },
    says: ['Your IT department (for example.com): smtp.example.com, port 587, STARTTLS', 'set Host Name to smtp.example.com, Port to 587, and turn Use TLS/SSL on'],
  },
  {
    name: 'IT set implicit TLS, Mail has STARTTLS on 993 and the probe proved TLS: the port mismatch leads, IT mismatch is a failure too',
    facts: facts(
      itExpects(),
      settingsOf('incoming', { tls: 'starttls' }),
      tlsOf('incoming', { kind: 'tls-on-plaintext-port', proof: 'handshake', silentMs: 2500 }, skippedLogin('connection-failed')),
    ),
    verdict: 'TLS_MODE_PORT_MISMATCH',
    findings: ['SERVER_DIFFERS_FROM_EXPECTED'],
  },
  {
    name: 'the old host no longer exists: DNS_NOT_FOUND suggests the host IT set before what DNS publishes',
    facts: facts(
      itExpects({ incomingHost: 'imap.example.com' }),
      settingsOf('incoming', { host: 'mail.old-example.com' }),
      resolutionOf('incoming', { kind: 'not-found', host: 'mail.old-example.com' }),
      published([{ protocol: 'imap', host: 'server42.host.example', port: 993, tls: 'implicit', from: 'autoconfig' }]),
    ),
    verdict: 'DNS_NOT_FOUND',
    params: { suggestedHost: 'imap.example.com' },
    findings: ['SERVER_DIFFERS_FROM_EXPECTED'],
    absent: ['SERVER_DIFFERS_FROM_PUBLISHED'],
  },
  {
    name: 'IT set another incoming host and Mail\'s refuses the connection: PORT_REFUSED leads, the IT mismatch is a failure beside it',
    facts: facts(itExpects({ incomingHost: 'imap.example.com' }), tcpOf('incoming', refused), webmail()),
    verdict: 'PORT_REFUSED',
    findings: ['SERVER_DIFFERS_FROM_EXPECTED'],
  },
  {
    name: 'port/mode mismatch not tested live (143 with implicit TLS, no probe): a warning',
    facts: facts(settingsOf('incoming', { port: 143, tls: 'implicit' }), noProbe('incoming')),
    verdict: 'TLS_MODE_PORT_MISMATCH',
    params: { port: 143 },
  },
  {
    name: 'plain connection, server refuses the password without TLS',
    facts: facts(
      settingsOf('incoming', { port: 143, tls: 'none' }),
      probeOf('incoming', { tls: { kind: 'not-applicable', reason: 'tls-off' }, login: { kind: 'unavailable', serverText: '* OK [CAPABILITY IMAP4rev1 LOGINDISABLED]' } }),
    ),
    verdict: 'LOGIN_NEEDS_TLS',
    params: { suggestedPort: 993 },
  },
  {
    name: 'plain connection: Mail Doctor does not send the password in clear (warning)',
    facts: facts(
      settingsOf('incoming', { port: 143, tls: 'none' }),
      probeOf('incoming', { tls: { kind: 'not-applicable', reason: 'tls-off' }, login: skippedLogin('cleartext-connection') }),
    ),
    verdict: 'LOGIN_NEEDS_TLS',
    params: { reason: 'not-sent' },
    steps: { 'incoming-login': 'warning' },
  },
  // ---------------------------------------------------------------- logins and the password mismatch
  {
    name: 'IMAP accepts, SMTP 535, stored passwords different: the outgoing password is stale',
    facts: facts(passwords('different'), loginOf('outgoing', smtpRejected)),
    verdict: 'PASSWORDS_DIFFER',
    side: 'outgoing',
    params: { source: 'live', staleRole: 'outgoing', goodRole: 'incoming' },
    findings: ['SMTP_AUTH_REJECTED'],
    absent: ['IMAP_AUTH_REJECTED'],
    steps: { 'incoming-login': 'passed', outgoing: 'failed', 'admin-reset': 'warning' },
    says: ["Type your current password for the outgoing server in Mail's account settings.", 'Under Outgoing Mail Server, type your current password'],
  },
  {
    name: 'SMTP accepts, IMAP NO, stored passwords different: the incoming password is stale',
    facts: facts(passwords('different'), loginOf('incoming', imapRejected)),
    verdict: 'PASSWORDS_DIFFER',
    side: 'incoming',
    params: { staleRole: 'incoming' },
    absent: ['SMTP_AUTH_REJECTED'],
  },
  {
    name: 'both refused, same stored password: the password changed on the server',
    facts: facts(loginOf('incoming', imapRejected), loginOf('outgoing', smtpRejected)),
    verdict: 'IMAP_AUTH_REJECTED',
    side: 'incoming',
    params: { bothRejected: true, sameStoredForBoth: true },
    findings: ['SMTP_AUTH_REJECTED'],
    absent: ['PASSWORDS_DIFFER'],
    steps: { 'admin-reset': 'warning', 'incoming-login': 'failed', outgoing: 'failed' },
    says: ['Your password seems to have changed', 'webmail'],
  },
  {
    name: 'POP3 account refused',
    facts: facts(
      settingsOf('incoming', { protocol: 'pop3', port: 995 }),
      loginOf('incoming', popRejected),
      passwords('different'),
      loginOf('outgoing', smtpRejected),
    ),
    verdict: 'POP3_AUTH_REJECTED',
    params: { bothRejected: true, sameStoredForBoth: false },
  },
  {
    name: 'IMAP accepts, SMTP 535 with the very same password: the outgoing login settings',
    facts: facts(loginOf('outgoing', smtpRejected)),
    verdict: 'SMTP_AUTH_REJECTED',
    side: 'outgoing',
    params: { otherSideAccepted: true, sameStoredForBoth: true },
    says: ['user name'],
  },
  {
    name: 'IMAP accepts, SMTP 535, same password, different user names: the user name',
    facts: facts(settingsOf('outgoing', { username: 'alice' }), loginOf('outgoing', smtpRejected)),
    verdict: 'USERNAMES_DIFFER',
    side: 'outgoing',
    params: { explains: true, goodUser: EMAIL, badUser: 'alice' },
    findings: ['SMTP_AUTH_REJECTED', 'USERNAME_NOT_FULL_ADDRESS'],
  },
  {
    name: 'short user name refused on a cPanel server',
    facts: facts(settingsOf('incoming', { username: 'alice' }), settingsOf('outgoing', { username: 'alice' }), cpanelWebmail, loginOf('incoming', imapRejected)),
    verdict: 'USERNAME_NOT_FULL_ADDRESS',
    side: 'incoming',
    params: { username: 'alice', email: EMAIL, cpanel: true },
  },
  {
    name: 'user names differ, nothing tested: a warning',
    facts: facts(settingsOf('outgoing', { username: 'alice.smith@example.com' }), noLogin()),
    verdict: 'USERNAMES_DIFFER',
    params: { explains: false, harmless: false },
  },
  {
    name: 'outgoing password missing: say which host has one',
    facts: facts(
      passwords('outgoing-missing', 'found', 'not-found'),
      settingsOf('outgoing', { host: 'smtp.example.com' }),
      loginOf('outgoing', skippedLogin('no-password')),
    ),
    verdict: 'PASSWORD_MISSING',
    side: 'outgoing',
    params: { host: 'smtp.example.com', otherHost: HOST },
    steps: { outgoing: 'failed' },
  },
  {
    name: 'outgoing authentication off on 587: relay refused',
    facts: facts(
      settingsOf('outgoing', { port: 587, tls: 'starttls', authenticationEnabled: false }),
      loginOf('outgoing', skippedLogin('authentication-off')),
    ),
    verdict: 'SMTP_AUTH_DISABLED',
    side: 'outgoing',
  },
  {
    name: 'temporary authentication failure',
    facts: facts(loginOf('incoming', rejected('UNAVAILABLE', 'NO [UNAVAILABLE] Temporary authentication failure.'))),
    verdict: 'SERVER_UNAVAILABLE',
    params: { reason: 'temporary' },
    absent: ['IMAP_AUTH_REJECTED'],
  },
  {
    name: 'logins disabled for the mailbox',
    facts: facts(loginOf('incoming', rejected('CONTACTADMIN', 'NO [CONTACTADMIN] Login disabled for this user'))),
    verdict: 'SERVER_UNAVAILABLE',
    params: { reason: 'disabled' },
  },
  {
    name: 'login budget exhausted: say when it is safe',
    facts: facts(
      loginOf('incoming', skippedLogin('login-budget', '2026-03-04T12:40:00.000Z')),
      loginOf('outgoing', skippedLogin('login-budget', '2026-03-04T12:40:00.000Z')),
    ),
    verdict: 'LOGIN_BUDGET_EXHAUSTED',
    params: { safeAfter: '2026-03-04T12:40:00.000Z' },
    says: ['2026-03-04 12:40 UTC'],
    absent: ['CONNECTION_LOG_OFF'],
  },
  {
    name: 'no outgoing server linked',
    facts: facts(account({ outgoing: null, outgoingLink: { kind: 'unresolved', identifier: 'smtp.old-host.example:alice' } }), noProbe('outgoing')),
    verdict: 'OUTGOING_NOT_LINKED',
    params: { identifier: 'smtp.old-host.example:alice' },
  },
  // ---------------------------------------------------------------- bans at the login layer
  {
    name: "webmail shows cPHulk's page and logins are refused: login-layer block",
    facts: facts(
      webmail({ kind: 'page', url: `https://${HOST}:2096/`, httpStatus: 401, page: 'cphulk-block' }),
      loginOf('incoming', imapRejected),
      loginOf('outgoing', smtpRejected),
    ),
    verdict: 'IP_BLOCKED_LOGIN_LAYER',
    params: { evidence: 'webmail-page', ip: PUBLIC_IP },
    findings: ['IMAP_AUTH_REJECTED', 'SMTP_AUTH_REJECTED'],
    steps: { 'ip-blocked': 'failed', webmail: 'failed' },
    says: ['cPHulk', PUBLIC_IP],
  },
  {
    name: 'the password worked from this Mac 2 h ago, TLS fine, now refused everywhere: login-layer block',
    facts: facts(
      loginOf('incoming', imapRejected),
      loginOf('outgoing', smtpRejected),
      mailLog([loggedReply('incoming', 'accepted', 2), loggedReply('incoming', 'rejected', 1)]),
    ),
    verdict: 'IP_BLOCKED_LOGIN_LAYER',
    params: { evidence: 'mail-log' },
  },
  // ---------------------------------------------------------------- what Mail itself saw (issue 8)
  {
    name: "Mail's log: incoming refused, outgoing accepted, passwords unreadable: PASSWORDS_DIFFER incoming",
    facts: facts(
      passwordsUnreadable(),
      noLogin(),
      mailLog([loggedReply('incoming', 'rejected', 1), loggedReply('outgoing', 'accepted', 1.5)]),
    ),
    verdict: 'PASSWORDS_DIFFER',
    side: 'incoming',
    params: { source: 'mail-log', staleRole: 'incoming' },
    findings: ['MAIL_SAW_AUTH_REJECTED', 'PASSWORD_UNREADABLE'],
    steps: { 'incoming-login': 'failed' },
  },
  {
    name: "Mail's log alone (outgoing refused, no accepted reply): MAIL_SAW_AUTH_REJECTED",
    facts: facts(passwordsUnreadable(), noLogin(), mailLog([loggedReply('outgoing', 'rejected', 1)])),
    verdict: 'MAIL_SAW_AUTH_REJECTED',
    side: 'outgoing',
    absent: ['PASSWORDS_DIFFER'],
  },
  {
    name: "Mail's old refusal, but the live login just worked: a note, never a rejection verdict",
    facts: facts(mailLog([loggedReply('incoming', 'rejected', 3)])),
    verdict: 'OK',
    findings: ['MAIL_SAW_AUTH_REJECTED'],
    absent: ['PASSWORDS_DIFFER', 'IMAP_AUTH_REJECTED'],
  },
  {
    name: "Mail's log says incoming refused, but live incoming accepted and outgoing refused: live wins",
    facts: facts(
      passwords('different'),
      loginOf('outgoing', smtpRejected),
      mailLog([loggedReply('incoming', 'rejected', 1), loggedReply('outgoing', 'accepted', 1)]),
    ),
    verdict: 'PASSWORDS_DIFFER',
    side: 'outgoing',
    params: { source: 'live' },
  },
  {
    name: 'password request rejected 3 h ago: prompt suppressed until T+24 h',
    facts: facts(
      passwordsUnreadable(),
      evidence({ credentialState: { outcome: { kind: 'read' }, renewalRejectedAt: hoursBefore(3) } }),
    ),
    verdict: 'PASSWORD_PROMPT_SUPPRESSED',
    params: { rejectedAt: hoursBefore(3), liftsAt: '2026-03-05T09:00:00.000Z' },
    says: ['2026-03-05 09:00 UTC'],
  },
  {
    name: 'password request rejected 30 h ago: no suppression any more',
    facts: facts(evidence({ credentialState: { outcome: { kind: 'read' }, renewalRejectedAt: hoursBefore(30) } })),
    verdict: 'OK',
    absent: ['PASSWORD_PROMPT_SUPPRESSED'],
  },
  {
    name: 'no new mail for 5 days while 3 changes wait: not syncing',
    facts: facts(
      noLogin(),
      evidence({ mailbox: { outcome: { kind: 'read' }, lastMailReceivedAt: hoursBefore(5 * 24), pendingLocalActions: 3 } }),
    ),
    verdict: 'ACCOUNT_NOT_SYNCING',
    params: { days: 5, pending: 3 },
  },
  {
    name: 'no new mail for 5 days but nothing queued: a quiet account, not a problem',
    facts: facts(evidence({ mailbox: { outcome: { kind: 'read' }, lastMailReceivedAt: hoursBefore(5 * 24), pendingLocalActions: 0 } })),
    verdict: 'OK',
    absent: ['ACCOUNT_NOT_SYNCING'],
  },
  {
    name: 'passwords unreadable and the log is off: type the password; turning the log on is advice beside it',
    facts: facts(passwordsUnreadable(), connectionLogOff()),
    verdict: 'PASSWORD_UNREADABLE',
    findings: ['CONNECTION_LOG_OFF'],
    steps: { 'incoming-login': 'warning' },
  },
  {
    name: 'passwords unreadable, log read but empty: type the password',
    facts: facts(passwordsUnreadable()),
    verdict: 'PASSWORD_UNREADABLE',
    side: 'both',
  },
  {
    name: 'no-login run, stored passwords different: a warning, cannot tell which is right',
    facts: facts(passwords('different'), noLogin()),
    verdict: 'PASSWORDS_DIFFER',
    side: 'both',
    params: { source: 'stored' },
    steps: { 'incoming-login': 'skipped', outgoing: 'warning' },
  },
  // ---------------------------------------------------------------- passwords out of reach (issue 12 item 2)
  {
    name: "a modern Mac: passwords out of reach, Mail's log shows incoming refused and outgoing accepted: PASSWORDS_DIFFER incoming, never missing",
    facts: facts(passwordsOutOfReach(), mailLog([loggedReply('incoming', 'rejected', 1), loggedReply('outgoing', 'accepted', 1.5)])),
    verdict: 'PASSWORDS_DIFFER',
    side: 'incoming',
    params: { source: 'mail-log', staleRole: 'incoming', goodRole: 'outgoing' },
    findings: ['MAIL_SAW_AUTH_REJECTED', 'PASSWORD_UNREADABLE'],
    absent: ['PASSWORD_MISSING'],
    steps: { 'incoming-login': 'failed' },
    says: ["Mail's incoming password is out of date"],
  },
  {
    name: 'a modern Mac: passwords out of reach and nothing else known: type the password (macOS keeps it private), never "missing"',
    facts: facts(passwordsOutOfReach()),
    verdict: 'PASSWORD_UNREADABLE',
    side: 'both',
    params: { reason: 'out-of-reach' },
    absent: ['PASSWORD_MISSING'],
    says: ['private to Mail'],
  },
  {
    name: 'a legacy account with no password in the login keychain: missing, except where Mail\'s own evidence proves one (recent mail: incoming)',
    facts: facts(
      account({ source: 'legacy-plist' }),
      passwords('both-missing', 'not-found', 'not-found'),
      loginOf('incoming', skippedLogin('no-password')),
      loginOf('outgoing', skippedLogin('no-password')),
    ),
    verdict: 'PASSWORD_MISSING',
    side: 'outgoing',
    params: { role: 'outgoing', otherHost: HOST },
  },
  {
    name: "a legacy account with none in the keychain, but Mail's log shows both servers accepting Mail's login: not missing",
    facts: facts(
      account({ source: 'legacy-plist' }),
      passwords('both-missing', 'not-found', 'not-found'),
      loginOf('incoming', skippedLogin('no-password')),
      loginOf('outgoing', skippedLogin('no-password')),
      mailLog([loggedReply('incoming', 'accepted', 30), loggedReply('outgoing', 'accepted', 30)]),
    ),
    verdict: 'OK',
    absent: ['PASSWORD_MISSING'],
  },
  // ---------------------------------------------------------------- this round's outcomes (issues 11, 12, 14)
  {
    name: 'STARTTLS offered, then withdrawn on the login connection: possible interception, never "server unavailable"',
    facts: facts(
      settingsOf('incoming', { port: 143, tls: 'starttls' }),
      tlsOf('incoming', { kind: 'starttls-withdrawn', advertisedOn: 'other-connection' }, skippedLogin('connection-failed')),
    ),
    verdict: 'STARTTLS_WITHDRAWN',
    side: 'incoming',
    params: { advertisedOn: 'other-connection', port: 143 },
    absent: ['SERVER_UNAVAILABLE', 'CONNECTION_FAILED', 'STARTTLS_NOT_OFFERED', 'TLS_HANDSHAKE_FAILED'],
    steps: { 'server-reachable': 'failed', 'incoming-login': 'skipped' },
    says: ['no password was sent', 'hotspot'],
  },
  {
    name: 'an endless greeting line: the byte budget hung up, SERVER_REPLY_TOO_LARGE rather than a bare connection failure',
    facts: facts(
      probeOf('incoming', {
        tls: { kind: 'protocol-error', phase: 'greeting', errorCode: 'REPLY_TOO_LARGE', detail: 'a line past 65536 bytes' },
        login: skippedLogin('connection-failed'),
      }),
    ),
    verdict: 'SERVER_REPLY_TOO_LARGE',
    side: 'incoming',
    params: { phase: 'greeting', errorCode: 'REPLY_TOO_LARGE' },
    absent: ['CONNECTION_FAILED'],
  },
  {
    name: "the probes' older name for the byte budget (LINE_TOO_LONG) means the same",
    facts: facts(
      probeOf('outgoing', {
        tls: { kind: 'protocol-error', phase: 'capabilities', errorCode: 'LINE_TOO_LONG', detail: 'too long' },
        login: skippedLogin('connection-failed'),
      }),
    ),
    verdict: 'SERVER_REPLY_TOO_LARGE',
    side: 'outgoing',
    absent: ['CONNECTION_FAILED'],
  },
  {
    name: 'a flood in reply to the login: SERVER_REPLY_TOO_LARGE, never "the server stopped answering"',
    facts: facts(loginOf('incoming', { kind: 'error', errorCode: 'REPLY_TOO_LARGE', message: 'more than 1 MiB' })),
    verdict: 'SERVER_REPLY_TOO_LARGE',
    params: { phase: 'login' },
    absent: ['SERVER_UNAVAILABLE'],
  },
  {
    name: "both passwords wrong on a stock Dovecot: IMAP refused, SMTP's AUTH reply slowed past its deadline by the auth penalty",
    facts: facts(
      loginOf('incoming', rejected('AUTHENTICATIONFAILED', 'NO [AUTHENTICATIONFAILED] Authentication failed.', 2_000)),
      loginOf('outgoing', { kind: 'timeout', afterMs: 20_000, phase: 'auth' }),
    ),
    verdict: 'IMAP_AUTH_REJECTED',
    findings: ['LOGIN_DELAYED_BY_SERVER'],
    absent: ['SERVER_UNAVAILABLE'],
    steps: { outgoing: 'warning', 'ip-blocked': 'warning' },
  },
  {
    name: 'the password was sent and no reply came in time: the server is slowing logins (a warning), not unavailable, not a wrong password',
    facts: facts(loginOf('outgoing', { kind: 'timeout', afterMs: 20_000, phase: 'auth' })),
    verdict: 'LOGIN_DELAYED_BY_SERVER',
    side: 'outgoing',
    params: { outcome: 'no-reply', seconds: 20 },
    absent: ['SERVER_UNAVAILABLE', 'SMTP_AUTH_REJECTED', 'PASSWORDS_DIFFER'],
    says: ['did not call the password wrong'],
  },
  {
    name: 'a login that timed out before the password was sent is still "stopped answering"',
    facts: facts(loginOf('outgoing', { kind: 'timeout', afterMs: 5_000, phase: 'connect' })),
    verdict: 'SERVER_UNAVAILABLE',
    params: { reason: 'no-answer' },
    absent: ['LOGIN_DELAYED_BY_SERVER'],
  },
  {
    name: 'an accepted login that took 6 s: a note that the server is slowing logins from here, still OK',
    facts: facts(loginOf('incoming', { kind: 'accepted', mechanism: 'PLAIN', durationMs: 6_100, authReplyMs: 6_000 })),
    verdict: 'OK',
    findings: ['LOGIN_DELAYED_BY_SERVER'],
  },
  {
    name: "a refusal after Dovecot's normal 2 s failure delay is not a slowdown; one after 8 s is",
    facts: facts(loginOf('incoming', rejected('AUTHENTICATIONFAILED', 'NO [AUTHENTICATIONFAILED] Authentication failed.', 8_000))),
    verdict: 'IMAP_AUTH_REJECTED',
    findings: ['LOGIN_DELAYED_BY_SERVER'],
  },
  {
    name: 'a server that repeated the password in its refusal: scrubbed, and a note says so',
    facts: facts(probeOf('incoming', { login: imapRejected, secretScrubbed: true })),
    verdict: 'IMAP_AUTH_REJECTED',
    findings: ['SECRET_SCRUBBED'],
  },
  {
    name: 'the login ledger cannot be written: its own finding with the path, never "you tried recently"',
    facts: facts(
      loginOf('incoming', { kind: 'skipped', reason: 'ledger-unavailable', ledger: { path: '/state/login-ledger.json', problem: 'not-writable', errorCode: 'EROFS' } }),
      loginOf('outgoing', { kind: 'skipped', reason: 'ledger-unavailable', ledger: { path: '/state/login-ledger.json', problem: 'not-writable', errorCode: 'EROFS' } }),
    ),
    verdict: 'LOGIN_LEDGER_UNAVAILABLE',
    side: 'both',
    params: { path: '/state/login-ledger.json', problem: 'not-writable', errorCode: 'EROFS' },
    absent: ['LOGIN_BUDGET_EXHAUSTED'],
    steps: { 'incoming-login': 'warning', outgoing: 'warning' },
    says: ['/state/login-ledger.json', 'writable'],
  },
  {
    name: "the host's records confirm a cPHulk block: IP_BLOCKED_CONFIRMED outranks the client-side guess",
    facts: facts(
      hostBlock({
        blocked: true,
        blockedBy: 'cphulk-brute',
        since: hoursBefore(1),
        until: '2026-03-04T12:30:00.000Z',
        failedLogins: [
          { user: EMAIL, service: 'imap', at: hoursBefore(1.2) },
          { user: EMAIL, service: 'smtp', at: hoursBefore(1.1) },
        ],
      }),
      webmail({ kind: 'page', url: `https://${HOST}:2096/`, httpStatus: 401, page: 'cphulk-block' }),
      loginOf('incoming', imapRejected),
      loginOf('outgoing', smtpRejected),
    ),
    verdict: 'IP_BLOCKED_CONFIRMED',
    side: 'both',
    params: { ip: PUBLIC_IP, failedLogins: 2, services: 'imap, smtp', liftsAt: '2026-03-04T12:30:00.000Z' },
    absent: ['IP_BLOCKED_LOGIN_LAYER'],
    findings: ['IMAP_AUTH_REJECTED', 'SMTP_AUTH_REJECTED'],
    steps: { 'ip-blocked': 'failed' },
  },
  {
    name: "the host's records say not blocked: the login-layer guess is ruled out, the refusals speak for themselves",
    facts: facts(
      hostBlock({ blocked: false }),
      loginOf('incoming', imapRejected),
      loginOf('outgoing', smtpRejected),
      mailLog([loggedReply('incoming', 'accepted', 2), loggedReply('incoming', 'rejected', 1)]),
    ),
    verdict: 'IMAP_AUTH_REJECTED',
    absent: ['IP_BLOCKED_LOGIN_LAYER', 'IP_BLOCKED_CONFIRMED'],
    steps: { 'ip-blocked': 'passed' },
  },
];

describe('verdict scenarios', () => {
  it('has at least 40 scenarios', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))('%s', (_name, scenario) => {
    const result = evaluateAccount(scenario.facts);
    const codes = result.findings.map((finding) => finding.code);

    expect(result.verdict.code).toBe(scenario.verdict);
    if (scenario.side !== undefined) expect(result.verdict.side).toBe(scenario.side);
    for (const [key, value] of Object.entries(scenario.params ?? {})) {
      expect((result.verdict.params as PlainParams)[key], `param ${key}`).toBe(value);
    }
    if (scenario.findings !== undefined && scenario.findings.length === 0) {
      expect(codes).toEqual([]);
    }
    for (const code of scenario.findings ?? []) expect(codes, `finding ${code}`).toContain(code);
    for (const code of scenario.absent ?? []) expect(codes, `no finding ${code}`).not.toContain(code);
    for (const [id, status] of Object.entries(scenario.steps ?? {})) {
      expect(result.steps.find((step) => step.id === id)?.status, `step ${id}`).toBe(status);
    }
    const verdict = result.verdict;
    const words = [verdict.title, verdict.why, verdict.nextStep, ...(verdict.howTo ?? []), ...(verdict.technical ?? [])].join('\n');
    for (const phrase of scenario.says ?? []) {
      if (typeof phrase === 'string') expect(words).toContain(phrase);
      else expect(words).toMatch(phrase);
    }
    // The verdict is the first finding (or OK when nothing failed or warned).
    if (scenario.verdict !== 'OK') expect(result.findings[0]?.code).toBe(scenario.verdict);
    // Every text the person sees is complete.
    for (const finding of result.findings) {
      const rendered = describeFinding(finding);
      for (const text of [rendered.title, rendered.why, rendered.nextStep]) {
        expect(unreplacedPlaceholders(text), `${finding.code}: ${text}`).toEqual([]);
      }
    }
    for (const step of result.steps) {
      for (const item of step.evidence) expect(unreplacedPlaceholders(item.summary), item.summary).toEqual([]);
    }
  });

  it('covers every failure code as a verdict or a finding', () => {
    const seen = new Set<FailureCode>();
    for (const scenario of SCENARIOS) {
      const result = evaluateAccount(scenario.facts);
      seen.add(result.verdict.code);
      for (const finding of result.findings) seen.add(finding.code);
    }
    expect(FAILURE_CODES.filter((code) => !seen.has(code))).toEqual([]);
  });

  it('every failure code appears as the verdict of some scenario (except notes that never decide)', () => {
    const verdicts = new Set(SCENARIOS.map((scenario) => scenario.verdict));
    const neverVerdict: FailureCode[] = ['LONG_UPTIME', 'OAUTH_ACCOUNT', 'MAIL_SAW_CONNECT_FAILURES', 'WEBMAIL_UNREACHABLE', 'SERVER_DIFFERS_FROM_PUBLISHED', 'CONNECTION_LOG_OFF', 'SECRET_SCRUBBED'];
    expect(FAILURE_CODES.filter((code) => !verdicts.has(code) && !neverVerdict.includes(code))).toEqual([]);
    expect(Object.keys(CATALOG).length).toBe(FAILURE_CODES.length);
  });
});

describe('verdict details', () => {
  it('renders times with the formatter it is given (the window passes a locale one)', () => {
    const result = evaluateAccount(
      facts(passwordsUnreadable(), evidence({ credentialState: { outcome: { kind: 'read' }, renewalRejectedAt: hoursBefore(3) } })),
      { text: { formatTime: (iso) => `<${iso}>` } },
    );
    expect(result.verdict.why).toContain('dismissed at <2026-03-04T09:00:00.000Z>');
    // The time the prompt comes back is said once, in the next step: what the person acts on.
    expect(result.verdict.nextStep).toContain('until <2026-03-05T09:00:00.000Z>');
    expect(result.verdict.why).not.toContain('2026-03-05T09:00:00.000Z');
  });

  it('keeps the server words as raw evidence under the login step', () => {
    const result = evaluateAccount(facts(passwords('different'), loginOf('outgoing', smtpRejected)));
    const outgoing = result.steps.find((step) => step.id === 'outgoing');
    expect(outgoing?.evidence.map((item) => item.raw)).toContain('535 Incorrect authentication data');
    expect(outgoing?.findings).toEqual(['PASSWORDS_DIFFER', 'SMTP_AUTH_REJECTED']);
  });

  it('names the certificate names and timings in the server step evidence', () => {
    const result = evaluateAccount(facts());
    const summaries = result.steps.find((step) => step.id === 'server-reachable')?.evidence.map((item) => item.summary) ?? [];
    expect(summaries).toContain(`Connected to ${HOST} port 993 (192.0.2.10) in 30 ms.`);
    expect(summaries.some((summary) => summary.includes(`valid for ${HOST} until 2026-04-01 00:00 UTC`))).toBe(true);
  });

  it("IT's expected server: warning while Mail's setting works, failure when that side failed live", () => {
    const works = evaluateAccount(facts(itExpects({ incomingHost: 'imap.example.com' })));
    expect(works.findings.find((f) => f.code === 'SERVER_DIFFERS_FROM_EXPECTED')).toMatchObject({ side: 'incoming', severity: 'warning' });
    const fails = evaluateAccount(facts(itExpects({ incomingHost: 'imap.example.com' }), tcpOf('incoming', refused), webmail()));
    expect(fails.findings.find((f) => f.code === 'SERVER_DIFFERS_FROM_EXPECTED')).toMatchObject({ side: 'incoming', severity: 'failure' });
    // Only the differing side is named; the outgoing side matches what IT set.
    expect(fails.findings.filter((f) => f.code === 'SERVER_DIFFERS_FROM_EXPECTED').map((f) => f.side)).toEqual(['incoming']);
  });

  it('a port that speaks TLS from the first byte shows as evidence under the server step', () => {
    const result = evaluateAccount(
      facts(
        settingsOf('incoming', { tls: 'starttls' }),
        tlsOf('incoming', { kind: 'tls-on-plaintext-port', proof: 'handshake', silentMs: 2500, tlsProtocol: 'TLSv1.3' }, skippedLogin('connection-failed')),
      ),
    );
    const summaries = result.steps.find((step) => step.id === 'server-reachable')?.evidence.map((item) => item.summary) ?? [];
    expect(summaries).toContain(`${HOST} port 993 said nothing in plain text for 2.5 seconds, but answered a secure connection at once (TLSv1.3): it uses TLS from the start.`);
  });

  it('a skipped step carries its plain reason', () => {
    const result = evaluateAccount(facts(noLogin()));
    const incoming = result.steps.find((step) => step.id === 'incoming-login');
    expect(incoming).toMatchObject({ status: 'skipped', reason: 'Logins were turned off for this run.' });
  });

  it('verdict carries the action the window can offer', () => {
    expect(evaluateAccount(facts(passwordsUnreadable())).verdict.action).toBe('type-password');
    expect(evaluateAccount(facts(passwordsUnreadable(), connectionLogOff())).verdict.action).toBe('type-password');
    expect(evaluateAccount(facts()).verdict.action).toBe('run-again');
  });

  it('an accepted login with accepted-login evidence for the same side never yields that side rejected', () => {
    const result = evaluateAccount(facts(loginOf('incoming', accepted), mailLog([loggedReply('incoming', 'rejected', 0.5)])));
    const incomingRejections = result.findings.filter(
      (finding) => finding.side === 'incoming' && finding.severity !== 'note' && /AUTH_REJECTED|PASSWORDS_DIFFER/.test(finding.code),
    );
    expect(incomingRejections).toEqual([]);
  });
});

describe('an internet check that failed while the mail servers answered', () => {
  it('is worded as not being what stops Mail', () => {
    const evaluation = evaluateAccount(facts(internet({ kind: 'no-network', errorCode: 'ECONNREFUSED' })));
    const finding = evaluation.findings.find((f) => f.code === 'NO_INTERNET');
    expect(finding?.severity).toBe('note');
    if (finding === undefined) throw new Error('no NO_INTERNET finding');
    const words = describeFinding(finding);
    expect(words.title).toBe('The internet check did not get through');
    expect(words.why).toContain('not what stops Mail');
  });
});
