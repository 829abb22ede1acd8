/**
 * The window factory: every BrowserWindow of the app comes from here, locked down the same way.
 */
import { BrowserWindow } from 'electron';
import type { WebContents, WebPreferences } from 'electron';
import { APP_PAGE_URL } from './appProtocol';
import { lockDownWebContents } from './lockDown';

export interface WindowFactoryOptions {
  /** Absolute path of dist/electron/preload.cjs. */
  readonly preloadPath: string;
  /** DevTools exist only in development builds. */
  readonly isPackaged: boolean;
  /** The main-process log (guarded: electron/exitGuard.ts). */
  readonly log: (message: string) => void;
}

export function secureWebPreferences(options: Pick<WindowFactoryOptions, 'preloadPath' | 'isPackaged'>): WebPreferences {
  return {
    preload: options.preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools: !options.isPackaged,
  };
}

/** Remembers which webContents are ours, so IPC can refuse any other sender. */
export class WindowRegistry {
  private readonly ids = new Set<number>();

  add(contents: WebContents): void {
    const id = contents.id;
    this.ids.add(id);
    contents.once('destroyed', () => {
      this.ids.delete(id);
    });
  }

  has(contents: WebContents): boolean {
    return this.ids.has(contents.id);
  }
}

export function createMainWindow(options: WindowFactoryOptions, registry: WindowRegistry): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 520,
    show: false,
    title: 'Mail Doctor',
    // On a Mac the page's toolbar is the title bar (traffic lights inset over it) and the sidebar shows the
    // window's vibrancy (renderer/styles.css leaves both transparent there).
    ...(process.platform === 'darwin' ? { titleBarStyle: 'hiddenInset' as const, vibrancy: 'sidebar' as const } : {}),
    webPreferences: secureWebPreferences(options),
  });
  registry.add(window.webContents);
  lockDownWebContents(window.webContents);
  window.once('ready-to-show', () => {
    window.show();
  });
  // The page comes from the app's own protocol (appProtocol.ts), never from file://. loadURL rejects when
  // the page cannot be served; the window then stays blank, and the reason is logged.
  window.loadURL(APP_PAGE_URL).catch((error: unknown) => {
    options.log(`could not load the window (${error instanceof Error ? error.message : 'unknown error'})`);
  });
  return window;
}
