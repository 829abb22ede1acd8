/**
 * Two things the report says in its own words (not the catalog's): a password typed for the check is the
 * password you typed, never one Mail saved; an international server name appears in both its forms.
 */
import { describe, expect, it } from 'vitest';
import { renderRun } from '../../../electron/cli/humanOutput';
import { buildSupportReport } from '../../../electron/report/supportReport';
import type { DiagnosisRun } from '../../../shared/diagnosis/types';
import type { StoredPasswordStatus } from '../../../shared/model/account';
import { ENVIRONMENT, realisticRun } from './realisticRun';

const TYPED: StoredPasswordStatus = { outcome: 'found', foundIn: 'typed', attempts: [{ source: 'typed', outcome: 'found' }] };
const IDN_HOST = 'xn--mil-qla.xn--exmple-cua.test';

function manualRun(): DiagnosisRun {
  const run = realisticRun();
  const [first] = run.accounts;
  if (first === undefined) throw new Error('realisticRun has no account');
  const account = {
    ...first.account,
    id: 'manual',
    source: 'manual' as const,
    incoming: first.account.incoming === null ? null : { ...first.account.incoming, host: IDN_HOST },
    passwords: { incoming: TYPED, outgoing: TYPED, comparison: 'not-applicable' as const },
  };
  return { ...run, accounts: [{ ...first, account }] };
}

describe('a password typed for the check', () => {
  it('is "the password you typed" in the report, never a saved one', () => {
    const { markdown } = buildSupportReport(manualRun(), ENVIRONMENT, { maskIdentities: false });
    expect(markdown).toContain('| Password used | the password you typed (for this check only) | the password you typed (for this check only) |');
    expect(markdown).not.toContain('Saved password |');
  });

  it('a run with Mail\'s saved passwords still says so', () => {
    const { markdown } = buildSupportReport(realisticRun(), ENVIRONMENT, { maskIdentities: false });
    expect(markdown).toContain('| Saved password |');
  });
});

describe('an international server name', () => {
  it('appears in its DNS form and as typed, in the report and the CLI text', () => {
    const run = manualRun();
    const { markdown } = buildSupportReport(run, ENVIRONMENT, { maskIdentities: false });
    expect(markdown).toContain(`${IDN_HOST} (mäil.exämple.test)`);
    expect(renderRun(run)).toContain(`incoming imap ${IDN_HOST} (mäil.exämple.test):993`);
  });
});
