import { beforeEach, describe, expect, it, vi } from 'vitest';

type Handler = (event: unknown, payload?: unknown) => Promise<unknown>;
const ipc = vi.hoisted(() => ({ handlers: new Map<string, Handler>() }));

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: Handler) => {
      if (ipc.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      ipc.handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => {
      ipc.handlers.delete(channel);
    },
  },
}));

import type { DiagnosisRun, ProgressEvent } from '../../../shared/diagnosis/types';
import { REQUEST_CHANNELS } from '../../../shared/ipc/contract';
import type { DiagnosisStartRequest } from '../../../shared/ipc/contract';
import type { Result } from '../../../shared/result';
import { ok } from '../../../shared/result';
import { unavailableAdminService } from '../../../electron/admin/adminService';
import { createChannelHandlers } from '../../../electron/ipc/channelHandlers';
import type { MainServices } from '../../../electron/ipc/mainServices';
import { registerHandlers } from '../../../electron/ipc/registerHandlers';
import { createSenderPolicy } from '../../../electron/ipc/senderPolicy';
import { createExitGuard } from '../../../electron/exitGuard';
import { LiveSecrets } from '../../../electron/keychain/liveSecrets';
import { APP_PAGE_URL } from '../../../electron/window/appProtocol';
import { FakeWebContents } from './fakeElectron';

const APP_PAGE = APP_PAGE_URL;
const EMPTY_DISCOVERY = { accounts: [], problems: [{ kind: 'not-macos' as const }], supportConfigured: false, webmailConfigured: false, identitiesMasked: false };

function fakeServices() {
  const calls: string[] = [];
  let progressSink: ((event: ProgressEvent) => void) | null = null;
  const services: MainServices = {
    appInfo: () => ({ name: 'Mail Doctor', version: '0.1.0', platform: 'darwin', isPackaged: true }),
    accounts: {
      list: () => {
        calls.push('accounts.list');
        return Promise.resolve(ok(EMPTY_DISCOVERY));
      },
    },
    diagnosis: {
      start: (request: DiagnosisStartRequest, onProgress) => {
        calls.push(`diagnosis.start ${JSON.stringify(request)}`);
        progressSink = onProgress;
        return Promise.resolve(ok({ runId: 'run-1' }));
      },
      cancel: (runId) => {
        calls.push(`diagnosis.cancel ${runId}`);
        return Promise.resolve(ok(undefined));
      },
    },
    report: {
      get: (request) => {
        calls.push(`report.get ${request.runId} ${String(request.maskIdentities)}`);
        return Promise.resolve(ok({ markdown: '# Report', json: '{}', verdictTitle: 'Nothing wrong found' }));
      },
    },
    clipboard: {
      writeText: (text) => {
        calls.push(`clipboard ${text}`);
        return Promise.resolve(ok(undefined));
      },
    },
    links: {
      open: (linkId) => {
        calls.push(`links.open ${linkId}`);
        return Promise.resolve(ok(undefined));
      },
    },
    reportFiles: {
      save: (request, callerId) => {
        calls.push(`reportFiles.save ${request.runId} ${String(request.maskIdentities)} caller ${String(callerId)}`);
        return Promise.resolve(ok({ saved: true, path: '/Users/jane/Documents/report.md' }));
      },
    },
    support: {
      contact: (request) => {
        calls.push(`support.contact ${request.runId} ${String(request.maskIdentities)}`);
        return Promise.resolve(ok(undefined));
      },
    },
    admin: unavailableAdminService(),
  };
  return { services, calls, progress: (event: ProgressEvent) => progressSink?.(event) };
}

interface SenderShape {
  sender: FakeWebContents;
  senderFrame: { parent: unknown; url: string } | null;
}

let own: FakeWebContents;
let log: string[];
let fake: ReturnType<typeof fakeServices>;

function invoke(channel: string, event: SenderShape, payload?: unknown): Promise<Result<unknown>> {
  const handler = ipc.handlers.get(channel);
  if (handler === undefined) throw new Error(`no handler for ${channel}`);
  return handler(event, payload) as Promise<Result<unknown>>;
}

const fromOwnPage = (): SenderShape => ({ sender: own, senderFrame: { parent: null, url: APP_PAGE } });

beforeEach(() => {
  ipc.handlers.clear();
  own = new FakeWebContents();
  log = [];
  fake = fakeServices();
  registerHandlers({
    handlers: createChannelHandlers(fake.services),
    isTrustedSender: createSenderPolicy({
      appPageUrl: APP_PAGE,
      isOwnWebContents: (contents) => contents.id === own.id,
    }),
    log: (message) => log.push(message),
  });
});

describe('registerHandlers', () => {
  it('registers exactly the contract channels', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort());
  });

  it('serves a valid request from our own top-level page through the service', async () => {
    await expect(invoke('accounts:list', fromOwnPage())).resolves.toEqual({ ok: true, value: EMPTY_DISCOVERY });
    await expect(invoke('app:getInfo', fromOwnPage())).resolves.toEqual({
      ok: true,
      value: { name: 'Mail Doctor', version: '0.1.0', platform: 'darwin', isPackaged: true },
    });
    await expect(invoke('diagnosis:start', fromOwnPage(), { accountId: 'ABC-123', noLogin: true })).resolves.toEqual({
      ok: true,
      value: { runId: 'run-1' },
    });
    expect(fake.calls).toEqual(['accounts.list', 'diagnosis.start {"accountId":"ABC-123","noLogin":true}']);
  });

  it('still serves our page when only its fragment differs', async () => {
    const event = { sender: own, senderFrame: { parent: null, url: `${APP_PAGE}#/report` } };
    await expect(invoke('accounts:list', event)).resolves.toMatchObject({ ok: true });
  });

  const refusedSenders: [string, () => SenderShape][] = [
    ['a subframe of our page', () => ({ sender: own, senderFrame: { parent: {}, url: APP_PAGE } })],
    ['another URL in our window', () => ({ sender: own, senderFrame: { parent: null, url: 'https://attacker.example/index.html' } })],
    ['another file in our window', () => ({ sender: own, senderFrame: { parent: null, url: 'file:///tmp/index.html' } })],
    ['the packaged page over file://', () => ({ sender: own, senderFrame: { parent: null, url: 'file:///Applications/Mail%20Doctor.app/Contents/Resources/app.asar/dist/renderer/index.html' } })],
    ['another host of our scheme', () => ({ sender: own, senderFrame: { parent: null, url: 'app://evil/index.html' } })],
    ['our page with a query string', () => ({ sender: own, senderFrame: { parent: null, url: `${APP_PAGE}?x=1` } })],
    ['a webContents we did not create', () => ({ sender: new FakeWebContents(), senderFrame: { parent: null, url: APP_PAGE } })],
    ['a frame that is gone', () => ({ sender: own, senderFrame: null })],
  ];

  it.each(refusedSenders)('refuses a message from %s, without calling any service', async (_name, sender) => {
    for (const channel of REQUEST_CHANNELS) {
      const result = await invoke(channel, sender(), channel === 'links:open' ? { linkId: 'mail-app' } : undefined);
      expect(result).toMatchObject({ ok: false, error: { code: 'sender-refused' } });
    }
    expect(fake.calls).toEqual([]);
    expect(log).toContain('links:open: refused a message from an unknown sender');
  });

  it('answers a bad payload with a validation error and never reaches the service', async () => {
    const bad: [string, unknown][] = [
      ['accounts:list', { sneaky: true }],
      ['diagnosis:start', { accountId: 'x'.repeat(201) }],
      ['diagnosis:start', { accountId: 'a', manual: undefined, extra: 1 }],
      ['diagnosis:cancel', {}],
      ['report:get', { runId: 'run-1' }],
      ['links:open', { linkId: 'https://attacker.example/' }],
      ['links:open', 'full-disk-access-settings'],
      // A page cannot choose where the report is written, nor where "Contact support" goes.
      ['report:save', { runId: 'run-1', maskIdentities: false, path: '/Users/jane/.zshrc' }],
      ['report:save', { runId: 'run-1', maskIdentities: false, defaultPath: '/tmp/x.md' }],
      ['report:save', { runId: 'run-1' }],
      ['support:contact', { runId: 'run-1', maskIdentities: false, url: 'https://attacker.example/' }],
      ['support:contact', { runId: 'run-1', maskIdentities: false, mailto: 'mailto:attacker@example.com' }],
      ['support:contact', undefined],
    ];
    for (const [channel, payload] of bad) {
      const result = await invoke(channel, fromOwnPage(), payload);
      expect(result, `${channel} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    }
    expect(fake.calls).toEqual([]);
  });

  it('never echoes a refused payload (it may carry a typed password)', async () => {
    const password = 'canary-P4ssw0rd-'.repeat(80);
    const result = await invoke('diagnosis:start', fromOwnPage(), {
      manual: {
        email: 'jane@example.com',
        incoming: { protocol: 'imap', host: 'mail.example.com', port: 993, tls: 'implicit', username: 'jane' },
        outgoing: { protocol: 'smtp', host: 'mail.example.com', port: 465, tls: 'implicit', username: 'jane' },
        password,
      },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(JSON.stringify(result)).not.toContain('canary');
    expect(JSON.stringify(result)).toContain('manual.password');
    expect(log.join('\n')).not.toContain('canary');
  });

  it('turns a throwing service into an internal-error result', async () => {
    fake.services.accounts.list = () => Promise.reject(new Error('disk on fire: /Users/jane/secret'));
    const result = await invoke('accounts:list', fromOwnPage());
    expect(result).toEqual({
      ok: false,
      error: { code: 'internal-error', message: 'Mail Doctor hit an unexpected problem. Please try again.' },
    });
    expect(log.join('\n')).not.toContain('disk on fire');
  });

  it('sends progress to the window that started the run, and not after it closed', async () => {
    await invoke('diagnosis:start', fromOwnPage(), {});
    const event: ProgressEvent = { type: 'run-started', runId: 'run-1', accountIds: [] };
    fake.progress(event);
    expect(own.sent).toEqual([{ channel: 'diagnosis:progress', value: event }]);
    own.destroyed = true;
    fake.progress({ type: 'run-finished', runId: 'run-1', run: {} as DiagnosisRun });
    expect(own.sent).toHaveLength(1);
  });

  it('copies the Markdown report to the clipboard for report:copy', async () => {
    await expect(invoke('report:copy', fromOwnPage(), { runId: 'run-1', maskIdentities: true })).resolves.toEqual({
      ok: true,
      value: undefined,
    });
    expect(fake.calls).toEqual(['report.get run-1 true', 'clipboard # Report']);
  });

  it('saves the report through main (with the asking window for the dialog) and contacts support', async () => {
    await expect(invoke('report:save', fromOwnPage(), { runId: 'run-1', maskIdentities: true })).resolves.toEqual({
      ok: true,
      value: { saved: true, path: '/Users/jane/Documents/report.md' },
    });
    await expect(invoke('support:contact', fromOwnPage(), { runId: 'run-1', maskIdentities: false })).resolves.toEqual({
      ok: true,
      value: undefined,
    });
    expect(fake.calls).toEqual([`reportFiles.save run-1 true caller ${String(own.id)}`, 'support.contact run-1 false']);
  });

  it('converts an international host of a typed-in account to its DNS form, and refuses a name that is none', async () => {
    const manual = {
      email: 'jane@example.com',
      incoming: { protocol: 'imap', host: 'mäil.exämple.test', port: 993, tls: 'implicit', username: 'jane' },
      outgoing: { protocol: 'smtp', host: `${'a'.repeat(64)}.test`, port: 465, tls: 'implicit', username: 'jane' },
    };
    const refused = await invoke('diagnosis:start', fromOwnPage(), { manual });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-payload', message: "Invalid request: the outgoing server's name has a part longer than 63 characters." } });
    await invoke('diagnosis:start', fromOwnPage(), { manual: { ...manual, outgoing: { ...manual.outgoing, host: 'SMTP.Exämple.test' } } });
    expect(fake.calls.at(-1)).toContain('"host":"xn--mil-qla.xn--exmple-cua.test"');
    expect(fake.calls.at(-1)).toContain('"host":"smtp.xn--exmple-cua.test"');
  });

  it('checks every reply and progress event against the held secrets before it reaches the window', async () => {
    ipc.handlers.clear();
    const secrets = new LiveSecrets();
    secrets.hold('Held-Pa55word', 'jane@example.com');
    fake.services.report.get = () => Promise.resolve(ok({ markdown: '-ERR PASS Held-Pa55word', json: '{}', verdictTitle: 'x' }));
    registerHandlers({
      handlers: createChannelHandlers(fake.services),
      isTrustedSender: () => true,
      log: (message) => log.push(message),
      guard: createExitGuard(secrets),
    });
    const reply = await invoke('report:get', fromOwnPage(), { runId: 'run-1', maskIdentities: false });
    expect(reply).toEqual({ ok: true, value: { markdown: '-ERR PASS [redacted]', json: '{}', verdictTitle: 'x' } });
    expect(log).toContain('report:get: a password was removed from the reply (SECRET_SCRUBBED)');
    await invoke('diagnosis:start', fromOwnPage(), {});
    fake.progress({ type: 'run-failed', runId: 'run-1', error: { code: 'x', message: Buffer.from('Held-Pa55word').toString('hex') } });
    expect(own.sent.at(-1)).toEqual({ channel: 'diagnosis:progress', value: { type: 'run-failed', runId: 'run-1', error: { code: 'x', message: '[redacted]' } } });
  });

  it('removes every handler when unregistered', () => {
    ipc.handlers.clear();
    const unregister = registerHandlers({
      handlers: createChannelHandlers(fake.services),
      isTrustedSender: () => true,
      log: () => undefined,
    });
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });
});
