/**
 * Which keychain a diagnosis reads Mail's saved passwords from, chosen in code by the composition root.
 *
 * - `system`: the real one — /usr/bin/security for Mail's Internet passwords and keytar for accountsd's
 *   items (both on macOS only). The packaged app (electron/main.ts) always uses this; nothing in its
 *   environment, arguments or files can change it.
 * - `stand-in`: a replacement that holds no real password — the tests' fixture `security` tool (and an
 *   in-memory keytar). Only development entry points inject it: the development CLI
 *   (electron/cli/main.ts, `npm run diagnose`) and the web preview, through developmentKeychain.ts, and
 *   tests directly.
 *
 * The difference matters beyond the program run: reading the system keychain makes the CLI send Mail's
 * real passwords, so it then refuses options that would choose where they go (electron/cli/args.ts).
 */
import type { KeytarLike } from './keytarModule';

export type KeychainAccess =
  | { readonly kind: 'system' }
  | {
      readonly kind: 'stand-in';
      /** A program answering like `security find-internet-password ... -w`. */
      readonly securityToolPath: string;
      /** accountsd's items; without one, the stand-in keychain has none. */
      readonly keytar?: KeytarLike;
    };

export const SYSTEM_KEYCHAIN: KeychainAccess = { kind: 'system' };

/** A keytar with no items: what a stand-in keychain without its own keytar answers. */
export const EMPTY_KEYTAR: KeytarLike = {
  getPassword: () => Promise.resolve(null),
  setPassword: () => Promise.reject(new Error('the stand-in keychain is read-only')),
  deletePassword: () => Promise.resolve(false),
};
