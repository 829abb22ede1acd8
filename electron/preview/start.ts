/**
 * `npm start` (after `npm run build`): opens the built app in Electron. Where Electron cannot run here — no
 * Electron binary installed (off macOS npm installs with ELECTRON_SKIP_BINARY_DOWNLOAD=1, see
 * build/scripts/ensure-setup.mjs), or no display to open a window on — it says so in one sentence instead
 * of Electron's stack trace and serves the very same window through the web preview (server.ts) at a
 * printed local address, so the README's first command always shows the product.
 *
 * A development path, run with tsx: nothing in the packaged app imports this file, and the packaged app
 * never serves a preview.
 *
 *   tsx electron/preview/start.ts [preview flags, see server.ts]
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const projectRoot = resolve(import.meta.dirname, '..', '..');

export type ElectronAvailability = { readonly runnable: true; readonly binary: string } | { readonly runnable: false; readonly reason: string };

/**
 * Whether Electron can open a window here. Reads node_modules/electron/path.txt the way the electron
 * package does, but never requires 'electron' (that throws "failed to install correctly" with a trace).
 */
export function electronAvailability(root: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): ElectronAvailability {
  const packageDir = join(root, 'node_modules', 'electron');
  const pathFile = join(packageDir, 'path.txt');
  const noBinary = `no Electron binary for ${platform}`;
  if (!existsSync(pathFile)) return { runnable: false, reason: noBinary };
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { runnable: false, reason: noBinary };
  if (platform === 'linux' && (env.DISPLAY ?? '') === '' && (env.WAYLAND_DISPLAY ?? '') === '') {
    return { runnable: false, reason: 'no display to open a window on' };
  }
  return { runnable: true, binary };
}

/** The one sentence said before the preview's address when the app cannot open. */
export function fallbackSentence(reason: string): string {
  return `Electron cannot run on this machine (${reason}), so Mail Doctor opens in your browser at the address below.`;
}

function forwardSignals(child: ChildProcess): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (child.exitCode === null) child.kill(signal);
    });
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 0)));
}

function main(): void {
  const availability = electronAvailability(projectRoot, process.platform, process.env);
  if (availability.runnable) {
    forwardSignals(spawn(availability.binary, [projectRoot], { stdio: 'inherit' }));
    return;
  }
  console.log(fallbackSentence(availability.reason));
  const tsx = join(projectRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const server = join(projectRoot, 'electron', 'preview', 'server.ts');
  forwardSignals(spawn(process.execPath, [tsx, server, ...process.argv.slice(2)], { stdio: 'inherit' }));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
