/**
 * Saving the report and "Contact support", with Electron's dialog, clipboard and shell mocked (there is
 * no Electron binary here) and real files written in a temp folder.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

interface DialogCall {
  readonly owner: unknown;
  readonly options: { defaultPath?: string; filters?: { name: string; extensions: string[] }[] };
}

const electron = vi.hoisted(() => ({
  clipboard: null as string | null,
  clipboardFails: false,
  opened: [] as string[],
  openFails: false,
  /** What happened, in order (the clipboard must hold the report before the draft opens). */
  sequence: [] as string[],
  dialogAnswer: { canceled: true, filePath: '' },
  dialogCalls: [] as DialogCall[],
  contents: new Map<number, object>(),
  windows: new Map<object, object>(),
}));

vi.mock('electron', () => ({
  clipboard: {
    writeText: (text: string) => {
      if (electron.clipboardFails) return Promise.reject(new Error('pasteboard unavailable'));
      electron.clipboard = text;
      electron.sequence.push('clipboard');
      return Promise.resolve();
    },
  },
  shell: {
    openExternal: (url: string) => {
      if (electron.openFails) return Promise.reject(new Error('no handler'));
      electron.opened.push(url);
      electron.sequence.push('open');
      return Promise.resolve();
    },
  },
  dialog: {
    showSaveDialog: (...args: unknown[]) => {
      const [owner, options] = args.length === 2 ? args : [null, args[0]];
      electron.dialogCalls.push({ owner, options: options as DialogCall['options'] });
      return Promise.resolve(electron.dialogAnswer);
    },
  },
  webContents: { fromId: (id: number) => electron.contents.get(id) },
  BrowserWindow: { fromWebContents: (contents: object) => electron.windows.get(contents) ?? null },
}));

import type { ReportDocuments, ReportRequest } from '../../../shared/ipc/contract';
import type { Result } from '../../../shared/result';
import { err, ok } from '../../../shared/result';
import type { ReportService } from '../../../electron/ipc/mainServices';
import type { ManagedLinkTargets } from '../../../electron/links';
import {
  SUPPORT_DRAFT_BODY,
  createReportFiles,
  createElectronClipboard,
  createSupportContact,
  electronClipboard,
  mailDraftUrl,
} from '../../../electron/reportDelivery';
import { createExitGuard } from '../../../electron/exitGuard';
import { secretScrubbedParagraph } from '../../../electron/report/secretNotes';
import { LiveSecrets } from '../../../electron/keychain/liveSecrets';

const MARKDOWN = '# Mail Doctor report\n\nVerdict: Mail saved two different passwords for this account\n';
const JSON_REPORT = JSON.stringify({ format: 'mail-doctor-support-report', accounts: [] }, null, 2);
const TITLE = 'Mail saved two different passwords for this account';

/** A report service that knows one finished run, and records what it was asked. */
function reportService(asked: ReportRequest[]): ReportService {
  return {
    get: (request): Promise<Result<ReportDocuments>> => {
      asked.push(request);
      if (request.runId !== 'run-1') return Promise.resolve(err('run-not-found', 'That check has not finished.'));
      return Promise.resolve(ok({ markdown: MARKDOWN, json: JSON_REPORT, verdictTitle: TITLE }));
    },
  };
}

let dir: string;
let asked: ReportRequest[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'md-report-save-'));
  asked = [];
  electron.clipboard = null;
  electron.clipboardFails = false;
  electron.opened = [];
  electron.openFails = false;
  electron.sequence = [];
  electron.dialogAnswer = { canceled: true, filePath: '' };
  electron.dialogCalls = [];
  electron.contents.clear();
  electron.windows.clear();
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function files() {
  return createReportFiles({ report: reportService(asked), defaultDir: () => dir, now: () => new Date(2026, 2, 4, 9, 30) });
}

describe('saving the report', () => {
  it('opens the save dialog on the asking window with the suggested name and both formats; cancel writes nothing', async () => {
    const contents = {};
    const ownerWindow = { title: 'Mail Doctor' };
    electron.contents.set(7, contents);
    electron.windows.set(contents, ownerWindow);

    await expect(files().save({ runId: 'run-1', maskIdentities: false }, 7)).resolves.toEqual({ ok: true, value: { saved: false } });
    expect(electron.dialogCalls).toHaveLength(1);
    const call = electron.dialogCalls[0];
    expect(call?.owner).toBe(ownerWindow);
    expect(call?.options.defaultPath).toBe(join(dir, 'Mail Doctor report 2026-03-04.md'));
    expect(call?.options.filters).toEqual([
      { name: 'Markdown', extensions: ['md'] },
      { name: 'JSON', extensions: ['json'] },
    ]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes the Markdown report for a .md name, with the mask choice passed on, and leaves no temporary file', async () => {
    const path = join(dir, 'for the helpdesk.md');
    electron.dialogAnswer = { canceled: false, filePath: path };
    await expect(files().save({ runId: 'run-1', maskIdentities: true }, undefined)).resolves.toEqual({
      ok: true,
      value: { saved: true, path },
    });
    expect(asked).toEqual([{ runId: 'run-1', maskIdentities: true }]);
    expect(electron.dialogCalls[0]?.owner).toBeNull();
    expect(readFileSync(path, 'utf8')).toBe(MARKDOWN);
    expect(readdirSync(dir)).toEqual(['for the helpdesk.md']);
  });

  it('writes the JSON report for a .json name, replacing an older file there', async () => {
    const path = join(dir, 'report.JSON');
    writeFileSync(path, 'an older report');
    electron.dialogAnswer = { canceled: false, filePath: path };
    await expect(files().save({ runId: 'run-1', maskIdentities: false }, undefined)).resolves.toEqual({
      ok: true,
      value: { saved: true, path },
    });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(JSON.parse(JSON_REPORT));
    expect(readdirSync(dir)).toEqual(['report.JSON']);
  });

  it('answers a failed write with save-failed, without the path in the message', async () => {
    const path = join(dir, 'gone', 'report.md');
    electron.dialogAnswer = { canceled: false, filePath: path };
    const result = await files().save({ runId: 'run-1', maskIdentities: false }, undefined);
    expect(result).toMatchObject({ ok: false, error: { code: 'save-failed' } });
    expect(JSON.stringify(result)).not.toContain(dir);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('opens no dialog for a run it cannot report on', async () => {
    await expect(files().save({ runId: 'run-unknown', maskIdentities: false }, undefined)).resolves.toMatchObject({
      ok: false,
      error: { code: 'run-not-found' },
    });
    expect(electron.dialogCalls).toEqual([]);
  });
});

function support(managed: ManagedLinkTargets) {
  return createSupportContact({ report: reportService(asked), clipboard: electronClipboard, managedLinkTargets: () => managed });
}

describe('contact support', () => {
  it('puts the report on the clipboard, then opens a mail draft with the verdict in the subject and a pointer to paste it', async () => {
    // The shape electron/services.ts builds from the SupportEmail key.
    const contact = support({ supportUrl: `mailto:${encodeURIComponent('help@example.com')}` });
    await expect(contact.contact({ runId: 'run-1', maskIdentities: true })).resolves.toEqual({ ok: true, value: undefined });

    expect(asked).toEqual([{ runId: 'run-1', maskIdentities: true }]);
    expect(electron.clipboard).toBe(MARKDOWN);
    expect(electron.sequence).toEqual(['clipboard', 'open']);
    expect(electron.opened).toHaveLength(1);
    const url = new URL(electron.opened[0] ?? '');
    expect(url.protocol).toBe('mailto:');
    expect(decodeURIComponent(url.pathname)).toBe('help@example.com');
    const [, query = ''] = (electron.opened[0] ?? '').split('?');
    const fields: Record<string, string> = Object.fromEntries(
      query.split('&').map((pair): [string, string] => {
        const [name = '', value = ''] = pair.split('=');
        return [decodeURIComponent(name), decodeURIComponent(value)];
      }),
    );
    expect(fields).toEqual({ subject: `Mail Doctor report: ${TITLE}`, body: SUPPORT_DRAFT_BODY.replace(/\n/g, '\r\n') });
    expect(fields.body).toContain('clipboard');
    // The report itself is pasted, never stuffed into the URL (mailto bodies are length-limited).
    expect(electron.opened[0]).not.toContain(encodeURIComponent('# Mail Doctor report'));
    // RFC 6068: spaces as %20, not '+'.
    expect(query).not.toContain('+');
  });

  it('opens the https ticket page exactly as managed preferences give it, with the report on the clipboard', async () => {
    const contact = support({ supportUrl: 'https://help.example.com/new-ticket?queue=mail' });
    await expect(contact.contact({ runId: 'run-1', maskIdentities: false })).resolves.toEqual({ ok: true, value: undefined });
    expect(electron.opened).toEqual(['https://help.example.com/new-ticket?queue=mail']);
    expect(electron.clipboard).toBe(MARKDOWN);
  });

  it.each<[string, ManagedLinkTargets]>([
    ['no support contact', {}],
    ['an empty one', { supportUrl: '' }],
    ['plain http', { supportUrl: 'http://help.example.com/' }],
    ['javascript:', { supportUrl: 'javascript:alert(1)' }],
    ['a file URL', { supportUrl: 'file:///etc/passwd' }],
  ])('answers support-not-configured for %s, copying and opening nothing', async (_what, managed) => {
    await expect(support(managed).contact({ runId: 'run-1', maskIdentities: false })).resolves.toMatchObject({
      ok: false,
      error: { code: 'support-not-configured' },
    });
    expect(electron.clipboard).toBeNull();
    expect(electron.opened).toEqual([]);
  });

  it('opens no draft that would point at an empty clipboard', async () => {
    electron.clipboardFails = true;
    await expect(support({ supportUrl: 'mailto:help@example.com' }).contact({ runId: 'run-1', maskIdentities: false })).resolves.toMatchObject({
      ok: false,
      error: { code: 'clipboard-failed' },
    });
    expect(electron.opened).toEqual([]);
  });

  it('says the report is on the clipboard when the system could not open the draft', async () => {
    electron.openFails = true;
    const result = await support({ supportUrl: 'mailto:help@example.com' }).contact({ runId: 'run-1', maskIdentities: false });
    expect(result).toMatchObject({ ok: false, error: { code: 'link-failed' } });
    expect(electron.clipboard).toBe(MARKDOWN);
  });

  it('builds a draft URL that keeps a query the address already has', () => {
    expect(mailDraftUrl('mailto:help@example.com?cc=it@example.com', 'A b', 'c\nd')).toBe(
      'mailto:help@example.com?cc=it@example.com&subject=A%20b&body=c%0D%0Ad',
    );
  });
});

describe('every way the report leaves checks it against the held secrets', () => {
  const secrets = new LiveSecrets();
  secrets.hold('Held-Pa55word');
  const guard = createExitGuard(secrets);
  const leaking: ReportService = {
    get: () => Promise.resolve(ok({ markdown: '535 PASS Held-Pa55word', json: '{"reply":"Held-Pa55word"}', verdictTitle: 'Held-Pa55word' })),
  };

  it('the clipboard', async () => {
    await expect(createElectronClipboard(guard).writeText('-ERR PASS Held-Pa55word')).resolves.toEqual({ ok: true, value: undefined });
    expect(electron.clipboard).toBe(`-ERR PASS [redacted]\n\n${secretScrubbedParagraph('clipboard')}\n`);
  });

  it('a saved file, Markdown and JSON', async () => {
    const service = createReportFiles({ report: leaking, defaultDir: () => dir, guard });
    for (const name of ['report.md', 'report.json']) {
      electron.dialogAnswer = { canceled: false, filePath: join(dir, name) };
      await service.save({ runId: 'run-1', maskIdentities: false }, undefined);
      const written = readFileSync(join(dir, name), 'utf8');
      expect(written).not.toContain('Held-Pa55word');
      expect(written).toContain('[redacted]');
    }
  });

  it('the mail draft to support', async () => {
    const clipboard = createElectronClipboard(guard);
    const contact = createSupportContact({ report: leaking, clipboard, managedLinkTargets: () => ({ supportUrl: 'mailto:help@example.com' }), guard });
    await expect(contact.contact({ runId: 'run-1', maskIdentities: false })).resolves.toEqual({ ok: true, value: undefined });
    expect(electron.opened.join('\n')).not.toContain('Held-Pa55word');
    expect(electron.clipboard).not.toContain('Held-Pa55word');
  });
});
