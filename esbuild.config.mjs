/**
 * Bundles the Node side of the app:
 *   electron/main.ts      -> dist/electron/main.cjs     (package.json "main"; npm packages stay external)
 *   electron/preload.ts   -> dist/electron/preload.cjs  (ONE self-contained CommonJS file: a sandboxed
 *                                                        preload can require nothing but 'electron')
 *   electron/cli/main.ts  -> dist/cli/mail-doctor.cjs   (when the CLI entry exists)
 *
 * Usage: node esbuild.config.mjs [--outdir DIR] [--only main|preload|cli]
 * (--outdir/--only let tests build one bundle into a temporary folder.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('.', import.meta.url));
const { values } = parseArgs({
  options: { outdir: { type: 'string' }, only: { type: 'string' } },
  strict: true,
});
const outRoot = values.outdir ?? join(root, 'dist');

/**
 * npm packages stay external (loaded from node_modules at run time; keytar is native, sql.js finds its
 * .wasm beside it) — except the ESM-only ones, which a CommonJS bundle cannot require(): those are
 * bundled in.
 */
const ESM_ONLY_PACKAGES = new Set(['plist']);
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const externalPackages = Object.keys(packageJson.dependencies ?? {})
  .filter((name) => !ESM_ONLY_PACKAGES.has(name))
  .flatMap((name) => [name, `${name}/*`]);

/** Electron 45 runs Node 22 and Chromium 140. */
const bundles = {
  main: {
    entryPoints: [join(root, 'electron/main.ts')],
    outfile: join(outRoot, 'electron/main.cjs'),
    platform: 'node',
    target: 'node22',
    external: ['electron', ...externalPackages],
  },
  preload: {
    entryPoints: [join(root, 'electron/preload.ts')],
    outfile: join(outRoot, 'electron/preload.cjs'),
    platform: 'browser',
    target: 'chrome140',
    external: ['electron'],
  },
  cli: {
    entryPoints: [join(root, 'electron/cli/main.ts')],
    outfile: join(outRoot, 'cli/mail-doctor.cjs'),
    platform: 'node',
    target: 'node20',
    external: externalPackages,
    banner: { js: '#!/usr/bin/env node' },
  },
};

const selected = values.only === undefined ? Object.keys(bundles) : [values.only];
for (const name of selected) {
  const options = bundles[name];
  if (options === undefined) throw new Error(`unknown bundle: ${name}`);
  if (name === 'cli' && !existsSync(options.entryPoints[0])) {
    console.error('esbuild: electron/cli/main.ts does not exist yet, no CLI bundle');
    continue;
  }
  await build({
    ...options,
    bundle: true,
    format: 'cjs',
    sourcemap: 'linked',
    logLevel: 'warning',
    // esbuild would turn import.meta into {} in CommonJS output; fail instead of shipping that.
    logOverride: { 'empty-import-meta': 'error' },
  });
  console.error(`esbuild: ${options.outfile}`);
}
