/**
 * `npm start` where the Electron binary cannot run (this machine: npm installed electron without its
 * binary): one clear sentence, no stack trace, and the same window served through the preview at the
 * printed address. The renderer was built by the globalSetup, so the script runs without `npm run build`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { electronAvailability, fallbackSentence } from '../../electron/preview/start';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

test('electron availability: no binary, or no display, means the preview', () => {
  const root = mkdtempSync(join(tmpdir(), 'md-start-'));
  const withDisplay = { DISPLAY: ':0' };
  expect(electronAvailability(root, 'linux', withDisplay)).toEqual({ runnable: false, reason: 'no Electron binary for linux' });
  mkdirSync(join(root, 'node_modules', 'electron', 'dist'), { recursive: true });
  writeFileSync(join(root, 'node_modules', 'electron', 'path.txt'), 'electron');
  expect(electronAvailability(root, 'linux', withDisplay).runnable).toBe(false);
  writeFileSync(join(root, 'node_modules', 'electron', 'dist', 'electron'), '');
  expect(electronAvailability(root, 'linux', withDisplay)).toMatchObject({ runnable: true });
  expect(electronAvailability(root, 'linux', {})).toEqual({ runnable: false, reason: 'no display to open a window on' });
  expect(electronAvailability(root, 'darwin', {})).toMatchObject({ runnable: true });
});

test('npm start without a runnable Electron: one sentence, then the window at the printed address', async ({ page }) => {
  const home = mkdtempSync(join(tmpdir(), 'md-start-home-'));
  const environment: NodeJS.ProcessEnv = { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' };
  const child = spawn(process.execPath, [join(projectRoot, 'node_modules/tsx/dist/cli.mjs'), join(projectRoot, 'electron/preview/start.ts'), '--home', home], {
    cwd: projectRoot,
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  try {
    await expect.poll(() => /Mail Doctor preview: (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(stdout)?.[1], { timeout: 20_000 }).toBeTruthy();
    const lines = stdout.trim().split('\n');
    const availability = electronAvailability(projectRoot, process.platform, environment);
    expect(availability.runnable).toBe(false);
    if (availability.runnable) return;
    expect(lines[0]).toBe(fallbackSentence(availability.reason));
    expect(`${stdout}\n${stderr}`).not.toMatch(/\n\s+at |Error:|failed to install/);

    const address = /Mail Doctor preview: (\S+)/.exec(stdout)?.[1] ?? '';
    await page.goto(address);
    await expect(page.getByRole('heading', { level: 1, name: 'Mail Doctor' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Accounts' })).toBeVisible();
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
});
