/**
 * Getting the support report out of the app: the clipboard, a file the person picks in a native save
 * dialog, and "Contact support" (the report on the clipboard, then a mail draft or the ticket page from
 * managed preferences). Electron-only; the web preview answers these channels with
 * 'unavailable-in-preview' instead (electron/preview/server.ts).
 *
 * The page names a run and whether to mask identities, nothing else: the path comes from the dialog
 * and the support target from managed preferences (electron/links.ts validates it).
 */
import { BrowserWindow, clipboard, dialog, shell, webContents } from 'electron';
import type { SaveDialogOptions } from 'electron';
import { join } from 'node:path';
import { err, ok } from '../shared/result';
import type { ExitGuard } from './exitGuard';
import { processExitGuard } from './exitGuard';
import type { ClipboardService, ReportFilesService, ReportService, SupportService } from './ipc/mainServices';
import type { ManagedLinkTargets } from './links';
import { resolveSupportContact } from './links';
import { REPORT_FILE_FILTERS, defaultReportFileName, reportContents, reportFormatOf, writeFileAtomically } from './report/reportFile';
import { guardDocument } from './report/secretNotes';

/** The system clipboard; what is put there is checked against the held secrets first (any app can read it). */
export function createElectronClipboard(guard: ExitGuard = processExitGuard): ClipboardService {
  return {
    // Electron 45's clipboard is asynchronous (modelled on navigator.clipboard).
    writeText: async (text) => {
      try {
        // The clipboard holds the Markdown report: a replaced secret gets the report's closing note.
        await clipboard.writeText(guardDocument(guard, 'clipboard', text));
        return ok(undefined);
      } catch {
        return err('clipboard-failed', 'The report could not be copied to the clipboard.');
      }
    },
  };
}

export const electronClipboard: ClipboardService = createElectronClipboard();

export interface ReportFilesDeps {
  readonly report: ReportService;
  /** The folder the save dialog opens in (the person's Documents folder). */
  readonly defaultDir: () => string;
  /** The date in the suggested file name; injectable for tests. */
  readonly now?: () => Date;
  /** The check on the file's text before it is written (default: the process's exit guard). */
  readonly guard?: ExitGuard;
}

export function createReportFiles(deps: ReportFilesDeps): ReportFilesService {
  return {
    async save(request, callerId) {
      // A run that cannot be reported on says so before any dialog opens.
      const report = await deps.report.get(request);
      if (!report.ok) return report;
      const options: SaveDialogOptions = {
        title: 'Save the support report',
        buttonLabel: 'Save',
        defaultPath: join(deps.defaultDir(), defaultReportFileName(deps.now?.() ?? new Date())),
        filters: REPORT_FILE_FILTERS.map((filter) => ({ name: filter.name, extensions: [...filter.extensions] })),
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      };
      // Attached to the window that asked, the dialog is a sheet on the Mac and blocks only that window.
      const owner = callerWindow(callerId);
      const choice = owner === null ? await dialog.showSaveDialog(options) : await dialog.showSaveDialog(owner, options);
      if (choice.canceled || choice.filePath === '') return ok({ saved: false });
      const path = choice.filePath;
      const format = reportFormatOf(path);
      const guard = deps.guard ?? processExitGuard;
      const raw = reportContents(report.value, format);
      // JSON stays JSON: a replaced secret is only replaced there (the report service already added the finding).
      const contents = format === 'markdown' ? guardDocument(guard, 'report-file', raw) : guard.text('report-file', raw).value;
      const written = await writeFileAtomically(path, contents);
      return written.ok ? ok({ saved: true, path }) : written;
    },
  };
}

function callerWindow(callerId: number | undefined): BrowserWindow | null {
  if (callerId === undefined) return null;
  const contents = webContents.fromId(callerId);
  return contents === undefined ? null : BrowserWindow.fromWebContents(contents);
}

export interface SupportContactDeps {
  readonly report: ReportService;
  readonly clipboard: ClipboardService;
  readonly managedLinkTargets: () => ManagedLinkTargets;
  /** The check on the mail draft's address before the mail app gets it (default: the process's exit guard). */
  readonly guard?: ExitGuard;
}

/**
 * A mailto body is limited in length (and some mail apps cut it much shorter), so the report goes on
 * the clipboard and the draft only says where it is.
 */
export const SUPPORT_DRAFT_BODY =
  '[Mail Doctor has put its report on your clipboard. Paste it below this line (Command-V), then send this message.]\n\n';

/** Keeps the subject readable in a ticket list even when several accounts have different verdicts. */
const MAX_SUBJECT_LENGTH = 200;

export function supportDraftSubject(verdictTitle: string): string {
  const subject = `Mail Doctor report: ${verdictTitle}`;
  return subject.length <= MAX_SUBJECT_LENGTH ? subject : `${subject.slice(0, MAX_SUBJECT_LENGTH - 1)}…`;
}

/** `mailto:help@example.com?subject=...&body=...`, percent-encoded as RFC 6068 asks (line breaks as %0D%0A). */
export function mailDraftUrl(mailto: string, subject: string, body: string): string {
  const encode = (text: string): string => encodeURIComponent(text.replace(/\r?\n/g, '\r\n'));
  const separator = mailto.includes('?') ? '&' : '?';
  return `${mailto}${separator}subject=${encode(subject)}&body=${encode(body)}`;
}

export function createSupportContact(deps: SupportContactDeps): SupportService {
  return {
    async contact(request) {
      const contact = resolveSupportContact(deps.managedLinkTargets());
      if (!contact.ok) return contact;
      const report = await deps.report.get(request);
      if (!report.ok) return report;
      // The draft tells the person the report is on the clipboard, so it must be there first.
      const copied = await deps.clipboard.writeText(report.value.markdown);
      if (!copied.ok) return copied;
      const url =
        contact.value.kind === 'mail-draft'
          ? mailDraftUrl(contact.value.url, supportDraftSubject(report.value.verdictTitle), SUPPORT_DRAFT_BODY)
          : contact.value.url;
      try {
        await shell.openExternal((deps.guard ?? processExitGuard).text('report', url).value);
        return ok(undefined);
      } catch {
        return err(
          'link-failed',
          contact.value.kind === 'mail-draft'
            ? 'The report is on the clipboard, but no mail app opened. Paste it into a message to your support team.'
            : 'The report is on the clipboard, but the support page did not open.',
        );
      }
    },
  };
}
