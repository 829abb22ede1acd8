/**
 * When a last check had to replace a secret, the output says so with the catalog's SECRET_SCRUBBED words:
 * a finding in the run and the report's JSON, a closing note in text and Markdown.
 */
import { describe, expect, it } from 'vitest';
import { guardRun } from '../../../electron/diagnosis/diagnoseAccounts';
import { createExitGuard } from '../../../electron/exitGuard';
import { LiveSecrets } from '../../../electron/keychain/liveSecrets';
import { guardDocument, guardReportJson, secretScrubbedParagraph } from '../../../electron/report/secretNotes';
import { buildSupportReport } from '../../../electron/report/supportReport';
import { describeFinding } from '../../../shared/verdict/catalog';
import { ENVIRONMENT, SMTP_REJECTION, realisticRun } from './realisticRun';

/** A guard holding a "password" that the realistic run's SMTP refusal happens to contain. */
function guardFor(secret: string) {
  const secrets = new LiveSecrets();
  secrets.hold(secret);
  return createExitGuard(secrets);
}

const LEAKED = SMTP_REJECTION.split(' ').at(-1) ?? 'jdoe';

describe('SECRET_SCRUBBED notes from the exit guards', () => {
  it('the run: the account whose data had it replaced gets the finding, once', () => {
    const guard = guardFor(`Incorrect authentication data for ${LEAKED}`);
    const run = guardRun(guard, realisticRun());
    const [first] = run.accounts;
    expect(JSON.stringify(run)).not.toContain(`Incorrect authentication data for ${LEAKED}`);
    expect(first?.findings.filter((finding) => finding.code === 'SECRET_SCRUBBED')).toEqual([
      { code: 'SECRET_SCRUBBED', side: 'account', params: { caughtIn: 'report' }, severity: 'note' },
    ]);
    expect(guardRun(guard, run).accounts[0]?.findings.filter((finding) => finding.code === 'SECRET_SCRUBBED')).toHaveLength(1);
  });

  it('a run with nothing to replace comes back unchanged', () => {
    const run = realisticRun();
    expect(guardRun(guardFor('Not-In-This-Run-7c1e'), run)).toEqual(run);
  });

  it('a document gets the closing note in the catalog\'s words; a clean one is untouched', () => {
    const guard = guardFor('Held-Pa55');
    const noted = guardDocument(guard, 'cli-output', 'Reply: -ERR PASS Held-Pa55\n');
    const words = describeFinding({ code: 'SECRET_SCRUBBED', params: { caughtIn: 'cli-output' } });
    expect(noted).toBe(`Reply: -ERR PASS [redacted]\n\n${words.title}. ${words.why} ${words.nextStep}\n`);
    expect(secretScrubbedParagraph('clipboard')).toContain(words.title);
    expect(guardDocument(guard, 'cli-output', 'nothing here')).toBe('nothing here');
  });

  it('the report JSON lists the finding on every account', () => {
    const guard = guardFor(`Incorrect authentication data for ${LEAKED}`);
    const { json } = buildSupportReport(realisticRun(), ENVIRONMENT, { maskIdentities: false });
    const guarded = guardReportJson(guard, 'report', json);
    for (const account of guarded.accounts) {
      expect(account.findings.at(-1)).toMatchObject({ code: 'SECRET_SCRUBBED', params: { caughtIn: 'report' }, severity: 'note' });
    }
    expect(JSON.stringify(guarded)).not.toContain(`Incorrect authentication data for ${LEAKED}`);
  });
});
