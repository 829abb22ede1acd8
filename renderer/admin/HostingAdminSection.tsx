/**
 * "I manage this hosting account": checklist steps 7 and 8 for the person who runs the cPanel or WHM
 * account. Connect (server, user, API token: the token goes to main's keychain and never comes back), then
 * four actions — is this address blocked (WHM), reset the password, test with a temporary mailbox, what
 * the host publishes (cPanel) — each changing one behind a confirmation dialog, with progress while it runs
 * and its result here; "Check again" puts the results into the checklist and the Receiving | Sending card.
 *
 * Shown when IT set AdminToolsEnabled or an account is connected; offered behind a closed disclosure
 * otherwise; never when IT turned it off (main refuses the actions then too). Every word comes from the
 * admin catalog through renderer/admin/adminView.ts.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import type { MailDoctorApi } from '../../shared/ipc/contract';
import type { AccountDiagnosis } from '../../shared/diagnosis/types';
import type { AdminActionResult, AdminProgressEvent, AdminStatus, HostingApi, HostingConnection, TestMailboxStep } from '../../shared/model/hosting';
import type { Result } from '../../shared/result';
import type { ResultView, StepRow, TimeFormat } from './adminView';
import { blockCheckView, clientSettingsView, passwordFormState, problemView, resetView, sectionMode, testMailboxView, unblockView } from './adminView';
import { suggestPassword } from './generatePassword';
import './admin.css';

export type AdminBridge = Pick<
  MailDoctorApi,
  | 'getAdminStatus'
  | 'connectHosting'
  | 'disconnectHosting'
  | 'checkIpBlocked'
  | 'unblockIp'
  | 'resetMailboxPassword'
  | 'runTestMailbox'
  | 'getHostClientSettings'
  | 'onAdminProgress'
>;

export interface HostingAdminSectionProps {
  readonly bridge: AdminBridge;
  /** The finished check of the account the tools act on. */
  readonly diagnosis: AccountDiagnosis;
  /** Runs the check again, so the results reach the checklist and the card. */
  readonly onCheckAgain: () => void;
}

type Confirm = { readonly kind: 'unblock'; readonly ip: string } | { readonly kind: 'reset' } | { readonly kind: 'test-mailbox' };

type Shown =
  | { readonly kind: 'none' }
  | { readonly kind: 'running'; readonly label: string; readonly calls: number; readonly steps: readonly TestMailboxStep[] }
  | { readonly kind: 'result'; readonly view: ResultView; readonly stepRows?: readonly StepRow[]; readonly feedsCheck: boolean };

const API_NAMES: Readonly<Record<HostingApi, string>> = { cpanel: 'cPanel', whm: 'WHM' };

const localTime: TimeFormat = (iso) =>
  new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

export function HostingAdminSection({ bridge, diagnosis, onCheckAgain }: HostingAdminSectionProps) {
  const headingId = useId();
  const [status, setStatus] = useState<AdminStatus | null>(null);
  const [shown, setShown] = useState<Shown>({ kind: 'none' });
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const account = diagnosis.account;
  const email = account.emailAddress;
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  const mailHost = diagnosis.probes.incoming?.host ?? account.incoming?.host;
  const echoIp = diagnosis.probes.outgoing?.ehloEchoIp;

  const refresh = useCallback(async (): Promise<void> => {
    const answer = await bridge.getAdminStatus();
    setStatus(answer.ok ? answer.value : null);
  }, [bridge]);

  useEffect(() => {
    let current = true;
    void bridge.getAdminStatus().then((answer) => {
      if (current) setStatus(answer.ok ? answer.value : null);
    });
    return () => {
      current = false;
    };
  }, [bridge]);

  // Progress of the running action: each API call and each test-mailbox step.
  useEffect(
    () =>
      bridge.onAdminProgress((event: AdminProgressEvent) => {
        setShown((current) => {
          if (current.kind !== 'running') return current;
          return event.type === 'call' ? { ...current, calls: current.calls + 1 } : { ...current, steps: [...current.steps, event.step] };
        });
      }),
    [bridge],
  );

  const mode = sectionMode(status);
  if (mode === 'hidden' || status === null) return null;

  const connected = status.connections;
  const busy = shown.kind === 'running';

  /** Runs one action and shows its answer. `feedsCheck`: its result changes the next check (Check again). */
  async function run<T>(label: string, action: () => Promise<Result<AdminActionResult<T>>>, show: (value: T) => ResultView, feedsCheck: boolean, ip?: string): Promise<void> {
    setMessage(null);
    setShown({ kind: 'running', label, calls: 0, steps: [] });
    const answer = await action();
    if (!answer.ok) {
      setShown({ kind: 'result', view: { tone: 'problem', title: 'That did not work', why: answer.error.message, nextStep: 'Try again.', details: [] }, feedsCheck: false });
      return;
    }
    const { outcome } = answer.value;
    setShown(outcome.ok ? { kind: 'result', view: show(outcome.value), feedsCheck } : { kind: 'result', view: problemView(outcome.problem, ip ?? echoIp, mailHost), feedsCheck: false });
    void refresh();
  }

  const checkIp = async (): Promise<void> => {
    // Only a cPanel account: cPHulk and CSF are out of its reach; say what to ask the host.
    if (connected.whm === undefined) {
      setShown({ kind: 'result', view: blockCheckView({ kind: 'needs-host', ...(echoIp === undefined ? {} : { ip: echoIp }) }, localTime, mailHost), feedsCheck: false });
      return;
    }
    await run('Checking cPHulk’s records…', () => bridge.checkIpBlocked({ email }), (value) => blockCheckView(value, localTime, mailHost), true);
  };

  const testMailbox = async (): Promise<void> => {
    setConfirm(null);
    setMessage(null);
    setShown({ kind: 'running', label: 'Testing with a temporary mailbox…', calls: 0, steps: [] });
    const answer = await bridge.runTestMailbox({ domain, confirmed: true });
    if (!answer.ok) {
      setShown({ kind: 'result', view: { tone: 'problem', title: 'That did not work', why: answer.error.message, nextStep: 'Try again.', details: [] }, feedsCheck: false });
      return;
    }
    const { outcome } = answer.value;
    if (outcome.ok) {
      const view = testMailboxView(outcome.value.steps, outcome.value);
      setShown({ kind: 'result', view, stepRows: view.stepRows, feedsCheck: false });
    } else {
      setShown({ kind: 'result', view: problemView(outcome.problem), feedsCheck: false });
    }
    void refresh();
  };

  const body = (
    <>
      <p className="admin-intro">
        With your cPanel or WHM API token, Mail Doctor can check whether this Mac’s address is blocked and unblock it (step 7), reset the password and test
        with a temporary mailbox (step 8). The token stays in this Mac’s keychain.
      </p>
      <Connections connections={connected} disabled={busy} onDisconnect={async (api) => {
        await bridge.disconnectHosting({ api });
        setShown({ kind: 'none' });
        await refresh();
      }} />
      {(connected.cpanel === undefined || connected.whm === undefined) && (
        <OptionalConnect
          // Connected to one: connecting the other is offered closed, under the actions it would unlock.
          collapsed={connected.cpanel !== undefined || connected.whm !== undefined}
          missing={connected.cpanel === undefined ? (connected.whm === undefined ? 'both' : 'cpanel') : 'whm'}
        >
          <ConnectForm
            key={connected.cpanel === undefined ? (connected.whm === undefined ? 'both' : 'cpanel') : 'whm'}
            bridge={bridge}
            disabled={busy}
            missing={connected.cpanel === undefined ? (connected.whm === undefined ? 'both' : 'cpanel') : 'whm'}
            onConnected={async (connection) => {
              setMessage(`Connected to ${API_NAMES[connection.api]} at ${connection.url} as ${connection.user}.`);
              await refresh();
            }}
            onProblem={(view) => setShown({ kind: 'result', view, feedsCheck: false })}
          />
        </OptionalConnect>
      )}
      {(connected.cpanel !== undefined || connected.whm !== undefined) && (
        <div className="admin-actions" role="group" aria-label="Hosting account actions">
          <button type="button" className="button" disabled={busy} onClick={() => void checkIp()}>
            Is this address blocked?
          </button>
          <button type="button" className="button" disabled={busy || connected.cpanel === undefined} onClick={() => setConfirm({ kind: 'reset' })}>
            Reset the password…
          </button>
          <button type="button" className="button" disabled={busy || connected.cpanel === undefined} onClick={() => setConfirm({ kind: 'test-mailbox' })}>
            Test with a temporary mailbox…
          </button>
          <button
            type="button"
            className="button"
            disabled={busy || connected.cpanel === undefined}
            onClick={() => void run('Asking the host for its settings…', () => bridge.getHostClientSettings({ email }), clientSettingsView, true)}
          >
            What the host publishes
          </button>
        </div>
      )}
      {status.pendingDeletions.length > 0 && (
        <p className="admin-note">
          A test mailbox from an interrupted run ({status.pendingDeletions.map((entry) => entry.mailbox).join(', ')}) is still waiting to be deleted; Mail
          Doctor deletes it at the next start with that cPanel account connected.
        </p>
      )}
      <div className="admin-output" aria-live="polite">
        {message !== null && <p className="admin-message">{message}</p>}
        {shown.kind === 'running' && <Running label={shown.label} calls={shown.calls} steps={shown.steps} />}
        {shown.kind === 'result' && (
          <ResultPanel
            view={shown.view}
            {...(shown.stepRows === undefined ? {} : { stepRows: shown.stepRows })}
            onUnblock={(ip) => setConfirm({ kind: 'unblock', ip })}
            onCheckAgain={shown.feedsCheck || shown.view.steps !== undefined ? onCheckAgain : undefined}
          />
        )}
      </div>
      {confirm?.kind === 'unblock' && (
        <ConfirmDialog
          title={`Unblock ${confirm.ip}?`}
          confirmLabel="Unblock"
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            const ip = confirm.ip;
            setConfirm(null);
            void run('Unblocking…', () => bridge.unblockIp({ ip, email, confirmed: true }), (value) => unblockView(value, localTime), true, ip);
          }}
        >
          <p>cPHulk forgets this address’s failed logins and lets it log in again. Correct the password in Mail first, or it will be blocked again.</p>
        </ConfirmDialog>
      )}
      {confirm?.kind === 'reset' && (
        <ResetDialog
          email={email}
          onCancel={() => setConfirm(null)}
          onConfirm={(password) => {
            setConfirm(null);
            void run('Changing the password…', () => bridge.resetMailboxPassword({ email, password, confirmed: true }), (value) => resetView(value.mailbox), true);
          }}
        />
      )}
      {confirm?.kind === 'test-mailbox' && (
        <ConfirmDialog title="Test with a temporary mailbox?" confirmLabel="Run the test" onCancel={() => setConfirm(null)} onConfirm={() => void testMailbox()}>
          <p>
            Mail Doctor creates a mailbox on {domain} with a random password, logs in to both servers from this Mac, sends it one message and reads it back,
            then deletes the mailbox. Nothing else on the account changes.
          </p>
        </ConfirmDialog>
      )}
    </>
  );

  if (mode === 'offered') {
    return (
      <details className="disclosure admin-tools">
        <summary>I manage this hosting account</summary>
        {body}
      </details>
    );
  }
  return (
    <section className="admin-tools" aria-labelledby={headingId}>
      <h3 id={headingId} className="section-title">
        I manage this hosting account
      </h3>
      {body}
    </section>
  );
}

function Connections({ connections, disabled, onDisconnect }: { readonly connections: AdminStatus['connections']; readonly disabled: boolean; readonly onDisconnect: (api: HostingApi) => Promise<void> }) {
  const list = [connections.cpanel, connections.whm].filter((connection): connection is HostingConnection => connection !== undefined);
  if (list.length === 0) return null;
  return (
    <ul className="admin-connections" aria-label="Connected hosting accounts">
      {list.map((connection) => (
        <li key={connection.api}>
          <span>
            {API_NAMES[connection.api]}: <strong>{connection.user}</strong> at {connection.url}
          </span>
          <button type="button" className="button button-small" disabled={disabled} onClick={() => void onDisconnect(connection.api)}>
            Disconnect
          </button>
        </li>
      ))}
    </ul>
  );
}

function OptionalConnect({ collapsed, missing, children }: { readonly collapsed: boolean; readonly missing: 'both' | HostingApi; readonly children: ReactNode }) {
  if (!collapsed || missing === 'both') return <>{children}</>;
  return (
    <details className="disclosure admin-connect-more">
      <summary>{missing === 'whm' ? 'Connect WHM too (to check and lift IP blocks)' : 'Connect a cPanel account too (password reset, test mailbox)'}</summary>
      {children}
    </details>
  );
}

function ConnectForm({
  bridge,
  disabled,
  missing,
  onConnected,
  onProblem,
}: {
  readonly bridge: AdminBridge;
  readonly disabled: boolean;
  readonly missing: 'both' | HostingApi;
  readonly onConnected: (connection: HostingConnection) => Promise<void>;
  readonly onProblem: (view: ResultView) => void;
}) {
  const id = useId();
  const [api, setApi] = useState<HostingApi>(missing === 'whm' ? 'whm' : 'cpanel');
  const [url, setUrl] = useState('');
  const [user, setUser] = useState('');
  const [token, setToken] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setPending(true);
    setError(null);
    const answer = await bridge.connectHosting({ api, url: url.trim(), user: user.trim(), token: token.trim() });
    setPending(false);
    if (!answer.ok) {
      setError(answer.error.message);
      return;
    }
    // The token field is emptied whatever happened: it is never kept in the page.
    setToken('');
    if (answer.value.outcome.ok) await onConnected(answer.value.outcome.value);
    else onProblem(problemView(answer.value.outcome.problem));
  };
  const choices: readonly HostingApi[] = missing === 'both' ? ['cpanel', 'whm'] : [missing];
  return (
    <form className="admin-connect" onSubmit={(event) => void submit(event)} aria-label="Connect a hosting account">
      {choices.length > 1 && (
        <fieldset className="admin-choice">
          <legend>Account</legend>
          {choices.map((choice) => (
            <label key={choice}>
              <input type="radio" name={`${id}-api`} value={choice} checked={api === choice} onChange={() => setApi(choice)} /> {choice === 'cpanel' ? 'cPanel (an account)' : 'WHM (the server: root or reseller)'}
            </label>
          ))}
        </fieldset>
      )}
      <label htmlFor={`${id}-url`}>{API_NAMES[api]} address</label>
      <input id={`${id}-url`} type="url" required value={url} placeholder={`https://server.example.com:${api === 'whm' ? 2087 : 2083}`} onChange={(event) => setUrl(event.target.value)} />
      <label htmlFor={`${id}-user`}>User name</label>
      <input id={`${id}-user`} type="text" required autoComplete="username" value={user} onChange={(event) => setUser(event.target.value)} />
      <label htmlFor={`${id}-token`}>API token</label>
      <input id={`${id}-token`} type="password" required autoComplete="off" spellCheck={false} value={token} onChange={(event) => setToken(event.target.value)} />
      <p className="admin-hint">
        Make one in {api === 'whm' ? 'WHM » Development » Manage API Tokens' : 'cPanel » Security » Manage API Tokens'}. Mail Doctor checks it once and keeps it
        in the keychain.
      </p>
      <div className="admin-buttons">
        <button type="submit" className="button button-default" disabled={disabled || pending}>
          {pending ? 'Connecting…' : `Connect ${API_NAMES[api]}`}
        </button>
      </div>
      {error !== null && (
        <p className="admin-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function Running({ label, calls, steps }: { readonly label: string; readonly calls: number; readonly steps: readonly TestMailboxStep[] }) {
  const view = steps.length > 0 ? testMailboxView(steps, null) : null;
  return (
    <div className="admin-running">
      <p>
        <span className="admin-spinner" aria-hidden="true" /> {label} {calls > 0 ? `(${calls} call${calls === 1 ? '' : 's'} answered)` : ''}
      </p>
      {view !== null && <StepList rows={view.stepRows} />}
    </div>
  );
}

const TONE_MARKS: Readonly<Record<ResultView['tone'], string>> = { ok: '✓', problem: '✕', warning: '!', neutral: 'i' };
const TONE_NAMES: Readonly<Record<ResultView['tone'], string>> = { ok: 'Fine', problem: 'Problem', warning: 'Warning', neutral: 'Information' };

function ResultPanel({
  view,
  stepRows,
  onUnblock,
  onCheckAgain,
}: {
  readonly view: ResultView;
  readonly stepRows?: readonly StepRow[];
  readonly onUnblock: (ip: string) => void;
  readonly onCheckAgain: (() => void) | undefined;
}) {
  return (
    <div className={`admin-result admin-result-${view.tone}`}>
      <p className="admin-result-title">
        <span className={`admin-mark admin-mark-${view.tone}`} role="img" aria-label={TONE_NAMES[view.tone]}>
          {TONE_MARKS[view.tone]}
        </span>{' '}
        <strong>{view.title}</strong>
      </p>
      <p>{view.why}</p>
      {view.details.length > 0 && (
        <ul className="admin-details">
          {view.details.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
      {stepRows !== undefined && <StepList rows={stepRows} />}
      {view.steps !== undefined && (
        <ol className="admin-steps">
          {view.steps.map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ol>
      )}
      <p className="admin-next">{view.nextStep}</p>
      {view.hostRequest !== undefined && (
        <>
          <label className="admin-hint" htmlFor="admin-host-request">
            What to send your hosting company
          </label>
          <textarea id="admin-host-request" className="admin-host-request" readOnly value={view.hostRequest} rows={view.hostRequest.split('\n').length} />
        </>
      )}
      <div className="admin-buttons">
        {view.unblockIp !== undefined && (
          <button type="button" className="button button-default" onClick={() => onUnblock(view.unblockIp ?? '')}>
            Unblock {view.unblockIp}…
          </button>
        )}
        {onCheckAgain !== undefined && (
          <button type="button" className="button" onClick={onCheckAgain}>
            Check again
          </button>
        )}
      </div>
    </div>
  );
}

const STEP_MARKS: Readonly<Record<StepRow['status'], string>> = { passed: '✓', failed: '✕', skipped: '–', running: '…' };
const STEP_NAMES: Readonly<Record<StepRow['status'], string>> = { passed: 'done', failed: 'failed', skipped: 'skipped', running: 'running' };

function StepList({ rows }: { readonly rows: readonly StepRow[] }) {
  return (
    <ol className="admin-step-list">
      {rows.map((row, index) => (
        <li key={`${row.name}-${index}`} className={`admin-step admin-step-${row.status}`}>
          <span aria-hidden="true">{STEP_MARKS[row.status]}</span> {row.name}
          <span className="visually-hidden"> ({STEP_NAMES[row.status]})</span>
          {row.detail !== undefined && <span className="admin-step-detail"> — {row.detail}</span>}
        </li>
      ))}
    </ol>
  );
}

/** A modal dialog (the native <dialog>: focus stays inside, Escape cancels), with Cancel and one default button. */
function ConfirmDialog({
  title,
  confirmLabel,
  confirmDisabled,
  onCancel,
  onConfirm,
  children,
}: {
  readonly title: string;
  readonly confirmLabel: string;
  readonly confirmDisabled?: boolean;
  readonly onCancel: () => void;
  readonly onConfirm: () => void;
  readonly children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog ref={ref} className="admin-dialog" aria-labelledby={titleId} onCancel={(event) => {
      event.preventDefault();
      onCancel();
    }}>
      <form method="dialog" onSubmit={(event) => {
        event.preventDefault();
        if (confirmDisabled !== true) onConfirm();
      }}>
        <h4 id={titleId}>{title}</h4>
        {children}
        <div className="admin-buttons admin-dialog-buttons">
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button button-default" disabled={confirmDisabled === true}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}

function ResetDialog({ email, onCancel, onConfirm }: { readonly email: string; readonly onCancel: () => void; readonly onConfirm: (password: string) => void }) {
  const id = useId();
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [visible, setVisible] = useState(false);
  const state = passwordFormState(first, second);
  return (
    <ConfirmDialog title={`Reset the password of ${email}?`} confirmLabel="Change the password" confirmDisabled={!state.canSubmit} onCancel={onCancel} onConfirm={() => onConfirm(first)}>
      <p>The old password stops working at once, on every device that uses this mailbox.</p>
      <label htmlFor={`${id}-first`}>New password</label>
      <input id={`${id}-first`} type={visible ? 'text' : 'password'} autoComplete="new-password" value={first} onChange={(event) => setFirst(event.target.value)} />
      <label htmlFor={`${id}-second`}>The same password again</label>
      <input id={`${id}-second`} type={visible ? 'text' : 'password'} autoComplete="new-password" value={second} onChange={(event) => setSecond(event.target.value)} />
      <p className="admin-strength" aria-live="polite">
        {state.strengthLabel}
        {state.hint === null ? '' : `${state.strengthLabel === '' ? '' : ' — '}${state.hint}`}
      </p>
      <div className="admin-buttons">
        <button
          type="button"
          className="button"
          onClick={() => {
            const suggested = suggestPassword();
            setFirst(suggested);
            setSecond(suggested);
            // A suggested password has to be read to be typed into Mail: show it.
            setVisible(true);
          }}
        >
          Suggest a password
        </button>
        <label className="admin-show">
          <input type="checkbox" checked={visible} onChange={(event) => setVisible(event.target.checked)} /> Show
        </label>
      </div>
    </ConfirmDialog>
  );
}
