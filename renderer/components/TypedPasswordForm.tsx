/**
 * "Test with a password I type" for one of Mail's own accounts, when the keychain gives Mail Doctor no
 * password. The password lives only in this form's state until the check starts; it then goes to the
 * bridge once (main uses it for both of the account's servers, one login each) and the field is cleared.
 */
import { useId, useState } from 'react';
import type { FormEvent } from 'react';
import type { MailAccount } from '../../shared/model/account';
import { TYPED_PASSWORD_LABELS } from './presentation';

export interface TypedPasswordFormProps {
  readonly account: MailAccount;
  readonly disabled: boolean;
  readonly onStart: (password: string) => void;
  readonly onClose: () => void;
}

export function TypedPasswordForm({ account, disabled, onStart, onClose }: TypedPasswordFormProps) {
  const id = useId();
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (password === '') return;
    const typed = password;
    setPassword('');
    onStart(typed);
  };
  return (
    <section className="typed-password" aria-labelledby={`${id}-heading`}>
      <h4 id={`${id}-heading`} className="section-title">
        {TYPED_PASSWORD_LABELS.heading}
      </h4>
      <form onSubmit={submit} autoComplete="off">
        <div className="field">
          <label htmlFor={`${id}-password`}>{TYPED_PASSWORD_LABELS.field(account.emailAddress)}</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="off"
            maxLength={1024}
            required
            value={password}
            aria-describedby={`${id}-note`}
            onChange={(event) => setPassword(event.target.value)}
          />
          <p id={`${id}-note`} className="field-note">
            {TYPED_PASSWORD_LABELS.note}
          </p>
        </div>
        <div className="form-buttons">
          <button type="button" className="button" onClick={onClose}>
            {TYPED_PASSWORD_LABELS.cancel}
          </button>
          <button type="submit" className="button button-default" disabled={disabled || password === ''}>
            {TYPED_PASSWORD_LABELS.start}
          </button>
        </div>
      </form>
    </section>
  );
}
