/**
 * `npm run preview`: serves the built renderer (dist/renderer) to a browser, with the contract
 * answered by the real main-process services over the loopback HTTP bridge (previewServer.ts).
 * A development tool, run with tsx; never bundled into the app.
 *
 *   tsx electron/preview/server.ts [--home DIR] [--port N] [--renderer DIR] [--state-dir DIR]
 *
 * Prints one line `Mail Doctor preview: http://127.0.0.1:<port>/#token=<token>`; open that URL.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { AppInfo } from '../../shared/ipc/contract';
import { err } from '../../shared/result';
import { createChannelHandlers } from '../ipc/channelHandlers';
import type { MainServices } from '../ipc/mainServices';
import { createCoreServices } from '../services';
import { startPreviewServer } from './previewServer';

const projectRoot = resolve(import.meta.dirname, '..', '..');

const { values } = parseArgs({
  options: {
    home: { type: 'string' },
    port: { type: 'string', default: '0' },
    renderer: { type: 'string', default: join(projectRoot, 'dist', 'renderer') },
    'state-dir': { type: 'string' },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('--port must be a number from 0 to 65535');
  process.exit(2);
}

const packageJson: unknown = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
const appInfo: AppInfo = {
  name: readString(packageJson, 'productName') ?? 'Mail Doctor',
  version: readString(packageJson, 'version') ?? '0.0.0',
  platform: process.platform,
  isPackaged: false,
};

const log = (message: string): void => {
  console.error(`[preview] ${message}`);
};

const core = createCoreServices({
  homeDir: values.home === undefined ? homedir() : resolve(values.home),
  homeSource: values.home === undefined ? 'default' : 'given',
  // The preview keeps its login ledger apart from the app's unless told otherwise.
  stateDir: values['state-dir'] ?? mkdtempSync(join(tmpdir(), 'mail-doctor-preview-')),
  appInfo,
  log,
});

const unavailable = (what: string) => () =>
  Promise.resolve(err('unavailable-in-preview', `${what} works only in the Mail Doctor app, not in the web preview.`));

const services: MainServices = {
  appInfo: () => appInfo,
  accounts: core.accounts,
  diagnosis: core.diagnosis,
  report: core.report,
  // The preview must not touch the developer's clipboard or open apps on their machine.
  clipboard: { writeText: unavailable('Copying the report') },
  links: { open: unavailable('Opening links') },
};

const server = await startPreviewServer({
  rendererDir: resolve(values.renderer),
  handlers: createChannelHandlers(services),
  port,
  log,
});
console.log(`Mail Doctor preview: ${server.pageUrl}`);

const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

function readString(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null || !(key in value)) return undefined;
  const field: unknown = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}
