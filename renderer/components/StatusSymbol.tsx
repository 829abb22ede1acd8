/**
 * SF Symbols–style filled status symbols: a filled shape with a glyph cut out of it, so the state reads by
 * shape as well as by colour (check, cross, exclamation triangle, skip arrows, minus, empty ring, spinner).
 * Always decoration beside words that say the same; the colours keep at least 3:1 against every background
 * they sit on, in both appearances (tests/e2e/window.spec.ts measures it).
 */
import type { StepStatus } from '../../shared/checklist/steps';
import type { AccountHealth } from './presentation';

export type SymbolKind = 'ok' | 'problem' | 'warning' | 'skipped' | 'not-applicable' | 'pending' | 'running' | 'unknown';

export const STEP_SYMBOLS: Readonly<Record<StepStatus, SymbolKind>> = {
  pending: 'pending',
  running: 'running',
  passed: 'ok',
  failed: 'problem',
  warning: 'warning',
  skipped: 'skipped',
  'not-applicable': 'not-applicable',
};

export const HEALTH_SYMBOLS: Readonly<Record<AccountHealth, SymbolKind>> = {
  unchecked: 'pending',
  checking: 'running',
  ok: 'ok',
  warning: 'warning',
  problem: 'problem',
};

const GLYPHS: Readonly<Record<Exclude<SymbolKind, 'pending' | 'running' | 'warning'>, string>> = {
  ok: 'M4.6 8.3l2.2 2.2 4.6-4.9',
  problem: 'M5.5 5.5l5 5M10.5 5.5l-5 5',
  skipped: 'M4.8 5.2l2.8 2.8-2.8 2.8M8.4 5.2l2.8 2.8-2.8 2.8',
  'not-applicable': 'M4.8 8h6.4',
  unknown: 'M6.2 6.3a1.9 1.9 0 1 1 2.6 1.8c-.5.2-.8.6-.8 1.1v.4M8 11.4v.1',
};

export function StatusSymbol({ kind, size = 16 }: { readonly kind: SymbolKind; readonly size?: number }) {
  return (
    <svg className={`symbol symbol-${kind}`} data-status-symbol={kind} width={size} height={size} viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      {kind === 'pending' ? (
        <circle className="symbol-ring" cx="8" cy="8" r="6.4" fill="none" strokeWidth="1.6" />
      ) : kind === 'running' ? (
        <>
          <circle className="symbol-track" cx="8" cy="8" r="6.2" fill="none" strokeWidth="1.6" />
          <path className="symbol-arc" d="M8 1.8a6.2 6.2 0 0 1 6.2 6.2" fill="none" strokeWidth="1.8" strokeLinecap="round" />
        </>
      ) : kind === 'warning' ? (
        <>
          <path className="symbol-shape" d="M8 1.2c.5 0 .9.3 1.2.7l5.9 10.6c.5.9-.1 2-1.2 2H2.1c-1.1 0-1.7-1.1-1.2-2L6.8 1.9c.3-.4.7-.7 1.2-.7z" />
          <path className="symbol-glyph" d="M8 5.2v4.1M8 11.6v.1" fill="none" strokeWidth="1.7" strokeLinecap="round" />
        </>
      ) : (
        <>
          <circle className="symbol-shape" cx="8" cy="8" r="7.2" />
          <path className="symbol-glyph" d={GLYPHS[kind]} fill="none" strokeWidth="1.7" strokeLinecap="round" strokeLinejoin="round" />
        </>
      )}
    </svg>
  );
}
