/**
 * The words a worried person reads once (issue 16): every code rendered with representative params of each
 * of its variants, checked against the catalog's shape (shared/verdict/catalog.ts): a title of at most 8
 * words, one "why" sentence of at most 20, exactly one imperative next-step sentence of at most 25, no
 * jargon in any of the three, and "the password you typed" wherever the password was typed for the check.
 */
import { describe, expect, it } from 'vitest';
import type { FindingKey } from '../../../shared/diagnosis/types';
import { CATALOG_ACTIONS, JARGON, describeFinding, type CatalogAction, type FindingWords } from '../../../shared/verdict/catalog';
import { FAILURE_CODES, type FailureCode } from '../../../shared/verdict/codes';
import { formatTimeUtc } from '../../../shared/verdict/format';
import type { AuthRejectedParams, ParamsOf } from '../../../shared/verdict/params';

const HOST = 'mail.example.com';
const OTHER = 'server42.host.example';
const EMAIL = 'alice@example.com';
const AT = '2026-03-04T09:00:00.000Z';
const LATER = '2026-03-05T09:00:00.000Z';
const IP = '203.0.113.7';

const rejected = (patch: Partial<AuthRejectedParams>): AuthRejectedParams => ({
  role: 'incoming',
  host: HOST,
  email: EMAIL,
  serverText: 'NO [AUTHENTICATIONFAILED] Authentication failed.',
  responseCode: 'AUTHENTICATIONFAILED',
  bothRejected: false,
  sameStoredForBoth: false,
  otherSideAccepted: false,
  typedForThisCheck: false,
  ...patch,
});

/** Every variant each code's words branch on, typed by the code's own params. */

const REPRESENTATIVE: { readonly [C in FailureCode]: readonly ParamsOf<C>[] } = {
  OK: [
    { loginTested: true, typedForThisCheck: false },
    { loginTested: true, typedForThisCheck: true },
    { loginTested: false, typedForThisCheck: false },
  ],
  FULL_DISK_ACCESS_NEEDED: [{ path: '/Users/alice/Library/Mail' }, {}],
  ACCOUNT_READ_PROBLEM: [
    { problem: 'no-incoming', email: EMAIL, settingsUnreadable: false },
    {
      problem: 'no-incoming',
      email: EMAIL,
      settingsUnreadable: true,
      detail: "Mail Doctor cannot read this account's settings: Mail is switched on for it, but its type (com.apple.account.FutureMailService) keeps no incoming server Mail Doctor knows how to read",
    },
    { problem: 'read-problems', count: 3 },
  ],
  LONG_UPTIME: [{ days: 20 }, { days: 300 }, { days: 900 }],
  NO_INTERNET: [
    { errorCode: 'ENETUNREACH', mailServersAnswered: false },
    { errorCode: 'ECONNREFUSED', mailServersAnswered: true },
  ],
  CAPTIVE_PORTAL: [
    { portalHost: 'login.hotel-wifi.example', mailServersAnswered: false },
    { mailServersAnswered: false },
    { mailServersAnswered: true },
  ],
  DNS_NOT_FOUND: [
    { scope: 'network', errorCode: 'ETIMEOUT', mailServersAnswered: false },
    { scope: 'network', errorCode: 'ETIMEOUT', mailServersAnswered: true },
    { scope: 'server', role: 'incoming', host: 'imap.example.com', lookup: 'not-found', suggestedHost: HOST },
    { scope: 'server', role: 'outgoing', host: 'smtp.example.com', lookup: 'no-address' },
    { scope: 'server', role: 'outgoing', host: 'smtp.example.com', lookup: 'timeout' },
  ],
  PORT_TIMEOUT: [
    { role: 'incoming', host: HOST, port: 993, seconds: 5, webAlsoFailed: false, blockedSmtpPort: false },
    { role: 'incoming', host: HOST, port: 993, seconds: 5, webAlsoFailed: true, blockedSmtpPort: false },
    { role: 'outgoing', host: HOST, port: 25, seconds: 5, webAlsoFailed: false, blockedSmtpPort: true },
  ],
  PORT_REFUSED: [
    { role: 'incoming', host: HOST, port: 143 },
    { role: 'outgoing', host: HOST, port: 465 },
  ],
  PORT_RESET: [{ role: 'outgoing', host: HOST, port: 587 }],
  CONNECTION_FAILED: [
    { role: 'incoming', host: HOST, port: 993, reason: 'no-greeting' },
    { role: 'incoming', host: HOST, port: 993, reason: 'unreachable', errorCode: 'EHOSTUNREACH' },
    { role: 'outgoing', host: HOST, port: 465, reason: 'server-refused', errorCode: 'SERVER_REFUSED', detail: '554 Access denied' },
    { role: 'outgoing', host: HOST, port: 465, reason: 'protocol', errorCode: 'UNEXPECTED_GREETING' },
    { role: 'outgoing', host: HOST, port: 465, reason: 'error', errorCode: 'EIO' },
  ],
  IP_BLOCKED_FIREWALL_DROP: [
    { ip: IP, ports: '993, 465', evidence: 'ports', mailSawFailures: 3 },
    { ports: '993, 465', evidence: 'csf-page' },
  ],
  IP_BLOCKED_REJECT: [{ ip: IP, ports: '993, 465' }, { ports: '993' }],
  IP_BLOCKED_LOGIN_LAYER: [
    { ip: IP, evidence: 'webmail-page', webmailUrl: `https://${HOST}:2096/` },
    { ip: IP, evidence: 'mail-log', acceptedAt: AT },
  ],
  IP_BLOCKED_CONFIRMED: [
    {
      ip: IP,
      blockedBy: 'cphulk-brute',
      blockedAt: AT,
      liftsAt: LATER,
      failedLogins: 5,
      lastFailedAt: AT,
      services: 'imap, smtp',
      checkedAt: LATER,
    },
    { ip: IP, failedLogins: 0, checkedAt: LATER },
  ],
  SERVER_REPLY_TOO_LARGE: [
    { role: 'incoming', host: HOST, port: 993, phase: 'greeting', errorCode: 'REPLY_TOO_LARGE' },
    { role: 'outgoing', host: HOST, port: 465, phase: 'login', errorCode: 'REPLY_TOO_LARGE' },
  ],
  TLS_HOSTNAME_MISMATCH: [
    { role: 'incoming', host: HOST, certNames: `${OTHER}, *.host.example`, suggestedHost: OTHER },
    { role: 'outgoing', host: HOST, certNames: '*.hosting.example' },
  ],
  TLS_CERT_EXPIRED: [
    { role: 'incoming', host: HOST, validToAt: '2026-02-01T00:00:00.000Z', validFromAt: '2025-11-01T00:00:00.000Z', notYetValid: false },
    { role: 'incoming', host: HOST, validToAt: '2026-08-01T00:00:00.000Z', validFromAt: '2026-05-01T00:00:00.000Z', notYetValid: true },
  ],
  TLS_CERT_UNTRUSTED: [
    { role: 'outgoing', host: HOST, issuer: HOST, selfSigned: true },
    { role: 'outgoing', host: HOST, issuer: 'Example Private CA', selfSigned: false },
  ],
  TLS_MODE_PORT_MISMATCH: [
    { role: 'incoming', host: HOST, port: 993, configuredMode: 'starttls', expectedMode: 'implicit', suggestedPort: 143, fix: 'starttls-port', portSpeaks: 'implicit-tls', observed: 'tls-first' },
    { role: 'incoming', host: HOST, port: 2993, configuredMode: 'none', suggestedPort: 2993, fix: 'turn-on-tls', portSpeaks: 'implicit-tls', observed: 'tls-first' },
    { role: 'outgoing', host: HOST, port: 587, configuredMode: 'implicit', expectedMode: 'starttls', suggestedPort: 465, fix: 'implicit-port', portSpeaks: 'plaintext', observed: 'plaintext' },
    { role: 'outgoing', host: HOST, port: 465, configuredMode: 'starttls', expectedMode: 'implicit', suggestedPort: 465, fix: 'implicit-port' },
  ],
  TLS_HANDSHAKE_FAILED: [
    { role: 'incoming', host: HOST, port: 993, errorCode: 'ERR_SSL_NO_SHARED_CIPHER' },
    { role: 'incoming', host: HOST, port: 143, errorCode: 'STARTTLS_INJECTION' },
    { role: 'incoming', host: HOST, port: 993, phase: 'handshake' },
  ],
  STARTTLS_NOT_OFFERED: [{ role: 'outgoing', host: HOST, port: 587, suggestedPort: 465 }],
  STARTTLS_WITHDRAWN: [
    { role: 'incoming', host: HOST, port: 143, advertisedOn: 'same-connection' },
    { role: 'outgoing', host: HOST, port: 587, advertisedOn: 'other-connection' },
  ],
  LOGIN_NEEDS_TLS: [
    { role: 'incoming', host: HOST, reason: 'not-sent', suggestedPort: 993 },
    { role: 'outgoing', host: HOST, reason: 'server-requires', suggestedPort: 465, serverText: '530 5.7.0 Must issue a STARTTLS command first' },
  ],
  IMAP_AUTH_REJECTED: [
    rejected({}),
    rejected({ bothRejected: true, sameStoredForBoth: true }),
    rejected({ otherSideAccepted: true, sameStoredForBoth: true }),
    rejected({ typedForThisCheck: true }),
    rejected({ typedForThisCheck: true, bothRejected: true }),
  ],
  POP3_AUTH_REJECTED: [rejected({ serverText: '-ERR [AUTH] Authentication failed.', responseCode: 'AUTH' })],
  SMTP_AUTH_REJECTED: [
    rejected({ role: 'outgoing', serverText: '535 Incorrect authentication data', responseCode: '535' }),
    rejected({ role: 'outgoing', serverText: '535 Incorrect authentication data', typedForThisCheck: true }),
  ],
  LOGIN_BUDGET_EXHAUSTED: [{ role: 'incoming', host: HOST, safeAfter: AT }, { role: 'outgoing', host: HOST }],
  LOGIN_LEDGER_UNAVAILABLE: [
    { role: 'both', path: '/Users/alice/Library/Application Support/Mail Doctor/login-ledger.json', problem: 'not-writable', errorCode: 'EROFS' },
    { role: 'both', path: '/var/state/login-ledger.json', problem: 'not-a-file', errorCode: 'EISDIR' },
    { role: 'incoming', path: '/var/state/login-ledger.json', problem: 'lock-unavailable' },
    { role: 'outgoing', problem: 'io-error', errorCode: 'EIO' },
    { role: 'both' },
  ],
  LOGIN_DELAYED_BY_SERVER: [
    { role: 'outgoing', host: HOST, outcome: 'no-reply', seconds: 20 },
    { role: 'incoming', host: HOST, outcome: 'accepted', seconds: 4.2 },
    { role: 'incoming', host: HOST, outcome: 'refused', seconds: 10 },
  ],
  OAUTH_ACCOUNT: [{ provider: 'Google' }, {}],
  SERVER_UNAVAILABLE: [
    { role: 'incoming', host: HOST, port: 993, reason: 'temporary', serverText: 'NO [UNAVAILABLE] Temporary authentication failure.', email: EMAIL },
    { role: 'incoming', host: HOST, port: 993, reason: 'disabled', serverText: 'NO [CONTACTADMIN] Login disabled', email: EMAIL },
    { role: 'outgoing', host: HOST, port: 465, reason: 'no-login-offered', serverText: '250 HELP', email: EMAIL },
    { role: 'outgoing', host: HOST, port: 465, reason: 'no-answer', email: EMAIL },
  ],
  PASSWORDS_DIFFER: [
    { source: 'live', staleRole: 'outgoing', goodRole: 'incoming', staleHost: HOST, goodHost: HOST },
    {
      source: 'mail-log',
      staleRole: 'incoming',
      goodRole: 'outgoing',
      staleHost: HOST,
      goodHost: HOST,
      rejectedAt: AT,
      acceptedAt: LATER,
      serverText: 'NO [AUTHENTICATIONFAILED] Authentication failed.',
    },
    { source: 'stored', staleRole: 'outgoing', goodRole: 'incoming', staleHost: HOST, goodHost: HOST },
    { source: 'stored' },
  ],
  PASSWORD_MISSING: [{ role: 'incoming', host: HOST, otherHost: 'smtp.example.com' }, { role: 'outgoing', host: HOST }, { role: 'both' }],
  USERNAMES_DIFFER: [
    { explains: false, incomingUser: EMAIL, outgoingUser: 'alice', harmless: false },
    { explains: false, incomingUser: EMAIL, outgoingUser: 'alice', harmless: true },
    { explains: true, incomingUser: EMAIL, outgoingUser: 'alice', goodRole: 'incoming', badRole: 'outgoing', goodUser: EMAIL, badUser: 'alice' },
  ],
  USERNAME_NOT_FULL_ADDRESS: [
    { role: 'incoming', username: 'alice', email: EMAIL, cpanel: true },
    { role: 'outgoing', username: 'alice', email: EMAIL, cpanel: false },
  ],
  SMTP_AUTH_DISABLED: [{ host: HOST, port: 587, serverReply: '550 Authentication required' }, { host: HOST, port: 25 }],
  SERVER_DIFFERS_FROM_EXPECTED: [
    {
      role: 'outgoing',
      domain: 'example.com',
      host: HOST,
      port: 465,
      mode: 'implicit',
      expectedHost: 'smtp.example.com',
      expectedPort: 587,
      expectedTls: 'starttls',
      hostDiffers: true,
      portDiffers: true,
      tlsDiffers: true,
      works: true,
    },
    {
      role: 'incoming',
      domain: 'example.com',
      host: HOST,
      port: 143,
      mode: 'none',
      expectedHost: HOST,
      expectedPort: 993,
      expectedTls: 'implicit',
      hostDiffers: false,
      portDiffers: true,
      tlsDiffers: true,
      works: false,
    },
  ],
  SERVER_DIFFERS_FROM_PUBLISHED: [
    { role: 'incoming', host: HOST, domain: 'example.com', publishedHost: OTHER, publishedPort: 993, from: 'srv' },
    { role: 'outgoing', host: HOST, publishedHost: OTHER, publishedPort: 465, from: 'autoconfig' },
  ],
  PASSWORD_UNREADABLE: [
    { role: 'both', reason: 'denied' },
    { role: 'incoming', host: HOST, reason: 'out-of-reach' },
    { role: 'outgoing', host: HOST, reason: 'error' },
  ],
  OUTGOING_NOT_LINKED: [{ email: EMAIL, identifier: 'smtp.old-host.example:alice' }, { email: EMAIL }],
  WEBMAIL_UNREACHABLE: [
    { url: `https://${HOST}:2096/`, reason: 'unreachable' },
    { url: `https://${HOST}:2096/`, reason: 'certificate' },
  ],
  PASSWORD_PROMPT_SUPPRESSED: [{ rejectedAt: AT, liftsAt: LATER }],
  MAIL_SAW_AUTH_REJECTED: [
    { role: 'incoming', host: HOST, port: 993, serverText: 'NO [AUTHENTICATIONFAILED] Authentication failed.', rejectedAt: AT, resolvedSince: false },
    { role: 'outgoing', host: HOST, port: 465, serverText: '535 Incorrect authentication data', rejectedAt: AT, resolvedSince: true },
  ],
  MAIL_SAW_CONNECT_FAILURES: [{ host: HOST, port: 993, count: 3, lastAt: AT }],
  ACCOUNT_NOT_SYNCING: [{ lastMailAt: AT, days: 5, pending: 3 }],
  CONNECTION_LOG_OFF: [{}],
  SECRET_SCRUBBED: [
    { caughtIn: 'server-reply', role: 'incoming', host: HOST },
    { caughtIn: 'cli-output' },
    { caughtIn: 'ipc' },
  ],
};

function findingsOf<C extends FailureCode>(code: C): FindingKey[] {
  return REPRESENTATIVE[code].map((params) => ({ code, params }) as FindingKey);
}

const EVERY_FINDING: readonly (readonly [string, FindingKey])[] = FAILURE_CODES.flatMap((code) =>
  findingsOf(code).map((finding, index) => [`${code} #${index + 1}`, finding] as const),
);

/** Words as people count them: tokens with a letter or digit ("Mail > Settings" is two words). */
function wordCount(text: string): number {
  return text.split(/\s+/).filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
}

/** One sentence: ends with a full stop and has no sentence end before that. */
function isOneSentence(text: string): boolean {
  return /[.!?]$/.test(text) && !/[.!?]["”')]?\s+\S/.test(text.slice(0, -1));
}

/** The verbs a next step may start with: each is an instruction. */
const IMPERATIVES = new Set([
  'Ask', 'Change', 'Check', 'Choose', 'Compare', 'Connect', 'Delete', 'Ignore', 'Leave', 'Open', 'Quit', 'Restart', 'Run', 'Send',
  'Set', 'Sign', 'Switch', 'Try', 'Turn', 'Type', 'Use', 'Wait',
]);

function render(finding: FindingKey, canOpenWebmail?: boolean): FindingWords {
  return describeFinding(finding, { formatTime: formatTimeUtc, ...(canOpenWebmail === undefined ? {} : { canOpenWebmail }) });
}

/** What a next step must say for its button to be the one that does it. */
const SENTENCE_FOR_ACTION: { readonly [A in CatalogAction]: RegExp } = {
  'open-webmail': /\bwebmail\b/,
  'open-keychain-access': /Keychain Access/,
  'open-mail-settings': /Mail's account settings|into Mail\b/,
  'grant-full-disk-access': /Full Disk Access/,
  'type-password': /into Mail Doctor/,
  'run-again': /\brun (the|this) check (again|once more)/i,
  'copy-report': /\breport\b|^Ask your (IT admin|email host)/,
  'contact-support': /\bsupport\b/,
  'open-connection-doctor': /Connection Doctor/,
};

describe('the words of every finding', () => {
  it('covers every code with at least one representative finding', () => {
    expect(FAILURE_CODES.filter((code) => REPRESENTATIVE[code].length === 0)).toEqual([]);
  });

  it.each(EVERY_FINDING)('%s: short, plain, one next step', (_name, finding) => {
    const words = render(finding);
    expect(wordCount(words.title), `title: ${words.title}`).toBeLessThanOrEqual(8);
    expect(words.title).not.toMatch(/[.!?]$/);
    expect(isOneSentence(words.why), `why is one sentence: ${words.why}`).toBe(true);
    expect(wordCount(words.why), `why: ${words.why}`).toBeLessThanOrEqual(20);
    expect(isOneSentence(words.nextStep), `next step is one sentence: ${words.nextStep}`).toBe(true);
    expect(wordCount(words.nextStep), `next step: ${words.nextStep}`).toBeLessThanOrEqual(25);
    expect(IMPERATIVES.has(words.nextStep.split(' ')[0] ?? ''), `next step starts with an instruction: ${words.nextStep}`).toBe(true);
    for (const text of [words.title, words.why, words.nextStep]) {
      expect(text, 'no jargon where everyone reads').not.toMatch(JARGON);
      expect(text.trim()).toBe(text);
      // Blame-free: never tell the person they did something wrong.
      expect(text).not.toMatch(/\byou (forgot|mistyped|entered the wrong)|your fault|\bmistake\b/i);
    }
    for (const text of [words.title, words.why, words.nextStep, ...(words.howTo ?? []), ...(words.technical ?? [])]) {
      expect(text).not.toMatch(/undefined|null|NaN|\[object|\{[a-zA-Z]+\}/);
      expect(text.length).toBeGreaterThan(0);
    }
    if (words.action !== undefined) expect(CATALOG_ACTIONS).toContain(words.action);
  });

  // Whether or not the reader's "Open Webmail" button works (the window knows; the CLI and report have no buttons).
  it.each([true, false, undefined])('the button does what the next step says (webmail openable: %s)', (canOpenWebmail) => {
    for (const [name, finding] of EVERY_FINDING) {
      const words = render(finding, canOpenWebmail);
      if (words.action !== undefined) expect(words.nextStep, `${name}: ${words.action}`).toMatch(SENTENCE_FOR_ACTION[words.action]);
      // "Ignore this…" and "Leave it…" ask for nothing, so no button pretends otherwise.
      if (/^(Ignore|Leave)\b/.test(words.nextStep)) expect(words.action, `${name}: ${words.nextStep}`).toBeUndefined();
      // A place is named only where the button opens it.
      else if (/\bwebmail\b/.test(words.nextStep)) expect(words.action, `${name}: ${words.nextStep}`).toBe('open-webmail');
      if (canOpenWebmail === false && finding.code !== 'WEBMAIL_UNREACHABLE') expect(words.nextStep, name).not.toMatch(/\bwebmail\b/);
    }
  });

  it('both servers refused the one saved password: webmail and its button when it can be opened, else Mail and its button', () => {
    const changed = { code: 'IMAP_AUTH_REJECTED', params: rejected({ bothRejected: true, sameStoredForBoth: true }) } as const;
    const withWebmail = render(changed, true);
    expect(withWebmail.nextStep).toBe('Try your password on webmail, then type it into Mail, or ask your IT admin to reset it.');
    expect(withWebmail.action).toBe('open-webmail');
    expect(withWebmail.howTo?.[0]).toMatch(/webmail/);
    // The report and the CLI have no buttons: the helpdesk's step (webmail first) stays in the words.
    expect(render(changed)).toMatchObject({ nextStep: withWebmail.nextStep, action: 'open-webmail' });
    const withoutWebmail = render(changed, false);
    expect(withoutWebmail.nextStep).toBe("Type your current password for both servers in Mail's account settings, or ask your IT admin to reset it.");
    expect(withoutWebmail.action).toBe('open-mail-settings');
    expect(withoutWebmail.howTo?.join(' ')).not.toMatch(/webmail/);

    // The password typed for this check was refused: webmail if it opens, else the IT admin (with the report).
    const typed = { code: 'SMTP_AUTH_REJECTED', params: rejected({ role: 'outgoing', typedForThisCheck: true, bothRejected: true }) } as const;
    expect(render(typed, true).action).toBe('open-webmail');
    expect(render(typed, false)).toMatchObject({ nextStep: 'Ask your IT admin to reset your password, then type the new one into Mail.', action: 'copy-report' });
    // The other server took the very password typed: it is right, the setting on this side is not.
    const typedOtherAccepted = render({ code: 'SMTP_AUTH_REJECTED', params: rejected({ role: 'outgoing', typedForThisCheck: true, otherSideAccepted: true }) }, true);
    expect(typedOtherAccepted.nextStep).toBe("Check the outgoing server's user name and authentication in Mail's account settings.");
    expect(typedOtherAccepted.action).toBe('open-mail-settings');
    // One side refused the password Mail saved for it: retype it there; webmail plays no part.
    expect(render({ code: 'IMAP_AUTH_REJECTED', params: rejected({}) }, true)).toMatchObject({
      nextStep: "Type your current password for the incoming server in Mail's account settings.",
      action: 'open-mail-settings',
    });
  });

  it('says each value once: a next step does not repeat a time, server or name its "why" already gave', () => {
    const suppressed = render({ code: 'PASSWORD_PROMPT_SUPPRESSED', params: { rejectedAt: AT, liftsAt: LATER } });
    expect(suppressed.nextStep).toContain(formatTimeUtc(LATER));
    expect(suppressed.why).not.toContain(formatTimeUtc(LATER));
    for (const [name, finding] of EVERY_FINDING) {
      const words = render(finding);
      const values = Object.entries(finding.params)
        .filter(([key, value]) => typeof value === 'string' && value.length > 3 && !/role$|Role$|^(reason|scope|problem|source|outcome|evidence|lookup|fix|caughtIn|page)$/.test(key))
        .map(([key, value]) => [key, key.endsWith('At') || key.endsWith('After') ? formatTimeUtc(value as string) : (value as string)] as const);
      for (const [key, value] of values) {
        // The value as a whole ("alice" is not in "alice@example.com").
        const whole = new RegExp(`(?<![\\w@.-])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w@-])`);
        expect(whole.test(words.why) && whole.test(words.nextStep), `${name}: ${key} "${value}" in both why and next step`).toBe(false);
      }
    }
  });

  it('says "the password you typed" where the password was typed for this check, never "saved"', () => {
    const typed = EVERY_FINDING.map(([, finding]) => finding).filter(
      (finding) => 'typedForThisCheck' in finding.params && finding.params.typedForThisCheck === true && (finding.code !== 'OK' || finding.params.loginTested),
    );
    expect(typed.length).toBeGreaterThanOrEqual(4);
    for (const finding of typed) {
      const words = render(finding);
      const visible = `${words.title} ${words.why} ${words.nextStep}`;
      expect(visible, finding.code).toMatch(/password you typed/);
      expect(visible, finding.code).not.toMatch(/saved/);
    }
  });

  it('keeps server replies, codes and addresses for the technical details', () => {
    const smtp = render({ code: 'SMTP_AUTH_REJECTED', params: rejected({ role: 'outgoing', serverText: '535 Incorrect authentication data' }) });
    expect(smtp.technical).toContain('Server reply: 535 Incorrect authentication data');
    const drop = render({ code: 'IP_BLOCKED_FIREWALL_DROP', params: { ip: IP, ports: '993, 465', evidence: 'ports' } });
    expect(drop.howTo?.join('\n')).toContain(IP);
    const [starttlsOnTlsPort] = REPRESENTATIVE.TLS_MODE_PORT_MISMATCH;
    if (starttlsOnTlsPort === undefined) throw new Error('no mismatch params');
    const mismatch = render({ code: 'TLS_MODE_PORT_MISMATCH', params: starttlsOnTlsPort });
    expect(mismatch.howTo?.join('\n')).toContain('set the port to 143 (the port for STARTTLS)');
  });

  it('formats times with the formatter it is given (the window passes the person\'s locale)', () => {
    const words = describeFinding({ code: 'PASSWORD_PROMPT_SUPPRESSED', params: { rejectedAt: AT, liftsAt: LATER } }, { formatTime: (iso) => `<${iso}>` });
    expect(words.nextStep).toContain(`<${LATER}>`);
    expect(words.technical?.join(' ')).toContain(LATER);
  });

  it('never names a param like a credential (the report drops such keys: electron/report/reportModel.ts)', () => {
    // The same pattern the report's projection uses to keep credentials out of a ticket.
    const credentialKey = /pass(word|wd)?|secret|token|credential|cookie|session|api[-_]?key|private/i;
    const keys = new Set(EVERY_FINDING.flatMap(([, finding]) => Object.keys(finding.params)));
    expect([...keys].filter((key) => credentialKey.test(key))).toEqual([]);
  });
});
