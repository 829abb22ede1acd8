import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAccounts4CredentialRows, readCredentialState } from '../../../electron/evidence/credentialState';
import { accounts4Path, writeAccounts4Credentials } from '../../fixtures/evidence';
import { useTempHomes } from './tempHome';

const newHome = useTempHomes();
const IMAP_ID = '6F1C2A9E-1111-4D2B-8A77-0C5D3E9F0001';
const SMTP_ID = '9A2D7B10-2222-4E3C-9B88-1D6E4FA10002';
const OTHER_ID = 'C0FFEE00-3333-4F4D-8C99-2E7F5AB20003';
const rejectedAt = new Date('2026-03-04T08:32:03.500Z');

describe('credential state from Accounts4.sqlite', () => {
  it('reads a rejection date (Cocoa seconds) and says when the prompt suppression lifts', async () => {
    const home = newHome();
    writeAccounts4Credentials(home, {
      rows: [
        { identifier: IMAP_ID, renewalRejectedAt: rejectedAt, authenticated: true },
        { identifier: SMTP_ID, typeIdentifier: 'com.apple.account.SMTP', authenticated: true },
      ],
    });
    const now = new Date('2026-03-04T12:00:00Z');
    const state = await readCredentialState(home, { id: IMAP_ID }, now);
    expect(state).toEqual({
      outcome: { kind: 'read' },
      renewalRejectedAt: '2026-03-04T08:32:03.500Z',
      renewalRejectedOn: 'incoming',
      promptSuppressedUntil: '2026-03-05T08:32:03.500Z',
      authenticatedFlag: true,
    });
  });

  it('keeps the rejection date but no suppression once 24 h have passed', async () => {
    const home = newHome();
    writeAccounts4Credentials(home, { rows: [{ identifier: IMAP_ID, renewalRejectedAt: rejectedAt, authenticated: false }] });
    const state = await readCredentialState(home, { id: IMAP_ID }, new Date('2026-03-06T00:00:00Z'));
    expect(state.renewalRejectedAt).toBe('2026-03-04T08:32:03.500Z');
    expect(state.promptSuppressedUntil).toBeUndefined();
    expect(state.authenticatedFlag).toBe(false);
  });

  it('has no rejection for an account without a date', async () => {
    const home = newHome();
    writeAccounts4Credentials(home, { rows: [{ identifier: IMAP_ID, authenticated: true }, { identifier: OTHER_ID, renewalRejectedAt: rejectedAt }] });
    const state = await readCredentialState(home, { id: IMAP_ID }, new Date('2026-03-04T12:00:00Z'));
    expect(state).toEqual({ outcome: { kind: 'read' }, authenticatedFlag: true });
  });

  it('finds a rejection recorded on the outgoing (SMTP) row, matching ids case-insensitively', async () => {
    const home = newHome();
    writeAccounts4Credentials(home, {
      rows: [
        { identifier: IMAP_ID, authenticated: true },
        { identifier: SMTP_ID, typeIdentifier: 'com.apple.account.SMTP', renewalRejectedAt: rejectedAt },
      ],
    });
    const state = await readCredentialState(home, { id: IMAP_ID.toLowerCase(), outgoingId: SMTP_ID }, new Date('2026-03-04T09:00:00Z'));
    expect(state.renewalRejectedOn).toBe('outgoing');
    expect(state.promptSuppressedUntil).toBe('2026-03-05T08:32:03.500Z');
  });

  it('reads rows that are only in the -wal file and rows already checkpointed alike', async () => {
    for (const rowsOnlyInWal of [true, false]) {
      const home = newHome();
      writeAccounts4Credentials(home, { rowsOnlyInWal, rows: [{ identifier: IMAP_ID, renewalRejectedAt: rejectedAt }] });
      const state = await readCredentialState(home, { id: IMAP_ID }, new Date('2026-03-04T09:00:00Z'));
      expect(state.renewalRejectedAt).toBe('2026-03-04T08:32:03.500Z');
    }
  });

  it('says which columns an older macOS lacks, and still reads the rest', async () => {
    const home = newHome();
    writeAccounts4Credentials(home, { omitColumns: ['ZLASTCREDENTIALRENEWALREJECTIONDATE'], rows: [{ identifier: IMAP_ID, authenticated: true }] });
    const state = await readCredentialState(home, { id: IMAP_ID }, new Date());
    expect(state.outcome).toEqual({ kind: 'read', missing: ['ZACCOUNT.ZLASTCREDENTIALRENEWALREJECTIONDATE (older macOS)'] });
    expect(state.authenticatedFlag).toBe(true);
    expect(state.renewalRejectedAt).toBeUndefined();

    const both = newHome();
    writeAccounts4Credentials(both, { omitColumns: ['ZLASTCREDENTIALRENEWALREJECTIONDATE', 'ZAUTHENTICATED'], rows: [{ identifier: IMAP_ID }] });
    const rows = await readAccounts4CredentialRows(both);
    expect(rows.outcome.kind === 'read' ? rows.outcome.missing?.length : -1).toBe(2);
    expect(rows.rows.get(IMAP_ID)).toEqual({ identifier: IMAP_ID });
  });

  it('an account with no row is absent, not fine', async () => {
    const home = newHome();
    writeAccounts4Credentials(home, { rows: [{ identifier: OTHER_ID, renewalRejectedAt: rejectedAt }] });
    const state = await readCredentialState(home, { id: IMAP_ID }, new Date());
    expect(state.outcome.kind).toBe('absent');
    expect(state.renewalRejectedAt).toBeUndefined();
  });

  it('no Accounts4.sqlite is absent; garbage is unreadable; a database without ZACCOUNT is unreadable', async () => {
    expect((await readCredentialState(newHome(), { id: IMAP_ID }, new Date())).outcome.kind).toBe('absent');

    const garbage = newHome();
    mkdirSync(dirname(accounts4Path(garbage)), { recursive: true });
    writeFileSync(accounts4Path(garbage), Buffer.from([0, 1, 2, 3, 0xff, 0xfe]).toString('latin1').repeat(900));
    expect((await readCredentialState(garbage, { id: IMAP_ID }, new Date())).outcome.kind).toBe('unreadable');

    const wrongTable = newHome();
    const { writeSqlite } = await import('../../fixtures/evidence');
    writeSqlite({ path: accounts4Path(wrongTable), statements: [{ sql: 'CREATE TABLE ZSOMETHING (x)' }], wal: true });
    const state = await readCredentialState(wrongTable, { id: IMAP_ID }, new Date());
    expect(state.outcome).toEqual({ kind: 'unreadable', reason: 'Accounts4.sqlite has no ZACCOUNT table with ZIDENTIFIER' });
  });

  it('ignores an unparseable date rather than inventing one', async () => {
    const home = newHome();
    const { writeSqlite } = await import('../../fixtures/evidence');
    writeAccounts4Credentials(home, { rowsOnlyInWal: false, rows: [{ identifier: IMAP_ID }] });
    writeSqlite({ path: accounts4Path(home), statements: [{ sql: "UPDATE ZACCOUNT SET ZLASTCREDENTIALRENEWALREJECTIONDATE = 'yesterday'" }], wal: true });
    const state = await readCredentialState(home, { id: IMAP_ID }, new Date());
    expect(state.outcome.kind).toBe('read');
    expect(state.renewalRejectedAt).toBeUndefined();
  });
});
