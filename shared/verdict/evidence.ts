/**
 * The evidence shown under each checklist step: plain words (catalog labels) first, the raw detail
 * (server reply, greeting, certificate issuer...) second. Never a secret: probes and readers keep none.
 */
import type { ChecklistStepId } from '../checklist/steps';
import type { AccountFacts, EvidenceItem } from '../diagnosis/types';
import type { LoggedAuthReply, LoggedConnectFailure } from '../model/evidence';
import type { LoginOutcome, ServerProbeResult, TlsOutcome, WebmailOutcome } from '../probes/outcomes';
import type { Analysis, Side } from './analysis';
import { evidenceItem, SKIP_REASONS, type EvidenceLabel } from './catalog';
import { formatDuration, type TextFormatOptions } from './format';
import type { PlainParams } from '../diagnosis/types';

/** How many of Mail's logged login replies to show per side (newest first). */
const MAIL_LOG_REPLIES_SHOWN = 3;

type Add = (label: EvidenceLabel, params: PlainParams, raw?: string) => void;

function internetEvidence(facts: AccountFacts, add: Add): void {
  const internet = facts.internet;
  switch (internet.kind) {
    case 'online':
      add('internetOnline', { checkedUrl: internet.checkedUrl, duration: formatDuration(internet.durationMs) });
      return;
    case 'captive-portal':
      add(
        'internetCaptive',
        internet.redirectedTo === undefined
          ? { httpStatus: internet.httpStatus }
          : { httpStatus: internet.httpStatus, redirectedTo: internet.redirectedTo },
      );
      return;
    case 'dns-broken':
      add('internetDnsBroken', { errorCode: internet.errorCode });
      return;
    case 'no-network':
      add('internetNoNetwork', { errorCode: internet.errorCode });
      return;
    case 'skipped':
      add('internetSkipped', {}, internet.reason);
      return;
  }
}

function webmailEvidence(outcome: WebmailOutcome, add: Add): void {
  switch (outcome.kind) {
    case 'page':
      add('webmailPage', { url: outcome.url, httpStatus: outcome.httpStatus, page: outcome.page });
      return;
    case 'tls-failed':
      add('webmailTlsFailed', { url: outcome.url, problem: outcome.problem }, outcome.code);
      return;
    case 'unreachable':
      add('webmailUnreachable', { url: outcome.url, tcp: outcome.tcp.kind });
      return;
    case 'not-found':
      add('webmailNotFound', { url: outcome.url, errorCode: outcome.errorCode });
      return;
  }
}

function tlsEvidence(probe: ServerProbeResult, tls: TlsOutcome, add: Add): void {
  const host = probe.host;
  switch (tls.kind) {
    case 'established': {
      const cert = tls.certificate;
      const certNames = cert.names.length > 0 ? cert.names.join(', ') : (cert.subjectCommonName ?? 'no name');
      add(
        'tlsEstablished',
        {
          host,
          protocol: tls.protocol,
          certNames,
          validToAt: cert.validTo,
          issuer: cert.issuer,
          verified: tls.verification.ok,
          problem: tls.verification.ok ? '' : tls.verification.problem,
        },
        `${tls.protocol} ${tls.cipher}; issuer: ${cert.issuer}; valid ${cert.validFrom} to ${cert.validTo}; SHA-256 ${cert.fingerprintSha256}` +
          (tls.verification.ok ? '' : `; ${tls.verification.code}`),
      );
      return;
    }
    case 'starttls-not-offered':
      add('tlsStarttlsNotOffered', { host, port: probe.port });
      return;
    case 'starttls-withdrawn':
      add('tlsStarttlsWithdrawn', { host, port: probe.port }, `advertised on the ${tls.advertisedOn}`);
      return;
    case 'plaintext-on-tls-port':
      add('tlsPlaintext', { host, port: probe.port }, tls.firstBytes);
      return;
    case 'tls-on-plaintext-port':
      add('tlsFromFirstByte', {
        host,
        port: probe.port,
        duration: formatDuration(tls.silentMs),
        proof: tls.proof,
        tlsProtocol: tls.tlsProtocol ?? 'TLS',
        certificateCode: tls.certificateCode ?? 'unknown',
      });
      return;
    case 'handshake-failed':
      add('tlsHandshakeFailed', { host, errorCode: tls.errorCode }, tls.message);
      return;
    case 'timeout':
      add('tlsTimeout', { host, phase: tls.phase === 'greeting' ? 'greeting' : 'encryption to start' });
      return;
    case 'protocol-error':
      add('tlsProtocolError', { host, phase: tls.phase, errorCode: tls.errorCode }, tls.detail);
      return;
    case 'not-applicable':
      return;
  }
}

function serverEvidence(probe: ServerProbeResult, add: Add): void {
  const role = probe.role;
  const host = probe.host;
  const port = probe.port;
  const resolution = probe.resolution;
  if (resolution.kind === 'resolved') {
    add('resolved', { host, role, addresses: resolution.addresses.map((address) => address.address).join(', ') || 'no address' });
  } else {
    add('notResolved', { host, lookup: resolution.kind }, resolution.kind === 'error' ? resolution.errorCode : undefined);
  }
  const tcp = probe.tcp;
  if (tcp !== null) {
    switch (tcp.kind) {
      case 'connected':
        add('tcpConnected', { host, port, address: tcp.address, duration: formatDuration(tcp.connectMs) });
        break;
      case 'timeout':
        add('tcpTimeout', { host, port, duration: formatDuration(tcp.afterMs) });
        break;
      case 'refused':
        add('tcpRefused', { host, port, duration: formatDuration(tcp.afterMs) });
        break;
      case 'unreachable':
        add('tcpUnreachable', { host, port, errorCode: tcp.errorCode });
        break;
      case 'reset':
        add('tcpReset', { host, port, duration: formatDuration(tcp.afterMs) });
        break;
      case 'error':
        add('tcpError', { host, port, errorCode: tcp.errorCode }, tcp.message);
        break;
    }
  }
  if (probe.greeting !== undefined && probe.greeting !== '') add('greeting', { host }, probe.greeting);
  if (probe.tls !== null) tlsEvidence(probe, probe.tls, add);
}

/** A live login outcome in the catalog's evidence words (the window shows it beside what Mail saw). */
export function loginEvidence(role: Side, login: LoginOutcome, add: Add): void {
  switch (login.kind) {
    case 'accepted':
      add('loginAccepted', { role, duration: formatDuration(login.durationMs) }, login.mechanism);
      return;
    case 'rejected':
      add('loginRejected', { role }, login.serverText);
      return;
    case 'unavailable':
      add('loginUnavailable', { role }, login.serverText);
      return;
    case 'skipped':
      add('loginSkipped', { role, reason: SKIP_REASONS.login[login.reason] });
      return;
    case 'timeout':
      add('loginTimeout', { role, duration: formatDuration(login.afterMs) });
      return;
    case 'error':
      add('loginError', { role, errorCode: login.errorCode }, login.message);
      return;
  }
}

function newestFirst(replies: readonly LoggedAuthReply[]): LoggedAuthReply[] {
  return [...replies].sort((a, b) => (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0));
}

function loginStepEvidence(facts: AccountFacts, analysis: Analysis, side: Side, add: Add): void {
  const view = analysis.sides[side];
  const settings = view.settings;
  if (settings !== null) {
    if (side === 'outgoing' && !settings.authenticationEnabled) add('authenticationOff', {});
    else if (settings.username !== '') add('username', { role: side, username: settings.username });
  }
  if (facts.account.authKind === 'password' && settings !== null) {
    const stored = facts.account.passwords[side];
    const details = stored.attempts
      .map((attempt) => `${attempt.source}: ${attempt.outcome}${attempt.detail === undefined ? '' : ` (${attempt.detail})`}`)
      .join('; ');
    add('storedPassword', { role: side, outcome: stored.outcome, ...(stored.foundIn === 'typed' ? { typed: true } : {}) }, details);
    const comparison = facts.account.passwords.comparison;
    if (comparison !== 'not-applicable') add('passwordComparison', { comparison });
  }
  if (view.probe !== null) loginEvidence(side, view.probe.login, add);
  if (side === 'outgoing' && view.probe?.ehloEchoIp !== undefined) add('ehloIp', { ip: view.probe.ehloEchoIp });

  const evidence = facts.mailEvidence;
  if (evidence === null) return;
  const replies = newestFirst(evidence.connectionLog.authReplies.filter((reply) => reply.side === side)).slice(0, MAIL_LOG_REPLIES_SHOWN);
  for (const reply of replies) add('mailLogReply', { replyAt: reply.at, host: reply.host, result: reply.result }, reply.serverText);
  if (side !== 'incoming') return;
  if (evidence.connectionLog.outcome.kind === 'absent') add('mailLogOff', {});
  const credential = evidence.credentialState;
  if (credential.renewalRejectedAt !== undefined) add('credentialRejected', { rejectedAt: credential.renewalRejectedAt });
  if (credential.authenticatedFlag !== undefined) add('authenticatedFlag', { authenticated: credential.authenticatedFlag });
  const mailbox = evidence.mailbox;
  if (mailbox.outcome.kind === 'read' && mailbox.lastMailReceivedAt !== undefined) {
    add('lastMail', { lastMailAt: mailbox.lastMailReceivedAt, pending: mailbox.pendingLocalActions ?? 0 });
  }
}

export interface ConnectFailuresAtServer {
  readonly host: string;
  readonly port: number;
  readonly count: number;
  readonly lastAt: string;
}

/** Mail's unfinished connects, one entry per server with how many and the latest time. */
export function connectFailuresByServer(failures: readonly LoggedConnectFailure[]): ConnectFailuresAtServer[] {
  const byServer = new Map<string, ConnectFailuresAtServer>();
  for (const failure of failures) {
    const key = `${failure.host.toLowerCase()}:${failure.port}`;
    const seen = byServer.get(key);
    const later = seen === undefined || (Date.parse(failure.at) || 0) > (Date.parse(seen.lastAt) || 0);
    byServer.set(key, {
      host: failure.host,
      port: failure.port,
      count: (seen?.count ?? 0) + 1,
      lastAt: later ? failure.at : (seen?.lastAt ?? failure.at),
    });
  }
  return [...byServer.values()];
}

function connectFailureEvidence(facts: AccountFacts, add: Add): void {
  for (const server of connectFailuresByServer(facts.mailEvidence?.connectionLog.connectFailures ?? [])) {
    add('mailLogConnectFailures', { ...server });
  }
}

/** Evidence items for every step of one account. */
export function collectEvidence(
  facts: AccountFacts,
  analysis: Analysis,
  text: TextFormatOptions,
): Record<ChecklistStepId, EvidenceItem[]> {
  const out: Record<ChecklistStepId, EvidenceItem[]> = {
    restart: [],
    internet: [],
    webmail: [],
    'server-reachable': [],
    'incoming-login': [],
    outgoing: [],
    'ip-blocked': [],
    'admin-reset': [],
    'contact-host': [],
  };
  const adder =
    (step: ChecklistStepId): Add =>
    (label, params, raw) => {
      out[step].push(evidenceItem(label, params, text, raw));
    };

  const uptime = facts.machine.uptimeSeconds;
  if (uptime !== undefined) adder('restart')('uptime', { days: Math.floor(uptime / 86_400) });
  internetEvidence(facts, adder('internet'));
  for (const outcome of facts.probes.webmail) webmailEvidence(outcome, adder('webmail'));
  for (const side of ['incoming', 'outgoing'] as const) {
    const probe = facts.probes[side];
    if (probe !== null) serverEvidence(probe, adder('server-reachable'));
  }
  connectFailureEvidence(facts, adder('server-reachable'));
  loginStepEvidence(facts, analysis, 'incoming', adder('incoming-login'));
  loginStepEvidence(facts, analysis, 'outgoing', adder('outgoing'));
  const blocked = adder('ip-blocked');
  const hostCheck = facts.hostBlockCheck;
  if (hostCheck !== undefined && hostCheck !== null) {
    const failures = hostCheck.failedLogins.map((failure) => `${failure.at} ${failure.service} ${failure.user}`).join('; ');
    blocked(
      'hostBlockCheck',
      { ip: hostCheck.ip, blocked: hostCheck.blocked, cphulkEnabled: hostCheck.cphulkEnabled, checkedAt: hostCheck.checkedAt },
      failures === '' ? undefined : `failed logins: ${failures}`,
    );
  }
  if (facts.publicIp.kind === 'found') blocked('publicIp', { ip: facts.publicIp.ip, from: facts.publicIp.from === 'smtp-ehlo' ? 'your outgoing server' : 'OpenDNS' });
  else blocked('publicIpUnknown', {}, facts.publicIp.reason);
  return out;
}
