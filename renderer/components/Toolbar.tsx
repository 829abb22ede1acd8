/**
 * The unified toolbar (it is the title bar in the app: see electron/window/createMainWindow.ts): the
 * window's title, "Check Again" (⌘R) or "Stop" while checking, a determinate progress indicator
 * ("Step 4 of 9 — Mail servers…"), and the Share Report menu.
 */
import type { RunProgress } from '../view/runProgress';
import { stepTitle } from '../words';
import type { ReportBridge } from './ShareReportMenu';
import { ShareReportMenu } from './ShareReportMenu';

export interface ToolbarProps {
  /** "⌘R" on a Mac, "Ctrl+R" elsewhere. */
  readonly shortcut: { readonly label: string; readonly aria: string };
  readonly check: { readonly label: string; readonly onPress: () => void; readonly disabled: boolean } | null;
  readonly running: { readonly progress: RunProgress | null; readonly stopping: boolean; readonly canStop: boolean; readonly onStop: () => void } | null;
  readonly report: { readonly bridge: ReportBridge; readonly runId: string | null; readonly supportConfigured: boolean; readonly identitiesMasked: boolean };
  readonly onReportMessage: (message: string | null) => void;
}

/** "Step 4 of 9 — Mail servers reachable and secure…" (a step title's trailing "(IT admin)" is left to the checklist). */
export function progressWords(progress: RunProgress | null, stopping: boolean): string {
  if (stopping) return 'Stopping…';
  if (progress === null) return 'Starting…';
  const title = stepTitle(progress.current).replace(/\s*\([^)]*\)$/, '').replace(/[?.]$/, '');
  return `Step ${String(progress.position)} of ${String(progress.total)} — ${title}…`;
}

export function Toolbar({ shortcut, check, running, report, onReportMessage }: ToolbarProps) {
  return (
    <header className="toolbar">
      <h1 className="toolbar-title">Mail Doctor</h1>
      <div className="toolbar-items">
        {running !== null && (
          <div className="toolbar-progress">
            <progress
              max={running.progress?.total ?? 1}
              value={running.progress?.done ?? 0}
              aria-label="Check progress"
              aria-valuetext={progressWords(running.progress, running.stopping)}
            />
            <span className="toolbar-progress-words" aria-live="polite">
              {progressWords(running.progress, running.stopping)}
            </span>
          </div>
        )}
        {running !== null ? (
          <button type="button" className="toolbar-button" onClick={running.onStop} disabled={running.stopping || !running.canStop}>
            <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
              <rect x="2" y="2" width="8" height="8" rx="1.5" fill="currentColor" />
            </svg>
            {running.stopping ? 'Stopping…' : 'Stop'}
          </button>
        ) : (
          check !== null && (
            <button
              type="button"
              className="toolbar-button"
              onClick={check.onPress}
              disabled={check.disabled}
              aria-keyshortcuts={shortcut.aria}
              title={`${check.label} (${shortcut.label})`}
            >
              <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
                <path d="M11.6 5.2A5 5 0 1 0 12 8.4M11.8 1.8v3.6H8.2" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" strokeLinejoin="round" />
              </svg>
              {check.label}
            </button>
          )
        )}
        <ShareReportMenu bridge={report.bridge} runId={report.runId} supportConfigured={report.supportConfigured} identitiesMasked={report.identitiesMasked} onMessage={onReportMessage} />
      </div>
    </header>
  );
}
