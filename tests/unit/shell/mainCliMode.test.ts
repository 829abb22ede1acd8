/**
 * `Mail Doctor --cli ...`: the packaged app's headless mode runs the CLI in the main process and exits
 * with its code, without taking the single-instance lock or opening a window.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

const app = {
  dock: { hide: vi.fn() },
  getVersion: vi.fn(() => '9.9.9'),
  exit: vi.fn(),
  requestSingleInstanceLock: vi.fn(() => true),
  whenReady: vi.fn(() => new Promise<void>(() => undefined)),
  on: vi.fn(),
  quit: vi.fn(),
};
const BrowserWindow = vi.fn();

vi.mock('electron', () => ({ app, BrowserWindow, clipboard: {}, session: {}, shell: {}, ipcMain: { handle: vi.fn() } }));

const originalArgv = process.argv;
afterEach(() => {
  process.argv = originalArgv;
  vi.resetModules();
  vi.clearAllMocks();
});

async function launch(argv: string[]): Promise<string> {
  process.argv = ['/Applications/Mail Doctor.app/Contents/MacOS/Mail Doctor', ...argv];
  let printed = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed += String(chunk);
    return true;
  });
  try {
    await import('../../../electron/main');
    await vi.waitFor(() => {
      expect(app.exit).toHaveBeenCalled();
    });
  } finally {
    write.mockRestore();
  }
  return printed;
}

describe('electron/main.ts --cli', () => {
  it('runs the CLI headless and exits with its code', async () => {
    const printed = await launch(['--cli', '--version']);
    expect(printed).toBe('9.9.9\n');
    expect(app.exit).toHaveBeenCalledWith(0);
    expect(app.dock.hide).toHaveBeenCalled();
    expect(app.requestSingleInstanceLock).not.toHaveBeenCalled();
    expect(app.whenReady).not.toHaveBeenCalled();
    expect(BrowserWindow).not.toHaveBeenCalled();
  });

  it('passes the CLI exit code through (2 for a usage error)', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await launch(['--cli', 'diagnose', '--timeout', 'soon']);
    } finally {
      stderr.mockRestore();
    }
    expect(app.exit).toHaveBeenCalledWith(2);
  });

  it('without --cli it starts the app normally', async () => {
    process.argv = ['/Applications/Mail Doctor.app/Contents/MacOS/Mail Doctor'];
    await import('../../../electron/main');
    expect(app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(app.whenReady).toHaveBeenCalled();
    expect(app.exit).not.toHaveBeenCalled();
  });
});
