#!/usr/bin/env node
// Runs before `npm start` and `npm test` (npm's prestart/pretest hooks) so the README's two commands do all
// set-up on a fresh machine:
//   - npm dependencies: `npm ci` when node_modules is missing or older than package-lock.json
//     (off macOS with ELECTRON_SKIP_BINARY_DOWNLOAD=1: the Electron binary cannot run there anyway);
//   - for `npm test` on Debian as root: the system packages the real-server tests need, when one is missing
//     (.ci/install-system-packages.sh). Elsewhere (a Mac) those suites skip with a message naming what is missing.
// Uses only Node built-ins: it runs before any dependency is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const purpose = process.argv[2] === 'test' ? 'test' : 'start';

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) {
    process.stderr.write(`[setup] ${command} ${args.join(' ')} failed (exit ${String(result.status)})\n`);
    process.exit(result.status ?? 1);
  }
}

const installed = path.join(root, 'node_modules', '.package-lock.json');
const lock = path.join(root, 'package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  process.stdout.write('[setup] installing npm dependencies (npm ci)\n');
  const env = process.platform === 'darwin' ? process.env : { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
  run('npm', ['ci', '--no-audit', '--no-fund'], env);
}

const SERVER_BINARIES = ['dovecot', 'exim', 'dnsmasq', 'chromium', 'gnome-keyring-daemon', 'dbus-run-session', 'iptables', 'unshare'];
const onPath = (binary) =>
  spawnSync('sh', ['-c', 'command -v "$1"', 'sh', binary], { env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` } }).status === 0;
if (purpose === 'test' && process.platform === 'linux' && existsSync('/etc/debian_version') && process.getuid?.() === 0) {
  const missing = SERVER_BINARIES.filter((binary) => !onPath(binary));
  if (missing.length > 0) {
    process.stdout.write(`[setup] installing the test servers' Debian packages (missing: ${missing.join(', ')})\n`);
    run('bash', [path.join(root, '.ci', 'install-system-packages.sh')]);
  }
}
