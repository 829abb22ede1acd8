/**
 * The application menu (electron/appMenu.ts) with a mocked `electron`: what it holds on the Mac, that
 * nothing in it reloads the page or opens DevTools in the packaged app, the About panel's version, and
 * that ⌘R reaches the window as the contract's 'menu:command' event, which the preload hands to the
 * page's onMenuCommand (tests/unit/shell/preload.test.ts).
 */
import type { MenuItemConstructorOptions } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const fakes = vi.hoisted(() => ({
  templates: [] as unknown[],
  installed: [] as unknown[],
  aboutPanel: [] as unknown[],
}));

vi.mock('electron', () => ({
  Menu: {
    buildFromTemplate: (template: unknown) => {
      fakes.templates.push(template);
      return { builtFrom: template };
    },
    setApplicationMenu: (menu: unknown) => {
      fakes.installed.push(menu);
    },
  },
  app: {
    setAboutPanelOptions: (options: unknown) => {
      fakes.aboutPanel.push(options);
    },
  },
}));

import { appMenuTemplate, installAppMenu } from '../../../electron/appMenu';
import type { AppMenuOptions } from '../../../electron/appMenu';
import { EVENT_CHANNELS, EVENT_SUBSCRIPTIONS, MENU_COMMANDS } from '../../../shared/ipc/contract';
import { FakeWebContents } from './fakeElectron';

type Item = MenuItemConstructorOptions;

function options(patch: Partial<AppMenuOptions> = {}): AppMenuOptions {
  return { appName: 'Mail Doctor', version: '1.4.2', platform: 'darwin', isPackaged: true, window: () => null, ...patch };
}

/** Every item of the menu, submenus included. */
function allItems(template: readonly Item[]): Item[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? allItems(item.submenu) : [])]);
}

function submenuOf(template: readonly Item[], label: string): Item[] {
  const menu = template.find((item) => item.label === label);
  if (menu === undefined || !Array.isArray(menu.submenu)) throw new Error(`no ${label} menu`);
  return menu.submenu;
}

/** How each item reads: its role or its label, with its accelerator. */
function outline(items: readonly Item[]): string[] {
  return items.map((item) =>
    item.type === 'separator' ? '—' : `${item.label ?? item.role ?? '?'}${item.accelerator === undefined ? '' : ` (${String(item.accelerator)})`}`,
  );
}

const PAGE_RELOADERS = ['reload', 'forceReload', 'toggleDevTools', 'viewMenu', 'appMenu', 'fileMenu', 'editMenu', 'help', 'recentDocuments'];

describe('the application menu on the Mac', () => {
  beforeEach(() => {
    fakes.templates.length = 0;
    fakes.installed.length = 0;
    fakes.aboutPanel.length = 0;
  });

  it('has the app menu with About, Hide and Quit; Edit with the standard roles; View ▸ Check Again (⌘R); Window; no Help', () => {
    const template = appMenuTemplate(options());
    expect(template.map((item) => item.label)).toEqual(['Mail Doctor', 'File', 'Edit', 'View', 'Window']);
    expect(outline(submenuOf(template, 'Mail Doctor'))).toEqual([
      'About Mail Doctor',
      '—',
      'services',
      '—',
      'Hide Mail Doctor',
      'hideOthers',
      'unhide',
      '—',
      'Quit Mail Doctor',
    ]);
    expect(submenuOf(template, 'Mail Doctor').map((item) => item.role).filter(Boolean)).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    // Copy and paste work in the password fields only through these roles.
    expect(submenuOf(template, 'Edit').map((item) => item.role ?? item.type)).toEqual(['undo', 'redo', 'separator', 'cut', 'copy', 'paste', 'selectAll']);
    expect(outline(submenuOf(template, 'View'))).toEqual(['Check Again (CmdOrCtrl+R)']);
    expect(submenuOf(template, 'File').map((item) => item.role)).toEqual(['close']);
    expect(submenuOf(template, 'Window').map((item) => item.role ?? item.type)).toEqual(['minimize', 'zoom', 'separator', 'front']);
    // No documentation site exists, so no Help menu promises one.
    expect(allItems(template).some((item) => item.role === 'help' || item.label === 'Help')).toBe(false);
  });

  it('has nothing that reloads the page or opens DevTools in the packaged app, and ⌘R is only Check Again', () => {
    const items = allItems(appMenuTemplate(options()));
    expect(items.filter((item) => PAGE_RELOADERS.includes(String(item.role)))).toEqual([]);
    expect(items.filter((item) => item.accelerator !== undefined).map((item) => [item.label, item.accelerator])).toEqual([['Check Again', 'CmdOrCtrl+R']]);
  });

  it('keeps Toggle Developer Tools in a development build (whose window allows DevTools), still without Reload', () => {
    const items = allItems(appMenuTemplate(options({ isPackaged: false })));
    expect(items.map((item) => item.role)).toContain('toggleDevTools');
    expect(items.filter((item) => item.role === 'reload' || item.role === 'forceReload')).toEqual([]);
  });

  it('off the Mac: a File menu with Quit instead of the app menu, and the same Check Again', () => {
    const template = appMenuTemplate(options({ platform: 'linux' }));
    expect(template.map((item) => item.label)).toEqual(['File', 'Edit', 'View', 'Window']);
    expect(submenuOf(template, 'File').map((item) => item.role)).toEqual(['quit']);
    expect(allItems(template).some((item) => item.role === 'about' || item.role === 'reload')).toBe(false);
    expect(outline(submenuOf(template, 'View'))).toEqual(['Check Again (CmdOrCtrl+R)']);
  });

  it('installs the menu built from that template, and the About panel shows the app version', () => {
    installAppMenu(options());
    expect(fakes.aboutPanel).toEqual([{ applicationName: 'Mail Doctor', applicationVersion: '1.4.2' }]);
    expect(fakes.templates).toHaveLength(1);
    expect(JSON.stringify(fakes.templates[0])).toBe(JSON.stringify(appMenuTemplate(options())));
    expect(fakes.installed).toEqual([{ builtFrom: fakes.templates[0] }]);
  });

  it("⌘R's click sends the window the contract's check-again command, which the page receives through onMenuCommand", () => {
    const contents = new FakeWebContents();
    const template = appMenuTemplate(options({ window: () => ({ webContents: contents }) }));
    const checkAgain = submenuOf(template, 'View').find((item) => item.id === 'check-again');
    checkAgain?.click?.(undefined as never, undefined, undefined as never);
    expect(contents.sent).toEqual([{ channel: 'menu:command', value: 'check-again' }]);
    expect(EVENT_CHANNELS).toContain('menu:command');
    expect(EVENT_SUBSCRIPTIONS.onMenuCommand).toBe('menu:command');
    expect(MENU_COMMANDS).toContain('check-again');
  });

  it('sends nothing while there is no window, or once its page is gone', () => {
    const checkAgain = (window: AppMenuOptions['window']) =>
      submenuOf(appMenuTemplate(options({ window })), 'View')
        .find((item) => item.id === 'check-again')
        ?.click?.(undefined as never, undefined, undefined as never);
    expect(() => checkAgain(() => null)).not.toThrow();
    const closed = new FakeWebContents();
    closed.destroyed = true;
    checkAgain(() => ({ webContents: closed }));
    expect(closed.sent).toEqual([]);
  });
});
