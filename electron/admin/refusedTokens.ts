/**
 * The tokens a cPanel or WHM server refused, remembered across runs so a refused token is never sent
 * again: cPHulk and CSF count failed cPanel/WHM logins (API calls included) towards the same blocks that
 * lock mail out (research §2.3–2.4), so retrying a wrong token could get the person's own address banned.
 *
 * What is stored is a salted SHA-256 fingerprint of (api, server, user, token), never the token: enough to
 * recognise the same token again, useless to anyone reading the file. A new token for the same account
 * has another fingerprint and is tried. The file is replaced atomically (temp + rename); an unreadable or
 * damaged file is started afresh (it only ever prevents calls, so losing it cannot cause harm beyond one
 * more attempt, and keeping a damaged one would block the person forever).
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { HostingApi } from '../../shared/model/hosting';
import type { Secret } from '../keychain/secret';

export const REFUSED_TOKENS_FILE = 'hosting-refused-tokens.json';

const fileSchema = z.object({
  version: z.literal(1),
  salt: z.string().regex(/^[0-9a-f]{32}$/),
  entries: z.array(z.object({ fingerprint: z.string().regex(/^[0-9a-f]{64}$/), at: z.string() })).max(1000),
});
type RefusedFile = z.infer<typeof fileSchema>;

export interface TokenIdentity {
  readonly api: HostingApi;
  /** "https://host:port". */
  readonly origin: string;
  readonly user: string;
  readonly token: Secret;
}

export class RefusedTokens {
  readonly #file: string;

  constructor(stateDir: string) {
    this.#file = path.join(stateDir, REFUSED_TOKENS_FILE);
  }

  /** When this token was refused, or null when it never was. */
  async refusedAt(identity: TokenIdentity): Promise<string | null> {
    const current = await this.#read();
    if (current === null) return null;
    const fingerprint = fingerprintOf(current.salt, identity);
    return current.entries.find((entry) => entry.fingerprint === fingerprint)?.at ?? null;
  }

  async remember(identity: TokenIdentity, at: Date): Promise<void> {
    const current = (await this.#read()) ?? { version: 1 as const, salt: randomBytes(16).toString('hex'), entries: [] };
    const fingerprint = fingerprintOf(current.salt, identity);
    if (current.entries.some((entry) => entry.fingerprint === fingerprint)) return;
    // Oldest first; the cap keeps the file small whatever happens.
    const entries = [...current.entries, { fingerprint, at: at.toISOString() }].slice(-1000);
    await this.#write({ ...current, entries });
  }

  async #read(): Promise<RefusedFile | null> {
    let text: string;
    try {
      text = await fs.readFile(this.#file, 'utf8');
    } catch {
      return null;
    }
    try {
      const parsed = fileSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  async #write(content: RefusedFile): Promise<void> {
    await fs.mkdir(path.dirname(this.#file), { recursive: true, mode: 0o700 });
    const temporary = `${this.#file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    await fs.rename(temporary, this.#file);
  }
}

function fingerprintOf(salt: string, identity: TokenIdentity): string {
  // The one reason to reveal the token outside the Authorization header: to hash it, so it is never sent again.
  return createHash('sha256')
    .update(`${salt}\0${identity.api}\0${identity.origin.toLowerCase()}\0${identity.user}\0${identity.token.reveal()}`)
    .digest('hex');
}
