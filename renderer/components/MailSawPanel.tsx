/**
 * What Mail itself recorded (its connection log, macOS's note of a refused password request, when
 * mail last arrived), with the times, in the catalog's evidence words. Shown only when the run could
 * read it.
 */
import type { MailEvidence } from '../../shared/model/evidence';
import type { EvidenceItem } from '../../shared/diagnosis/types';
import { evidenceItem } from '../../shared/verdict/catalog';
import { LOCAL_TEXT_FORMAT } from './presentation';

/** The most recent entries are what matter; older ones stay in the report. */
const MAX_REPLIES = 4;

export function mailSawItems(evidence: MailEvidence): EvidenceItem[] {
  const items: EvidenceItem[] = [];
  const log = evidence.connectionLog;
  const replies = [...log.authReplies].sort((a, b) => b.at.localeCompare(a.at)).slice(0, MAX_REPLIES);
  for (const reply of replies) {
    items.push(evidenceItem('mailLogReply', { replyAt: reply.at, host: reply.host, result: reply.result }, LOCAL_TEXT_FORMAT, reply.serverText));
  }
  const failuresByServer = new Map<string, { host: string; port: number; count: number; lastAt: string }>();
  for (const failure of log.connectFailures) {
    const key = `${failure.host}:${String(failure.port)}`;
    const known = failuresByServer.get(key);
    if (known === undefined) failuresByServer.set(key, { host: failure.host, port: failure.port, count: 1, lastAt: failure.at });
    else failuresByServer.set(key, { ...known, count: known.count + 1, lastAt: failure.at > known.lastAt ? failure.at : known.lastAt });
  }
  for (const failures of failuresByServer.values()) items.push(evidenceItem('mailLogConnectFailures', failures, LOCAL_TEXT_FORMAT));
  if (evidence.credentialState.renewalRejectedAt !== undefined) {
    items.push(evidenceItem('credentialRejected', { rejectedAt: evidence.credentialState.renewalRejectedAt }, LOCAL_TEXT_FORMAT));
  }
  if (evidence.mailbox.lastMailReceivedAt !== undefined) {
    items.push(
      evidenceItem(
        'lastMail',
        { lastMailAt: evidence.mailbox.lastMailReceivedAt, pending: evidence.mailbox.pendingLocalActions ?? 0 },
        LOCAL_TEXT_FORMAT,
      ),
    );
  }
  return items;
}

export function MailSawPanel({ evidence }: { readonly evidence: MailEvidence | null | undefined }) {
  if (evidence === null || evidence === undefined) return null;
  const items = mailSawItems(evidence);
  if (items.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="mail-saw-heading">
      <h2 id="mail-saw-heading">What Mail itself saw</h2>
      <ul className="evidence-list">
        {items.map((item, index) => (
          <li key={index} className="evidence">
            <p className="evidence-summary">{item.summary}</p>
            {item.raw !== undefined && (
              <pre className="evidence-raw">
                <code>{item.raw}</code>
              </pre>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
