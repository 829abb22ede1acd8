/**
 * What Mail itself recorded (its connection log, macOS's note of a refused password request, when
 * mail last arrived), with the times, in the catalog's evidence words. Shown only when the run could
 * read it. Per server, Mail's latest login reply sits beside what this run's own login saw: one side
 * refused and the other accepted is the password mismatch, even when no password could be read.
 */
import type { MailEvidence } from '../../shared/model/evidence';
import type { ServerRole } from '../../shared/model/account';
import type { AccountDiagnosis, EvidenceItem, PlainParams } from '../../shared/diagnosis/types';
import { evidenceItem } from '../../shared/verdict/catalog';
import type { EvidenceLabel } from '../../shared/verdict/catalog';
import { connectFailuresByServer, loginEvidence } from '../../shared/verdict/evidence';
import { LOCAL_TEXT_FORMAT } from './presentation';

interface MailSawEntry {
  readonly label: EvidenceLabel;
  readonly params: PlainParams;
  readonly raw?: string;
}

function newestFirstByTime<T extends { readonly at: string }>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0));
}

/** Unfinished connects per server, grouped as the checklist groups them. */
function connectFailureEntries(evidence: MailEvidence): MailSawEntry[] {
  return connectFailuresByServer(evidence.connectionLog.connectFailures).map((server) => ({
    label: 'mailLogConnectFailures',
    params: { ...server },
  }));
}

const SIDES: readonly { readonly side: ServerRole; readonly label: string }[] = [
  { side: 'incoming', label: 'Incoming (receiving)' },
  { side: 'outgoing', label: 'Outgoing (sending)' },
];

/** Mail's newest login reply from this side's server, in the person's time. */
function latestMailReply(evidence: MailEvidence, side: ServerRole): EvidenceItem | null {
  const reply = newestFirstByTime(evidence.connectionLog.authReplies.filter((entry) => entry.side === side))[0];
  if (reply === undefined) return null;
  return evidenceItem('mailLogReply', { replyAt: reply.at, host: reply.host, result: reply.result }, LOCAL_TEXT_FORMAT, reply.serverText);
}

/** What this run's own login to the side's server saw, in the same words as the checklist. */
function liveLogin(diagnosis: AccountDiagnosis, side: ServerRole): EvidenceItem | null {
  const probe = diagnosis.probes[side];
  if (probe === null) return null;
  const items: EvidenceItem[] = [];
  loginEvidence(side, probe.login, (label, params, raw) => items.push(evidenceItem(label, params, LOCAL_TEXT_FORMAT, raw)));
  return items[0] ?? null;
}

/** The rest of what Mail and macOS recorded: unfinished connects, the refused password request, the last mail. */
function otherMailSawItems(evidence: MailEvidence): EvidenceItem[] {
  const entries: MailSawEntry[] = connectFailureEntries(evidence);
  if (evidence.credentialState.renewalRejectedAt !== undefined) {
    entries.push({ label: 'credentialRejected', params: { rejectedAt: evidence.credentialState.renewalRejectedAt } });
  }
  if (evidence.mailbox.lastMailReceivedAt !== undefined) {
    entries.push({
      label: 'lastMail',
      params: { lastMailAt: evidence.mailbox.lastMailReceivedAt, pending: evidence.mailbox.pendingLocalActions ?? 0 },
    });
  }
  return entries.map((entry) => evidenceItem(entry.label, entry.params, LOCAL_TEXT_FORMAT, entry.raw));
}

function Evidence({ item }: { readonly item: EvidenceItem }) {
  return (
    <>
      <p className="evidence-summary">{item.summary}</p>
      {item.raw !== undefined && item.raw !== '' && (
        <pre className="evidence-raw">
          <code>{item.raw}</code>
        </pre>
      )}
    </>
  );
}

export function MailSawPanel({ diagnosis }: { readonly diagnosis: AccountDiagnosis }) {
  const evidence = diagnosis.mailEvidence;
  if (evidence === null || evidence === undefined) return null;
  const logOff = evidence.connectionLog.outcome.kind === 'absent';
  const sides = SIDES.filter(({ side }) => diagnosis.account[side] !== null).map((entry) => ({
    ...entry,
    mail: latestMailReply(evidence, entry.side),
    live: liveLogin(diagnosis, entry.side),
  }));
  const others = otherMailSawItems(evidence);
  const anyReply = sides.some((entry) => entry.mail !== null);
  if (!anyReply && others.length === 0) return null;
  const noReply = logOff ? evidenceItem('mailLogOff', {}).summary : '—';
  return (
    <section className="panel" aria-labelledby="mail-saw-heading">
      <h2 id="mail-saw-heading">What Mail itself saw</h2>
      {anyReply && (
        <div className="table-scroll">
          <table className="mismatch-table mail-saw-table">
            <caption className="visually-hidden">Each server's last answer to Mail's login, beside what Mail Doctor's own login saw</caption>
            <thead>
              <tr>
                <th scope="col">Server</th>
                <th scope="col">What Mail saw</th>
                <th scope="col">What Mail Doctor saw just now</th>
              </tr>
            </thead>
            <tbody>
              {sides.map((entry) => (
                <tr key={entry.side}>
                  <th scope="row">{entry.label}</th>
                  <td className="cell">{entry.mail === null ? noReply : <Evidence item={entry.mail} />}</td>
                  <td className="cell">{entry.live === null ? '—' : <Evidence item={entry.live} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {others.length > 0 && (
        <ul className="evidence-list" aria-label="Also recorded by Mail and macOS">
          {others.map((item, index) => (
            <li key={index} className="evidence">
              <Evidence item={item} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
