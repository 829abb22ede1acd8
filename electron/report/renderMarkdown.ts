/**
 * The Markdown face of the support report. It reads only the projected SupportReportJson (never the
 * DiagnosisRun), so the Markdown and the JSON carry exactly the same facts and the same redaction.
 * Labels here are report structure ("Next step", "Greeting"); the user-facing explanations come from the
 * verdict and the catalog through the projection.
 */
import type { DiscoveryProblem, PasswordLookupAttempt, ServerSettings, StoredPasswordStatus } from '../../shared/model/account';
import type {
  CertificateSummary,
  CertificateVerification,
  HostResolution,
  InternetOutcome,
  LoginOutcome,
  PublicIpOutcome,
  PublishedSettings,
  ServerProbeResult,
  SmtpWithoutAuthOutcome,
  TcpOutcome,
  TlsOutcome,
  WebmailOutcome,
} from '../../shared/probes/outcomes';
import type { FindingParams } from '../../shared/diagnosis/types';
import { OWNER_LABELS } from '../../shared/verdict/catalog';
import { displayHost } from '../hostNames';
import { bullet, codeBlock, facts, heading, table } from './markdown';
import type { ReportAccount, ReportStep, SupportReportJson } from './reportModel';

// ---------------------------------------------------------------- describing outcomes in one line

function describeInternet(outcome: InternetOutcome): string {
  switch (outcome.kind) {
    case 'online':
      return `online (${outcome.checkedUrl} answered in ${outcome.durationMs} ms)`;
    case 'captive-portal':
      return `captive portal (${outcome.checkedUrl} answered HTTP ${outcome.httpStatus}${outcome.redirectedTo === undefined ? '' : `, redirected to ${outcome.redirectedTo}`})`;
    case 'dns-broken':
      return `DNS not working (${outcome.errorCode})`;
    case 'no-network':
      return `no network (${outcome.errorCode})`;
    case 'skipped':
      return `not checked: ${outcome.reason}`;
  }
}

function describePublicIp(outcome: PublicIpOutcome): string {
  return outcome.kind === 'found' ? `${outcome.ip} (from ${outcome.from})` : `unknown: ${outcome.reason}`;
}

function describeDiscoveryProblem(problem: DiscoveryProblem): string {
  switch (problem.kind) {
    case 'full-disk-access-needed':
      return `full-disk-access-needed: ${problem.path}`;
    case 'no-mail-accounts-found':
      return `no-mail-accounts-found (searched: ${problem.searched.join(', ')})`;
    case 'store-unreadable':
      return `store-unreadable: ${problem.path}: ${problem.reason}`;
    case 'not-macos':
      return 'not-macos';
  }
}

function describeResolution(resolution: HostResolution): string {
  switch (resolution.kind) {
    case 'resolved':
      return `resolved: ${resolution.addresses.map((address) => `${address.address} (IPv${address.family})`).join(', ')}`;
    case 'not-found':
      return `not found (NXDOMAIN): ${resolution.host}`;
    case 'no-address':
      return `no address record: ${resolution.host}`;
    case 'timeout':
      return `timed out: ${resolution.host}`;
    case 'error':
      return `error ${resolution.errorCode}: ${resolution.host}`;
  }
}

function describeTcp(outcome: TcpOutcome | null): string {
  if (outcome === null) return 'not tried';
  switch (outcome.kind) {
    case 'connected':
      return `connected to ${outcome.address} (IPv${outcome.family}) in ${outcome.connectMs} ms`;
    case 'refused':
      return `refused by ${outcome.address} after ${outcome.afterMs} ms`;
    case 'timeout':
      return `no answer (timed out after ${outcome.afterMs} ms)`;
    case 'unreachable':
      return `unreachable (${outcome.errorCode})`;
    case 'reset':
      return `reset by the server after ${outcome.afterMs} ms`;
    case 'error':
      return `error ${outcome.errorCode}: ${outcome.message}`;
  }
}

function describeTls(outcome: TlsOutcome | null): string {
  if (outcome === null) return 'not tried';
  switch (outcome.kind) {
    case 'established':
      return `${outcome.mode}: ${outcome.protocol}, ${outcome.cipher}, handshake ${outcome.handshakeMs} ms`;
    case 'starttls-not-offered':
      return 'STARTTLS not offered by the server';
    case 'starttls-withdrawn':
      return `STARTTLS offered, then withdrawn (${outcome.advertisedOn === 'same-connection' ? 'on the same connection' : 'on another connection'}): possible interception`;
    case 'plaintext-on-tls-port':
      return `plain text on a TLS port (server sent: ${outcome.firstBytes})`;
    case 'tls-on-plaintext-port':
      return `TLS from the first byte on a port configured for plain text or STARTTLS (silent for ${outcome.silentMs} ms; ${
        outcome.proof === 'handshake' ? `TLS handshake completed${outcome.tlsProtocol === undefined ? '' : `, ${outcome.tlsProtocol}`}` : `TLS answered, certificate refused (${outcome.certificateCode ?? 'unknown'})`
      })`;
    case 'handshake-failed':
      return `handshake failed ${outcome.errorCode}: ${outcome.message}`;
    case 'timeout':
      return `timed out during ${outcome.phase} after ${outcome.afterMs} ms`;
    case 'not-applicable':
      return `not applicable (${outcome.reason})`;
    case 'protocol-error':
      return `protocol error during ${outcome.phase} (${outcome.errorCode}): ${outcome.detail}`;
  }
}

function describeVerification(verification: CertificateVerification): string {
  return verification.ok ? 'valid' : `${verification.problem} (${verification.code})`;
}

function certificateFacts(certificate: CertificateSummary, verification: CertificateVerification): [string, string][] {
  return [
    ['Certificate check', describeVerification(verification)],
    ['Certificate subject', certificate.subjectCommonName ?? '(none)'],
    ['Certificate names', certificate.names.join(', ')],
    ['Certificate issuer', certificate.issuer],
    ['Certificate valid', `${certificate.validFrom} to ${certificate.validTo}`],
    ['Certificate self-signed', certificate.selfSigned ? 'yes' : 'no'],
    ['Certificate SHA-256', certificate.fingerprintSha256],
  ];
}

function describeLogin(outcome: LoginOutcome): string {
  switch (outcome.kind) {
    case 'accepted':
      return `accepted${outcome.mechanism === undefined ? '' : ` (${outcome.mechanism})`} in ${outcome.durationMs} ms`;
    case 'rejected':
      return `rejected${outcome.responseCode === undefined ? '' : ` [${outcome.responseCode}]`} after ${outcome.durationMs} ms: ${outcome.serverText}`;
    case 'unavailable':
      return `server refuses to authenticate here: ${outcome.serverText}`;
    case 'skipped':
      return `not attempted (${outcome.reason})${outcome.safeAfter === undefined ? '' : `, safe to try after ${outcome.safeAfter}`}`;
    case 'timeout':
      return outcome.phase === 'auth' ? `no answer to the login within ${outcome.afterMs} ms` : `timed out after ${outcome.afterMs} ms`;
    case 'error':
      return `error ${outcome.errorCode}: ${outcome.message}`;
  }
}

function describeWebmail(outcome: WebmailOutcome): string {
  switch (outcome.kind) {
    case 'page':
      return `HTTP ${outcome.httpStatus}: ${outcome.page}`;
    case 'tls-failed':
      return `certificate problem: ${outcome.problem} (${outcome.code})`;
    case 'unreachable':
      return `unreachable: ${describeTcp(outcome.tcp)}`;
    case 'not-found':
      return `not found (${outcome.errorCode})`;
  }
}

function describeParams(params: FindingParams): string {
  return Object.entries(params)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');
}

/** A typed password is never called a saved one: the person typed it for this check. */
function describePasswordStatus(status: StoredPasswordStatus): string {
  if (status.foundIn === 'typed') return 'the password you typed (for this check only)';
  return status.foundIn === undefined ? status.outcome : `${status.outcome} (${status.foundIn})`;
}

function passwordRowLabel(account: ReportAccount): string {
  const typed = account.passwords.incoming.foundIn === 'typed' || account.passwords.outgoing.foundIn === 'typed';
  return typed ? 'Password used' : 'Saved password';
}

// ---------------------------------------------------------------- sections

function settingsSection(account: ReportAccount): string[] {
  const { incoming, outgoing, outgoingLink } = account.settings;
  const cell = (settings: ServerSettings | null, pick: (settings: ServerSettings) => string): string =>
    settings === null ? '(none)' : pick(settings);
  const row = (label: string, pick: (settings: ServerSettings) => string): string[] => [label, cell(incoming, pick), cell(outgoing, pick)];
  const link =
    outgoingLink.kind === 'linked' ? `linked (${outgoingLink.via})` : outgoingLink.kind === 'unresolved' ? `unresolved: ${outgoingLink.identifier}` : 'none';
  const attempts: { side: string; attempt: PasswordLookupAttempt }[] = [
    ...account.passwords.incoming.attempts.map((attempt) => ({ side: 'incoming', attempt })),
    ...account.passwords.outgoing.attempts.map((attempt) => ({ side: 'outgoing', attempt })),
  ];
  const lines = [
    heading(3, 'Settings Mail stored'),
    '',
    table(
      ['', 'Incoming', 'Outgoing'],
      [
        row('Protocol', (settings) => settings.protocol),
        row('Host', (settings) => displayHost(settings.host)),
        row('Port', (settings) => String(settings.port)),
        row('TLS', (settings) => settings.tls),
        row('User name', (settings) => (settings.username === '' ? '(none)' : settings.username)),
        row('Authentication', (settings) => (settings.authenticationEnabled ? 'on' : 'off')),
        row('Authentication scheme', (settings) => settings.authScheme ?? '(not stored)'),
        row('Inherited from parent', (settings) => (settings.inherited ?? []).join(', ') || '(none)'),
        [passwordRowLabel(account), describePasswordStatus(account.passwords.incoming), describePasswordStatus(account.passwords.outgoing)],
      ],
    ),
    '',
    facts([
      ['Saved passwords compared', account.passwords.comparison],
      ['Link to the outgoing server', link],
    ]),
  ];
  if (attempts.length > 0) {
    lines.push(
      '',
      table(
        ['Password lookup', 'Server', 'Outcome', 'Detail'],
        attempts.map(({ side, attempt }) => [attempt.source, side, attempt.outcome, attempt.detail ?? '']),
      ),
    );
  }
  if (account.readProblems.length > 0) {
    lines.push('', 'Problems reading this account:', '', ...account.readProblems.map(bullet));
  }
  return lines;
}

function serverSection(label: string, server: ServerProbeResult | null): string[] {
  if (server === null) return [heading(4, `${label}: not checked`)];
  const rows: [string, string][] = [
    ['Server', `${server.protocol} ${displayHost(server.host)}:${server.port} (TLS ${server.tlsMode})`],
    ['DNS', describeResolution(server.resolution)],
    ['Connection', describeTcp(server.tcp)],
    ['TLS', describeTls(server.tls)],
  ];
  if (server.tls !== null && server.tls.kind === 'established') {
    rows.push(...certificateFacts(server.tls.certificate, server.tls.verification));
  }
  rows.push(['Greeting', server.greeting ?? '(none)']);
  rows.push(['Capabilities', server.capabilities.length > 0 ? server.capabilities.join(' ') : '(none)']);
  rows.push(['Login', describeLogin(server.login)]);
  if (server.ehloEchoIp !== undefined) rows.push(['Our address as the server saw it', server.ehloEchoIp]);
  if (server.relayWithoutAuth !== undefined) rows.push(['Mail without a login (stopped before sending)', describeRelay(server.relayWithoutAuth)]);
  return [heading(4, `${label}: ${displayHost(server.host)}`), '', facts(rows)];
}

function publishedSection(published: PublishedSettings | null): string[] {
  if (published === null) return [];
  const lines = [heading(3, `What ${published.domain} publishes`), ''];
  lines.push(
    table(
      ['Record', 'Value'],
      [
        ...published.mx.map((mx) => ['MX', `${mx.priority} ${mx.exchange}`]),
        ...published.srv.map((srv) => [`SRV ${srv.service}`, `${srv.priority} ${srv.weight} ${srv.port} ${srv.target}`]),
        ...published.autoconfig.map((attempt) => [
          'Autoconfig',
          `${attempt.url}: ${attempt.outcome}${attempt.detail === undefined ? '' : ` (${attempt.detail})`}`,
        ]),
        ...published.servers.map((server) => [
          `Published ${server.protocol} server`,
          `${server.host}:${server.port} (TLS ${server.tls}, from ${server.from}${server.usernameTemplate === undefined ? '' : `, user name ${server.usernameTemplate}`})`,
        ]),
      ],
    ),
  );
  return lines;
}

function stepSection(step: ReportStep, position: number): string[] {
  const lines = [heading(4, `${position}. ${step.title}: ${step.status}`)];
  const bullets: string[] = [];
  if (step.reason !== undefined) bullets.push(bullet(`Reason: ${step.reason}`));
  if (step.findings.length > 0) bullets.push(bullet(`Findings: ${step.findings.join(', ')}`));
  for (const item of step.evidence) bullets.push(bullet(item.summary));
  if (bullets.length > 0) lines.push('', ...bullets);
  for (const item of step.evidence) {
    if (item.raw !== undefined) lines.push('', codeBlock(item.raw));
  }
  return lines;
}

function accountSection(account: ReportAccount, position: number): string[] {
  const { verdict } = account;
  const lines: string[] = [
    heading(2, `Account ${position}: ${account.description} (${account.emailAddress})`),
    '',
    facts([
      ['Account id', account.id],
      ['Read from', account.source],
      ['Sign-in kind', account.provider === undefined ? account.authKind : `${account.authKind} (${account.provider})`],
      ['Checked at', account.timings.startedAt],
      ['Duration', `${account.timings.durationMs} ms`],
    ]),
    '',
    heading(3, 'Verdict'),
    '',
    facts([
      ['Code', verdict.code],
      ['Title', verdict.title],
      ['Why', verdict.why],
      ['Next step', verdict.nextStep],
      ['How to', (verdict.howTo ?? []).map((line, index) => `${index + 1}. ${line}`).join(' ')],
      ['Technical details', (verdict.technical ?? []).join('; ')],
      ['Who can fix it', OWNER_LABELS[verdict.fixedBy]],
      ['Where', verdict.side],
      ['Details', describeParams(verdict.params)],
    ]),
    '',
    heading(3, 'Findings'),
    '',
  ];
  lines.push(
    account.findings.length === 0
      ? 'None.'
      : table(
          ['Code', 'Title', 'Where', 'Details'],
          account.findings.map((finding) => [finding.code, finding.title, finding.side, describeParams(finding.params)]),
        ),
  );
  lines.push(
    '',
    heading(3, 'Checklist'),
    '',
    table(
      ['#', 'Step', 'Status', 'Findings'],
      account.steps.map((step, index) => [String(index + 1), step.title, step.status, step.findings.join(', ')]),
    ),
  );
  account.steps.forEach((step, index) => lines.push('', ...stepSection(step, index + 1)));
  lines.push('', ...settingsSection(account));
  lines.push('', heading(3, 'Servers'), '', ...serverSection('Incoming server', account.servers.incoming));
  lines.push('', ...serverSection('Outgoing server', account.servers.outgoing));
  const published = publishedSection(account.published);
  if (published.length > 0) lines.push('', ...published);
  if (account.webmail.length > 0) {
    lines.push(
      '',
      heading(3, 'Webmail'),
      '',
      table(['Address', 'Result'], account.webmail.map((outcome) => [outcome.url, describeWebmail(outcome)])),
    );
  }
  return lines;
}

export function renderMarkdown(report: SupportReportJson): string {
  const lines: string[] = [
    heading(1, 'Mail Doctor support report'),
    '',
    facts([
      ['Report made', report.generatedAt],
      ['Mail Doctor version', report.app.version],
      ['macOS version', report.mac.macosVersion ?? 'unknown'],
      ['Time zone', report.mac.timeZone],
      ...(report.mac.hostName === undefined ? [] : [['Host name', report.mac.hostName] as const]),
      ...(report.mac.serialNumber === undefined ? [] : [['Serial number', report.mac.serialNumber] as const]),
      ['Result', `${report.summary.code} (${report.summary.accountsNotOk} of ${report.summary.accounts} accounts not OK)`],
      ['Run', report.run.runId],
      ['Run started', report.run.startedAt],
      ['Run finished', report.run.finishedAt],
      ['Run duration', `${report.run.durationMs} ms`],
      ['Logins attempted', report.run.noLogin ? 'no (no-login mode)' : 'yes, at most one per protocol'],
      ['Addresses and user names', report.identitiesMasked ? 'masked' : 'shown'],
    ]),
    '',
    heading(2, 'Network'),
    '',
    facts([
      ['Internet', describeInternet(report.internet)],
      ['Public IP address', describePublicIp(report.publicIp)],
    ]),
  ];
  if (report.discoveryProblems.length > 0) {
    lines.push('', heading(2, "Problems reading Mail's accounts"), '', ...report.discoveryProblems.map((problem) => bullet(describeDiscoveryProblem(problem))));
  }
  if (report.managedPreferenceProblems.length > 0) {
    lines.push(
      '',
      heading(2, 'Managed preferences ignored (invalid values)'),
      '',
      ...report.managedPreferenceProblems.map((problem) => bullet(`${problem.path}${problem.key === undefined ? '' : ` ${problem.key}`}: ${problem.reason}`)),
    );
  }
  if (report.accounts.length === 0) lines.push('', 'No accounts were diagnosed.');
  report.accounts.forEach((account, index) => lines.push('', ...accountSection(account, index + 1)));
  return `${lines.join('\n')}\n`;
}

function describeRelay(outcome: SmtpWithoutAuthOutcome): string {
  switch (outcome.kind) {
    case 'refused':
      return `refused at ${outcome.stage === 'rcpt-to' ? 'RCPT TO' : 'MAIL FROM'}: ${outcome.serverText}`;
    case 'accepted':
      return `accepted (${outcome.serverText})`;
    case 'timeout':
      return `no answer within ${String(outcome.afterMs)} ms`;
    case 'skipped':
      return `not checked (${outcome.reason})`;
    case 'error':
      return `${outcome.errorCode}: ${outcome.message}`;
  }
}
