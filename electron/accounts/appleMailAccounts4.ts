import { join } from 'node:path';
import type { AccountSource, DiscoveryProblem, MailProtocol } from '../../shared/model/account';
import type { FileSystemReader } from '../fileAccess';
import { readFileOutcome } from '../fileAccess';
import { openDatabaseImage } from '../sqlite/snapshot';
import type { Database, SqlValue } from '../sqlite/sqlJs';
import { queryRows, quoteIdentifier, tableColumns } from '../sqlite/sqlJs';
import type { ArchivedValue } from './keyedArchive';
import { decodeStoredValue } from './keyedArchive';
import { ACCOUNT_TYPE, PROVIDERS, isTokenScheme } from './providers';
import type { StoredServerFields } from './serverSettings';
import { looseBoolean, loosePort, looseString, resolveServer } from './serverSettings';
import type { IncomingRecord, OutgoingRecord, StoreReadResult } from './types';

/**
 * Reads Mail's accounts from the Internet Accounts database (~/Library/Accounts/Accounts4.sqlite,
 * falling back to Accounts3.sqlite). Core Data entity numbers change between macOS versions, so
 * everything is selected by column name, and columns are checked with PRAGMA table_info first.
 */

export const ACCOUNTS_DATABASE_NAMES = [
  { file: 'Accounts4.sqlite', source: 'accounts4' },
  { file: 'Accounts3.sqlite', source: 'accounts3' },
] as const satisfies readonly { file: string; source: AccountSource }[];

interface AccountRow {
  readonly pk: number;
  readonly uuid: string | undefined;
  readonly typeId: string | undefined;
  readonly parentPk: number | undefined;
  readonly username: string | undefined;
  readonly description: string | undefined;
  readonly dataclassProperties: Uint8Array | string | number | null;
}

export async function readAccountsDatabase(fs: FileSystemReader, home: string): Promise<StoreReadResult> {
  const accountsDir = join(home, 'Library', 'Accounts');
  for (const { file, source } of ACCOUNTS_DATABASE_NAMES) {
    const path = join(accountsDir, file);
    const database = await readFileOutcome(fs, path);
    if (database.kind === 'missing') continue;
    if (database.kind === 'permission-denied') return problemOnly({ kind: 'full-disk-access-needed', path });
    if (database.kind === 'error') return problemOnly({ kind: 'store-unreadable', path, reason: database.reason });

    // Read the write-ahead log too: rows accountsd committed but has not checkpointed live only there.
    const wal = await readFileOutcome(fs, `${path}-wal`);
    if (wal.kind === 'permission-denied') return problemOnly({ kind: 'full-disk-access-needed', path: `${path}-wal` });
    const walBytes = wal.kind === 'read' ? wal.value : null;
    return readDatabaseImage(database.value, walBytes, path, source);
  }
  return { incoming: [], outgoing: [], problems: [], storeFound: false };
}

function problemOnly(problem: DiscoveryProblem): StoreReadResult {
  return { incoming: [], outgoing: [], problems: [problem], storeFound: true };
}

/** Exposed for tests and the fuzz: reads a database image (+ optional WAL) already in memory. */
export async function readDatabaseImage(
  databaseBytes: Uint8Array,
  walBytes: Uint8Array | null,
  path: string,
  source: AccountSource,
): Promise<StoreReadResult> {
  const opened = await openDatabaseImage(databaseBytes, walBytes);
  if (!opened.ok) return problemOnly({ kind: 'store-unreadable', path, reason: opened.reason });
  const db = opened.database;
  try {
    return readAccounts(db, path, source);
  } catch (error) {
    return problemOnly({ kind: 'store-unreadable', path, reason: sqliteReason(error) });
  } finally {
    db.close();
  }
}

function readAccounts(db: Database, path: string, source: AccountSource): StoreReadResult {
  const problems: DiscoveryProblem[] = [];
  const accountColumns = tableColumns(db, 'ZACCOUNT');
  const typeColumns = tableColumns(db, 'ZACCOUNTTYPE');
  const missing = [
    ...['Z_PK', 'ZACCOUNTTYPE'].filter((column) => !accountColumns.has(column.toLowerCase())).map((column) => `ZACCOUNT.${column}`),
    ...['Z_PK', 'ZIDENTIFIER'].filter((column) => !typeColumns.has(column.toLowerCase())).map((column) => `ZACCOUNTTYPE.${column}`),
  ];
  if (missing.length > 0) {
    return problemOnly({ kind: 'store-unreadable', path, reason: `not an Internet Accounts database: missing ${missing.join(', ')}` });
  }

  const optional = (column: string): string => (accountColumns.has(column.toLowerCase()) ? `a.${quoteIdentifier(column)}` : 'NULL');
  const accountRows = queryRows(
    db,
    `SELECT a.Z_PK, ${optional('ZIDENTIFIER')}, t.ZIDENTIFIER, ${optional('ZPARENTACCOUNT')}, ${optional('ZUSERNAME')},
            ${optional('ZACCOUNTDESCRIPTION')}, ${optional('ZDATACLASSPROPERTIES')}
       FROM ZACCOUNT a LEFT JOIN ZACCOUNTTYPE t ON t.Z_PK = a.ZACCOUNTTYPE`,
  ).map(
    (row): AccountRow => ({
      pk: Number(row[0]),
      uuid: textOf(row[1]),
      typeId: textOf(row[2]),
      parentPk: row[3] === null || row[3] === undefined || row[3] === '' ? undefined : Number(row[3]),
      username: textOf(row[4]),
      description: textOf(row[5]),
      dataclassProperties: row[6] ?? null,
    }),
  );

  const propertyColumns = tableColumns(db, 'ZACCOUNTPROPERTY');
  const properties = new Map<number, Map<string, ArchivedValue>>();
  const propertyProblems = new Map<number, string[]>();
  if (['zowner', 'zkey', 'zvalue'].every((column) => propertyColumns.has(column))) {
    for (const row of queryRows(db, 'SELECT ZOWNER, ZKEY, ZVALUE FROM ZACCOUNTPROPERTY')) {
      const owner = Number(row[0]);
      const key = textOf(row[1]);
      if (key === undefined || !Number.isFinite(owner)) continue;
      const decoded = decodeStoredValue(row[2] ?? null);
      if (decoded.ok) {
        mapFor(properties, owner).set(key, decoded.value);
      } else {
        arrayFor(propertyProblems, owner).push(`property ${key} could not be read: ${decoded.error.message}`);
      }
    }
  } else {
    problems.push({ kind: 'store-unreadable', path, reason: 'ZACCOUNTPROPERTY table missing or incomplete: server settings unavailable' });
  }

  const byPk = new Map(accountRows.map((row) => [row.pk, row]));
  const incoming: IncomingRecord[] = [];
  const outgoing: OutgoingRecord[] = [];
  const parentsWithMailChildren = new Set<number>();

  for (const row of accountRows) {
    const protocol = incomingProtocolOf(row.typeId);
    const isSmtp = row.typeId === ACCOUNT_TYPE.smtp;
    if (protocol === undefined && !isSmtp) continue;
    try {
      const parent = row.parentPk === undefined ? undefined : byPk.get(row.parentPk);
      if (parent !== undefined) parentsWithMailChildren.add(parent.pk);
      const props = properties.get(row.pk) ?? new Map<string, ArchivedValue>();
      const readProblems = [...(propertyProblems.get(row.pk) ?? [])];
      const providerType = parent?.typeId !== undefined && PROVIDERS[parent.typeId] !== undefined ? parent.typeId : row.typeId === ACCOUNT_TYPE.iCloudMail ? 'com.apple.account.AppleAccount' : undefined;
      const provider = providerType === undefined ? undefined : PROVIDERS[providerType];
      const parentFields = parent === undefined ? undefined : parentMailFields(parent, protocol ?? 'smtp', readProblems);
      const stored = storedFields(props, row.username ?? textProperty(props, 'Username') ?? parent?.username);
      const tokenAuth = provider !== undefined || isTokenScheme(stored.authScheme);
      const common = {
        id: row.uuid ?? `${source}-account-${row.pk}`,
        ...(row.uuid !== undefined ? { uuid: row.uuid } : {}),
        source,
        authKind: tokenAuth ? ('oauth' as const) : ('password' as const),
        ...(provider !== undefined ? { provider: provider.name } : {}),
        ...(parent !== undefined ? { parentKey: `${source}-parent-${parent.pk}` } : {}),
      };
      if (protocol !== undefined) {
        const resolved = resolveServer(protocol, stored, parentFields, provider?.incoming?.protocol === protocol ? provider.incoming : undefined);
        readProblems.push(...resolved.problems);
        const emailAddress = emailAddressOf(props, row.username) ?? emailAddressOf(new Map(), parent?.username) ?? '';
        incoming.push({
          ...common,
          description: row.description ?? parent?.description ?? (emailAddress || resolved.settings?.host) ?? 'Mail account',
          emailAddress,
          incoming: resolved.settings,
          ...optionalText('smtpIdentifier', textProperty(props, 'SMTPIdentifier')),
          ...optionalText('sendingAccountIdentifier', textProperty(props, 'SendingAccountIdentifier')),
          readProblems,
        });
      } else {
        const resolved = resolveServer('smtp', stored, parentFields, provider?.outgoing);
        if (resolved.settings === null) {
          // An SMTP row without any host cannot be used by anything; say so on the store.
          problems.push({ kind: 'store-unreadable', path, reason: `outgoing server ${common.id} has no host stored` });
          continue;
        }
        readProblems.push(...resolved.problems);
        outgoing.push({ ...common, description: row.description ?? resolved.settings.host, server: resolved.settings, readProblems });
      }
    } catch (error) {
      // One odd row must not hide the others.
      incoming.push({
        id: row.uuid ?? `${source}-account-${row.pk}`,
        source,
        description: row.description ?? 'Mail account',
        emailAddress: '',
        authKind: 'password',
        incoming: null,
        readProblems: [`account could not be read: ${error instanceof Error ? error.message : String(error)}`],
      });
    }
  }

  // Provider children without an SMTP sibling (iCloud's IMAPMail) send through the provider's server.
  for (const record of incoming) {
    if (record.parentKey === undefined || outgoing.some((candidate) => candidate.parentKey === record.parentKey)) continue;
    const provider = Object.values(PROVIDERS).find((info) => info.name === record.provider);
    if (provider?.outgoing === undefined) continue;
    const resolved = resolveServer('smtp', { username: record.incoming?.username ?? '' }, undefined, provider.outgoing);
    if (resolved.settings === null) continue;
    outgoing.push({
      id: `${record.parentKey}-smtp`,
      source,
      description: resolved.settings.host,
      server: resolved.settings,
      authKind: record.authKind,
      provider: provider.name,
      parentKey: record.parentKey,
      readProblems: [],
    });
  }

  // Exchange accounts have no IMAP child: list them so the user sees they were found, not tested.
  for (const row of accountRows) {
    if (row.typeId !== 'com.apple.account.Exchange' || parentsWithMailChildren.has(row.pk)) continue;
    incoming.push({
      id: row.uuid ?? `${source}-account-${row.pk}`,
      ...(row.uuid !== undefined ? { uuid: row.uuid } : {}),
      source,
      description: row.description ?? row.username ?? 'Exchange',
      emailAddress: emailAddressOf(properties.get(row.pk) ?? new Map(), row.username) ?? '',
      authKind: 'oauth',
      provider: 'Exchange',
      incoming: null,
      readProblems: [],
    });
  }
  return { incoming, outgoing, problems, storeFound: true };
}

function incomingProtocolOf(typeId: string | undefined): MailProtocol | undefined {
  if (typeId === ACCOUNT_TYPE.imap || typeId === ACCOUNT_TYPE.iCloudMail) return 'imap';
  if (typeId === ACCOUNT_TYPE.pop) return 'pop3';
  return undefined;
}

function storedFields(props: ReadonlyMap<string, ArchivedValue>, username: string | undefined): StoredServerFields {
  const fields: {
    -readonly [K in keyof StoredServerFields]: StoredServerFields[K];
  } = {};
  const host = textProperty(props, 'Hostname');
  if (host !== undefined) fields.host = host;
  const port = loosePort(props.get('PortNumber'));
  if (port !== undefined) fields.port = port;
  const sslEnabled = looseBoolean(props.get('SSLEnabled'));
  if (sslEnabled !== undefined) fields.sslEnabled = sslEnabled;
  const sslIsDirect = looseBoolean(props.get('SSLIsDirect'));
  if (sslIsDirect !== undefined) fields.sslIsDirect = sslIsDirect;
  const authScheme = textProperty(props, 'AuthenticationScheme');
  if (authScheme !== undefined) fields.authScheme = authScheme;
  const shouldUseAuthentication = looseBoolean(props.get('ShouldUseAuthentication'));
  if (shouldUseAuthentication !== undefined) fields.shouldUseAuthentication = shouldUseAuthentication;
  if (username !== undefined) fields.username = username;
  return fields;
}

/**
 * The parent's Mail data-class properties (ZDATACLASSPROPERTIES): key names are UNCONFIRMED;
 * `imapHostname`/`imapPort`/`imapRequiresSSL`/`smtpHostname`/... are what MobileMeAccounts.plist used.
 * The dictionary may be keyed by data-class name (com.apple.Dataclass.Mail) or flat.
 */
function parentMailFields(parent: AccountRow, protocol: MailProtocol, readProblems: string[]): StoredServerFields | undefined {
  if (parent.dataclassProperties === null) return undefined;
  const decoded = decodeStoredValue(parent.dataclassProperties);
  if (!decoded.ok) {
    readProblems.push(`parent account's data-class properties could not be read: ${decoded.error.message}`);
    return undefined;
  }
  const top = asRecord(decoded.value);
  if (top === undefined) return undefined;
  const mailKey = Object.keys(top).find((key) => /mail/i.test(key) && asRecord(top[key]) !== undefined);
  const mail = (mailKey !== undefined ? asRecord(top[mailKey]) : undefined) ?? top;
  const prefix = protocol === 'pop3' ? 'pop' : protocol;
  const fields: { -readonly [K in keyof StoredServerFields]: StoredServerFields[K] } = {};
  const host = looseString(mail[`${prefix}Hostname`]);
  if (host !== undefined) fields.host = host;
  const port = loosePort(mail[`${prefix}Port`]);
  if (port !== undefined) fields.port = port;
  const ssl = looseBoolean(mail[`${prefix}RequiresSSL`]);
  if (ssl !== undefined) fields.sslEnabled = ssl;
  return Object.keys(fields).length > 0 ? fields : undefined;
}

function emailAddressOf(props: ReadonlyMap<string, ArchivedValue>, username: string | undefined): string | undefined {
  const addresses = props.get('EmailAddresses');
  if (Array.isArray(addresses)) {
    const first: unknown = addresses[0];
    if (typeof first === 'string' && first !== '') return first;
  }
  const identity = textProperty(props, 'IdentityEmailAddress');
  if (identity !== undefined && identity !== '') return identity;
  if (username?.includes('@') === true) return username;
  return undefined;
}

function textProperty(props: ReadonlyMap<string, ArchivedValue>, key: string): string | undefined {
  const value = props.get(key);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function optionalText<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined || value.trim() === '' ? {} : ({ [key]: value.trim() } as Partial<Record<K, string>>);
}

function asRecord(value: ArchivedValue | undefined): { readonly [key: string]: ArchivedValue } | undefined {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value) || value instanceof Date || value instanceof Uint8Array) return undefined;
  return value as { readonly [key: string]: ArchivedValue };
}

function textOf(value: SqlValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  return undefined;
}

function mapFor<K, V>(map: Map<number, Map<K, V>>, key: number): Map<K, V> {
  let inner = map.get(key);
  if (inner === undefined) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}

function arrayFor<V>(map: Map<number, V[]>, key: number): V[] {
  let inner = map.get(key);
  if (inner === undefined) {
    inner = [];
    map.set(key, inner);
  }
  return inner;
}

function sqliteReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `SQLite could not read it: ${message}`;
}
