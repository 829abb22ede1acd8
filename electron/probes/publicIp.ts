/**
 * Public IP probe: the address our mail server sees us as. Best source: the SMTP EHLO echo
 * (`250-host Hello name [ip]`), from the very server whose firewall/cPHulk may have banned us, over
 * the same path and IP version. Optional fallback: OpenDNS's `myip.opendns.com` asked directly of
 * `resolver1.opendns.com` (a DNS answer, no web service); it can be turned off.
 */
import net from 'node:net';
import { Resolver } from 'node:dns/promises';
import type { PublicIpOutcome } from '../../shared/probes/outcomes';
import { errorCodeOf } from '../errors';
import { remainingMs, runWithDeadline } from './deadline';
import type { ProbeContext } from './types';

/** resolver1.opendns.com's well-known anycast address (asking by address avoids a lookup through the local resolver). */
export const OPENDNS_RESOLVER = '208.67.222.222';
export const OPENDNS_MYIP_NAME = 'myip.opendns.com';

export interface PublicIpOptions {
  /** The EHLO echo the smtp/tls probe parsed, if any. */
  readonly ehloEchoIp?: string;
  /** Ask OpenDNS when there is no EHLO echo (default true; off keeps the check inside the mail server's path). */
  readonly useOpenDns?: boolean;
  /** Injectable for tests (a loopback dnsmasq): resolver "IP[:PORT]" and the name to ask. */
  readonly openDnsResolver?: string;
  readonly openDnsName?: string;
}

/** Finds our public IP. Never rejects. */
export async function findPublicIp(ctx: ProbeContext, options: PublicIpOptions = {}): Promise<PublicIpOutcome> {
  const echo = options.ehloEchoIp;
  if (echo !== undefined && net.isIP(echo) !== 0) return { kind: 'found', ip: echo, from: 'smtp-ehlo' };
  if (options.useOpenDns === false) return { kind: 'unknown', reason: 'no EHLO echo and the OpenDNS lookup is turned off' };
  const server = options.openDnsResolver ?? OPENDNS_RESOLVER;
  const name = options.openDnsName ?? OPENDNS_MYIP_NAME;
  return runWithDeadline<PublicIpOutcome>(
    ctx,
    async (scope) => {
      const resolver = new Resolver({ timeout: Math.max(1, Math.min(remainingMs(ctx), 5000)), tries: 1 });
      resolver.setServers([server]);
      scope.track({ destroy: () => resolver.cancel() });
      try {
        const [ip] = await resolver.resolve4(name);
        return ip !== undefined && net.isIP(ip) !== 0 ? { kind: 'found', ip, from: 'opendns' } : { kind: 'unknown', reason: 'OpenDNS gave no address' };
      } catch (error) {
        return { kind: 'unknown', reason: `OpenDNS lookup failed: ${errorCodeOf(error)}` };
      }
    },
    (reason) => ({ kind: 'unknown', reason: reason === 'deadline' ? 'OpenDNS lookup timed out' : 'cancelled' }),
    (error) => ({ kind: 'unknown', reason: `OpenDNS lookup failed: ${errorCodeOf(error)}` }),
  );
}
