/**
 * The catalog, the codes and docs/failure-codes.md agree; the text helpers format deterministically.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHECKLIST_STEP_IDS } from '../../../shared/checklist/steps';
import type { FindingKey, PlainParams } from '../../../shared/diagnosis/types';
import { CATALOG, CATALOG_ACTIONS, describeFinding, STEP_TITLES, stepForFinding } from '../../../shared/verdict/catalog';
import { FAILURE_CODES, isFailureCode, type FailureCode } from '../../../shared/verdict/codes';
import { formatCatalogText, formatDuration, formatTimeUtc, isTimeParam, unreplacedPlaceholders } from '../../../shared/verdict/format';

const DOCS = readFileSync(fileURLToPath(new URL('../../../docs/failure-codes.md', import.meta.url)), 'utf8');

interface DocSection {
  readonly code: string;
  readonly body: string;
}

function docSections(): DocSection[] {
  const parts = DOCS.split(/^## /m).slice(1);
  return parts
    .map((part) => {
      const newline = part.indexOf('\n');
      return { code: part.slice(0, newline).trim(), body: part.slice(newline + 1) };
    })
    .filter((section) => /^[A-Z][A-Z0-9_]+$/.test(section.code));
}

describe('codes, catalog and docs agree', () => {
  it('keeps the codes the product brief requires, spelled exactly', () => {
    const required = [
      'OK', 'NO_INTERNET', 'CAPTIVE_PORTAL', 'DNS_NOT_FOUND', 'PORT_TIMEOUT', 'PORT_REFUSED', 'TLS_HOSTNAME_MISMATCH',
      'TLS_CERT_EXPIRED', 'TLS_CERT_UNTRUSTED', 'TLS_MODE_PORT_MISMATCH', 'IMAP_AUTH_REJECTED', 'POP3_AUTH_REJECTED',
      'SMTP_AUTH_REJECTED', 'PASSWORDS_DIFFER', 'PASSWORD_MISSING', 'USERNAMES_DIFFER', 'USERNAME_NOT_FULL_ADDRESS',
      'SMTP_AUTH_DISABLED', 'SERVER_DIFFERS_FROM_PUBLISHED', 'IP_BLOCKED_FIREWALL_DROP', 'IP_BLOCKED_REJECT',
      'IP_BLOCKED_LOGIN_LAYER', 'LOGIN_BUDGET_EXHAUSTED', 'FULL_DISK_ACCESS_NEEDED', 'OAUTH_ACCOUNT',
      'PASSWORD_PROMPT_SUPPRESSED', 'MAIL_SAW_AUTH_REJECTED', 'MAIL_SAW_CONNECT_FAILURES', 'ACCOUNT_NOT_SYNCING',
      'CONNECTION_LOG_OFF',
    ];
    for (const code of required) expect(isFailureCode(code), code).toBe(true);
    expect(new Set(FAILURE_CODES).size).toBe(FAILURE_CODES.length);
  });

  it('the catalog has exactly the codes of codes.ts', () => {
    expect(Object.keys(CATALOG).sort()).toEqual([...FAILURE_CODES].sort());
  });

  it('docs/failure-codes.md documents every code, and no other', () => {
    expect(docSections().map((section) => section.code).sort()).toEqual([...FAILURE_CODES].sort());
  });

  it.each(FAILURE_CODES.map((code) => [code] as const))('docs for %s name the catalog\'s fixer and step, and when it fires', (code) => {
    const section = docSections().find((candidate) => candidate.code === code);
    expect(section, code).toBeDefined();
    const body = section?.body ?? '';
    expect(body).toContain(`- **Who fixes it:** \`${CATALOG[code].fixedBy}\``);
    expect(body).toContain(`- **Step:** \`${CATALOG[code].step}\``);
    expect(body).toMatch(/- \*\*When:\*\*/);
    expect(body).toMatch(/- \*\*Next step:\*\*/);
  });

  it('every action is one the window knows', () => {
    for (const entry of Object.values(CATALOG)) {
      if (entry.action !== undefined) expect(CATALOG_ACTIONS).toContain(entry.action);
    }
  });

  it('only the OK entry points at an advice step; findings live on steps 1-7', () => {
    for (const code of FAILURE_CODES) {
      if (code === 'OK') continue;
      expect(['admin-reset', 'contact-host']).not.toContain(CATALOG[code].step);
    }
  });

  it('per-side codes follow the side', () => {
    expect(stepForFinding({ code: 'PASSWORDS_DIFFER', side: 'incoming' })).toBe('incoming-login');
    expect(stepForFinding({ code: 'PASSWORDS_DIFFER', side: 'outgoing' })).toBe('outgoing');
    expect(stepForFinding({ code: 'PASSWORDS_DIFFER', side: 'both' })).toBe('outgoing');
    expect(stepForFinding({ code: 'SMTP_AUTH_REJECTED', side: 'outgoing' })).toBe('outgoing');
    expect(stepForFinding({ code: 'IMAP_AUTH_REJECTED', side: 'incoming' })).toBe('incoming-login');
    expect(stepForFinding({ code: 'IP_BLOCKED_FIREWALL_DROP', side: 'both' })).toBe('ip-blocked');
  });

  it('every step has a title', () => {
    for (const id of CHECKLIST_STEP_IDS) expect(STEP_TITLES[id].length).toBeGreaterThan(5);
  });
});

describe('catalog wording', () => {
  // Every code rendered with the params each of its variants reads (a superset is fine: unused ones are ignored).
  const EVERYTHING: PlainParams = {
    role: 'outgoing', host: 'mail.example.com', port: 465, email: 'alice@example.com', ip: '203.0.113.7', ports: '993, 465',
    seconds: 5, suggestedHost: 'server42.host.example', suggestedPort: 465, certNames: 'server42.host.example', issuer: 'Example CA',
    validToAt: '2026-02-01T00:00:00.000Z', validFromAt: '2026-05-01T00:00:00.000Z', configuredMode: 'starttls', expectedMode: 'implicit', expectedTls: 'implicit', reason: 'denied',
    serverText: '535 Incorrect authentication data', staleRole: 'outgoing', goodRole: 'incoming', staleHost: 'smtp.example.com',
    goodHost: 'imap.example.com', rejectedAt: '2026-03-04T09:00:00.000Z', acceptedAt: '2026-03-04T08:00:00.000Z', liftsAt: '2026-03-05T09:00:00.000Z',
    safeAfter: '2026-03-04T13:00:00.000Z', incomingUser: 'alice@example.com', outgoingUser: 'alice', goodUser: 'alice@example.com', badUser: 'alice',
    badRole: 'outgoing', username: 'alice', domain: 'example.com', publishedHost: 'server42.host.example', publishedPort: 993, from: 'srv',
    identifier: 'smtp.old:alice', url: 'https://mail.example.com:2096/', count: 3, lastAt: '2026-03-04T11:00:00.000Z',
    lastMailAt: '2026-02-27T11:00:00.000Z', days: 5, pending: 2, provider: 'Google', portalHost: 'portal.example', errorCode: 'EIO',
    detail: '554 go away', problem: 'read-problems', mode: 'implicit', expectedHost: 'smtp.example.com', expectedPort: 587,
  };

  it.each(FAILURE_CODES.map((code) => [code] as const))('%s reads as complete, plain sentences', (code: FailureCode) => {
    const words = describeFinding({ code, params: EVERYTHING } as FindingKey);
    for (const text of [words.title, words.explanation, words.nextStep]) {
      expect(unreplacedPlaceholders(text), text).toEqual([]);
      expect(text.trim()).toBe(text);
      // Blame-free: never tell the person they did something wrong.
      expect(text).not.toMatch(/\byou (forgot|mistyped|entered the wrong)|your fault|\bmistake\b/i);
    }
    // One concrete next step: a single instruction, short enough to read under stress.
    expect(words.nextStep).toMatch(/[.)]$/);
    expect(words.nextStep.length).toBeLessThanOrEqual(200);
    expect(words.title.length).toBeLessThanOrEqual(90);
  });

  it('never explains a refusal with a time or host it was not given', () => {
    const words = describeFinding({ code: 'PASSWORD_MISSING', params: { role: 'incoming', host: 'mail.example.com' } });
    expect(words.explanation).toBe('Mail has no saved password for mail.example.com, so it cannot log in there.');
  });
});

describe('text formatting', () => {
  it('fills placeholders, formats time params and leaves unknown names visible', () => {
    const text = formatCatalogText('At {rejectedAt} {host} said {count} {flag} {missing}', { rejectedAt: '2026-03-04T08:32:03.500Z', host: 'h', count: 2, flag: true }, { formatTime: formatTimeUtc });
    expect(text).toBe('At 2026-03-04 08:32 UTC h said 2 yes {missing}');
    expect(unreplacedPlaceholders(text)).toEqual(['{missing}']);
  });

  it('does not re-read placeholders inside values (a server reply with braces stays as sent)', () => {
    expect(formatCatalogText('"{serverText}"', { serverText: 'NO {host}' }, { formatTime: formatTimeUtc })).toBe('"NO {host}"');
  });

  it('names time params by suffix', () => {
    expect(['rejectedAt', 'liftsAt', 'safeAfter', 'validToAt'].every(isTimeParam)).toBe(true);
    expect(['host', 'at', 'ports', 'afterMs'].some(isTimeParam)).toBe(false);
  });

  it('formats times in UTC and keeps unparseable input as is', () => {
    expect(formatTimeUtc('2026-03-05T09:00:00.000Z')).toBe('2026-03-05 09:00 UTC');
    expect(formatTimeUtc('not a time')).toBe('not a time');
  });

  it('formats durations for people', () => {
    expect(formatDuration(30)).toBe('30 ms');
    expect(formatDuration(1000)).toBe('1 second');
    expect(formatDuration(5000)).toBe('5 seconds');
    expect(formatDuration(1540)).toBe('1.5 seconds');
  });
});
