/**
 * Incoming | outgoing | what the IT department set (managed preferences, when it set servers for this
 * domain) | what the email domain publishes, side by side. Mail keeps the two servers'
 * settings (and passwords) apart, so a changed password often reaches only one of them: this table
 * is where that shows. A cell the verdict rules found fault with says so in words (not only in colour):
 * "Differs" when a finding on it is a difference between settings, "Problem" otherwise; it points at a
 * numbered note that explains it in the catalog's words.
 * The stored passwords appear only as a status (same / different / missing / unreadable).
 */
import type { AccountDiagnosis, Finding } from '../../shared/diagnosis/types';
import type { FailureCode } from '../../shared/verdict/codes';
import type { PasswordComparison, ServerRole, ServerSettings, StoredPasswordStatus } from '../../shared/model/account';
import type { PublishedServer } from '../../shared/probes/outcomes';
import type { ExpectedServer } from '../../shared/model/managedPreferences';
import { TLS_MODE_LABELS, describeLocally } from './presentation';

type Row = 'host' | 'port' | 'tls' | 'username' | 'authentication' | 'password';

const ROWS: readonly { readonly row: Row; readonly label: string }[] = [
  { row: 'host', label: 'Server name' },
  { row: 'port', label: 'Port' },
  { row: 'tls', label: 'Encryption' },
  { row: 'username', label: 'User name' },
  { row: 'authentication', label: 'Logs in' },
  { row: 'password', label: 'Saved password' },
];

/** Which rows of the table a finding is about. */
const FINDING_ROWS: Partial<Record<FailureCode, readonly Row[]>> = {
  USERNAMES_DIFFER: ['username'],
  USERNAME_NOT_FULL_ADDRESS: ['username'],
  PASSWORDS_DIFFER: ['password'],
  PASSWORD_MISSING: ['password'],
  PASSWORD_UNREADABLE: ['password'],
  IMAP_AUTH_REJECTED: ['password'],
  POP3_AUTH_REJECTED: ['password'],
  SMTP_AUTH_REJECTED: ['password'],
  SMTP_AUTH_DISABLED: ['authentication'],
  SERVER_DIFFERS_FROM_EXPECTED: ['host', 'port', 'tls'],
  SERVER_DIFFERS_FROM_PUBLISHED: ['host'],
  TLS_HOSTNAME_MISMATCH: ['host'],
  DNS_NOT_FOUND: ['host'],
  TLS_MODE_PORT_MISMATCH: ['port', 'tls'],
  STARTTLS_NOT_OFFERED: ['tls'],
  LOGIN_NEEDS_TLS: ['tls'],
};

/** Findings that are a difference between two settings; any other finding on a cell is a problem with it. */
const DIFFERENCE_CODES: ReadonlySet<FailureCode> = new Set<FailureCode>([
  'PASSWORDS_DIFFER',
  'USERNAMES_DIFFER',
  'SERVER_DIFFERS_FROM_EXPECTED',
  'SERVER_DIFFERS_FROM_PUBLISHED',
]);

/** Codes about the two stored sides relative to each other: both cells differ, whatever side names the stale one. */
const BETWEEN_SIDES: ReadonlySet<FailureCode> = new Set<FailureCode>(['PASSWORDS_DIFFER', 'USERNAMES_DIFFER']);

interface Note {
  readonly number: number;
  readonly finding: Finding;
  readonly sides: readonly ServerRole[];
  readonly rows: readonly Row[];
}

/** The rows a finding marks: for IT's expected servers only the settings that actually differ. */
function rowsFor(finding: Finding): readonly Row[] | undefined {
  const rows = FINDING_ROWS[finding.code];
  if (rows === undefined || finding.code !== 'SERVER_DIFFERS_FROM_EXPECTED') return rows;
  const differs: Partial<Record<Row, unknown>> = { host: finding.params.hostDiffers, port: finding.params.portDiffers, tls: finding.params.tlsDiffers };
  return rows.filter((row) => differs[row] === true);
}

function notesFor(diagnosis: AccountDiagnosis): Note[] {
  const notes: Note[] = [];
  for (const finding of diagnosis.findings) {
    const rows = rowsFor(finding);
    if (rows === undefined || rows.length === 0) continue;
    const sides: ServerRole[] =
      BETWEEN_SIDES.has(finding.code) || (finding.side !== 'incoming' && finding.side !== 'outgoing')
        ? ['incoming', 'outgoing']
        : [finding.side];
    if (notes.some((note) => note.finding.code === finding.code && note.sides.join() === sides.join())) continue;
    notes.push({ number: notes.length + 1, finding, sides, rows });
  }
  return notes;
}

function serverValue(settings: ServerSettings | null, row: Exclude<Row, 'password'>): string {
  if (settings === null) return 'None';
  switch (row) {
    case 'host':
      return settings.host;
    case 'port':
      return String(settings.port);
    case 'tls':
      return TLS_MODE_LABELS[settings.tls];
    case 'username':
      return settings.username === '' ? 'None' : settings.username;
    case 'authentication':
      return settings.authenticationEnabled ? 'Yes' : 'No';
  }
}

function passwordValue(status: StoredPasswordStatus, comparison: PasswordComparison): string {
  switch (status.outcome) {
    case 'found':
      if (status.foundIn === 'typed') {
        const stored = status.attempts.filter((attempt) => attempt.source !== 'typed');
        if (comparison === 'unreadable' || stored.some((attempt) => attempt.outcome === 'denied' || attempt.outcome === 'error')) {
          return 'Typed for this check (the saved one could not be read)';
        }
        return stored.length > 0 ? 'Typed for this check (none saved)' : 'Typed for this check';
      }
      if (comparison === 'same') return 'Saved, same for both';
      if (comparison === 'different') return 'Saved, different from the other';
      return 'Saved';
    case 'not-found':
      return 'Missing';
    case 'out-of-reach':
      return 'Kept private by macOS';
    case 'denied':
      return 'Unreadable (access refused)';
    case 'error':
      return 'Unreadable';
    case 'not-applicable':
      return 'Not used';
  }
}

function publishedValue(servers: readonly PublishedServer[], row: Row): string | null {
  const best = servers[0];
  if (best === undefined) return null;
  switch (row) {
    case 'host':
      return best.host;
    case 'port':
      return String(best.port);
    case 'tls':
      return TLS_MODE_LABELS[best.tls];
    case 'username':
      return best.usernameTemplate === undefined
        ? null
        : best.usernameTemplate === '%EMAILADDRESS%'
          ? 'Your full email address'
          : best.usernameTemplate;
    case 'authentication':
    case 'password':
      return null;
  }
}

function expectedValue(expected: ExpectedServer, side: ServerRole, row: Row): string | null {
  const incoming = side === 'incoming';
  switch (row) {
    case 'host':
      return incoming ? expected.incomingHost : expected.outgoingHost;
    case 'port':
      return String(incoming ? expected.incomingPort : expected.outgoingPort);
    case 'tls':
      return TLS_MODE_LABELS[incoming ? expected.incomingTls : expected.outgoingTls];
    case 'username':
    case 'authentication':
    case 'password':
      return null;
  }
}

export function MismatchPanel({ diagnosis }: { readonly diagnosis: AccountDiagnosis }) {
  const { account } = diagnosis;
  if (account.incoming === null && account.outgoing === null) return null;
  const notes = notesFor(diagnosis);
  const published = diagnosis.probes.published;
  const incomingProtocol = account.incoming?.protocol ?? 'imap';
  const publishedIncoming = published?.servers.filter((server) => server.protocol === incomingProtocol) ?? [];
  const publishedOutgoing = published?.servers.filter((server) => server.protocol === 'smtp') ?? [];

  const cellNotes = (side: ServerRole, row: Row): Note[] =>
    notes.filter((note) => note.sides.includes(side) && note.rows.includes(row));

  const sideCell = (side: ServerRole, row: Row) => {
    const settings = account[side];
    const value =
      row === 'password' ? passwordValue(account.passwords[side], account.passwords.comparison) : serverValue(settings, row);
    const flagged = cellNotes(side, row);
    return (
      <td className={flagged.length > 0 ? 'cell cell-differs' : 'cell'}>
        <span className="cell-value">{value}</span>
        {flagged.length > 0 && (
          <span className="differs">
            <span aria-hidden="true">⚠︎ </span>
            {flagged.some((note) => DIFFERENCE_CODES.has(note.finding.code)) ? 'Differs' : 'Problem'} (see note{' '}
            {flagged.map((note) => note.number).join(', ')})
          </span>
        )}
      </td>
    );
  };

  const expected = diagnosis.expected ?? null;
  const expectedCell = (row: Row) => {
    if (expected === null) return null;
    const incoming = expectedValue(expected, 'incoming', row);
    const outgoing = expectedValue(expected, 'outgoing', row);
    if (incoming === null || outgoing === null) return <td className="cell cell-muted">—</td>;
    return (
      <td className="cell">
        <span className="published-line">Receiving: {incoming}</span>
        <span className="published-line">Sending: {outgoing}</span>
      </td>
    );
  };

  const publishedCell = (row: Row) => {
    const incoming = publishedValue(publishedIncoming, row);
    const outgoing = publishedValue(publishedOutgoing, row);
    if (incoming === null && outgoing === null) {
      return <td className="cell cell-muted">{published === null || row !== 'host' ? '—' : 'Nothing published'}</td>;
    }
    return (
      <td className="cell">
        <span className="published-line">Receiving: {incoming ?? '—'}</span>
        <span className="published-line">Sending: {outgoing ?? '—'}</span>
      </td>
    );
  };

  return (
    <section className="panel" aria-labelledby="mismatch-heading">
      <h2 id="mismatch-heading">What Mail saved for this account</h2>
      <div className="table-scroll">
        <table className="mismatch-table">
          <caption className="visually-hidden">
            {expected === null
              ? 'Incoming and outgoing server settings side by side, with what the email domain publishes'
              : 'Incoming and outgoing server settings side by side, with what your IT department set and what the email domain publishes'}
          </caption>
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col">Incoming (receiving)</th>
              <th scope="col">Outgoing (sending)</th>
              {expected !== null && <th scope="col">What your IT department set</th>}
              <th scope="col">{published === null ? 'What the domain publishes' : `What ${published.domain} publishes`}</th>
            </tr>
          </thead>
          <tbody>
            {ROWS.map(({ row, label }) => (
              <tr key={row}>
                <th scope="row">{label}</th>
                {sideCell('incoming', row)}
                {sideCell('outgoing', row)}
                {expectedCell(row)}
                {publishedCell(row)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {notes.length > 0 && (
        <ol className="mismatch-notes" aria-label="Notes on the differences">
          {notes.map((note) => {
            const words = describeLocally(note.finding);
            return (
              <li key={note.number} value={note.number}>
                <strong>{words.title}.</strong> {words.why}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
