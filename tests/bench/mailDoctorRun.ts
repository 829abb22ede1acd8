/**
 * One Mail Doctor diagnosis, exactly the pipeline the app and the CLI run (electron/diagnosis/diagnoseAccounts):
 * a manual account (IMAP implicit TLS + SMTP STARTTLS), the default 5 s phase deadlines, the real probes,
 * the login ledger in `stateDir`. Only where it looks is pointed at the loopback rig: the test DNS server,
 * the test CA (added to the trusted roots, verification stays on), loopback captive-check and webmail pages,
 * and no public-IP lookup (that would ask OpenDNS).
 */
import { randomUUID } from 'node:crypto';
import { diagnoseAccounts } from '../../electron/diagnosis/diagnoseAccounts';
import type { MailServersInfo } from '../servers/types';
import type { WebFixtures } from '../integration/cli/support';

export interface MailDoctorTarget {
  readonly info: MailServersInfo;
  readonly web: WebFixtures;
  readonly imapPort: number;
  readonly smtpPort: number;
  readonly user: string;
  readonly password: string;
  /** The login ledger's folder; reuse it across runs to see the ledger at work. */
  readonly stateDir: string;
  /** An empty folder: a manual account reads nothing from a Mac home. */
  readonly home: string;
}

export interface MailDoctorResult {
  readonly ms: number;
  readonly verdict: string;
  readonly incomingLogin: string;
  readonly outgoingLogin: string;
  /** Each probe's own duration, as the runner reported it (shows where the time goes). */
  readonly probes: readonly { readonly probe: string; readonly ms: number; readonly endedAtMs: number }[];
  /** Each side's login as the `login-finished` progress event announced it (what the CLI and window show at once). */
  readonly loginsShown: readonly { readonly role: string; readonly outcome: string; readonly atMs: number }[];
  /** The server's own time to answer each password (`authReplyMs`), where one was sent. */
  readonly authReplyMs: { readonly incoming?: number; readonly outgoing?: number };
}

export async function runMailDoctor(target: MailDoctorTarget): Promise<MailDoctorResult> {
  const { info, web } = target;
  const host = info.dns.names.mail;
  const probes: { probe: string; ms: number; endedAtMs: number }[] = [];
  const loginsShown: { role: string; outcome: string; atMs: number }[] = [];
  const started = performance.now();
  const run = await diagnoseAccounts({
    home: target.home,
    homeSource: 'given',
    stateDir: target.stateDir,
    request: {
      noLogin: false,
      manual: {
        email: target.user,
        incoming: { protocol: 'imap', host, port: target.imapPort, tls: 'implicit', username: target.user },
        outgoing: { protocol: 'smtp', host, port: target.smtpPort, tls: 'starttls', username: target.user },
        password: target.password,
      },
    },
    runId: randomUUID(),
    signal: new AbortController().signal,
    onProgress: (event) => {
      if (event.type === 'probe-finished') probes.push({ probe: event.probe, ms: event.durationMs, endedAtMs: performance.now() - started });
      if (event.type === 'login-finished') loginsShown.push({ role: event.role, outcome: event.outcome.kind, atMs: performance.now() - started });
    },
    tuning: {
      dnsServers: [`${info.dns.host}:${info.dns.port}`],
      caFiles: [info.caFile],
      probes: { captivePortalUrl: web.captiveUrl, webmailUrls: [web.webmailUrl], publicIpLookup: false },
    },
  });
  const ms = performance.now() - started;
  const account = run.accounts[0];
  if (account === undefined) throw new Error('the diagnosis returned no account for the manual request');
  const loginKind = (server: typeof account.probes.incoming): string => server?.login.kind ?? 'none';
  const replyMs = (server: typeof account.probes.incoming): number | undefined => {
    const login = server?.login;
    return login !== undefined && 'authReplyMs' in login && typeof login.authReplyMs === 'number' ? login.authReplyMs : undefined;
  };
  const incomingReply = replyMs(account.probes.incoming);
  const outgoingReply = replyMs(account.probes.outgoing);
  return {
    ms,
    verdict: account.verdict.code,
    incomingLogin: loginKind(account.probes.incoming),
    outgoingLogin: loginKind(account.probes.outgoing),
    probes,
    loginsShown,
    authReplyMs: { ...(incomingReply === undefined ? {} : { incoming: incomingReply }), ...(outgoingReply === undefined ? {} : { outgoing: outgoingReply }) },
  };
}
