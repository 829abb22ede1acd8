import type { MailProtocol, ServerSettings, TlsMode } from '../../shared/model/account';

/**
 * Turns the loose fields Mail stored for one server into ServerSettings, filling gaps from the
 * parent account and then from the class/provider defaults, and recording what was filled.
 */

/** What a store had for one server; every field may be missing. */
export interface StoredServerFields {
  readonly host?: string;
  readonly port?: number;
  readonly sslEnabled?: boolean;
  /** MFAccount SSLIsDirect: TLS from the first byte (true) or STARTTLS (false). */
  readonly sslIsDirect?: boolean;
  /** Legacy plists (Mynigma's reading, UNCONFIRMED): 2 = STARTTLS, 3 = TLS from connect. */
  readonly securityLayerType?: number;
  readonly username?: string;
  readonly authScheme?: string;
  readonly shouldUseAuthentication?: boolean;
}

export interface ProviderServer {
  readonly host: string;
  readonly port: number;
  readonly tls: TlsMode;
}

/** Default ports per protocol: [TLS-from-connect port, plain/STARTTLS port]. */
const DEFAULT_PORTS: Readonly<Record<MailProtocol, { readonly implicit: number; readonly plain: number }>> = {
  imap: { implicit: 993, plain: 143 },
  pop3: { implicit: 995, plain: 110 },
  // Mail's SMTP class tries 25/587/465 when "use default ports" is on; 587 is the submission port.
  smtp: { implicit: 465, plain: 587 },
};

export function defaultPort(protocol: MailProtocol, tls: TlsMode): number {
  return tls === 'implicit' ? DEFAULT_PORTS[protocol].implicit : DEFAULT_PORTS[protocol].plain;
}

/**
 * TLS mode from SSLEnabled + SSLIsDirect + port (research §1.5): SSLIsDirect decides when stored;
 * without it, SMTP uses TLS-from-connect only on 465, IMAP/POP on their default secure ports
 * (993/995); any other port with SSL on means STARTTLS.
 */
export function tlsModeFor(protocol: MailProtocol, fields: Pick<StoredServerFields, 'sslEnabled' | 'sslIsDirect' | 'securityLayerType'>, port: number | undefined): TlsMode {
  if (fields.sslEnabled === false) return 'none';
  if (fields.sslIsDirect !== undefined) return fields.sslIsDirect ? 'implicit' : 'starttls';
  if (fields.securityLayerType === 3) return 'implicit';
  if (fields.securityLayerType === 2) return 'starttls';
  const securePort = DEFAULT_PORTS[protocol].implicit;
  if (fields.sslEnabled === true) return port === undefined || port === securePort ? 'implicit' : 'starttls';
  // SSLEnabled not stored at all: only the well-known TLS port tells us TLS is in use.
  return port === securePort ? 'implicit' : 'none';
}

export interface ResolvedServer {
  readonly settings: ServerSettings | null;
  readonly problems: readonly string[];
}

/**
 * @param stored   the server's own fields
 * @param parent   fields from the parent account's Mail data-class properties (Accounts4 children)
 * @param provider the provider's well-known server (Google, iCloud...), used last
 */
export function resolveServer(
  protocol: MailProtocol,
  stored: StoredServerFields,
  parent: StoredServerFields | undefined,
  provider: ProviderServer | undefined,
): ResolvedServer {
  const inherited = new Set<'host' | 'port' | 'tls'>();
  let host = nonEmpty(stored.host);
  if (host === undefined && parent !== undefined) {
    host = nonEmpty(parent.host);
    if (host !== undefined) inherited.add('host');
  }
  if (host === undefined && provider !== undefined) {
    host = provider.host;
    inherited.add('host');
  }
  if (host === undefined) return { settings: null, problems: [`no ${protocol.toUpperCase()} server host stored`] };

  let port = validPort(stored.port);
  if (port === undefined && parent !== undefined) {
    port = validPort(parent.port);
    if (port !== undefined) inherited.add('port');
  }

  const ownTlsKnown = stored.sslEnabled !== undefined || stored.sslIsDirect !== undefined || stored.securityLayerType !== undefined;
  let tls: TlsMode;
  if (ownTlsKnown) {
    tls = tlsModeFor(protocol, stored, port);
  } else if (parent !== undefined && (parent.sslEnabled !== undefined || parent.sslIsDirect !== undefined)) {
    tls = tlsModeFor(protocol, parent, port);
    inherited.add('tls');
  } else if (provider !== undefined) {
    tls = provider.tls;
    inherited.add('tls');
  } else {
    tls = tlsModeFor(protocol, stored, port);
    if (port === undefined) inherited.add('tls');
  }
  if (port === undefined) {
    port = provider !== undefined && provider.tls === tls ? provider.port : defaultPort(protocol, tls);
    inherited.add('port');
  }

  const username = stored.username ?? '';
  const authenticationEnabled = protocol === 'smtp' ? (stored.shouldUseAuthentication ?? true) && username !== '' : true;
  const settings: ServerSettings = {
    protocol,
    host,
    port,
    tls,
    username,
    authenticationEnabled,
    ...(stored.authScheme !== undefined && stored.authScheme !== '' ? { authScheme: stored.authScheme } : {}),
    ...(inherited.size > 0 ? { inherited: (['host', 'port', 'tls'] as const).filter((field) => inherited.has(field)) } : {}),
  };
  return { settings, problems: [] };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function validPort(value: number | undefined): number | undefined {
  return value !== undefined && Number.isInteger(value) && value > 0 && value < 65536 ? value : undefined;
}

/** Parses Mail's loose booleans: YES/NO strings (legacy plists), true/false, 1/0. */
export function looseBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value === 'string') {
    const normalized = value.trim().toLowerCase();
    if (normalized === 'yes' || normalized === 'true' || normalized === '1') return true;
    if (normalized === 'no' || normalized === 'false' || normalized === '0') return false;
  }
  return undefined;
}

/** Ports may be stored as integers or as strings ("993"). */
export function loosePort(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 && value < 65536 ? value : undefined;
  if (typeof value === 'string' && /^\s*\d{1,5}\s*$/.test(value)) return loosePort(Number(value));
  return undefined;
}

export function looseString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
