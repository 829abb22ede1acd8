/**
 * The whole window: accounts on the left, the chosen account's verdict, checklist and settings on the
 * right. Talks to main only through the typed bridge (MailDoctorApi).
 */
import { useEffect, useState } from 'react';
import type { AccountsListing, AppInfo, LinkId, MailDoctorApi } from '../../shared/ipc/contract';
import type { MailAccount } from '../../shared/model/account';
import type { AccountDiagnosis, FindingKey } from '../../shared/diagnosis/types';
import type { CatalogAction } from '../../shared/verdict/catalog';
import { CHECKLIST_STEP_IDS } from '../../shared/checklist/steps';
import { useDiagnosis } from '../state/useDiagnosis';
import { isActive, isBeingChecked, stepStatusesFor } from '../state/diagnosisReducer';
import type { DiagnosisState } from '../state/diagnosisReducer';
import { AccountSidebar } from './AccountSidebar';
import type { SidebarAccount } from './AccountSidebar';
import { AdminToolsSlot } from './AdminToolsSlot';
import { Checklist } from './Checklist';
import { LoginBudgetNotice, loginBudgetFindings } from './LoginBudgetNotice';
import { MailSawPanel } from './MailSawPanel';
import { ManualAccountForm } from './ManualAccountForm';
import { MismatchPanel } from './MismatchPanel';
import { ReportActions } from './ReportActions';
import { TypedPasswordForm } from './TypedPasswordForm';
import { VerdictBanner } from './VerdictBanner';
import { ACTION_LABELS, accountHealth } from './presentation';

type Loadable<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'ready'; readonly value: T }
  | { readonly state: 'failed'; readonly message: string };

/** Which account the right side shows: one the person picked, or whatever the latest run checked. */
type Selection = { readonly kind: 'account'; readonly id: string } | { readonly kind: 'latest-run' };

interface ManualForm {
  readonly open: boolean;
  readonly prefill: MailAccount | null;
  /** Re-mounts the form (fresh fields) each time it is opened. */
  readonly generation: number;
}

/** Catalog actions that are a link main opens (main maps the id to the target; the page never names a URL). */
const LINK_ACTIONS: Partial<Record<CatalogAction, LinkId>> = {
  'open-webmail': 'webmail',
  'open-keychain-access': 'keychain-access',
  'open-mail-settings': 'mail-app',
  'grant-full-disk-access': 'full-disk-access-settings',
  'contact-support': 'support',
};

export function AppWindow({ bridge }: { readonly bridge: MailDoctorApi }) {
  const [info, setInfo] = useState<Loadable<AppInfo>>({ state: 'loading' });
  const [discovery, setDiscovery] = useState<Loadable<AccountsListing>>({ state: 'loading' });
  const [selection, setSelection] = useState<Selection>({ kind: 'latest-run' });
  const [manualForm, setManualForm] = useState<ManualForm>({ open: false, prefill: null, generation: 0 });
  const [actionMessage, setActionMessage] = useState<string | null>(null);
  const { state, start, cancel } = useDiagnosis(bridge);

  useEffect(() => {
    let current = true;
    void bridge.getAppInfo().then((result) => {
      if (current) setInfo(result.ok ? { state: 'ready', value: result.value } : { state: 'failed', message: result.error.message });
    });
    void bridge.listAccounts().then((result) => {
      if (current) setDiscovery(result.ok ? { state: 'ready', value: result.value } : { state: 'failed', message: result.error.message });
    });
    return () => {
      current = false;
    };
  }, [bridge]);

  const discovered = discovery.state === 'ready' ? discovery.value.accounts : [];
  const problems = discovery.state === 'ready' ? discovery.value.problems : [];
  const supportConfigured = discovery.state === 'ready' && discovery.value.supportConfigured;
  const sidebarAccounts = listAccounts(discovered, state);
  const latestRunAccount = state.accountIds[0] ?? null;
  const shownId = selection.kind === 'account' ? selection.id : (latestRunAccount ?? discovered[0]?.id ?? null);
  const shown = sidebarAccounts.find((entry) => entry.account.id === shownId) ?? null;
  const result = shownId === null ? undefined : state.results[shownId];
  const busy = isActive(state);
  // The report panel carries copy / save / contact support for a finished run of the shown account.
  const reportShown = result !== undefined && !(busy && isBeingChecked(state, shownId ?? ''));
  const noAccounts = discovery.state === 'ready' && sidebarAccounts.length === 0;
  // Without Full Disk Access nothing of Mail's can be read: say so in the catalog's words until a run says more.
  const fullDiskAccess = problems.find((problem) => problem.kind === 'full-disk-access-needed');
  // With nothing to check, typing the settings is the one thing left (unless a permission would fix that).
  const formOpen = manualForm.open || (noAccounts && fullDiskAccess === undefined && !busy && state.phase !== 'failed');

  const openManualForm = (prefill: MailAccount | null): void => {
    setActionMessage(null);
    setManualForm((previous) => ({ open: true, prefill, generation: previous.generation + 1 }));
  };
  const closeManualForm = (): void => setManualForm((previous) => ({ ...previous, open: false }));
  // "Test with a password I type" for one of Mail's own accounts: the id of the account it is open for.
  const [typedPasswordFor, setTypedPasswordFor] = useState<string | null>(null);

  const checkAccount = (account: MailAccount): void => {
    setActionMessage(null);
    // A hand-typed account's password was forgotten after its check: ask for it again.
    if (account.source === 'manual') openManualForm(account);
    else start({ accountId: account.id });
  };

  const doAction = (action: CatalogAction): void => {
    setActionMessage(null);
    const linkId = LINK_ACTIONS[action];
    if (linkId !== undefined) {
      void bridge.openLink({ linkId }).then((outcome) => {
        if (!outcome.ok) setActionMessage(outcome.error.message);
      });
      return;
    }
    if (action === 'type-password') {
      // Mail's own account keeps its settings and evidence; only a hand-typed one is retyped whole.
      if (shown !== null && shown.account.source !== 'manual') setTypedPasswordFor(shown.account.id);
      else openManualForm(shown?.account ?? null);
    } else if (action === 'run-again') {
      if (shown !== null) checkAccount(shown.account);
      else start({});
    }
  };

  const available = (action: CatalogAction): boolean => {
    switch (action) {
      case 'open-webmail':
      case 'open-keychain-access':
      case 'open-mail-settings':
      case 'grant-full-disk-access':
        // Main knows whether a target exists (webmail comes from managed preferences) and says so.
        return true;
      case 'contact-support':
        // With a report to send, the report panel offers it (with the report on the clipboard).
        return supportConfigured && !reportShown;
      case 'type-password':
        return shown !== null && shown.account.authKind === 'password' && shown.account.incoming !== null;
      case 'run-again':
        return true;
      case 'copy-report':
        // Offered by the report panel right below the verdict, never twice.
        return false;
      case 'open-connection-doctor':
        // No bridge verb opens Mail's Connection Doctor: the next step's words say where it is.
        return false;
    }
  };

  const banner: { finding: FindingKey; fromRun: boolean } | null =
    result !== undefined
      ? { finding: result.diagnosis.verdict, fromRun: true }
      : fullDiskAccess !== undefined && !busy
        ? { finding: { code: 'FULL_DISK_ACCESS_NEEDED', params: { path: fullDiskAccess.path } }, fromRun: false }
        : null;

  return (
    <div className="window">
      <header className="titlebar">
        <h1 className="app-title">{info.state === 'ready' ? info.value.name : 'Mail Doctor'}</h1>
        {info.state === 'ready' && <p className="app-version">Version {info.value.version}</p>}
        {info.state === 'failed' && <p role="alert">{info.message}</p>}
      </header>
      <div className="window-body">
        <AccountSidebar
          accounts={sidebarAccounts}
          loading={discovery.state === 'loading'}
          loadError={discovery.state === 'failed' ? discovery.message : null}
          problems={problems}
          selectedId={shownId}
          manualFormOpen={formOpen}
          onSelect={(id) => {
            setActionMessage(null);
            setSelection({ kind: 'account', id });
            closeManualForm();
          }}
          onTestAnother={() => (formOpen ? closeManualForm() : openManualForm(null))}
        />
        <main className="content" aria-labelledby="content-heading">
          {formOpen ? (
            <>
              <ManualAccountForm
                key={manualForm.generation}
                headingId="content-heading"
                prefill={manualForm.prefill}
                disabled={busy}
                onClose={closeManualForm}
                onStart={(request) => {
                  setSelection({ kind: 'latest-run' });
                  closeManualForm();
                  start(request);
                }}
              />
            </>
          ) : (
            <>
              <div className="account-header">
                <div>
                  <h2 id="content-heading" className="account-title">
                    {shown === null ? 'No account to check' : shown.account.description || shown.account.emailAddress}
                  </h2>
                  {shown !== null && <p className="account-subtitle">{shown.account.emailAddress}</p>}
                </div>
                <div className="account-controls">
                  {busy ? (
                    <button type="button" className="button" onClick={cancel} disabled={state.cancelRequested || state.runId === null}>
                      {state.cancelRequested ? 'Stopping…' : 'Stop the check'}
                    </button>
                  ) : (
                    shown !== null && (
                      <>
                        {shown.account.source !== 'manual' && result !== undefined && loginLackedPassword(result.diagnosis) && (
                          <button type="button" className="button" onClick={() => setTypedPasswordFor(shown.account.id)}>
                            {ACTION_LABELS['type-password']}
                          </button>
                        )}
                        <button type="button" className="button button-primary" onClick={() => checkAccount(shown.account)}>
                          {result === undefined ? 'Check my mail' : 'Check again'}
                        </button>
                      </>
                    )
                  )}
                </div>
              </div>
              <p className="progress" aria-live="polite">
                {describeProgress(state, shownId)}
              </p>
              {state.phase === 'failed' && state.error !== null && (
                <p className="run-error" role="alert">
                  {state.error.message}
                </p>
              )}
              {banner !== null && (
                <VerdictBanner
                  finding={banner.finding}
                  health={banner.fromRun ? accountHealth(result?.diagnosis, false) : 'problem'}
                  available={available}
                  busy={busy}
                  onAction={doAction}
                  actionMessage={actionMessage}
                />
              )}
              {shown !== null && typedPasswordFor === shown.account.id && (
                <TypedPasswordForm
                  account={shown.account}
                  disabled={busy}
                  onClose={() => setTypedPasswordFor(null)}
                  onStart={(password) => {
                    setTypedPasswordFor(null);
                    start({ accountId: shown.account.id, password });
                  }}
                />
              )}
              {reportShown && (
                <ReportActions key={result.runId} bridge={bridge} runId={result.runId} supportConfigured={supportConfigured} />
              )}
              {result !== undefined && <LoginBudgetNotice findings={loginBudgetFindings(result.diagnosis)} />}
              {shownId !== null && (
                <Checklist
                  statuses={stepStatusesFor(state, shownId)}
                  steps={busy && isBeingChecked(state, shownId) ? null : (result?.diagnosis.steps ?? null)}
                  findings={result?.diagnosis.findings ?? []}
                  verdict={result?.diagnosis.verdict ?? null}
                />
              )}
              {result !== undefined && !(busy && isBeingChecked(state, shownId ?? '')) && (
                <>
                  <MismatchPanel diagnosis={result.diagnosis} />
                  <MailSawPanel diagnosis={result.diagnosis} />
                </>
              )}
              <AdminToolsSlot enabled={false} />
            </>
          )}
        </main>
      </div>
    </div>
  );
}

/** Discovered accounts, then accounts tested by hand (they exist only in the results). */
function listAccounts(discovered: readonly MailAccount[], state: DiagnosisState): SidebarAccount[] {
  const known = new Set(discovered.map((account) => account.id));
  const typed = Object.values(state.results)
    .map((result) => result.diagnosis.account)
    .filter((account) => !known.has(account.id));
  return [...discovered, ...typed].map((account) => ({
    account,
    health: accountHealth(state.results[account.id]?.diagnosis, isBeingChecked(state, account.id)),
  }));
}

function describeProgress(state: DiagnosisState, accountId: string | null): string {
  switch (state.phase) {
    case 'idle':
      return '';
    case 'starting':
      return 'Starting the check…';
    case 'running': {
      if (state.cancelRequested) return 'Stopping the check…';
      const steps = accountId === null ? undefined : state.liveSteps[accountId];
      if (steps === undefined) return 'Checking…';
      const done = CHECKLIST_STEP_IDS.filter((id) => steps[id] !== 'pending' && steps[id] !== 'running').length;
      return `Checking… ${String(done)} of ${String(CHECKLIST_STEP_IDS.length)} steps done.`;
    }
    case 'finished':
      return 'The check is done.';
    case 'cancelled':
      return 'The check was stopped. The steps it did not reach say so.';
    case 'failed':
      return 'The check could not finish.';
  }
}

/** A login of this run was skipped because no saved password could be read (then typing one helps). */
function loginLackedPassword(diagnosis: AccountDiagnosis): boolean {
  return [diagnosis.probes.incoming, diagnosis.probes.outgoing].some(
    (probe) => probe?.login.kind === 'skipped' && probe.login.reason === 'no-password',
  );
}
