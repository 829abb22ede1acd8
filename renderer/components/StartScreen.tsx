/**
 * Before the first check of an account: what the check will do, in four promises (what is read, one login
 * per server, nothing changed, no password in the report), and the one button that starts it.
 */
import { StatusSymbol } from './StatusSymbol';

export const START_PROMISES: readonly string[] = [
  'Reads the settings and the password Mail saved for this account. The password goes only to your own mail server.',
  'Logs in once to each mail server, never more, so your internet address cannot get blocked.',
  'Changes nothing in Mail, in your keychain or on the server.',
  'Writes a report for your helpdesk that never contains a password.',
];

export interface StartScreenProps {
  readonly accountName: string;
  readonly disabled: boolean;
  readonly onStart: () => void;
}

export function StartScreen({ accountName, disabled, onStart }: StartScreenProps) {
  return (
    <section className="start" aria-labelledby="start-title">
      <div className="verdict-head">
        <StatusSymbol kind="pending" size={28} />
        <div className="verdict-words">
          <h3 id="start-title" className="verdict-title">
            Find out why Mail can’t send or receive
          </h3>
          <p className="verdict-why">The check takes a few seconds. For {accountName}, Mail Doctor:</p>
        </div>
      </div>
      <ul className="promises">
        {START_PROMISES.map((promise) => (
          <li key={promise}>{promise}</li>
        ))}
      </ul>
      <div className="next-step-row">
        <button type="button" className="button button-default" data-default-button="" disabled={disabled} onClick={onStart}>
          Check My Mail
        </button>
      </div>
    </section>
  );
}
