/**
 * The accounts Mail Doctor found, each with a status dot (and the same status in words), plus the
 * way to test an account by hand. Selecting an account shows its checklist.
 */
import type { DiscoveryProblem, MailAccount } from '../../shared/model/account';
import type { AccountHealth } from './presentation';
import { HEALTH_LABELS, describeLocally } from './presentation';

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

export function AccountSidebar(props: AccountSidebarProps) {
  return (
    <nav className="sidebar" aria-labelledby="accounts-heading">
      <h2 id="accounts-heading" className="sidebar-heading">
        Mail accounts
      </h2>
      {props.loading && <p className="sidebar-note">Looking for Mail’s accounts…</p>}
      {props.loadError !== null && (
        <p className="sidebar-note" role="alert">
          {props.loadError}
        </p>
      )}
      {/* Without Full Disk Access "none found" would be untrue: the accounts could not be looked at. */}
      {!props.loading && props.loadError === null && props.accounts.length === 0 && !props.problems.some((p) => p.kind === 'full-disk-access-needed') && (
        <p className="sidebar-note">No Mail accounts were found on this Mac.</p>
      )}
      {props.accounts.length > 0 && (
        <ul className="account-list">
          {props.accounts.map(({ account, health }) => {
            const selected = account.id === props.selectedId && !props.manualFormOpen;
            return (
              <li key={account.id}>
                <button
                  type="button"
                  className="account-button"
                  aria-current={selected ? 'true' : undefined}
                  onClick={() => props.onSelect(account.id)}
                >
                  <span className={`status-dot status-dot-${health}`} aria-hidden="true" />
                  <span className="account-text">
                    <span className="account-name">{account.description || account.emailAddress}</span>
                    <span className="account-address">{account.emailAddress}</span>
                    <span className="account-health">{HEALTH_LABELS[health]}</span>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {props.problems.length > 0 && (
        <ul className="sidebar-problems" aria-label="Problems reading Mail’s accounts">
          {[...new Set(props.problems.map(describeProblem))].map((words) => (
            <li key={words}>{words}</li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className="test-another"
        aria-expanded={props.manualFormOpen}
        aria-controls="manual-account"
        onClick={props.onTestAnother}
      >
        Test another account…
      </button>
    </nav>
  );
}

/** Discovery problems in short sidebar words; the verdict banner gives the full catalog text. */
function describeProblem(problem: DiscoveryProblem): string {
  switch (problem.kind) {
    case 'full-disk-access-needed':
      return describeLocally({ code: 'FULL_DISK_ACCESS_NEEDED', params: {} }).title;
    case 'no-mail-accounts-found':
      return 'Mail has no accounts set up on this Mac.';
    case 'store-unreadable':
      return 'Some of Mail’s account settings could not be read.';
    case 'not-macos':
      return 'Mail’s accounts can only be read on a Mac. Use “Test another account”.';
  }
}
