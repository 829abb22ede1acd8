/**
 * `npm run preview`: serves the built renderer (dist/renderer) to a browser, with the contract
 * answered by the real main-process services over the loopback HTTP bridge (previewServer.ts).
 * A development tool, run with tsx; never bundled into the app.
 *
 *   tsx electron/preview/server.ts [--home DIR] [--port N] [--renderer DIR] [--state-dir DIR]
 *     [--dns-server IP[:PORT]] [--ca-file PEM] [--captive-url URL] [--webmail-url URL] [--no-public-ip-lookup] [--public-ip-resolver IP[:PORT]]
 *     [--timeout SECONDS] [--managed-preferences-dir DIR]...
 *
 * The check flags mean what they mean for the CLI (electron/cli/args.ts): the browser tests use them to
 * point the real pipeline at the loopback test servers. Certificate verification is never switched off.
 * `--managed-preferences-dir` (repeatable, highest priority first) reads the organisation's settings from
 * a fixture instead of /Library/Managed Preferences.
 *
 * Prints one line `Mail Doctor preview: http://127.0.0.1:<port>/#token=<token>`; open that URL.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { AppInfo } from '../../shared/ipc/contract';
import { createChannelHandlers } from '../ipc/channelHandlers';
import { developmentKeychainFromEnvironment } from '../keychain/developmentKeychain';
import { createCoreServices } from '../services';
import { memoryTokenStore } from '../admin/adminService';
import { startPreviewServer } from './previewServer';
import { previewServices } from './previewServices';

const projectRoot = resolve(import.meta.dirname, '..', '..');

const { values } = parseArgs({
  options: {
    home: { type: 'string' },
    port: { type: 'string', default: '0' },
    renderer: { type: 'string', default: join(projectRoot, 'dist', 'renderer') },
    'state-dir': { type: 'string' },
    'dns-server': { type: 'string', multiple: true },
    'ca-file': { type: 'string', multiple: true },
    'captive-url': { type: 'string' },
    'webmail-url': { type: 'string', multiple: true },
    'no-public-ip-lookup': { type: 'boolean' },
    'public-ip-resolver': { type: 'string' },
    timeout: { type: 'string' },
    'managed-preferences-dir': { type: 'string', multiple: true },
    // The hosting tools' test mailbox connects here instead of the published hosts (the loopback rig).
    'hosting-mail-host': { type: 'string' },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('--port must be a number from 0 to 65535');
  process.exit(2);
}

const phaseTimeoutSeconds = values.timeout === undefined ? undefined : Number(values.timeout);
if (phaseTimeoutSeconds !== undefined && !(phaseTimeoutSeconds > 0 && phaseTimeoutSeconds <= 120)) {
  console.error('--timeout must be a number of seconds from 0 to 120');
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
  ...(values['managed-preferences-dir'] === undefined
    ? {}
    : { managedPreferencesDirs: values['managed-preferences-dir'].map((dir) => resolve(dir)) }),
  // The preview keeps its login ledger apart from the app's unless told otherwise.
  stateDir: values['state-dir'] ?? mkdtempSync(join(tmpdir(), 'mail-doctor-preview-')),
  appInfo,
  log,
  // Tokens typed into the preview stay in this process: the preview never writes to the developer's keychain.
  hostingTokens: memoryTokenStore(),
  ...(values['hosting-mail-host'] === undefined ? {} : { hostingMailHost: values['hosting-mail-host'] }),
  diagnosisTuning: {
    // A development tool: the browser tests hand it their stand-in `security` tool (never the packaged app).
    keychain: developmentKeychainFromEnvironment(process.env),
    ...(phaseTimeoutSeconds === undefined ? {} : { phaseTimeoutMs: phaseTimeoutSeconds * 1000 }),
    ...(values['dns-server'] === undefined ? {} : { dnsServers: values['dns-server'] }),
    ...(values['ca-file'] === undefined ? {} : { caFiles: values['ca-file'].map((file) => resolve(file)) }),
    probes: {
      ...(values['captive-url'] === undefined ? {} : { captivePortalUrl: values['captive-url'] }),
      ...(values['webmail-url'] === undefined ? {} : { webmailUrls: values['webmail-url'] }),
      ...(values['no-public-ip-lookup'] === true ? { publicIpLookup: false } : {}),
      ...(values['public-ip-resolver'] === undefined ? {} : { publicIpResolver: values['public-ip-resolver'] }),
    },
  },
});

const services = previewServices(core, appInfo);

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
