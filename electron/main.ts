/**
 * Mail Doctor's main process: app lifecycle and the composition of the Electron-specific services.
 * Bundled by esbuild to dist/electron/main.cjs (package.json "main").
 */
import { app, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AppInfo } from '../shared/ipc/contract';
import { createChannelHandlers } from './ipc/channelHandlers';
import type { MainServices } from './ipc/mainServices';
import { registerHandlers } from './ipc/registerHandlers';
import { createSenderPolicy } from './ipc/senderPolicy';
import { createLinkOpener } from './links';
import { createReportFiles, createSupportContact, electronClipboard } from './reportDelivery';
import { createCoreServices } from './services';
import { WindowRegistry, createMainWindow } from './window/createMainWindow';
import { lockDownSession, lockDownWebContents } from './window/lockDown';
import { runCli } from './cli/runCli';
import { SYSTEM_KEYCHAIN } from './keychain/keychainAccess';
import { settlePackagedEnvironment } from './packagedEnvironment';

// Before anything reads it: the environment cannot steer the app (home folder, resolver, trust).
settlePackagedEnvironment();

const log = (message: string): void => {
  console.log(`[mail-doctor] ${message}`);
};

function start(): void {
  // app.getAppPath() is the folder holding package.json (the asar archive when packaged).
  const appRoot = app.getAppPath();
  const indexHtmlPath = join(appRoot, 'dist', 'renderer', 'index.html');
  const preloadPath = join(appRoot, 'dist', 'electron', 'preload.cjs');
  const appInfo: AppInfo = {
    name: app.getName(),
    version: app.getVersion(),
    platform: process.platform,
    isPackaged: app.isPackaged,
  };

  lockDownSession(session.defaultSession);

  const core = createCoreServices({
    homeDir: app.getPath('home'),
    homeSource: 'default',
    ...(process.platform === 'darwin' ? { macosVersion: process.getSystemVersion() } : {}),
    stateDir: app.getPath('userData'),
    appInfo,
    log,
  });
  const services: MainServices = {
    appInfo: () => appInfo,
    accounts: core.accounts,
    diagnosis: core.diagnosis,
    report: core.report,
    clipboard: electronClipboard,
    links: {
      open: createLinkOpener({
        platform: process.platform,
        managedTargets: core.managedLinkTargets,
        openExternal: (url) => shell.openExternal(url),
        openPath: (path) => shell.openPath(path),
        pathExists: existsSync,
      }),
    },
    reportFiles: createReportFiles({ report: core.report, defaultDir: () => app.getPath('documents') }),
    support: createSupportContact({
      report: core.report,
      clipboard: electronClipboard,
      managedLinkTargets: core.managedLinkTargets,
    }),
  };

  const registry = new WindowRegistry();
  registerHandlers({
    handlers: createChannelHandlers(services),
    isTrustedSender: createSenderPolicy({
      appPageUrl: pathToFileURL(indexHtmlPath).href,
      isOwnWebContents: (contents) => registry.has(contents),
    }),
    log,
  });

  const windowOptions = { preloadPath, indexHtmlPath, isPackaged: app.isPackaged };
  let mainWindow = createMainWindow(windowOptions, registry);

  app.on('second-instance', () => {
    if (mainWindow.isDestroyed()) {
      mainWindow = createMainWindow(windowOptions, registry);
      return;
    }
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('activate', () => {
    if (mainWindow.isDestroyed()) mainWindow = createMainWindow(windowOptions, registry);
  });
}

/**
 * `Mail Doctor --cli diagnose --json`: the packaged app's headless mode for IT scripts (docs/cli.md).
 * It runs the same CLI in this process (RunAsNode is fused off), opens no window, and exits with the
 * CLI's exit code. It does not take the single-instance lock: a fleet script may run while the window is open.
 */
const cliFlagIndex = process.argv.indexOf('--cli');
if (cliFlagIndex >= 0) {
  app.dock?.hide();
  void runCli(
    process.argv.slice(cliFlagIndex + 1),
    {
      stdout: process.stdout,
      stderr: process.stderr,
      stdin: process.stdin,
      appVersion: app.getVersion(),
    },
    { keychain: SYSTEM_KEYCHAIN },
  ).then((code) => {
    app.exit(code);
  });
} else if (app.requestSingleInstanceLock()) {
  // Every webContents, including any we did not create on purpose, gets the same guards.
  app.on('web-contents-created', (_event, contents) => {
    lockDownWebContents(contents);
  });
  // A one-window utility: closing the window ends the app, on the Mac too.
  app.on('window-all-closed', () => {
    app.quit();
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      log(`could not start (${error instanceof Error ? error.message : 'unknown error'})`);
      app.exit(1);
    });
} else {
  // Another Mail Doctor is already open; it gets focused through 'second-instance'.
  app.quit();
}
