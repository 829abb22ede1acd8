import type { MailProtocol } from '../../shared/model/account';
import type { KeytarLike } from './keytarModule';
import { isRefusal } from './keytarModule';
import { Secret } from './secret';
import type { SourceReadOutcome } from './types';

/**
 * The Internet Accounts era: accountsd keeps an account's password as a generic item whose service
 * is `com.apple.account.<Type>.password` and whose account is the account's UUID (ZIDENTIFIER).
 *
 * On current macOS those items usually live in the data protection keychain, reachable only with
 * Apple's access-group entitlement; keytar uses the SecKeychain API, which only sees the file-based
 * login keychain. So on most Macs this honestly returns "not found" — the lookup is still made,
 * because Macs migrated from older systems can hold the item in the login keychain.
 */

export function accountCredentialService(protocol: MailProtocol): string {
  switch (protocol) {
    case 'imap':
      return 'com.apple.account.IMAP.password';
    case 'pop3':
      return 'com.apple.account.POP.password';
    case 'smtp':
      return 'com.apple.account.SMTP.password';
  }
}

export async function readAccountCredential(protocol: MailProtocol, accountUuid: string, keytar: KeytarLike): Promise<SourceReadOutcome> {
  const service = accountCredentialService(protocol);
  try {
    const value = await keytar.getPassword(service, accountUuid);
    if (value === null) return { kind: 'not-found', detail: `${service}: no item for this account` };
    return { kind: 'found', secret: new Secret(value), detail: `${service}: found` };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return isRefusal(message)
      ? { kind: 'denied', detail: `${service}: the keychain refused (${message})` }
      : { kind: 'error', detail: `${service}: ${message}` };
  }
}
