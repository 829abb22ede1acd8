/**
 * The helpdesk's nine steps. After a check: condensed ("6 passed · 1 problem"), listing only the steps
 * that need attention with a one-line reason each, and "Show all 9 steps" for the rest. Each listed step
 * opens (a native <details>, leading triangle) to what it found; the raw evidence (server replies,
 * keychain outcomes, certificates) sits one level deeper, in a closed "Technical details".
 * While a check runs, LiveChecklist shows every step with its live state.
 */
import { useId, useState } from 'react';
import { CHECKLIST_STEPS } from '../../shared/checklist/steps';
import type { StepStatus } from '../../shared/checklist/steps';
import type { EvidenceItem } from '../../shared/diagnosis/types';
import type { LiveSteps } from '../state/diagnosisReducer';
import type { ChecklistView, StepLine } from '../view/resultView';
import { evidenceWords, stepTitle } from '../words';
import { STEP_STATUS_LABELS } from './presentation';
import { STEP_SYMBOLS, StatusSymbol } from './StatusSymbol';

export function Checklist({ view }: { readonly view: ChecklistView }) {
  const id = useId();
  const [showAll, setShowAll] = useState(false);
  const lines = showAll ? view.lines : view.attention;
  return (
    <section className="checklist-section" aria-labelledby={`${id}-heading`}>
      <div className="section-head">
        <h3 id={`${id}-heading`} className="section-title">
          Checklist
        </h3>
        <span className="checklist-summary">{view.summary}</span>
      </div>
      {lines.length > 0 && (
        <ol className="checklist" id={`${id}-steps`}>
          {lines.map((line) => (
            <StepRow key={line.id} line={line} />
          ))}
        </ol>
      )}
      <button type="button" className="disclosure-button" aria-expanded={showAll} aria-controls={`${id}-steps`} onClick={() => setShowAll((all) => !all)}>
        {showAll ? 'Show only steps that need attention' : `Show all ${String(view.lines.length)} steps`}
      </button>
    </section>
  );
}

interface StepHeadingProps {
  readonly order: number;
  readonly title: string;
  readonly status: StepStatus;
  readonly reason: string | null;
  readonly reasonIsTitle?: boolean;
}

function StepHeading({ order, title, status, reason, reasonIsTitle = false }: StepHeadingProps) {
  return (
    <span className="step-line">
      <StatusSymbol kind={STEP_SYMBOLS[status]} />
      <span className="step-text">
        <span className="step-title">
          {order}. {title}
        </span>
        {reason !== null && (
          <span className="step-reason" data-finding-title={reasonIsTitle ? reason : undefined}>
            {reason}
          </span>
        )}
      </span>
      <span className={`step-status step-status-${status}`}>{STEP_STATUS_LABELS[status]}</span>
    </span>
  );
}

function StepRow({ line }: { readonly line: StepLine }) {
  const heading = <StepHeading order={line.order} title={line.title} status={line.status} reason={line.reason} reasonIsTitle={line.reasonIsTitle} />;
  const technical = line.findings.flatMap(({ words }) => words.technical);
  const hasBody = line.findings.length > 0 || line.moreReason !== null || line.evidence.length > 0;
  if (!hasBody) {
    return (
      <li className={`step step-${line.status}`}>
        <div className="step-summary step-summary-static">{heading}</div>
      </li>
    );
  }
  return (
    <li className={`step step-${line.status}`}>
      <details className="step-details">
        <summary className="step-summary">{heading}</summary>
        <div className="step-body">
          {line.moreReason !== null && <p>{line.moreReason}</p>}
          {line.findings.map(({ key, words }, index) => (
            <div key={key} className="step-finding">
              {/* The first finding's title is the line above; further ones are named here. */}
              {index > 0 && (
                <p className="step-finding-title" data-finding-title={words.title}>
                  {words.title}
                </p>
              )}
              <p>{words.why}</p>
              <p className="step-advice">
                <span className="step-advice-label">Worth doing:</span> {words.nextStep}
              </p>
              {words.howTo.length > 0 && (
                <ol className="how-to">
                  {words.howTo.map((text) => (
                    <li key={text}>{text}</li>
                  ))}
                </ol>
              )}
            </div>
          ))}
          <p className="step-owner">Who can act on this step: {line.owner}</p>
          {(technical.length > 0 || line.evidence.length > 0) && (
            <details className="disclosure technical">
              <summary>Technical details</summary>
              {technical.map((text) => (
                <p key={text} className="technical-line">
                  {text}
                </p>
              ))}
              <EvidenceList items={line.evidence} />
            </details>
          )}
        </div>
      </details>
    </li>
  );
}

/** What this run's checks saw, and apart from it what Mail and macOS themselves recorded. */
function EvidenceList({ items }: { readonly items: readonly EvidenceItem[] }) {
  const checked = items.filter((item) => item.origin !== 'mail');
  const mailSaw = items.filter((item) => item.origin === 'mail');
  const list = (entries: readonly EvidenceItem[], label: string) => (
    <ul className="evidence-list" aria-label={label}>
      {entries.map((item, index) => (
        <li key={index} className="evidence">
          <p className="evidence-summary">{evidenceWords(item)}</p>
          {item.raw !== undefined && item.raw !== '' && (
            <pre className="evidence-raw">
              <code>{item.raw}</code>
            </pre>
          )}
        </li>
      ))}
    </ul>
  );
  return (
    <>
      {checked.length > 0 && list(checked, 'What Mail Doctor saw')}
      {mailSaw.length > 0 && list(mailSaw, 'What Mail itself saw')}
    </>
  );
}

/** Every step with its live state while a check runs. */
export function LiveChecklist({ statuses }: { readonly statuses: LiveSteps }) {
  return (
    <ol className="checklist checklist-live">
      {CHECKLIST_STEPS.map((definition) => {
        const status = statuses[definition.id];
        return (
          <li key={definition.id} className={`step step-${status}`} aria-busy={status === 'running' ? true : undefined}>
            <div className="step-summary step-summary-static">
              <StepHeading order={definition.order} title={stepTitle(definition.id)} status={status} reason={null} />
            </div>
          </li>
        );
      })}
    </ol>
  );
}
