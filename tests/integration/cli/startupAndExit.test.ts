/**
 * Start-up and exit of the `mail-doctor` command (issue 13; the times themselves are measured by `npm run bench`,
 * never here): `--version` loads the small entry bundle and nothing else, and a whole diagnosis leaves nothing
 * open behind it, so the process ends as soon as it has printed its verdict.
 */
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/runCli';
import { SYSTEM_KEYCHAIN } from '../../../electron/keychain/keychainAccess';
import { useFastServers } from '../login/helpers';
import { CLI_BUNDLE, commonArgs, REPO_ROOT, useCliTestEnvironment } from './support';

const { setup } = useCliTestEnvironment('md-cli-exit-');
// Fast servers (no auth penalty): other suites' failed logins from 127.0.0.1 must not slow this login down.
const fastServers = useFastServers();

/** Writes the CommonJS modules a process loaded to MD_PROCESS_REPORT_FILE at exit (and its peak RSS). */
const LOADED_MODULES_PRELOAD = path.join(REPO_ROOT, 'tests/integration/probes/peakRss.cjs');

function countsByType(resources: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const resource of resources) counts.set(resource, (counts.get(resource) ?? 0) + 1);
  return counts;
}

/** Resources (sockets, timers, file requests...) open now that were not open in `before`. */
function openedSince(before: readonly string[]): string[] {
  const baseline = countsByType(before);
  const extra: string[] = [];
  for (const [type, count] of countsByType(process.getActiveResourcesInfo())) {
    for (let index = baseline.get(type) ?? 0; index < count; index += 1) extra.push(type);
  }
  return extra;
}

/** Not a timing: a run's lingering timers are seconds long (phase deadlines), so this proves they were cleared. */
const NOTHING_LEFT_BOUND_MS = 3_000;

const sink = (): Writable => new Writable({ write: (_chunk, _encoding, done) => done() });

describe('mail-doctor start-up and exit', () => {
  it('--version loads the entry bundle only: no diagnosis code, no npm package', async () => {
    const reportFile = path.join(tmpdir(), `md-loads-${randomUUID()}.json`);
    const output = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['-r', LOADED_MODULES_PRELOAD, CLI_BUNDLE, '--version'], {
        env: { ...process.env, MD_PROCESS_REPORT_FILE: reportFile },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout }));
    });
    try {
      expect(output.code).toBe(0);
      expect(output.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
      const { required } = JSON.parse(await readFile(reportFile, 'utf8')) as { required: string[] };
      const ours = required.filter((file) => file !== LOADED_MODULES_PRELOAD);
      expect(ours).toEqual([CLI_BUNDLE]);
    } finally {
      await rm(reportFile, { force: true });
    }
  });

  it('a healthy diagnosis leaves no socket, timer or file request open once runCli has answered', async () => {
    const { web, stateDir } = await setup();
    const info = fastServers();
    // The run's own log goes under the user's home: a temporary one here, not this machine's.
    const userHome = await mkdtemp(path.join(tmpdir(), 'md-cli-exit-home-'));
    const before = process.getActiveResourcesInfo();
    const stdin = new PassThrough();
    stdin.end(`${info.users.alice.password}\n`);
    let printed = '';
    const stdout = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        printed += chunk.toString('utf8');
        done();
      },
    });
    const code = await runCli(
      [
        'diagnose', '--manual', '--email', info.users.alice.address,
        '--incoming', `imap://${info.goodName}:${info.imap.implicit}?tls=implicit`,
        '--outgoing', `smtp://${info.goodName}:${info.smtp.starttls}?tls=starttls`,
        '--password-stdin',
        ...commonArgs(info, web, stateDir),
      ],
      { stdout, stderr: sink(), stdin, appVersion: '0.0.0-test' },
      // A typed password for a manual account: the keychain is not read.
      { keychain: SYSTEM_KEYCHAIN, userHome },
    );
    const answeredAt = performance.now();
    expect((JSON.parse(printed) as { accounts: { verdict: { code: string } }[] }).accounts[0]?.verdict.code, printed).toBe('OK');
    expect(code).toBe(0);
    // What the process would still wait for before it can exit: nothing of the run may be left. A socket being
    // closed or a file request completing as we look is fine, so the loop polls until nothing is left, with a
    // generous bound that only proves it does not hang (how soon a run exits is measured by `npm run bench`).
    // Polled with setImmediate, whose own entry ('Immediate') is the one thing left out, so a timer of the run shows.
    const stillOpen = (): string[] => openedSince(before).filter((type) => type !== 'Immediate');
    let left = stillOpen();
    while (left.length > 0 && performance.now() - answeredAt < NOTHING_LEFT_BOUND_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      left = stillOpen();
    }
    await rm(userHome, { recursive: true, force: true });
    expect(left).toEqual([]);
  });
});
