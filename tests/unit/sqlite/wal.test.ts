import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { readDatabaseImage } from '../../../electron/accounts/appleMailAccounts4';
import { applyWriteAheadLog } from '../../../electron/sqlite/wal';
import type { MacHome } from '../../fixtures/buildMacHome';
import { buildMacHome } from '../../fixtures/buildMacHome';
import { IDS } from '../../fixtures/standardAccounts';
import { join } from 'node:path';

let fixture: MacHome | undefined;
afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

async function standardStore(): Promise<{ db: Uint8Array; wal: Uint8Array }> {
  fixture = await buildMacHome();
  const path = join(fixture.home, 'Library', 'Accounts', 'Accounts4.sqlite');
  return { db: new Uint8Array(await readFile(path)), wal: new Uint8Array(await readFile(`${path}-wal`)) };
}

describe('write-ahead log replay', () => {
  it('the fixture really keeps bob\'s rows only in the -wal file', async () => {
    const { db, wal } = await standardStore();
    expect(wal.length).toBeGreaterThan(32);
    const withoutWal = await readDatabaseImage(db, null, 'Accounts4.sqlite', 'accounts4');
    expect(withoutWal.incoming.map((record) => record.id)).not.toContain(IDS.bobPop);
    expect(withoutWal.incoming.map((record) => record.id)).toContain(IDS.aliceImap);
  });

  it('folds committed WAL frames into the image', async () => {
    const { db, wal } = await standardStore();
    const replay = applyWriteAheadLog(db, wal);
    expect(replay.framesApplied).toBeGreaterThan(0);
    const withWal = await readDatabaseImage(db, wal, 'Accounts4.sqlite', 'accounts4');
    expect(withWal.incoming.map((record) => record.id)).toContain(IDS.bobPop);
    expect(withWal.outgoing.map((record) => record.id)).toContain(IDS.bobSmtp);
  });

  it('ignores frames whose checksum does not match', async () => {
    const { db, wal } = await standardStore();
    const damaged = new Uint8Array(wal);
    damaged[32 + 24 + 100] = (damaged[32 + 24 + 100] ?? 0) ^ 0xff; // first frame's page body
    const replay = applyWriteAheadLog(db, damaged);
    expect(replay.framesApplied).toBe(0);
    const result = await readDatabaseImage(db, damaged, 'Accounts4.sqlite', 'accounts4');
    expect(result.incoming.map((record) => record.id)).toContain(IDS.aliceImap);
  });

  it('ignores a WAL with a bad header', () => {
    const replay = applyWriteAheadLog(new Uint8Array(4096), new Uint8Array(64).fill(7));
    expect(replay.walIgnoredReason).toMatch(/magic/);
  });

  it('leaves a database alone when the WAL is garbage, except for switching off WAL mode (on a copy)', () => {
    const database = new Uint8Array(4096);
    database[18] = 2;
    database[19] = 2;
    const { image, framesApplied } = applyWriteAheadLog(database, new Uint8Array(500).fill(7));
    expect(framesApplied).toBe(0);
    expect(image.byteLength).toBe(4096);
    expect([image[18], image[19]]).toEqual([1, 1]);
    expect([database[18], database[19]]).toEqual([2, 2]);
  });
});
