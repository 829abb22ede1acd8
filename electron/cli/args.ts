/**
 * Command-line parsing for `mail-doctor`. Pure (no I/O): turns argv into a typed command or a usage error,
 * so every rule (which flags go together, what a server URL looks like) is unit-tested without I/O.
 *
 * One validation for the CLI and the window: the account and password fields are checked with the IPC
 * contract's zod schemas (shared/ipc/schemas.ts) — the request the CLI builds is the very request the
 * window sends — and host names get the same IDN conversion (electron/hostNames.ts). The CLI's own options
 * (timeout, DNS servers, URLs) have schemas here, with the same rules: bounded lengths, no control
 * characters, numbers in decimal within a documented range.
 */
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
// zod/mini, as shared/ipc/schemas.ts (which sets its English messages): the full zod would cost every run's start-up.
import * as z from 'zod/mini';
import type { DiagnosisStartRequest } from '../../shared/ipc/contract';
import { diagnosisStartSchema } from '../../shared/ipc/schemas';
import type { IncomingProtocol, TlsMode } from '../../shared/model/account';
import { normalizeDiagnosisStart } from '../hostNames';

export interface ManualServerArg {
  readonly protocol: IncomingProtocol | 'smtp';
  /** In DNS form (IDN converted to A-labels). */
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
  /** Also write the JSON report atomically to the cached-report path (the scheduled run; electron/fleet/cachedReport.ts). */
  readonly saveReport: boolean;
  /** Hard limit on the whole run, enforced on this process (electron/fleet/timeLimit.ts). */
  readonly timeLimitMs?: number;
}

export type CliCommand = DiagnoseCommand | { readonly kind: 'help' } | { readonly kind: 'version' };

export type ParseResult = { readonly ok: true; readonly command: CliCommand } | { readonly ok: false; readonly usageError: string };

export const USAGE = `Usage:
  mail-doctor diagnose [--json | --markdown] [--account EMAIL [--password-stdin]] [--no-login] [--no-keychain] [--timeout SECONDS]
                       [--dns-server IP[:PORT]] [--ca-file PEM] [--state-dir DIR] [--home DIR]
                       [--mask-identities] [--captive-url URL] [--webmail-url URL]
                       [--no-public-ip-lookup | --public-ip-resolver IP[:PORT]]
                       [--save-report] [--time-limit SECONDS]
  mail-doctor diagnose --manual --email EMAIL
                       --incoming imap://HOST:PORT?tls=implicit|starttls|none   (or pop3://...)
                       --outgoing smtp://HOST:PORT?tls=implicit|starttls|none
                       [--username U] [--smtp-username U] [--password-stdin] [other options]
  mail-doctor admin check-ip | unblock-ip | reset-password | test-mailbox | client-settings ...   (mail-doctor admin --help)
  mail-doctor --help | --version

While the keychain is read, --home, --dns-server, --ca-file and --state-dir need --no-keychain (or a
password typed with --password-stdin): Mail's saved passwords only go to the servers Mail saved.
Exit codes: 0 nothing wrong, 1 a problem was found, 2 could not diagnose (usage, no account, setup),
3 Full Disk Access missing.`;

const DEFAULT_PHASE_TIMEOUT_MS = 5_000;
/** The phase deadline's range, in seconds: below half a second even a healthy server looks down. */
export const MIN_PHASE_TIMEOUT_SECONDS = 0.5;
export const MAX_PHASE_TIMEOUT_SECONDS = 120;
/** The whole run's hard limit (--time-limit), in whole seconds: enough for one slow account, at most an hour. */
export const MIN_TIME_LIMIT_SECONDS = 10;
export const MAX_TIME_LIMIT_SECONDS = 3600;

/** Longest value any option takes (a path, a URL); longer input is refused, never cut. */
const MAX_OPTION_LENGTH = 4096;
const NO_CONTROL_CHARACTERS = /^\P{Cc}*$/u;

/** A plain decimal number of seconds (`2`, `2.5`): no hex, no exponent, no sign. */
const timeoutSchema = z.pipe(
  z.pipe(z.string().check(z.regex(/^\d{1,3}(\.\d{1,3})?$/, 'is not a decimal number of seconds')), z.transform(Number)),
  z.number().check(
    z.refine((seconds) => seconds >= MIN_PHASE_TIMEOUT_SECONDS && seconds <= MAX_PHASE_TIMEOUT_SECONDS, {
      message: `must be between ${MIN_PHASE_TIMEOUT_SECONDS} and ${MAX_PHASE_TIMEOUT_SECONDS} seconds`,
    }),
  ),
);

const pathSchema = z.string().check(z.minLength(1), z.maxLength(MAX_OPTION_LENGTH), z.regex(NO_CONTROL_CHARACTERS, 'contains control characters'));

const httpUrlSchema = z
  .string()
  .check(z.maxLength(2048), z.regex(NO_CONTROL_CHARACTERS, 'contains control characters'), z.refine(isHttpUrl, 'is not an http(s) URL'));

const timeLimitSchema = z.pipe(
  z.pipe(z.string().check(z.regex(/^\d{1,4}$/, 'is not a whole number of seconds')), z.transform(Number)),
  z.number().check(
    z.refine((seconds) => seconds >= MIN_TIME_LIMIT_SECONDS && seconds <= MAX_TIME_LIMIT_SECONDS, {
      message: `must be between ${MIN_TIME_LIMIT_SECONDS} and ${MAX_TIME_LIMIT_SECONDS} seconds`,
    }),
  ),
);

/** `IP`, `IP:PORT`, `[IPv6]:PORT` or a bare IPv6 address; ports 1-65535. */
const dnsServerSchema = z.string().check(z.maxLength(64), z.refine(isDnsServer, 'is not IP or IP:PORT'));

/** Options whose value says where a login goes or what is trusted; see `keychainConflicts`. */
export const SERVER_CHOOSING_OPTIONS = ['--home', '--dns-server', '--ca-file', '--state-dir'] as const;

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
        'save-report': { type: 'boolean' },
        'time-limit': { type: 'string' },
      },
    });
  } catch (error) {
    return usageError(shorten(error instanceof Error ? error.message : String(error)));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { ok: true, command: { kind: 'help' } };
  if (values.version === true) return { ok: true, command: { kind: 'version' } };

  const [verb, ...extra] = positionals;
  if (verb !== 'diagnose') return usageError(verb === undefined ? 'missing command' : `unknown command "${shorten(verb)}"`);
  if (extra.length > 0) return usageError(`unexpected argument "${shorten(extra[0] ?? '')}"`);

  if (values.json === true && values.markdown === true) return usageError('--json and --markdown cannot be used together');
  if (values['no-public-ip-lookup'] === true && values['public-ip-resolver'] !== undefined) {
    return usageError('--no-public-ip-lookup and --public-ip-resolver cannot be used together');
  }

  let phaseTimeoutMs = DEFAULT_PHASE_TIMEOUT_MS;
  if (values.timeout !== undefined) {
    const timeout = timeoutSchema.safeParse(values.timeout);
    if (!timeout.success) {
      return usageError(
        `--timeout takes a decimal number of seconds from ${MIN_PHASE_TIMEOUT_SECONDS} to ${MAX_PHASE_TIMEOUT_SECONDS} (e.g. 5 or 2.5): "${shorten(values.timeout)}" ${firstMessage(timeout.error)}`,
      );
    }
    phaseTimeoutMs = Math.round(timeout.data * 1000);
  }

  let timeLimitMs: number | undefined;
  if (values['time-limit'] !== undefined) {
    const limit = timeLimitSchema.safeParse(values['time-limit']);
    if (!limit.success) {
      return usageError(`--time-limit takes a whole number of seconds from ${MIN_TIME_LIMIT_SECONDS} to ${MAX_TIME_LIMIT_SECONDS}: "${shorten(values['time-limit'])}" ${firstMessage(limit.error)}`);
    }
    timeLimitMs = limit.data * 1000;
  }
  // The cached report is what fleet tools read as "this Mac's Mail": a typed-in account is not that.
  if (values['save-report'] === true && values.manual === true) return usageError("--save-report saves the diagnosis of Mail's accounts; it does not go with --manual");

  const dnsServers = values['dns-server'] ?? [];
  for (const server of dnsServers) {
    if (!dnsServerSchema.safeParse(server).success) return usageError(`--dns-server "${shorten(server)}" is not IP or IP:PORT`);
  }
  const publicIpResolver = values['public-ip-resolver'];
  if (publicIpResolver !== undefined && !dnsServerSchema.safeParse(publicIpResolver).success) {
    return usageError(`--public-ip-resolver "${shorten(publicIpResolver)}" is not IP or IP:PORT`);
  }
  for (const url of [values['captive-url'], ...(values['webmail-url'] ?? [])]) {
    if (url !== undefined && !httpUrlSchema.safeParse(url).success) return usageError(`"${shorten(url)}" is not an http(s) URL`);
  }
  for (const [option, value] of [
    ['--state-dir', values['state-dir']],
    ['--home', values.home],
    ...(values['ca-file'] ?? []).map((file) => ['--ca-file', file] as const),
  ] as const) {
    if (value !== undefined && !pathSchema.safeParse(value).success) return usageError(`${option} needs a path without control characters`);
  }

  let manual: ManualAccountArgs | undefined;
  const manualOnly = ['email', 'incoming', 'outgoing', 'username', 'smtp-username', 'password-stdin'] as const;
  if (values.manual === true) {
    if (values.account !== undefined) return usageError('--account and --manual cannot be used together');
    if (values.email === undefined) return usageError('--manual needs --email with an email address');
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

  const command: DiagnoseCommand = {
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
    saveReport: values['save-report'] === true,
    ...(timeLimitMs === undefined ? {} : { timeLimitMs }),
  };
  // The request the window would send for the same check, through the same schema and host conversion.
  const request = startRequestFor(command);
  if (!request.ok) return usageError(request.error);
  const normalized = request.request.manual === undefined ? undefined : normalizedManual(command, request.request);
  return { ok: true, command: normalized === undefined ? command : { ...command, manual: normalized } };
}

/**
 * The IPC request for this command (`password`: the one read from standard input), validated with the
 * contract's schema and with host names in DNS form; or the reason, naming the option, not echoing the value.
 */
export function startRequestFor(
  command: DiagnoseCommand,
  password?: string,
): { readonly ok: true; readonly request: DiagnosisStartRequest } | { readonly ok: false; readonly error: string } {
  const { manual } = command;
  const candidate: unknown =
    manual !== undefined
      ? {
          noLogin: command.noLogin,
          manual: {
            email: manual.email,
            incoming: { ...manual.incoming, username: manual.username ?? manual.email },
            outgoing: { ...manual.outgoing, username: manual.smtpUsername ?? manual.username ?? manual.email },
            ...(password === undefined ? {} : { password }),
          },
        }
      : {
          noLogin: command.noLogin,
          ...(command.account === undefined ? {} : { accountId: command.account }),
          ...(password === undefined ? {} : { password }),
        };
  const parsed = diagnosisStartSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, error: describeRequestIssue(parsed.error, manual !== undefined) };
  const normalized = normalizeDiagnosisStart(parsed.data);
  if (!normalized.ok) return { ok: false, error: `${normalized.error.message}` };
  return { ok: true, request: normalized.value };
}

function normalizedManual(command: DiagnoseCommand, request: DiagnosisStartRequest): ManualAccountArgs | undefined {
  if (command.manual === undefined || request.manual === undefined) return undefined;
  return {
    ...command.manual,
    incoming: { ...command.manual.incoming, host: request.manual.incoming.host },
    outgoing: { ...command.manual.outgoing, host: request.manual.outgoing.host },
  };
}

/** Which option a schema issue is about, in the CLI's words; the value is never repeated (it may be long or private). */
function describeRequestIssue(error: z.core.$ZodError, manual: boolean): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'the request is not valid';
  const path = issue.path.map(String).join('.');
  const option: Readonly<Record<string, string>> = {
    accountId: '--account',
    password: 'the password on standard input',
    'manual.password': 'the password on standard input',
    'manual.email': '--email',
    'manual.incoming.host': '--incoming (the host name)',
    'manual.incoming.port': '--incoming (the port)',
    'manual.incoming.username': manual ? '--username' : '--account',
    'manual.outgoing.host': '--outgoing (the host name)',
    'manual.outgoing.port': '--outgoing (the port)',
    'manual.outgoing.username': '--smtp-username (or --username)',
  };
  const what = option[path] ?? (path === '' ? 'the request' : path);
  if (path === 'accountId') return `${what} takes an email address or Mail's account id`;
  if (path.endsWith('.port')) return `${what} must be a number from 1 to 65535`;
  if (path === 'manual.email') return `${what} needs an email address`;
  return `${what}: ${issue.message}`;
}

function firstMessage(error: z.core.$ZodError): string {
  return error.issues[0]?.message ?? 'is not valid';
}

function usageError(message: string): ParseResult {
  return { ok: false, usageError: message };
}

/** Echoed input is cut to a readable length (a 70,000-character host name is refused, not printed back). */
function shorten(text: string): string {
  const visible = text.replace(/\p{Cc}/gu, '?');
  return visible.length <= 80 ? visible : `${visible.slice(0, 77)}...`;
}

const TLS_MODES: readonly TlsMode[] = ['implicit', 'starttls', 'none'];

/**
 * `imap://mail.example.com:993?tls=implicit` -> endpoint; a string is the reason it was refused.
 * Parsed by hand, not with WHATWG `URL`: for these non-special schemes `URL` percent-encodes an
 * international host (`m%C3%A4il...`) instead of converting it, and accepts a repeated `tls=`.
 */
export function parseServerUrl(text: string, protocols: readonly string[]): ManualServerArg | string {
  const example = `${protocols[0] ?? 'imap'}://HOST:PORT?tls=implicit`;
  if (text.length > MAX_OPTION_LENGTH) return `is longer than ${MAX_OPTION_LENGTH} characters; it should look like ${example}`;
  if (!NO_CONTROL_CHARACTERS.test(text)) return 'contains control characters (a line break, a tab...)';
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(\/?)(?:\?([^#]*))?(#.*)?$/.exec(text);
  if (match === null) return `"${shorten(text)}" is not a URL like ${example}`;
  const [, rawScheme = '', authority = '', , query, fragment] = match;
  const protocol = rawScheme.toLowerCase();
  if (!protocols.includes(protocol)) return `the scheme must be ${protocols.join(' or ')}, not "${shorten(protocol)}"`;
  if (authority.includes('@')) return 'put the username in --username, and never a password in a URL';
  if (fragment !== undefined) return 'unexpected "#" in the URL';
  const hostPort = /^(?:\[([^\]]*)\]|([^:[\]]*))(?::(\d*))?$/.exec(authority);
  if (hostPort === null) return `"${shorten(authority)}" is not HOST:PORT`;
  const [, bracketed, plain, portText] = hostPort;
  const host = bracketed ?? plain ?? '';
  if (host === '') return 'the host name is missing';
  if (bracketed !== undefined && isIP(bracketed) !== 6) return `"${shorten(bracketed)}" is not an IPv6 address`;
  if (portText === undefined || portText === '') return 'the port is missing (e.g. :993)';
  if (!/^\d{1,5}$/.test(portText)) return 'the port must be a number from 1 to 65535';
  const port = Number(portText);
  if (port < 1 || port > 65535) return 'the port must be a number from 1 to 65535';
  const params = new URLSearchParams(query ?? '');
  const unknown = [...params.keys()].find((key) => key !== 'tls');
  if (unknown !== undefined) return `unknown setting "${shorten(unknown)}" (only ?tls= is understood)`;
  const tlsValues = params.getAll('tls');
  if (tlsValues.length > 1) return 'give ?tls= once (implicit, starttls or none)';
  const tls = tlsValues[0];
  if (tls === undefined || !(TLS_MODES as readonly string[]).includes(tls)) return 'add ?tls=implicit, ?tls=starttls or ?tls=none';
  let decodedHost: string;
  try {
    // A host typed percent-encoded (`m%C3%A4il`) means the same name.
    decodedHost = decodeURIComponent(host);
  } catch {
    return `"${shorten(host)}" is not a host name`;
  }
  return { protocol: protocol as ManualServerArg['protocol'], host: decodedHost, port, tls: tls as TlsMode };
}

function isDnsServer(text: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  const plainV4 = /^([0-9.]+)(?::(\d{1,5}))?$/.exec(text);
  let address: string | undefined;
  let port: string | undefined;
  if (bracketed !== null) [, address, port] = bracketed;
  else if (plainV4 !== null) [, address, port] = plainV4;
  else address = text;
  if (address === undefined) return false;
  const family = isIP(address);
  if (family === 0 || (bracketed !== null && family !== 6) || (plainV4 !== null && family !== 4)) return false;
  if (port === undefined) return true;
  const number = Number(port);
  return number >= 1 && number <= 65535;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
