/**
 * The web preview acts on nothing of the developer's machine: saving the report and contacting support
 * answer 'unavailable-in-preview' through the very handlers the preview's HTTP bridge serves.
 */
import { describe, expect, it } from 'vitest';
import { ok } from '../../../shared/result';
import { unavailableAdminService } from '../../../electron/admin/adminService';
import { createChannelHandlers } from '../../../electron/ipc/channelHandlers';
import { dispatchRequest } from '../../../electron/ipc/channelHandlers';
import { previewServices } from '../../../electron/preview/previewServices';

const reportsAsked: string[] = [];
const services = previewServices(
  {
    accounts: { list: () => Promise.resolve(ok({ accounts: [], problems: [], supportConfigured: true, webmailConfigured: false, identitiesMasked: false })) },
    diagnosis: {
      start: () => Promise.reject(new Error('not used')),
      cancel: () => Promise.reject(new Error('not used')),
      finishedRun: () => undefined,
    },
    report: {
      get: (request) => {
        reportsAsked.push(request.runId);
        return Promise.resolve(ok({ markdown: '# Report', json: '{}', verdictTitle: 'Nothing wrong found' }));
      },
    },
    admin: unavailableAdminService(),
  },
  { name: 'Mail Doctor', version: '9.9.9', platform: 'linux', isPackaged: false },
);
const handlers = createChannelHandlers(services);
const context = { emitProgress: () => undefined };

describe('the preview services', () => {
  it.each([
    ['report:save', 'Saving the report'],
    ['support:contact', 'Contacting support'],
    ['report:copy', 'Copying the report'],
  ])('answer %s with unavailable-in-preview', async (channel, what) => {
    const result = await dispatchRequest(handlers, channel, { runId: 'run-1', maskIdentities: false }, context, () => undefined);
    expect(result).toEqual({
      ok: false,
      error: { code: 'unavailable-in-preview', message: `${what} works only in the Mail Doctor app, not in the web preview.` },
    });
  });

  it('still validates first: a page-supplied path never reaches even the preview', async () => {
    const result = await dispatchRequest(
      handlers,
      'report:save',
      { runId: 'run-1', maskIdentities: false, path: '/tmp/x' },
      context,
      () => undefined,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });

  it('serves the real report (the window can still show it)', async () => {
    reportsAsked.length = 0;
    await expect(dispatchRequest(handlers, 'report:get', { runId: 'run-1', maskIdentities: true }, context, () => undefined)).resolves.toMatchObject({
      ok: true,
    });
    expect(reportsAsked).toEqual(['run-1']);
  });
});
