/**
 * The top of the detail pane: the verdict (filled status symbol, short title, one "why" sentence) and
 * exactly one next step (one sentence, one default button that does it, who can do it, "Show me how").
 * It is a status region, so VoiceOver reads the new verdict when a check ends.
 */
import type { ReactNode } from 'react';
import type { FindingWords } from '../words';
import { ownerLabel } from '../words';
import { StatusSymbol } from './StatusSymbol';
import type { SymbolKind } from './StatusSymbol';

export interface NextStepButton {
  readonly label: string;
  readonly onPress: () => void;
}

export interface VerdictProps {
  readonly symbol: SymbolKind;
  readonly words: FindingWords;
  /** The one default button; null only when nothing in this window can do the step. */
  readonly button: NextStepButton | null;
  readonly busy: boolean;
  /** What happened after the button was pressed (could not open...), said under it. */
  readonly message: string | null;
  /** Something the next step opened in place (the typed-password form). */
  readonly children?: ReactNode;
}

export function Verdict({ symbol, words, button, busy, message, children }: VerdictProps) {
  return (
    <section className={`verdict verdict-${symbol}`} role="status" aria-labelledby="verdict-title">
      <div className="verdict-head">
        <StatusSymbol kind={symbol} size={28} />
        <div className="verdict-words">
          <h3 id="verdict-title" className="verdict-title" data-finding-title={words.title}>
            {words.title}
          </h3>
          <p className="verdict-why">{words.why}</p>
        </div>
      </div>
      <section className="next-step" aria-labelledby="next-step-heading">
        <h4 id="next-step-heading" className="next-step-heading">
          Next step
        </h4>
        <p className="next-step-sentence">{words.nextStep}</p>
        <div className="next-step-row">
          {button !== null && (
            <button type="button" className="button button-default" data-default-button="" disabled={busy} onClick={button.onPress}>
              {button.label}
            </button>
          )}
          <span className="next-step-owner">Who can do this: {ownerLabel(words.fixedBy)}</span>
        </div>
        {message !== null && <p className="next-step-message">{message}</p>}
        {words.howTo.length > 0 && (
          <details className="disclosure">
            <summary>Show me how</summary>
            <ol className="how-to">
              {words.howTo.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ol>
          </details>
        )}
        {children}
      </section>
      {words.technical.length > 0 && (
        <details className="disclosure technical">
          <summary>Technical details</summary>
          {words.technical.map((line) => (
            <p key={line}>{line}</p>
          ))}
        </details>
      )}
    </section>
  );
}
