import { chmod, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SECURITY_TOOL, decodeSecurityPasswordOutput, findInternetPassword, securityToolPath } from '../../../electron/keychain/internetPasswords';
import type { SecurityStandIn } from '../../fixtures/writers/securityTool';
import { writeSecurityStandIn } from '../../fixtures/writers/securityTool';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string;
let tool: SecurityStandIn;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maildoctor-security-'));
  tool = await writeSecurityStandIn(dir, [
    { server: 'mail.example.com', account: 'alice@example.com', protocol: 'imap', result: { kind: 'found', password: 'plain-Pass 1' } },
    { server: 'mail.example.com', account: 'alice@example.com', protocol: 'smtp', result: { kind: 'found', password: 'pässwörd' } },
    { server: 'hex.example.com', account: 'h', protocol: 'imap', result: { kind: 'found', password: 'cafe' } },
    { server: 'ctl.example.com', account: 'c', protocol: 'imap', result: { kind: 'found', password: 'tab\there' } },
    { server: 'deny.example.com', account: 'd', protocol: 'imap', result: { kind: 'refused', exitCode: 51 } },
    { server: 'cancel.example.com', account: 'd', protocol: 'imap', result: { kind: 'refused', exitCode: 128 } },
    { server: 'nogui.example.com', account: 'd', protocol: 'imap', result: { kind: 'refused', exitCode: 36 } },
    { server: 'hang.example.com', account: 'd', protocol: 'imap', result: { kind: 'hang' } },
  ]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = () => ({ toolPath: tool.toolPath, platform: 'linux' as const });

describe('findInternetPassword against the security stand-in', () => {
  it('reads a printable password', async () => {
    const outcome = await findInternetPassword({ host: 'mail.example.com', username: 'alice@example.com', protocol: 'imap' }, options());
    expect(outcome.kind).toBe('found');
    if (outcome.kind === 'found') expect(outcome.secret.reveal()).toBe('plain-Pass 1');
  });

  it('decodes the lower-case hex the tool prints for non-ASCII passwords', async () => {
    const outcome = await findInternetPassword({ host: 'mail.example.com', username: 'alice@example.com', protocol: 'smtp' }, options());
    expect(outcome.kind === 'found' && outcome.secret.reveal()).toBe('pässwörd');
  });

  it('keeps a printable password that merely looks like hex', async () => {
    const outcome = await findInternetPassword({ host: 'hex.example.com', username: 'h', protocol: 'imap' }, options());
    expect(outcome.kind === 'found' && outcome.secret.reveal()).toBe('cafe');
  });

  it('decodes a password with a control character', async () => {
    const outcome = await findInternetPassword({ host: 'ctl.example.com', username: 'c', protocol: 'imap' }, options());
    expect(outcome.kind === 'found' && outcome.secret.reveal()).toBe('tab\there');
  });

  it('reports exit 44 as not found', async () => {
    const outcome = await findInternetPassword({ host: 'nothing.example.com', username: 'x', protocol: 'imap' }, options());
    expect(outcome).toEqual({ kind: 'not-found', detail: 'security -r imap: exit 44, not in the keychain' });
  });

  it.each([
    ['deny.example.com', 51],
    ['cancel.example.com', 128],
    ['nogui.example.com', 36],
  ])('reports %s (exit %i) as denied, not missing', async (host, code) => {
    const outcome = await findInternetPassword({ host, username: 'd', protocol: 'imap' }, options());
    expect(outcome.kind).toBe('denied');
    expect(outcome.detail).toContain(`exit ${code}`);
  });

  it('gives up on a dialog left open at the deadline', async () => {
    const started = Date.now();
    const outcome = await findInternetPassword({ host: 'hang.example.com', username: 'd', protocol: 'imap' }, { ...options(), timeoutMs: 400 });
    expect(outcome.kind).toBe('error');
    expect(outcome.detail).toMatch(/no answer/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops when the run is cancelled', async () => {
    const controller = new AbortController();
    const pending = findInternetPassword({ host: 'hang.example.com', username: 'd', protocol: 'imap' }, { ...options(), signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(pending).resolves.toEqual({ kind: 'error', detail: 'security -r imap: cancelled' });
  });

  it('passes host, user and protocol as separate arguments and never a password', async () => {
    await findInternetPassword({ host: 'mail.example.com', username: 'alice@example.com', protocol: 'imap' }, options());
    const calls = (await readFile(tool.callLogPath, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as string[]);
    expect(calls).toContainEqual(['find-internet-password', '-s', 'mail.example.com', '-a', 'alice@example.com', '-r', 'imap', '-w']);
    for (const call of calls) {
      expect(call.join(' ')).not.toContain('plain-Pass');
      expect(call).not.toContain('-g');
    }
  });

  it('never takes the program from the environment: only code can hand in a stand-in', async () => {
    const previous = process.env.MAIL_DOCTOR_SECURITY_TOOL;
    process.env.MAIL_DOCTOR_SECURITY_TOOL = tool.toolPath;
    try {
      expect(securityToolPath({ platform: 'darwin' })).toBe(DEFAULT_SECURITY_TOOL);
      expect(securityToolPath({ platform: 'darwin', env: { MAIL_DOCTOR_SECURITY_TOOL: tool.toolPath } })).toBe('/usr/bin/security');
      const outcome = await findInternetPassword({ host: 'mail.example.com', username: 'alice@example.com', protocol: 'imap' }, { platform: 'linux' });
      expect(outcome.kind).toBe('not-applicable');
    } finally {
      if (previous === undefined) delete process.env.MAIL_DOCTOR_SECURITY_TOOL;
      else process.env.MAIL_DOCTOR_SECURITY_TOOL = previous;
    }
  });

  it('is not applicable off macOS without a stand-in', async () => {
    const outcome = await findInternetPassword({ host: 'mail.example.com', username: 'a', protocol: 'imap' }, { platform: 'linux' });
    expect(outcome.kind).toBe('not-applicable');
  });

  it("runs the tool with a fixed environment: none of ours, and the user's real home", async () => {
    const envTool = join(dir, 'print-env');
    await writeFile(envTool, `#!${process.execPath}\nprocess.stdout.write(JSON.stringify(process.env) + '\\n');\n`);
    await chmod(envTool, 0o755);
    const previous = process.env.HOME;
    process.env.HOME = '/tmp/somebody-elses-home';
    process.env.SOME_CALLER_VARIABLE = 'x';
    try {
      const outcome = await findInternetPassword({ host: 'h', username: 'u', protocol: 'imap' }, { toolPath: envTool, platform: 'linux' });
      expect(outcome.kind).toBe('found');
      const seen = JSON.parse(outcome.kind === 'found' ? outcome.secret.reveal() : '{}') as Record<string, string>;
      expect(seen.HOME).toBe(userInfo().homedir);
      expect(seen.PATH).toBe('/usr/bin:/bin:/usr/sbin:/sbin');
      expect(seen.SOME_CALLER_VARIABLE).toBeUndefined();
    } finally {
      process.env.HOME = previous;
      delete process.env.SOME_CALLER_VARIABLE;
    }
  });

  it('reports a missing tool as an error', async () => {
    const outcome = await findInternetPassword({ host: 'mail.example.com', username: 'a', protocol: 'imap' }, { toolPath: join(dir, 'no-such-tool') });
    expect(outcome).toMatchObject({ kind: 'error' });
    expect(outcome.detail).toContain('ENOENT');
  });
});

describe('decodeSecurityPasswordOutput', () => {
  const decode = (text: string) => decodeSecurityPasswordOutput(Buffer.from(text, 'latin1'));
  it.each([
    ['secret\n', 'secret'],
    ['deadbeef\n', 'deadbeef'],
    ['70c3a4737377c3b67264\n', 'pässwörd'],
    ['0a\n', '\n'],
    ['DEADBEEF\n', 'DEADBEEF'],
    ['abc\n', 'abc'],
    ['\n', ''],
  ])('%j -> %j', (input, expected) => {
    expect(decode(input)).toBe(expected);
  });

  it('keeps hex-looking text whose bytes are not UTF-8 (could not be a Mail password)', () => {
    expect(decode('e9\n')).toBe('e9');
  });
});
