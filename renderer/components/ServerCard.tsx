/**
 * The Receiving | Sending card (data from renderer/view/serverCard.ts): the two servers Mail saved, side
 * by side, with the password each one accepted or refused, Mail's own last login from its log, a
 * "≠ different passwords" badge between them when the saved passwords differ, and only the wrong side
 * marked. "Show all settings" reveals port, encryption and user name beside what the email domain
 * publishes and what the IT department set, flagging every cell that differs.
 */
import { useId, useState } from 'react';
import type { ReactNode } from 'react';
import type { CardRow, CardSide, PasswordChip, Reference, ServerCard as CardData, SettingRow } from '../view/serverCard';
import { PASSWORD_CHIP_LABELS, ROLE_LABELS, SETTING_ROW_LABELS } from '../view/serverCard';
import { formatLocalTime } from '../words';
import { StatusSymbol } from './StatusSymbol';
import type { SymbolKind } from './StatusSymbol';

export const CHIP_SYMBOLS: Readonly<Record<PasswordChip, SymbolKind>> = {
  accepted: 'ok',
  refused: 'problem',
  unreadable: 'unknown',
  'not-tried': 'not-applicable',
  'no-answer': 'warning',
  failed: 'warning',
};

const SETTING_ROWS: readonly SettingRow[] = ['server', 'port', 'tls', 'username', 'authentication'];

export interface ServerCardProps {
  readonly card: CardData;
  /** A secondary button in a password cell Mail Doctor could not read ("Type the Password…"), or null. */
  readonly typePassword: { readonly label: string; readonly onPress: () => void; readonly disabled: boolean } | null;
}

export function ServerCard({ card, typePassword }: ServerCardProps) {
  const id = useId();
  const [allSettings, setAllSettings] = useState(false);
  const between = card.sides.length === 2;
  const [first, second] = card.sides;
  if (first === undefined) return null;
  // One "type it" button, in the first column whose password could not be read (it tests both servers).
  const typeIn = card.sides.find((side) => side.password === 'unreadable')?.role;

  const row = (label: string, cell: (side: CardSide) => ReactNode, wrongRow: CardRow, middle: ReactNode = null, key?: string) => (
    <tr key={key ?? label}>
      <th scope="row">{label}</th>
      <Cell side={first} row={wrongRow}>
        {cell(first)}
      </Cell>
      {between && <td className="card-between">{middle}</td>}
      {second !== undefined && (
        <Cell side={second} row={wrongRow}>
          {cell(second)}
        </Cell>
      )}
    </tr>
  );

  const passwordCell = (side: CardSide) => (
    <>
      <Chip kind={CHIP_SYMBOLS[side.password]} label={PASSWORD_CHIP_LABELS[side.password]} />
      {side.stalePassword && <span className="wrong-tag">Out of date</span>}
      {side.typed && <span className="cell-note">Typed for this check</span>}
      {typePassword !== null && side.role === typeIn && (
        <button type="button" className="button button-small" disabled={typePassword.disabled} onClick={typePassword.onPress}>
          {typePassword.label}
        </button>
      )}
    </>
  );

  const mailLogCell = (side: CardSide) =>
    side.mailLog === null ? (
      <span className="cell-muted">No record</span>
    ) : (
      <>
        <Chip
          kind={side.mailLog.result === 'accepted' ? 'ok' : 'problem'}
          label={side.mailLog.result === 'accepted' ? PASSWORD_CHIP_LABELS.accepted : PASSWORD_CHIP_LABELS.refused}
        />
        <time className="cell-note" dateTime={side.mailLog.at}>
          {formatLocalTime(side.mailLog.at)}
        </time>
      </>
    );

  const settingCell = (settingRow: SettingRow) => (side: CardSide) => {
    const cell = side.settings[settingRow];
    return (
      <>
        <span className="cell-value">{cell.value}</span>
        {cell.references.map((reference) => (
          <ReferenceLine key={reference.source} reference={reference} publishedBy={card.publishedBy} />
        ))}
      </>
    );
  };

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`} className="visually-hidden">
        Receiving and sending
      </h3>
      <table className="server-card">
        <caption className="visually-hidden">What each mail server said to the password Mail saved for it</caption>
        <thead>
          <tr>
            <td className="card-corner" />
            <ColumnHead side={first} />
            {between && <td className="card-between" />}
            {second !== undefined && <ColumnHead side={second} />}
          </tr>
        </thead>
        <tbody>
          {row(
            'Password',
            passwordCell,
            'password',
            card.passwordsDiffer ? (
              <span className="differs-badge">
                <span aria-hidden="true">≠</span> different passwords
              </span>
            ) : null,
          )}
          {card.mailLogShown && row('Mail’s last login', mailLogCell, 'mail-log')}
        </tbody>
        <tbody id={`${id}-settings`} hidden={!allSettings}>
          {SETTING_ROWS.map((settingRow) => row(SETTING_ROW_LABELS[settingRow], settingCell(settingRow), settingRow, null, settingRow))}
        </tbody>
      </table>
      <button
        type="button"
        className="disclosure-button"
        aria-expanded={allSettings}
        aria-controls={`${id}-settings`}
        onClick={() => setAllSettings((open) => !open)}
      >
        {allSettings ? 'Hide settings' : 'Show all settings'}
      </button>
    </section>
  );
}

function ColumnHead({ side }: { readonly side: CardSide }) {
  const marked = side.wrong.has('server');
  return (
    <th scope="col" className={marked ? 'card-head cell-wrong' : 'card-head'}>
      <span className="card-role">{ROLE_LABELS[side.role]}</span>
      <span className="card-host">
        {marked && <StatusSymbol kind="problem" size={12} />}
        {side.host}
      </span>
    </th>
  );
}

function Cell({ side, row, children }: { readonly side: CardSide; readonly row: CardRow; readonly children: ReactNode }) {
  const wrong = side.wrong.has(row) || (row !== 'password' && row !== 'mail-log' && side.settings[row].differs);
  return <td className={wrong ? 'card-cell cell-wrong' : 'card-cell'}>{children}</td>;
}

export function Chip({ kind, label }: { readonly kind: SymbolKind; readonly label: string }) {
  return (
    <span className={`chip chip-${kind}`}>
      <StatusSymbol kind={kind} size={13} />
      {label}
    </span>
  );
}

function ReferenceLine({ reference, publishedBy }: { readonly reference: Reference; readonly publishedBy: string | null }) {
  const who = reference.source === 'it' ? 'IT department' : (publishedBy ?? 'Published');
  return (
    <span className={reference.differs ? 'reference reference-differs' : 'reference'}>
      {reference.differs && <StatusSymbol kind="warning" size={12} />}
      {who}: {reference.value}
      {reference.differs && <span className="flag-word"> · differs</span>}
    </span>
  );
}
