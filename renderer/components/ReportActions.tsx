/**
 * The support report of the shown run: copy it, save it (main's save dialog picks the file), or send
 * it to support (only when the organisation's managed preferences name a support contact). One
 * checkbox masks the person's addresses in all three.
 */
import { useId, useState } from 'react';
import type { MailDoctorApi } from '../../shared/ipc/contract';
import { REPORT_CONTROL_LABELS } from './presentation';

export type ReportBridge = Pick<MailDoctorApi, 'copyReport' | 'saveReport' | 'contactSupport'>;

export interface ReportActionsProps {
  readonly bridge: ReportBridge;
  readonly runId: string;
  /** From the accounts listing: whether managed preferences name a support contact. */
  readonly supportConfigured: boolean;
}

type Delivery = 'copy' | 'save' | 'contact';

export function ReportActions({ bridge, runId, supportConfigured }: ReportActionsProps) {
  const id = useId();
  const [maskIdentities, setMaskIdentities] = useState(false);
  const [pending, setPending] = useState<Delivery | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const deliver = async (delivery: Delivery): Promise<void> => {
    setPending(delivery);
    setMessage(null);
    const request = { runId, maskIdentities };
    try {
      switch (delivery) {
        case 'copy': {
          const outcome = await bridge.copyReport(request);
          setMessage(outcome.ok ? REPORT_CONTROL_LABELS.copied : outcome.error.message);
          break;
        }
        case 'save': {
          const outcome = await bridge.saveReport(request);
          if (!outcome.ok) setMessage(outcome.error.message);
          // A cancelled dialog needs no words.
          else if (outcome.value.saved && outcome.value.path !== undefined) setMessage(REPORT_CONTROL_LABELS.saved(outcome.value.path));
          break;
        }
        case 'contact': {
          const outcome = await bridge.contactSupport(request);
          setMessage(outcome.ok ? REPORT_CONTROL_LABELS.contacted : outcome.error.message);
          break;
        }
      }
    } finally {
      setPending(null);
    }
  };

  const button = (delivery: Delivery, label: string) => (
    <button type="button" className="button" disabled={pending !== null} onClick={() => void deliver(delivery)}>
      {label}
    </button>
  );

  return (
    <section className="panel report-actions" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{REPORT_CONTROL_LABELS.heading}</h2>
      <p className="panel-intro">{REPORT_CONTROL_LABELS.intro}</p>
      <div className="field field-check">
        <input
          id={`${id}-mask`}
          type="checkbox"
          checked={maskIdentities}
          aria-describedby={`${id}-mask-note`}
          onChange={(event) => setMaskIdentities(event.target.checked)}
        />
        <label htmlFor={`${id}-mask`}>{REPORT_CONTROL_LABELS.maskIdentities}</label>
      </div>
      <p id={`${id}-mask-note`} className="field-note">
        {REPORT_CONTROL_LABELS.maskIdentitiesNote}
      </p>
      <div className="report-buttons">
        {button('copy', REPORT_CONTROL_LABELS.copy)}
        {button('save', REPORT_CONTROL_LABELS.save)}
        {supportConfigured && button('contact', REPORT_CONTROL_LABELS.contactSupport)}
      </div>
      <p className="report-message" aria-live="polite">
        {message}
      </p>
    </section>
  );
}
