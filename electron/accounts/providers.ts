import type { MailProtocol } from '../../shared/model/account';
import type { ProviderServer } from './serverSettings';

/**
 * Account types (ZACCOUNTTYPE.ZIDENTIFIER) that matter to Mail, and the well-known servers of the
 * providers whose accounts sign in with OAuth/Apple tokens rather than a stored password.
 */

export const ACCOUNT_TYPE = {
  imap: 'com.apple.account.IMAP',
  pop: 'com.apple.account.POP',
  smtp: 'com.apple.account.SMTP',
  iCloudMail: 'com.apple.account.IMAPMail',
} as const;

export interface ProviderInfo {
  readonly name: string;
  readonly incoming?: ProviderServer & { readonly protocol: MailProtocol };
  readonly outgoing?: ProviderServer;
}

/** Provider parents. Servers are the providers' published settings, used only when Mail stored none. */
export const PROVIDERS: Readonly<Record<string, ProviderInfo>> = {
  'com.apple.account.Google': {
    name: 'Google',
    incoming: { protocol: 'imap', host: 'imap.gmail.com', port: 993, tls: 'implicit' },
    outgoing: { host: 'smtp.gmail.com', port: 465, tls: 'implicit' },
  },
  'com.apple.account.Yahoo': {
    name: 'Yahoo',
    incoming: { protocol: 'imap', host: 'imap.mail.yahoo.com', port: 993, tls: 'implicit' },
    outgoing: { host: 'smtp.mail.yahoo.com', port: 465, tls: 'implicit' },
  },
  'com.apple.account.Hotmail': {
    name: 'Hotmail',
    incoming: { protocol: 'imap', host: 'outlook.office365.com', port: 993, tls: 'implicit' },
    outgoing: { host: 'smtp-mail.outlook.com', port: 587, tls: 'starttls' },
  },
  'com.apple.account.aol': {
    name: 'AOL',
    incoming: { protocol: 'imap', host: 'imap.aol.com', port: 993, tls: 'implicit' },
    outgoing: { host: 'smtp.aol.com', port: 465, tls: 'implicit' },
  },
  'com.apple.account.AppleAccount': {
    name: 'iCloud',
    incoming: { protocol: 'imap', host: 'imap.mail.me.com', port: 993, tls: 'implicit' },
    outgoing: { host: 'smtp.mail.me.com', port: 587, tls: 'starttls' },
  },
  'com.apple.account.Exchange': { name: 'Exchange' },
};

/** Legacy Accounts.plist AccountType values for provider classes (decompiled Mail class names). */
export const LEGACY_PROVIDER_TYPES: Readonly<Record<string, string>> = {
  GmailAccount: 'com.apple.account.Google',
  YahooAccount: 'com.apple.account.Yahoo',
  AOLAccount: 'com.apple.account.aol',
};

/** SASL schemes that mean "no password: a token" (research §1.5, §2.5). */
export function isTokenScheme(scheme: string | undefined): boolean {
  if (scheme === undefined) return false;
  return ['XOAUTH2', 'ATOKEN', 'ATOKEN2', 'PLAIN-CLIENTTOKEN'].includes(scheme.trim().toUpperCase());
}
