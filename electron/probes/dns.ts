/**
 * DNS probe: A/AAAA for a server host, and what the email domain publishes about its mail servers
 * (MX, RFC 6186/8314 SRV, Thunderbird-style autoconfig). Uses c-ares (node:dns Resolver) so the
 * resolver is configurable (`--dns-server`, tests use a loopback dnsmasq) and NXDOMAIN stays
 * distinguishable from "no address" — getaddrinfo blurs the two on macOS.
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import { Resolver } from 'node:dns/promises';
import type { MailProtocol, TlsMode } from '../../shared/model/account';
import type {
  AutoconfigAttempt,
  HostResolution,
  PublishedServer,
  PublishedSettings,
  ResolvedAddress,
  SrvRecord,
  SrvService,
} from '../../shared/probes/outcomes';
import { errorCodeOf } from '../errors';
import { ipAddressFamily } from '../hostNames';
import { remainingMs, runWithDeadline } from './deadline';
import { httpGet } from './httpGet';
import type { ProbeContext } from './types';

/** A resolver bound to the context's DNS servers, whose pending queries end at the deadline. */
function resolverFor(ctx: ProbeContext): Resolver {
  // One try with the whole remaining budget: our deadline, not c-ares' retry schedule, ends the wait.
  const resolver = new Resolver({ timeout: Math.max(1, Math.min(remainingMs(ctx), 10_000)), tries: 1 });
  if (ctx.dnsServers !== undefined && ctx.dnsServers.length > 0) resolver.setServers([...ctx.dnsServers]);
  return resolver;
}

/** Releasable wrapper so runWithDeadline cancels outstanding queries when the scope ends. */
function releasable(resolver: Resolver): { destroy: () => void } {
  return { destroy: () => resolver.cancel() };
}

function rejectionCode(result: PromiseSettledResult<unknown>): string | undefined {
  return result.status === 'rejected' ? errorCodeOf(result.reason) : undefined;
}

/** A/AAAA answers (or failures) -> one HostResolution. Exported for unit tests of the classification. */
export function classifyResolution(host: string, v4: PromiseSettledResult<string[]>, v6: PromiseSettledResult<string[]>): HostResolution {
  // IPv6 first, as RFC 8305 and macOS order them; tcp.ts races the families anyway.
  const addresses: ResolvedAddress[] = [
    ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 as const })) : []),
    ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 as const })) : []),
  ];
  if (addresses.length > 0) return { kind: 'resolved', host, addresses };
  const codes = [rejectionCode(v4), rejectionCode(v6)].filter((code): code is string => code !== undefined);
  if (codes.includes('ENOTFOUND')) return { kind: 'not-found', host };
  if (codes.every((code) => code === 'ENODATA')) return { kind: 'no-address', host };
  if (codes.includes('ETIMEOUT') || codes.includes('ECANCELLED')) return { kind: 'timeout', host };
  const other = codes.find((code) => code !== 'ENODATA') ?? 'ERROR';
  return { kind: 'error', host, errorCode: other };
}

/** Resolves A and AAAA for `host`. Never rejects. An IP literal resolves to itself. */
export async function resolveHost(host: string, ctx: ProbeContext): Promise<HostResolution> {
  const literal = ipAddressFamily(host);
  if (literal !== 0) return { kind: 'resolved', host, addresses: [{ address: host, family: literal }] };
  return runWithDeadline<HostResolution>(
    ctx,
    async (scope) => {
      const resolver = resolverFor(ctx);
      scope.track(releasable(resolver));
      const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
      return classifyResolution(host, v4, v6);
    },
    (reason) => (reason === 'deadline' ? { kind: 'timeout', host } : { kind: 'error', host, errorCode: 'ABORT_ERR' }),
    (error) => ({ kind: 'error', host, errorCode: errorCodeOf(error) }),
  );
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function lookupError(code: string, host: string): NodeJS.ErrnoException {
  // Shaped like Node's own getaddrinfo errors (`code`, `hostname`, no `address`) so callers classify it as DNS.
  return Object.assign(new Error(`DNS lookup of ${host} failed: ${code}`), { code, hostname: host, syscall: 'lookup' });
}

/**
 * A `lookup` for net.connect / http.request: the given addresses, else our configurable resolver when the
 * context names DNS servers, else undefined (Node's default, the system resolver, as Mail itself uses).
 */
export function lookupFunction(
  ctx: ProbeContext,
  addresses?: readonly ResolvedAddress[],
): ((hostname: string, options: LookupOptions, callback: LookupCallback) => void) | undefined {
  if (addresses === undefined && (ctx.dnsServers === undefined || ctx.dnsServers.length === 0)) return undefined;
  return (hostname, options, callback) => {
    const answer = (list: readonly ResolvedAddress[]): void => {
      const wanted = options.family === 4 || options.family === 6 ? list.filter((each) => each.family === options.family) : list;
      const first = wanted[0];
      if (first === undefined) {
        callback(lookupError('ENOTFOUND', hostname), options.all === true ? [] : '');
        return;
      }
      if (options.all === true) callback(null, wanted.map((each) => ({ address: each.address, family: each.family })));
      else callback(null, first.address, first.family);
    };
    if (addresses !== undefined) {
      answer(addresses);
      return;
    }
    void resolveHost(hostname, ctx).then((resolution) => {
      if (resolution.kind === 'resolved') answer(resolution.addresses);
      else {
        const code = resolution.kind === 'not-found' ? 'ENOTFOUND' : resolution.kind === 'no-address' ? 'ENODATA' : resolution.kind === 'timeout' ? 'ETIMEOUT' : resolution.errorCode;
        callback(lookupError(code, hostname), options.all === true ? [] : '');
      }
    });
  };
}

// ------------------------------------------------------------------ published settings

export const SRV_SERVICES: readonly { service: SrvService; protocol: MailProtocol; tls: TlsMode }[] = [
  { service: '_imaps._tcp', protocol: 'imap', tls: 'implicit' },
  { service: '_imap._tcp', protocol: 'imap', tls: 'starttls' },
  { service: '_pop3s._tcp', protocol: 'pop3', tls: 'implicit' },
  { service: '_pop3._tcp', protocol: 'pop3', tls: 'starttls' },
  { service: '_submissions._tcp', protocol: 'smtp', tls: 'implicit' },
  { service: '_submission._tcp', protocol: 'smtp', tls: 'starttls' },
];

export interface DiscoverOptions {
  /** Autoconfig URLs to try instead of the two standard ones (tests point them at a loopback HTTPS server). */
  readonly autoconfigUrls?: readonly string[];
  /** Skip the HTTPS autoconfig fetches (DNS only). */
  readonly skipAutoconfig?: boolean;
}

/** The standard Thunderbird autoconfig locations for a domain (HTTPS only; no cleartext fallback). */
export function defaultAutoconfigUrls(domain: string): string[] {
  return [`https://autoconfig.${domain}/mail/config-v1.1.xml`, `https://${domain}/.well-known/autoconfig/mail/config-v1.1.xml`];
}

const SOCKET_TYPES: Readonly<Record<string, TlsMode>> = { SSL: 'implicit', STARTTLS: 'starttls', plain: 'none' };
const SERVER_TYPES: Readonly<Record<string, MailProtocol>> = { imap: 'imap', pop3: 'pop3', smtp: 'smtp' };

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return String(value);
  return undefined;
}

function recordOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Parses a Thunderbird clientConfig (config-v1.1.xml) into servers, in document order (the provider's
 * preference). `%EMAILDOMAIN%` in host names is filled in; the username template is kept as written.
 * Returns undefined when the document is not a clientConfig.
 */
export async function parseAutoconfig(xml: string, domain: string): Promise<PublishedServer[] | undefined> {
  // Loaded only when a document arrived (most domains publish none): it is not a start-up cost.
  const { XMLParser } = await import('fast-xml-parser');
  let document: unknown;
  try {
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, processEntities: false });
    document = parser.parse(xml, true);
  } catch {
    return undefined;
  }
  const config = recordOf(recordOf(document)?.clientConfig);
  if (config === undefined) return undefined;
  const servers: PublishedServer[] = [];
  for (const provider of asArray(config.emailProvider)) {
    const providerRecord = recordOf(provider);
    if (providerRecord === undefined) continue;
    const entries = [...asArray(providerRecord.incomingServer), ...asArray(providerRecord.outgoingServer)];
    for (const entry of entries) {
      const server = recordOf(entry);
      if (server === undefined) continue;
      const protocol = SERVER_TYPES[textOf(server['@_type']) ?? ''];
      const host = textOf(server.hostname)?.replaceAll('%EMAILDOMAIN%', domain);
      const port = Number(textOf(server.port));
      const tls = SOCKET_TYPES[textOf(server.socketType) ?? ''];
      if (protocol === undefined || host === undefined || host === '' || !Number.isInteger(port) || port < 1 || port > 65535 || tls === undefined) continue;
      const usernameTemplate = textOf(server.username);
      servers.push({ protocol, host, port, tls, from: 'autoconfig', ...(usernameTemplate === undefined ? {} : { usernameTemplate }) });
    }
  }
  return servers;
}

async function fetchAutoconfig(url: string, domain: string, ctx: ProbeContext): Promise<{ attempt: AutoconfigAttempt; servers: PublishedServer[] }> {
  const response = await httpGet(url, ctx, { maxBodyBytes: 256 * 1024, maxRedirects: 2, httpsOnly: true });
  switch (response.kind) {
    case 'response': {
      if (response.status === 404 || response.status === 410) return { attempt: { url, outcome: 'not-found', detail: `HTTP ${response.status}` }, servers: [] };
      if (response.status !== 200) return { attempt: { url, outcome: 'unreachable', detail: `HTTP ${response.status}` }, servers: [] };
      if (response.truncated) return { attempt: { url, outcome: 'invalid', detail: 'document too large' }, servers: [] };
      const servers = await parseAutoconfig(response.body, domain);
      if (servers === undefined) return { attempt: { url, outcome: 'invalid', detail: 'not a clientConfig document' }, servers: [] };
      return { attempt: { url, outcome: 'found', detail: `${servers.length} server(s)` }, servers };
    }
    case 'dns-failed':
      return { attempt: { url, outcome: 'not-found', detail: `DNS ${response.errorCode}` }, servers: [] };
    case 'tls-failed':
      return { attempt: { url, outcome: 'unreachable', detail: `TLS ${response.code}` }, servers: [] };
    case 'connect-failed':
      return { attempt: { url, outcome: 'unreachable', detail: `TCP ${response.tcp.kind}` }, servers: [] };
    case 'timeout':
      return { attempt: { url, outcome: 'unreachable', detail: `timeout after ${response.afterMs} ms` }, servers: [] };
    case 'error':
      return { attempt: { url, outcome: 'unreachable', detail: response.errorCode }, servers: [] };
  }
}

/** A SRV target of "." (c-ares gives '' or '.') means "this service is decidedly not offered" (RFC 2782/6186). */
export function isNotOffered(target: string): boolean {
  return target === '' || target === '.';
}

async function lookupSrv(resolver: Resolver, domain: string): Promise<SrvRecord[]> {
  const answers = await Promise.allSettled(SRV_SERVICES.map(({ service }) => resolver.resolveSrv(`${service}.${domain}`)));
  const records: SrvRecord[] = [];
  answers.forEach((answer, index) => {
    const service = SRV_SERVICES[index]?.service;
    if (service === undefined || answer.status !== 'fulfilled') return;
    for (const record of answer.value) {
      records.push({ service, target: record.name === '' ? '.' : record.name.replace(/\.$/, ''), port: record.port, priority: record.priority, weight: record.weight });
    }
  });
  return records;
}

/** SRV records -> servers: lower priority first, then higher weight (RFC 2782), "." targets dropped. */
export function serversFromSrv(records: readonly SrvRecord[]): PublishedServer[] {
  return [...records]
    .filter((record) => !isNotOffered(record.target))
    .sort((a, b) => a.priority - b.priority || b.weight - a.weight)
    .flatMap((record) => {
      const service = SRV_SERVICES.find((each) => each.service === record.service);
      return service === undefined ? [] : [{ protocol: service.protocol, host: record.target, port: record.port, tls: service.tls, from: 'srv' as const }];
    });
}

/**
 * Merges autoconfig (the provider's own ordered list) before SRV (a generic DNS hint), dropping duplicates
 * of the same protocol/host/port/TLS.
 */
export function mergePublishedServers(fromAutoconfig: readonly PublishedServer[], fromSrv: readonly PublishedServer[]): PublishedServer[] {
  const seen = new Set<string>();
  const merged: PublishedServer[] = [];
  for (const server of [...fromAutoconfig, ...fromSrv]) {
    const key = `${server.protocol}|${server.host.toLowerCase()}|${server.port}|${server.tls}`;
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(server);
  }
  return merged;
}

/** What the email domain publishes: MX, SRV and autoconfig, merged best first. Never rejects. */
export async function discoverPublished(emailDomain: string, ctx: ProbeContext, options: DiscoverOptions = {}): Promise<PublishedSettings> {
  const domain = emailDomain.trim().toLowerCase().replace(/\.$/, '');
  const empty: PublishedSettings = { domain, mx: [], srv: [], autoconfig: [], servers: [] };
  const dnsPart = runWithDeadline(
    ctx,
    async (scope) => {
      const resolver = resolverFor(ctx);
      scope.track(releasable(resolver));
      const [mx, srv] = await Promise.all([
        resolver.resolveMx(domain).then(
          (records) => [...records].sort((a, b) => a.priority - b.priority).map((record) => ({ exchange: record.exchange, priority: record.priority })),
          () => [],
        ),
        lookupSrv(resolver, domain),
      ]);
      return { mx, srv };
    },
    () => ({ mx: [], srv: [] }),
    () => ({ mx: [], srv: [] }),
  );
  const urls = options.skipAutoconfig === true ? [] : [...(options.autoconfigUrls ?? defaultAutoconfigUrls(domain))];
  const [dnsFound, fetched] = await Promise.all([dnsPart, Promise.all(urls.map((url) => fetchAutoconfig(url, domain, ctx)))]);
  return {
    ...empty,
    mx: dnsFound.mx,
    srv: dnsFound.srv,
    autoconfig: fetched.map((each) => each.attempt),
    servers: mergePublishedServers(
      fetched.flatMap((each) => each.servers),
      serversFromSrv(dnsFound.srv),
    ),
  };
}
