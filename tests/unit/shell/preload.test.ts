import { describe, expect, it, vi } from 'vitest';

interface Captured {
  exposed: Map<string, unknown>;
  invocations: { channel: string; args: unknown[] }[];
  /** The fake ipcRenderer, kept here so the test need not import it (only the preload may). */
  ipcRenderer: unknown;
}

const captured = vi.hoisted((): Captured => ({ exposed: new Map(), invocations: [], ipcRenderer: null }));

vi.mock('electron', async () => {
  const { FakeEmitter } = await import('./fakeElectron');
  const ipcRenderer = new (class extends FakeEmitter {
    invoke(channel: string, ...args: unknown[]): Promise<unknown> {
      captured.invocations.push({ channel, args });
      return Promise.resolve({ ok: true, value: `answer from ${channel}` });
    }
  })();
  captured.ipcRenderer = ipcRenderer;
  return {
    ipcRenderer,
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => {
        captured.exposed.set(key, api);
      },
    },
  };
});

import { API_VERBS, EVENT_SUBSCRIPTIONS } from '../../../shared/ipc/contract';
import type { MailDoctorApi } from '../../../shared/ipc/contract';
import type { ProgressEvent } from '../../../shared/diagnosis/types';
import type { FakeEmitter } from './fakeElectron';

await import('../../../electron/preload');
const fakeIpcRenderer = captured.ipcRenderer as FakeEmitter;

function exposedApi(): MailDoctorApi {
  expect([...captured.exposed.keys()]).toEqual(['mailDoctor']);
  return captured.exposed.get('mailDoctor') as MailDoctorApi;
}

describe('the preload', () => {
  it('exposes exactly the contract verbs and subscriptions as functions, nothing else', () => {
    const api = exposedApi();
    // Spelled out, so adding or losing a verb is a visible change to this test.
    expect(Object.keys(api).sort()).toEqual([
      'cancelDiagnosis',
      'checkIpBlocked',
      'connectHosting',
      'contactSupport',
      'copyReport',
      'disconnectHosting',
      'getAdminStatus',
      'getAppInfo',
      'getHostClientSettings',
      'getReport',
      'listAccounts',
      'onAdminProgress',
      'onDiagnosisProgress',
      'onMenuCommand',
      'openLink',
      'resetMailboxPassword',
      'runTestMailbox',
      'saveReport',
      'startDiagnosis',
      'unblockIp',
    ]);
    const expected = [...Object.keys(API_VERBS), ...Object.keys(EVENT_SUBSCRIPTIONS)].sort();
    expect(Object.keys(api).sort()).toEqual(expected);
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.keys(api)).not.toContain('invoke');
    expect(Object.keys(api)).not.toContain('ipcRenderer');
  });

  it('sends each verb on its own channel with the payload', async () => {
    const api = exposedApi();
    captured.invocations.length = 0;
    await expect(api.getAppInfo()).resolves.toEqual({ ok: true, value: 'answer from app:getInfo' });
    await api.startDiagnosis({ accountId: 'ABC', noLogin: true });
    await api.openLink({ linkId: 'keychain-access' });
    await api.getReport({ runId: 'r1', maskIdentities: false });
    await api.cancelDiagnosis({ runId: 'r1' });
    await api.copyReport({ runId: 'r1', maskIdentities: true });
    await api.saveReport({ runId: 'r1', maskIdentities: false });
    await api.contactSupport({ runId: 'r1', maskIdentities: true });
    await api.listAccounts();
    expect(captured.invocations).toEqual([
      { channel: 'app:getInfo', args: [undefined] },
      { channel: 'diagnosis:start', args: [{ accountId: 'ABC', noLogin: true }] },
      { channel: 'links:open', args: [{ linkId: 'keychain-access' }] },
      { channel: 'report:get', args: [{ runId: 'r1', maskIdentities: false }] },
      { channel: 'diagnosis:cancel', args: [{ runId: 'r1' }] },
      { channel: 'report:copy', args: [{ runId: 'r1', maskIdentities: true }] },
      { channel: 'report:save', args: [{ runId: 'r1', maskIdentities: false }] },
      { channel: 'support:contact', args: [{ runId: 'r1', maskIdentities: true }] },
      { channel: 'accounts:list', args: [undefined] },
    ]);
  });

  it('delivers progress without the Electron event, and unsubscribe removes exactly that listener', () => {
    const api = exposedApi();
    const first: unknown[] = [];
    const second: unknown[] = [];
    const before = fakeIpcRenderer.listenerCount('diagnosis:progress');
    const unsubscribeFirst = api.onDiagnosisProgress((event) => first.push(event));
    const unsubscribeSecond = api.onDiagnosisProgress((event) => second.push(event));
    expect(fakeIpcRenderer.listenerCount('diagnosis:progress')).toBe(before + 2);

    const started: ProgressEvent = { type: 'run-started', runId: 'r1', accountIds: ['a'] };
    fakeIpcRenderer.emit('diagnosis:progress', { sender: 'electron event object' }, started);
    expect(first).toEqual([started]);
    expect(second).toEqual([started]);

    unsubscribeFirst();
    expect(fakeIpcRenderer.listenerCount('diagnosis:progress')).toBe(before + 1);
    const failed: ProgressEvent = { type: 'run-failed', runId: 'r1', error: { code: 'x', message: 'y' } };
    fakeIpcRenderer.emit('diagnosis:progress', {}, failed);
    expect(first).toEqual([started]);
    expect(second).toEqual([started, failed]);

    unsubscribeSecond();
    expect(fakeIpcRenderer.listenerCount('diagnosis:progress')).toBe(before);
  });

  it('delivers the application menu\'s commands (⌘R: check again) as the bare command, nothing of Electron', () => {
    const api = exposedApi();
    const commands: unknown[] = [];
    const unsubscribe = api.onMenuCommand((command) => commands.push(command));
    fakeIpcRenderer.emit('menu:command', { sender: 'electron event object' }, 'check-again');
    expect(commands).toEqual(['check-again']);
    unsubscribe();
    fakeIpcRenderer.emit('menu:command', {}, 'check-again');
    expect(commands).toEqual(['check-again']);
  });
});
