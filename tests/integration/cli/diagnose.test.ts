/**
 * `mail-doctor diagnose --json` end to end: the real CLI process, the real loopback Dovecot/Exim/dnsmasq,
 * real fixture Mac homes. These are the "done when" checks of the probes, the verdict and Mail's evidence.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMacHome } from '../../fixtures/buildMacHome';
import type { MacHome } from '../../fixtures/buildMacHome';
import type { FixtureAccount } from '../../fixtures/writers/accountsDatabase';
import { imapLoginTranscript, logFileName, smtpLoginTranscript, toCocoaSeconds, writeMailEvidenceFixtures } from '../../fixtures/evidence';
import { dropPort, firewallFaultsUnavailableReason, startFaultProxy } from '../../servers/faults';
import type { MailServersInfo } from '../../servers/types';
import { settledMatchingLines } from '../login/helpers';
import { commonArgs, parseCliJson, runCliProcess, temporaryDir, useCliTestEnvironment } from './support';

const { cleanups, setup } = useCliTestEnvironment('md-cli-state-');

function manualArgs(info: MailServersInfo, options: { host?: string; imapPort?: number; smtpPort?: number; username?: string } = {}): string[] {
  const host = options.host ?? info.goodName;
  return [
    'diagnose', '--manual', '--email', options.username ?? info.users.alice.address,
    '--incoming', `imap://${host}:${options.imapPort ?? info.imap.implicit}?tls=implicit`,
    '--outgoing', `smtp://${host}:${options.smtpPort ?? info.smtp.starttls}?tls=starttls`,
    '--password-stdin',
  ];
}

describe('mail-doctor diagnose --manual against the real servers', () => {
  it('a healthy account: verdict OK, exit 0, public IP from the SMTP EHLO echo', async () => {
    const { info, web, stateDir } = await setup();
    const result = await runCliProcess([...manualArgs(info), ...commonArgs(info, web, stateDir)], { stdin: `${info.users.alice.password}\n` });
    const json = parseCliJson(result);
    expect(json.accounts[0]?.verdict.code, result.stdout).toBe('OK');
    expect(result.code).toBe(0);
    expect(json.accounts[0]?.servers.incoming?.login.kind).toBe('accepted');
    expect(json.accounts[0]?.servers.outgoing?.login.kind).toBe('accepted');
    expect(json.publicIp).toEqual({ kind: 'found', ip: '127.0.0.1', from: 'smtp-ehlo' });
    expect(json.accounts[0]?.steps.map((s) => s.id)).toEqual([
      'restart', 'internet', 'webmail', 'server-reachable', 'incoming-login', 'outgoing', 'ip-blocked', 'admin-reset', 'contact-host',
    ]);
  });

  it('--markdown prints the support report a helpdesk can paste into a ticket', async () => {
    const { info, web, stateDir } = await setup();
    const args = [...manualArgs(info), ...commonArgs(info, web, stateDir).filter((arg) => arg !== '--json'), '--markdown'];
    const result = await runCliProcess(args, { stdin: `${info.users.alice.password}\n` });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# /);
    expect(result.stdout).toContain(info.goodName);
    expect(result.stdout).toContain('Nothing wrong found');
    expect(result.stdout).not.toContain(info.users.alice.password);
    expect(result.stderr).toBe('');
  });

  it('a wrong password: both servers refuse it, exit 1, and the password never reaches the output', async () => {
    const { info, web, stateDir } = await setup();
    const wrong = `Wrong-${randomUUID()}`;
    const result = await runCliProcess([...manualArgs(info), ...commonArgs(info, web, stateDir)], { stdin: `${wrong}\n` });
    const json = parseCliJson(result);
    expect(result.code).toBe(1);
    expect(json.accounts[0]?.verdict.code).toBe('IMAP_AUTH_REJECTED');
    expect(json.accounts[0]?.findings.map((f) => f.code)).toContain('SMTP_AUTH_REJECTED');
    expect(result.stdout + result.stderr).not.toContain(wrong);
  });

  it('an international host name is looked up in its DNS form (no EBADNAME) and shown in both forms', async () => {
    const { info, web, stateDir } = await setup();
    const result = await runCliProcess(
      [
        'diagnose', '--manual', '--email', info.users.alice.address,
        '--incoming', `imap://mäil.${info.dns.zone}:${info.imap.implicit}?tls=implicit`,
        '--outgoing', `smtp://mäil.${info.dns.zone}:${info.smtp.starttls}?tls=starttls`,
        '--no-login', ...commonArgs(info, web, stateDir).filter((arg) => arg !== '--json'),
      ],
    );
    // The rig's zone has no such name: the resolver was asked for the A-label and said so.
    expect(result.stdout).toContain(`xn--mil-qla.${info.dns.zone} (mäil.${info.dns.zone})`);
    expect(result.stdout + result.stderr).not.toContain('EBADNAME');
    expect(result.stdout + result.stderr).not.toContain('%C3%A4');
  });

  it('a certificate for another name: TLS_HOSTNAME_MISMATCH naming the name the certificate carries, no login sent', async () => {
    const { info, web, stateDir } = await setup();
    const result = await runCliProcess([...manualArgs(info, { host: info.badCerts.wrongHost.dnsName }), ...commonArgs(info, web, stateDir)], {
      stdin: `${info.users.alice.password}\n`,
    });
    const json = parseCliJson(result);
    const account = json.accounts[0];
    expect(account?.verdict.code).toBe('TLS_HOSTNAME_MISMATCH');
    expect(JSON.stringify(account?.verdict.params)).toContain('server.hostingco.test');
    expect(account?.verdict.nextStep).toContain('hostingco.test');
    expect(account?.servers.incoming?.login).toMatchObject({ kind: 'skipped', reason: 'certificate-invalid' });
  });

  it('mail ports silently dropped while the web server answers: IP_BLOCKED_FIREWALL_DROP within the deadline', async (context) => {
    const reason = firewallFaultsUnavailableReason();
    if (reason !== undefined) {
      if (process.env.CI === 'true') throw new Error(`firewall faults must run under CI: ${reason}`);
      context.skip(`firewall faults unavailable: ${reason}`);
    }
    const { info, web, stateDir } = await setup();
    // Private ports for this test (proxies to the real servers), so other tests' connections are not dropped.
    const imapProxy = await startFaultProxy({ host: '127.0.0.1', port: info.imap.implicit }, { kind: 'delay', ms: 0 });
    const smtpProxy = await startFaultProxy({ host: '127.0.0.1', port: info.smtp.starttls }, { kind: 'delay', ms: 0 });
    cleanups.push(() => imapProxy.close(), () => smtpProxy.close());
    const undoImap = await dropPort(imapProxy.port);
    const undoSmtp = await dropPort(smtpProxy.port);
    cleanups.push(undoImap, undoSmtp);

    const result = await runCliProcess(
      [...manualArgs(info, { imapPort: imapProxy.port, smtpPort: smtpProxy.port }), ...commonArgs(info, web, stateDir, 1.5)],
      { stdin: `${info.users.alice.password}\n` },
    );
    const json = parseCliJson(result);
    expect(json.accounts[0]?.verdict.code, result.stdout).toBe('IP_BLOCKED_FIREWALL_DROP');
    expect(json.accounts[0]?.servers.incoming?.tcp?.kind).toBe('timeout');
    // No EHLO echo through a dropped port: the public IP the admin must unblock comes from the DNS fallback.
    expect(json.publicIp).toEqual({ kind: 'found', ip: info.dns.publicIp, from: 'opendns' });
    expect(json.accounts[0]?.verdict.nextStep + JSON.stringify(json.accounts[0]?.verdict.params)).toContain(info.dns.publicIp);
    expect(json.accounts[0]?.servers.outgoing?.tcp?.kind).toBe('timeout');
  });

  it('five runs with a wrong password cost at most two failed logins; the sixth says when it is safe again', async () => {
    const { info, web, stateDir } = await setup();
    // An unknown user unique to this test: Dovecot and Exim answer it exactly like a wrong password,
    // and their logs can be counted for it alone.
    const user = `budget-${randomUUID().slice(0, 8)}@example.test`;
    const dovecotOffset = (await stat(info.logs.dovecot)).size;
    const eximOffset = (await stat(info.logs.exim)).size;
    const args = [...manualArgs(info, { username: user }), ...commonArgs(info, web, stateDir)];
    const logins: string[] = [];
    for (let run = 1; run <= 5; run += 1) {
      // Each run is a new process: the ledger must survive restarts.
      const json = parseCliJson(await runCliProcess(args, { stdin: 'Not-The-Password-1\n' }));
      logins.push(`${json.accounts[0]?.servers.incoming?.login.kind}/${json.accounts[0]?.servers.outgoing?.login.kind}`);
    }
    const dovecotFailures = await settledMatchingLines(info.logs.dovecot, dovecotOffset, (line) => line.includes(`user=<${user}>`) && line.includes('auth failed'));
    const eximFailures = await settledMatchingLines(info.logs.exim, eximOffset, (line) => line.includes('authenticator failed') && line.includes(user));
    expect(dovecotFailures.length + eximFailures.length).toBeLessThanOrEqual(2);
    expect(logins[0]).toBe('rejected/rejected');
    expect(logins.slice(1)).toEqual(['skipped/skipped', 'skipped/skipped', 'skipped/skipped', 'skipped/skipped']);

    const sixth = parseCliJson(await runCliProcess(args, { stdin: 'Not-The-Password-1\n' }));
    const account = sixth.accounts[0];
    expect(account?.verdict.code).toBe('LOGIN_BUDGET_EXHAUSTED');
    const safeAfter = Date.parse(String(account?.verdict.params.safeAfter));
    expect(safeAfter).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(safeAfter).toBeLessThanOrEqual(Date.now() + 60 * 60_000);
  }, 60_000);

  it('STARTTLS set on the IMAP and SMTP implicit ports: TLS_MODE_PORT_MISMATCH naming the STARTTLS port, no login sent', async () => {
    const { info, web, stateDir } = await setup();
    const started = Date.now();
    const result = await runCliProcess(
      [
        'diagnose', '--manual', '--email', info.users.alice.address,
        '--incoming', `imap://${info.goodName}:${info.imap.implicit}?tls=starttls`,
        '--outgoing', `smtp://${info.goodName}:${info.smtp.implicit}?tls=starttls`,
        '--password-stdin',
        ...commonArgs(info, web, stateDir),
      ],
      { stdin: `${info.users.alice.password}\n` },
    );
    const json = parseCliJson(result);
    const account = json.accounts[0];
    expect(result.code).toBe(1);
    expect(account?.verdict.code, result.stdout).toBe('TLS_MODE_PORT_MISMATCH');
    expect(account?.verdict.side).toBe('incoming');
    expect(account?.verdict.params).toMatchObject({ observed: 'tls-first', portSpeaks: 'implicit-tls', fix: 'starttls-port', suggestedPort: 143, port: info.imap.implicit });
    expect(account?.verdict.nextStep).toContain("Change the incoming server's port and encryption");
    expect((account?.verdict as { howTo?: readonly string[] } | undefined)?.howTo?.join('\n')).toContain('set the port to 143 (the port for STARTTLS)');
    const outgoingMismatch = account?.findings.find((f) => f.code === 'TLS_MODE_PORT_MISMATCH' && f.side === 'outgoing');
    expect(outgoingMismatch?.params).toMatchObject({ portSpeaks: 'implicit-tls', fix: 'starttls-port', suggestedPort: 587, port: info.smtp.implicit });
    expect(account?.findings.map((f) => f.code)).not.toContain('CONNECTION_FAILED');
    // The ports were proven TLS on a second connection that sent only a handshake: no password went anywhere.
    expect(account?.servers.incoming?.login).toMatchObject({ kind: 'skipped', reason: 'connection-failed' });
    expect(account?.servers.outgoing?.login).toMatchObject({ kind: 'skipped', reason: 'connection-failed' });
    expect(result.stdout + result.stderr).not.toContain(info.users.alice.password);
    // Within the deadlines (3 s phases), not after a full greeting timeout per server and more.
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

/** alice's IMAP + SMTP pair in Mail's Accounts4 store, pointing at the test servers. */
function aliceAccounts(info: MailServersInfo, extra: { rejectionDate?: Date; smtpAuthentication?: boolean } = {}): FixtureAccount[] {
  return [
    {
      pk: 1,
      uuid: 'A11CE000-0000-4000-8000-00000000A11C',
      type: 'com.apple.account.IMAP',
      username: info.users.alice.address,
      description: 'Work',
      properties: {
        Hostname: info.goodName,
        PortNumber: info.imap.implicit,
        SSLEnabled: true,
        // Not a standard port: without SSLIsDirect Mail would try STARTTLS there.
        SSLIsDirect: true,
        SMTPIdentifier: `${info.goodName}:${info.users.alice.address}`,
        EmailAddresses: [info.users.alice.address],
      },
      ...(extra.rejectionDate === undefined ? {} : { columns: { ZLASTCREDENTIALRENEWALREJECTIONDATE: toCocoaSeconds(extra.rejectionDate) } }),
    },
    {
      pk: 2,
      uuid: 'A11CE5E7-0000-4000-8000-00000000A11C',
      type: 'com.apple.account.SMTP',
      username: info.users.alice.address,
      properties: {
        Hostname: info.goodName,
        PortNumber: info.smtp.starttls,
        SSLEnabled: true,
        SSLIsDirect: false,
        ShouldUseAuthentication: extra.smtpAuthentication ?? true,
      },
    },
  ];
}

/** alice's accounts, with a keychain that refuses both saved passwords (exit 51: access refused). */
async function keychainRefusingHome(info: MailServersInfo): Promise<MacHome> {
  const refused = { kind: 'refused', exitCode: 51 } as const;
  return macHome({
    accountsDatabase: { accounts: aliceAccounts(info) },
    securityItems: [
      { server: info.goodName, account: info.users.alice.address, protocol: 'imap', result: refused },
      { server: info.goodName, account: info.users.alice.address, protocol: 'smtp', result: refused },
    ],
  });
}

/** Mail's connection log for alice's pair: 20 minutes ago incoming refused Mail's login, a minute later outgoing accepted it. */
function writeIncomingRefusedOutgoingAcceptedLog(home: MacHome, info: MailServersInfo): void {
  const at = new Date(Date.now() - 20 * 60_000);
  writeMailEvidenceFixtures(home.home, {
    connectionLogs: {
      [logFileName(info.goodName, 'A11CE000-0000-4000-8000-00000000A11C')]: imapLoginTranscript({ host: info.goodName, port: info.imap.implicit, at, result: 'rejected' }),
      [logFileName(info.goodName, 'A11CE5E7-0000-4000-8000-00000000A11C')]: smtpLoginTranscript({
        host: info.goodName,
        port: info.smtp.starttls,
        at: new Date(at.getTime() + 60_000),
        result: 'accepted',
      }),
    },
  });
}

async function macHome(options: Parameters<typeof buildMacHome>[0]): Promise<MacHome> {
  const home = await buildMacHome(options);
  cleanups.push(() => home.cleanup());
  return home;
}

describe('mail-doctor diagnose --home (what Mail stored) against the real servers', () => {
  it('lists every fixture account with its outgoing server, password status per source and the comparison (--no-login)', async () => {
    const { info, web, stateDir } = await setup();
    const home = await macHome({
      securityItems: [
        { server: 'mail.example.com', account: 'alice@example.com', protocol: 'imap', result: { kind: 'found', password: 'Same-Pa55' } },
        { server: 'smtp.example.com', account: 'alice@example.com', protocol: 'smtp', result: { kind: 'found', password: 'Same-Pa55' } },
      ],
    });
    const result = await runCliProcess(['diagnose', '--home', home.home, '--no-login', ...commonArgs(info, web, stateDir, 1)], { env: home.env });
    const json = parseCliJson(result);
    const byAddress = new Map(json.accounts.map((a) => [a.emailAddress, a]));
    const alice = byAddress.get('alice@example.com');
    expect(alice?.settings.incoming).toMatchObject({ host: 'mail.example.com', port: 993 });
    expect(alice?.settings.outgoing).toMatchObject({ host: 'smtp.example.com', port: 587 });
    expect(alice?.settings.outgoingLink.kind).toBe('linked');
    expect(alice?.passwords.incoming.attempts[0]).toMatchObject({ source: 'internet-password', outcome: 'found' });
    expect(alice?.passwords.comparison).toBe('same');
    expect(json.run.noLogin).toBe(true);
    // Every incoming account of the standard store is listed, the token account among them.
    expect(json.accounts.length).toBeGreaterThanOrEqual(4);
    expect(json.accounts.some((a) => a.findings.some((f) => f.code === 'OAUTH_ACCOUNT') || a.verdict.code === 'OAUTH_ACCOUNT')).toBe(true);
    expect(result.stdout).not.toContain('Same-Pa55');
  });

  it("the fleet's unattended run on healthy accounts with Mail's connection log off: verdict OK, exit 0 (issue 15)", async () => {
    const { info, web, stateDir } = await setup();
    // alice's accounts point at the real servers; no connection log (logging is opt-in, off by default).
    const home = await macHome({ accountsDatabase: { accounts: aliceAccounts(info) } });
    const result = await runCliProcess(['diagnose', '--home', home.home, '--no-login', '--no-keychain', ...commonArgs(info, web, stateDir)], {
      env: home.env,
    });
    const json = parseCliJson(result);
    const account = json.accounts[0];
    expect(json.accounts).toHaveLength(1);
    expect(account?.servers.incoming?.tcp?.kind).toBe('connected');
    expect(account?.verdict.code, JSON.stringify(account?.findings)).toBe('OK');
    expect(account?.findings.map((f) => f.code)).not.toContain('CONNECTION_LOG_OFF');
    // No step is amber without a reason: skipped steps say why, nothing else is a warning.
    expect(account?.steps.filter((step) => step.status === 'warning' || step.status === 'failed')).toEqual([]);
    expect(result.code).toBe(0);
  });

  it('--no-keychain never calls the keychain tool (no dialog can appear for an unattended script)', async () => {
    const { info, web, stateDir } = await setup();
    const home = await macHome({
      securityItems: [{ server: 'mail.example.com', account: 'alice@example.com', protocol: 'imap', result: { kind: 'found', password: 'Same-Pa55' } }],
    });
    const result = await runCliProcess(['diagnose', '--home', home.home, '--no-login', '--no-keychain', ...commonArgs(info, web, stateDir, 1)], { env: home.env });
    const alice = parseCliJson(result).accounts.find((a) => a.emailAddress === 'alice@example.com');
    expect(alice?.passwords.incoming.outcome).toBe('not-applicable');
    expect(existsSync(home.security.callLogPath) ? readFileSync(home.security.callLogPath, 'utf8') : '').toBe('');
  });

  it('the stored outgoing password is stale: PASSWORDS_DIFFER, verdict on the outgoing server', async () => {
    const { info, web, stateDir } = await setup();
    const home = await macHome({
      accountsDatabase: { accounts: aliceAccounts(info) },
      securityItems: [
        { server: info.goodName, account: info.users.alice.address, protocol: 'imap', result: { kind: 'found', password: info.users.alice.password } },
        { server: info.goodName, account: info.users.alice.address, protocol: 'smtp', result: { kind: 'found', password: 'Last-Years-Pa55' } },
      ],
    });
    const result = await runCliProcess(['diagnose', '--home', home.home, ...commonArgs(info, web, stateDir)], { env: home.env });
    const json = parseCliJson(result);
    const account = json.accounts[0];
    expect(account?.passwords.comparison).toBe('different');
    expect(account?.servers.incoming?.login.kind, JSON.stringify(account?.servers)).toBe('accepted');
    expect(account?.servers.outgoing?.login.kind).toBe('rejected');
    expect(account?.verdict.code).toBe('PASSWORDS_DIFFER');
    expect(account?.verdict.side).toBe('outgoing');
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('Last-Years-Pa55');
    expect(result.stdout).not.toContain(info.users.alice.password);
  });

  it("passwords unreadable, Mail's log shows incoming rejected and outgoing accepted: PASSWORDS_DIFFER on the incoming side", async () => {
    const { info, web, stateDir } = await setup();
    const home = await keychainRefusingHome(info);
    writeIncomingRefusedOutgoingAcceptedLog(home, info);
    const result = await runCliProcess(['diagnose', '--home', home.home, '--no-login', ...commonArgs(info, web, stateDir)], { env: home.env });
    const account = parseCliJson(result).accounts[0];
    expect(account?.passwords.comparison).toBe('unreadable');
    const mailSaw = account?.findings.find((f) => f.code === 'MAIL_SAW_AUTH_REJECTED');
    expect(mailSaw?.side).toBe('incoming');
    expect(account?.verdict.code, JSON.stringify(account?.servers)).toBe('PASSWORDS_DIFFER');
    expect(account?.verdict.side).toBe('incoming');
  });

  it("a modern Mac (issue 12): passwords out of reach, Mail's log shows incoming refused and outgoing accepted: PASSWORDS_DIFFER for the incoming side", async () => {
    const { info, web, stateDir } = await setup();
    // Accounts4 accounts and no keychain item at all: `security` answers "not found" (exit 44) for both,
    // which is what current macOS does for an account whose secret accountsd holds.
    const home = await macHome({ accountsDatabase: { accounts: aliceAccounts(info) }, securityItems: [] });
    writeIncomingRefusedOutgoingAcceptedLog(home, info);
    const result = await runCliProcess(['diagnose', '--home', home.home, ...commonArgs(info, web, stateDir)], { env: home.env });
    const account = parseCliJson(result).accounts[0];
    // The keychain tool was really asked, and said "not found" for both sides.
    expect(readFileSync(home.security.callLogPath, 'utf8')).toContain('find-internet-password');
    expect(account?.passwords.incoming.attempts.map((a) => `${a.source}:${a.outcome}`)).toContain('internet-password:not-found');
    expect(account?.passwords.incoming.outcome).toBe('out-of-reach');
    expect(account?.passwords.outgoing.outcome).toBe('out-of-reach');
    expect(account?.passwords.comparison).toBe('unreadable');
    // No password could be read, so no login was sent: Mail's own log is the witness.
    expect(account?.servers.incoming?.login).toMatchObject({ kind: 'skipped', reason: 'no-password' });
    expect(account?.verdict.code, JSON.stringify(account?.findings)).toBe('PASSWORDS_DIFFER');
    expect(account?.verdict.side).toBe('incoming');
    expect(account?.verdict.params).toMatchObject({ source: 'mail-log', staleRole: 'incoming', goodRole: 'outgoing' });
    expect(account?.findings.map((f) => f.code)).not.toContain('PASSWORD_MISSING');
    expect(result.code).toBe(1);
  });

  it('the keychain gives nothing: --account with a password typed on standard input tests both servers with it', async () => {
    const { info, web, stateDir } = await setup();
    const home = await keychainRefusingHome(info);
    const result = await runCliProcess(
      ['diagnose', '--home', home.home, '--account', info.users.alice.address, '--password-stdin', ...commonArgs(info, web, stateDir)],
      { env: home.env, stdin: `${info.users.alice.password}\n` },
    );
    const account = parseCliJson(result).accounts[0];
    expect(account?.servers.incoming?.login.kind).toBe('accepted');
    expect(account?.servers.outgoing?.login.kind).toBe('accepted');
    expect(account?.passwords.incoming.attempts.map((a) => `${a.source}:${a.outcome}`)).toContain('typed:found');
    // A typed password is not a stored one: the stored comparison still says the keychain could not be read.
    expect(account?.passwords.comparison).toBe('unreadable');
    expect(result.stdout).not.toContain(info.users.alice.password);
  });

  it("outgoing authentication off: Exim's own refusal of mail without a login is the evidence", async () => {
    const { info, web, stateDir } = await setup();
    const home = await macHome({
      accountsDatabase: { accounts: aliceAccounts(info, { smtpAuthentication: false }) },
      securityItems: [{ server: info.goodName, account: info.users.alice.address, protocol: 'imap', result: { kind: 'found', password: info.users.alice.password } }],
    });
    const result = await runCliProcess(['diagnose', '--home', home.home, ...commonArgs(info, web, stateDir)], { env: home.env });
    const account = parseCliJson(result).accounts[0];
    expect(account?.servers.outgoing?.login).toMatchObject({ kind: 'skipped', reason: 'authentication-off' });
    expect(account?.verdict.code).toBe('SMTP_AUTH_DISABLED');
    expect(account?.verdict.params.serverReply).toMatch(/^550 .*Authentication required/);
  });

  it('macOS rejected a password request 3 hours ago: PASSWORD_PROMPT_SUPPRESSED with the time it lifts', async () => {
    const { info, web, stateDir } = await setup();
    const rejectedAt = new Date(Date.now() - 3 * 3_600_000);
    const home = await macHome({ accountsDatabase: { accounts: aliceAccounts(info, { rejectionDate: rejectedAt }) } });
    const result = await runCliProcess(['diagnose', '--home', home.home, '--no-login', ...commonArgs(info, web, stateDir)], { env: home.env });
    const account = parseCliJson(result).accounts[0];
    const finding = account?.findings.find((f) => f.code === 'PASSWORD_PROMPT_SUPPRESSED');
    expect(finding, JSON.stringify(account?.findings)).toBeDefined();
    const values = Object.values(finding?.params ?? {}).map(String);
    const liftsAt = new Date(rejectedAt.getTime() + 24 * 3_600_000).getTime();
    expect(values.some((value) => Math.abs(Date.parse(value) - liftsAt) < 2_000)).toBe(true);
  });

  it('a home whose Accounts4.sqlite is /dev/zero: exit 2 at once with the reason, memory untouched', async () => {
    const { info, web, stateDir } = await setup();
    const home = await macHome({ accountsDatabase: false });
    await mkdir(join(home.home, 'Library', 'Accounts'), { recursive: true });
    await symlink('/dev/zero', join(home.home, 'Library', 'Accounts', 'Accounts4.sqlite'));
    const started = Date.now();
    const result = await runCliProcess(['diagnose', '--home', home.home, '--no-login', '--no-keychain', ...commonArgs(info, web, stateDir)]);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.code).toBe(2);
    const problems = parseCliJson(result).discoveryProblems as readonly { kind: string; reason?: string }[];
    expect(problems).toContainEqual(expect.objectContaining({ kind: 'store-unreadable', reason: 'Accounts4.sqlite is a device, not a regular file' }));
  });

  it('Full Disk Access missing is exit 3 (its own code) with the way to grant it', async () => {
    const { info, web } = await setup();
    if (process.getuid?.() !== 0) throw new Error('this test needs root to make a real EACCES for another user');
    // The real thing: the CLI runs as `nobody`, and Mail's folders belong to root with mode 0700.
    const home = await macHome({});
    await chmod(home.root, 0o755);
    await chmod(home.home, 0o755);
    await chown(`${home.home}/Library`, 0, 0);
    await chmod(`${home.home}/Library`, 0o755);
    await chmod(`${home.home}/Library/Accounts`, 0o700);
    const nobodyState = await temporaryDir('md-cli-nobody-');
    cleanups.push(nobodyState.remove);
    await chmod(nobodyState.path, 0o777);
    const nobody = 65534;
    // No stand-in keychain here (a fresh environment): --home then needs --no-keychain (the keychain rule).
    const result = await runCliProcess(['diagnose', '--home', home.home, '--no-login', '--no-keychain', ...commonArgs(info, web, nobodyState.path)], { uid: nobody });
    const json = parseCliJson(result);
    expect(result.code).toBe(3);
    expect(json.discoveryProblems.map((p) => p.kind)).toContain('full-disk-access-needed');
    expect(json.summary.code).toBe('FULL_DISK_ACCESS_NEEDED');
  });
});
