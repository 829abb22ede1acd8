/**
 * runCli in-process: the password on standard input, the keychain rule, CA files, and the guard on every
 * byte written out. (The real bundle against the real servers: tests/integration/cli/.)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { readPasswordLine, runCli } from '../../../electron/cli/runCli';
import type { CliDependencies } from '../../../electron/cli/runCli';
import { createExitGuard } from '../../../electron/exitGuard';
import { SYSTEM_KEYCHAIN } from '../../../electron/keychain/keychainAccess';
import { LiveSecrets } from '../../../electron/keychain/liveSecrets';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'md-runcli-'));
  dirs.push(dir);
  return dir;
}

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(argv: string[], deps: Partial<CliDependencies> = {}, stdin = ''): Promise<Ran> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let errText = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (errText += chunk.toString()));
  const code = await runCli(argv, { stdout, stderr, stdin: Readable.from([Buffer.from(stdin)]), appVersion: '0.0.0-test' }, { keychain: SYSTEM_KEYCHAIN, ...deps });
  return { code, stdout: out, stderr: errText };
}

function chunksOf(text: Buffer, size: number): { stream: Readable; read: () => number } {
  let served = 0;
  const stream = new Readable({
    read() {
      if (served >= text.length) {
        this.push(null);
        return;
      }
      this.push(text.subarray(served, served + size));
      served += size;
    },
  });
  return { stream, read: () => served };
}

describe('the password on standard input', () => {
  it('is the first line, without its line end (LF or CRLF)', async () => {
    expect(await readPasswordLine(Readable.from([Buffer.from('Pa55 word\r\nnext line\n')]))).toEqual({ ok: true, value: 'Pa55 word' });
    expect(await readPasswordLine(Readable.from([Buffer.from('no line end')]))).toEqual({ ok: true, value: 'no line end' });
    expect(await readPasswordLine(Readable.from([Buffer.from('sp'), Buffer.from('lit\nrest')]))).toEqual({ ok: true, value: 'split' });
  });

  it('takes exactly 1,024 bytes, multi-byte characters counted as bytes', async () => {
    const exact = 'ä'.repeat(512);
    expect(await readPasswordLine(Readable.from([Buffer.from(`${exact}\n`)]))).toEqual({ ok: true, value: exact });
    expect(await readPasswordLine(Readable.from([Buffer.from(`${'x'.repeat(1024)}\r\n`)]))).toEqual({ ok: true, value: 'x'.repeat(1024) });
  });

  it('refuses 1,025 bytes instead of cutting them', async () => {
    const result = await readPasswordLine(Readable.from([Buffer.from(`${'ä'.repeat(512)}x\n`)]));
    expect(result).toEqual({ ok: false, error: { code: 'too-long', message: 'the password is longer than 1024 bytes; nothing was sent' } });
  });

  it('stops reading a 1 MiB input soon after the limit, and refuses it', async () => {
    const { stream, read } = chunksOf(Buffer.alloc(1024 * 1024, 0x61), 256);
    const result = await readPasswordLine(stream);
    expect(result.ok).toBe(false);
    expect(read()).toBeLessThan(4096);
  });

  it('refuses an empty line and bytes that are not UTF-8', async () => {
    expect((await readPasswordLine(Readable.from([Buffer.from('\n')]))).ok).toBe(false);
    expect(await readPasswordLine(Readable.from([]))).toMatchObject({ ok: false, error: { code: 'no-password' } });
    expect(await readPasswordLine(Readable.from([Buffer.from([0xff, 0xfe, 0x0a])]))).toMatchObject({ ok: false, error: { code: 'not-utf8' } });
  });

  it('the CLI exits 2 on a 1 MiB password and says why, without sending anything', async () => {
    const result = await run(
      ['diagnose', '--manual', '--email', 'a@example.test', '--incoming', 'imap://127.0.0.1:1?tls=implicit', '--outgoing', 'smtp://127.0.0.1:1?tls=implicit', '--password-stdin'],
      {},
      'y'.repeat(1024 * 1024),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--password-stdin: the password is longer than 1024 bytes; nothing was sent');
    expect(result.stdout).toBe('');
  });

  it('the CLI refuses a password with a NUL (it cannot be sent faithfully)', async () => {
    const result = await run(
      ['diagnose', '--manual', '--email', 'a@example.test', '--incoming', 'imap://127.0.0.1:1?tls=implicit', '--outgoing', 'smtp://127.0.0.1:1?tls=implicit', '--password-stdin'],
      {},
      'Nul\0Byte\n',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the password on standard input: contains a line break or NUL');
  });
});

describe('the keychain rule: Mail\'s saved passwords go only where Mail sends them', () => {
  it.each([
    [['--home', '/tmp/somewhere'], '--home'],
    [['--dns-server', '127.0.0.1:5353'], '--dns-server'],
    [['--ca-file', '/tmp/ca.pem'], '--ca-file'],
    [['--state-dir', '/tmp/fresh-budget'], '--state-dir'],
    [['--home', '/tmp/h', '--dns-server', '127.0.0.1'], '--home, --dns-server'],
  ])('with the system keychain, %j is refused (exit 2) with the reason', async (options, named) => {
    const result = await run(['diagnose', '--json', ...options]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`mail-doctor: ${named} would let this command choose where Mail's saved passwords go`);
    expect(result.stderr).toContain('Add --no-keychain, or type the password for this check with --password-stdin.');
    expect(result.stdout).toBe('');
  });

  it('the same options are fine with --no-keychain, with a typed password, or with a stand-in keychain', async () => {
    const home = await tempDir();
    const state = await tempDir();
    const noKeychain = await run(['diagnose', '--json', '--no-login', '--no-keychain', '--home', home, '--state-dir', state]);
    expect(noKeychain.stderr).not.toContain("choose where Mail's saved passwords go");
    const typed = await run(['diagnose', '--json', '--no-login', '--account', 'a@example.test', '--password-stdin', '--home', home, '--state-dir', state], {}, 'typed\n');
    expect(typed.stderr).not.toContain("choose where Mail's saved passwords go");
    const standIn = await run(['diagnose', '--json', '--no-login', '--home', home, '--state-dir', state], { keychain: { kind: 'stand-in', securityToolPath: '/nonexistent' } });
    expect(standIn.stderr).not.toContain("choose where Mail's saved passwords go");
  });
});

describe('CA files', () => {
  it.each([
    ['an empty file', ''],
    ['garbage', 'this is not a certificate\n'],
    ['a PEM block that does not parse', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'],
  ])('refuses %s (it would make every certificate look invalid), exit 2', async (_what, content) => {
    const dir = await tempDir();
    const caFile = join(dir, 'ca.pem');
    await writeFile(caFile, content);
    const result = await run(['diagnose', '--no-keychain', '--no-login', '--ca-file', caFile, '--home', dir, '--state-dir', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`could not run the diagnosis: the CA file ${caFile} holds no certificate that can be read`);
  });

  it('refuses a CA file that is not a regular file', async () => {
    const dir = await tempDir();
    const result = await run(['diagnose', '--no-keychain', '--no-login', '--ca-file', '/dev/zero', '--home', dir, '--state-dir', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the CA file /dev/zero could not be read (zero is a device, not a regular file)');
  });
});

describe('every byte the CLI writes passes the exit guard', () => {
  it('a held secret is replaced on standard output and standard error alike', async () => {
    const secrets = new LiveSecrets();
    secrets.hold('mail-doctor diagnose');
    const guard = createExitGuard(secrets);
    const help = await run(['--help'], { secrets, guard });
    expect(help.stdout).not.toContain('mail-doctor diagnose');
    expect(help.stdout).toContain('[redacted]');
    const usage = await run(['diagnose', '--frobnicate'], { secrets, guard });
    expect(usage.stderr).not.toContain('mail-doctor diagnose');
  });

  it('the typed password is held while the command runs, and forgotten when it ends', async () => {
    const dir = await tempDir();
    const caFile = join(dir, 'ca.pem');
    await writeFile(caFile, 'not a certificate');
    const secrets = new LiveSecrets();
    let heldDuringRun = 0;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    stderr.on('data', () => (heldDuringRun = Math.max(heldDuringRun, secrets.size)));
    const code = await runCli(
      ['diagnose', '--manual', '--email', 'a@example.test', '--incoming', 'imap://127.0.0.1:1?tls=implicit', '--outgoing', 'smtp://127.0.0.1:1?tls=implicit', '--password-stdin', '--ca-file', caFile],
      { stdout, stderr, stdin: Readable.from([Buffer.from('Typed-Pa55\n')]), appVersion: '0' },
      { keychain: SYSTEM_KEYCHAIN, secrets, guard: createExitGuard(secrets) },
    );
    expect(code).toBe(2);
    expect(heldDuringRun).toBeGreaterThan(0);
    expect(secrets.size).toBe(0);
  });
});
