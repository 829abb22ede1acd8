/**
 * Shown when a login was not tried because Mail Doctor tried recently: servers ban an address after a
 * few failures, so the budget protects the person's IP. Says when it is safe to try again.
 */
import type { AccountDiagnosis, FindingOf } from '../../shared/diagnosis/types';
import type { ServerRole } from '../../shared/model/account';
import { describeLocally } from './presentation';

/** The budget findings of an account; also built from the probes when the rules did not make it the verdict. */
export function loginBudgetFindings(diagnosis: AccountDiagnosis): readonly BudgetFinding[] {
  const fromRules = diagnosis.findings.filter((finding): finding is BudgetFinding => finding.code === 'LOGIN_BUDGET_EXHAUSTED');
  if (fromRules.length > 0) return fromRules;
  const found: BudgetFinding[] = [];
  for (const role of ['incoming', 'outgoing'] as const satisfies readonly ServerRole[]) {
    const probe = diagnosis.probes[role];
    if (probe?.login.kind === 'skipped' && probe.login.reason === 'login-budget') {
      found.push({
        code: 'LOGIN_BUDGET_EXHAUSTED',
        side: role,
        params: { role, host: probe.host, ...(probe.login.safeAfter === undefined ? {} : { safeAfter: probe.login.safeAfter }) },
      });
    }
  }
  return found;
}

type BudgetFinding = FindingOf<'LOGIN_BUDGET_EXHAUSTED'>;

export function LoginBudgetNotice({ findings }: { readonly findings: readonly BudgetFinding[] }) {
  const first = findings[0];
  if (first === undefined) return null;
  return (
    <section className="panel notice" aria-labelledby="budget-heading">
      <h2 id="budget-heading">{describeLocally(first).title}</h2>
      <ul className="notice-list">
        {findings.map((finding) => {
          const words = describeLocally(finding);
          const safeAfter = finding.params.safeAfter;
          return (
            <li key={finding.side}>
              <p>{words.why}</p>
              <p className="notice-time">
                {typeof safeAfter === 'string' ? <time dateTime={safeAfter}>{words.nextStep}</time> : words.nextStep}
              </p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
