/**
 * The one IPC contract between the window (renderer) and the main process.
 *
 * - `IpcRequests` / `IpcResponses`: request/response map, one entry per channel. Request payload types
 *   are derived from the zod schemas in ./schemas.ts, so the validator and the type cannot drift.
 * - `IpcEvents`: main -> renderer events.
 * - `MailDoctorApi`: what the window sees as `window.mailDoctor` (Electron preload) or the HTTP bridge
 *   (web preview). One named verb per request, one `on...` per event returning its unsubscribe.
 *
 * This module is imported at runtime by the sandboxed preload, so it must stay free of runtime
 * imports other than pure constants (no zod here: see ./schemas.ts).
 *
 * Adding a channel: its schema in schemas.ts, its response type in `IpcResponses`, its verb in
 * `API_VERBS` and one line in `buildMailDoctorApi`; the compiler points at every missing piece.
 */
import type * as z from 'zod/mini';
import type { AccountDiscovery } from '../model/account';
import type { ProgressEvent } from '../diagnosis/types';
import type {
  AdminActionResult,
  AdminProgressEvent,
  AdminStatus,
  BlockCheckResult,
  HostClientSettings,
  HostingConnection,
  TestMailboxResult,
  UnblockResult,
} from '../model/hosting';
import type { Result } from '../result';
import type { RequestSchemas } from './schemas';

export const REQUEST_CHANNELS = [
  'app:getInfo',
  'accounts:list',
  'diagnosis:start',
  'diagnosis:cancel',
  'report:get',
  'report:copy',
  'report:save',
  'support:contact',
  'links:open',
  // The hosting-account tools (electron/admin/, docs/admin-tools.md).
  'admin:status',
  'admin:connect',
  'admin:disconnect',
  'admin:checkIp',
  'admin:unblockIp',
  'admin:resetPassword',
  'admin:testMailbox',
  'admin:clientSettings',
] as const;
export type RequestChannel = (typeof REQUEST_CHANNELS)[number];

export const EVENT_CHANNELS = ['diagnosis:progress', 'menu:command', 'admin:progress'] as const;
export type EventChannel = (typeof EVENT_CHANNELS)[number];

/**
 * What the application menu (electron/appMenu.ts) asks the window to do. 'check-again' is ⌘R: the same
 * as the toolbar's Check Again button, which the window alone can do (it knows which account is shown).
 */
export const MENU_COMMANDS = ['check-again'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/**
 * External places the window may ask main to open. The page only ever names one of these ids;
 * main maps the id to the target (electron/links.ts). A URL from the page is never opened.
 */
export const LINK_IDS = ['full-disk-access-settings', 'mail-app', 'keychain-access', 'webmail', 'support'] as const;
export type LinkId = (typeof LINK_IDS)[number];

export interface AppInfo {
  readonly name: string;
  readonly version: string;
  /** Node's platform name ('darwin', 'linux', ...). */
  readonly platform: string;
  readonly isPackaged: boolean;
}

export interface ReportDocuments {
  readonly markdown: string;
  readonly json: string;
  /** The verdict's title (masked like the report), e.g. for the subject of a mail to support. */
  readonly verdictTitle: string;
}

/** What `accounts:list` answers: Mail's accounts, plus what the window needs from managed preferences. */
export interface AccountsListing extends AccountDiscovery {
  /**
   * Whether the organisation's managed preferences name a usable support contact (a mail address or
   * an https ticket page). Without one the window offers no "Contact support" button.
   */
  readonly supportConfigured: boolean;
  /** Whether the managed preferences name a webmail page (https) the window's "Open Webmail" button opens. */
  readonly webmailConfigured: boolean;
  /** IT's managed preference `MaskIdentities`: every report hides addresses and login names, whatever the person picks. */
  readonly identitiesMasked: boolean;
}

/** `report:save`: the person chose a file in main's save dialog (`saved`), or cancelled it. */
export interface ReportSaveOutcome {
  readonly saved: boolean;
  /** Where the report was written; the person picked it in the dialog, so showing it back is fine. */
  readonly path?: string;
}

export type IpcRequests = { readonly [C in RequestChannel]: z.output<RequestSchemas[C]> };

export interface IpcResponses {
  'app:getInfo': AppInfo;
  'accounts:list': AccountsListing;
  'diagnosis:start': { readonly runId: string };
  'diagnosis:cancel': void;
  'report:get': ReportDocuments;
  'report:copy': void;
  'report:save': ReportSaveOutcome;
  'support:contact': void;
  'links:open': void;
  'admin:status': AdminStatus;
  'admin:connect': AdminActionResult<HostingConnection>;
  'admin:disconnect': void;
  'admin:checkIp': AdminActionResult<BlockCheckResult>;
  'admin:unblockIp': AdminActionResult<UnblockResult>;
  'admin:resetPassword': AdminActionResult<{ readonly mailbox: string }>;
  'admin:testMailbox': AdminActionResult<TestMailboxResult>;
  'admin:clientSettings': AdminActionResult<HostClientSettings>;
}

export interface IpcEvents {
  'diagnosis:progress': ProgressEvent;
  'menu:command': MenuCommand;
  'admin:progress': AdminProgressEvent;
}

export type DiagnosisStartRequest = IpcRequests['diagnosis:start'];
export type ManualAccountRequest = NonNullable<DiagnosisStartRequest['manual']>;
export type ReportRequest = IpcRequests['report:get'];

/**
 * Error codes the bridge itself produces (services add their own, e.g. 'run-not-found').
 * - sender-refused: the message did not come from the app's own top-level page.
 * - invalid-payload: the payload failed its schema.
 * - internal-error: a service threw; the details went to main's log, not to the window.
 * - bridge-unavailable / bridge-refused: the preview's HTTP bridge could not be used.
 */
export type BridgeErrorCode =
  | 'sender-refused'
  | 'invalid-payload'
  | 'internal-error'
  | 'bridge-unavailable'
  | 'bridge-refused';

export type IpcResult<C extends RequestChannel> = Result<IpcResponses[C]>;

export type Unsubscribe = () => void;

/** The verbs the window calls, and the channel behind each. */
export const API_VERBS = {
  getAppInfo: 'app:getInfo',
  listAccounts: 'accounts:list',
  startDiagnosis: 'diagnosis:start',
  cancelDiagnosis: 'diagnosis:cancel',
  getReport: 'report:get',
  copyReport: 'report:copy',
  saveReport: 'report:save',
  contactSupport: 'support:contact',
  openLink: 'links:open',
  getAdminStatus: 'admin:status',
  connectHosting: 'admin:connect',
  disconnectHosting: 'admin:disconnect',
  checkIpBlocked: 'admin:checkIp',
  unblockIp: 'admin:unblockIp',
  resetMailboxPassword: 'admin:resetPassword',
  runTestMailbox: 'admin:testMailbox',
  getHostClientSettings: 'admin:clientSettings',
} as const satisfies Record<string, RequestChannel>;

export const EVENT_SUBSCRIPTIONS = {
  onDiagnosisProgress: 'diagnosis:progress',
  onMenuCommand: 'menu:command',
  onAdminProgress: 'admin:progress',
} as const satisfies Record<string, EventChannel>;

type Verbs = typeof API_VERBS;
type Subscriptions = typeof EVENT_SUBSCRIPTIONS;

/** A verb takes no argument when its channel has no payload. */
type Invoke<C extends RequestChannel> = [IpcRequests[C]] extends [undefined]
  ? () => Promise<IpcResult<C>>
  : (payload: IpcRequests[C]) => Promise<IpcResult<C>>;

export type MailDoctorApi = { readonly [V in keyof Verbs]: Invoke<Verbs[V]> } & {
  readonly [S in keyof Subscriptions]: (listener: (event: IpcEvents[Subscriptions[S]]) => void) => Unsubscribe;
};

/** The two things a transport (Electron IPC, the preview's HTTP bridge) must provide. */
export interface BridgeTransport {
  /** Sends one request; resolves with main's Result (a transport failure is also a Result). */
  invoke(channel: RequestChannel, payload: unknown): Promise<unknown>;
  /** Adds a listener; the returned function removes exactly that listener. */
  subscribe(channel: EventChannel, listener: (value: unknown) => void): Unsubscribe;
}

/**
 * Builds the window-facing API from a transport. Both bridges use this, so the preload and the
 * preview expose the very same verbs.
 */
export function buildMailDoctorApi(transport: BridgeTransport): MailDoctorApi {
  // Main (or the preview server) is the only responder on these channels and always answers with
  // IpcResult<C>, so the one narrowing from `unknown` lives here.
  const call =
    <C extends RequestChannel>(channel: C) =>
    (payload?: IpcRequests[C]): Promise<IpcResult<C>> =>
      transport.invoke(channel, payload) as Promise<IpcResult<C>>;
  const on =
    <E extends EventChannel>(channel: E) =>
    (listener: (event: IpcEvents[E]) => void): Unsubscribe =>
      transport.subscribe(channel, (value) => {
        listener(value as IpcEvents[E]);
      });
  return {
    getAppInfo: call(API_VERBS.getAppInfo),
    listAccounts: call(API_VERBS.listAccounts),
    startDiagnosis: call(API_VERBS.startDiagnosis),
    cancelDiagnosis: call(API_VERBS.cancelDiagnosis),
    getReport: call(API_VERBS.getReport),
    copyReport: call(API_VERBS.copyReport),
    saveReport: call(API_VERBS.saveReport),
    contactSupport: call(API_VERBS.contactSupport),
    openLink: call(API_VERBS.openLink),
    getAdminStatus: call(API_VERBS.getAdminStatus),
    connectHosting: call(API_VERBS.connectHosting),
    disconnectHosting: call(API_VERBS.disconnectHosting),
    checkIpBlocked: call(API_VERBS.checkIpBlocked),
    unblockIp: call(API_VERBS.unblockIp),
    resetMailboxPassword: call(API_VERBS.resetMailboxPassword),
    runTestMailbox: call(API_VERBS.runTestMailbox),
    getHostClientSettings: call(API_VERBS.getHostClientSettings),
    onDiagnosisProgress: on(EVENT_SUBSCRIPTIONS.onDiagnosisProgress),
    onMenuCommand: on(EVENT_SUBSCRIPTIONS.onMenuCommand),
    onAdminProgress: on(EVENT_SUBSCRIPTIONS.onAdminProgress),
  };
}

export function isRequestChannel(value: string): value is RequestChannel {
  return (REQUEST_CHANNELS as readonly string[]).includes(value);
}
