// The one place that changes the real rig on behalf of the cPanel contract double (cpanelDouble.ts): the
// mailboxes its Email::add_pop / passwd_pop / delete_pop create, change and remove, and the cPHulk blocks it
// keeps. Dovecot reads them from one passwd-file per mailbox and per blocked client address (dovecot.ts); Exim
// authenticates through Dovecot, so SMTP sees the same mailboxes and blocks, and it delivers a hosted mailbox's
// mail into that mailbox's Maildir (exim.ts).
import { Buffer } from 'node:buffer';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './exec';
import type { MailServersInfo } from './types';

export interface HostingStore {
  /** Creates the mailbox (its Dovecot passdb/userdb file and its home). Throws if it exists. */
  addMailbox(address: string, password: string): Promise<void>;
  setPassword(address: string, password: string): Promise<void>;
  deleteMailbox(address: string): Promise<void>;
  hasMailbox(address: string): boolean;
  /** Mailboxes created through the double, optionally only those of one domain. */
  mailboxes(domain?: string): string[];
  /** A cPHulk block: every login from this client address fails, IMAP, POP3 and SMTP (Dovecot's deny passdb). */
  block(ip: string): Promise<void>;
  unblock(ip: string): Promise<void>;
  isBlocked(ip: string): boolean;
}

/** Dovecot re-reads a passwd-file at most once per second (it compares mtime and size): wait that out. */
async function settle(): Promise<void> {
  const now = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 1000 - (now % 1000) + 50));
}

function safeName(text: string, what: string): string {
  if (!/^[A-Za-z0-9._%+@:-]+$/.test(text) || text.includes('..')) throw new Error(`the contract double cannot store ${what} "${text}"`);
  return text;
}

export function hostingStore(info: MailServersInfo): HostingStore {
  const { mailboxDir, denyDir, mailRoot, mailUser } = info.hosting;
  let owner: Promise<{ readonly uid: string; readonly gid: string }> | undefined;
  const mailOwner = () =>
    (owner ??= Promise.all([run('id', ['-u', mailUser]), run('id', ['-g', mailUser])]).then(([uid, gid]) => ({ uid: uid.trim(), gid: gid.trim() })));

  async function writeDovecotFile(file: string, line: string): Promise<void> {
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, `${line}\n`, { mode: 0o640 });
    // Dovecot's auth worker reads it as user dovecot.
    await run('chown', ['root:dovecot', temporary]);
    await rename(temporary, file);
  }

  async function dovecotLine(address: string, password: string): Promise<string> {
    const { uid, gid } = await mailOwner();
    // PLAIN.b64: the password is stored base64-encoded, so a ':' in it cannot break the passwd-file line.
    return `${address}:{PLAIN.b64}${Buffer.from(password, 'utf8').toString('base64')}:${uid}:${gid}::${path.join(mailRoot, address)}`;
  }

  return {
    async addMailbox(address, password) {
      const name = safeName(address.toLowerCase(), 'the mailbox');
      const file = path.join(mailboxDir, name);
      if (existsSync(file)) throw new Error(`${name} exists`);
      const home = path.join(mailRoot, name);
      await mkdir(home, { recursive: true });
      await run('chown', [`${mailUser}:${mailUser}`, home]);
      await writeDovecotFile(file, await dovecotLine(name, password));
      await settle();
    },
    async setPassword(address, password) {
      const name = safeName(address.toLowerCase(), 'the mailbox');
      const file = path.join(mailboxDir, name);
      if (!existsSync(file)) throw new Error(`${name} does not exist`);
      await writeDovecotFile(file, await dovecotLine(name, password));
      await settle();
    },
    async deleteMailbox(address) {
      const name = safeName(address.toLowerCase(), 'the mailbox');
      await rm(path.join(mailboxDir, name), { force: true });
      await rm(path.join(mailRoot, name), { recursive: true, force: true });
      await settle();
    },
    hasMailbox(address) {
      return existsSync(path.join(mailboxDir, address.toLowerCase()));
    },
    mailboxes(domain) {
      const all = readdirSync(mailboxDir).filter((name) => !name.endsWith('.tmp'));
      return domain === undefined ? all : all.filter((name) => name.endsWith(`@${domain.toLowerCase()}`));
    },
    async block(ip) {
      // A passwd-file line is colon-separated, so an IPv6 key cannot be written: the rig's blocks are IPv4 (127.0.0.x).
      if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) throw new Error(`the contract double blocks IPv4 addresses only, not "${ip}"`);
      const name = safeName(ip, 'the address');
      // A deny passdb only needs the key (the client address) to be found.
      await writeDovecotFile(path.join(denyDir, name), `${name}:`);
      await settle();
    },
    async unblock(ip) {
      await rm(path.join(denyDir, safeName(ip, 'the address')), { force: true });
      await settle();
    },
    isBlocked(ip) {
      return existsSync(path.join(denyDir, ip));
    },
  };
}
