import { APP_BUNDLE_ID } from '../../shared/app';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import type { KeytarLike } from './keytarModule';
import { loadKeytar } from './keytarModule';
import { Secret } from './secret';

/**
 * Mail Doctor's own secrets (e.g. a cPanel/WHM API token), stored in the OS keychain under the
 * app's own service name so no other app's item is ever touched. The name is the item's account.
 */

export type AppSecretError = 'keytar-unavailable' | 'keychain-error';

export interface AppSecretOptions {
  /** Injected keytar-compatible module (tests); default: the real keytar. */
  readonly keytar?: KeytarLike;
  /** Service name; default APP_BUNDLE_ID. */
  readonly service?: string;
}

export async function getAppSecret(name: string, options: AppSecretOptions = {}): Promise<Result<Secret | null, AppSecretError>> {
  return withKeytar(options, async (keytar, service) => {
    const value = await keytar.getPassword(service, name);
    return value === null ? null : new Secret(value);
  });
}

export async function setAppSecret(name: string, secret: Secret, options: AppSecretOptions = {}): Promise<Result<true, AppSecretError>> {
  return withKeytar(options, async (keytar, service) => {
    await keytar.setPassword(service, name, secret.reveal());
    return true as const;
  });
}

/** Resolves to true when an item was deleted, false when there was none. */
export async function deleteAppSecret(name: string, options: AppSecretOptions = {}): Promise<Result<boolean, AppSecretError>> {
  return withKeytar(options, (keytar, service) => keytar.deletePassword(service, name));
}

async function withKeytar<T>(options: AppSecretOptions, action: (keytar: KeytarLike, service: string) => Promise<T>): Promise<Result<T, AppSecretError>> {
  let keytar = options.keytar;
  if (keytar === undefined) {
    const loaded = await loadKeytar();
    if (!loaded.ok) return loaded;
    keytar = loaded.value;
  }
  try {
    return ok(await action(keytar, options.service ?? APP_BUNDLE_ID));
  } catch (error) {
    // keytar's messages come from the OS keychain; they never contain the value being stored.
    return err('keychain-error', error instanceof Error ? error.message : String(error));
  }
}
