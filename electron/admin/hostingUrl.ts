/**
 * The address of a cPanel or WHM server, as the person types it, checked before anything is sent.
 *
 * Why so strict: the token travels in a header to this address, so it must be HTTPS (always verified), and
 * a URL copied from the browser often carries a session path (`/cpsess1234567890/...`) or the wrong port
 * (cPanel answers on 2083, WHM on 2087; on the wrong one an otherwise correct call gets "Permission denied"
 * or "Function not found": research §3.1). Saying so here is clearer than an API error later.
 */
import type { HostingApi } from '../../shared/model/hosting';

export const DEFAULT_PORTS: Readonly<Record<HostingApi, number>> = { cpanel: 2083, whm: 2087 };

/** Ports that belong to the other API (or to Webmail), so a URL with one of them was meant for something else. */
const PORTS_OF: Readonly<Record<HostingApi | 'webmail', readonly number[]>> = {
  cpanel: [2082, 2083],
  whm: [2086, 2087],
  webmail: [2095, 2096],
};

export interface HostingUrl {
  /** "https://host:port", the form calls are made to and the journal keeps. */
  readonly origin: string;
  readonly host: string;
  readonly port: number;
}

export type HostingUrlResult = { readonly ok: true; readonly url: HostingUrl } | { readonly ok: false; readonly reason: string };

const API_NAMES: Readonly<Record<HostingApi, string>> = { cpanel: 'cPanel', whm: 'WHM' };

export function parseHostingUrl(text: string, api: HostingApi): HostingUrlResult {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > 2048) return refuse(`give the ${API_NAMES[api]} address, e.g. https://server.example.com:${DEFAULT_PORTS[api]}`);
  // A bare host name ("server.example.com:2083") is what people copy from the host's welcome mail.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return refuse(`"${trimmed}" is not an address like https://server.example.com:${DEFAULT_PORTS[api]}`);
  }
  if (url.protocol !== 'https:') {
    return refuse(`the ${API_NAMES[api]} address must start with https:// (the API token must never travel unencrypted)`);
  }
  if (url.username !== '' || url.password !== '') return refuse('put the user name in its own field, and never a password or token in the address');
  if (url.search !== '' || url.hash !== '') return refuse('give only the server address, without ?… or #…');
  if (url.pathname !== '' && url.pathname !== '/') {
    return refuse(`give only https://host:port, without a path ("${url.pathname.slice(0, 40)}"): a copied browser address carries a session path`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') return refuse('the host name is missing');
  // URL drops a port equal to the scheme's default (443), so read whether one was typed from the text itself:
  // "https://cpanel.example.com:443" (a service subdomain) must not become 2083.
  const typedPort = /^[a-z]+:\/\/(?:\[[^\]]*\]|[^/:?#]*)(?::(\d+))?/i.exec(withScheme)?.[1];
  const port = typedPort === undefined ? DEFAULT_PORTS[api] : Number(typedPort);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return refuse(`port ${typedPort ?? ''} is not a port number`);
  const other: HostingApi = api === 'cpanel' ? 'whm' : 'cpanel';
  if (PORTS_OF[other].includes(port)) {
    return refuse(`port ${port} is ${API_NAMES[other]}'s; ${API_NAMES[api]} answers on ${DEFAULT_PORTS[api]}`);
  }
  if (PORTS_OF.webmail.includes(port)) return refuse(`port ${port} is Webmail's; ${API_NAMES[api]} answers on ${DEFAULT_PORTS[api]}`);
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return { ok: true, url: { origin: `https://${hostPart}:${port}`, host, port } };
}

function refuse(reason: string): HostingUrlResult {
  return { ok: false, reason };
}
