import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mailboxUrlAuthority, readMailboxActivity, scanEnvelopeIndex } from '../../../electron/evidence/envelopeIndex';
import { envelopeIndexPath, writeEnvelopeIndex } from '../../fixtures/evidence';
import { useTempHomes } from './tempHome';

const newHome = useTempHomes();
const ID = '6F1C2A9E-1111-4D2B-8A77-0C5D3E9F0001';
const OTHER = 'C0FFEE00-3333-4F4D-8C99-2E7F5AB20003';
const ACCOUNT = { id: ID, incoming: { host: 'mail.example.com' }, username: 'alice@example.com' };
const MARCH_1 = Date.UTC(2026, 2, 1) / 1000;

describe('Envelope Index', () => {
  it('gives the newest date_received and the queued local actions per account (rows only in the WAL)', async () => {
    const home = newHome();
    writeEnvelopeIndex(home, {
      mailboxes: [
        { url: `imap://${ID}/INBOX`, receivedSeconds: [MARCH_1 - 86400, MARCH_1], pendingActions: 2 },
        { url: `imap://${ID}/Sent%20Messages`, receivedSeconds: [MARCH_1 - 3600], pendingActions: 1 },
        { url: `imap://${OTHER}/INBOX`, receivedSeconds: [MARCH_1 + 86400], pendingActions: 5 },
      ],
    });
    expect(await readMailboxActivity(home, ACCOUNT)).toEqual({ outcome: { kind: 'read' }, lastMailReceivedAt: '2026-03-01T00:00:00.000Z', pendingLocalActions: 3 });
  });

  it('matches the user@host URL form, and takes values below 1e9 as Cocoa seconds', async () => {
    const home = newHome();
    const cocoaMarch1 = MARCH_1 - 978307200;
    writeEnvelopeIndex(home, {
      mailboxes: [
        { url: 'imap://alice%40example.com@mail.example.com/INBOX', receivedSeconds: [cocoaMarch1] },
        { url: 'imap://bob%40example.com@mail.example.com/INBOX', receivedSeconds: [cocoaMarch1 + 86400], pendingActions: 4 },
      ],
    });
    expect(await readMailboxActivity(home, ACCOUNT)).toEqual({ outcome: { kind: 'read' }, lastMailReceivedAt: '2026-03-01T00:00:00.000Z', pendingLocalActions: 0 });
  });

  it('reads the highest V folder', async () => {
    const home = newHome();
    writeEnvelopeIndex(home, { version: 'V9', mailboxes: [{ url: `imap://${ID}/INBOX`, receivedSeconds: [MARCH_1 - 999999] }] });
    writeEnvelopeIndex(home, { version: 'V10', mailboxes: [{ url: `imap://${ID}/INBOX`, receivedSeconds: [MARCH_1] }] });
    const scan = await scanEnvelopeIndex(home);
    expect(scan.version).toBe('V10');
    expect((await readMailboxActivity(home, ACCOUNT)).lastMailReceivedAt).toBe('2026-03-01T00:00:00.000Z');
  });

  it('says which tables are missing instead of reporting zero', async () => {
    const home = newHome();
    writeEnvelopeIndex(home, { omitTables: ['local_message_actions'], mailboxes: [{ url: `imap://${ID}/INBOX`, receivedSeconds: [MARCH_1] }] });
    expect(await readMailboxActivity(home, ACCOUNT)).toEqual({ outcome: { kind: 'read', missing: ['local_message_actions'] }, lastMailReceivedAt: '2026-03-01T00:00:00.000Z' });
    const noMessages = newHome();
    writeEnvelopeIndex(noMessages, { omitTables: ['messages'], mailboxes: [{ url: `ews://${ID}/Inbox`, pendingActions: 1 }] });
    expect(await readMailboxActivity(noMessages, ACCOUNT)).toEqual({ outcome: { kind: 'read', missing: ['messages.mailbox/date_received'] }, pendingLocalActions: 1 });
  });

  it('absent / unreadable cases, never a throw', async () => {
    expect((await readMailboxActivity(newHome(), ACCOUNT)).outcome).toEqual({ kind: 'absent', reason: 'Mail has no data folder (~/Library/Mail)' });
    const noV = newHome();
    mkdirSync(join(noV, 'Library', 'Mail', 'Bundles'), { recursive: true });
    expect((await readMailboxActivity(noV, ACCOUNT)).outcome.kind).toBe('absent');
    const noIndex = newHome();
    mkdirSync(join(noIndex, 'Library', 'Mail', 'V10', 'MailData'), { recursive: true });
    expect((await readMailboxActivity(noIndex, ACCOUNT)).outcome.kind).toBe('absent');
    const garbage = newHome();
    mkdirSync(dirname(envelopeIndexPath(garbage)), { recursive: true });
    writeFileSync(envelopeIndexPath(garbage), 'SQLite format 3\0'.padEnd(4096, '\u00ff'));
    expect((await readMailboxActivity(garbage, ACCOUNT)).outcome.kind).toBe('unreadable');
    const otherAccount = newHome();
    writeEnvelopeIndex(otherAccount, { mailboxes: [{ url: `imap://${OTHER}/INBOX`, receivedSeconds: [MARCH_1] }] });
    expect((await readMailboxActivity(otherAccount, ACCOUNT)).outcome.kind).toBe('absent');
  });

  it('parses mailbox URL authorities', () => {
    expect(mailboxUrlAuthority('imap://alice%40example.com@mail.example.com/INBOX')).toEqual({ scheme: 'imap', authority: 'alice@example.com@mail.example.com' });
    expect(mailboxUrlAuthority('local:///Drafts')).toBeUndefined();
    expect(mailboxUrlAuthority('not a url')).toBeUndefined();
  });
});
