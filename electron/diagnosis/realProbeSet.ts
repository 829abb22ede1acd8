/**
 * Binds the runner's ProbeSet to the real probe modules in electron/probes/.
 * The options are what a caller may point elsewhere (tests, IT scripts): never a way to turn a
 * safety off — certificates are always verified, logins always budgeted by the runner.
 */
import { checkInternet } from '../probes/internet';
import { discoverPublished } from '../probes/dns';
import { resolveHost } from '../probes/dns';
import { probeTls } from '../probes/tls';
import { loginImap } from '../probes/imap';
import { loginPop3 } from '../probes/pop3';
import { loginSmtp, probeSmtpWithoutAuth } from '../probes/smtp';
import { defaultWebmailUrls, probeWebmailUrls } from '../probes/webmail';
import { findPublicIp } from '../probes/publicIp';
import type { ProbeSet } from './probeSet';

export interface RealProbeOptions {
  /** The captive-portal check URL (default Apple's hotspot-detect page). */
  readonly captivePortalUrl?: string;
  /** Webmail URLs to try instead of the cPanel defaults (webmail.<domain>, <host>:2096, <domain>/webmail). */
  readonly webmailUrls?: readonly string[];
  /** Ask OpenDNS for the public IP when the SMTP server did not echo it (managed preference). */
  readonly publicIpLookup: boolean;
  /** The resolver asked for `myip.opendns.com` ("IP[:PORT]"; default resolver1.opendns.com). */
  readonly publicIpResolver?: string;
}

export function realProbeSet(options: RealProbeOptions): ProbeSet {
  return {
    internet: (ctx) =>
      checkInternet(ctx, {
        ...(options.captivePortalUrl === undefined
          ? {}
          : { captiveUrl: options.captivePortalUrl, wellKnownName: new URL(options.captivePortalUrl).hostname }),
      }),
    resolveHost: (host, ctx) => resolveHost(host, ctx),
    published: (domain, ctx) => discoverPublished(domain, ctx),
    tls: async (endpoint, ctx) => {
      const report = await probeTls(endpoint, ctx);
      return {
        tcp: report.tcp,
        tls: report.tls,
        capabilities: report.capabilities,
        ...(report.greeting === undefined ? {} : { greeting: report.greeting }),
        ...(report.ehloEchoIp === undefined ? {} : { ehloEchoIp: report.ehloEchoIp }),
      };
    },
    login: (endpoint, credentials, ctx) => {
      switch (endpoint.protocol) {
        case 'imap':
          return loginImap(endpoint, credentials, ctx);
        case 'pop3':
          return loginPop3(endpoint, credentials, ctx);
        case 'smtp':
          return loginSmtp(endpoint, credentials, ctx);
      }
    },
    relayWithoutAuth: async (endpoint, envelope, ctx) => (await probeSmtpWithoutAuth(endpoint, envelope, ctx)).outcome,
    webmail: (domain, mailHost, ctx) =>
      probeWebmailUrls(options.webmailUrls ?? defaultWebmailUrls(domain, mailHost), ctx),
    publicIpFallback: (ctx) =>
      findPublicIp(ctx, {
        useOpenDns: options.publicIpLookup,
        ...(options.publicIpResolver === undefined ? {} : { openDnsResolver: options.publicIpResolver }),
      }),
  };
}
