/**
 * The window's renderer: how much JavaScript it ships (gzip, as a compressed transfer or asar entry would be
 * read) and how soon its checklist is on screen. Built with `vite build` as `npm run build` does, loaded in
 * headless Debian Chromium (the browser the Playwright tests use) from the preview server (the real main-process
 * code behind a loopback bridge, `electron/preview/server.ts`) with a fixture Mac home, so the first account and
 * its checklist appear as in the app.
 *
 * The window opens on the account with its "Check My Mail" button; the checklist appears once a check starts. So:
 * "first screen": from the navigation's start (performance.timeOrigin) until that button has been painted;
 * the page then presses it at once (from inside the page, so no test-driver latency is counted), and "first
 * checklist paint" is from the navigation's start until the checklist (`<ol class="checklist">`) has been painted.
 * "Painted" is the second animation frame after the element entered the DOM (the frame that laid it out is then
 * on screen). Each run uses a fresh browser context (a cold HTTP cache) and waits for the check's verdict, so the
 * next run starts on an idle server; the check's DNS goes to a closed loopback port (it fails at once).
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
  readonly firstScreenMs: number;
  readonly checklistPaintMs: number;
  readonly firstContentfulPaintMs: number | undefined;
  /** What the page fetched before the checklist (its script, the bridge's calls): path, start and end in ms. */
  readonly resources: readonly { readonly path: string; readonly startMs: number; readonly endMs: number }[];
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
    __paint?: { firstScreenAt?: number; checklistPaintAt?: number };
  }
}

/**
 * Runs in the page before its own scripts: notes when the "Check My Mail" button has been painted, presses it,
 * and notes when the checklist has been painted.
 */
const CHECKLIST_WATCH = `
  const paint = (window.__paint = {});
  let pressed = false;
  let checklistSeen = false;
  const afterPaint = (then) => requestAnimationFrame(() => requestAnimationFrame(() => then(performance.now())));
  const observer = new MutationObserver(() => {
    if (!pressed) {
      const button = [...document.querySelectorAll('main button')].find((b) => b.textContent.trim() === 'Check My Mail' && !b.disabled);
      if (button === undefined) return;
      pressed = true;
      afterPaint((at) => { paint.firstScreenAt = at; button.click(); });
      return;
    }
    if (!checklistSeen && document.querySelector('ol.checklist') !== null) {
      checklistSeen = true;
      observer.disconnect();
      afterPaint((at) => { paint.checklistPaintAt = at; });
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
`;

/** Loads the window `repeats` times (after one unmeasured load) and times the checklist's first paint. */
export async function checklistFirstPaint(repeats: number): Promise<PaintRun[]> {
  const home = await buildMacHome();
  const preview = await startPreview({
    home: home.home,
    extraArgs: [
      ...home.managedPreferencesDirs.flatMap((dir) => ['--managed-preferences-dir', dir]),
      // The check the page starts: names fail at once (a closed loopback port), nothing else is asked.
      '--dns-server', '127.0.0.1:1', '--no-public-ip-lookup', '--timeout', '1',
    ],
  });
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
      await page.waitForFunction(() => window.__paint?.checklistPaintAt !== undefined, undefined, { timeout: 20_000 });
      const measured = await page.evaluate(() => ({
        firstScreenMs: window.__paint?.firstScreenAt ?? Number.NaN,
        checklistPaintMs: window.__paint?.checklistPaintAt ?? Number.NaN,
        firstContentfulPaintMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
        resources: performance
          .getEntriesByType('resource')
          .filter((entry) => entry.startTime <= (window.__paint?.checklistPaintAt ?? Infinity))
          .map((entry) => ({ path: new URL(entry.name).pathname, startMs: entry.startTime, endMs: (entry as PerformanceResourceTiming).responseEnd })),
      }));
      // The check's verdict (a status in the main view): the next run starts on an idle preview server.
      await page.getByRole('main').getByRole('status').first().waitFor({ timeout: 60_000 });
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
