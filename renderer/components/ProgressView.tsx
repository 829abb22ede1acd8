/**
 * While a check runs: each server's login as soon as it is settled (the first conclusive side shows while
 * the other still runs), and the account's nine steps with their live state (the toolbar shows the
 * position in words and as a determinate indicator). The region is busy until the verdict replaces it.
 */
import { CHECKLIST_STEP_IDS } from '../../shared/checklist/steps';
import type { MailAccount } from '../../shared/model/account';
import type { LiveLogins, LiveSteps } from '../state/diagnosisReducer';
import { PASSWORD_CHIP_LABELS, ROLE_LABELS, passwordChip } from '../view/serverCard';
import { LiveChecklist } from './Checklist';
import { CHIP_SYMBOLS, Chip } from './ServerCard';

/** Before main names the run, every step is waiting. */
const ALL_WAITING = Object.fromEntries(CHECKLIST_STEP_IDS.map((id) => [id, 'pending'])) as LiveSteps;

export interface ProgressViewProps {
  readonly accountName: string;
  readonly account: MailAccount | null;
  readonly statuses: LiveSteps | null;
  readonly logins: LiveLogins;
}

export function ProgressView({ accountName, account, statuses, logins }: ProgressViewProps) {
  const roles = (['incoming', 'outgoing'] as const).filter((role) => account !== null && account[role] !== null);
  return (
    <section className="progress-view" aria-labelledby="progress-title" aria-busy="true">
      <h3 id="progress-title" className="verdict-title">
        Checking {accountName}…
      </h3>
      <p className="verdict-why">One login per server at most, and nothing is changed.</p>
      {account !== null && roles.length > 0 && (
        <ul className="live-logins" aria-label="Logins so far">
          {roles.map((role) => {
            const outcome = logins[role];
            const chip = outcome === undefined ? null : passwordChip(outcome, account.passwords[role], account);
            return (
              <li key={role} className="live-login">
                <span className="card-role">{ROLE_LABELS[role]}</span>
                <span className="card-host">{account[role]?.host}</span>
                {chip === null ? (
                  <span className="cell-muted">Logging in…</span>
                ) : (
                  <Chip kind={CHIP_SYMBOLS[chip]} label={PASSWORD_CHIP_LABELS[chip]} />
                )}
              </li>
            );
          })}
        </ul>
      )}
      <LiveChecklist statuses={statuses ?? ALL_WAITING} />
    </section>
  );
}
