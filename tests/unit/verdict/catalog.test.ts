/**
 * The catalog, the codes and docs/failure-codes.md agree; the text helpers format deterministically.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHECKLIST_STEP_IDS } from '../../../shared/checklist/steps';
import { CATALOG, CATALOG_ACTIONS, describeFinding, STEP_TITLES, stepForFinding } from '../../../shared/verdict/catalog';
import { FAILURE_CODES, isFailureCode } from '../../../shared/verdict/codes';
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

  it('every fixed action is one the window knows (actions that follow the sentence are checked per variant in words.test.ts)', () => {
    for (const entry of Object.values(CATALOG)) {
      if (typeof entry.action === 'string') expect(CATALOG_ACTIONS).toContain(entry.action);
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
  it('never explains a finding with a host it was not given', () => {
    const words = describeFinding({ code: 'PASSWORD_MISSING', params: { role: 'incoming', host: 'mail.example.com' } });
    expect(words.why).toBe('Mail has no password saved for mail.example.com, so it cannot log in there.');
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
