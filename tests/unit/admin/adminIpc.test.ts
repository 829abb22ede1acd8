/**
 * The hosting channels of the IPC contract: each payload is validated before the service sees it (a change to
 * the hosting account needs `confirmed: true`, the window never sends anything else along), and each verb
 * reaches its service method with its progress.
 */
import { describe, expect, it } from 'vitest';
import type { AdminService } from '../../../electron/admin/adminService';
import { unavailableAdminService } from '../../../electron/admin/adminService';
import { createChannelHandlers, dispatchRequest } from '../../../electron/ipc/channelHandlers';
import type { MainServices } from '../../../electron/ipc/mainServices';
import { API_VERBS, EVENT_SUBSCRIPTIONS, buildMailDoctorApi } from '../../../shared/ipc/contract';
import type { AdminProgressEvent } from '../../../shared/model/hosting';
import { ok } from '../../../shared/result';

function fakeAdmin(calls: string[]): AdminService {
  const answer = () => Promise.resolve(ok({ calls: [], retriedDeletions: [], outcome: { ok: true as const, value: null as never } }));
  const record = (name: string) => (request: unknown, onProgress: (event: AdminProgressEvent) => void) => {
    calls.push(`${name} ${JSON.stringify(request)}`);
    onProgress({ type: 'call', action: 'check-ip', call: { api: 'whm', function: 'cphulk_status', outcome: 'answered', errors: [], messages: [], durationMs: 1 } });
    return answer();
  };
  return {
    ...unavailableAdminService(),
    connect: record('connect'),
    checkIp: record('checkIp'),
    unblockIp: record('unblockIp'),
    resetPassword: record('resetPassword'),
    testMailbox: record('testMailbox'),
    clientSettings: record('clientSettings'),
    disconnect: (api) => {
      calls.push(`disconnect ${api}`);
      return Promise.resolve(ok(undefined));
    },
  };
}

function handlers(calls: string[]) {
  const services = { admin: fakeAdmin(calls) } as unknown as MainServices;
  return createChannelHandlers(services);
}

describe('the hosting channels', () => {
  it('pass valid payloads to the service, with progress to the window that asked', async () => {
    const calls: string[] = [];
    const progress: AdminProgressEvent[] = [];
    const context = { emitProgress: () => undefined, emitAdminProgress: (event: AdminProgressEvent) => progress.push(event) };
    const run = (channel: string, payload: unknown) => dispatchRequest(handlers(calls), channel, payload, context, () => undefined);
    for (const [channel, payload] of [
      ['admin:connect', { api: 'whm', url: 'https://server.example.com:2087', user: 'root', token: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345' }],
      ['admin:checkIp', { ip: '203.0.113.7' }],
      ['admin:checkIp', {}],
      ['admin:unblockIp', { ip: '2001:db8::7', confirmed: true }],
      ['admin:resetPassword', { email: 'jo@example.com', password: 'A-new-Pa55word', confirmed: true }],
      ['admin:testMailbox', { domain: 'example.com', confirmed: true }],
      ['admin:clientSettings', { email: 'jo@example.com' }],
      ['admin:disconnect', { api: 'cpanel' }],
    ] as const) {
      expect((await run(channel, payload)).ok, channel).toBe(true);
    }
    expect(calls.map((call) => call.split(' ')[0])).toEqual(['connect', 'checkIp', 'checkIp', 'unblockIp', 'resetPassword', 'testMailbox', 'clientSettings', 'disconnect']);
    expect(progress).toHaveLength(7);
  });

  it.each([
    ['admin:unblockIp', { ip: '203.0.113.7' }],
    ['admin:unblockIp', { ip: '203.0.113.7', confirmed: false }],
    ['admin:unblockIp', { ip: 'example.com', confirmed: true }],
    ['admin:resetPassword', { email: 'jo@example.com', password: 'x\r\nRCPT TO:<a@b>', confirmed: true }],
    ['admin:resetPassword', { email: 'jo@example.com', password: 'Pa55word-long' }],
    ['admin:testMailbox', { domain: 'example.com' }],
    ['admin:connect', { api: 'whm', url: 'https://h.example.com', user: 'root', token: 'short' }],
    ['admin:connect', { api: 'whm', url: 'https://h.example.com', user: 'root', token: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', path: '/etc' }],
    ['admin:connect', { api: 'ftp', url: 'https://h.example.com', user: 'root', token: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345' }],
    ['admin:status', { anything: true }],
    ['admin:checkIp', { ip: '203.0.113.7', email: 'not-an-address' }],
  ])('refuses %s %j before the service sees it', async (channel, payload) => {
    const calls: string[] = [];
    const result = await dispatchRequest(handlers(calls), channel, payload, { emitProgress: () => undefined }, () => undefined);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(calls).toEqual([]);
    // The refusal never quotes the payload (it may hold a token or a password).
    expect(JSON.stringify(result)).not.toContain('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345');
  });

  it('the window’s API has one verb per hosting channel and one subscription for its progress', () => {
    const invoked: string[] = [];
    const api = buildMailDoctorApi({
      invoke: (channel) => {
        invoked.push(channel);
        return Promise.resolve(ok(undefined));
      },
      subscribe: () => () => undefined,
    });
    for (const verb of ['getAdminStatus', 'connectHosting', 'disconnectHosting', 'checkIpBlocked', 'unblockIp', 'resetMailboxPassword', 'runTestMailbox', 'getHostClientSettings'] as const) {
      expect(typeof api[verb]).toBe('function');
      expect(API_VERBS[verb]).toMatch(/^admin:/);
    }
    expect(EVENT_SUBSCRIPTIONS.onAdminProgress).toBe('admin:progress');
    expect(typeof api.onAdminProgress(() => undefined)).toBe('function');
  });
});
