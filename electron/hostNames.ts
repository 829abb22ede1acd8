/**
 * Host names as people type them and as DNS and TLS need them. An international name (`mäil.exämple.test`)
 * is converted to its A-label form (`xn--mil-moa.xn--exmple-cua.test`, IDNA via `url.domainToASCII`) before
 * anything connects; outputs show both forms (`displayHost`). One conversion for the window's "Test another
 * account" (IPC) and the CLI's `--manual`, applied after the shared schema (shared/ipc/schemas.ts) passed.
 */
import { isIP } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';
import type { DiagnosisStartRequest } from '../shared/ipc/contract';
import { hostSchema } from '../shared/ipc/schemas';
import type { Result } from '../shared/result';
import { err, ok } from '../shared/result';

/**
 * `net.isIP`, answering a host name without running Node's IPv6 pattern: its first use compiles a regular
 * expression for ~4.5 ms of CPU, which for a name (no ':', so never IPv6) was spent before a check's first
 * connection. Same answer for every input: an IPv4 address has only digits and dots, an IPv6 one has a ':'.
 */
export function ipAddressFamily(text: string): 0 | 4 | 6 {
  if (!text.includes(':') && !/^[0-9.]+$/.test(text)) return 0;
  const family = isIP(text);
  return family === 4 || family === 6 ? family : 0;
}

/** The name DNS and TLS are asked about: an IP address as given, a name as lower-case A-labels. */
export function toDnsHost(host: string): Result<string, 'invalid-host'> {
  if (ipAddressFamily(host) !== 0) return ok(host);
  const ascii = domainToASCII(host);
  if (ascii === '') return err('invalid-host', 'is not a valid host name');
  // domainToASCII checks neither length: DNS allows 253 characters in all and 63 per label.
  if (!hostSchema.safeParse(ascii).success) return err('invalid-host', 'is longer than a host name can be (253 characters in DNS form)');
  if (ascii.split('.').some((label) => label.length > 63)) return err('invalid-host', 'has a part longer than 63 characters');
  return ok(ascii);
}

/** `xn--mil-moa.xn--exmple-cua.test (mäil.exämple.test)` for an international name, else the name itself. */
export function displayHost(host: string): string {
  if (!host.includes('xn--')) return host;
  const unicode = domainToUnicode(host);
  return unicode === '' || unicode === host ? host : `${host} (${unicode})`;
}

/** The request with the manual account's host names in DNS form, or which one is not a host name. */
export function normalizeDiagnosisStart(request: DiagnosisStartRequest): Result<DiagnosisStartRequest, 'invalid-host'> {
  const { manual } = request;
  if (manual === undefined) return ok(request);
  const incoming = toDnsHost(manual.incoming.host);
  if (!incoming.ok) return err('invalid-host', `the incoming server's name ${incoming.error.message}`);
  const outgoing = toDnsHost(manual.outgoing.host);
  if (!outgoing.ok) return err('invalid-host', `the outgoing server's name ${outgoing.error.message}`);
  return ok({
    ...request,
    manual: { ...manual, incoming: { ...manual.incoming, host: incoming.value }, outgoing: { ...manual.outgoing, host: outgoing.value } },
  });
}
