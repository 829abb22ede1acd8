/**
 * Binds the runner's ProbeSet to the real probe modules in electron/probes/.
 * The options are what a caller may point elsewhere (tests, IT scripts): never a way to turn a
 * safety off — certificates are always verified, logins always budgeted by the runner.
 */
import type { MailProtocol } from '../../shared/model/account';
import { checkInternet } from '../probes/internet';
import { discoverPublished } from '../probes/dns';
import { resolveHost } from '../probes/dns';
import { connectToServer, finishWithoutLogin, type ServerSession } from '../probes/serverConnection';
import { loginImapOn, preloadImapLibrary } from '../probes/imap';
import { loginPop3On } from '../probes/pop3';
import { loginSmtpOn, preloadSmtpLibrary, probeSmtpWithoutAuthOn } from '../probes/smtp';
import type { LoginResult } from '../probes/login';
import type { LoginCredentials, ProbeContext } from '../probes/types';
import { defaultWebmailUrls, probeWebmailUrls } from '../probes/webmail';
import { findPublicIp } from '../probes/publicIp';
import type { OpenConnection, ProbeSet } from './probeSet';

export interface RealProbeOptions {
  /** The captive-portal check URL (default Apple's hotspot-detect page). */
  readonly captivePortalUrl?: string;
  /** Webmail URLs to try instead of the cPanel defaults (webmail.<domain>, <host>:2096, <domain>/webmail). */
  readonly webmailUrls?: readonly string[];
  /** Ask OpenDNS for the public IP when the SMTP server did not echo it (managed preference). */
  readonly publicIpLookup: boolean;
  /** The resolver asked for `myip.opendns.com` ("IP[:PORT]"; default resolver1.opendns.com). */
  readonly publicIpResolver?: string;
  /** Run the internet / captive-portal check (managed preference CaptivePortalCheckEnabled; default true). */
  readonly captivePortalCheck?: boolean;
  /** Contact webmail addresses at all (managed preference WebmailCheckEnabled; default true). */
  readonly webmailCheck?: boolean;
  /** Fetch the domain's autoconfig file over HTTPS (managed preference AutoconfigLookupEnabled; default true). */
  readonly autoconfigLookup?: boolean;
}

/** Said in the report when IT turned the captive-portal check off: nothing was sent to check it. */
export const CAPTIVE_CHECK_OFF_REASON = 'turned off by IT (managed preference CaptivePortalCheckEnabled)';

export function realProbeSet(options: RealProbeOptions): ProbeSet {
  return {
    internet: (ctx) =>
      options.captivePortalCheck === false
        ? Promise.resolve({ kind: 'skipped', reason: CAPTIVE_CHECK_OFF_REASON })
        : checkInternet(ctx, {
        ...(options.captivePortalUrl === undefined
          ? {}
          : { captiveUrl: options.captivePortalUrl, wellKnownName: new URL(options.captivePortalUrl).hostname }),
      }),
    resolveHost: (host, ctx) => resolveHost(host, ctx),
    published: (domain, ctx) => discoverPublished(domain, ctx, options.autoconfigLookup === false ? { skipAutoconfig: true } : {}),
    connect: async (endpoint, ctx, texts, plan) => {
      const { whileWaiting } = plan;
      const { report, session } = await connectToServer(endpoint, ctx, { texts, ...(whileWaiting === undefined ? {} : { whileWaiting }) });
      return {
        tcp: report.tcp,
        tls: report.tls,
        capabilities: report.capabilities,
        ...(report.greeting === undefined ? {} : { greeting: report.greeting }),
        ...(report.ehloEchoIp === undefined ? {} : { ehloEchoIp: report.ehloEchoIp }),
        ...(report.starttlsAdvertised === undefined ? {} : { starttlsAdvertised: report.starttlsAdvertised }),
        ...(session === undefined ? {} : { open: openConnection(session) }),
      };
    },
    prepareLogin: (protocol) => LIBRARY_PRELOADS[protocol]?.(),
    webmail: (domain, mailHost, ctx) =>
      options.webmailCheck === false ? Promise.resolve([]) : probeWebmailUrls(options.webmailUrls ?? defaultWebmailUrls(domain, mailHost), ctx),
    publicIpFallback: (ctx) =>
      findPublicIp(ctx, {
        useOpenDns: options.publicIpLookup,
        ...(options.publicIpResolver === undefined ? {} : { openDnsResolver: options.publicIpResolver }),
      }),
  };
}

/** The library each protocol's login loads (POP3 has none: its dialogue is ours). */
const LIBRARY_PRELOADS: Readonly<Record<MailProtocol, (() => void) | undefined>> = {
  imap: preloadImapLibrary,
  pop3: undefined,
  smtp: preloadSmtpLibrary,
};

function loginOn(session: ServerSession, credentials: LoginCredentials, ctx: ProbeContext): Promise<LoginResult> {
  switch (session.protocol) {
    case 'imap':
      return loginImapOn(session, credentials, ctx);
    case 'pop3':
      return loginPop3On(session, credentials, ctx);
    case 'smtp':
      return loginSmtpOn(session, credentials, ctx);
  }
}

/** The runner's view of an open connection: each method ends it. */
function openConnection(session: ServerSession): OpenConnection {
  return {
    login: (credentials, ctx) => loginOn(session, credentials, ctx),
    relayWithoutAuth: async (envelope, ctx) => {
      if (session.protocol !== 'smtp') {
        session.close();
        return { outcome: { kind: 'error', errorCode: 'WRONG_PROTOCOL', message: `the relay check needs an SMTP server, not ${session.protocol}` }, capabilities: [] };
      }
      return probeSmtpWithoutAuthOn(session, envelope, ctx);
    },
    finish: (ctx) => finishWithoutLogin(session, ctx),
    close: () => session.close(),
  };
}
