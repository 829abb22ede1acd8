/**
 * The log file: one bounded line per event, escaped, scrubbed by the injected exit guard, rotated by size with
 * a fixed number of old files, private permissions, and never an exception when it cannot be written.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOG_FILE_NAME, logDirFor } from '../../../electron/appPaths';
import { MAX_LINE_CHARS, oneLine, openFileLog } from '../../../electron/log/fileLog';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function logDir(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'md-log-'));
  dirs.push(root);
  return join(root, 'Library', 'Logs', 'Mail Doctor');
}

const fixedClock = () => new Date('2026-12-05T10:00:00.000Z');

describe('the log file', () => {
  it("lives in the Mac's standard per-user log folder", () => {
    expect(logDirFor('/Users/alice', 'darwin')).toBe('/Users/alice/Library/Logs/Mail Doctor');
    expect(LOG_FILE_NAME).toBe('mail-doctor.log');
  });

  it('writes one timestamped, escaped line per event, in a private folder and file', async () => {
    const dir = await logDir();
    const log = openFileLog({ dir, now: fixedClock });
    log.write('cli', 'diagnose finished: OK (2 accounts) in 4512 ms');
    log.write('probe', 'server said "hello\r\n2026-12-05T10:00:00.000Z [cli] forged line"');
    expect(await readFile(log.path, 'utf8')).toBe(
      '2026-12-05T10:00:00.000Z [cli] diagnose finished: OK (2 accounts) in 4512 ms\n' +
        '2026-12-05T10:00:00.000Z [probe] server said "hello\\r\\n2026-12-05T10:00:00.000Z [cli] forged line"\n',
    );
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(log.path)).mode & 0o777).toBe(0o600);
    expect(oneLine('a\u0000b\u2028c\td')).toBe('a\\u0000b\\u2028c\\td');
  });

  it('runs every line through the exit guard before writing it', async () => {
    const dir = await logDir();
    const secret = 'Alice-Pa55!';
    const log = openFileLog({ dir, now: fixedClock, scrub: (text) => text.split(secret).join('[secret removed]') });
    log.write('cli', `a server echoed ${secret} back`);
    const written = await readFile(log.path, 'utf8');
    expect(written).not.toContain(secret);
    expect(written).toContain('a server echoed [secret removed] back');
  });

  it('bounds a line', async () => {
    const dir = await logDir();
    const log = openFileLog({ dir, now: fixedClock });
    log.write('cli', 'x'.repeat(10_000));
    const [line] = (await readFile(log.path, 'utf8')).split('\n');
    expect(line?.length).toBeLessThanOrEqual(MAX_LINE_CHARS + 40);
    expect(line?.endsWith('…')).toBe(true);
  });

  it('rotates by size and keeps only the configured number of old files', async () => {
    const dir = await logDir();
    const log = openFileLog({ dir, now: fixedClock, maxBytes: 200, keep: 2 });
    for (let index = 0; index < 30; index += 1) log.write('cli', `event ${String(index).padStart(2, '0')} ${'.'.repeat(40)}`);
    expect((await readdir(dir)).sort()).toEqual(['mail-doctor.log', 'mail-doctor.log.1', 'mail-doctor.log.2']);
    for (const name of await readdir(dir)) expect((await stat(join(dir, name))).size).toBeLessThanOrEqual(200);
    const current = await readFile(log.path, 'utf8');
    expect(current).toContain('event 29');
    // The newest events survive, the oldest were dropped with the oldest file.
    const all = (await Promise.all(['mail-doctor.log.2', 'mail-doctor.log.1', 'mail-doctor.log'].map((name) => readFile(join(dir, name), 'utf8')))).join('');
    expect(all).not.toContain('event 00');
    expect(all.trim().split('\n').map((line) => line.match(/event (\d+)/)?.[1])).toEqual(
      Array.from({ length: all.trim().split('\n').length }, (_, index) => String(30 - all.trim().split('\n').length + index).padStart(2, '0')),
    );
  });

  it('never throws when the log cannot be written, and writes again once it can', async () => {
    const dir = await logDir();
    const log = openFileLog({ dir, now: fixedClock });
    log.write('cli', 'first');
    // Something in the way that no permission (not even root's) lets a line through.
    await rm(log.path);
    await mkdir(log.path);
    expect(() => log.write('cli', 'while blocked')).not.toThrow();
    await rm(log.path, { recursive: true });
    log.write('cli', 'after');
    expect(await readFile(log.path, 'utf8')).toBe('2026-12-05T10:00:00.000Z [cli] after\n');
  });
});
