import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { discoverAccounts } from '../../../electron/accounts/discoverAccounts';
import type { FileSystemReader } from '../../../electron/fileAccess';
import { decodeStoredValue } from '../../../electron/accounts/keyedArchive';
import type { MacHome } from '../../fixtures/buildMacHome';
import { buildMacHome } from '../../fixtures/buildMacHome';
import { keyedArchive } from '../../fixtures/writers/keyedArchive';
import { encodePlist, legacyAccountsContent } from '../../fixtures/writers/legacyAccountsPlist';

/**
 * Property: whatever bytes sit where Mail's stores should be, discovery returns a well-formed
 * AccountDiscovery and never throws. Inputs are the real fixture store (database + WAL) and the
 * real legacy plists with bytes flipped, overwritten, truncated or replaced, served from memory.
 */

const server = z.object({
  protocol: z.enum(['imap', 'pop3', 'smtp']),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  tls: z.enum(['implicit', 'starttls', 'none']),
  username: z.string(),
  authenticationEnabled: z.boolean(),
  authScheme: z.string().optional(),
  inherited: z.array(z.enum(['host', 'port', 'tls'])).optional(),
});
const status = z.object({ outcome: z.string(), attempts: z.array(z.unknown()) });
const accountDiscovery = z.object({
  accounts: z.array(
    z.object({
      id: z.string().min(1),
      description: z.string(),
      emailAddress: z.string(),
      source: z.enum(['accounts4', 'accounts3', 'legacy-plist', 'manual']),
      authKind: z.enum(['password', 'oauth']),
      provider: z.string().optional(),
      incoming: server.nullable(),
      outgoing: server.nullable(),
      outgoingLink: z.union([
        z.object({ kind: z.literal('linked'), via: z.enum(['smtp-identifier', 'account-uuid', 'parent', 'manual']) }),
        z.object({ kind: z.literal('unresolved'), identifier: z.string() }),
        z.object({ kind: z.literal('none') }),
      ]),
      passwords: z.object({ incoming: status, outgoing: status, comparison: z.string() }),
      readProblems: z.array(z.string()),
    }),
  ),
  problems: z.array(
    z.union([
      z.object({ kind: z.literal('full-disk-access-needed'), path: z.string() }),
      z.object({ kind: z.literal('no-mail-accounts-found'), searched: z.array(z.string()) }),
      z.object({ kind: z.literal('store-unreadable'), path: z.string(), reason: z.string().min(1) }),
      z.object({ kind: z.literal('not-macos') }),
    ]),
  ),
});

const HOME = '/fuzz-home';
const DB_PATH = join(HOME, 'Library', 'Accounts', 'Accounts4.sqlite');
const MAIL_DIR = join(HOME, 'Library', 'Mail');
const PLIST_PATH = join(MAIL_DIR, 'V2', 'MailData', 'Accounts.plist');

function memoryFs(files: ReadonlyMap<string, Uint8Array>): FileSystemReader {
  const missing = (): Error => Object.assign(new Error('no such file'), { code: 'ENOENT' });
  return {
    readFile: (path) => {
      const bytes = files.get(path);
      return bytes === undefined ? Promise.reject(missing()) : Promise.resolve(bytes);
    },
    readDirectory: (path) => (path === MAIL_DIR && files.has(PLIST_PATH) ? Promise.resolve(['V2', 'V10x', '.DS_Store']) : Promise.reject(missing())),
  };
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 24 }) }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('replace' as const), bytes: fc.uint8Array({ maxLength: 2048 }) }),
  fc.record({ kind: fc.constant('keep' as const) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(original: Uint8Array, how: Mutation): Uint8Array {
  switch (how.kind) {
    case 'keep':
      return original;
    case 'replace':
      return how.bytes;
    case 'truncate':
      return original.subarray(0, Math.floor(original.length * how.keep));
    case 'flip': {
      const copy = new Uint8Array(original);
      // Edits land mostly in the first pages, where the schema and the account rows are.
      for (const [offset, value] of how.edits) if (copy.length > 0) copy[offset % Math.min(copy.length, 12_288)] = value;
      return copy;
    }
  }
}

describe('discovery under arbitrary bad input', () => {
  let fixture: MacHome;
  let db: Uint8Array;
  let wal: Uint8Array;
  const xmlPlist = new TextEncoder().encode(String(encodePlist(legacyAccountsContent(), 'xml')));
  const binaryPlist = new Uint8Array(encodePlist(legacyAccountsContent(), 'binary') as Uint8Array);

  beforeAll(async () => {
    fixture = await buildMacHome();
    db = new Uint8Array(await readFile(join(fixture.home, 'Library', 'Accounts', 'Accounts4.sqlite')));
    wal = new Uint8Array(await readFile(join(fixture.home, 'Library', 'Accounts', 'Accounts4.sqlite-wal')));
  });
  afterAll(async () => {
    await fixture.cleanup();
  });

  it('never throws and always returns a well-formed AccountDiscovery (1,000 seeded cases)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          store: fc.constantFrom('accounts4', 'legacy-xml', 'legacy-binary'),
          main: mutation,
          wal: fc.option(mutation, { nil: undefined }),
        }),
        async ({ store, main, wal: walMutation }) => {
          const files = new Map<string, Uint8Array>();
          if (store === 'accounts4') {
            files.set(DB_PATH, mutate(db, main));
            if (walMutation !== undefined) files.set(`${DB_PATH}-wal`, mutate(wal, walMutation));
          } else {
            files.set(PLIST_PATH, mutate(store === 'legacy-xml' ? xmlPlist : binaryPlist, main));
          }
          const result = await discoverAccounts({ home: HOME, managedPreferencesDirs: [], platform: 'darwin', fs: memoryFs(files) });
          const parsed = accountDiscovery.safeParse({ accounts: result.accounts, problems: result.problems });
          if (!parsed.success) throw new Error(parsed.error.message);
          // Every account either has settings or says why not.
          for (const account of result.accounts) {
            if (account.incoming === null && account.outgoing === null && account.provider === undefined) expect(account.readProblems.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 1000, seed: 20_241_127, endOnFailure: true },
    );
  }, 120_000);

  it('decodes any bytes behind a bplist header without throwing (1,000 seeded cases)', () => {
    const archive = keyedArchive({ Hostname: 'mail.example.com', Ports: [993, 143], SSL: true });
    fc.assert(
      fc.property(mutation, (how) => {
        const bytes = mutate(archive, how);
        const result = decodeStoredValue(bytes);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 1000, seed: 7 },
    );
  });
});
