/**
 * "Test another account": the settings typed by hand, and a password typed once. The password lives
 * only in this form's state until the check starts; it is then handed to the bridge and cleared. It is
 * never stored, logged or shown again (autocomplete is off so the browser does not keep it either).
 */
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import type { DiagnosisStartRequest, ManualAccountRequest } from '../../shared/ipc/contract';
import type { IncomingProtocol, MailAccount, TlsMode } from '../../shared/model/account';
import { TLS_MODE_LABELS } from './presentation';

interface ServerFields {
  host: string;
  port: string;
  tls: TlsMode;
  username: string;
}

interface FormFields {
  email: string;
  incomingProtocol: IncomingProtocol;
  incoming: ServerFields;
  outgoing: ServerFields;
  outgoingAuthentication: boolean;
  noLogin: boolean;
}

const TLS_CHOICES: readonly TlsMode[] = ['implicit', 'starttls', 'none'];

export function fieldsFromAccount(account: MailAccount | null): FormFields {
  const incoming = account?.incoming;
  const outgoing = account?.outgoing;
  return {
    email: account?.emailAddress ?? '',
    incomingProtocol: incoming?.protocol === 'pop3' ? 'pop3' : 'imap',
    incoming: {
      host: incoming?.host ?? '',
      port: String(incoming?.port ?? 993),
      tls: incoming?.tls ?? 'implicit',
      username: incoming?.username ?? account?.emailAddress ?? '',
    },
    outgoing: {
      host: outgoing?.host ?? '',
      port: String(outgoing?.port ?? 587),
      tls: outgoing?.tls ?? 'starttls',
      username: outgoing?.username ?? account?.emailAddress ?? '',
    },
    outgoingAuthentication: outgoing?.authenticationEnabled ?? true,
    noLogin: false,
  };
}

export interface ManualAccountFormProps {
  /** Settings to start from (an account whose password the person wants to type), or null. */
  readonly prefill: MailAccount | null;
  /** Id for the form's heading (the main landmark is labelled by it). */
  readonly headingId: string;
  readonly disabled: boolean;
  readonly onStart: (request: DiagnosisStartRequest) => void;
  readonly onClose: () => void;
}

export function ManualAccountForm({ prefill, headingId, disabled, onStart, onClose }: ManualAccountFormProps) {
  const [fields, setFields] = useState<FormFields>(() => fieldsFromAccount(prefill));
  const [password, setPassword] = useState('');
  const id = useId();

  const update = (change: Partial<FormFields>): void => setFields((previous) => ({ ...previous, ...change }));
  const updateServer = (role: 'incoming' | 'outgoing', change: Partial<ServerFields>): void =>
    setFields((previous) => ({ ...previous, [role]: { ...previous[role], ...change } }));

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const manual: ManualAccountRequest = {
      email: fields.email.trim(),
      incoming: {
        protocol: fields.incomingProtocol,
        host: fields.incoming.host.trim(),
        port: Number(fields.incoming.port),
        tls: fields.incoming.tls,
        username: fields.incoming.username.trim(),
      },
      outgoing: {
        protocol: 'smtp',
        host: fields.outgoing.host.trim(),
        port: Number(fields.outgoing.port),
        tls: fields.outgoing.tls,
        username: fields.outgoing.username.trim(),
        authenticationEnabled: fields.outgoingAuthentication,
      },
      ...(password === '' ? {} : { password }),
    };
    // The password goes to the bridge once and is forgotten here at once.
    setPassword('');
    onStart({ manual, ...(fields.noLogin ? { noLogin: true } : {}) });
  };

  return (
    <section className="manual-form" id="manual-account" aria-labelledby={headingId}>
      <h2 id={headingId}>Test another account</h2>
      <p className="panel-intro">
        Type the settings your email host gave you. The password is used for this one check and is never saved.
      </p>
      <form onSubmit={submit} autoComplete="off">
        <div className="field">
          <label htmlFor={`${id}-email`}>Email address</label>
          <input
            id={`${id}-email`}
            type="email"
            required
            maxLength={254}
            value={fields.email}
            onChange={(event) => update({ email: event.target.value })}
          />
        </div>

        <fieldset className="server-fields">
          <legend>Incoming (receiving) server</legend>
          <div className="field">
            <label htmlFor={`${id}-in-protocol`}>Kind</label>
            <select
              id={`${id}-in-protocol`}
              value={fields.incomingProtocol}
              onChange={(event) => update({ incomingProtocol: event.target.value === 'pop3' ? 'pop3' : 'imap' })}
            >
              <option value="imap">IMAP</option>
              <option value="pop3">POP</option>
            </select>
          </div>
          <ServerInputs idPrefix={`${id}-in`} server={fields.incoming} onChange={(change) => updateServer('incoming', change)} />
        </fieldset>

        <fieldset className="server-fields">
          <legend>Outgoing (sending) server</legend>
          <ServerInputs idPrefix={`${id}-out`} server={fields.outgoing} onChange={(change) => updateServer('outgoing', change)} />
          <div className="field field-check">
            <input
              id={`${id}-out-auth`}
              type="checkbox"
              checked={fields.outgoingAuthentication}
              onChange={(event) => update({ outgoingAuthentication: event.target.checked })}
            />
            <label htmlFor={`${id}-out-auth`}>Use authentication (log in to send)</label>
          </div>
        </fieldset>

        <div className="field">
          <label htmlFor={`${id}-password`}>Password (optional)</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="off"
            maxLength={1024}
            value={password}
            aria-describedby={`${id}-password-note`}
            onChange={(event) => setPassword(event.target.value)}
          />
          <p id={`${id}-password-note`} className="field-note">
            Used once for one login per server, then forgotten. Leave it empty to check the connections only.
          </p>
        </div>

        <div className="field field-check">
          <input
            id={`${id}-no-login`}
            type="checkbox"
            checked={fields.noLogin}
            onChange={(event) => update({ noLogin: event.target.checked })}
          />
          <label htmlFor={`${id}-no-login`}>Do not log in (check the connections only)</label>
        </div>

        <div className="form-buttons">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-default" disabled={disabled}>
            Check This Account
          </button>
        </div>
      </form>
    </section>
  );
}

function ServerInputs({
  idPrefix,
  server,
  onChange,
}: {
  readonly idPrefix: string;
  readonly server: ServerFields;
  readonly onChange: (change: Partial<ServerFields>) => void;
}) {
  return (
    <>
      <div className="field">
        <label htmlFor={`${idPrefix}-host`}>Server name</label>
        <input
          id={`${idPrefix}-host`}
          type="text"
          required
          maxLength={253}
          spellCheck={false}
          autoCapitalize="off"
          value={server.host}
          onChange={(event) => onChange({ host: event.target.value })}
        />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${idPrefix}-port`}>Port</label>
          <input
            id={`${idPrefix}-port`}
            type="number"
            required
            min={1}
            max={65535}
            value={server.port}
            onChange={(event) => onChange({ port: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${idPrefix}-tls`}>Encryption</label>
          <select
            id={`${idPrefix}-tls`}
            value={server.tls}
            onChange={(event) => onChange({ tls: toTlsMode(event.target.value) })}
          >
            {TLS_CHOICES.map((mode) => (
              <option key={mode} value={mode}>
                {TLS_MODE_LABELS[mode]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-user`}>User name</label>
        <input
          id={`${idPrefix}-user`}
          type="text"
          maxLength={320}
          spellCheck={false}
          autoCapitalize="off"
          value={server.username}
          onChange={(event) => onChange({ username: event.target.value })}
        />
      </div>
    </>
  );
}

function toTlsMode(value: string): TlsMode {
  return value === 'starttls' || value === 'none' ? value : 'implicit';
}
