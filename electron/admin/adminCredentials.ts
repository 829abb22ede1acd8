/**
 * Where the hosting API token comes from, and where it is kept:
 * - a file (its first line): for IT scripts (`--token-file`); opened only if it is a small regular file;
 * - the OS keychain, under Mail Doctor's own service (electron/keychain/appSecrets.ts), one item per
 *   server + user: what the window stores when the person connects, and what the CLI uses without a file.
 * Never from argv or the environment (other processes can read both), never shown again, never sent to the
 * window, never logged. The token lives in a `Secret` from the moment it is read.
 */
import type { HostingConnection } from '../../shared/model/hosting';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import type { OpenedRegularFile } from '../fileAccess';
import { FileRefusedError, describeError, isNotFound, openRegularFile, readToEnd } from '../fileAccess';
import type { AppSecretOptions } from '../keychain/appSecrets';
import { deleteAppSecret, getAppSecret, setAppSecret } from '../keychain/appSecrets';
import { Secret } from '../keychain/secret';

/** A token file larger than this is not a token file. */
export const MAX_TOKEN_FILE_BYTES = 4096;

/** cPanel/WHM tokens are 32 capital letters and digits; anything printable without spaces, 16–512 long, is accepted. */
const TOKEN_SHAPE = /^[\x21-\x7e]{16,512}$/;

export type TokenFileError = 'not-found' | 'not-a-file' | 'too-large' | 'unreadable' | 'empty' | 'not-a-token';

export interface TokenFromFile {
  readonly token: Secret;
  /** Set when others than the owner may read the file (a warning, not a refusal). */
  readonly readableByOthers: boolean;
}

/**
 * The token from the first line of `path`. The file is opened before it is judged (electron/fileAccess.ts
 * `openRegularFile`: fstat on the opened descriptor, non-blocking): a folder, a FIFO or /dev/zero is a clear
 * error, never a hang or a read without end, and nothing past MAX_TOKEN_FILE_BYTES is read.
 */
export async function readTokenFile(path: string): Promise<Result<TokenFromFile, TokenFileError>> {
  let opened: OpenedRegularFile;
  try {
    // O_NOFOLLOW is not used: a token file may well be a link into a secrets folder.
    opened = await openRegularFile(path, MAX_TOKEN_FILE_BYTES);
  } catch (error) {
    if (error instanceof FileRefusedError) {
      return error.reason === 'not-regular'
        ? err('not-a-file', `${path} is not a regular file (${error.message})`)
        : err('too-large', `${path} is larger than ${MAX_TOKEN_FILE_BYTES} bytes: not a token file`);
    }
    return isNotFound(error) ? err('not-found', `there is no file ${path}`) : err('unreadable', `${path} cannot be opened (${describeError(error)})`);
  }
  try {
    const mode = (await opened.handle.stat()).mode;
    const text = Buffer.from(await readToEnd(opened, path, MAX_TOKEN_FILE_BYTES)).toString('utf8');
    const firstLine = (text.split('\n')[0] ?? '').replace(/\r$/, '').trim();
    if (firstLine === '') return err('empty', `the first line of ${path} is empty`);
    // Never quote the line: it may be the token with a typo.
    if (!TOKEN_SHAPE.test(firstLine)) return err('not-a-token', `the first line of ${path} is not a token (16–512 printable characters, no spaces)`);
    return ok({ token: new Secret(firstLine), readableByOthers: (mode & 0o077) !== 0 });
  } catch (error) {
    if (error instanceof FileRefusedError) return err('too-large', `${path} grew past ${MAX_TOKEN_FILE_BYTES} bytes: not a token file`);
    return err('unreadable', `${path} cannot be read (${describeError(error)})`);
  } finally {
    await opened.handle.close();
  }
}

/** Whether a typed token has the shape of one (the window checks before storing). */
export function isTokenShaped(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

/** The keychain item's account name for a connection's token: one item per API, server and user. */
export function tokenItemName(connection: HostingConnection): string {
  return `hosting-api-token ${connection.api} ${connection.user}@${connection.url}`;
}

export function readStoredToken(connection: HostingConnection, options: AppSecretOptions = {}) {
  return getAppSecret(tokenItemName(connection), options);
}

export function storeToken(connection: HostingConnection, token: Secret, options: AppSecretOptions = {}) {
  return setAppSecret(tokenItemName(connection), token, options);
}

export function removeStoredToken(connection: HostingConnection, options: AppSecretOptions = {}) {
  return deleteAppSecret(tokenItemName(connection), options);
}
