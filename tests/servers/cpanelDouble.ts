// A CONTRACT DOUBLE of cPanel's UAPI and WHM API 1 — not cPanel. cPanel cannot run here, so this HTTPS server
// implements exactly the endpoints Mail Doctor calls, with their documented request and response envelopes
// (research mail-tools-servers-and-bans.md §3; api.docs.cpanel.net), including the error shapes: `status: 0`
// with `errors[]`, WHM's `metadata.result: 0` with its reason, 401/403, the legacy "Access denied" envelope,
// an HTML login page instead of JSON. Where the real shape is UNCONFIRMED, both shapes can be served (see
// `Fault`) and the client is tested against each.
//
// It is driven against the real rig: Email::add_pop / passwd_pop / delete_pop create, change and delete real
// mailboxes that Dovecot and Exim then accept (tests/servers/hostingMailboxes.ts), and a cPHulk block it
// records makes real logins from that client address fail. Its certificate is the rig's good one (test CA):
// clients verify it like any other.
//
//   cPanel (the "2083" server):  POST|GET /execute/Email/{add_pop,passwd_pop,delete_pop,list_pops,get_client_settings}
//                                header  Authorization: cpanel USER:TOKEN
//   WHM (the "2087" server):     GET /json-api/{cphulk_status,read_cphulk_records,get_cphulk_brutes,
//                                  get_cphulk_excessive_brutes,get_cphulk_failed_logins,flush_cphulk_login_history_for_ips}?api.version=1
//                                header  Authorization: whm USER:TOKEN
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { loadTestPki } from './certs';
import type { HostingStore } from './hostingMailboxes';
import { hostingStore } from './hostingMailboxes';
import type { MailServersInfo } from './types';

export interface DoubleAccount {
  readonly user: string;
  readonly token: string;
}

export interface CpanelDoubleOptions {
  readonly info: MailServersInfo;
  /** The cPanel account (its domains) and its token. */
  readonly cpanel: DoubleAccount & { readonly domains: readonly string[] };
  /** WHM's root (or reseller) and its token. */
  readonly whm: DoubleAccount;
  /** The mail host get_client_settings publishes (default the rig's good name). */
  readonly mailHost?: string;
  /** Addresses that exist on the account besides the ones created through add_pop (e.g. the rig's alice). */
  readonly existingMailboxes?: readonly string[];
}

/**
 * A fault served instead of the normal answer, for one function (or every function with '*'):
 * - 'status-0': UAPI `result.status: 0` with `errors` / WHM `metadata.result: 0` with `reason`
 * - 'feature-disabled': status 0 whose error names a missing feature/role (`style` picks one of two wordings)
 * - 'http-401-login-page': 401 with cPanel's HTML login page (what cpsrvd shows for bad credentials)
 * - 'http-403-access-denied': 403 with the legacy {"cpanelresult":{"error":"Access denied",...}} envelope
 * - 'login-page': 200 with the HTML login page (a proxy that dropped the Authorization header)
 * - 'not-json': 200 text/plain
 * - 'hang': accept the request and never answer (a client timeout)
 * - 'echo-secrets': status 0 whose error quotes the request's Authorization header and password (a hostile server)
 */
export type Fault =
  | { readonly kind: 'status-0'; readonly errors: readonly string[] }
  | { readonly kind: 'feature-disabled'; readonly style: 'role' | 'feature' }
  | { readonly kind: 'http-401-login-page' }
  | { readonly kind: 'http-403-access-denied' }
  | { readonly kind: 'login-page' }
  | { readonly kind: 'not-json' }
  | { readonly kind: 'hang' }
  | { readonly kind: 'echo-secrets' };

export interface RecordedRequest {
  readonly api: 'cpanel' | 'whm';
  readonly function: string;
  readonly method: string;
  /** The client's address as the double saw it. */
  readonly remoteAddress: string;
  /** Whether the Authorization header carried this API's user and token. */
  readonly authorized: boolean;
  /** Parameter names (values of `password` are never kept). */
  readonly params: Readonly<Record<string, string>>;
  /** Where the password came from, when one was sent: 'body' (form) or 'url' (query string: wrong). */
  readonly passwordIn?: 'body' | 'url';
}

export interface BruteEntry {
  readonly ip: string;
  readonly logintime: string;
  readonly exptime: string;
  readonly notes?: string;
  readonly timeleft?: number;
}

export interface FailedLoginEntry {
  readonly ip: string;
  readonly user: string;
  readonly service: string;
  readonly authservice?: string;
  readonly logintime: string;
  readonly exptime?: string;
}

export interface CpanelDouble {
  /** "https://127.0.0.1:PORT": the cPanel (UAPI) server. */
  readonly cpanelUrl: string;
  /** "https://127.0.0.1:PORT": the WHM (API 1) server. */
  readonly whmUrl: string;
  readonly requests: readonly RecordedRequest[];
  readonly store: HostingStore;
  /** Serve `fault` for `fn` ("Email::add_pop", "cphulk_status" or "*") `times` times (default: until cleared). */
  fault(fn: string, fault: Fault, times?: number): void;
  clearFaults(): void;
  /** Resolves when a request for `fn` has been answered (a test waits for add_pop before it kills the client). */
  answered(fn: string): Promise<void>;
  /** Resolves when a request for `fn` has arrived (answered or not). */
  requested(fn: string): Promise<void>;
  /** cPHulk's records. A current brute or excessive entry, or a block-list entry, blocks real logins from its IP. */
  readonly cphulk: {
    setEnabled(enabled: boolean): void;
    addBrute(entry: BruteEntry, list?: 'brutes' | 'excessive'): Promise<void>;
    addFailedLogin(entry: FailedLoginEntry): void;
    setList(list: 'white' | 'black', ip: string, comment: string): Promise<void>;
    /** The name get_cphulk_excessive_brutes gives its list: the specification's, or the one older notes show. */
    setExcessiveListKey(key: 'excessive_brutes' | 'brutes'): void;
  };
  stop(): Promise<void>;
}

const LOGIN_PAGE = `<!DOCTYPE html>
<html><head><title>cPanel Login</title></head>
<body><div id="login-wrapper"><form id="login_form" action="/login/?login_only=1" method="post">
<input name="user" id="user" type="text"><input name="pass" id="pass" type="password">
<button id="login_submit" type="submit">Log in</button></form></div></body></html>
`;

export async function startCpanelDouble(options: CpanelDoubleOptions): Promise<CpanelDouble> {
  const { info } = options;
  const pki = await loadTestPki(info.dataDir);
  const [cert, key] = await Promise.all([readFile(pki.good.certFile), readFile(pki.good.keyFile)]);
  const store = hostingStore(info);
  const requests: RecordedRequest[] = [];
  const faults = new Map<string, { fault: Fault; left: number }>();
  const waiters: { fn: string; resolve: () => void }[] = [];
  const arrivals: { fn: string; resolve: () => void }[] = [];
  const hanging = new Set<ServerResponse>();
  const mailHost = options.mailHost ?? info.goodName;
  const existing = new Set((options.existingMailboxes ?? []).map((address) => address.toLowerCase()));
  // What this double changed in the shared rig, so stop() can undo exactly that.
  const blockedHere = new Set<string>();
  const createdHere = new Set<string>();

  const cphulk = {
    enabled: true,
    white: new Map<string, string>(),
    black: new Map<string, string>(),
    brutes: [] as BruteEntry[],
    excessive: [] as BruteEntry[],
    failed: [] as FailedLoginEntry[],
    excessiveKey: 'excessive_brutes' as 'excessive_brutes' | 'brutes',
  };

  /** Mirrors cPHulk's state into the rig: blocked addresses get a deny file, the others lose theirs. */
  async function syncBlocks(): Promise<void> {
    const now = Date.now();
    const current = (entry: BruteEntry): boolean => Date.parse(entry.exptime) > now;
    const blocked = new Set<string>([
      ...cphulk.brutes.filter(current).map((entry) => entry.ip),
      ...cphulk.excessive.filter(current).map((entry) => entry.ip),
      ...[...cphulk.black.keys()].flatMap(expandIpv4),
    ]);
    for (const ip of [...cphulk.white.keys()].flatMap(expandIpv4)) blocked.delete(ip);
    if (!cphulk.enabled) blocked.clear();
    for (const ip of blocked) {
      if (blockedHere.has(ip)) continue;
      await store.block(ip);
      blockedHere.add(ip);
    }
    for (const ip of [...blockedHere]) {
      if (blocked.has(ip)) continue;
      await store.unblock(ip);
      blockedHere.delete(ip);
    }
  }

  function takeFault(fn: string): Fault | undefined {
    for (const name of [fn, '*']) {
      const entry = faults.get(name);
      if (entry === undefined) continue;
      entry.left -= 1;
      if (entry.left <= 0) faults.delete(name);
      return entry.fault;
    }
    return undefined;
  }

  async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    return new URLSearchParams(request.headers['content-type']?.includes('application/x-www-form-urlencoded') === true ? body : '');
  }

  function authorization(request: IncomingMessage, api: 'cpanel' | 'whm'): { readonly authorized: boolean; readonly raw: string } {
    const raw = request.headers.authorization ?? '';
    const account = api === 'cpanel' ? options.cpanel : options.whm;
    return { authorized: raw === `${api} ${account.user}:${account.token}`, raw };
  }

  function send(response: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
    response.end(text);
  }

  function uapiEnvelope(fn: string, status: 0 | 1, data: unknown, errors: readonly string[] | null = null, messages: readonly string[] | null = null) {
    const [module, func] = fn.split('::');
    return { apiversion: 3, func, module, result: { data, errors, messages, metadata: {}, status, warnings: null } };
  }

  function whmEnvelope(fn: string, result: 0 | 1, data: unknown, reason = result === 1 ? 'OK' : 'failed') {
    return { metadata: { command: fn, reason, result, version: 1 }, ...(data === undefined ? {} : { data }) };
  }

  /** Serves a fault; returns true when it did. */
  function serveFault(fault: Fault | undefined, api: 'cpanel' | 'whm', fn: string, response: ServerResponse, secrets: readonly string[]): boolean {
    if (fault === undefined) return false;
    const failed = (errors: readonly string[]) => (api === 'cpanel' ? uapiEnvelope(fn, 0, null, errors) : whmEnvelope(fn, 0, undefined, errors.join(' ')));
    switch (fault.kind) {
      case 'status-0':
        send(response, 200, failed(fault.errors));
        return true;
      case 'feature-disabled':
        // Both wordings are UNCONFIRMED; cPanel uses roles ("Receive Mail") and features ("popaccts").
        send(response, 200, failed([fault.style === 'role' ? 'This function requires the “Receive Mail” role, which is not enabled on this server.' : 'You do not have the feature “popaccts”.']));
        return true;
      case 'http-401-login-page':
        send(response, 401, LOGIN_PAGE, 'text/html; charset=utf-8');
        return true;
      case 'http-403-access-denied':
        send(response, 403, { cpanelresult: { apiversion: '2', error: 'Access denied', data: { reason: 'Access denied', result: '0' }, type: 'text' } });
        return true;
      case 'login-page':
        send(response, 200, LOGIN_PAGE, 'text/html; charset=utf-8');
        return true;
      case 'not-json':
        send(response, 200, 'Internal Server Error: the service is restarting', 'text/plain');
        return true;
      case 'hang':
        hanging.add(response);
        return true;
      case 'echo-secrets':
        send(response, 200, failed(secrets.map((secret) => `rejected: ${secret}`)));
        return true;
    }
  }

  async function handleUapi(fn: string, params: URLSearchParams): Promise<unknown> {
    const account = (params.get('email') ?? '').trim();
    const domain = (params.get('domain') ?? (account.includes('@') ? account.split('@')[1] : options.cpanel.domains[0]) ?? '').toLowerCase();
    const local = account.includes('@') ? account.split('@')[0] ?? '' : account;
    const address = `${local}@${domain}`.toLowerCase();
    const owned = options.cpanel.domains.includes(domain);
    const exists = (value: string): boolean => store.hasMailbox(value) || existing.has(value.toLowerCase());
    switch (fn) {
      case 'Email::add_pop': {
        const password = params.get('password') ?? '';
        if (local === '' || password === '') return uapiEnvelope(fn, 0, null, ['You must specify an email address and a password.']);
        if (!owned) return uapiEnvelope(fn, 0, null, [`The domain “${domain}” does not belong to this account.`]);
        if (exists(address)) return uapiEnvelope(fn, 0, null, [`The account ${address} already exists!`]);
        await store.addMailbox(address, password);
        createdHere.add(address);
        return uapiEnvelope(fn, 1, `${local}+${domain}`);
      }
      case 'Email::passwd_pop': {
        const password = params.get('password') ?? '';
        if (password === '') return uapiEnvelope(fn, 0, null, ['You must specify a password.']);
        if (!store.hasMailbox(address)) return uapiEnvelope(fn, 0, null, [`The email account “${address}” does not exist.`]);
        await store.setPassword(address, password);
        return uapiEnvelope(fn, 1, null);
      }
      case 'Email::delete_pop': {
        if (!store.hasMailbox(address)) return uapiEnvelope(fn, 0, null, [`The email account “${address}” does not exist.`]);
        await store.deleteMailbox(address);
        createdHere.delete(address);
        return uapiEnvelope(fn, 1, null);
      }
      case 'Email::list_pops': {
        const pattern = params.get('regex');
        let matcher: RegExp | null = null;
        try {
          matcher = pattern === null ? null : new RegExp(pattern, 'i');
        } catch {
          return uapiEnvelope(fn, 0, null, ['Invalid regular expression.']);
        }
        const all = [...new Set([...options.cpanel.domains.flatMap((d) => store.mailboxes(d)), ...existing])].sort();
        return uapiEnvelope(fn, 1, all.filter((email) => matcher === null || matcher.test(email)).map((email) => ({ email, login: email, suspended_incoming: 0, suspended_login: 0 })));
      }
      case 'Email::get_client_settings': {
        const wanted = (params.get('account') ?? '').toLowerCase();
        if (!exists(wanted)) return uapiEnvelope(fn, 0, null, [`The email account “${wanted}” does not exist.`]);
        const wantedDomain = wanted.split('@')[1] ?? '';
        // The fields and types of cPanel's Cpanel::Email::AutoConfig (smtp_insecure_port comes back as a string).
        return uapiEnvelope(fn, 1, {
          account: wanted,
          display: wanted,
          domain: wantedDomain,
          from_archiving: 0,
          has_plaintext_authentication: 1,
          inbox_host: mailHost,
          inbox_port: info.imap.implicit,
          inbox_insecure_port: info.imap.starttls,
          inbox_service: 'imap',
          inbox_username: wanted,
          mail_domain: `mail.${wantedDomain}`,
          smtp_host: mailHost,
          smtp_port: info.smtp.implicit,
          smtp_insecure_port: String(info.smtp.starttls),
          smtp_username: wanted,
          activesync_available: 0,
        });
      }
      default:
        return uapiEnvelope(fn, 0, null, [`Failed to load function “${fn}”: Function not found.`]);
    }
  }

  async function handleWhm(fn: string, params: URLSearchParams, remoteAddress: string): Promise<unknown> {
    if (params.get('api.version') !== '1') return { metadata: { result: 0, reason: 'This call requires api.version=1.', version: 0 } };
    const skipCheck = params.get('skip_enabled_check') === '1';
    if (!cphulk.enabled && fn !== 'cphulk_status' && !skipCheck) return whmEnvelope(fn, 0, undefined, 'cPHulk is disabled on the server.');
    const minutesLeft = (entry: BruteEntry): number => entry.timeleft ?? Math.max(1, Math.ceil((Date.parse(entry.exptime) - Date.now()) / 60_000));
    switch (fn) {
      case 'cphulk_status':
        return whmEnvelope(fn, 1, { is_enabled: cphulk.enabled ? 1 : 0, service: 'cPHulk' });
      case 'read_cphulk_records': {
        const name = params.get('list_name');
        if (name !== 'white' && name !== 'black') return whmEnvelope(fn, 0, undefined, 'Invalid list name: use “white” or “black”.');
        const list = name === 'white' ? cphulk.white : cphulk.black;
        return whmEnvelope(fn, 1, {
          list_name: name,
          ips_in_list: Object.fromEntries(list),
          requester_ip: remoteAddress,
          requester_ip_is_whitelisted: cphulk.white.has(remoteAddress) ? 1 : 0,
        });
      }
      case 'get_cphulk_brutes':
        return whmEnvelope(fn, 1, { brutes: cphulk.brutes.map((entry) => ({ notes: '', ...entry, timeleft: minutesLeft(entry) })) });
      case 'get_cphulk_excessive_brutes':
        return whmEnvelope(fn, 1, { [cphulk.excessiveKey]: cphulk.excessive.map((entry) => ({ notes: '', ...entry, timeleft: minutesLeft(entry) })) });
      case 'get_cphulk_failed_logins':
        return whmEnvelope(fn, 1, { failed_logins: cphulk.failed.map((entry) => ({ authservice: 'dovecot', exptime: entry.logintime, timeleft: 14, ...entry })) });
      case 'flush_cphulk_login_history_for_ips': {
        const ips = [...params.entries()].filter(([name]) => name === 'ip' || /^ip-\d+$/.test(name)).map(([, value]) => value);
        if (ips.length === 0) return whmEnvelope(fn, 0, undefined, 'You must specify at least one IP address.');
        const before = cphulk.brutes.length + cphulk.excessive.length + cphulk.failed.length;
        cphulk.brutes = cphulk.brutes.filter((entry) => !ips.includes(entry.ip));
        cphulk.excessive = cphulk.excessive.filter((entry) => !ips.includes(entry.ip));
        cphulk.failed = cphulk.failed.filter((entry) => !ips.includes(entry.ip));
        await syncBlocks();
        return whmEnvelope(fn, 1, { records_removed: before - (cphulk.brutes.length + cphulk.excessive.length + cphulk.failed.length), iptable_bans_removed: 0 });
      }
      default:
        return whmEnvelope(fn, 0, undefined, `Unknown app (“${fn}”) requested for this version (1) of the API.`);
    }
  }

  function handler(api: 'cpanel' | 'whm') {
    return (request: IncomingMessage, response: ServerResponse): void => {
      void (async () => {
        const url = new URL(request.url ?? '/', 'https://double.invalid');
        const match = api === 'cpanel' ? /^\/execute\/([A-Za-z]+)\/([a-z_]+)$/.exec(url.pathname) : /^\/json-api\/([a-z_0-9]+)$/.exec(url.pathname);
        const fn = match === null ? url.pathname : api === 'cpanel' ? `${match[1] ?? ''}::${match[2] ?? ''}` : match[1] ?? '';
        const form = request.method === 'POST' ? await readForm(request) : new URLSearchParams();
        const params = new URLSearchParams([...url.searchParams, ...form]);
        const auth = authorization(request, api);
        const remoteAddress = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
        const passwordIn = form.has('password') ? 'body' : url.searchParams.has('password') ? 'url' : undefined;
        requests.push({
          api,
          function: fn,
          method: request.method ?? '',
          remoteAddress,
          authorized: auth.authorized,
          params: Object.fromEntries([...params.entries()].map(([name, value]) => [name, name === 'password' ? '[password]' : value])),
          ...(passwordIn === undefined ? {} : { passwordIn }),
        });
        for (const arrival of arrivals.filter((entry) => entry.fn === fn)) {
          arrivals.splice(arrivals.indexOf(arrival), 1);
          arrival.resolve();
        }
        const secrets = [auth.raw, ...(params.get('password') === null ? [] : [params.get('password') ?? ''])];
        if (serveFault(takeFault(fn), api, fn, response, secrets)) return;
        if (!auth.authorized) {
          // cpsrvd's two refusals: cPanel shows its login page with 401, WHM the legacy JSON with 403.
          if (api === 'cpanel') send(response, 401, LOGIN_PAGE, 'text/html; charset=utf-8');
          else send(response, 403, { cpanelresult: { apiversion: '2', error: 'Access denied', data: { reason: 'Access denied', result: '0' }, type: 'text' } });
          return;
        }
        if (match === null) {
          send(response, 404, '<html><head><title>404 Not Found</title></head><body>Not Found</body></html>', 'text/html');
          return;
        }
        try {
          send(response, 200, api === 'cpanel' ? await handleUapi(fn, params) : await handleWhm(fn, params, remoteAddress));
        } catch (error) {
          send(response, 200, api === 'cpanel' ? uapiEnvelope(fn, 0, null, [`The contract double failed: ${(error as Error).message}`]) : whmEnvelope(fn, 0, undefined, `The contract double failed: ${(error as Error).message}`));
        }
        for (const waiter of waiters.filter((entry) => entry.fn === fn)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      })();
    };
  }

  const listen = async (api: 'cpanel' | 'whm'): Promise<https.Server> => {
    const server = https.createServer({ cert, key }, handler(api));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  };
  const [cpanelServer, whmServer] = await Promise.all([listen('cpanel'), listen('whm')]);
  const urlOf = (server: https.Server): string => `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    cpanelUrl: urlOf(cpanelServer),
    whmUrl: urlOf(whmServer),
    requests,
    store,
    fault(fn, fault, times = Number.POSITIVE_INFINITY) {
      faults.set(fn, { fault, left: times });
    },
    clearFaults() {
      faults.clear();
    },
    answered(fn) {
      return new Promise((resolve) => waiters.push({ fn, resolve }));
    },
    requested(fn) {
      return new Promise((resolve) => arrivals.push({ fn, resolve }));
    },
    cphulk: {
      setEnabled(enabled) {
        cphulk.enabled = enabled;
      },
      async addBrute(entry, list = 'brutes') {
        (list === 'brutes' ? cphulk.brutes : cphulk.excessive).push(entry);
        await syncBlocks();
      },
      addFailedLogin(entry) {
        cphulk.failed.push(entry);
      },
      async setList(list, ip, comment) {
        (list === 'white' ? cphulk.white : cphulk.black).set(ip, comment);
        await syncBlocks();
      },
      setExcessiveListKey(key) {
        cphulk.excessiveKey = key;
      },
    },
    async stop() {
      for (const response of hanging) response.destroy();
      // Leave nothing behind in the shared rig: this double's blocks and mailboxes go with it.
      for (const ip of blockedHere) await store.unblock(ip);
      for (const address of createdHere) await store.deleteMailbox(address);
      await Promise.all([cpanelServer, whmServer].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

/**
 * The IPv4 addresses of a cPHulk list entry (an address, an a-b range or a CIDR block), at most 256: the rig
 * blocks single addresses, so the double blocks each one a list entry covers. Written apart from the product's
 * own matcher on purpose: a double that borrowed the code under test could not catch its mistakes.
 */
function expandIpv4(entry: string): string[] {
  const toNumber = (ip: string): number | null => {
    const parts = ip.trim().split('.').map(Number);
    return parts.length === 4 && parts.every((part) => Number.isInteger(part) && part >= 0 && part <= 255)
      ? parts.reduce((sum, part) => sum * 256 + part, 0)
      : null;
  };
  const toIp = (value: number): string => [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
  let first: number | null;
  let last: number | null;
  if (entry.includes('/')) {
    const [base = '', bits = ''] = entry.split('/');
    const start = toNumber(base);
    const prefix = Number(bits);
    if (start === null || !Number.isInteger(prefix) || prefix < 24 || prefix > 32) return [];
    const size = 2 ** (32 - prefix);
    first = start - (start % size);
    last = first + size - 1;
  } else if (entry.includes('-')) {
    const [from = '', to = ''] = entry.split('-');
    first = toNumber(from);
    last = toNumber(to);
  } else {
    first = toNumber(entry);
    last = first;
  }
  if (first === null || last === null || last < first || last - first > 255) return [];
  return Array.from({ length: last - first + 1 }, (_, index) => toIp(first + index));
}
