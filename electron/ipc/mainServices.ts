/**
 * What the main process does for the window, as one injected interface. The IPC handlers and the
 * web preview's HTTP bridge both call these; tests pass fakes. The real composition is in
 * electron/main.ts (Electron-only parts) and electron/services.ts (accounts, diagnosis, report).
 *
 * Services return Results; a service that throws anyway is caught by the dispatcher and turned into
 * an 'internal-error' Result, so nothing is thrown across to the window.
 */
import type { ProgressEvent } from '../../shared/diagnosis/types';
import type { AdminService } from '../admin/adminService';
import type { Result } from '../../shared/result';
import type {
  AccountsListing,
  AppInfo,
  DiagnosisStartRequest,
  LinkId,
  ReportDocuments,
  ReportRequest,
  ReportSaveOutcome,
} from '../../shared/ipc/contract';

export interface AccountsService {
  /**
   * Reads Mail's accounts (and the status, never the value, of their stored passwords), and whether
   * managed preferences name a support contact.
   */
  list(): Promise<Result<AccountsListing>>;
}

export interface DiagnosisService {
  /**
   * Starts a run and resolves as soon as it has an id; the run goes on in the background and reports
   * through `onProgress` (ending with 'run-finished' or 'run-failed').
   */
  start(
    request: DiagnosisStartRequest,
    onProgress: (event: ProgressEvent) => void,
  ): Promise<Result<{ readonly runId: string }>>;
  cancel(runId: string): Promise<Result<void>>;
}

export interface ReportService {
  /** The support report of a finished run, as Markdown and JSON. */
  get(request: ReportRequest): Promise<Result<ReportDocuments>>;
}

export interface ClipboardService {
  writeText(text: string): Promise<Result<void>>;
}

export interface LinksService {
  /** Opens the allow-listed target behind `linkId`; the page never supplies the URL. */
  open(linkId: LinkId): Promise<Result<void>>;
}

export interface ReportFilesService {
  /**
   * Asks the person where to save the report (a native save dialog on the window that asked, which
   * `callerId` names) and writes it there in the format of the chosen extension. The page never
   * supplies a path: a page-chosen path would let a page write anywhere.
   */
  save(request: ReportRequest, callerId: number | undefined): Promise<Result<ReportSaveOutcome>>;
}

export interface SupportService {
  /**
   * Puts the report on the clipboard, then opens the support contact from managed preferences (a
   * mail draft or the ticket page). Never a target supplied by the page.
   */
  contact(request: ReportRequest): Promise<Result<void>>;
}

export interface MainServices {
  readonly appInfo: () => AppInfo;
  readonly accounts: AccountsService;
  readonly diagnosis: DiagnosisService;
  readonly report: ReportService;
  readonly clipboard: ClipboardService;
  readonly links: LinksService;
  readonly reportFiles: ReportFilesService;
  readonly support: SupportService;
  /** The hosting-account tools (electron/admin/adminService.ts). */
  readonly admin: AdminService;
}
