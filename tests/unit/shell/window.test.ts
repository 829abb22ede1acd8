import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const fakes = vi.hoisted(() => ({ windows: [] as { options: unknown; webContents: unknown; loadURL: unknown }[] }));

vi.mock('electron', async () => {
  const { FakeEmitter, FakeWebContents } = await import('./fakeElectron');
  class BrowserWindow extends FakeEmitter {
    readonly webContents = new FakeWebContents();
    readonly loadURL = vi.fn((_url: string) => Promise.resolve());
    readonly loadFile = vi.fn((_path: string) => Promise.resolve());
    readonly show = vi.fn();
    constructor(readonly options: unknown) {
      super();
      fakes.windows.push(this);
    }
  }
  return { BrowserWindow };
});

import { WindowRegistry, createMainWindow } from '../../../electron/window/createMainWindow';
import { lockDownWebContents } from '../../../electron/window/lockDown';
import { FakeWebContents, PreventableEvent } from './fakeElectron';

interface CreatedWindow {
  options: { webPreferences: Record<string, unknown>; show: boolean };
  webContents: FakeWebContents;
  loadURL: ReturnType<typeof vi.fn>;
  loadFile: ReturnType<typeof vi.fn>;
}

function lastWindow(): CreatedWindow {
  const created = fakes.windows.at(-1);
  if (created === undefined) throw new Error('no window was created');
  return created as CreatedWindow;
}

const paths = { preloadPath: '/app/dist/electron/preload.cjs', log: () => undefined };

describe('the window factory', () => {
  beforeEach(() => {
    fakes.windows.length = 0;
  });

  it('creates a packaged window with exactly the locked-down webPreferences', () => {
    createMainWindow({ ...paths, isPackaged: true }, new WindowRegistry());
    expect(lastWindow().options.webPreferences).toEqual({
      preload: '/app/dist/electron/preload.cjs',
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
      devTools: false,
    });
  });

  it('allows DevTools only in development', () => {
    createMainWindow({ ...paths, isPackaged: false }, new WindowRegistry());
    expect(lastWindow().options.webPreferences.devTools).toBe(true);
    expect(lastWindow().options.webPreferences.sandbox).toBe(true);
  });

  it('loads the page from the app:// protocol, never from file://', () => {
    createMainWindow({ ...paths, isPackaged: true }, new WindowRegistry());
    expect(lastWindow().loadURL).toHaveBeenCalledWith('app://mail-doctor/index.html');
    expect(lastWindow().loadFile).not.toHaveBeenCalled();
  });

  it('denies window.open, whatever the URL', () => {
    createMainWindow({ ...paths, isPackaged: true }, new WindowRegistry());
    const handler = lastWindow().webContents.windowOpenHandler;
    expect(handler).not.toBeNull();
    expect(handler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(handler?.({ url: 'app://mail-doctor/index.html' })).toEqual({ action: 'deny' });
  });

  it.each(['will-navigate', 'will-redirect', 'will-frame-navigate', 'will-attach-webview'])('prevents %s', (eventName) => {
    createMainWindow({ ...paths, isPackaged: true }, new WindowRegistry());
    const event = new PreventableEvent();
    lastWindow().webContents.emit(eventName, event, 'https://attacker.example/');
    expect(event.defaultPrevented).toBe(true);
  });

  it('registers the window as one of ours until its webContents is destroyed', () => {
    const registry = new WindowRegistry();
    createMainWindow({ ...paths, isPackaged: true }, registry);
    const contents = lastWindow().webContents;
    expect(registry.has(contents as never)).toBe(true);
    expect(registry.has(new FakeWebContents() as never)).toBe(false);
    contents.emit('destroyed');
    expect(registry.has(contents as never)).toBe(false);
  });

  it('locks down any other webContents the same way', () => {
    const contents = new FakeWebContents();
    lockDownWebContents(contents as never);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    const event = new PreventableEvent();
    contents.emit('will-navigate', event, 'https://example.com/');
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('the window on a Mac', () => {
  const platform = Object.getOwnPropertyDescriptor(process, 'platform');
  beforeEach(() => {
    fakes.windows.length = 0;
  });
  afterEach(() => {
    if (platform !== undefined) Object.defineProperty(process, 'platform', platform);
  });

  function windowOptionsOn(name: string): Record<string, unknown> {
    Object.defineProperty(process, 'platform', { value: name });
    createMainWindow({ ...paths, isPackaged: true }, new WindowRegistry());
    return lastWindow().options;
  }

  it('draws the toolbar under the traffic lights (hidden-inset title bar), with the sidebar vibrancy, at a usable size', () => {
    const options = windowOptionsOn('darwin');
    expect(options).toMatchObject({
      titleBarStyle: 'hiddenInset',
      vibrancy: 'sidebar',
      title: 'Mail Doctor',
      width: 1100,
      height: 760,
      minWidth: 720,
      minHeight: 520,
      show: false,
    });
  });

  it('keeps the system title bar elsewhere (no inset, no vibrancy)', () => {
    const options = windowOptionsOn('linux');
    expect(options).not.toHaveProperty('titleBarStyle');
    expect(options).not.toHaveProperty('vibrancy');
    expect(options).toMatchObject({ minWidth: 720, minHeight: 520 });
  });

  it('shows the window only once its page is ready to show (no blank flash)', () => {
    windowOptionsOn('darwin');
    const created = fakes.windows.at(-1) as unknown as { show: ReturnType<typeof vi.fn>; emit(event: string): void };
    expect(created.show).not.toHaveBeenCalled();
    created.emit('ready-to-show');
    expect(created.show).toHaveBeenCalledTimes(1);
  });
});
