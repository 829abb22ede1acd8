/**
 * The pending-deletion journal of test mailboxes: an entry is written (and flushed to disk) BEFORE
 * Email::add_pop is called, and removed only AFTER Email::delete_pop succeeded (or the mailbox is
 * confirmed gone). If the process dies in between — a crash, a kill, a closed laptop lid — the entry
 * survives, and the next start (window or CLI) retries the deletion first. So no test mailbox lingers
 * unnoticed on the person's hosting account.
 *
 * One file per mailbox in `<state>/hosting-pending-deletions/`: writing and removing an entry never
 * rewrites another, so two processes (the app and a CLI run) cannot lose each other's entries. Each file
 * is written to a temporary name, fsynced and renamed, and the folder is fsynced, so an entry is either
 * fully there or not at all. Nothing secret is stored: the server, the user name and the mailbox.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { HostingConnection, PendingMailboxDeletion } from '../../shared/model/hosting';

export const JOURNAL_DIR_NAME = 'hosting-pending-deletions';

const entrySchema = z.object({
  version: z.literal(1),
  connection: z.object({ api: z.literal('cpanel'), url: z.string().min(1).max(2048), user: z.string().min(1).max(256) }),
  mailbox: z.string().min(3).max(320),
  createdAt: z.string(),
});

export interface JournalEntry extends PendingMailboxDeletion {
  /** The entry's file name (its id). */
  readonly id: string;
}

export interface UnreadableJournalEntry {
  readonly id: string;
  readonly reason: string;
}

export class DeletionJournal {
  readonly #dir: string;

  constructor(stateDir: string) {
    this.#dir = path.join(stateDir, JOURNAL_DIR_NAME);
  }

  get directory(): string {
    return this.#dir;
  }

  /** Records that `mailbox` is about to be created; resolves once the entry is safely on disk. */
  async add(connection: HostingConnection, mailbox: string, createdAt: Date): Promise<JournalEntry> {
    await fs.mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const id = `${createdAt.getTime()}-${randomBytes(6).toString('hex')}.json`;
    const entry = { version: 1 as const, connection: { api: 'cpanel' as const, url: connection.url, user: connection.user }, mailbox, createdAt: createdAt.toISOString() };
    const target = path.join(this.#dir, id);
    const temporary = `${target}.tmp`;
    const handle = await fs.open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(entry, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, target);
    await syncDirectory(this.#dir);
    return { id, connection: entry.connection, mailbox, createdAt: entry.createdAt };
  }

  /** Removes an entry once its mailbox is confirmed deleted. A missing entry is fine (another run removed it). */
  async remove(id: string): Promise<void> {
    try {
      await fs.unlink(path.join(this.#dir, safeId(id)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await syncDirectory(this.#dir).catch(() => undefined);
  }

  /** Every pending entry, oldest first, and the files that could not be read as one. */
  async list(): Promise<{ readonly entries: readonly JournalEntry[]; readonly unreadable: readonly UnreadableJournalEntry[] }> {
    let names: string[];
    try {
      names = await fs.readdir(this.#dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], unreadable: [] };
      throw error;
    }
    const entries: JournalEntry[] = [];
    const unreadable: UnreadableJournalEntry[] = [];
    for (const id of names.filter((name) => name.endsWith('.json')).sort()) {
      try {
        const parsed = entrySchema.safeParse(JSON.parse(await fs.readFile(path.join(this.#dir, id), 'utf8')));
        if (parsed.success) entries.push({ id, connection: parsed.data.connection, mailbox: parsed.data.mailbox, createdAt: parsed.data.createdAt });
        else unreadable.push({ id, reason: 'not a journal entry' });
      } catch (error) {
        unreadable.push({ id, reason: (error as NodeJS.ErrnoException).code ?? 'not JSON' });
      }
    }
    return { entries, unreadable };
  }
}

function safeId(id: string): string {
  if (!/^[0-9]+-[0-9a-f]+\.json$/.test(id)) throw new Error('not a journal entry id');
  return id;
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
