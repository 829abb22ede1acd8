// Servers are untrusted input: hostile servers that echo the client's own AUTH line back into their refusal
// (IMAP LOGIN and AUTHENTICATE PLAIN, SMTP AUTH PLAIN's base64, POP3 PASS). The whole diagnosis runs against
// them (runDiagnosis with the real probes): the credential reaches the server (its own record says so), and
// in no encoding anywhere in what the run produced; each server result says it was scrubbed.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MailProtocol, ServerSettings } from '../../../shared/model/account';
import { createSecretScrubber } from '../../../electron/keychain/secretForms';
import { Secret } from '../../../electron/keychain/secret';
import { loadTestPki } from '../../servers/certs';
import { startHostileServer, type HostileServer, type HostileStep } from '../../servers/faults';
import { useMailServers, type MailServersInfo } from '../../servers/useMailServers';
import { typedPasswordAccount } from '../../fixtures/typedAccount';
import { type RigDiagnosis, useRigDiagnosis } from './helpers';

const USER = 'alice@example.test';
const PASSWORD = 'Echo-Me-9!';

let servers: HostileServer[] = [];
let stateDirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await Promise.all(stateDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  servers = [];
  stateDirs = [];
});

/** The last line read, without CRLF. */
const last = (reads: readonly string[], back = 1): string => (reads[reads.length - back] ?? '').trim();
const tagOf = (line: string): string => line.split(' ')[0] ?? '*';

const SCRIPTS: Record<string, HostileStep[]> = {
  'IMAP LOGIN': [
    { write: '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hostile ready\r\n' },
    { readUntil: /LOGIN [^\r\n]*\r\n/ },
    { reply: (reads) => `${tagOf(last(reads))} NO [AUTHENTICATIONFAILED] Authentication failed: ${last(reads)}\r\n` },
    { waitMs: 300 },
    { end: true },
  ],
  'IMAP AUTHENTICATE PLAIN': [
    { write: '* OK [CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=PLAIN] hostile ready\r\n' },
    { readUntil: /AUTHENTICATE PLAIN\r\n/ },
    { write: '+ \r\n' },
    { readUntil: '\r\n' },
    { reply: (reads) => `${tagOf(last(reads, 2))} NO [AUTHENTICATIONFAILED] Bad credentials ${last(reads)}\r\n` },
    { waitMs: 300 },
    { end: true },
  ],
  'SMTP AUTH PLAIN': [
    { write: '220 hostile ESMTP\r\n' },
    { readUntil: /EHLO [^\r\n]*\r\n/ },
    { write: '250-hostile Hello [127.0.0.1]\r\n250 AUTH PLAIN LOGIN\r\n' },
    { readUntil: /AUTH PLAIN [^\r\n]*\r\n/ },
    { reply: (reads) => `535 5.7.8 Authentication credentials invalid: ${last(reads).split(' ')[2] ?? ''}\r\n` },
    { waitMs: 300 },
    { end: true },
  ],
  'POP3 PASS': [
    { write: '+OK hostile POP3 ready\r\n' },
    { readUntil: 'CAPA\r\n' },
    { write: '+OK\r\nUSER\r\n.\r\n' },
    { readUntil: /USER [^\r\n]*\r\n/ },
    { write: '+OK\r\n' },
    { readUntil: /PASS [^\r\n]*\r\n/ },
    { reply: (reads) => `-ERR [AUTH] Invalid login: ${last(reads)}\r\n` },
    { waitMs: 300 },
    { end: true },
  ],
};

async function hostile(info: MailServersInfo, script: HostileStep[]): Promise<HostileServer> {
  const pki = await loadTestPki(info.dataDir);
  // Implicit TLS with the good certificate: the probe verifies it, so the login really goes out.
  const server = await startHostileServer({ script, tls: pki.good });
  servers.push(server);
  return server;
}

function settings(info: MailServersInfo, protocol: MailProtocol, port: number): ServerSettings {
  return { protocol, host: info.goodName, port, tls: 'implicit', username: USER, authenticationEnabled: true };
}

const rigDiagnosis = useRigDiagnosis();

async function diagnose(info: MailServersInfo, incoming: ServerSettings | null, outgoing: ServerSettings | null): Promise<RigDiagnosis> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'md-echo-'));
  stateDirs.push(stateDir);
  const password = new Secret(PASSWORD);
  const account = typedPasswordAccount({ id: 'echo', emailAddress: USER, incoming, outgoing });
  return rigDiagnosis(info, [{ account, passwords: { incoming: password, outgoing: password } }], { stateDir, phaseTimeoutMs: 3000 });
}

/** Every encoded form of the password (and the SASL PLAIN blob with the user): none may appear. */
function expectNoSecretIn(text: string): void {
  expect(createSecretScrubber([{ secret: PASSWORD, username: USER }]).firstLeak(text)).toBeNull();
  expect(text).not.toContain(PASSWORD);
}

describe('servers that echo the credential into their refusal', () => {
  it('IMAP LOGIN (incoming) and SMTP AUTH PLAIN base64 (outgoing): refused, scrubbed at the source, flagged', async () => {
    const info = useMailServers();
    const imap = await hostile(info, SCRIPTS['IMAP LOGIN'] ?? []);
    const smtp = await hostile(info, SCRIPTS['SMTP AUTH PLAIN'] ?? []);
    const { run, events } = await diagnose(info, settings(info, 'imap', imap.port), settings(info, 'smtp', smtp.port));
    // The credential did reach both servers: the echo was real.
    expect(imap.received()[0]).toContain(PASSWORD);
    expect(smtp.received()[0]).toContain(Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64'));
    // Our EHLO name is an address literal of our end, never the Mac's name.
    expect(smtp.received()[0]).toMatch(/^EHLO \[127\.0\.0\.1\]\r\n/);
    const probes = run.accounts[0]?.probes;
    expect(probes?.incoming?.login).toMatchObject({ kind: 'rejected', responseCode: 'AUTHENTICATIONFAILED' });
    expect(probes?.incoming?.login.kind === 'rejected' && probes.incoming.login.serverText).toContain('[redacted]');
    expect(probes?.outgoing?.login).toMatchObject({ kind: 'rejected', responseCode: '535', serverText: '535 5.7.8 Authentication credentials invalid: [redacted]' });
    expect(probes?.incoming?.secretScrubbed).toBe(true);
    expect(probes?.outgoing?.secretScrubbed).toBe(true);
    expectNoSecretIn(JSON.stringify({ run, events }));
  });

  for (const [name, protocol] of [['IMAP AUTHENTICATE PLAIN', 'imap'], ['POP3 PASS', 'pop3']] as const) {
    it(`${name}: refused, the echoed credential scrubbed, flagged`, async () => {
      const info = useMailServers();
      const server = await hostile(info, SCRIPTS[name] ?? []);
      const { run, events } = await diagnose(info, settings(info, protocol, server.port), null);
      const received = server.received()[0] ?? '';
      expect(received.includes(PASSWORD) || received.includes(Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64'))).toBe(true);
      const incoming = run.accounts[0]?.probes.incoming;
      expect(incoming?.login.kind).toBe('rejected');
      expect(incoming?.login.kind === 'rejected' && incoming.login.serverText).toContain('[redacted]');
      expect(incoming?.secretScrubbed).toBe(true);
      expectNoSecretIn(JSON.stringify({ run, events }));
    });
  }
});
