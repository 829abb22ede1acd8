/**
 * The one thing to do next, in the catalog's words, with the button for it when there is one. It is a
 * status region, so VoiceOver reads the new verdict when a check ends.
 */
import type { FindingKey } from '../../shared/diagnosis/types';
import type { CatalogAction } from '../../shared/verdict/catalog';
import { CATALOG_ACTIONS, OWNER_LABELS } from '../../shared/verdict/catalog';
import type { AccountHealth } from './presentation';
import { ACTION_LABELS, HEALTH_LABELS, describeLocally, isCatalogAction } from './presentation';

export interface VerdictBannerProps {
  readonly finding: FindingKey;
  readonly health: AccountHealth;
  /** Actions this window can carry out here (others are not offered as a button). */
  readonly available: (action: CatalogAction) => boolean;
  readonly busy: boolean;
  readonly onAction: (action: CatalogAction) => void;
  /** What happened after the last button press (copied, could not open...). */
  readonly actionMessage: string | null;
}

export function VerdictBanner({ finding, health, available, busy, onAction, actionMessage }: VerdictBannerProps) {
  const words = describeLocally(finding);
  const action = isCatalogAction(words.action, CATALOG_ACTIONS) && available(words.action) ? words.action : undefined;
  return (
    <section className={`verdict verdict-${health}`} aria-labelledby="verdict-title" role="status">
      <p className="verdict-kicker">
        <span className={`status-dot status-dot-${health}`} aria-hidden="true" /> {HEALTH_LABELS[health]}
      </p>
      <h2 id="verdict-title" className="verdict-title">
        {words.title}
      </h2>
      <p className="verdict-explanation">{words.why}</p>
      <div className="verdict-next">
        <h3 className="verdict-next-heading">Next step</h3>
        <p>{words.nextStep}</p>
        <p className="verdict-owner">Who can fix this: {OWNER_LABELS[words.fixedBy]}</p>
        {words.howTo !== undefined && (
          <details className="verdict-how-to">
            <summary>Show me how</summary>
            <ol>
              {words.howTo.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ol>
          </details>
        )}
        {words.technical !== undefined && (
          <details className="verdict-technical">
            <summary>Technical details</summary>
            <ul>
              {words.technical.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </details>
        )}
      </div>
      {action !== undefined && (
        <div className="verdict-actions">
          <button type="button" className="button button-primary" disabled={busy} onClick={() => onAction(action)}>
            {ACTION_LABELS[action]}
          </button>
        </div>
      )}
      {actionMessage !== null && <p className="verdict-action-message">{actionMessage}</p>}
    </section>
  );
}
