#!/usr/bin/env node
// `npm test`: typecheck, lint, vitest, Playwright — then ONE closing line `N passed, N failed[, N skipped]`
// (vitest + Playwright totals; a stage that fails without a failing test, e.g. typecheck, counts as one failure)
// and a non-zero exit if anything failed.
//
// Isolation: as root with `unshare`, the whole run re-execs inside a fresh network namespace that has only `lo`,
// so no test can reach the outside and fault tests may add iptables rules there. The vitest stage runs inside a
// private D-Bus session with a fresh, unlocked gnome-keyring (keytar tests). Under CI=true both are mandatory.
// Extra arguments are passed to vitest (e.g. `npm test -- tests/integration`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, mkdirSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const underCi = process.env.CI === 'true';
const extraVitestArgs = process.argv.slice(2);
const childEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

function say(line) {
  process.stdout.write(`[npm test] ${line}\n`);
}

function has(binary) {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', binary], { env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` } }).status === 0;
}

function loopbackOnly() {
  const result = spawnSync('ip', ['-o', 'link'], { encoding: 'utf8', env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` } });
  if (result.status !== 0) return false;
  const links = result.stdout.split('\n').filter((line) => line.trim() !== '').map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1]);
  return links.length === 1 && links[0] === 'lo';
}

function fail(message) {
  process.stdout.write(`[npm test] ERROR: ${message}\n0 passed, 1 failed\n`);
  process.exit(1);
}

// ------------------------------------------------------------------ network isolation
const isRoot = process.getuid?.() === 0;
if (process.env.MD_TEST_NETNS === 'entered') {
  if (!loopbackOnly()) fail('re-executed inside `unshare --net` but the namespace is not loopback-only');
  say('isolation: fresh network namespace with only lo (unshare --net); nothing outside this machine is reachable');
} else if (loopbackOnly()) {
  say('isolation: already in a loopback-only network namespace');
} else if (isRoot && has('unshare') && has('ip')) {
  const child = spawn('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', process.execPath, fileURLToPath(import.meta.url), ...extraVitestArgs], {
    stdio: 'inherit', env: { ...process.env, MD_TEST_NETNS: 'entered' }, cwd: root,
  });
  // The terminal's SIGINT reaches the child's process group directly; only wait for its result.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (code === null) fail(`the isolated run was killed by ${signal}`);
    process.exit(code);
  });
  child.on('error', (error) => fail(`could not start unshare: ${error.message}`));
  // Everything else happens in the child.
  await new Promise(() => undefined);
} else {
  const why = isRoot ? 'unshare or ip is missing' : 'not running as root';
  if (underCi) fail(`CI=true requires a loopback-only network namespace, but ${why}`);
  say(`isolation: NONE (${why}); tests talk only to 127.0.0.0/8 anyway, and firewall fault tests will skip`);
}

// ------------------------------------------------------------------ stages
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const scripts = packageJson.scripts ?? {};
const work = mkdtempSync(path.join(os.tmpdir(), 'md-npm-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const failedStages = [];

function runStage(name, command, args, env = childEnv) {
  say(`==> ${name}: ${[command, ...args].join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  say(`<== ${name}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal ?? result.error?.message})`} in ${seconds} s`);
  return ok;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

for (const name of ['typecheck', 'lint']) {
  if (scripts[name] === undefined) {
    say(`--- ${name}: no "${name}" script in package.json, stage not run`);
    continue;
  }
  if (!runStage(name, 'npm', ['run', '--silent', name])) {
    failedStages.push(name);
    totals.failed += 1;
  }
}

// vitest, inside a private D-Bus session with a fresh unlocked gnome-keyring when possible.
{
  const report = path.join(work, 'vitest.json');
  const vitestArgs = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extraVitestArgs];
  let command = 'npx';
  let args = vitestArgs;
  let env = childEnv;
  if (has('dbus-run-session') && has('gnome-keyring-daemon')) {
    const keyringDir = path.join(work, 'keyring');
    mkdirSync(path.join(keyringDir, 'data'), { recursive: true });
    mkdirSync(path.join(keyringDir, 'run'), { recursive: true });
    chmodSync(path.join(keyringDir, 'run'), 0o700);
    // A fresh keyring dir per run: an existing login.keyring with another password would stay locked.
    env = { ...childEnv, XDG_DATA_HOME: path.join(keyringDir, 'data'), XDG_RUNTIME_DIR: path.join(keyringDir, 'run'), MD_TEST_KEYRING: 'gnome-keyring' };
    command = 'dbus-run-session';
    args = ['--', 'sh', '-c', 'printf %s test-keyring-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"', 'sh', 'npx', ...vitestArgs];
    say('keyring: private D-Bus session with a fresh, unlocked gnome-keyring (MD_TEST_KEYRING=gnome-keyring)');
  } else {
    if (underCi) fail('CI=true requires dbus-run-session and gnome-keyring-daemon for the keychain tests');
    say('keyring: NONE (dbus-run-session or gnome-keyring-daemon missing); keychain tests that need it will skip');
  }
  const ok = runStage('vitest', command, args, env);
  const json = readJson(report);
  if (json === undefined) {
    failedStages.push('vitest (no report)');
    totals.failed += 1;
  } else {
    totals.passed += json.numPassedTests ?? 0;
    totals.failed += json.numFailedTests ?? 0;
    totals.skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
    if (!ok && (json.numFailedTests ?? 0) === 0) {
      failedStages.push('vitest (errors outside tests)');
      totals.failed += 1;
    } else if (!ok) {
      failedStages.push('vitest');
    }
  }
}

// Playwright (Debian chromium, configured in playwright.config.ts).
if (existsSync(path.join(root, 'playwright.config.ts'))) {
  const report = path.join(work, 'playwright.json');
  const ok = runStage('playwright', 'npx', ['playwright', 'test', '--reporter=list,json'], { ...childEnv, PLAYWRIGHT_JSON_OUTPUT_NAME: report });
  const playwrightReport = readJson(report);
  const stats = playwrightReport?.stats;
  for (const line of skippedPlaywrightTests(playwrightReport)) say(`skipped: ${line}`);
  if (stats === undefined) {
    failedStages.push('playwright (no report)');
    totals.failed += 1;
  } else {
    totals.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
    totals.failed += stats.unexpected ?? 0;
    totals.skipped += stats.skipped ?? 0;
    if (!ok && (stats.unexpected ?? 0) === 0) {
      failedStages.push('playwright (errors outside tests)');
      totals.failed += 1;
    } else if (!ok) {
      failedStages.push('playwright');
    }
  }
} else {
  say('--- playwright: no playwright.config.ts, stage not run');
}

rmSync(work, { recursive: true, force: true });
if (failedStages.length > 0) say(`failed stages: ${failedStages.join(', ')}`);
process.stdout.write(`${totals.passed} passed, ${totals.failed} failed${totals.skipped > 0 ? `, ${totals.skipped} skipped` : ''}\n`);
process.exit(totals.failed > 0 || failedStages.length > 0 ? 1 : 0);

/** "file › title — reason" for every skipped Playwright test, so a skip is never silent. */
function skippedPlaywrightTests(report) {
  const lines = [];
  const visit = (suite) => {
    for (const spec of suite?.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== 'skipped') continue;
        const reason = (test.annotations ?? []).find((annotation) => annotation.type === 'skip')?.description ?? 'no reason given';
        lines.push(`${spec.file} › ${spec.title} — ${reason}`);
      }
    }
    for (const child of suite?.suites ?? []) visit(child);
  };
  for (const suite of report?.suites ?? []) visit(suite);
  return lines;
}
