import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabaseImage, openSqliteSnapshot } from '../../../electron/sqlite/snapshot';
import { queryRows } from '../../../electron/sqlite/sqlJs';
import { writeSqlite } from '../../fixtures/evidence';
import { useTempHomes } from '../evidence/tempHome';

const newHome = useTempHomes();

function writeWalDatabase(path: string): void {
  writeSqlite({
    path,
    statements: [{ sql: 'CREATE TABLE t (x INTEGER)' }, { sql: 'INSERT INTO t VALUES (1)' }],
    walPending: [{ sql: 'INSERT INTO t VALUES (2)' }, { sql: 'INSERT INTO t VALUES (3)' }],
  });
}

describe('openSqliteSnapshot', () => {
  it('sees rows that exist only in the -wal file', async () => {
    const path = join(newHome(), 'store.sqlite');
    writeWalDatabase(path);
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
    const snapshot = await openSqliteSnapshot(path, 'absent');
    expect(snapshot.ok).toBe(true);
    if (!snapshot.ok) return;
    expect(queryRows(snapshot.database, 'SELECT x FROM t ORDER BY x')).toEqual([[1], [2], [3]]);
    snapshot.database.close();
  });

  it('without the -wal file sees only the checkpointed rows (so the WAL merge is what adds them)', async () => {
    const home = newHome();
    const path = join(home, 'store.sqlite');
    writeWalDatabase(path);
    const copy = join(home, 'copy.sqlite');
    writeFileSync(copy, new Uint8Array(await import('node:fs/promises').then((fs) => fs.readFile(path))));
    const snapshot = await openSqliteSnapshot(copy, 'absent');
    expect(snapshot.ok).toBe(true);
    if (!snapshot.ok) return;
    expect(queryRows(snapshot.database, 'SELECT x FROM t ORDER BY x')).toEqual([[1]]);
    snapshot.database.close();
  });

  it('ignores a torn frame appended after the last commit', async () => {
    const path = join(newHome(), 'store.sqlite');
    writeWalDatabase(path);
    appendFileSync(`${path}-wal`, Buffer.alloc(1000, 0xab));
    const snapshot = await openSqliteSnapshot(path, 'absent');
    expect(snapshot.ok).toBe(true);
    if (!snapshot.ok) return;
    expect(queryRows(snapshot.database, 'SELECT count(*) FROM t')).toEqual([[3]]);
    snapshot.database.close();
  });

  it('never touches the original files and copies nothing to disk (a temp copy would be readable without Full Disk Access)', async () => {
    const home = newHome();
    const path = join(home, 'store.sqlite');
    writeWalDatabase(path);
    const before = statSync(`${path}-wal`);
    const tempBefore = readdirSync(tmpdir()).filter((name) => name.startsWith('mail-doctor-evidence-'));
    const snapshot = await openSqliteSnapshot(path, 'absent');
    expect(snapshot.ok).toBe(true);
    if (snapshot.ok) snapshot.database.close();
    expect(statSync(`${path}-wal`).size).toBe(before.size);
    expect(statSync(`${path}-wal`).mtimeMs).toBe(before.mtimeMs);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('mail-doctor-evidence-'))).toEqual(tempBefore);
  });

  it('refuses a device as the store (a home whose Accounts4.sqlite is /dev/zero) without reading it', async () => {
    const path = join(newHome(), 'store.sqlite');
    symlinkSync('/dev/zero', path);
    const snapshot = await openSqliteSnapshot(path, 'absent');
    expect(snapshot).toEqual({ ok: false, outcome: { kind: 'unreadable', reason: 'store.sqlite is a device, not a regular file' } });
  });

  it.each(['store.sqlite', 'store.sqlite-wal'])('refuses a FIFO as %s at once, never waiting for a writer', async (fifoName) => {
    const home = newHome();
    const path = join(home, 'store.sqlite');
    if (fifoName === 'store.sqlite') execFileSync('mkfifo', [path]);
    else {
      writeWalDatabase(path);
      execFileSync('rm', [`${path}-wal`]);
      execFileSync('mkfifo', [`${path}-wal`]);
    }
    const snapshot = await openSqliteSnapshot(path, 'absent');
    expect(snapshot).toEqual({ ok: false, outcome: { kind: 'unreadable', reason: `${fifoName} is a FIFO, not a regular file` } });
  });

  it.each([
    ['garbage bytes', Buffer.from('this is not a database at all, just text\n'.repeat(50))],
    ['an empty file', Buffer.alloc(0)],
    ['a truncated header', Buffer.from('SQLite format 3\0')],
  ])('reports %s as unreadable, without throwing', async (_label, content) => {
    const path = join(newHome(), 'store.sqlite');
    writeFileSync(path, content);
    const snapshot = await openSqliteSnapshot(path, 'absent');
    expect(snapshot.ok).toBe(false);
    if (snapshot.ok) return;
    expect(snapshot.outcome.kind).toBe('unreadable');
  });

  it('reports a missing store as absent with the given reason', async () => {
    const path = join(newHome(), 'nope.sqlite');
    const snapshot = await openSqliteSnapshot(path, 'no such store');
    expect(snapshot).toEqual({ ok: false, outcome: { kind: 'absent', reason: 'no such store' } });
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a store above the size cap instead of loading it', async () => {
    const path = join(newHome(), 'store.sqlite');
    writeWalDatabase(path);
    const snapshot = await openSqliteSnapshot(path, 'absent', { maxBytes: 100 });
    expect(snapshot.ok).toBe(false);
    if (snapshot.ok) return;
    expect(snapshot.outcome.kind).toBe('unreadable');
  });
});

describe('openDatabaseImage (bytes already in memory, as the account reader has them)', () => {
  it('opens a store with its WAL folded in', async () => {
    const path = join(newHome(), 'store.sqlite');
    writeWalDatabase(path);
    const opened = await openDatabaseImage(readFileSync(path), readFileSync(`${path}-wal`));
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(queryRows(opened.database, 'SELECT x FROM t ORDER BY x')).toEqual([[1], [2], [3]]);
    opened.database.close();
  });

  it('refuses an image above the size cap and reports garbage, without throwing', async () => {
    const path = join(newHome(), 'store.sqlite');
    writeWalDatabase(path);
    const big = await openDatabaseImage(readFileSync(path), null, { maxBytes: 100 });
    expect(big).toEqual({ ok: false, reason: expect.stringMatching(/more than the 100/) as unknown });
    const garbage = await openDatabaseImage(Buffer.from('not a database\n'.repeat(100)), null);
    expect(garbage).toEqual({ ok: false, reason: expect.stringMatching(/not a readable SQLite database/) as unknown });
  });
});
