/**
 * A realistic DiagnosisRun for the support-report tests: an IMAP+SMTP account whose stored outgoing
 * password is stale (IMAP accepts, SMTP says 535), and a Google OAuth account whose mail ports time out.
 * Server texts are the real servers' wording; a few carry characters that break careless Markdown.
 */
import type { ChecklistStepId, StepStatus } from '../../../shared/checklist/steps';
import { CHECKLIST_STEP_IDS } from '../../../shared/checklist/steps';
import type { AccountDiagnosis, ChecklistStep, DiagnosisRun } from '../../../shared/diagnosis/types';
import type { MailAccount } from '../../../shared/model/account';
import type { ServerProbeResult } from '../../../shared/probes/outcomes';
import type { ReportEnvironment } from '../../../electron/report/supportReport';

export const ADDRESS = 'jane.doe@example.com';
export const SMTP_USERNAME = 'jdoe';
export const OAUTH_ADDRESS = 'Bob.Smith@gmail.com';
export const PUBLIC_IP = '203.0.113.45';
export const IMAP_GREETING = '* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN AUTH=LOGIN] Dovecot ready.';
/** Exim's banner as a hostile or quirky host might configure it: pipes, backticks, HTML. */
export const SMTP_GREETING = '220 mail.example.com ESMTP Exim 4.96 | `relay` <b>ready</b> #1';
export const SMTP_REJECTION = '535 Incorrect authentication data for jdoe';
/** A raw evidence block containing a code fence, which must not close the report's own fence. */
export const RAW_EHLO = '250-mail.example.com Hello jdoe [203.0.113.45]\n250-SIZE 52428800\n```\n250-AUTH PLAIN LOGIN\n250 HELP';
export const CERT_FINGERPRINT = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';

export const ENVIRONMENT: ReportEnvironment = {
  appVersion: '0.1.0',
  macosVersion: '15.3.1',
  timeZone: 'Europe/Paris',
  generatedAt: '2026-03-02T09:15:30.000Z',
};

function step(id: ChecklistStepId, status: StepStatus, extra: Partial<ChecklistStep> = {}): ChecklistStep {
  return { id, status, evidence: [], findings: [], ...extra };
}

const stalePasswordAccount: MailAccount = {
  id: '6F1C2A4E-8B1D-4C1A-9E55-2D3B4A5C6D7E',
  description: `Work (${ADDRESS})`,
  emailAddress: ADDRESS,
  source: 'accounts4',
  authKind: 'password',
  incoming: { protocol: 'imap', host: 'mail.example.com', port: 993, tls: 'implicit', username: ADDRESS, authenticationEnabled: true },
  outgoing: {
    protocol: 'smtp',
    host: 'mail.example.com',
    port: 465,
    tls: 'implicit',
    username: SMTP_USERNAME,
    authenticationEnabled: true,
    authScheme: 'PLAIN',
    inherited: ['port'],
  },
  outgoingLink: { kind: 'linked', via: 'smtp-identifier' },
  passwords: {
    incoming: {
      outcome: 'found',
      foundIn: 'internet-password',
      attempts: [{ source: 'internet-password', outcome: 'found' }],
    },
    outgoing: {
      outcome: 'found',
      foundIn: 'internet-password',
      attempts: [{ source: 'internet-password', outcome: 'found', detail: 'smtp://mail.example.com' }],
    },
    comparison: 'different',
  },
  readProblems: [],
};

const certificate = {
  subjectCommonName: 'mail.example.com',
  names: ['mail.example.com', 'webmail.example.com'],
  issuer: "Let's Encrypt R11",
  validFrom: '2026-01-10T00:00:00.000Z',
  validTo: '2026-04-10T23:59:59.000Z',
  selfSigned: false,
  fingerprintSha256: CERT_FINGERPRINT,
} as const;

const incomingProbe: ServerProbeResult = {
  role: 'incoming',
  protocol: 'imap',
  host: 'mail.example.com',
  port: 993,
  tlsMode: 'implicit',
  resolution: { kind: 'resolved', host: 'mail.example.com', addresses: [{ address: '198.51.100.7', family: 4 }] },
  tcp: { kind: 'connected', address: '198.51.100.7', family: 4, connectMs: 38 },
  tls: {
    kind: 'established',
    mode: 'implicit',
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    certificate,
    verification: { ok: true },
    handshakeMs: 61,
  },
  greeting: IMAP_GREETING,
  capabilities: ['IMAP4rev1', 'SASL-IR', 'IDLE', 'AUTH=PLAIN', 'AUTH=LOGIN'],
  login: { kind: 'accepted', mechanism: 'PLAIN', durationMs: 112 },
};

const outgoingProbe: ServerProbeResult = {
  role: 'outgoing',
  protocol: 'smtp',
  host: 'mail.example.com',
  port: 465,
  tlsMode: 'implicit',
  resolution: { kind: 'resolved', host: 'mail.example.com', addresses: [{ address: '198.51.100.7', family: 4 }] },
  tcp: { kind: 'connected', address: '198.51.100.7', family: 4, connectMs: 41 },
  tls: {
    kind: 'established',
    mode: 'implicit',
    protocol: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    certificate,
    verification: { ok: true },
    handshakeMs: 58,
  },
  greeting: SMTP_GREETING,
  capabilities: ['SIZE 52428800', '8BITMIME', 'PIPELINING', 'AUTH PLAIN LOGIN', 'HELP'],
  login: { kind: 'rejected', responseCode: '535', serverText: SMTP_REJECTION, durationMs: 2_013 },
  ehloEchoIp: PUBLIC_IP,
};

const staleDiagnosis: AccountDiagnosis = {
  account: stalePasswordAccount,
  probes: {
    incoming: incomingProbe,
    outgoing: outgoingProbe,
    published: {
      domain: 'example.com',
      mx: [{ exchange: 'mail.example.com', priority: 10 }],
      srv: [{ service: '_imaps._tcp', target: 'mail.example.com', port: 993, priority: 0, weight: 1 }],
      autoconfig: [
        {
          url: 'https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=jane.doe%40example.com',
          outcome: 'found',
        },
        { url: 'https://example.com/.well-known/autoconfig/mail/config-v1.1.xml', outcome: 'not-found', detail: 'HTTP 404' },
      ],
      servers: [
        { protocol: 'imap', host: 'mail.example.com', port: 993, tls: 'implicit', usernameTemplate: '%EMAILADDRESS%', from: 'autoconfig' },
        { protocol: 'smtp', host: 'mail.example.com', port: 465, tls: 'implicit', from: 'autoconfig' },
      ],
    },
    webmail: [{ kind: 'page', url: 'https://webmail.example.com/', httpStatus: 200, page: 'cpanel-webmail-login' }],
  },
  steps: CHECKLIST_STEP_IDS.map((id): ChecklistStep => {
    switch (id) {
      case 'internet':
        return step(id, 'passed', { evidence: [{ summary: 'captive.apple.com answered Success in 84 ms' }] });
      case 'server-reachable':
        return step(id, 'passed', { evidence: [{ summary: 'mail.example.com:993 and :465 answered' }] });
      case 'incoming-login':
        return step(id, 'passed', { evidence: [{ summary: `IMAP accepted ${ADDRESS}`, raw: 'A1 OK [CAPABILITY IMAP4rev1] Logged in' }] });
      case 'outgoing':
        return step(id, 'failed', {
          evidence: [{ summary: 'The outgoing server refused the saved password', raw: `${RAW_EHLO}\n${SMTP_REJECTION}` }],
          findings: ['SMTP_AUTH_REJECTED', 'PASSWORDS_DIFFER'],
        });
      case 'admin-reset':
      case 'contact-host':
        return step(id, 'not-applicable', { reason: 'The incoming password works.' });
      case 'restart':
      case 'webmail':
      case 'ip-blocked':
        return step(id, 'passed');
    }
  }),
  findings: [
    { code: 'PASSWORDS_DIFFER', side: 'outgoing', params: { source: 'live', staleRole: 'outgoing', goodRole: 'incoming', staleHost: 'mail.example.com', goodHost: 'mail.example.com' } },
    {
      code: 'SMTP_AUTH_REJECTED',
      side: 'outgoing',
      params: {
        role: 'outgoing',
        host: 'mail.example.com',
        email: ADDRESS,
        serverText: SMTP_REJECTION,
        bothRejected: false,
        sameStoredForBoth: false,
        otherSideAccepted: true,
        typedForThisCheck: false,
      },
    },
    { code: 'USERNAMES_DIFFER', side: 'both', params: { explains: false, incomingUser: ADDRESS, outgoingUser: SMTP_USERNAME, harmless: false } },
  ],
  verdict: {
    code: 'PASSWORDS_DIFFER',
    side: 'outgoing',
    params: { source: 'live', staleRole: 'outgoing', goodRole: 'incoming', staleHost: 'mail.example.com', goodHost: 'mail.example.com' },
    title: 'The outgoing server has an old password',
    why: 'Receiving works with the saved password, but mail.example.com refuses the password saved for sending.',
    nextStep: "Update the password in Mail's outgoing server settings for mail.example.com.",
    fixedBy: 'you',
  },
  timings: { startedAt: '2026-03-02T09:15:21.100Z', durationMs: 2_480 },
};

const oauthAccount: MailAccount = {
  id: 'A0B1C2D3-E4F5-4A6B-8C7D-9E0F1A2B3C4D',
  description: 'Google',
  emailAddress: OAUTH_ADDRESS,
  source: 'accounts4',
  authKind: 'oauth',
  provider: 'Google',
  incoming: { protocol: 'imap', host: 'imap.gmail.com', port: 993, tls: 'implicit', username: OAUTH_ADDRESS, authenticationEnabled: true, authScheme: 'XOAUTH2' },
  outgoing: null,
  outgoingLink: { kind: 'none' },
  passwords: {
    incoming: { outcome: 'not-applicable', attempts: [] },
    outgoing: { outcome: 'not-applicable', attempts: [] },
    comparison: 'not-applicable',
  },
  readProblems: ['SMTPIdentifier not found among the delivery accounts'],
};

const TIMEOUT_PARAMS = { role: 'incoming', host: 'imap.gmail.com', port: 993, seconds: 5, webAlsoFailed: false, blockedSmtpPort: false } as const;

const oauthDiagnosis: AccountDiagnosis = {
  account: oauthAccount,
  probes: {
    incoming: {
      role: 'incoming',
      protocol: 'imap',
      host: 'imap.gmail.com',
      port: 993,
      tlsMode: 'implicit',
      resolution: {
        kind: 'resolved',
        host: 'imap.gmail.com',
        addresses: [
          { address: '142.250.0.108', family: 4 },
          { address: '2a00:1450:400c:c00::6d', family: 6 },
        ],
      },
      tcp: { kind: 'timeout', afterMs: 5_000 },
      tls: { kind: 'not-applicable', reason: 'no-connection' },
      capabilities: [],
      login: { kind: 'skipped', reason: 'oauth-account' },
    },
    outgoing: null,
    published: null,
    webmail: [],
  },
  steps: CHECKLIST_STEP_IDS.map((id) =>
    id === 'server-reachable'
      ? step(id, 'failed', { findings: ['PORT_TIMEOUT'], evidence: [{ summary: 'imap.gmail.com:993 did not answer within 5 s' }] })
      : step(id, 'skipped', { reason: 'Waiting for the server to be reachable.' }),
  ),
  findings: [
    { code: 'PORT_TIMEOUT', side: 'incoming', params: TIMEOUT_PARAMS },
    { code: 'OAUTH_ACCOUNT', side: 'account', params: { provider: 'Google' } },
  ],
  verdict: {
    code: 'PORT_TIMEOUT',
    side: 'incoming',
    params: TIMEOUT_PARAMS,
    title: 'The mail server does not answer',
    why: 'imap.gmail.com did not answer on port 993.',
    nextStep: 'Try again on another network, such as your phone’s hotspot.',
    fixedBy: 'it-admin',
  },
  timings: { startedAt: '2026-03-02T09:15:21.100Z', durationMs: 5_020 },
};

export function realisticRun(): DiagnosisRun {
  return {
    runId: 'run-2026-03-02-0915',
    startedAt: '2026-03-02T09:15:21.000Z',
    finishedAt: '2026-03-02T09:15:26.200Z',
    durationMs: 5_200,
    internet: { kind: 'online', checkedUrl: 'http://captive.apple.com/hotspot-detect.html', durationMs: 84 },
    publicIp: { kind: 'found', ip: PUBLIC_IP, from: 'smtp-ehlo' },
    discoveryProblems: [{ kind: 'store-unreadable', path: '/Users/jane/Library/Mail/V10/MailData/Accounts.plist', reason: 'not a property list' }],
    accounts: [staleDiagnosis, oauthDiagnosis],
    options: { noLogin: false },
  };
}
