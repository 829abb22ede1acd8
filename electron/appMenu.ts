/**
 * The application menu. Without one, Electron's default menu applies on the Mac, whose View ▸ Reload (⌘R)
 * reloads the page and throws away the check the person is reading, and whose Toggle Developer Tools opens
 * the page's insides. This menu has neither: ⌘R is "Check Again" (what the toolbar's button does, asked of
 * the window through the contract's 'menu:command' event), the app menu carries "About Mail Doctor" with
 * the version, and Edit has the standard roles so copy and paste work in the password fields.
 *
 * No Help menu: the app has no documentation site to link to (a Help item must open something real).
 */
import { Menu, app } from 'electron';
import type { MenuItemConstructorOptions, WebContents } from 'electron';
import type { EventChannel, IpcEvents, MenuCommand } from '../shared/ipc/contract';

const MENU_COMMAND_CHANNEL = 'menu:command' satisfies EventChannel;

export interface AppMenuOptions {
  /** "Mail Doctor" (app.getName(): the product name). */
  readonly appName: string;
  /** app.getVersion(), shown in the About panel. */
  readonly version: string;
  /** Node's platform name: the Mac gets the app menu, other systems a File menu with Quit. */
  readonly platform: string;
  /** Development builds keep View ▸ Toggle Developer Tools (their windows allow DevTools); packaged builds do not. */
  readonly isPackaged: boolean;
  /** The window the menu's commands go to: the app's one main window, or null while there is none. */
  readonly window: () => { readonly webContents: Pick<WebContents, 'send' | 'isDestroyed'> } | null;
}

/** Sends one menu command to the window (typed by the contract: the window subscribes with onMenuCommand). */
export function sendMenuCommand(window: ReturnType<AppMenuOptions['window']>, command: MenuCommand): void {
  if (window === null || window.webContents.isDestroyed()) return;
  const value: IpcEvents[typeof MENU_COMMAND_CHANNEL] = command;
  window.webContents.send(MENU_COMMAND_CHANNEL, value);
}

/** The menu's template: plain data, so tests read exactly what the app installs. */
export function appMenuTemplate(options: AppMenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const separator: MenuItemConstructorOptions = { type: 'separator' };

  const appMenu: MenuItemConstructorOptions = mac
    ? {
        label: options.appName,
        submenu: [
          { role: 'about', label: `About ${options.appName}` },
          separator,
          { role: 'services' },
          separator,
          { role: 'hide', label: `Hide ${options.appName}` },
          { role: 'hideOthers' },
          { role: 'unhide' },
          separator,
          { role: 'quit', label: `Quit ${options.appName}` },
        ],
      }
    : { label: 'File', submenu: [{ role: 'quit' }] };

  return [
    appMenu,
    // ⌘W closes the one window, which ends the app (main.ts: window-all-closed).
    ...(mac ? [{ label: 'File', submenu: [{ role: 'close' }] } satisfies MenuItemConstructorOptions] : []),
    {
      label: 'Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, separator, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    {
      label: 'View',
      submenu: [
        {
          id: 'check-again',
          label: 'Check Again',
          accelerator: 'CmdOrCtrl+R',
          click: () => {
            sendMenuCommand(options.window(), 'check-again');
          },
        },
        ...(options.isPackaged ? [] : [separator, { role: 'toggleDevTools' } satisfies MenuItemConstructorOptions]),
      ],
    },
    {
      label: 'Window',
      role: 'windowMenu',
      submenu: [{ role: 'minimize' }, { role: 'zoom' }, ...(mac ? [separator, { role: 'front' } satisfies MenuItemConstructorOptions] : [])],
    },
  ];
}

/** Installs the menu and the About panel's words; call once the app is ready. */
export function installAppMenu(options: AppMenuOptions): void {
  app.setAboutPanelOptions({ applicationName: options.appName, applicationVersion: options.version });
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(options)));
}
