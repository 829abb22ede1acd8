import { join } from 'node:path';
import type { DiscoveryProblem, MailProtocol } from '../../shared/model/account';
import type { FileSystemReader } from '../fileAccess';
import { readDirectoryOutcome, readFileOutcome } from '../fileAccess';
import type { ArchivedValue } from './keyedArchive';
import { parsePlistFile } from './plistFile';
import { LEGACY_PROVIDER_TYPES, PROVIDERS, isTokenScheme } from './providers';
import type { StoredServerFields } from './serverSettings';
import { looseBoolean, loosePort, looseString, resolveServer } from './serverSettings';
import type { IncomingRecord, OutgoingRecord, StoreReadResult } from './types';

/**
 * Reads Mail's pre-El Capitan account list, ~/Library/Mail/V<n>/MailData/Accounts.plist (highest
 * V first, compared as numbers so V10 beats V9). Binary or XML; booleans are often the strings
 * YES/NO and ports often strings.
 */

type PlistDict = { readonly [key: string]: ArchivedValue };

const INCOMING_TYPES: Readonly<Record<string, MailProtocol>> = {
  IMAPAccount: 'imap',
  POPAccount: 'pop3',
  GmailAccount: 'imap',
  YahooAccount: 'imap',
  AOLAccount: 'imap',
};

export async function readLegacyAccountsPlist(fs: FileSystemReader, home: string): Promise<StoreReadResult> {
  const mailDir = join(home, 'Library', 'Mail');
  const listing = await readDirectoryOutcome(fs, mailDir);
  if (listing.kind === 'missing') return { incoming: [], outgoing: [], problems: [], storeFound: false };
  if (listing.kind === 'permission-denied') return problemOnly({ kind: 'full-disk-access-needed', path: mailDir });
  if (listing.kind === 'error') return problemOnly({ kind: 'store-unreadable', path: mailDir, reason: listing.reason });

  const versions = listing.value
    .map((name) => ({ name, version: /^V(\d+)$/.exec(name)?.[1] }))
    .filter((entry): entry is { name: string; version: string } => entry.version !== undefined)
    .sort((a, b) => Number(b.version) - Number(a.version));
  for (const { name } of versions) {
    const path = join(mailDir, name, 'MailData', 'Accounts.plist');
    const file = await readFileOutcome(fs, path);
    if (file.kind === 'missing') continue;
    if (file.kind === 'permission-denied') return problemOnly({ kind: 'full-disk-access-needed', path });
    if (file.kind === 'error') return problemOnly({ kind: 'store-unreadable', path, reason: file.reason });
    return parseLegacyAccountsPlist(file.value, path);
  }
  return { incoming: [], outgoing: [], problems: [], storeFound: false };
}

function problemOnly(problem: DiscoveryProblem): StoreReadResult {
  return { incoming: [], outgoing: [], problems: [problem], storeFound: true };
}

/** Exposed for tests and the fuzz: parses Accounts.plist bytes (XML or binary). */
export async function parseLegacyAccountsPlist(bytes: Uint8Array, path: string): Promise<StoreReadResult> {
  const root = await parsePlistFile(bytes);
  if (!root.ok) return problemOnly({ kind: 'store-unreadable', path, reason: root.error.message });
  const dict = asDict(root.value);
  if (dict === undefined) return problemOnly({ kind: 'store-unreadable', path, reason: 'Accounts.plist is not a dictionary' });

  const problems: DiscoveryProblem[] = [];
  const outgoing: OutgoingRecord[] = [];
  const incoming: IncomingRecord[] = [];
  entriesOf(dict['DeliveryAccounts'], 'DeliveryAccounts', path, problems).forEach((entry) => {
    const record = deliveryRecord(entry);
    if (record === undefined) problems.push({ kind: 'store-unreadable', path, reason: 'a DeliveryAccounts entry has no Hostname; skipped' });
    else outgoing.push(record);
  });
  entriesOf(dict['MailAccounts'], 'MailAccounts', path, problems).forEach((entry, index) => {
    const record = mailRecord(entry, index);
    if (record !== undefined) incoming.push(record);
  });
  return { incoming, outgoing, problems, storeFound: true };
}

function entriesOf(value: ArchivedValue | undefined, key: string, path: string, problems: DiscoveryProblem[]): PlistDict[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push({ kind: 'store-unreadable', path, reason: `${key} is not an array; skipped` });
    return [];
  }
  const entries: PlistDict[] = [];
  value.forEach((item: ArchivedValue, index: number) => {
    const dict = asDict(item);
    if (dict === undefined) problems.push({ kind: 'store-unreadable', path, reason: `${key} entry ${index} is not a dictionary; skipped` });
    else entries.push(dict);
  });
  return entries;
}

function serverFields(entry: PlistDict): StoredServerFields {
  const fields: { -readonly [K in keyof StoredServerFields]: StoredServerFields[K] } = {};
  const host = looseString(entry['Hostname']);
  if (host !== undefined) fields.host = host;
  if (looseBoolean(entry['UseDefaultPorts']) !== true) {
    const port = loosePort(entry['PortNumber']);
    if (port !== undefined) fields.port = port;
  }
  const ssl = looseBoolean(entry['SSLEnabled']);
  if (ssl !== undefined) fields.sslEnabled = ssl;
  const direct = looseBoolean(entry['SSLIsDirect']);
  if (direct !== undefined) fields.sslIsDirect = direct;
  const layer = loosePort(entry['SecurityLayerType']);
  if (layer !== undefined) fields.securityLayerType = layer;
  const username = looseString(entry['Username']);
  if (username !== undefined) fields.username = username;
  const scheme = looseString(entry['AuthenticationScheme']);
  if (scheme !== undefined) fields.authScheme = scheme;
  const auth = looseBoolean(entry['ShouldUseAuthentication']);
  if (auth !== undefined) fields.shouldUseAuthentication = auth;
  return fields;
}

/** Mail's DeliveryAccount identifier: "<Hostname>:<Username>", or "<Hostname>" without a user. */
export function deliveryIdentifier(host: string, username: string): string {
  return username === '' ? host : `${host}:${username}`;
}

function deliveryRecord(entry: PlistDict): OutgoingRecord | undefined {
  const fields = serverFields(entry);
  const resolved = resolveServer('smtp', fields, undefined, undefined);
  if (resolved.settings === null) return undefined;
  const identifier = deliveryIdentifier(resolved.settings.host, resolved.settings.username);
  const uuid = looseString(entry['uniqueId']);
  return {
    id: uuid ?? `legacy-smtp:${identifier}`,
    ...(uuid !== undefined ? { uuid } : {}),
    source: 'legacy-plist',
    description: looseString(entry['AccountName']) ?? resolved.settings.host,
    server: resolved.settings,
    authKind: isTokenScheme(fields.authScheme) ? 'oauth' : 'password',
    readProblems: [],
  };
}

function mailRecord(entry: PlistDict, index: number): IncomingRecord | undefined {
  const type = looseString(entry['AccountType']) ?? '';
  if (type === 'LocalAccount') return undefined;
  const fields = serverFields(entry);
  const addresses = entry['EmailAddresses'];
  const firstAddress = Array.isArray(addresses) && typeof addresses[0] === 'string' ? addresses[0] : undefined;
  const emailAddress = firstAddress ?? (fields.username?.includes('@') === true ? fields.username : '');
  const uuid = looseString(entry['uniqueId']);
  const protocol = INCOMING_TYPES[type];
  const providerType = LEGACY_PROVIDER_TYPES[type];
  const provider = providerType === undefined ? undefined : PROVIDERS[providerType];
  const readProblems: string[] = [];
  let incoming = null;
  if (protocol === undefined) {
    readProblems.push(`account type "${type || 'missing'}" is not one Mail Doctor can test`);
  } else {
    const resolved = resolveServer(protocol, fields, undefined, provider?.incoming);
    incoming = resolved.settings;
    readProblems.push(...resolved.problems);
  }
  const smtpIdentifier = looseString(entry['SMTPIdentifier'])?.trim();
  return {
    id: uuid ?? `legacy:${type || 'account'}:${fields.username ?? ''}@${fields.host ?? index}`,
    ...(uuid !== undefined ? { uuid } : {}),
    source: 'legacy-plist',
    description: looseString(entry['AccountName']) ?? (emailAddress || fields.host) ?? 'Mail account',
    emailAddress,
    // Legacy-era provider accounts signed in with a password unless a token scheme is stored.
    authKind: isTokenScheme(fields.authScheme) ? 'oauth' : 'password',
    ...(provider !== undefined ? { provider: provider.name } : {}),
    incoming,
    ...(smtpIdentifier !== undefined && smtpIdentifier !== '' ? { smtpIdentifier } : {}),
    readProblems,
  };
}

function asDict(value: ArchivedValue | undefined): PlistDict | undefined {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value) || value instanceof Date || value instanceof Uint8Array) return undefined;
  return value as PlistDict;
}
