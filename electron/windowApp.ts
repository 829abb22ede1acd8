/**
 * The window app, composed: the app:// protocol, the session and webContents lock-down, the services, the
 * IPC handlers and the main window. electron/main.ts calls it once Electron is ready, with what only code
 * decides (the system keychain, the user's real home); tests call it with a mocked `electron` and their own
 * choices (a stand-in keychain, the test rig's resolver and CA), so the window path that ships is the one
 * the canary test runs.
 *
 * Every way out of this process passes the exit guard: IPC replies and progress events (channelHandlers),
 * the report (services), the clipboard and report files (reportDelivery), the mail draft, and the log.
 */
import { session, shell } from 'electron';
import type { BrowserWindow } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppInfo } from '../shared/ipc/contract';
import type { DiagnosisTuning } from './diagnosis/diagnoseAccounts';
import type { ExitGuard } from './exitGuard';
import { guardedLog, processExitGuard } from './exitGuard';
import { createChannelHandlers } from './ipc/channelHandlers';
import type { MainServices } from './ipc/mainServices';
import { registerHandlers } from './ipc/registerHandlers';
import { createSenderPolicy } from './ipc/senderPolicy';
import type { KeychainAccess } from './keychain/keychainAccess';
import { createLinkOpener } from './links';
import { createElectronClipboard, createReportFiles, createSupportContact } from './reportDelivery';
import { createCoreServices } from './services';
import type { CoreServices } from './services';
import { APP_PAGE_URL, serveAppProtocol } from './window/appProtocol';
import { WindowRegistry, createMainWindow } from './window/createMainWindow';
import { lockDownSession } from './window/lockDown';

export interface WindowAppOptions {
  /** The folder holding package.json (`app.getAppPath()`: the asar archive when packaged). */
  readonly appRoot: string;
  /** The user's own home folder (from the user database in the packaged app, never $HOME). */
  readonly homeDir: string;
  /** 'given' for a fixture home (tests: off macOS a default home has no Mail data); default 'default'. */
  readonly homeSource?: 'default' | 'given';
  /** Where the login budget is kept. */
  readonly stateDir: string;
  /** Where the save dialog opens. */
  readonly documentsDir: () => string;
  readonly appInfo: AppInfo;
  readonly macosVersion?: string;
  /** Which keychain the diagnosis reads: the packaged app passes the system keychain. */
  readonly keychain: KeychainAccess;
  /** Tests only: the rig's resolver and CA, fixture managed preferences. The packaged app passes none. */
  readonly diagnosisTuning?: Omit<DiagnosisTuning, 'keychain'>;
  /** Tests only: fixture managed-preferences folders (default: the real /Library/Managed Preferences). */
  readonly managedPreferencesDirs?: readonly string[];
  /** Where each line of the main-process log goes once guarded (default: standard output). */
  readonly logSink?: (line: string) => void;
  /** Default: the process's exit guard. */
  readonly guard?: ExitGuard;
}

export interface WindowApp {
  readonly core: CoreServices;
  readonly registry: WindowRegistry;
  /** Shows the window, creating a new one if the last was closed. */
  showWindow(): void;
  /** The main window while it is open (the application menu's commands go to it), else null. */
  currentWindow(): BrowserWindow | null;
}

export function startWindowApp(options: WindowAppOptions): WindowApp {
  const guard = options.guard ?? processExitGuard;
  const log = guardedLog(guard, options.logSink ?? ((line) => console.log(line)));
  const rendererDir = join(options.appRoot, 'dist', 'renderer');
  const preloadPath = join(options.appRoot, 'dist', 'electron', 'preload.cjs');

  lockDownSession(session.defaultSession);
  serveAppProtocol(session.defaultSession, rendererDir);

  const core = createCoreServices({
    homeDir: options.homeDir,
    homeSource: options.homeSource ?? 'default',
    ...(options.managedPreferencesDirs === undefined ? {} : { managedPreferencesDirs: options.managedPreferencesDirs }),
    ...(options.macosVersion === undefined ? {} : { macosVersion: options.macosVersion }),
    stateDir: options.stateDir,
    appInfo: options.appInfo,
    log,
    diagnosisTuning: { ...options.diagnosisTuning, keychain: options.keychain },
    guard,
  });
  const clipboard = createElectronClipboard(guard);
  const services: MainServices = {
    appInfo: () => options.appInfo,
    accounts: core.accounts,
    diagnosis: core.diagnosis,
    report: core.report,
    clipboard,
    links: {
      open: createLinkOpener({
        platform: process.platform,
        managedTargets: core.managedLinkTargets,
        openExternal: (url) => shell.openExternal(url),
        openPath: (path) => shell.openPath(path),
        pathExists: existsSync,
      }),
    },
    reportFiles: createReportFiles({ report: core.report, defaultDir: options.documentsDir, guard }),
    support: createSupportContact({ report: core.report, clipboard, managedLinkTargets: core.managedLinkTargets, guard }),
    admin: core.admin,
  };
  // A test mailbox an interrupted run left behind is deleted first (docs/admin-tools.md).
  void core.admin.retryPendingDeletions().catch(() => {
    log('could not retry the deletion of a test mailbox left by an interrupted run');
  });

  const registry = new WindowRegistry();
  registerHandlers({
    handlers: createChannelHandlers(services),
    isTrustedSender: createSenderPolicy({ appPageUrl: APP_PAGE_URL, isOwnWebContents: (contents) => registry.has(contents) }),
    log,
    guard,
  });

  const windowOptions = { preloadPath, isPackaged: options.appInfo.isPackaged, log };
  let mainWindow = createMainWindow(windowOptions, registry);
  return {
    core,
    registry,
    showWindow() {
      if (mainWindow.isDestroyed()) {
        mainWindow = createMainWindow(windowOptions, registry);
        return;
      }
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    },
    currentWindow() {
      return mainWindow.isDestroyed() ? null : mainWindow;
    },
  };
}
