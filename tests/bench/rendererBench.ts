/**
 * The window's renderer: how much JavaScript it ships (gzip, as a compressed transfer or asar entry would be
 * read) and how soon its checklist is on screen. Built with `vite build` as `npm run build` does, loaded in
 * headless Debian Chromium (the browser the Playwright tests use) from the preview server (the real main-process
 * code behind a loopback bridge, `electron/preview/server.ts`) with a fixture Mac home, so the first account and
 * its checklist appear as in the app.
 *
 * "First checklist paint": from the navigation's start (performance.timeOrigin) to the second animation frame
 * after the checklist's `<ol class="checklist">` entered the DOM (the first frame after the one that laid it out
 * has been painted). Each run uses a fresh browser context (a cold HTTP cache).
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { buildMacHome } from '../fixtures/buildMacHome';
import { REPO_ROOT } from '../integration/cli/support';
import { startPreview } from '../e2e/support/previewServer';

const execFileAsync = promisify(execFile);

export interface RendererSize {
  readonly files: readonly { readonly file: string; readonly bytes: number; readonly gzipBytes: number }[];
  readonly gzipBytes: number;
}

export interface PaintRun {
  readonly checklistPaintMs: number;
  readonly firstContentfulPaintMs: number | undefined;
}

async function javaScriptFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.js')).map((entry) => path.join(entry.parentPath, entry.name));
}

/** Builds the renderer (dist/renderer) and measures its JavaScript. */
export async function rendererSize(): Promise<RendererSize> {
  await execFileAsync(process.execPath, [path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: REPO_ROOT });
  const outDir = path.join(REPO_ROOT, 'dist', 'renderer');
  const files = await Promise.all(
    (await javaScriptFiles(outDir)).map(async (file) => {
      const bytes = await readFile(file);
      return { file: path.relative(outDir, file), bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
    }),
  );
  if (files.length === 0) throw new Error(`vite build left no JavaScript in ${outDir}`);
  return { files, gzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0) };
}

declare global {
  interface Window {
    __checklistPaintAt?: number;
  }
}

/** Runs in the page before its own scripts: notes the second frame after the checklist entered the DOM. */
const CHECKLIST_WATCH = `
  const checklistObserver = new MutationObserver(() => {
    if (document.querySelector('ol.checklist') === null) return;
    checklistObserver.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__checklistPaintAt = performance.now(); }));
  });
  checklistObserver.observe(document, { childList: true, subtree: true });
`;

/** Loads the window `repeats` times (after one unmeasured load) and times the checklist's first paint. */
export async function checklistFirstPaint(repeats: number): Promise<PaintRun[]> {
  const home = await buildMacHome();
  const preview = await startPreview({ home: home.home, extraArgs: home.managedPreferencesDirs.flatMap((dir) => ['--managed-preferences-dir', dir]) });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  try {
    const runs: PaintRun[] = [];
    for (let run = 0; run <= repeats; run += 1) {
      const context = await browser.newContext();
      const page = await context.newPage();
      // A string, not a function: tsx would wrap a named arrow function in a helper the page does not have.
      await page.addInitScript({ content: CHECKLIST_WATCH });
      await page.goto(preview.pageUrl);
      await page.waitForFunction(() => window.__checklistPaintAt !== undefined, undefined, { timeout: 20_000 });
      const measured = await page.evaluate(() => ({
        checklistPaintMs: window.__checklistPaintAt ?? Number.NaN,
        firstContentfulPaintMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      }));
      await context.close();
      if (run > 0) runs.push(measured); // run 0 warms the preview server and the browser up
    }
    return runs;
  } finally {
    await browser.close();
    await preview.stop();
    await home.cleanup();
  }
}
