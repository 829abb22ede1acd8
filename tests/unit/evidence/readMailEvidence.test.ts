import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMailEvidence, readMailEvidenceForAccounts } from '../../../electron/evidence/readMailEvidence';
import { CONNECTION_LOG_OFF_REASON } from '../../../electron/evidence/connectionLogs';
import type { MailEvidence } from '../../../shared/model/evidence';
import {
  CANARY_PASSWORD,
  CANARY_SASL_PLAIN,
  accounts4Path,
  connectionLogFolder,
  envelopeIndexPath,
  imapLoginTranscript,
  logFileName,
  renderLog,
  smtpLoginTranscript,
  writeAccounts4Credentials,
  writeEnvelopeIndex,
  writeLogShowStandIn,
  writeMailEvidenceFixtures,
  writeSparseConnectionLog,
  RECORDED_NDJSON_LINES,
} from '../../fixtures/evidence';
import { useTempHomes } from './tempHome';

const newHome = useTempHomes();
const ID = '6F1C2A9E-1111-4D2B-8A77-0C5D3E9F0001';
const SMTP_ID = '9A2D7B10-2222-4E3C-9B88-1D6E4FA10002';
const BOB = 'B0B00000-4444-4A4A-8B8B-0000000000B0';
const ACCOUNT = { id: ID, outgoingId: SMTP_ID, incoming: { host: 'imap.example.com', port: 993 }, outgoing: { host: 'smtp.example.com', port: 587 }, username: 'alice@example.com' };
const NOW = new Date(2026, 2, 4, 12, 0, 0);
const REJECTED_AT = new Date(2026, 2, 4, 9, 0, 0);
const CHILD = join(import.meta.dirname, 'readerChild.ts');

function mismatchHome(): string {
  const home = newHome();
  writeMailEvidenceFixtures(home, {
    accounts4: { rows: [{ identifier: ID, renewalRejectedAt: REJECTED_AT, authenticated: true }, { identifier: SMTP_ID, typeIdentifier: 'com.apple.account.SMTP' }] },
    connectionLogs: {
      [logFileName('imap.example.com', ID)]: imapLoginTranscript({ host: 'imap.example.com', port: 993, at: new Date(2026, 2, 4, 9, 12, 1), result: 'rejected' }),
      [logFileName('smtp.example.com', SMTP_ID)]: smtpLoginTranscript({ host: 'smtp.example.com', port: 587, at: new Date(2026, 2, 4, 9, 15, 10), result: 'accepted' }),
    },
    envelopeIndex: { mailboxes: [{ url: `imap://${ID}/INBOX`, receivedSeconds: [Date.UTC(2026, 1, 20) / 1000], pendingActions: 3 }] },
  });
  return home;
}

function runChild(input: object, extra: { uid?: number; gid?: number; nodeArgs?: string[] } = {}): { evidence: MailEvidence; rssGrowthKb: number } {
  const output = execFileSync(process.execPath, [...(extra.nodeArgs ?? []), '--import', 'tsx', CHILD, JSON.stringify(input)], {
    cwd: join(import.meta.dirname, '..', '..', '..'),
    encoding: 'utf8',
    ...(extra.uid !== undefined ? { uid: extra.uid, gid: extra.gid ?? extra.uid } : {}),
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tests/tsconfig.json' },
  });
  return JSON.parse(output) as { evidence: MailEvidence; rssGrowthKb: number };
}

describe('readMailEvidence', () => {
  it('composes every source for an account whose password cannot be read', async () => {
    const home = mismatchHome();
    const standIn = writeLogShowStandIn(join(home, 'bin'), { kind: 'print', lines: RECORDED_NDJSON_LINES });
    const evidence = await readMailEvidence({
      home,
      account: ACCOUNT,
      now: NOW,
      options: { unifiedLog: { platform: 'darwin', logTool: standIn.tool, isAdministrator: () => Promise.resolve(true) } },
    });
    expect(evidence.credentialState).toMatchObject({ outcome: { kind: 'read' }, renewalRejectedAt: REJECTED_AT.toISOString(), renewalRejectedOn: 'incoming', promptSuppressedUntil: new Date(REJECTED_AT.getTime() + 86_400_000).toISOString() });
    expect(evidence.connectionLog.authReplies.map((reply) => [reply.side, reply.result])).toEqual([['incoming', 'rejected'], ['outgoing', 'accepted']]);
    expect(evidence.mailbox).toEqual({ outcome: { kind: 'read' }, lastMailReceivedAt: '2026-02-20T00:00:00.000Z', pendingLocalActions: 3 });
    expect(evidence.unifiedLog.events.map((event) => event.kind)).toEqual(['login-succeeded', 'renewal-declined-identical', 'renewal-rate-limited']);
    const json = JSON.stringify(evidence);
    expect(json).not.toContain(CANARY_PASSWORD);
    expect(json).not.toContain(CANARY_SASL_PLAIN);
  });

  it('an empty home yields one outcome per source, no throw', async () => {
    const evidence = await readMailEvidence({ home: newHome(), account: ACCOUNT, now: NOW, options: { unifiedLog: { platform: 'linux' } } });
    expect(evidence.credentialState.outcome.kind).toBe('absent');
    expect(evidence.connectionLog.outcome).toEqual({ kind: 'absent', reason: CONNECTION_LOG_OFF_REASON });
    expect(evidence.mailbox.outcome.kind).toBe('absent');
    expect(evidence.unifiedLog.outcome.kind).toBe('not-applicable');
  });

  it('many accounts: each gets its own part of the shared stores', async () => {
    const home = mismatchHome();
    writeAccounts4Credentials(home, { rows: [{ identifier: BOB, authenticated: true }] });
    writeEnvelopeIndex(home, {
      mailboxes: [
        { url: `imap://${ID}/INBOX`, receivedSeconds: [Date.UTC(2026, 1, 20) / 1000], pendingActions: 3 },
        { url: `imap://${BOB}/INBOX`, receivedSeconds: [Date.UTC(2026, 2, 4) / 1000] },
      ],
    });
    const bob = { id: BOB, incoming: { host: 'imap.example.com', port: 993 }, outgoing: { host: 'smtp.example.com', port: 587 } };
    const all = await readMailEvidenceForAccounts({ home, accounts: [ACCOUNT, bob], now: NOW, options: { unifiedLog: false } });
    expect(all.get(ID)?.credentialState.renewalRejectedAt).toBe(REJECTED_AT.toISOString());
    expect(all.get(BOB)?.credentialState).toEqual({ outcome: { kind: 'read' }, authenticatedFlag: true });
    // The log files are named by Alice's UUIDs: Bob shares the servers but not the files.
    expect(all.get(BOB)?.connectionLog.outcome.kind).toBe('absent');
    expect(all.get(ID)?.connectionLog.authReplies).toHaveLength(2);
    expect(all.get(BOB)?.mailbox.lastMailReceivedAt).toBe('2026-03-04T00:00:00.000Z');
    expect(all.get(ID)?.mailbox.pendingLocalActions).toBe(3);
  });

  it('keeps memory bounded on a 2 GB sparse log: only the tail is read', () => {
    const home = newHome();
    const head = renderLog(imapLoginTranscript({ host: 'imap.example.com', port: 993, at: new Date(2026, 2, 1, 8, 0, 0), result: 'rejected', tag: '9.99' }));
    const tail = renderLog(imapLoginTranscript({ host: 'imap.example.com', port: 993, at: new Date(2026, 2, 4, 9, 0, 0), result: 'accepted' }));
    const path = writeSparseConnectionLog(home, logFileName('imap.example.com', ID), 2 * 1024 ** 3, head, tail);
    expect(statSync(path).size).toBe(2 * 1024 ** 3);
    const { evidence, rssGrowthKb } = runChild({ home, account: ACCOUNT, now: NOW.toISOString() }, { nodeArgs: ['--max-old-space-size=64'] });
    // Only the tail's acceptance: the rejection at the head is 2 GB away, outside the 2 MiB tail.
    expect(evidence.connectionLog.authReplies.map((reply) => reply.result)).toEqual(['accepted']);
    expect(evidence.connectionLog.files).toEqual([expect.objectContaining({ bytes: 2 * 1024 ** 3 })]);
    // Peak RSS grows by far less than the file: a 2 MiB buffer plus its decoded text and parse state.
    expect(rssGrowthKb).toBeLessThan(48 * 1024);
  });

  it('a hostile home: a FIFO as the log, /dev/zero as the stores — clear outcomes at once, nothing waited on or loaded', async () => {
    const home = newHome();
    mkdirSync(connectionLogFolder(home), { recursive: true });
    execFileSync('mkfifo', [join(connectionLogFolder(home), logFileName('imap.example.com', ID))]);
    mkdirSync(dirname(accounts4Path(home)), { recursive: true });
    symlinkSync('/dev/zero', accounts4Path(home));
    mkdirSync(dirname(envelopeIndexPath(home)), { recursive: true });
    execFileSync('mkfifo', [envelopeIndexPath(home)]);
    const started = Date.now();
    const evidence = await readMailEvidence({ home, account: ACCOUNT, now: NOW, options: { unifiedLog: false } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(evidence.credentialState.outcome).toEqual({ kind: 'unreadable', reason: 'Accounts4.sqlite is a device, not a regular file' });
    expect(evidence.mailbox.outcome).toEqual({ kind: 'unreadable', reason: 'Envelope Index is a FIFO, not a regular file' });
    expect(evidence.connectionLog.outcome).toEqual({ kind: 'unreadable', reason: `${logFileName('imap.example.com', ID)}: not a regular file` });
  });

  it('reports Full Disk Access needed when the stores are not readable by the user (EACCES, run as nobody)', () => {
    const home = mismatchHome();
    chmodSync(home, 0o755);
    chmodSync(join(home, 'Library'), 0o755);
    chmodSync(join(home, 'Library', 'Accounts'), 0o700);
    chmodSync(join(home, 'Library', 'Mail'), 0o700);
    chmodSync(connectionLogFolder(home), 0o700);
    const { evidence } = runChild({ home, account: ACCOUNT, now: NOW.toISOString() }, { uid: 65534, gid: 65534 });
    expect(evidence.credentialState.outcome.kind).toBe('full-disk-access-needed');
    expect(evidence.connectionLog.outcome).toEqual({ kind: 'full-disk-access-needed', path: connectionLogFolder(home) });
    expect(evidence.mailbox.outcome).toEqual({ kind: 'full-disk-access-needed', path: join(home, 'Library', 'Mail') });
  });
});
