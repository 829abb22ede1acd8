/**
 * The window's hosting service against the contract double and the real rig: connect (the token checked
 * once, then kept in the token store, never returned), the actions with their progress, the managed
 * preference switch, one action at a time, the start-up retry of journalled deletions, and the facts the next
 * diagnosis gets. The keychain store itself is tested against a real Secret Service in adminKeychain.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { AdminService, TokenStore } from '../../../electron/admin/adminService';
import { createAdminService, memoryTokenStore } from '../../../electron/admin/adminService';
import { DeletionJournal } from '../../../electron/admin/deletionJournal';
import { diagnoseAccounts } from '../../../electron/diagnosis/diagnoseAccounts';
import { realProbeSet } from '../../../electron/diagnosis/realProbeSet';
import { createSecretScrubber } from '../../../electron/keychain/secretForms';
import type { AdminProgressEvent } from '../../../shared/model/hosting';
import type { MailServersInfo } from '../../servers/types';
import { CPANEL_USER, DOMAIN, WHM_USER, newToken, useDoubleFixture } from './adminSupport';

const rig = useDoubleFixture();
const f = rig.fixture;
let info: MailServersInfo;
const dirs: string[] = [];

beforeEach(() => {
  info = rig.info();
});

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const stateDirsOf = new WeakMap<AdminService, string>();
function stateDirOf(admin: AdminService): string {
  return stateDirsOf.get(admin) ?? tmpdir();
}

async function service(options: { managed?: boolean; tokens?: TokenStore; stateDir?: string; callTimeoutMs?: number } = {}): Promise<{ admin: AdminService; stateDir: string; tokens: TokenStore; log: string[] }> {
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'md-admin-service-')));
  dirs.push(stateDir);
  const tokens = options.tokens ?? memoryTokenStore();
  const log: string[] = [];
  const admin = createAdminService({
    stateDir,
    tokens,
    managedPolicy: () => Promise.resolve(options.managed === undefined ? 'default' : options.managed ? 'on' : 'off'),
    probes: realProbeSet({ publicIpLookup: false }),
    extraCaPem: () => Promise.resolve([info.caPem]),
    mailHostOverride: '127.0.0.1',
    ...(options.callTimeoutMs === undefined ? {} : { callTimeoutMs: options.callTimeoutMs }),
    log: (line) => log.push(line),
  });
  stateDirsOf.set(admin, stateDir);
  return { admin, stateDir, tokens, log };
}

const progress = () => {
  const events: AdminProgressEvent[] = [];
  return { events, listener: (event: AdminProgressEvent) => events.push(event) };
};

describe('the hosting service', () => {
  it('connects after one check of the token, keeps it out of every answer, and disconnects', async () => {
    const { admin, tokens } = await service();
    expect(await admin.status()).toEqual({ ok: true, value: { policy: 'default', connections: {}, pendingDeletions: [] } });

    const { events, listener } = progress();
    const connected = await admin.connect({ api: 'whm', url: f().double.whmUrl, user: WHM_USER, token: f().whmToken }, listener);
    expect(connected.ok && connected.value.outcome).toEqual({ ok: true, value: { api: 'whm', url: f().double.whmUrl, user: WHM_USER } });
    expect(events).toEqual([expect.objectContaining({ type: 'call', action: 'connect', call: expect.objectContaining({ function: 'cphulk_status', apiStatus: 1 }) as unknown })]);
    const status = await admin.status();
    expect(status.ok && status.value.connections).toEqual({ whm: { api: 'whm', url: f().double.whmUrl, user: WHM_USER } });
    const kept = await tokens.read({ api: 'whm', url: f().double.whmUrl, user: WHM_USER });
    expect(kept.ok && kept.value?.reveal()).toBe(f().whmToken);

    // Nothing the window gets back holds the token.
    expect(createSecretScrubber([f().whmToken]).firstLeak(JSON.stringify([connected, status, events]))).toBeNull();

    expect(await admin.disconnect('whm')).toEqual({ ok: true, value: undefined });
    expect((await tokens.read({ api: 'whm', url: f().double.whmUrl, user: WHM_USER })).ok).toBe(true);
    const after = await tokens.read({ api: 'whm', url: f().double.whmUrl, user: WHM_USER });
    expect(after.ok && after.value).toBeNull();
    const afterStatus = await admin.status();
    expect(afterStatus.ok && afterStatus.value.connections).toEqual({});
  });

  it('a refused token is not kept; bad input never reaches the server', async () => {
    const { admin, tokens } = await service();
    const refused = await admin.connect({ api: 'cpanel', url: f().double.cpanelUrl, user: CPANEL_USER, token: newToken() }, () => undefined);
    expect(refused.ok && refused.value.outcome).toMatchObject({ ok: false, problem: { kind: 'token-refused' } });
    const status = await admin.status();
    expect(status.ok && status.value.connections).toEqual({});
    expect((await tokens.read({ api: 'cpanel', url: f().double.cpanelUrl, user: CPANEL_USER })).ok).toBe(true);

    const before = f().double.requests.length;
    expect(await admin.connect({ api: 'cpanel', url: 'http://127.0.0.1:2083', user: CPANEL_USER, token: newToken() }, () => undefined)).toMatchObject({ ok: false, error: { code: 'invalid-address' } });
    expect(await admin.connect({ api: 'cpanel', url: f().double.cpanelUrl, user: 'bad user', token: newToken() }, () => undefined)).toMatchObject({ ok: false, error: { code: 'invalid-user' } });
    expect(await admin.connect({ api: 'cpanel', url: f().double.cpanelUrl, user: CPANEL_USER, token: 'short' }, () => undefined)).toMatchObject({ ok: false, error: { code: 'invalid-token' } });
    expect(await admin.checkIp({}, () => undefined)).toMatchObject({ ok: false, error: { code: 'not-connected' } });
    expect(f().double.requests.length).toBe(before);
  });

  it('checks and unblocks an address; the check becomes a fact for the next diagnosis', async () => {
    const { admin } = await service();
    await admin.connect({ api: 'whm', url: f().double.whmUrl, user: WHM_USER, token: f().whmToken }, () => undefined);
    const ip = '127.0.0.14';
    await f().double.cphulk.addBrute({ ip, logintime: new Date(Date.now() - 60_000).toISOString(), exptime: new Date(Date.now() + 600_000).toISOString() });
    const alice = info.users.alice.address;
    const checked = await admin.checkIp({ ip, email: alice }, () => undefined);
    expect(checked.ok && checked.value.outcome).toMatchObject({ ok: true, value: { kind: 'checked', check: { blocked: true, blockedBy: 'cphulk-brute' } } });
    // A fact of that mailbox's next diagnosis, and of no other's.
    expect(admin.hostFacts().blockChecks.get(alice)).toMatchObject({ ip, blocked: true });
    expect(admin.hostFacts().blockChecks.size).toBe(1);
    // The next check of alice's account: the host's records make the block a confirmed finding.
    const diagnose = async () => {
      const run = await diagnoseAccounts({
        home: stateDirOf(admin),
        homeSource: 'given',
        stateDir: stateDirOf(admin),
        request: {
          noLogin: true,
          manual: {
            email: alice,
            incoming: { protocol: 'imap', host: info.goodName, port: info.imap.implicit, tls: 'implicit', username: alice },
            outgoing: { protocol: 'smtp', host: info.goodName, port: info.smtp.implicit, tls: 'implicit', username: alice },
          },
        },
        runId: randomUUID(),
        signal: new AbortController().signal,
        onProgress: () => undefined,
        tuning: { dnsServers: [`${info.dns.host}:${info.dns.port}`], caFiles: [info.caFile], probes: { publicIpLookup: false, captivePortalUrl: 'http://127.0.0.1:9/', webmailUrls: [] } },
        hostFacts: admin.hostFacts(),
      });
      return run.accounts[0]?.findings ?? [];
    };
    const blockedFindings = await diagnose();
    expect(blockedFindings.find((finding) => finding.code === 'IP_BLOCKED_CONFIRMED')).toMatchObject({ side: 'both', params: { ip, blockedBy: 'cphulk-brute' } });

    const unblocked = await admin.unblockIp({ ip, email: alice }, () => undefined);
    expect(unblocked.ok && unblocked.value.outcome).toMatchObject({ ok: true, value: { after: { blocked: false } } });
    expect(admin.hostFacts().blockChecks.get(alice)).toMatchObject({ ip, blocked: false });
    expect((await diagnose()).some((finding) => finding.code.startsWith('IP_BLOCKED'))).toBe(false);
  });

  it('reads published settings, resets a password (refusing a weak one), runs the test mailbox with progress', async () => {
    const { admin } = await service();
    await admin.connect({ api: 'cpanel', url: f().double.cpanelUrl, user: CPANEL_USER, token: f().cpanelToken }, () => undefined);
    const settings = await admin.clientSettings({ email: info.users.alice.address }, () => undefined);
    expect(settings.ok && settings.value.outcome.ok).toBe(true);
    expect(admin.hostFacts().clientSettings.get(info.users.alice.address)?.incoming.port).toBe(info.imap.implicit);

    const address = `md-svc-${Date.now().toString(36)}@${DOMAIN}`;
    await f().double.store.addMailbox(address, 'Before-Pa55word-x');
    try {
      expect(await admin.resetPassword({ email: address, password: 'weak' }, () => undefined)).toMatchObject({ ok: false, error: { code: 'weak-password' } });
      const reset = await admin.resetPassword({ email: address, password: 'After-Pa55word-long' }, () => undefined);
      expect(reset.ok && reset.value.outcome).toEqual({ ok: true, value: { mailbox: address } });
    } finally {
      await f().double.store.deleteMailbox(address);
    }

    const { events, listener } = progress();
    const tested = await admin.testMailbox({ domain: DOMAIN }, listener);
    expect(tested.ok && tested.value.outcome).toMatchObject({ ok: true, value: { conclusion: 'server-fine', journal: 'cleared' } });
    const steps = events.flatMap((event) => (event.type === 'test-mailbox-step' ? [event.step.id] : []));
    expect(steps).toEqual(['journal-pending', 'add-mailbox', 'client-settings', 'imap-login', 'smtp-login', 'send-to-itself', 'read-back', 'delete-mailbox', 'journal-cleared']);
  });

  it('AdminToolsEnabled=false refuses every action; on or unset reports the policy', async () => {
    const off = (await service({ managed: false })).admin;
    expect(await off.connect({ api: 'whm', url: f().double.whmUrl, user: WHM_USER, token: f().whmToken }, () => undefined)).toMatchObject({ ok: false, error: { code: 'admin-tools-off' } });
    expect(await off.checkIp({}, () => undefined)).toMatchObject({ ok: false, error: { code: 'admin-tools-off' } });
    const offStatus = await off.status();
    expect(offStatus.ok && offStatus.value.policy).toBe('off');
    const on = await (await service({ managed: true })).admin.status();
    expect(on.ok && on.value.policy).toBe('on');
  });

  it('one action at a time', async () => {
    const { admin } = await service({ callTimeoutMs: 1500 });
    await admin.connect({ api: 'whm', url: f().double.whmUrl, user: WHM_USER, token: f().whmToken }, () => undefined);
    f().double.fault('cphulk_status', { kind: 'hang' }, 1);
    const first = admin.checkIp({ ip: '127.0.0.14' }, () => undefined);
    await f().double.requested('cphulk_status');
    expect(await admin.checkIp({ ip: '127.0.0.14' }, () => undefined)).toMatchObject({ ok: false, error: { code: 'admin-busy' } });
    f().double.clearFaults();
    const result = await first;
    expect(result.ok && result.value.outcome).toMatchObject({ ok: false, problem: { kind: 'timeout' } });
  });

  it('at start, deletes the test mailboxes an interrupted run left', async () => {
    const { admin, stateDir, tokens } = await service();
    await admin.connect({ api: 'cpanel', url: f().double.cpanelUrl, user: CPANEL_USER, token: f().cpanelToken }, () => undefined);
    // What a killed run leaves: the mailbox, and its journal entry.
    const mailbox = `md-test-${Date.now().toString(16)}@${DOMAIN}`;
    await new DeletionJournal(stateDir).add({ api: 'cpanel', url: f().double.cpanelUrl, user: CPANEL_USER }, mailbox, new Date());
    await f().double.store.addMailbox(mailbox, 'Left-Behind-Pa55word');
    const pending = await admin.status();
    expect(pending.ok && pending.value.pendingDeletions.map((entry) => entry.mailbox)).toEqual([mailbox]);

    const restarted = await service({ stateDir, tokens });
    await restarted.admin.retryPendingDeletions();
    expect(f().double.store.hasMailbox(mailbox)).toBe(false);
    const after = await restarted.admin.status();
    expect(after.ok && after.value.pendingDeletions).toEqual([]);
    expect(restarted.log).toEqual(['test mailbox of an interrupted run: deletion done']);
  });
});
