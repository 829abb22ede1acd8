/**
 * Builds the renderer once before the browser tests: the preview serves dist/renderer, the very
 * files the app loads.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));

export default function globalSetup(): void {
  execFileSync(process.execPath, [`${projectRoot}node_modules/vite/bin/vite.js`, 'build', '--logLevel', 'warn'], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
}
