/**
 * The whole window: the unified toolbar, the "Accounts" source list on the left, and on the right the
 * chosen account — a start screen before its first check, the live steps while it is checked, then the
 * verdict with one next step, the Receiving | Sending card and the condensed checklist. Talks to main only
 * through the typed bridge (MailDoctorApi).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { AccountsListing, AppInfo, LinkId, MailDoctorApi } from '../../shared/ipc/contract';
import type { MailAccount } from '../../shared/model/account';
import type { AccountDiagnosis } from '../../shared/diagnosis/types';
import { useDiagnosis } from '../state/useDiagnosis';
import { isActive, isBeingChecked, stepStatusesFor } from '../state/diagnosisReducer';
import type { DiagnosisState } from '../state/diagnosisReducer';
import { resultView } from '../view/resultView';
import { runProgress } from '../view/runProgress';
import type { RunProgress } from '../view/runProgress';
import type { CatalogAction, FindingWords } from '../words';
import { findingWords } from '../words';
import { AccountSidebar } from './AccountSidebar';
import type { SidebarAccount } from './AccountSidebar';
import { AdminToolsSlot } from './AdminToolsSlot';
import { Checklist } from './Checklist';
import { ManualAccountForm } from './ManualAccountForm';
import { ProgressView } from './ProgressView';
import { ServerCard } from './ServerCard';
import { StartScreen } from './StartScreen';
import { HEALTH_SYMBOLS } from './StatusSymbol';
import { Toolbar } from './Toolbar';
import { TypedPasswordForm } from './TypedPasswordForm';
import { Verdict } from './Verdict';
import type { NextStepButton } from './Verdict';
import { ACTION_LABELS, REPORT_MENU_LABELS, accountHealth } from './presentation';

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
  // Connection Doctor lives in Mail's Window menu: the button opens Mail, the next step says where.
  'open-connection-doctor': 'mail-app',
  'grant-full-disk-access': 'full-disk-access-settings',
  'contact-support': 'support',
};

/** The window's first two questions, when they were asked before it was first drawn (main.tsx). */
export interface FirstAnswers {
  readonly info: ReturnType<MailDoctorApi['getAppInfo']>;
  readonly accounts: ReturnType<MailDoctorApi['listAccounts']>;
}

export function AppWindow({ bridge, firstAnswers }: { readonly bridge: MailDoctorApi; readonly firstAnswers?: FirstAnswers }) {
  const [info, setInfo] = useState<Loadable<AppInfo>>({ state: 'loading' });
  const [discovery, setDiscovery] = useState<Loadable<AccountsListing>>({ state: 'loading' });
  const [selection, setSelection] = useState<Selection>({ kind: 'latest-run' });
  const [manualForm, setManualForm] = useState<ManualForm>({ open: false, prefill: null, generation: 0 });
  const [actionMessage, setActionMessage] = useState<string | null>(null);
  const [reportMessage, setReportMessage] = useState<string | null>(null);
  // "Test with a password you type" for one of Mail's own accounts: the id of the account it is open for.
  const [typedPasswordFor, setTypedPasswordFor] = useState<string | null>(null);
  const { state, start, cancel } = useDiagnosis(bridge);

  useEffect(() => {
    let current = true;
    void (firstAnswers?.info ?? bridge.getAppInfo()).then((result) => {
      if (current) setInfo(result.ok ? { state: 'ready', value: result.value } : { state: 'failed', message: result.error.message });
    });
    void (firstAnswers?.accounts ?? bridge.listAccounts()).then((result) => {
      if (current) setDiscovery(result.ok ? { state: 'ready', value: result.value } : { state: 'failed', message: result.error.message });
    });
    return () => {
      current = false;
    };
  }, [bridge, firstAnswers]);

  // The app's own window on a Mac draws its toolbar under the traffic lights (hidden-inset title bar).
  const platform = info.state === 'ready' ? info.value.platform : null;
  useEffect(() => {
    const root = document.documentElement;
    root.dataset.shell = window.mailDoctor === undefined ? 'preview' : 'app';
    if (platform !== null) root.dataset.platform = platform;
  }, [platform]);

  const discovered = discovery.state === 'ready' ? discovery.value.accounts : [];
  const problems = discovery.state === 'ready' ? discovery.value.problems : [];
  const supportConfigured = discovery.state === 'ready' && discovery.value.supportConfigured;
  // "Open Webmail" opens only what IT set; without it, no next step sends the person to webmail.
  const canOpenWebmail = discovery.state === 'ready' && discovery.value.webmailConfigured;
  const identitiesMasked = discovery.state === 'ready' && discovery.value.identitiesMasked;
  const sidebarAccounts = listAccounts(discovered, state);
  const latestRunAccount = state.accountIds[0] ?? null;
  const shownId = selection.kind === 'account' ? selection.id : (latestRunAccount ?? discovered[0]?.id ?? null);
  const shown = sidebarAccounts.find((entry) => entry.account.id === shownId) ?? null;
  const busy = isActive(state);
  const shownBusy = busy && shownId !== null && isBeingChecked(state, shownId);
  const result = shownId === null || shownBusy ? undefined : state.results[shownId];
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

  const checkAccount = (account: MailAccount): void => {
    setActionMessage(null);
    setReportMessage(null);
    // A hand-typed account's password was forgotten after its check: ask for it again.
    if (account.source === 'manual') openManualForm(account);
    else start({ accountId: account.id });
  };

  const checkAgain = (): void => {
    if (shown !== null) checkAccount(shown.account);
  };

  // ⌘R (Ctrl+R off the Mac) checks the shown account again, as the toolbar button says. The listener is
  // added once and calls what the latest render would do.
  const shortcut = useRef<() => void>(() => undefined);
  useEffect(() => {
    shortcut.current = () => {
      if (!busy && !formOpen) checkAgain();
    };
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key.toLowerCase() !== 'r' || event.altKey || event.shiftKey || !(event.metaKey || event.ctrlKey)) return;
      event.preventDefault();
      shortcut.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  // The app's menu has View ▸ Check Again (⌘R; electron/appMenu.ts): the same as the button. While the page
  // has focus its keydown above takes ⌘R and the menu's accelerator does not fire as well (the page prevents it).
  useEffect(
    () =>
      bridge.onMenuCommand((command) => {
        if (command === 'check-again') shortcut.current();
      }),
    [bridge],
  );

  const doAction = (action: CatalogAction): void => {
    setActionMessage(null);
    const linkId = LINK_ACTIONS[action];
    if (linkId !== undefined) {
      void bridge.openLink({ linkId }).then((outcome) => {
        if (!outcome.ok) setActionMessage(outcome.error.message);
      });
      return;
    }
    switch (action) {
      case 'type-password':
        // Mail's own account keeps its settings and evidence; only a hand-typed one is retyped whole.
        if (shown !== null && shown.account.source !== 'manual') setTypedPasswordFor(shown.account.id);
        else openManualForm(shown?.account ?? null);
        return;
      case 'run-again':
        checkAgain();
        return;
      case 'copy-report':
        if (result === undefined) return;
        void bridge.copyReport({ runId: result.runId, maskIdentities: false }).then((outcome) => {
          setActionMessage(outcome.ok ? REPORT_MENU_LABELS.copied : outcome.error.message);
        });
        return;
      case 'open-webmail':
      case 'open-keychain-access':
      case 'open-mail-settings':
      case 'open-connection-doctor':
      case 'grant-full-disk-access':
      case 'contact-support':
        // Links, opened above.
        return;
    }
  };

  /** The one default button for a finding's next step: its own action when this window can do it. */
  const defaultButton = (words: FindingWords): NextStepButton | null => {
    const action = words.action !== undefined && available(words.action) ? words.action : fallbackAction(words);
    return action === null ? null : { label: ACTION_LABELS[action], onPress: () => doAction(action) };
  };

  const available = (action: CatalogAction): boolean => {
    switch (action) {
      case 'contact-support':
        return supportConfigured;
      case 'type-password':
        return shown !== null && shown.account.authKind === 'password' && shown.account.incoming !== null;
      case 'copy-report':
        return result !== undefined;
      case 'open-webmail':
        return canOpenWebmail;
      case 'open-keychain-access':
      case 'open-mail-settings':
      case 'open-connection-doctor':
      case 'grant-full-disk-access':
      case 'run-again':
        return true;
    }
  };

  /** Without a button of its own: the report for whoever else fixes it, else checking again once it is done. */
  const fallbackAction = (words: FindingWords): CatalogAction | null => {
    if (words.fixedBy !== 'you' && result !== undefined) return 'copy-report';
    return shown === null ? null : 'run-again';
  };

  const view = useMemo(() => (result === undefined ? null : resultView(result.diagnosis, { canOpenWebmail })), [result, canOpenWebmail]);
  const liveSteps = shownId === null ? null : stepStatusesFor(state, shownId);
  const progress: RunProgress | null =
    busy && shownId !== null && state.liveSteps[shownId] !== undefined
      ? runProgress(
          state.liveSteps[shownId],
          state.finishedProbes[shownId] ?? [],
          (['incoming', 'outgoing'] as const).filter((role) => shown?.account[role] !== null && shown?.account[role] !== undefined),
        )
      : null;
  const accountName = shown === null ? '' : shown.account.description || shown.account.emailAddress;
  const macShortcut = platform === 'darwin';

  const typedPasswordForm =
    shown !== null && typedPasswordFor === shown.account.id ? (
      <TypedPasswordForm
        account={shown.account}
        disabled={busy}
        onClose={() => setTypedPasswordFor(null)}
        onStart={(password) => {
          setTypedPasswordFor(null);
          start({ accountId: shown.account.id, password });
        }}
      />
    ) : null;

  const detail = () => {
    if (formOpen) {
      return (
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
      );
    }
    if (shown === null) {
      const words = fullDiskAccess === undefined || busy ? null : findingWords({ code: 'FULL_DISK_ACCESS_NEEDED', params: { path: fullDiskAccess.path } });
      return (
        <>
          <h2 id="content-heading" className="visually-hidden">
            {discovery.state === 'loading' ? 'Looking for accounts' : 'No account to check'}
          </h2>
          {words !== null && <Verdict symbol="problem" words={words} button={defaultButton(words)} busy={busy} message={actionMessage} />}
        </>
      );
    }
    return (
      <>
        <div className="account-line">
          <h2 id="content-heading" className="account-name">
            {accountName}
          </h2>
          {accountName !== shown.account.emailAddress && <span className="account-address">{shown.account.emailAddress}</span>}
        </div>
        {state.phase === 'failed' && state.error !== null && shownId === latestRunAccount && (
          <p className="run-error" role="alert">
            {state.error.message}
          </p>
        )}
        {shownBusy ? (
          <ProgressView accountName={accountName} account={shown.account} statuses={liveSteps} logins={state.liveLogins[shown.account.id] ?? {}} />
        ) : view === null || result === undefined ? (
          <StartScreen accountName={accountName} disabled={busy} onStart={checkAgain} />
        ) : (
          <ResultPane
            bridge={bridge}
            onCheckAgain={checkAgain}
            diagnosis={result.diagnosis}
            view={view}
            cancelled={result.cancelled}
            busy={busy}
            button={defaultButton(view.verdict.words)}
            actionMessage={actionMessage}
            typedPasswordForm={typedPasswordForm}
            typePassword={
              shown.account.source !== 'manual' && view.verdict.words.action !== 'type-password' && available('type-password')
                ? { label: ACTION_LABELS['type-password'], onPress: () => setTypedPasswordFor(shown.account.id), disabled: busy }
                : null
            }
          />
        )}
      </>
    );
  };

  return (
    <div className="window">
      <Toolbar
        shortcut={macShortcut ? { label: '⌘R', aria: 'Meta+R' } : { label: 'Ctrl+R', aria: 'Control+R' }}
        check={shown === null || formOpen ? null : { label: state.results[shown.account.id] === undefined ? 'Check Mail' : 'Check Again', onPress: checkAgain, disabled: busy }}
        running={
          busy
            ? { progress, stopping: state.cancelRequested, canStop: state.runId !== null, onStop: cancel }
            : null
        }
        report={{ bridge, runId: result?.runId ?? null, supportConfigured, identitiesMasked }}
        onReportMessage={setReportMessage}
      />
      {info.state === 'failed' && (
        <p className="run-error" role="alert">
          {info.message}
        </p>
      )}
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
            setReportMessage(null);
            setSelection({ kind: 'account', id });
            closeManualForm();
          }}
          onTestAnother={() => (formOpen ? closeManualForm() : openManualForm(null))}
        />
        <main className="detail" aria-labelledby="content-heading">
          {detail()}
        </main>
      </div>
      <p className="toast" role="status">
        {reportMessage}
      </p>
    </div>
  );
}

interface ResultPaneProps {
  readonly bridge: MailDoctorApi;
  readonly onCheckAgain: () => void;
  readonly diagnosis: AccountDiagnosis;
  readonly view: NonNullable<ReturnType<typeof resultView>>;
  readonly cancelled: boolean;
  readonly busy: boolean;
  readonly button: NextStepButton | null;
  readonly actionMessage: string | null;
  readonly typedPasswordForm: ReactNode;
  readonly typePassword: { readonly label: string; readonly onPress: () => void; readonly disabled: boolean } | null;
}

function ResultPane({ bridge, onCheckAgain, diagnosis, view, cancelled, busy, button, actionMessage, typedPasswordForm, typePassword }: ResultPaneProps) {
  return (
    <>
      {cancelled && <p className="run-note">You stopped this check. The steps it did not reach say so.</p>}
      <Verdict symbol={HEALTH_SYMBOLS[view.verdict.health]} words={view.verdict.words} button={button} busy={busy} message={actionMessage}>
        {typedPasswordForm}
      </Verdict>
      {view.card !== null && <ServerCard card={view.card} typePassword={typePassword} />}
      <Checklist view={view.checklist} />
      {/* Steps 7 and 8 are the IT admin's: the "I manage this hosting account" tools go here. */}
      <AdminToolsSlot bridge={bridge} diagnosis={diagnosis} onCheckAgain={onCheckAgain} />
    </>
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
