import { mkdirSync, utimesSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONNECTION_LOG_OFF_REASON,
  NO_LOG_FOR_ACCOUNT_REASON,
  connectionLogEvidenceFor,
  readConnectionLogEvidence,
  scanConnectionLogs,
  selectorForAccounts,
  sideForServer,
} from '../../../electron/evidence/connectionLogs';
import { parseConnectionLog, parseLogTime } from '../../../electron/evidence/connectionLogParser';
import {
  CANARY_PASSWORD,
  CANARY_SASL_PLAIN,
  connectFailure,
  connectionLogFolder,
  fetchWithMailData,
  imapLoginTranscript,
  imapPlainLoginTranscript,
  logFileName,
  renderLog,
  smtpLoginTranscript,
  writeConnectionLog,
} from '../../fixtures/evidence';
import { useTempHomes } from './tempHome';

const newHome = useTempHomes();
const IMAP_UUID = '96933E76-0B0C-4F6C-9E2A-5D1E2F3A4B5C';
const SMTP_UUID = '7385EE75-1C2D-4E3F-8A9B-6C7D8E9F0A1B';
const ACCOUNT = { id: IMAP_UUID, outgoingId: SMTP_UUID, incoming: { host: 'imap.example.com', port: 993 }, outgoing: { host: 'smtp.example.com', port: 587 } };
const NOW = new Date(2026, 2, 4, 12, 0, 0);
const T1 = new Date(2026, 2, 4, 9, 12, 1, 101);
const T2 = new Date(2026, 2, 4, 9, 15, 10, 2);

function setMtime(path: string, date: Date): void {
  utimesSync(path, date, date);
}

function writeStandardLogs(home: string): void {
  const imapPath = writeConnectionLog(
    home,
    logFileName('imap.example.com', IMAP_UUID),
    renderLog([
      ...imapLoginTranscript({ host: 'imap.example.com', port: 993, at: new Date(2026, 2, 4, 8, 0, 0), result: 'accepted', tag: '1.5' }),
      ...fetchWithMailData({ host: 'imap.example.com', port: 993, at: new Date(2026, 2, 4, 8, 1, 0), secretSubject: 'Quarterly salary review' }),
      ...imapPlainLoginTranscript({ host: 'imap.example.com', port: 993, at: new Date(2026, 2, 4, 8, 30, 0), result: 'rejected' }),
      ...connectFailure({ host: 'imap.example.com', port: 993, at: new Date(2026, 2, 4, 9, 0, 0) }),
      ...connectFailure({ host: 'imap.example.com', port: 993, at: new Date(2026, 2, 4, 9, 5, 0) }),
      ...imapLoginTranscript({ host: 'imap.example.com', port: 993, at: T1, result: 'rejected' }),
    ]),
  );
  setMtime(imapPath, new Date(2026, 2, 4, 9, 12, 4));
  const smtpPath = writeConnectionLog(home, logFileName('smtp.example.com', SMTP_UUID), renderLog(smtpLoginTranscript({ host: 'smtp.example.com', port: 587, at: T2, result: 'accepted' })));
  setMtime(smtpPath, new Date(2026, 2, 4, 9, 15, 11));
}

describe('connection logs', () => {
  it('extracts the rejection on the incoming side and the acceptance on the outgoing side, with times', async () => {
    const home = newHome();
    writeStandardLogs(home);
    const evidence = await readConnectionLogEvidence(home, ACCOUNT, { now: NOW });
    expect(evidence.outcome).toEqual({ kind: 'read' });
    expect(evidence.authReplies).toEqual([
      { at: new Date(2026, 2, 4, 8, 0, 2, 400).toISOString(), side: 'incoming', host: 'imap.example.com', port: 993, result: 'accepted', serverText: 'OK [CAPABILITY IMAP4rev1 IDLE] Logged in' },
      { at: new Date(2026, 2, 4, 8, 30, 1).toISOString(), side: 'incoming', host: 'imap.example.com', port: 993, result: 'rejected', serverText: 'NO [AUTHENTICATIONFAILED] Invalid credentials' },
      { at: new Date(T1.getTime() + 2400).toISOString(), side: 'incoming', host: 'imap.example.com', port: 993, result: 'rejected', serverText: 'NO [AUTHENTICATIONFAILED] Authentication failed.' },
      { at: new Date(T2.getTime() + 900).toISOString(), side: 'outgoing', host: 'smtp.example.com', port: 587, result: 'accepted', serverText: '235 2.7.0 Authentication successful' },
    ]);
    expect(evidence.connectFailures).toEqual([
      { at: new Date(2026, 2, 4, 9, 0, 0).toISOString(), host: 'imap.example.com', port: 993 },
      { at: new Date(2026, 2, 4, 9, 5, 0).toISOString(), host: 'imap.example.com', port: 993 },
    ]);
    expect(evidence.tls).toEqual(expect.arrayContaining([
      { host: 'imap.example.com', port: 993, level: 'TLSv1_3' },
      { host: 'smtp.example.com', port: 587, level: 'TLSv1_3' },
    ]));
    expect(evidence.files.map((file) => file.name).sort()).toEqual([logFileName('imap.example.com', IMAP_UUID), logFileName('smtp.example.com', SMTP_UUID)]);
  });

  it('never returns a credential the client wrote, nor mail data', async () => {
    const home = newHome();
    writeStandardLogs(home);
    const json = JSON.stringify(await readConnectionLogEvidence(home, ACCOUNT, { now: NOW }));
    for (const canary of [CANARY_PASSWORD, CANARY_SASL_PLAIN, CANARY_SASL_PLAIN.slice(4, 24), 'Quarterly salary review', 'AUTHENTICATE', 'AUTH PLAIN', 'LOGIN alice']) {
      expect(json).not.toContain(canary);
    }
  });

  it('reads a multi-line SMTP 535 as a rejection with the server words', async () => {
    const home = newHome();
    writeConnectionLog(home, logFileName('smtp.example.com', SMTP_UUID), renderLog(smtpLoginTranscript({ host: 'smtp.example.com', port: 587, at: T2, result: 'rejected' })));
    const evidence = await readConnectionLogEvidence(home, ACCOUNT, { now: NOW });
    expect(evidence.authReplies).toEqual([
      expect.objectContaining({ side: 'outgoing', result: 'rejected', serverText: '535 5.7.8 Username and Password not accepted. 5.7.8 Error: authentication failed' }),
    ]);
    expect(evidence.tls).toEqual([{ host: 'smtp.example.com', port: 587, level: 'TLSv1_3' }]);
  });

  it('an absent log folder means connection logging is off', async () => {
    const evidence = await readConnectionLogEvidence(newHome(), ACCOUNT, { now: NOW });
    expect(evidence.outcome).toEqual({ kind: 'absent', reason: CONNECTION_LOG_OFF_REASON });
    const empty = newHome();
    mkdirSync(connectionLogFolder(empty), { recursive: true });
    expect((await readConnectionLogEvidence(empty, ACCOUNT, { now: NOW })).outcome).toEqual({ kind: 'absent', reason: CONNECTION_LOG_OFF_REASON });
  });

  it('logs of other servers only: logging is on, but not for this account', async () => {
    const home = newHome();
    writeConnectionLog(home, logFileName('imap.other.test', IMAP_UUID.replace('9', '1')), renderLog(imapLoginTranscript({ host: 'imap.other.test', port: 993, at: T1, result: 'rejected' })));
    const evidence = await readConnectionLogEvidence(home, ACCOUNT, { now: NOW });
    expect(evidence.outcome).toEqual({ kind: 'absent', reason: NO_LOG_FOR_ACCOUNT_REASON });
    expect(evidence.authReplies).toEqual([]);
  });

  it('a truncated last block loses only the unfinished line', async () => {
    const home = newHome();
    const complete = renderLog(imapLoginTranscript({ host: 'imap.example.com', port: 993, at: new Date(2026, 2, 4, 8, 0, 0), result: 'accepted', tag: '1.5' }));
    const cut = renderLog(imapLoginTranscript({ host: 'imap.example.com', port: 993, at: T1, result: 'rejected' }));
    writeConnectionLog(home, logFileName('imap.example.com', IMAP_UUID), complete + cut.slice(0, cut.lastIndexOf('NO [AUTHENTICATIONFAILED]') + 8));
    const evidence = await readConnectionLogEvidence(home, ACCOUNT, { now: NOW });
    expect(evidence.outcome.kind).toBe('read');
    expect(evidence.authReplies.map((reply) => reply.result)).toEqual(['accepted']);
  });

  it('decodes non-UTF-8 bytes tolerantly and still finds the replies around them', async () => {
    const home = newHome();
    const before = Buffer.from(renderLog(fetchWithMailData({ host: 'imap.example.com', port: 993, at: new Date(2026, 2, 4, 8, 0, 0), secretSubject: 'x' })));
    const latin1 = Buffer.from('READ Mar  4 08:05:00.000 [TLSv1_3] -- host:imap.example.com -- port:993 -- socket:0x600003e1c000\n* 2 FETCH (BODY[] {9}\nR\xe9sum\xe9 \xff\xfe\x80\n\n', 'latin1');
    const after = Buffer.from(renderLog(imapLoginTranscript({ host: 'imap.example.com', port: 993, at: T1, result: 'rejected' })));
    writeConnectionLog(home, logFileName('imap.example.com', IMAP_UUID), Buffer.concat([before, latin1, after]));
    const evidence = await readConnectionLogEvidence(home, ACCOUNT, { now: NOW });
    expect(evidence.authReplies).toEqual([expect.objectContaining({ result: 'rejected', serverText: 'NO [AUTHENTICATIONFAILED] Authentication failed.' })]);
  });

  it('garbage files yield no evidence and no crash', async () => {
    const home = newHome();
    const random = Buffer.alloc(256 * 1024);
    for (let index = 0; index < random.length; index += 1) random[index] = (index * 7919 + 13) % 256;
    writeConnectionLog(home, logFileName('imap.example.com', IMAP_UUID), random);
    writeConnectionLog(home, 'notes.txt', 'READ host: -- port:\nWROTE\n\n\n' + 'x'.repeat(10000));
    const evidence = await readConnectionLogEvidence(home, ACCOUNT, { now: NOW });
    expect(evidence.outcome).toEqual({ kind: 'absent', reason: NO_LOG_FOR_ACCOUNT_REASON });
    expect(evidence.authReplies).toEqual([]);
    expect(evidence.connectFailures).toEqual([]);
  });

  it('a connect still in progress at the end of the file is not a failure', () => {
    const text = renderLog(connectFailure({ host: 'imap.example.com', port: 993, at: new Date(NOW.getTime() - 10_000) }));
    const servers = parseConnectionLog(text, { fileModified: NOW, now: NOW, startsMidFile: false });
    expect(servers.get('imap.example.com:993')?.connectFailures).toEqual([]);
  });

  it('the first line of a tail that starts mid-file is dropped', () => {
    const text = `mail.example.com -- port:993 -- socket:0x1\n${renderLog(connectFailure({ host: 'imap.example.com', port: 993, at: T1 }))}`;
    const servers = parseConnectionLog(text, { fileModified: NOW, now: NOW, startsMidFile: true });
    expect([...servers.keys()]).toEqual(['imap.example.com:993']);
  });

  it('two accounts on one server get only the file named by their own UUID', async () => {
    const home = newHome();
    const bobId = 'B0B00000-4444-4A4A-8B8B-0000000000B0';
    writeConnectionLog(home, logFileName('imap.example.com', IMAP_UUID), renderLog(imapLoginTranscript({ host: 'imap.example.com', port: 993, at: T1, result: 'rejected' })));
    writeConnectionLog(home, logFileName('imap.example.com', bobId), renderLog(imapLoginTranscript({ host: 'imap.example.com', port: 993, at: T2, result: 'accepted' })));
    const bob = { id: bobId, incoming: { host: 'imap.example.com', port: 993 } };
    const scan = await scanConnectionLogs(home, selectorForAccounts([ACCOUNT, bob]), { now: NOW });
    const ids = new Set([IMAP_UUID, SMTP_UUID, bobId]);
    expect(connectionLogEvidenceFor(scan, ACCOUNT, ids).authReplies.map((reply) => reply.result)).toEqual(['rejected']);
    expect(connectionLogEvidenceFor(scan, bob, ids).authReplies.map((reply) => reply.result)).toEqual(['accepted']);
  });
});

describe('sideForServer', () => {
  const shared = { id: 'x', incoming: { host: 'mail.example.com', port: 993 }, outgoing: { host: 'Mail.Example.com.', port: 587 } };
  it.each([
    ['mail.example.com', 993, 'incoming'],
    ['mail.example.com', 587, 'outgoing'],
    ['mail.example.com', 465, 'outgoing'],
    ['mail.example.com', 143, 'incoming'],
    ['mail.example.com', 4190, undefined],
    ['other.example.com', 993, undefined],
  ] as const)('%s:%d -> %s', (host, port, side) => {
    expect(sideForServer(host, port, shared)).toBe(side);
  });
  it('uses the host alone when only one side has it', () => {
    expect(sideForServer('imap.example.com', 143, ACCOUNT)).toBe('incoming');
    expect(sideForServer('smtp.example.com', 465, ACCOUNT)).toBe('outgoing');
  });
});

describe('parseLogTime', () => {
  it('places a year-less time in the year before the file was modified', () => {
    expect(parseLogTime('Dec 31 11:39:39.264 host:x', new Date(2026, 0, 1, 0, 5))).toBe(new Date(2025, 11, 31, 11, 39, 39, 264).toISOString());
    expect(parseLogTime('Mar  4 09:12:01.101 [TLSv1_3]', new Date(2026, 2, 4, 10))).toBe(new Date(2026, 2, 4, 9, 12, 1, 101).toISOString());
  });
  it('accepts an ISO-style time and rejects nonsense', () => {
    expect(parseLogTime('2026-03-04 09:12:01.5+01:00 host:x', new Date())).toBe('2026-03-04T08:12:01.500Z');
    expect(parseLogTime('Foo 99 99:99:99', new Date())).toBeUndefined();
  });
});
