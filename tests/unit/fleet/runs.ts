/**
 * Runs for the fleet tests: the report tests' realistic run, its accounts' verdicts replaced by the given
 * codes. Only the code matters to what these tests read (the summary, the exit code, the extension
 * attribute), so the verdict's other fields are the template's.
 */
import type { AccountDiagnosis, DiagnosisRun } from '../../../shared/diagnosis/types';
import { realisticRun } from '../report/realisticRun';

export function runWithVerdicts(codes: readonly string[], discoveryProblems?: DiagnosisRun['discoveryProblems']): DiagnosisRun {
  const base = realisticRun();
  const template = base.accounts[0];
  if (template === undefined) throw new Error('the realistic run has an account');
  const withCode = (code: string): AccountDiagnosis => ({ ...template, verdict: { ...template.verdict, code } as unknown as AccountDiagnosis['verdict'] });
  return { ...base, accounts: codes.map(withCode), ...(discoveryProblems === undefined ? {} : { discoveryProblems }) };
}
