import { join } from 'node:path';
import type { AccountSource, DiscoveryProblem, MailProtocol } from '../../shared/model/account';
import type { FileSystemReader } from '../fileAccess';
import { readFileOutcome } from '../fileAccess';
import { openDatabaseImage } from '../sqlite/snapshot';
import type { Database, SqlValue } from '../sqlite/sqlJs';
import { queryRows, quoteIdentifier, tableColumns } from '../sqlite/sqlJs';
import type { ArchivedValue } from './keyedArchive';
import { decodeStoredValue } from './keyedArchive';
import { ACCOUNT_TYPE, LEGACY_PROVIDER_TYPES, PROVIDERS, isTokenScheme } from './providers';
import type { ProviderInfo } from './providers';
import type { StoredServerFields } from './serverSettings';
import { looseBoolean, loosePort, looseString, resolveServer } from './serverSettings';
import type { IncomingRecord, OutgoingRecord, StoreReadResult } from './types';

/**
 * Reads Mail's accounts from the Internet Accounts database (~/Library/Accounts/Accounts4.sqlite,
 * falling back to Accounts3.sqlite). Core Data entity numbers change between macOS versions, so
 * everything is selected by column name, and columns are checked with PRAGMA table_info first.
 *
 * Two layouts hold a Mail account: its own IMAP/POP row (an "Other Mail Account", or the child of a
 * Google/iCloud parent, with an SMTP row beside it), or, on current stores, the parent row alone: a
 * Google account with Mail switched on keeps `Class` = GmailAccount, `SSLEnabled` and
 * `AuthenticationScheme` on the com.apple.account.Google row and has no IMAP/SMTP child. No account
 * whose Mail data class is switched on is dropped: it is read as an OAuth account of its provider
 * (servers from the provider's published settings where none are stored), or listed with a read
 * problem saying its settings cannot be read.
 */

/** The data class Mail uses (ZDATACLASS.ZNAME, an archived string). */
export const MAIL_DATACLASS = 'com.apple.Dataclass.Mail';

export const ACCOUNTS_DATABASE_NAMES = [
  { file: 'Accounts4.sqlite', source: 'accounts4' },
  { file: 'Accounts3.sqlite', source: 'accounts3' },
] as const satisfies readonly { file: string; source: AccountSource }[];

/**
 * The ZACCOUNTPROPERTY keys discovery reads (names and meanings: research §1.4; SendingAccountIdentifier is
 * UNCONFIRMED and read all the same). Only these rows are read out of the store and decoded: a store keeps many
 * other properties per account. The readers below take a `Properties` map, so a key they read must be listed here.
 */
const PROPERTY_KEYS = [
  'Hostname',
  'PortNumber',
  'SSLEnabled',
  'SSLIsDirect',
  'AuthenticationScheme',
  'ShouldUseAuthentication',
  'Username',
  'SMTPIdentifier',
  'SendingAccountIdentifier',
  'EmailAddresses',
  'IdentityEmailAddress',
  'Class',
] as const;

type AccountPropertyKey = (typeof PROPERTY_KEYS)[number];
type Properties = ReadonlyMap<AccountPropertyKey, ArchivedValue>;
const NO_PROPERTIES: Properties = new Map();

function isAccountPropertyKey(key: string): key is AccountPropertyKey {
  return (PROPERTY_KEYS as readonly string[]).includes(key);
}

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
  const properties = new Map<number, Map<AccountPropertyKey, ArchivedValue>>();
  const propertyProblems = new Map<number, string[]>();
  if (['zowner', 'zkey', 'zvalue'].every((column) => propertyColumns.has(column))) {
    const decode = decodeOncePerValue();
    const wanted = PROPERTY_KEYS.map(() => '?').join(', ');
    // CAST: a key stored as a blob is still read, as its text.
    const sql = `SELECT ZOWNER, CAST(ZKEY AS TEXT), ZVALUE FROM ZACCOUNTPROPERTY WHERE CAST(ZKEY AS TEXT) IN (${wanted})`;
    forEachRow(db, sql, PROPERTY_KEYS, (row) => {
      const owner = Number(row[0]);
      const key = textOf(row[1]);
      if (key === undefined || !isAccountPropertyKey(key) || !Number.isFinite(owner)) return;
      const decoded = decode(row[2] ?? null);
      if (decoded.ok) {
        mapFor(properties, owner).set(key, decoded.value);
      } else {
        arrayFor(propertyProblems, owner).push(`property ${key} could not be read: ${decoded.error.message}`);
      }
    });
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
      const props = properties.get(row.pk) ?? NO_PROPERTIES;
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
        const emailAddress = emailAddressOf(props, row.username) ?? emailAddressOf(NO_PROPERTIES, parent?.username) ?? '';
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

  // Mail accounts without an IMAP/POP row of their own: the parent-row layout (Google with Mail on),
  // Exchange, a provider or a type this version does not know. Listed, never dropped.
  const mailEnabled = mailEnabledAccounts(db);
  for (const row of accountRows) {
    if (incomingProtocolOf(row.typeId) !== undefined || row.typeId === ACCOUNT_TYPE.smtp || parentsWithMailChildren.has(row.pk)) continue;
    const props = properties.get(row.pk) ?? NO_PROPERTIES;
    if (!isMailAccountRow(row, props, mailEnabled)) continue;
    const parentRow = parentRowAccount(row, props, source, [...(propertyProblems.get(row.pk) ?? [])]);
    incoming.push(parentRow.incoming);
    if (parentRow.outgoing !== undefined) outgoing.push(parentRow.outgoing);
  }
  return { incoming, outgoing, problems, storeFound: true };
}

/**
 * Accounts whose Mail data class is switched on (System Settings > Internet Accounts), from ZDATACLASS and
 * the enabled-dataclass join table. Core Data names that table and its columns after entity numbers that
 * change between macOS versions (`Z_7ENABLEDDATACLASSES` with `Z_7ENABLEDACCOUNTS` and `Z_4ENABLEDDATACLASSES`),
 * so they are found by pattern. Undefined when the store has no such tables: then nothing is known either way.
 */
function mailEnabledAccounts(db: Database): ReadonlySet<number> | undefined {
  const dataclassColumns = tableColumns(db, 'ZDATACLASS');
  if (!dataclassColumns.has('z_pk') || !dataclassColumns.has('zname')) return undefined;
  const mailPks = new Set<number>();
  for (const row of queryRows(db, 'SELECT Z_PK, ZNAME FROM ZDATACLASS')) {
    const decoded = decodeStoredValue(row[1] ?? null);
    if (decoded.ok && decoded.value === MAIL_DATACLASS) mailPks.add(Number(row[0]));
  }
  const joinTables = queryRows(db, "SELECT name FROM sqlite_master WHERE type = 'table'")
    .map((row) => textOf(row[0]))
    // Named after either side of the relationship, depending on the model version.
    .filter((name): name is string => name !== undefined && /^z_\d+enabled(dataclasses|accounts)$/i.test(name));
  let found = false;
  const enabled = new Set<number>();
  for (const table of joinTables) {
    const columns = [...tableColumns(db, table)];
    const accountColumn = columns.find((column) => /^z_\d+enabledaccounts$/.test(column));
    const dataclassColumn = columns.find((column) => /^z_\d+enableddataclasses$/.test(column));
    if (accountColumn === undefined || dataclassColumn === undefined) continue;
    found = true;
    for (const row of queryRows(db, `SELECT ${quoteIdentifier(accountColumn)}, ${quoteIdentifier(dataclassColumn)} FROM ${quoteIdentifier(table)}`)) {
      if (mailPks.has(Number(row[1]))) enabled.add(Number(row[0]));
    }
  }
  return found ? enabled : undefined;
}

/**
 * Is this row (not an IMAP/POP/SMTP row, no mail child) one of Mail's accounts? Where the store says which
 * accounts have Mail switched on, that decides. Older stores without those tables: a Mail account class on
 * the row (`Class` = GmailAccount...) says so, and Exchange rows are listed as before.
 */
function isMailAccountRow(row: AccountRow, props: Properties, mailEnabled: ReadonlySet<number> | undefined): boolean {
  if (mailEnabled !== undefined) return mailEnabled.has(row.pk);
  return mailClassOf(props) !== undefined || row.typeId === 'com.apple.account.Exchange';
}

/** Mail's own account class stored on the row (decompiled Mail's class names, research §1.4). */
function mailClassOf(props: Properties): string | undefined {
  const value = textProperty(props, 'Class')?.trim();
  return value !== undefined && /Account$/.test(value) ? value : undefined;
}

/**
 * One Mail account kept on a single row: its provider from the row's type, else from Mail's class on it
 * (GmailAccount -> Google). A provider with published servers: an OAuth account whose servers are those
 * stored on the row, else the provider's (`inherited`), with its outgoing server beside it. Exchange: an
 * OAuth account with no IMAP server, as before. Anything else: listed with a read problem.
 */
function parentRowAccount(
  row: AccountRow,
  props: Properties,
  source: AccountSource,
  readProblems: string[],
): { incoming: IncomingRecord; outgoing?: OutgoingRecord } {
  const mailClass = mailClassOf(props);
  const providerType = row.typeId !== undefined && PROVIDERS[row.typeId] !== undefined ? row.typeId : mailClass === undefined ? undefined : LEGACY_PROVIDER_TYPES[mailClass];
  const provider: ProviderInfo | undefined = providerType === undefined ? undefined : PROVIDERS[providerType];
  const parentKey = `${source}-parent-${row.pk}`;
  const emailAddress = emailAddressOf(props, row.username) ?? '';
  const common = {
    id: row.uuid ?? `${source}-account-${row.pk}`,
    ...(row.uuid !== undefined ? { uuid: row.uuid } : {}),
    source,
    parentKey,
  };
  const description = row.description ?? (emailAddress || (provider?.name ?? 'Mail account'));
  const stored = storedFields(props, row.username ?? textProperty(props, 'Username'));
  const tokenAuth = provider !== undefined || isTokenScheme(stored.authScheme);
  const incomingProvider = provider?.incoming;
  if (incomingProvider !== undefined || (tokenAuth && stored.host !== undefined)) {
    const protocol = incomingProvider?.protocol ?? 'imap';
    const resolved = resolveServer(protocol, stored, undefined, incomingProvider);
    readProblems.push(...resolved.problems);
    // The row's Hostname and PortNumber are the incoming server's; the outgoing side keeps only TLS and the scheme.
    const outgoingStored: StoredServerFields = {
      ...(stored.sslEnabled === undefined ? {} : { sslEnabled: stored.sslEnabled }),
      ...(stored.authScheme === undefined ? {} : { authScheme: stored.authScheme }),
      ...(stored.username === undefined ? {} : { username: stored.username }),
    };
    const outgoingResolved = provider?.outgoing === undefined ? undefined : resolveServer('smtp', outgoingStored, undefined, provider.outgoing);
    const authKind = tokenAuth ? ('oauth' as const) : ('password' as const);
    return {
      incoming: { ...common, description, emailAddress, authKind, ...(provider === undefined ? {} : { provider: provider.name }), incoming: resolved.settings, readProblems },
      ...(outgoingResolved?.settings === null || outgoingResolved === undefined
        ? {}
        : {
            outgoing: {
              id: `${parentKey}-smtp`,
              source,
              description: outgoingResolved.settings.host,
              server: outgoingResolved.settings,
              authKind,
              ...(provider === undefined ? {} : { provider: provider.name }),
              parentKey,
              readProblems: [],
            },
          }),
    };
  }
  if (provider !== undefined) {
    // Exchange: Mail talks EWS to it, not IMAP. Listed so the user sees it was found, not tested.
    return { incoming: { ...common, description: row.description ?? row.username ?? provider.name, emailAddress, authKind: 'oauth', provider: provider.name, incoming: null, readProblems } };
  }
  readProblems.push(
    `Mail Doctor cannot read this account's settings: Mail is switched on for it, but its type (${row.typeId ?? 'unknown'}${mailClass === undefined ? '' : `, class ${mailClass}`}) keeps no incoming server Mail Doctor knows how to read`,
  );
  return { incoming: { ...common, description, emailAddress, authKind: 'password', incoming: null, readProblems } };
}

function incomingProtocolOf(typeId: string | undefined): MailProtocol | undefined {
  if (typeId === ACCOUNT_TYPE.imap || typeId === ACCOUNT_TYPE.iCloudMail) return 'imap';
  if (typeId === ACCOUNT_TYPE.pop) return 'pop3';
  return undefined;
}

function storedFields(props: Properties, username: string | undefined): StoredServerFields {
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

function emailAddressOf(props: Properties, username: string | undefined): string | undefined {
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

function textProperty(props: Properties, key: AccountPropertyKey): string | undefined {
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

/**
 * queryRows, but each row is handed over as SQLite steps to it instead of all being kept until the end: the
 * property rows (thousands on a large store, each with its value's bytes) then die young, which costs the
 * garbage collector little (docs/benchmarks.md, "Discovery").
 */
function forEachRow(database: Database, sql: string, params: readonly SqlValue[], visit: (row: SqlValue[]) => void): void {
  const statement = database.prepare(sql);
  try {
    statement.bind([...params]);
    while (statement.step()) visit(statement.get());
  } finally {
    statement.free();
  }
}

function sqliteReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `SQLite could not read it: ${message}`;
}

/**
 * decodeStoredValue, each distinct stored value decoded once per read: most property values repeat across
 * accounts (ports, TLS switches, host names), and decoding an archived value is most of what discovery costs on
 * a store with many accounts (docs/benchmarks.md, "Discovery"). Decoded values are read-only, so sharing is safe.
 */
function decodeOncePerValue(): (value: Uint8Array | string | number | null) => ReturnType<typeof decodeStoredValue> {
  const decoded = new Map<string, ReturnType<typeof decodeStoredValue>>();
  return (value) => {
    if (!(value instanceof Uint8Array)) return decodeStoredValue(value);
    const key = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
    let result = decoded.get(key);
    if (result === undefined) {
      result = decodeStoredValue(value);
      decoded.set(key, result);
    }
    return result;
  };
}
