/**
 * While a check runs: the account's nine steps with their live state (the toolbar shows the position in
 * words and as a determinate indicator). The region is busy until the verdict replaces it.
 */
import type { LiveSteps } from '../state/diagnosisReducer';
import { CHECKLIST_STEP_IDS } from '../../shared/checklist/steps';
import { LiveChecklist } from './Checklist';

/** Before main names the run, every step is waiting. */
const ALL_WAITING = Object.fromEntries(CHECKLIST_STEP_IDS.map((id) => [id, 'pending'])) as LiveSteps;

export interface ProgressViewProps {
  readonly accountName: string;
  readonly statuses: LiveSteps | null;
}

export function ProgressView({ accountName, statuses }: ProgressViewProps) {
  return (
    <section className="progress-view" aria-labelledby="progress-title" aria-busy="true">
      <h3 id="progress-title" className="verdict-title">
        Checking {accountName}…
      </h3>
      <p className="verdict-why">One login per server at most, and nothing is changed.</p>
      <LiveChecklist statuses={statuses ?? ALL_WAITING} />
    </section>
  );
}
