/**
 * Command-line parsing for `mail-doctor`. Pure: turns argv into a typed command or a usage error,
 * so every rule (which flags go together, what a server URL looks like) is unit-tested without I/O.
 */
import { parseArgs } from 'node:util';
import type { IncomingProtocol, TlsMode } from '../../shared/model/account';

export interface ManualServerArg {
  readonly protocol: IncomingProtocol | 'smtp';
  readonly host: string;
  readonly port: number;
  readonly tls: TlsMode;
}

export interface ManualAccountArgs {
  readonly email: string;
  readonly incoming: ManualServerArg & { readonly protocol: IncomingProtocol };
  readonly outgoing: ManualServerArg & { readonly protocol: 'smtp' };
  readonly username?: string;
  readonly smtpUsername?: string;
  /** Read one password line from standard input (used once for both servers, never stored). */
  readonly passwordFromStdin: boolean;
}

export interface DiagnoseCommand {
  readonly kind: 'diagnose';
  readonly json: boolean;
  /** Print the support report as Markdown (what the window's "Copy the report" gives) instead of the summary. */
  readonly markdown: boolean;
  readonly account?: string;
  /** With --account: read a password for this check from standard input (used where the keychain gives none). */
  readonly passwordFromStdin: boolean;
  readonly noLogin: boolean;
  /** Never open the keychain (no dialog can appear): for unattended fleet scripts. */
  readonly noKeychain: boolean;
  /** Deadline for each connection phase, in milliseconds. */
  readonly phaseTimeoutMs: number;
  readonly dnsServers: readonly string[];
  readonly caFiles: readonly string[];
  readonly stateDir?: string;
  readonly home?: string;
  readonly manual?: ManualAccountArgs;
  readonly maskIdentities: boolean;
  readonly captivePortalUrl?: string;
  readonly webmailUrls: readonly string[];
  readonly publicIpLookup: boolean;
  readonly publicIpResolver?: string;
}

export type CliCommand = DiagnoseCommand | { readonly kind: 'help' } | { readonly kind: 'version' };

export type ParseResult = { readonly ok: true; readonly command: CliCommand } | { readonly ok: false; readonly usageError: string };

export const USAGE = `Usage:
  mail-doctor diagnose [--json | --markdown] [--account EMAIL [--password-stdin]] [--no-login] [--no-keychain] [--timeout SECONDS]
                       [--dns-server IP[:PORT]] [--ca-file PEM] [--state-dir DIR] [--home DIR]
                       [--mask-identities] [--captive-url URL] [--webmail-url URL]
                       [--no-public-ip-lookup | --public-ip-resolver IP[:PORT]]
  mail-doctor diagnose --manual --email EMAIL
                       --incoming imap://HOST:PORT?tls=implicit|starttls|none   (or pop3://...)
                       --outgoing smtp://HOST:PORT?tls=implicit|starttls|none
                       [--username U] [--smtp-username U] [--password-stdin] [other options]
  mail-doctor --help | --version

Exit codes: 0 nothing wrong, 1 a problem was found, 2 could not diagnose (usage, permissions).`;

const DEFAULT_PHASE_TIMEOUT_MS = 5_000;
const MAX_PHASE_TIMEOUT_SECONDS = 120;

export function parseCliArgs(argv: readonly string[]): ParseResult {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        json: { type: 'boolean' },
        markdown: { type: 'boolean' },
        account: { type: 'string' },
        'no-login': { type: 'boolean' },
        'no-keychain': { type: 'boolean' },
        timeout: { type: 'string' },
        'dns-server': { type: 'string', multiple: true },
        'ca-file': { type: 'string', multiple: true },
        'state-dir': { type: 'string' },
        home: { type: 'string' },
        manual: { type: 'boolean' },
        email: { type: 'string' },
        incoming: { type: 'string' },
        outgoing: { type: 'string' },
        username: { type: 'string' },
        'smtp-username': { type: 'string' },
        'password-stdin': { type: 'boolean' },
        'mask-identities': { type: 'boolean' },
        'captive-url': { type: 'string' },
        'webmail-url': { type: 'string', multiple: true },
        'no-public-ip-lookup': { type: 'boolean' },
        'public-ip-resolver': { type: 'string' },
      },
    });
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { ok: true, command: { kind: 'help' } };
  if (values.version === true) return { ok: true, command: { kind: 'version' } };

  const [verb, ...extra] = positionals;
  if (verb !== 'diagnose') return usageError(verb === undefined ? 'missing command' : `unknown command "${verb}"`);
  if (extra.length > 0) return usageError(`unexpected argument "${extra[0] ?? ''}"`);

  if (values.json === true && values.markdown === true) return usageError('--json and --markdown cannot be used together');

  let phaseTimeoutMs = DEFAULT_PHASE_TIMEOUT_MS;
  if (values.timeout !== undefined) {
    const seconds = Number(values.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_PHASE_TIMEOUT_SECONDS) {
      return usageError(`--timeout takes a number of seconds between 0 and ${MAX_PHASE_TIMEOUT_SECONDS}`);
    }
    phaseTimeoutMs = Math.round(seconds * 1000);
  }

  const dnsServers = values['dns-server'] ?? [];
  for (const server of dnsServers) {
    if (!isDnsServer(server)) return usageError(`--dns-server "${server}" is not IP or IP:PORT`);
  }
  const publicIpResolver = values['public-ip-resolver'];
  if (publicIpResolver !== undefined && !isDnsServer(publicIpResolver)) {
    return usageError(`--public-ip-resolver "${publicIpResolver}" is not IP or IP:PORT`);
  }

  for (const url of [values['captive-url'], ...(values['webmail-url'] ?? [])]) {
    if (url !== undefined && !isHttpUrl(url)) return usageError(`"${url}" is not an http(s) URL`);
  }

  let manual: ManualAccountArgs | undefined;
  const manualOnly = ['email', 'incoming', 'outgoing', 'username', 'smtp-username', 'password-stdin'] as const;
  if (values.manual === true) {
    if (values.account !== undefined) return usageError('--account and --manual cannot be used together');
    if (values.email === undefined || !isEmailAddress(values.email)) return usageError('--manual needs --email with an email address');
    if (values.incoming === undefined) return usageError('--manual needs --incoming imap://HOST:PORT?tls=... or pop3://...');
    if (values.outgoing === undefined) return usageError('--manual needs --outgoing smtp://HOST:PORT?tls=...');
    const incoming = parseServerUrl(values.incoming, ['imap', 'pop3']);
    if (typeof incoming === 'string') return usageError(`--incoming: ${incoming}`);
    const outgoing = parseServerUrl(values.outgoing, ['smtp']);
    if (typeof outgoing === 'string') return usageError(`--outgoing: ${outgoing}`);
    manual = {
      email: values.email,
      incoming: { ...incoming, protocol: incoming.protocol === 'pop3' ? 'pop3' : 'imap' },
      outgoing: { ...outgoing, protocol: 'smtp' },
      ...(values.username === undefined ? {} : { username: values.username }),
      ...(values['smtp-username'] === undefined ? {} : { smtpUsername: values['smtp-username'] }),
      passwordFromStdin: values['password-stdin'] === true,
    };
  } else {
    const stray = manualOnly.find((name) => values[name] !== undefined && !(name === 'password-stdin' && values.account !== undefined));
    if (stray !== undefined) return usageError(`--${stray} only goes with --manual${stray === 'password-stdin' ? ' or --account' : ''}`);
  }

  return {
    ok: true,
    command: {
      kind: 'diagnose',
      json: values.json === true,
      markdown: values.markdown === true,
      ...(values.account === undefined ? {} : { account: values.account }),
      passwordFromStdin: values['password-stdin'] === true,
      noLogin: values['no-login'] === true,
      noKeychain: values['no-keychain'] === true,
      phaseTimeoutMs,
      dnsServers,
      caFiles: values['ca-file'] ?? [],
      ...(values['state-dir'] === undefined ? {} : { stateDir: values['state-dir'] }),
      ...(values.home === undefined ? {} : { home: values.home }),
      ...(manual === undefined ? {} : { manual }),
      maskIdentities: values['mask-identities'] === true,
      ...(values['captive-url'] === undefined ? {} : { captivePortalUrl: values['captive-url'] }),
      webmailUrls: values['webmail-url'] ?? [],
      publicIpLookup: values['no-public-ip-lookup'] !== true,
      ...(publicIpResolver === undefined ? {} : { publicIpResolver }),
    },
  };
}

function usageError(message: string): ParseResult {
  return { ok: false, usageError: message };
}

const TLS_MODES: readonly TlsMode[] = ['implicit', 'starttls', 'none'];

/** `imap://mail.example.com:993?tls=implicit` -> endpoint; a string is the reason it was refused. */
export function parseServerUrl(text: string, protocols: readonly string[]): ManualServerArg | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `"${text}" is not a URL like ${protocols[0] ?? 'imap'}://HOST:PORT?tls=implicit`;
  }
  const protocol = url.protocol.replace(/:$/, '');
  if (!protocols.includes(protocol)) return `the scheme must be ${protocols.join(' or ')}, not "${protocol}"`;
  if (url.username !== '' || url.password !== '') return 'put the username in --username, and never a password in a URL';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') return 'the host name is missing';
  if (url.port === '') return 'the port is missing (e.g. :993)';
  const port = Number(url.port);
  const tls = url.searchParams.get('tls');
  if (tls === null || !(TLS_MODES as readonly string[]).includes(tls)) return 'add ?tls=implicit, ?tls=starttls or ?tls=none';
  if (url.pathname !== '' && url.pathname !== '/') return `unexpected path "${url.pathname}"`;
  return { protocol: protocol as ManualServerArg['protocol'], host, port, tls: tls as TlsMode };
}

function isEmailAddress(text: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text) && text.length <= 254;
}

function isDnsServer(text: string): boolean {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|(\d{1,3}(?:\.\d{1,3}){3}))(?::(\d{1,5}))?$/.exec(text);
  if (match === null) return /^[0-9a-fA-F:]+$/.test(text) && text.includes(':');
  const port = match[3] === undefined ? 53 : Number(match[3]);
  return port > 0 && port < 65536;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
