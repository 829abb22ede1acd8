/**
 * The detail pane's data (renderer/view/resultView.ts, serverCard.ts) on diagnoses made by the real verdict
 * rules from real-shaped facts: every finding said once, only the wrong side marked, the mismatch as
 * chips, differing settings flagged, the checklist condensed to the steps that need attention.
 */
import { describe, expect, it } from 'vitest';
import type { AccountDiagnosis } from '../../../shared/diagnosis/types';
import { SAID_ABOVE, checklistSummary, resultView } from '../../../renderer/view/resultView';
import type { ResultView } from '../../../renderer/view/resultView';
import { passwordChip, serverCard } from '../../../renderer/view/serverCard';
import type { CardSide } from '../../../renderer/view/serverCard';
import { findingWords } from '../../../renderer/words';
import {
  EMAIL,
  HOST,
  facts,
  hostBlock,
  hoursBefore,
  probeOf,
  rejected,
  tlsOf,
  imapRejected,
  itExpects,
  loggedReply,
  loginOf,
  mailLog,
  passwords,
  passwordsUnreadable,
  published,
  settingsOf,
  skippedLogin,
  smtpRejected,
} from '../verdict/factsBuilder';
import { diagnosisOf } from './recordings';

function side(diagnosis: AccountDiagnosis, role: 'incoming' | 'outgoing'): CardSide {
  const found = serverCard(diagnosis)?.sides.find((candidate) => candidate.role === role);
  if (found === undefined) throw new Error(`no ${role} column`);
  return found;
}

/** Every visible title and line of a result view, in screen order. */
function visibleLines(view: ResultView): string[] {
  return [
    view.verdict.words.title,
    view.verdict.words.why,
    view.verdict.words.nextStep,
    ...view.checklist.lines.flatMap((line) => (line.reason === null ? [] : [line.reason])),
  ];
}

const staleOutgoing = diagnosisOf(facts(passwords('different'), loginOf('outgoing', smtpRejected)));
const bothRefused = diagnosisOf(facts(loginOf('incoming', imapRejected), loginOf('outgoing', smtpRejected)));

describe('the verdict and the checklist say each finding once', () => {
  it('stale outgoing password: the verdict names it; step 6 points up instead of repeating it', () => {
    const view = resultView(staleOutgoing);
    expect(view.verdict.finding.code).toBe('PASSWORDS_DIFFER');
    expect(view.verdict.health).toBe('problem');
    const sending = view.checklist.lines.find((line) => line.id === 'outgoing');
    expect(sending?.status).toBe('failed');
    expect(sending?.reason).toBe(SAID_ABOVE);
    // The refusal is the card's "Refused" chip, not a second line.
    expect(sending?.findings).toEqual([]);
    expect(view.checklist.attention.map((line) => line.id)).toContain('outgoing');
    expect(view.checklist.attention.every((line) => line.status === 'failed' || line.status === 'warning')).toBe(true);
  });

  it('both servers refuse: the second refusal shares the verdict’s title and is not said again', () => {
    const view = resultView(bothRefused);
    const title = view.verdict.words.title;
    expect(visibleLines(view).filter((line) => line === title)).toHaveLength(1);
    for (const line of view.checklist.lines) expect(line.findings.map((finding) => finding.words.title)).not.toContain(title);
  });

  it('both servers refuse the one saved password: webmail and "Open Webmail" only when the window can open it', () => {
    const withWebmail = resultView(bothRefused, { canOpenWebmail: true }).verdict.words;
    expect(withWebmail.action).toBe('open-webmail');
    expect(withWebmail.nextStep).toMatch(/webmail/);
    const withoutWebmail = resultView(bothRefused, { canOpenWebmail: false });
    expect(withoutWebmail.verdict.words.action).toBe('open-mail-settings');
    expect(visibleLines(withoutWebmail).join(' ')).not.toMatch(/webmail/);
  });

  it('both refused, slowly (Dovecot\'s penalty): the red step\'s reason is the problem above, the slow reply stays a line of its list', () => {
    const slowRefusal = (outcome: typeof imapRejected) => ({ ...outcome, authReplyMs: 8_000 });
    const diagnosis = diagnosisOf(facts(loginOf('incoming', slowRefusal(imapRejected)), loginOf('outgoing', slowRefusal(smtpRejected))));
    expect(diagnosis.findings.map((finding) => finding.code)).toContain('LOGIN_DELAYED_BY_SERVER');
    const view = resultView(diagnosis);
    for (const id of ['incoming-login', 'outgoing'] as const) {
      const line = view.checklist.lines.find((candidate) => candidate.id === id);
      expect(line?.status, id).toBe('failed');
      expect(line?.reason, id).toBe(SAID_ABOVE);
      expect(line?.reasonIsTitle, id).toBe(false);
    }
    const delayedTitles = diagnosis.findings.filter((finding) => finding.code === 'LOGIN_DELAYED_BY_SERVER').map((finding) => findingWords(finding).title);
    const listed = view.checklist.lines.flatMap((line) => line.findings.map((finding) => finding.words.title));
    for (const title of delayedTitles) expect(listed).toContain(title);
  });

  it('no line repeats a title or a sentence in any scenario', () => {
    const scenarios = [
      staleOutgoing,
      bothRefused,
      diagnosisOf(facts(passwordsUnreadable(), mailLog([loggedReply('incoming', 'rejected', 1), loggedReply('outgoing', 'accepted', 0.5)]))),
      diagnosisOf(facts(loginOf('incoming', skippedLogin('login-budget', '2026-03-04T12:40:00.000Z')), loginOf('outgoing', skippedLogin('login-budget', '2026-03-04T12:40:00.000Z')))),
      diagnosisOf(facts()),
    ];
    for (const diagnosis of scenarios) {
      const lines = visibleLines(resultView(diagnosis)).filter((line) => line !== SAID_ABOVE);
      expect(new Set(lines).size, lines.join(' | ')).toBe(lines.length);
    }
  });

  it('a login paused by the budget on both sides is one line, in the first step it belongs to', () => {
    const safeAfter = '2026-03-04T12:40:00.000Z';
    const diagnosis = diagnosisOf(facts(loginOf('incoming', skippedLogin('login-budget', safeAfter)), loginOf('outgoing', skippedLogin('login-budget', safeAfter))));
    const view = resultView(diagnosis);
    const budgetTitle = findingWords({ code: 'LOGIN_BUDGET_EXHAUSTED', params: { role: 'incoming', host: HOST, safeAfter } }).title;
    expect(visibleLines(view).filter((line) => line === budgetTitle)).toHaveLength(1);
    expect(side(diagnosis, 'incoming').password).toBe('not-tried');
    expect(side(diagnosis, 'outgoing').password).toBe('not-tried');
  });

  it("this round's new findings show like any other: as the verdict, or once as a line in their step", () => {
    const ledger = { kind: 'skipped', reason: 'ledger-unavailable', ledger: { path: '/state/login-ledger.json', problem: 'not-writable', errorCode: 'EROFS' } } as const;
    const cases = [
      { code: 'STARTTLS_WITHDRAWN', facts: facts(settingsOf('incoming', { port: 143, tls: 'starttls' }), tlsOf('incoming', { kind: 'starttls-withdrawn', advertisedOn: 'other-connection' }, skippedLogin('connection-failed'))) },
      { code: 'SERVER_REPLY_TOO_LARGE', facts: facts(loginOf('incoming', { kind: 'error', errorCode: 'REPLY_TOO_LARGE', message: 'more than 1 MiB' })) },
      { code: 'LOGIN_DELAYED_BY_SERVER', facts: facts(loginOf('incoming', rejected('AUTHENTICATIONFAILED', 'NO [AUTHENTICATIONFAILED] Authentication failed.', 8_000))) },
      { code: 'SECRET_SCRUBBED', facts: facts(probeOf('incoming', { login: imapRejected, secretScrubbed: true })) },
      { code: 'LOGIN_LEDGER_UNAVAILABLE', facts: facts(loginOf('incoming', ledger), loginOf('outgoing', ledger)) },
      {
        code: 'IP_BLOCKED_CONFIRMED',
        facts: facts(
          hostBlock({ blocked: true, blockedBy: 'cphulk-brute', since: hoursBefore(1), until: '2026-03-04T12:30:00.000Z', failedLogins: [{ user: EMAIL, service: 'imap', at: hoursBefore(1.2) }] }),
          loginOf('incoming', imapRejected),
          loginOf('outgoing', smtpRejected),
        ),
      },
    ] as const;
    for (const { code, facts: scenario } of cases) {
      const diagnosis = diagnosisOf(scenario);
      const finding = diagnosis.findings.find((candidate) => candidate.code === code);
      expect(finding, code).toBeDefined();
      if (finding === undefined) continue;
      const view = resultView(diagnosis);
      const title = findingWords(finding).title;
      const asVerdict = view.verdict.finding.code === code ? 1 : 0;
      const asLines = view.checklist.lines.filter((line) => line.reason === title).length;
      const inBodies = view.checklist.lines.flatMap((line) => line.findings).filter((said) => said.words.title === title).length;
      expect(asVerdict + inBodies, code).toBe(1);
      expect(asLines, code).toBeLessThanOrEqual(1);
    }
  });

  it('counts the steps the way the summary line says them', () => {
    expect(checklistSummary(['passed', 'passed', 'failed', 'warning', 'not-applicable'])).toBe('2 passed · 1 problem · 1 worth a look · 1 not needed');
    expect(checklistSummary(['failed', 'failed'])).toBe('2 problems');
    const view = resultView(staleOutgoing);
    const passed = view.checklist.lines.filter((line) => line.status === 'passed').length;
    expect(view.checklist.summary.startsWith(`${String(passed)} passed · 1 problem`)).toBe(true);
  });
});

describe('the Receiving | Sending card', () => {
  it('stale outgoing password: chips, the ≠ badge, and only the sending side marked', () => {
    const card = serverCard(staleOutgoing);
    expect(card?.passwordsDiffer).toBe(true);
    expect(side(staleOutgoing, 'incoming')).toMatchObject({ password: 'accepted', stalePassword: false });
    expect(side(staleOutgoing, 'outgoing')).toMatchObject({ password: 'refused', stalePassword: true });
    expect([...side(staleOutgoing, 'incoming').wrong]).toEqual([]);
    expect([...side(staleOutgoing, 'outgoing').wrong]).toEqual(['password']);
    expect(card?.shownFindings.map((finding) => finding.code).sort()).toEqual(['PASSWORDS_DIFFER', 'SMTP_AUTH_REJECTED']);
  });

  it('both refused with the same saved password: both sides marked, no ≠ badge', () => {
    expect(serverCard(bothRefused)?.passwordsDiffer).toBe(false);
    expect(side(bothRefused, 'incoming')).toMatchObject({ password: 'refused', stalePassword: false });
    expect(side(bothRefused, 'outgoing').password).toBe('refused');
    expect(side(bothRefused, 'incoming').wrong.has('password')).toBe(true);
    expect(side(bothRefused, 'outgoing').wrong.has('password')).toBe(true);
  });

  it("passwords out of reach, Mail's log shows incoming refused and outgoing accepted: Mail's last login per side", () => {
    const diagnosis = diagnosisOf(
      facts(passwordsUnreadable(), mailLog([loggedReply('incoming', 'rejected', 1), loggedReply('incoming', 'accepted', 30), loggedReply('outgoing', 'accepted', 0.5)])),
    );
    const card = serverCard(diagnosis);
    expect(card?.mailLogShown).toBe(true);
    expect(side(diagnosis, 'incoming')).toMatchObject({ password: 'unreadable', mailLog: { result: 'rejected' } });
    expect(side(diagnosis, 'outgoing')).toMatchObject({ password: 'unreadable', mailLog: { result: 'accepted' } });
    // The newest reply counts, not the older acceptance.
    expect(side(diagnosis, 'incoming').mailLog?.at).toBe(loggedReply('incoming', 'rejected', 1).at);
  });

  it('"not found" on a modern account is out of reach; on a legacy account it is not tried', () => {
    const base = diagnosisOf(facts(passwords('both-missing', 'not-found', 'not-found'), loginOf('incoming', skippedLogin('no-password'))));
    const stored = base.account.passwords.incoming;
    const login = base.probes.incoming?.login;
    expect(passwordChip(login, stored, base.account)).toBe('unreadable');
    expect(passwordChip(login, stored, { ...base.account, source: 'legacy-plist' })).toBe('not-tried');
    expect(passwordChip(undefined, stored, base.account)).toBe('not-tried');
    expect(passwordChip({ kind: 'timeout', afterMs: 5000, phase: 'auth' }, stored, base.account)).toBe('no-answer');
  });

  it('flags every setting that differs from what the domain publishes and what IT set, and nothing else', () => {
    const diagnosis = diagnosisOf(
      facts(
        settingsOf('outgoing', { port: 587, tls: 'starttls' }),
        published([
          { protocol: 'imap', host: HOST, port: 993, tls: 'implicit', usernameTemplate: '%EMAILADDRESS%', from: 'autoconfig' },
          { protocol: 'smtp', host: HOST, port: 465, tls: 'implicit', usernameTemplate: '%EMAILADDRESS%', from: 'autoconfig' },
        ]),
        itExpects(),
      ),
    );
    const incoming = side(diagnosis, 'incoming');
    const outgoing = side(diagnosis, 'outgoing');
    for (const row of ['server', 'port', 'tls', 'username'] as const) expect(incoming.settings[row].differs, row).toBe(false);
    expect(outgoing.settings.port).toMatchObject({ value: '587', differs: true });
    expect(outgoing.settings.port.references).toEqual([
      { source: 'it', value: '465', differs: true },
      { source: 'published', value: '465', differs: true },
    ]);
    expect(outgoing.settings.tls.differs).toBe(true);
    expect(outgoing.settings.server.differs).toBe(false);
    expect(outgoing.settings.username).toMatchObject({ value: 'alice@example.com', differs: false });
    expect(serverCard(diagnosis)).toMatchObject({ publishedBy: 'example.com', itExpects: true });
  });

  it('compares a setting with the published server it matches best (465 and 587 both published)', () => {
    const diagnosis = diagnosisOf(
      facts(
        settingsOf('outgoing', { port: 587, tls: 'starttls' }),
        published([
          { protocol: 'smtp', host: HOST, port: 465, tls: 'implicit', from: 'srv' },
          { protocol: 'smtp', host: HOST, port: 587, tls: 'starttls', from: 'srv' },
        ]),
      ),
    );
    const outgoing = side(diagnosis, 'outgoing');
    expect(outgoing.settings.port.differs).toBe(false);
    expect(outgoing.settings.tls.differs).toBe(false);
  });
});
