import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';

/** The part of keytar (or a keytar-compatible module) we use; injectable for tests. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

let loaded: Promise<Result<KeytarLike, 'keytar-unavailable'>> | undefined;

/**
 * keytar is a native addon; loading it lazily means a missing or mis-built binary becomes an
 * outcome ("error: keytar unavailable") instead of crashing the CLI or the main process at import.
 */
export function loadKeytar(): Promise<Result<KeytarLike, 'keytar-unavailable'>> {
  loaded ??= import('keytar').then(
    (module): Result<KeytarLike, 'keytar-unavailable'> => {
      // keytar is CommonJS: under Node's ESM loader its full API sits on `default` (Node's CJS lexer finds only
      // some of its names, e.g. getPassword alone, so a namespace with getPassword is not yet the whole API).
      const candidate: unknown = isKeytarLike(module) ? module : (module as { default?: unknown }).default;
      return isKeytarLike(candidate) ? ok(candidate) : err('keytar-unavailable', 'keytar loaded but has no getPassword/setPassword/deletePassword');
    },
    (error: unknown) => err('keytar-unavailable', `keytar could not be loaded: ${error instanceof Error ? error.message : String(error)}`),
  );
  return loaded;
}

function isKeytarLike(value: unknown): value is KeytarLike {
  if (typeof value !== 'object' || value === null) return false;
  const api = value as Record<string, unknown>;
  return typeof api['getPassword'] === 'function' && typeof api['setPassword'] === 'function' && typeof api['deletePassword'] === 'function';
}

/** Keychain errors that mean "refused" rather than "broken" (macOS and Secret Service wordings). */
export function isRefusal(message: string): boolean {
  return /not allowed|denied|cancel|locked|interaction|authoriz|not permitted|dismissed/i.test(message);
}
