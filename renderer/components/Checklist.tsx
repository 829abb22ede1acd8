/**
 * The helpdesk's nine steps for one account, with their live state. A finished step opens (a native
 * <details>, so keyboard and VoiceOver work without extra code) to what was found: the catalog's plain
 * words first, the raw detail (server replies, certificate names) second, in monospace. What Mail
 * itself recorded (its connection log, macOS's credential note) is listed apart from what this run's
 * checks saw, with its times in the person's own time zone.
 */
import { CHECKLIST_STEPS } from '../../shared/checklist/steps';
import type { ChecklistStepId, StepStatus } from '../../shared/checklist/steps';
import type { ChecklistStep, EvidenceItem, Finding } from '../../shared/diagnosis/types';
import { OWNER_LABELS, STEP_TITLES, rewordEvidence, stepForFinding } from '../../shared/verdict/catalog';
import type { LiveSteps } from '../state/diagnosisReducer';
import { LOCAL_TEXT_FORMAT, STEP_STATUS_LABELS, describeLocally } from './presentation';

export interface ChecklistProps {
  /** Live or final status of every step; null = never checked. */
  readonly statuses: LiveSteps | null;
  /** The finished steps (evidence, reasons), when the run is over. */
  readonly steps: readonly ChecklistStep[] | null;
  readonly findings: readonly Finding[];
  /** The verdict the banner above already explains with its next step (not repeated here). */
  readonly verdict?: Pick<Finding, 'code' | 'side'> | null;
}

export function Checklist({ statuses, steps, findings, verdict }: ChecklistProps) {
  const detailsById = new Map<ChecklistStepId, ChecklistStep>((steps ?? []).map((step) => [step.id, step]));
  return (
    <section className="panel" aria-labelledby="checklist-heading">
      <h2 id="checklist-heading">Checklist</h2>
      <ol className="checklist">
        {CHECKLIST_STEPS.map((definition) => {
          const status: StepStatus = statuses?.[definition.id] ?? 'pending';
          const step = detailsById.get(definition.id);
          return (
            <StepRow
              key={definition.id}
              order={definition.order}
              id={definition.id}
              owner={OWNER_LABELS[definition.owner]}
              status={status}
              step={step}
              findings={findings.filter((finding) => step?.findings.includes(finding.code) === true)}
              verdict={verdict ?? null}
            />
          );
        })}
      </ol>
    </section>
  );
}

function StepRow(props: {
  readonly order: number;
  readonly id: ChecklistStepId;
  readonly owner: string;
  readonly status: StepStatus;
  readonly step: ChecklistStep | undefined;
  readonly findings: readonly Finding[];
  readonly verdict: Pick<Finding, 'code' | 'side'> | null;
}) {
  const { step, status } = props;
  // Main words evidence in UTC for the CLI and the report; the window words it again in local time.
  const checked = (step?.evidence ?? []).filter((item) => item.origin !== 'mail');
  const mailSaw = (step?.evidence ?? []).filter((item) => item.origin === 'mail');
  const title = STEP_TITLES[props.id];
  const mailSawHeadingId = `mail-saw-${props.id}`;
  const hasDetail = step !== undefined && (step.evidence.length > 0 || step.reason !== undefined || props.findings.length > 0);
  const heading = (
    <span className="step-line">
      <StatusIcon status={status} />
      <span className="step-title">
        <span className="step-number">{props.order}.</span> {title}
        {hasDetail && <span className="step-chevron" aria-hidden="true" />}
      </span>
      <span className={`step-status step-status-${status}`}>{STEP_STATUS_LABELS[status]}</span>
    </span>
  );
  if (!hasDetail) {
    return (
      <li className={`step step-${status}`} aria-busy={status === 'running' ? true : undefined}>
        <div className="step-summary step-summary-static">{heading}</div>
      </li>
    );
  }
  // Problems open by themselves: the person should not have to hunt for the reason.
  const openAtFirst = status === 'failed';
  return (
    <li className={`step step-${status}`}>
      <details className="step-details" open={openAtFirst}>
        <summary className="step-summary">{heading}</summary>
        <div className="step-body">
          {step.reason !== undefined && <p className="step-reason">{step.reason}</p>}
          {props.findings.map((finding) => {
            const words = describeLocally(finding);
            // The full explanation sits under the finding's own step; other steps it touches name it only.
            const ownStep = stepForFinding(finding) === props.id;
            return (
              <div key={`${finding.code}:${finding.side}`} className="step-finding">
                <p className="step-finding-title">{words.title}</p>
                {ownStep && <p>{words.why}</p>}
                {/* A finding that is not the verdict has no banner: its next step (how to turn Mail's
                    connection log on, until when macOS suppresses the prompt) is said here. */}
                {ownStep && !isVerdict(finding, props.verdict) && (
                  <p className="step-finding-next">
                    <span className="step-finding-next-label">Next step:</span> {words.nextStep}
                  </p>
                )}
              </div>
            );
          })}
          {checked.length > 0 && <EvidenceList items={checked} label={`What Mail Doctor saw: ${title}`} />}
          {mailSaw.length > 0 && (
            <>
              <h3 id={mailSawHeadingId} className="evidence-heading">
                What Mail itself saw
              </h3>
              <EvidenceList items={mailSaw} labelledBy={mailSawHeadingId} />
            </>
          )}
          <p className="step-owner">Who can act on this step: {props.owner}</p>
        </div>
      </details>
    </li>
  );
}

function isVerdict(finding: Finding, verdict: Pick<Finding, 'code' | 'side'> | null): boolean {
  return verdict !== null && verdict.code === finding.code && verdict.side === finding.side;
}

function EvidenceList(props: { readonly items: readonly EvidenceItem[]; readonly label?: string; readonly labelledBy?: string }) {
  return (
    <ul className="evidence-list" aria-label={props.label} aria-labelledby={props.labelledBy}>
      {props.items.map((item, index) => (
        <li key={index} className="evidence">
          <p className="evidence-summary">{rewordEvidence(item, LOCAL_TEXT_FORMAT)}</p>
          {item.raw !== undefined && (
            <pre className="evidence-raw">
              <code>{item.raw}</code>
            </pre>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Decoration beside the status words: a glyph per state, a spinner while running. */
function StatusIcon({ status }: { readonly status: StepStatus }) {
  if (status === 'running') return <span className="step-icon spinner" aria-hidden="true" />;
  const glyph: Record<Exclude<StepStatus, 'running'>, string> = {
    pending: '○',
    passed: '✓',
    failed: '✕',
    warning: '!',
    skipped: '–',
    'not-applicable': '–',
  };
  return (
    <span className={`step-icon step-icon-${status}`} aria-hidden="true">
      {glyph[status]}
    </span>
  );
}
