/**
 * A small first window: app name and version, the accounts Mail Doctor found (or why it found
 * none), and "Check my mail" with the live state of the run. The full checklist UI replaces this.
 */
import { useEffect, useState } from 'react';
import type { AccountDiscovery, DiscoveryProblem } from '../shared/model/account';
import type { AppInfo, MailDoctorApi } from '../shared/ipc/contract';
import type { ProgressEvent } from '../shared/diagnosis/types';

type Loadable<T> = { readonly state: 'loading' } | { readonly state: 'ready'; readonly value: T } | { readonly state: 'failed'; readonly message: string };

type RunState =
  | { readonly state: 'idle' }
  | { readonly state: 'starting' }
  | { readonly state: 'running'; readonly runId: string; readonly probesFinished: number }
  | { readonly state: 'finished'; readonly runId: string }
  | { readonly state: 'failed'; readonly message: string };

export function App({ bridge }: { readonly bridge: MailDoctorApi }) {
  const [info, setInfo] = useState<Loadable<AppInfo>>({ state: 'loading' });
  const [discovery, setDiscovery] = useState<Loadable<AccountDiscovery>>({ state: 'loading' });
  const [run, setRun] = useState<RunState>({ state: 'idle' });

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

  useEffect(
    () =>
      bridge.onDiagnosisProgress((event) => {
        setRun((previous) => nextRunState(previous, event));
      }),
    [bridge],
  );

  const startCheck = async (): Promise<void> => {
    setRun({ state: 'starting' });
    const result = await bridge.startDiagnosis({});
    setRun((previous) => {
      if (!result.ok) return { state: 'failed', message: result.error.message };
      // A fast run may already have reported its end through the progress events.
      return previous.state === 'starting' ? { state: 'running', runId: result.value.runId, probesFinished: 0 } : previous;
    });
  };

  const busy = run.state === 'starting' || run.state === 'running';

  return (
    <main className="app">
      <header className="app-header">
        <h1>{info.state === 'ready' ? info.value.name : 'Mail Doctor'}</h1>
        {info.state === 'ready' && <p className="app-version">Version {info.value.version}</p>}
        {info.state === 'failed' && <p role="alert">{info.message}</p>}
      </header>

      <section aria-labelledby="accounts-heading">
        <h2 id="accounts-heading">Mail accounts</h2>
        {discovery.state === 'loading' && <p>Looking for Mail’s accounts…</p>}
        {discovery.state === 'failed' && <p role="alert">{discovery.message}</p>}
        {discovery.state === 'ready' && <AccountList discovery={discovery.value} />}
      </section>

      <section aria-labelledby="check-heading">
        <h2 id="check-heading">Check</h2>
        <button type="button" disabled={busy} onClick={() => void startCheck()}>
          Check my mail
        </button>
        <p role="status">{describeRun(run)}</p>
      </section>
    </main>
  );
}

function AccountList({ discovery }: { readonly discovery: AccountDiscovery }) {
  return (
    <>
      {discovery.accounts.length === 0 ? (
        <p>No Mail accounts were found.</p>
      ) : (
        <ul className="account-list">
          {discovery.accounts.map((account) => (
            <li key={account.id}>
              <span className="account-name">{account.description || account.emailAddress}</span>{' '}
              <span className="account-address">{account.emailAddress}</span>
            </li>
          ))}
        </ul>
      )}
      {discovery.problems.length > 0 && (
        <ul className="problem-list" aria-label="Problems reading Mail’s accounts">
          {discovery.problems.map((problem) => (
            <li key={problemKey(problem)}>{describeProblem(problem)}</li>
          ))}
        </ul>
      )}
    </>
  );
}

function describeProblem(problem: DiscoveryProblem): string {
  switch (problem.kind) {
    case 'full-disk-access-needed':
      return 'Mail Doctor needs Full Disk Access to read Mail’s account settings.';
    case 'no-mail-accounts-found':
      return 'Mail has no accounts set up on this Mac.';
    case 'store-unreadable':
      return `Mail’s account settings could not be read (${problem.reason}).`;
    case 'not-macos':
      return 'Mail’s accounts can only be read on a Mac.';
  }
}

function problemKey(problem: DiscoveryProblem): string {
  switch (problem.kind) {
    case 'full-disk-access-needed':
    case 'store-unreadable':
      return `${problem.kind}:${problem.path}`;
    case 'no-mail-accounts-found':
    case 'not-macos':
      return problem.kind;
  }
}

function nextRunState(previous: RunState, event: ProgressEvent): RunState {
  switch (event.type) {
    case 'run-started':
      return { state: 'running', runId: event.runId, probesFinished: 0 };
    case 'probe-finished':
      return previous.state === 'running' ? { ...previous, probesFinished: previous.probesFinished + 1 } : previous;
    case 'step-changed':
      return previous;
    case 'run-finished':
      return { state: 'finished', runId: event.runId };
    case 'run-failed':
      return { state: 'failed', message: event.error.message };
  }
}

function describeRun(run: RunState): string {
  switch (run.state) {
    case 'idle':
      return '';
    case 'starting':
      return 'Starting the check…';
    case 'running':
      return `Checking… ${String(run.probesFinished)} checks done.`;
    case 'finished':
      return 'The check is done.';
    case 'failed':
      return run.message;
  }
}
