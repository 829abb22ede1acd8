import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { CHECKLIST_STEP_IDS } from '../../../shared/checklist/steps';
import type { DiagnosisRun } from '../../../shared/diagnosis/types';
import { STEP_TITLES, describeFinding } from '../../../shared/verdict/catalog';
import { buildSupportReport } from '../../../electron/report/supportReport';
import type { ReportWording } from '../../../electron/report/supportReport';
import {
  ADDRESS,
  CERT_FINGERPRINT,
  ENVIRONMENT,
  IMAP_GREETING,
  OAUTH_ADDRESS,
  PUBLIC_IP,
  RAW_EHLO,
  SMTP_GREETING,
  SMTP_REJECTION,
  SMTP_USERNAME,
  realisticRun,
} from './realisticRun';

/** Parses Markdown the way GitHub and most ticket systems do (CommonMark + GFM tables). */
function renderHtml(markdown: string): string {
  return new MarkdownIt({ html: false, linkify: false }).render(markdown);
}

function countOccurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** Decodes the few entities markdown-it emits, so text content can be compared with the original. */
function decodeEntities(html: string): string {
  return html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

describe('buildSupportReport: what the helpdesk asks for', () => {
  const run = realisticRun();
  const { markdown, json } = buildSupportReport(run, ENVIRONMENT, { maskIdentities: false });

  it('carries the environment, the run and the network facts in the JSON', () => {
    expect(json.format).toBe('mail-doctor-support-report');
    expect(json.generatedAt).toBe(ENVIRONMENT.generatedAt);
    expect(json.app.version).toBe('0.1.0');
    expect(json.mac).toEqual({ macosVersion: '15.3.1', timeZone: 'Europe/Paris' });
    expect(json.run).toEqual({
      runId: run.runId,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      durationMs: 5_200,
      noLogin: false,
    });
    expect(json.publicIp).toEqual({ kind: 'found', ip: PUBLIC_IP, from: 'smtp-ehlo' });
    expect(json.internet).toEqual(run.internet);
    expect(json.discoveryProblems).toEqual(run.discoveryProblems);
    expect(json.identitiesMasked).toBe(false);
  });

  it('keeps every account fact, step, finding and probe outcome of the run (nothing lost in the projection)', () => {
    expect(json.accounts).toHaveLength(2);
    run.accounts.forEach((diagnosis, index) => {
      const account = json.accounts[index];
      expect(account).toBeDefined();
      if (account === undefined) return;
      expect(account.emailAddress).toBe(diagnosis.account.emailAddress);
      expect(account.settings.incoming).toEqual(diagnosis.account.incoming);
      expect(account.settings.outgoing).toEqual(diagnosis.account.outgoing);
      expect(account.settings.outgoingLink).toEqual(diagnosis.account.outgoingLink);
      expect(account.passwords).toEqual(diagnosis.account.passwords);
      expect(account.readProblems).toEqual(diagnosis.account.readProblems);
      expect(account.servers.incoming).toEqual(diagnosis.probes.incoming);
      expect(account.servers.outgoing).toEqual(diagnosis.probes.outgoing);
      expect(account.published).toEqual(diagnosis.probes.published);
      expect(account.webmail).toEqual(diagnosis.probes.webmail);
      expect(account.verdict).toEqual(diagnosis.verdict);
      expect(account.timings).toEqual(diagnosis.timings);
      expect(account.steps.map(({ title: _title, ...rest }) => rest)).toEqual(diagnosis.steps);
      expect(account.findings.map(({ title: _title, ...rest }) => rest)).toEqual(diagnosis.findings);
    });
  });

  it('is plain JSON: it survives a round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('takes step titles from the catalog, and finding titles from the catalog rendered with their params', () => {
    expect(json.accounts[0]?.steps.map((step) => step.title)).toEqual(CHECKLIST_STEP_IDS.map((id) => STEP_TITLES[id]));
    const finding = run.accounts[0]?.findings[0];
    if (finding === undefined) throw new Error('fixture changed');
    expect(json.accounts[0]?.findings[0]?.title).toBe(describeFinding(finding).title);
  });

  it('puts the verdict, findings, every step and the server evidence in the Markdown', () => {
    const verdict = run.accounts[0]?.verdict;
    expect(verdict).toBeDefined();
    const text = decodeEntities(renderHtml(markdown));
    for (const expected of [
      'Mail Doctor support report',
      ENVIRONMENT.generatedAt,
      '0.1.0',
      '15.3.1',
      'Europe/Paris',
      run.runId,
      run.startedAt,
      run.finishedAt,
      PUBLIC_IP,
      'PASSWORDS_DIFFER',
      verdict?.title ?? 'missing',
      verdict?.nextStep ?? 'missing',
      'SMTP_AUTH_REJECTED',
      'USERNAMES_DIFFER',
      'PORT_TIMEOUT',
      IMAP_GREETING,
      SMTP_GREETING,
      SMTP_REJECTION,
      'AUTH PLAIN LOGIN',
      'TLSv1.3',
      'TLS_AES_256_GCM_SHA384',
      CERT_FINGERPRINT,
      'mail.example.com, webmail.example.com',
      "Let's Encrypt R11",
      '2026-04-10T23:59:59.000Z',
      'no answer (timed out after 5000 ms)',
      'SMTPIdentifier not found among the delivery accounts',
      'cpanel-webmail-login',
      '2480 ms',
      ADDRESS,
      SMTP_USERNAME,
      OAUTH_ADDRESS,
    ]) {
      expect(text, `missing from the rendered report: ${expected}`).toContain(expected);
    }
    for (const id of CHECKLIST_STEP_IDS) expect(text).toContain(STEP_TITLES[id]);
    expect(text).toContain('Your IT admin');
  });

  it('uses the wording it is given for step and finding titles', () => {
    const wording: ReportWording = {
      stepTitle: (id) => `Step title for ${id}`,
      findingTitle: (finding) => `Finding title for ${finding.code}`,
    };
    const worded = buildSupportReport(run, ENVIRONMENT, { maskIdentities: false, wording });
    expect(worded.json.accounts[0]?.steps[0]?.title).toBe('Step title for restart');
    expect(worded.json.accounts[0]?.findings[1]?.title).toBe('Finding title for SMTP_AUTH_REJECTED');
    expect(worded.markdown).toContain('Step title for incoming-login');
    expect(worded.markdown).toContain('Finding title for SMTP\\_AUTH\\_REJECTED');
  });

  it('says when macOS version is unknown and when logins were not attempted', () => {
    const noLoginRun: DiagnosisRun = { ...run, options: { noLogin: true } };
    const { timeZone, appVersion, generatedAt } = ENVIRONMENT;
    const report = buildSupportReport(noLoginRun, { timeZone, appVersion, generatedAt }, { maskIdentities: false });
    expect(report.json.mac.macosVersion).toBeNull();
    expect(report.json.run.noLogin).toBe(true);
    expect(report.markdown).toMatch(/macOS version \| unknown/);
    expect(report.markdown).toMatch(/Logins attempted \| no/);
  });
});

describe('buildSupportReport: Markdown that renders cleanly whatever the servers send', () => {
  const { markdown } = buildSupportReport(realisticRun(), ENVIRONMENT, { maskIdentities: false });
  const html = renderHtml(markdown);

  it('keeps every table row at the width of its header (pipes in server text do not add cells)', () => {
    const tables = html.match(/<table>[\s\S]*?<\/table>/g) ?? [];
    expect(tables.length).toBeGreaterThan(10);
    for (const tableHtml of tables) {
      const headerCells = (tableHtml.match(/<th[ >]/g) ?? []).length;
      const rows = tableHtml.match(/<tr>[\s\S]*?<\/tr>/g) ?? [];
      for (const row of rows.slice(1)) expect((row.match(/<td[ >]/g) ?? []).length).toBe(headerCells);
    }
  });

  it('shows a hostile greeting as text in one cell: no HTML, no code span, no heading', () => {
    const cell = html.match(/<td>Greeting<\/td>\s*<td>(.*?)<\/td>/g)?.find((match) => match.includes('Exim'));
    expect(cell).toBeDefined();
    expect(decodeEntities(cell ?? '')).toContain(SMTP_GREETING);
    expect(cell).not.toContain('<b>');
    expect(cell).not.toContain('<code>');
  });

  it('keeps raw server replies verbatim in one code block even when they contain a code fence', () => {
    const blocks = [...html.matchAll(/<pre><code[^>]*>([\s\S]*?)<\/code><\/pre>/g)].map((match) => decodeEntities(match[1] ?? ''));
    expect(blocks).toContain(`${RAW_EHLO}\n${SMTP_REJECTION}\n`);
  });

  it('renders each account as a level-2 heading and each step as a level-4 heading', () => {
    expect((html.match(/<h2>Account \d/g) ?? []).length).toBe(2);
    expect((html.match(/<h4>\d\. /g) ?? []).length).toBe(2 * CHECKLIST_STEP_IDS.length);
  });

  it('strips terminal control characters from server text', () => {
    const run = realisticRun();
    const first = run.accounts[0];
    if (first === undefined || first.probes.incoming === null) throw new Error('fixture changed');
    const withEscape: DiagnosisRun = {
      ...run,
      accounts: [{ ...first, probes: { ...first.probes, incoming: { ...first.probes.incoming, greeting: '* OK \u001b[31mred\u001b[0m ready' } } }],
    };
    const report = buildSupportReport(withEscape, ENVIRONMENT, { maskIdentities: false });
    expect(report.markdown).not.toContain('\u001b');
    expect(report.markdown).toContain('\uFFFD\\[31mred');
  });
});

describe('buildSupportReport: masking addresses and login names', () => {
  const run = realisticRun();
  const { markdown, json } = buildSupportReport(run, ENVIRONMENT, { maskIdentities: true });
  const jsonText = JSON.stringify(json);

  it('hides every address and login name, in any case, in both the Markdown and the JSON', () => {
    for (const text of [markdown, jsonText]) {
      const lower = text.toLowerCase();
      expect(lower).not.toContain('jane.doe');
      expect(lower).not.toContain(OAUTH_ADDRESS.toLowerCase());
      expect(lower).not.toContain('bob.smith');
      expect(text).not.toMatch(/\bjdoe\b/);
      expect(text).not.toContain('/Users/jane/');
    }
  });

  it('masks to the first character and keeps domains and host names', () => {
    expect(json.identitiesMasked).toBe(true);
    expect(json.accounts[0]?.emailAddress).toBe('j***@example.com');
    expect(json.accounts[0]?.description).toBe('Work (j***@example.com)');
    expect(json.accounts[0]?.settings.outgoing?.username).toBe('j***');
    expect(json.accounts[1]?.emailAddress).toBe('B***@gmail.com');
    expect(json.accounts[0]?.settings.outgoing?.host).toBe('mail.example.com');
    expect(json.accounts[0]?.servers.outgoing?.greeting).toBe(SMTP_GREETING);
    expect(markdown).toContain('mail.example.com');
  });

  it('masks login names inside server replies and URL-encoded addresses inside URLs', () => {
    const outgoing = json.accounts[0]?.servers.outgoing;
    expect(outgoing?.login).toEqual({ kind: 'rejected', responseCode: '535', serverText: '535 Incorrect authentication data for j***', durationMs: 2_013 });
    expect(json.accounts[0]?.published?.autoconfig[0]?.url).toBe('https://autoconfig.example.com/mail/config-v1.1.xml?emailaddress=j***%40example.com');
    expect(json.accounts[0]?.steps.find((step) => step.id === 'outgoing')?.evidence[0]?.raw).toContain('Hello j*** [203.0.113.45]');
    expect(json.accounts[0]?.findings[2]?.params).toEqual({ explains: false, incomingUser: 'j***@example.com', outgoingUser: 'j***', harmless: false });
    expect(json.discoveryProblems[0]).toEqual({ kind: 'store-unreadable', path: '/Users/j***/Library/Mail/V10/MailData/Accounts.plist', reason: 'not a property list' });
  });

  it('keeps the public IP, certificate names and codes (the helpdesk needs them)', () => {
    expect(json.publicIp).toEqual({ kind: 'found', ip: PUBLIC_IP, from: 'smtp-ehlo' });
    expect(markdown).toContain(CERT_FINGERPRINT);
    expect(json.accounts[0]?.verdict.code).toBe('PASSWORDS_DIFFER');
  });

  it('never rewrites vocabulary values, even when a login name equals one (user name "imap", "ok")', () => {
    const base = realisticRun();
    const first = base.accounts[0];
    if (first === undefined || first.account.incoming === null || first.account.outgoing === null || first.probes.incoming === null) {
      throw new Error('fixture changed');
    }
    const collidingRun: DiagnosisRun = {
      ...base,
      accounts: [
        {
          ...first,
          account: { ...first.account, incoming: { ...first.account.incoming, username: 'imap' }, outgoing: { ...first.account.outgoing, username: 'ok' } },
          probes: { ...first.probes, incoming: { ...first.probes.incoming, greeting: '* OK imap ready' } },
        },
      ],
    };
    const masked = buildSupportReport(collidingRun, ENVIRONMENT, { maskIdentities: true }).json;
    expect(masked.accounts[0]?.settings.incoming?.protocol).toBe('imap');
    expect(masked.accounts[0]?.settings.incoming?.username).toBe('i***');
    expect(masked.accounts[0]?.settings.outgoing?.username).toBe('o***');
    expect(masked.accounts[0]?.servers.incoming?.greeting).toBe('* O*** i*** ready');
    expect(masked.accounts[0]?.steps.find((step) => step.id === 'outgoing')?.status).toBe('failed');
  });

  it('does not mask when not asked to', () => {
    const plain = buildSupportReport(run, ENVIRONMENT, { maskIdentities: false });
    expect(plain.json.accounts[0]?.settings.outgoing?.username).toBe(SMTP_USERNAME);
    expect(countOccurrences(plain.markdown, ADDRESS)).toBeGreaterThan(2);
  });
});
