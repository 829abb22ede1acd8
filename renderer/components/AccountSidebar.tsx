/**
 * The source list: "Accounts", one row per account Mail Doctor found or was asked to test (status symbol,
 * name, one-line status), and "+" at the bottom to test another account typed by hand. Selecting a row
 * shows that account on the right.
 */
import type { DiscoveryProblem, MailAccount } from '../../shared/model/account';
import type { AccountHealth } from './presentation';
import { HEALTH_LABELS } from './presentation';
import { HEALTH_SYMBOLS, StatusSymbol } from './StatusSymbol';

export interface SidebarAccount {
  readonly account: MailAccount;
  readonly health: AccountHealth;
}

export interface AccountSidebarProps {
  readonly accounts: readonly SidebarAccount[];
  readonly loading: boolean;
  readonly loadError: string | null;
  readonly problems: readonly DiscoveryProblem[];
  readonly selectedId: string | null;
  readonly manualFormOpen: boolean;
  readonly onSelect: (accountId: string) => void;
  readonly onTestAnother: () => void;
}

export const TEST_ANOTHER_LABEL = 'Test Another Account…';

export function AccountSidebar(props: AccountSidebarProps) {
  const notes = [...new Set(props.problems.map(describeProblem))];
  return (
    <nav className="sidebar" aria-labelledby="accounts-heading">
      <h2 id="accounts-heading" className="sidebar-heading">
        Accounts
      </h2>
      {props.loading && <p className="sidebar-note">Looking for Mail’s accounts…</p>}
      {props.loadError !== null && (
        <p className="sidebar-note" role="alert">
          {props.loadError}
        </p>
      )}
      {/* Without Full Disk Access "none found" would be untrue: the accounts could not be looked at. */}
      {!props.loading && props.loadError === null && props.accounts.length === 0 && notes.length === 0 && (
        <p className="sidebar-note">No Mail accounts on this Mac.</p>
      )}
      {props.accounts.length > 0 && (
        <ul className="source-list">
          {props.accounts.map(({ account, health }) => {
            const selected = account.id === props.selectedId && !props.manualFormOpen;
            const name = account.description || account.emailAddress;
            return (
              <li key={account.id}>
                <button
                  type="button"
                  className="source-row"
                  aria-current={selected ? 'true' : undefined}
                  title={account.emailAddress}
                  onClick={() => props.onSelect(account.id)}
                >
                  <StatusSymbol kind={HEALTH_SYMBOLS[health]} />
                  <span className="source-row-text">
                    <span className="source-row-name">{name}</span>
                    <span className="source-row-status">{HEALTH_LABELS[health]}</span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {notes.map((words) => (
        <p key={words} className="sidebar-note">
          {words}
        </p>
      ))}
      <div className="sidebar-footer">
        <button
          type="button"
          className="add-button"
          aria-label={TEST_ANOTHER_LABEL}
          title={TEST_ANOTHER_LABEL}
          aria-expanded={props.manualFormOpen}
          aria-controls="manual-account"
          onClick={props.onTestAnother}
        >
          <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
            <path d="M6 1.5v9M1.5 6h9" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
          </svg>
        </button>
      </div>
    </nav>
  );
}

/** Discovery problems in a few words; the detail pane says the rest (never the same sentence twice). */
function describeProblem(problem: DiscoveryProblem): string {
  switch (problem.kind) {
    case 'full-disk-access-needed':
      return 'Mail’s accounts are out of reach for now.';
    case 'no-mail-accounts-found':
      return 'Mail has no accounts set up on this Mac.';
    case 'store-unreadable':
      return 'Some account settings could not be read.';
    case 'not-macos':
      return 'Mail’s accounts exist only on a Mac. Use + to test one.';
  }
}
