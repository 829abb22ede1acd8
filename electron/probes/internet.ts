/**
 * Internet probe: is there a network, does name resolution work, and is a captive portal (hotel or
 * airport login page) in the way? Same method as macOS itself: resolve a well-known name, then fetch
 * Apple's captive-portal page over plain HTTP (a portal can only intercept cleartext) and expect "Success".
 */
import os from 'node:os';
import type { InternetOutcome } from '../../shared/probes/outcomes';
import { resolveHost } from './dns';
import { httpGet } from './httpGet';
import type { ProbeContext } from './types';

export interface InternetCheckOptions {
  /** A name that always resolves when DNS works. */
  readonly wellKnownName?: string;
  /** Plain-HTTP URL answering `expectedBody` when nothing intercepts the traffic. */
  readonly captiveUrl?: string;
  readonly expectedBody?: string;
  /** The machine's network interfaces (injectable so the "no network at all" branch is testable). */
  readonly interfaces?: () => NodeJS.Dict<os.NetworkInterfaceInfo[]>;
}

export const DEFAULT_CAPTIVE_URL = 'http://captive.apple.com/hotspot-detect.html';
export const DEFAULT_WELL_KNOWN_NAME = 'captive.apple.com';

/** True when some interface other than loopback has an address (Wi-Fi/Ethernet/VPN up). */
export function hasExternalInterface(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): boolean {
  return Object.values(interfaces).some((list) => (list ?? []).some((info) => !info.internal));
}

/** Runs the internet check. Never rejects. */
export async function checkInternet(ctx: ProbeContext, options: InternetCheckOptions = {}): Promise<InternetOutcome> {
  const started = Date.now();
  const captiveUrl = options.captiveUrl ?? DEFAULT_CAPTIVE_URL;
  const expected = options.expectedBody ?? 'Success';
  const outcome = await runInternetCheck(ctx, captiveUrl, expected, started, options);
  // The interface list only explains a failure: an answer from the check server is proof of a network
  // (a VPN or a loopback test server counts, and so does a captive portal's login page, which only a
  // network can serve), but a failure with no interface up is "no network", not "DNS broken".
  const networkAnswered = outcome.kind === 'online' || outcome.kind === 'captive-portal';
  if (!networkAnswered && !hasExternalInterface((options.interfaces ?? os.networkInterfaces)())) {
    return { kind: 'no-network', errorCode: 'NO_INTERFACE' };
  }
  return outcome;
}

async function runInternetCheck(
  ctx: ProbeContext,
  captiveUrl: string,
  expected: string,
  started: number,
  options: InternetCheckOptions,
): Promise<InternetOutcome> {
  const resolution = await resolveHost(options.wellKnownName ?? DEFAULT_WELL_KNOWN_NAME, ctx);
  if (resolution.kind !== 'resolved') {
    const code = resolution.kind === 'error' ? resolution.errorCode : resolution.kind === 'not-found' ? 'ENOTFOUND' : resolution.kind === 'no-address' ? 'ENODATA' : 'ETIMEOUT';
    return { kind: 'dns-broken', errorCode: code };
  }

  // No redirects followed: a redirect IS the portal's signature.
  const response = await httpGet(captiveUrl, ctx, { maxBodyBytes: 64 * 1024, maxRedirects: 0 });
  switch (response.kind) {
    case 'response':
      if (response.status === 200 && response.body.includes(expected)) return { kind: 'online', checkedUrl: captiveUrl, durationMs: Date.now() - started };
      return {
        kind: 'captive-portal',
        checkedUrl: captiveUrl,
        httpStatus: response.status,
        ...(response.location === undefined ? {} : { redirectedTo: response.location }),
      };
    case 'dns-failed':
      return { kind: 'dns-broken', errorCode: response.errorCode };
    case 'connect-failed': {
      const tcp = response.tcp;
      const code = tcp.kind === 'unreachable' || tcp.kind === 'error' ? tcp.errorCode : tcp.kind === 'refused' ? 'ECONNREFUSED' : tcp.kind === 'reset' ? 'ECONNRESET' : 'ETIMEDOUT';
      return { kind: 'no-network', errorCode: code };
    }
    case 'timeout':
      return { kind: 'no-network', errorCode: 'ETIMEDOUT' };
    case 'tls-failed':
      return { kind: 'no-network', errorCode: response.code };
    case 'error':
      return { kind: 'no-network', errorCode: response.errorCode };
  }
}
