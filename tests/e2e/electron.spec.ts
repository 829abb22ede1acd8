/**
 * Smoke test of the built Electron app. This workplace installs electron with
 * ELECTRON_SKIP_BINARY_DOWNLOAD=1 and cannot download the binary, so the test skips (and says why)
 * when node_modules/electron/dist holds no binary. It never requires 'electron' to find out: that
 * would start a download.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const electronPackage = join(projectRoot, 'node_modules', 'electron');

function electronBinary(): { path: string } | { missing: string } {
  const pathFile = join(electronPackage, 'path.txt');
  if (!existsSync(pathFile)) return { missing: `${pathFile} does not exist` };
  const binary = join(electronPackage, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { path: binary } : { missing: `${binary} does not exist` };
}

const binary = electronBinary();

test('the built app opens one locked-down window that shows the app', async () => {
  test.skip('missing' in binary, `Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD): ${'missing' in binary ? binary.missing : ''}`);
  if (!('path' in binary)) return;

  execFileSync(process.execPath, [join(projectRoot, 'esbuild.config.mjs')], { cwd: projectRoot, stdio: 'inherit' });
  const app = await electron.launch({ executablePath: binary.path, args: [projectRoot], cwd: projectRoot });
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { level: 1, name: 'Mail Doctor' })).toBeVisible();
    const pageView = await page.evaluate(() => ({
      verbs: Object.keys(window.mailDoctor ?? {}).sort(),
      hasRequire: 'require' in globalThis,
      hasProcess: 'process' in globalThis,
    }));
    expect(pageView).toEqual({
      verbs: [
        'cancelDiagnosis',
        'contactSupport',
        'copyReport',
        'getAppInfo',
        'getReport',
        'listAccounts',
        'onDiagnosisProgress',
        'onMenuCommand',
        'openLink',
        'saveReport',
        'startDiagnosis',
      ],
      hasRequire: false,
      hasProcess: false,
    });
    // The sandbox is on: the preload had no Node, and window.open is refused by main.
    expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  } finally {
    await app.close();
  }
});
