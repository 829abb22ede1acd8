/**
 * Mail Doctor's main process: the entry point of the packaged app (bundled by esbuild to
 * dist/electron/main.cjs, package.json "main"). It decides, in code, everything no caller may choose: the
 * environment is settled first (packagedEnvironment.ts), the keychain is the system's, the home folder is
 * the user database's. Then either the headless CLI (`--cli`) or the window (windowApp.ts).
 */
import { app, protocol } from 'electron';
import { userInfo } from 'node:os';
import { installAppMenu } from './appMenu';
import { defaultStateDir, logDirFor } from './appPaths';
import { guardedLog, processExitGuard } from './exitGuard';
import { exitWhenFlushed, ignoreClosedPipes } from './fleet/exitWhenFlushed';
import { openFileLog } from './log/fileLog';
import { SYSTEM_KEYCHAIN } from './keychain/keychainAccess';
import { settlePackagedEnvironment } from './packagedEnvironment';
import { registerAppScheme } from './window/appProtocol';
// Kept static: every webContents must get its guards synchronously, the moment it is created.
import { lockDownWebContents } from './window/lockDown';

// Before anything reads it: the environment cannot steer the app (home folder, resolver, trust).
settlePackagedEnvironment();

// ~/Library/Logs/Mail Doctor/mail-doctor.log as well as the console; guardedLog has already scrubbed the line.
const fileLog = openFileLog({ dir: logDirFor(userInfo().homedir), within: userInfo().homedir });
const log = guardedLog(processExitGuard, (line) => {
  console.log(line);
  fileLog.write('app', line);
});

/**
 * `Mail Doctor --cli diagnose --json`: the packaged app's headless mode for IT scripts (docs/cli.md).
 * It runs the same CLI in this process (RunAsNode is fused off), opens no window, and exits with the
 * CLI's exit code. It does not take the single-instance lock: a fleet script may run while the window is open.
 */
const cliFlagIndex = process.argv.indexOf('--cli');
if (cliFlagIndex >= 0) {
  app.dock?.hide();
  ignoreClosedPipes();
  // Exit only once standard output has reached the reader's pipe: a large JSON report is never cut short.
  // The CLI's modules load only now (and the window's only in the window's path): esbuild keeps a dynamically
  // imported module behind a lazy initializer, so `--cli` runs no window code (docs/benchmarks.md, "Cold start").
  import('./cli/runCli').then(({ runCli }) => runCli(
    process.argv.slice(cliFlagIndex + 1),
    {
      stdout: process.stdout,
      stderr: process.stderr,
      stdin: process.stdin,
      appVersion: app.getVersion(),
    },
    { keychain: SYSTEM_KEYCHAIN, userHome: userInfo().homedir },
  )).then(
    (code) => {
      exitWhenFlushed(code, (exitCode) => app.exit(exitCode));
    },
    (error: unknown) => {
      // Not a diagnosis result: an unexpected failure. Said on standard error (guarded), exit 2.
      const reason = processExitGuard.text('cli-output', error instanceof Error ? error.message : 'unknown error').value;
      process.stderr.write(`mail-doctor: could not diagnose: ${reason}\n`);
      exitWhenFlushed(2, (exitCode) => app.exit(exitCode));
    },
  );
} else {
  // The window's page is served on app://mail-doctor (window/appProtocol.ts); the scheme is declared before ready.
  registerAppScheme(protocol);
  if (app.requestSingleInstanceLock()) {
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
      // The window's modules load only now: `Mail Doctor --cli` loads no more than the plain CLI does
      // (docs/benchmarks.md, "Cold start"); esbuild keeps a dynamically imported module behind a lazy initializer.
      .then(() => import('./windowApp'))
      .then(({ startWindowApp }) => {
        const windowApp = startWindowApp({
          appRoot: app.getAppPath(),
          homeDir: userInfo().homedir,
          // The same ledger as the CLI's (on a Mac: ~/Library/Application Support/Mail Doctor, the app's userData).
          stateDir: defaultStateDir(),
          documentsDir: () => app.getPath('documents'),
          appInfo: { name: app.getName(), version: app.getVersion(), platform: process.platform, isPackaged: app.isPackaged },
          ...(process.platform === 'darwin' ? { macosVersion: process.getSystemVersion() } : {}),
          keychain: SYSTEM_KEYCHAIN,
        });
        // Replaces Electron's default menu (its Reload would discard the check on screen): electron/appMenu.ts.
        installAppMenu({
          appName: app.getName(),
          version: app.getVersion(),
          platform: process.platform,
          isPackaged: app.isPackaged,
          window: () => windowApp.currentWindow(),
        });
        app.on('second-instance', () => {
          windowApp.showWindow();
        });
        app.on('activate', () => {
          windowApp.showWindow();
        });
      })
      .catch((error: unknown) => {
        log(`could not start (${error instanceof Error ? error.message : 'unknown error'})`);
        app.exit(1);
      });
  } else {
    // Another Mail Doctor is already open; it gets focused through 'second-instance'.
    app.quit();
  }
}
