// STARTTLS withdrawn, through the whole diagnosis (runDiagnosis with the real probes and a real login ledger):
// offered and then refused on the same connection, or offered on one of the run's connections to a server and
// not on another. No credential leaves, nothing is counted against the login budget, and the server result
// says `starttls-withdrawn` (never "server unavailable").
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerSettings } from '../../../shared/model/account';
import type { DiagnosisRun } from '../../../shared/diagnosis/types';
import { LEDGER_FILE_NAME } from '../../../electron/diagnosis/loginBudget';
import type { DiagnosisTarget } from '../../../electron/diagnosis/runDiagnosis';
import { Secret } from '../../../electron/keychain/secret';
import { loadTestPki } from '../../servers/certs';
import { startHostileServer, type HostileServer, type HostileStep } from '../../servers/faults';
import { useMailServers, type MailServersInfo } from '../../servers/useMailServers';
import { typedPasswordAccount } from '../../fixtures/typedAccount';
import { useRigDiagnosis } from './helpers';

const USER = 'alice@example.test';
const PASSWORD = 'Never-Sent-7!';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
  cleanups = [];
});

async function hostile(script: (index: number) => HostileStep[]): Promise<HostileServer> {
  const server = await startHostileServer({ script });
  cleanups.push(() => server.close());
  return server;
}

function starttls(info: MailServersInfo, protocol: ServerSettings['protocol'], port: number): ServerSettings {
  return { protocol, host: info.goodName, port, tls: 'starttls', username: USER, authenticationEnabled: true };
}

const rigDiagnosis = useRigDiagnosis();

async function diagnose(info: MailServersInfo, targets: DiagnosisTarget[]): Promise<{ run: DiagnosisRun; ledger: string }> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'md-withdrawn-'));
  cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
  const { run } = await rigDiagnosis(info, targets, { stateDir, phaseTimeoutMs: 3000 });
  const ledger = await readFile(path.join(stateDir, LEDGER_FILE_NAME), 'utf8').catch(() => '{"entries":[]}');
  return { run, ledger };
}

const withPassword = (account: ReturnType<typeof typedPasswordAccount>): DiagnosisTarget => ({
  account,
  passwords: { incoming: new Secret(PASSWORD), outgoing: new Secret(PASSWORD) },
});

describe('STARTTLS withdrawn', () => {
  it('offered, then refused on the same connection (IMAP and SMTP): no login, nothing counted, withdrawn', async () => {
    const info = useMailServers();
    const imap = await hostile(() => [
      { write: '* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] hello\r\n' },
      { readUntil: 'STARTTLS\r\n' },
      { write: 'md1 NO STARTTLS is not available\r\n' },
      { waitMs: 2000 },
      { end: true },
    ]);
    const smtp = await hostile(() => [
      { write: '220 hello ESMTP\r\n' },
      { readUntil: /EHLO [^\r\n]*\r\n/ },
      { write: '250-hello Hello [127.0.0.1]\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n' },
      { readUntil: 'STARTTLS\r\n' },
      { write: '454 4.7.0 TLS not available\r\n' },
      { waitMs: 2000 },
      { end: true },
    ]);
    const account = typedPasswordAccount({ id: 'same', emailAddress: USER, incoming: starttls(info, 'imap', imap.port), outgoing: starttls(info, 'smtp', smtp.port) });
    const { run, ledger } = await diagnose(info, [withPassword(account)]);
    for (const role of ['incoming', 'outgoing'] as const) {
      const probe = run.accounts[0]?.probes[role];
      expect(probe?.tls).toEqual({ kind: 'starttls-withdrawn', advertisedOn: 'same-connection' });
      expect(probe?.login).toEqual({ kind: 'skipped', reason: 'connection-failed' });
    }
    for (const server of [imap, smtp]) {
      expect(server.connections()).toBe(1);
      expect(server.received()[0]).not.toContain(PASSWORD);
      expect(server.received()[0]).not.toMatch(/AUTH|LOGIN/);
    }
    expect((JSON.parse(ledger) as { entries: unknown[] }).entries).toEqual([]);
    expect(run.accounts[0]?.findings.some((finding) => finding.code === 'SERVER_UNAVAILABLE')).toBe(false);
  });

  it("offered on one of the run's connections to a server and not on another: the other is withdrawn, nothing counted there", async () => {
    const info = useMailServers();
    const pki = await loadTestPki(info.dataDir);
    // Whichever account connects first is offered STARTTLS (and gets TLS), the second is not.
    const imap = await hostile((index) =>
      index === 0
        ? [
            { write: '* OK [CAPABILITY IMAP4rev1 STARTTLS] hello\r\n' },
            { readUntil: 'STARTTLS\r\n' },
            { write: 'md1 OK begin TLS now\r\n' },
            { startTls: pki.good },
            { readUntil: 'CAPABILITY\r\n' },
            { reply: (reads) => `* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${(reads[reads.length - 1] ?? '').split(' ')[0] ?? ''} OK done\r\n` },
            { readUntil: 'LOGIN' },
            { reply: (reads) => `${(reads[reads.length - 1] ?? '').split(' ')[0] ?? ''} NO [AUTHENTICATIONFAILED] Authentication failed.\r\n` },
            { waitMs: 500 },
            { end: true },
          ]
        : [{ write: '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hello\r\n' }, { waitMs: 2000 }, { end: true }],
    );
    const accounts = ['first', 'second'].map((id) => typedPasswordAccount({ id, emailAddress: USER, incoming: starttls(info, 'imap', imap.port), outgoing: null }));
    const { run, ledger } = await diagnose(info, accounts.map(withPassword));
    const outcomes = run.accounts.map((account) => account.probes.incoming?.tls?.kind).sort();
    expect(outcomes).toEqual(['established', 'starttls-withdrawn']);
    const withdrawn = run.accounts.find((account) => account.probes.incoming?.tls?.kind === 'starttls-withdrawn')?.probes.incoming;
    expect(withdrawn?.tls).toEqual({ kind: 'starttls-withdrawn', advertisedOn: 'other-connection' });
    expect(withdrawn?.login).toEqual({ kind: 'skipped', reason: 'connection-failed' });
    // The connection that was offered STARTTLS got TLS and the one login; the other got nothing at all.
    expect(imap.received()[1]).toBe('');
    const entries = (JSON.parse(ledger) as { entries: { state: string }[] }).entries;
    expect(entries.map((entry) => entry.state)).toEqual(['failure']);
  });
});
