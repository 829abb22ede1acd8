/**
 * TLS probe for IMAP, POP3 and SMTP, implicit (993/995/465) or STARTTLS (143/110/587), plus the
 * credential-free part of the dialogue: greeting, IMAP CAPABILITY / POP3 CAPA / SMTP EHLO, and the
 * SMTP EHLO echo of our address. Verification is always on. When it fails we record why and look at
 * the certificate on a SEPARATE connection that sends nothing but the greeting-time STARTTLS command.
 *
 * Wrong kind of port: implicit TLS configured on a port that greets in plain text is seen by a fresh
 * connection that only reads the greeting (`plaintext-on-tls-port`). STARTTLS or no TLS configured on a
 * port that speaks TLS from the first byte (993 set to STARTTLS) stays silent: when half the time is
 * gone without a greeting, a second connection sends nothing but a TLS ClientHello (verification on)
 * while the first keeps waiting; a TLS answer proves the port's kind (`tls-on-plaintext-port`).
 */
import net, { type Socket } from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import type { MailProtocol } from '../../shared/model/account';
import type { CertificateVerification, ResolvedAddress, TcpOutcome, TlsOutcome } from '../../shared/probes/outcomes';
import { errorCodeOf, errorMessageOf } from '../errors';
import { certificateProblemOf, sniName, summariseCertificate, trustOptions } from './certificate';
import { type DeadlineScope, type Releasable, remainingMs, runWithDeadline } from './deadline';
import { DialogueReader, isLastSmtpLine, type LineFailure, parseEhloEchoIp, printable } from './serverDialogue';
import { openTcp } from './tcp';
import type { ProbeContext, ServerEndpoint } from './types';

/** Everything the credential-free dialogue with one server taught us. */
export interface ServerDialogueReport {
  readonly tcp: TcpOutcome;
  readonly tls: TlsOutcome;
  /** The server's greeting line, verbatim (bounded). */
  readonly greeting?: string;
  /** IMAP CAPABILITY / POP3 CAPA / SMTP EHLO keywords: after TLS when TLS is used, else the plaintext ones. */
  readonly capabilities: readonly string[];
  /** STARTTLS only: what the server advertised in plain text before the upgrade. */
  readonly capabilitiesBeforeTls?: readonly string[];
  /** SMTP: our address as the server saw it, from `250-host Hello name [ip]`. */
  readonly ehloEchoIp?: string;
}

export interface TlsProbeOptions {
  /** Addresses already resolved by the dns probe. */
  readonly addresses?: readonly ResolvedAddress[];
}

/** Node codes that mean "the peer did not speak TLS at all" (e.g. it sent `* OK` or `220`). */
const NOT_TLS_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_UNKNOWN_PROTOCOL',
  'ERR_SSL_HTTP_REQUEST',
  'ERR_SSL_RECORD_LAYER_FAILURE',
  'ECONNRESET',
]);

/** First words of a plaintext mail greeting (or refusal) on each protocol. */
const PLAINTEXT_GREETING = /^(\* (OK|PREAUTH|BYE)|\+OK|-ERR|[245]\d\d[ -])/;

type Phase = 'connect' | 'greeting' | 'starttls' | 'handshake' | 'capabilities';

interface Progress {
  phase: Phase;
  tcp?: TcpOutcome;
  greeting?: string;
  capabilities: string[];
  capabilitiesBeforeTls?: string[];
  ehloEchoIp?: string;
  established?: Extract<TlsOutcome, { kind: 'established' }>;
}

function report(progress: Progress, tlsOutcome: TlsOutcome): ServerDialogueReport {
  return {
    tcp: progress.tcp ?? { kind: 'error', errorCode: 'ABORT_ERR', message: 'stopped before connecting' },
    tls: tlsOutcome,
    capabilities: progress.capabilities,
    ...(progress.greeting === undefined ? {} : { greeting: progress.greeting }),
    ...(progress.capabilitiesBeforeTls === undefined ? {} : { capabilitiesBeforeTls: progress.capabilitiesBeforeTls }),
    ...(progress.ehloEchoIp === undefined ? {} : { ehloEchoIp: progress.ehloEchoIp }),
  };
}

function lineFailureOutcome(failure: LineFailure, phase: 'greeting' | 'capabilities' | 'starttls'): TlsOutcome {
  switch (failure.reason) {
    case 'closed':
      return { kind: 'protocol-error', phase, errorCode: 'CLOSED', detail: 'the server closed the connection' };
    case 'line-too-long':
      return { kind: 'protocol-error', phase, errorCode: 'LINE_TOO_LONG', detail: 'the server sent a line longer than any real mail server does' };
    case 'too-much-data':
      return { kind: 'protocol-error', phase, errorCode: 'TOO_MUCH_DATA', detail: 'the server sent far more data than a greeting' };
    case 'stopped':
      return { kind: 'protocol-error', phase, errorCode: 'ABORT_ERR', detail: 'stopped' };
    case 'socket-error':
      return { kind: 'protocol-error', phase, errorCode: failure.errorCode, detail: `connection error ${failure.errorCode}` };
  }
}

// ------------------------------------------------------------------ protocol dialogue (plain text or over TLS)

interface Dialogue {
  readonly reader: DialogueReader;
  nextTag(): string;
}

type Step<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly outcome: TlsOutcome };

function greetingIsWelcome(protocol: MailProtocol, line: string): boolean {
  switch (protocol) {
    case 'imap':
      return /^\* (OK|PREAUTH)\b/i.test(line);
    case 'pop3':
      return /^\+OK\b/i.test(line);
    case 'smtp':
      return /^220[ -]/.test(line);
  }
}

function greetingIsRefusal(protocol: MailProtocol, line: string): boolean {
  switch (protocol) {
    case 'imap':
      return /^\* BYE\b/i.test(line);
    case 'pop3':
      return /^-ERR\b/i.test(line);
    case 'smtp':
      return /^[45]\d\d[ -]/.test(line);
  }
}

async function readGreeting(protocol: MailProtocol, dialogue: Dialogue): Promise<Step<string>> {
  const reply = protocol === 'smtp' ? await dialogue.reader.readReply(isLastSmtpLine) : await dialogue.reader.readLine().then((r) => (r.ok ? { ok: true as const, lines: [r.line] } : r));
  if (!reply.ok) return { ok: false, outcome: lineFailureOutcome(reply, 'greeting') };
  const first = reply.lines[0] ?? '';
  const shown = printable(reply.lines.join(' | '), 400);
  if (greetingIsRefusal(protocol, first)) return { ok: false, outcome: { kind: 'protocol-error', phase: 'greeting', errorCode: 'SERVER_REFUSED', detail: shown } };
  if (!greetingIsWelcome(protocol, first)) return { ok: false, outcome: { kind: 'protocol-error', phase: 'greeting', errorCode: 'UNEXPECTED_GREETING', detail: shown } };
  return { ok: true, value: printable(first, 400) };
}

function imapCapabilitiesIn(line: string): string[] | undefined {
  const inGreeting = /\[CAPABILITY ([^\]]*)\]/i.exec(line);
  if (inGreeting?.[1] !== undefined) return inGreeting[1].split(/\s+/).filter(Boolean);
  const untagged = /^\* CAPABILITY (.*)$/i.exec(line);
  if (untagged?.[1] !== undefined) return untagged[1].split(/\s+/).filter(Boolean);
  return undefined;
}

interface Capabilities {
  readonly list: string[];
  readonly ehloEchoIp?: string;
}

/** Sends the protocol's capability command and returns the keywords (empty when the server has none). */
async function readCapabilities(protocol: MailProtocol, dialogue: Dialogue, ehloName: string): Promise<Step<Capabilities>> {
  const { reader } = dialogue;
  switch (protocol) {
    case 'imap': {
      const tag = dialogue.nextTag();
      reader.write(`${tag} CAPABILITY`);
      const reply = await reader.readReply((line) => line.startsWith(`${tag} `));
      if (!reply.ok) return { ok: false, outcome: lineFailureOutcome(reply, 'capabilities') };
      const list = reply.lines.map(imapCapabilitiesIn).find((found) => found !== undefined) ?? [];
      return { ok: true, value: { list } };
    }
    case 'pop3': {
      reader.write('CAPA');
      const status = await reader.readLine();
      if (!status.ok) return { ok: false, outcome: lineFailureOutcome(status, 'capabilities') };
      if (!/^\+OK/i.test(status.line)) return { ok: true, value: { list: [] } };
      const body = await reader.readReply((line) => line === '.');
      if (!body.ok) return { ok: false, outcome: lineFailureOutcome(body, 'capabilities') };
      return { ok: true, value: { list: body.lines.slice(0, -1).map((line) => line.trim()).filter(Boolean) } };
    }
    case 'smtp': {
      reader.write(`EHLO ${ehloName}`);
      const reply = await reader.readReply(isLastSmtpLine);
      if (!reply.ok) return { ok: false, outcome: lineFailureOutcome(reply, 'capabilities') };
      const [first, ...rest] = reply.lines;
      if (first === undefined || !/^250[ -]/.test(first)) return { ok: true, value: { list: [] } };
      const echo = parseEhloEchoIp(first);
      const list = rest.map((line) => line.slice(4).trim()).filter(Boolean);
      return { ok: true, value: { list, ...(echo === undefined ? {} : { ehloEchoIp: echo }) } };
    }
  }
}

function offersStarttls(protocol: MailProtocol, capabilities: readonly string[]): boolean {
  const keyword = protocol === 'pop3' ? 'STLS' : 'STARTTLS';
  return capabilities.some((capability) => capability.toUpperCase().split(/\s+/)[0] === keyword);
}

/** Sends STARTTLS/STLS and checks the reply. Refuses (fails closed) when plaintext follows the reply. */
async function requestStarttls(protocol: MailProtocol, dialogue: Dialogue): Promise<Step<null>> {
  const { reader } = dialogue;
  let reply: Awaited<ReturnType<DialogueReader['readReply']>>;
  let accepted: (lines: readonly string[]) => boolean;
  switch (protocol) {
    case 'imap': {
      const tag = dialogue.nextTag();
      reader.write(`${tag} STARTTLS`);
      reply = await reader.readReply((line) => line.startsWith(`${tag} `));
      accepted = (lines) => new RegExp(`^${tag} OK\\b`, 'i').test(lines[lines.length - 1] ?? '');
      break;
    }
    case 'pop3':
      reader.write('STLS');
      reply = await reader.readLine().then((r) => (r.ok ? { ok: true as const, lines: [r.line] } : r));
      accepted = (lines) => /^\+OK\b/i.test(lines[0] ?? '');
      break;
    case 'smtp':
      reader.write('STARTTLS');
      reply = await reader.readReply(isLastSmtpLine);
      accepted = (lines) => /^220[ -]/.test(lines[lines.length - 1] ?? '');
      break;
  }
  if (!reply.ok) return { ok: false, outcome: lineFailureOutcome(reply, 'starttls') };
  if (!accepted(reply.lines)) {
    return { ok: false, outcome: { kind: 'protocol-error', phase: 'starttls', errorCode: 'STARTTLS_REJECTED', detail: printable(reply.lines.join(' | '), 400) } };
  }
  // RFC 3207 §4.2 / RFC 2595 §3.1: nothing may follow the reply in clear. Bytes already buffered were
  // sent before TLS and would be read as if protected (response injection): refuse the connection.
  if (reader.pendingBytes > 0) {
    return {
      ok: false,
      outcome: { kind: 'protocol-error', phase: 'starttls', errorCode: 'STARTTLS_INJECTION', detail: `${reader.pendingBytes} byte(s) of plaintext followed the STARTTLS reply` },
    };
  }
  return { ok: true, value: null };
}

function politeGoodbye(protocol: MailProtocol, dialogue: Dialogue): void {
  dialogue.reader.write(protocol === 'imap' ? `${dialogue.nextTag()} LOGOUT` : 'QUIT');
}

function newDialogue(socket: Socket, signal: AbortSignal): Dialogue {
  let counter = 0;
  return { reader: new DialogueReader(socket, signal), nextTag: () => `md${++counter}` };
}

/** EHLO argument: our own address literal (RFC 5321 §4.1.3), never the Mac's name (it often names its owner). */
function ehloNameFor(socket: Socket): string {
  const local = socket.localAddress;
  if (local === undefined || net.isIP(local) === 0) return '[127.0.0.1]';
  return net.isIPv6(local) ? `[IPv6:${local}]` : `[${local}]`;
}

// ------------------------------------------------------------------ TLS handshake

type Handshake = { readonly ok: true; readonly socket: TLSSocket; readonly ms: number } | { readonly ok: false; readonly error: unknown };

function handshake(socket: Socket, host: string, ctx: ProbeContext, scope: DeadlineScope, verify: boolean): Promise<Handshake> {
  const started = Date.now();
  return new Promise<Handshake>((resolve) => {
    const servername = sniName(host);
    const secure = tls.connect({
      socket,
      ...(servername === undefined ? {} : { servername }),
      host,
      ...trustOptions(ctx),
      // `verify` is false ONLY for the certificate-inspection connection (see inspectCertificate):
      // it exists to READ a certificate that already failed verification; no credential is ever sent on it.
      rejectUnauthorized: verify,
    });
    scope.track(secure);
    secure.on('error', () => {
      // Late errors after the handshake are reported by the dialogue reader; this keeps them from crashing.
    });
    const finish = (result: Handshake): void => {
      secure.off('secureConnect', onSecure);
      secure.off('error', onError);
      scope.signal.removeEventListener('abort', onStop);
      resolve(result);
    };
    const onSecure = (): void => finish({ ok: true, socket: secure, ms: Date.now() - started });
    const onError = (error: unknown): void => finish({ ok: false, error });
    const onStop = (): void => {
      secure.destroy();
      finish({ ok: false, error: Object.assign(new Error('stopped'), { code: 'ABORT_ERR' }) });
    };
    secure.once('secureConnect', onSecure);
    secure.once('error', onError);
    scope.signal.addEventListener('abort', onStop, { once: true });
  });
}

function establishedFrom(secure: TLSSocket, mode: 'implicit' | 'starttls', verification: CertificateVerification, handshakeMs: number): Extract<TlsOutcome, { kind: 'established' }> {
  return {
    kind: 'established',
    mode,
    protocol: secure.getProtocol() ?? 'unknown',
    cipher: secure.getCipher().name,
    certificate: summariseCertificate(secure.getPeerCertificate(false)),
    verification,
    handshakeMs,
  };
}

// ------------------------------------------------------------------ the probe

interface Target {
  readonly endpoint: ServerEndpoint;
  readonly connectHost: string;
  readonly options: TlsProbeOptions;
}

async function connect(target: Target, ctx: ProbeContext, scope: DeadlineScope): Promise<{ tcp: TcpOutcome; socket?: Socket }> {
  const connection = await openTcp(target.connectHost, target.endpoint.port, ctx, target.options.addresses === undefined ? {} : { addresses: target.options.addresses });
  if (connection.socket !== undefined) scope.track(connection.socket);
  return connection.socket === undefined ? { tcp: connection.outcome } : { tcp: connection.outcome, socket: connection.socket };
}

/**
 * Plain text up to the TLS upgrade on a fresh socket: greeting, capabilities, STARTTLS. Shared by the real
 * probe and the inspection connection (which therefore sends exactly the same credential-free commands).
 */
async function plaintextUntilUpgrade(
  protocol: MailProtocol,
  socket: Socket,
  scope: DeadlineScope,
  progress: Progress | undefined,
  watch?: TlsWatch,
): Promise<Step<null>> {
  const dialogue = newDialogue(socket, scope.signal);
  if (progress !== undefined) progress.phase = 'greeting';
  const greeting = watch === undefined ? await readGreeting(protocol, dialogue) : await readGreetingWatchingForTls(protocol, dialogue, socket, scope, watch);
  if (!greeting.ok) return greeting;
  if (progress !== undefined) {
    progress.greeting = greeting.value;
    progress.phase = 'starttls';
  }
  let capabilities: string[] | undefined = protocol === 'imap' ? imapCapabilitiesIn(greeting.value) : undefined;
  let ehloEchoIp: string | undefined;
  if (capabilities === undefined) {
    const read = await readCapabilities(protocol, dialogue, ehloNameFor(socket));
    if (!read.ok) return read;
    capabilities = read.value.list;
    ehloEchoIp = read.value.ehloEchoIp;
  }
  if (progress !== undefined) {
    progress.capabilitiesBeforeTls = capabilities;
    if (ehloEchoIp !== undefined) progress.ehloEchoIp = ehloEchoIp;
  }
  // POP3 servers without CAPA may still support STLS: ask; an -ERR then means "not offered".
  const mayTry = offersStarttls(protocol, capabilities) || (protocol === 'pop3' && capabilities.length === 0);
  if (!mayTry) return { ok: false, outcome: { kind: 'starttls-not-offered' } };
  const upgraded = await requestStarttls(protocol, dialogue);
  if (!upgraded.ok) {
    const refusedWithoutAdvertising = !offersStarttls(protocol, capabilities) && upgraded.outcome.kind === 'protocol-error' && upgraded.outcome.errorCode === 'STARTTLS_REJECTED';
    return refusedWithoutAdvertising ? { ok: false, outcome: { kind: 'starttls-not-offered' } } : upgraded;
  }
  dialogue.reader.detach();
  return { ok: true, value: null };
}

/**
 * Reads a certificate that failed verification, on its own connection: same greeting/STARTTLS commands,
 * TLS without rejection, then nothing is written at all. Returns undefined if it cannot be read.
 */
async function inspectCertificate(target: Target, ctx: ProbeContext, scope: DeadlineScope): Promise<{ secure: TLSSocket; ms: number } | undefined> {
  const { tcp, socket } = await connect(target, ctx, scope);
  if (tcp.kind !== 'connected' || socket === undefined) return undefined;
  if (target.endpoint.tls === 'starttls') {
    const upgraded = await plaintextUntilUpgrade(target.endpoint.protocol, socket, scope, undefined);
    if (!upgraded.ok) return undefined;
  }
  const result = await handshake(socket, target.endpoint.host, ctx, scope, false);
  return result.ok ? { secure: result.socket, ms: result.ms } : undefined;
}

/** On a failed implicit-TLS handshake: does a fresh plaintext connection greet us like a mail server would? */
async function sniffPlaintextGreeting(target: Target, ctx: ProbeContext, scope: DeadlineScope): Promise<string | undefined> {
  const { tcp, socket } = await connect(target, ctx, scope);
  if (tcp.kind !== 'connected' || socket === undefined) return undefined;
  const reader = new DialogueReader(socket, scope.signal, { maxLineBytes: 1024, maxTotalBytes: 4096 });
  const line = await reader.readLine();
  reader.detach();
  socket.destroy();
  return line.ok && PLAINTEXT_GREETING.test(line.line) ? printable(line.line, 200) : undefined;
}

// ------------------------------------------------------------------ a silent port: does it speak TLS from the first byte?

/** What the greeting wait needs to find out, on its own connection, whether a silent port speaks TLS. */
interface TlsWatch {
  readonly target: Target;
  readonly ctx: ProbeContext;
}

/**
 * Share of the time left that the greeting may take before we also ask the port for TLS. Real servers greet
 * within a second; the first connection keeps waiting meanwhile, so a slow greeting is never lost.
 */
const GREETING_PATIENCE_SHARE = 0.5;

/**
 * A scope inside `parent` that can be stopped on its own (the greeting came first: the TLS question is moot).
 * It stops with its parent (deadline, cancel); its handles are released by `stop()` and, as a backstop, by
 * the parent scope.
 */
function childScope(parent: DeadlineScope): { readonly scope: DeadlineScope; stop(): void } {
  const controller = new AbortController();
  const handles: Releasable[] = [];
  const onParentStop = (): void => controller.abort(parent.signal.reason);
  if (parent.signal.aborted) controller.abort(parent.signal.reason);
  else parent.signal.addEventListener('abort', onParentStop, { once: true });
  return {
    scope: {
      signal: controller.signal,
      elapsedMs: () => parent.elapsedMs(),
      track: (handle) => {
        parent.track(handle);
        handles.push(handle);
        if (controller.signal.aborted) handle.destroy();
        return handle;
      },
      stopReason: () => parent.stopReason(),
    },
    stop: () => {
      parent.signal.removeEventListener('abort', onParentStop);
      if (!controller.signal.aborted) controller.abort('cancelled');
      // Newest first: a TLS socket before the TCP socket under it (see deadline.ts).
      for (const handle of handles.reverse()) handle.destroy();
    },
  };
}

/**
 * A second, credential-free connection that sends nothing but a TLS ClientHello, verification ON. A completed
 * handshake or a certificate refusal both prove the port speaks TLS from the first byte; anything else
 * (plain text, a reset, the deadline) proves nothing and returns undefined. The connection is closed at once.
 */
async function probeImplicitTls(watch: TlsWatch, scope: DeadlineScope, silentSince: number): Promise<TlsOutcome | undefined> {
  const { target, ctx } = watch;
  const probeCtx: ProbeContext = { ...ctx, signal: scope.signal };
  const { tcp, socket } = await connect(target, probeCtx, scope);
  if (tcp.kind !== 'connected' || socket === undefined || scope.signal.aborted) return undefined;
  const result = await handshake(socket, target.endpoint.host, ctx, scope, true);
  const silentMs = Date.now() - silentSince;
  if (result.ok) {
    const tlsProtocol = result.socket.getProtocol() ?? undefined;
    result.socket.destroy();
    return { kind: 'tls-on-plaintext-port', proof: 'handshake', silentMs, ...(tlsProtocol === undefined ? {} : { tlsProtocol }) };
  }
  const code = errorCodeOf(result.error);
  return certificateProblemOf(code) === undefined ? undefined : { kind: 'tls-on-plaintext-port', proof: 'certificate-error', silentMs, certificateCode: code };
}

/**
 * The greeting, as readGreeting reads it; but when the port stays silent for a while, ask it (on a second
 * connection) whether it speaks TLS from the first byte. Whichever answers first decides: a greeting, or a
 * TLS answer (then the outcome is `tls-on-plaintext-port` and this connection is closed). When the second
 * connection proves nothing, the greeting wait simply goes on until the deadline.
 */
async function readGreetingWatchingForTls(protocol: MailProtocol, dialogue: Dialogue, socket: Socket, scope: DeadlineScope, watch: TlsWatch): Promise<Step<string>> {
  const started = Date.now();
  const greeting = readGreeting(protocol, dialogue);
  let patienceTimer: NodeJS.Timeout | undefined;
  const patience = new Promise<'silent'>((resolve) => {
    patienceTimer = setTimeout(() => resolve('silent'), Math.floor(remainingMs(watch.ctx) * GREETING_PATIENCE_SHARE));
  });
  const first = await Promise.race([greeting, patience]).finally(() => clearTimeout(patienceTimer));
  if (first !== 'silent') return first;

  const tlsQuestion = childScope(scope);
  try {
    const answer = await Promise.race([
      greeting.then((step) => ({ from: 'greeting' as const, step })),
      probeImplicitTls(watch, tlsQuestion.scope, started).then((outcome) => ({ from: 'tls' as const, outcome })),
    ]);
    if (answer.from === 'greeting') return answer.step;
    if (answer.outcome === undefined) return await greeting;
    socket.destroy();
    return { ok: false, outcome: answer.outcome };
  } finally {
    tlsQuestion.stop();
  }
}

async function runProbe(target: Target, ctx: ProbeContext, scope: DeadlineScope, progress: Progress): Promise<ServerDialogueReport> {
  const { endpoint } = target;
  const { protocol } = endpoint;
  progress.phase = 'connect';
  const { tcp, socket } = await connect(target, ctx, scope);
  progress.tcp = tcp;
  if (tcp.kind !== 'connected' || socket === undefined) return report(progress, { kind: 'not-applicable', reason: 'no-connection' });

  const watch: TlsWatch = { target, ctx };
  if (endpoint.tls === 'none') {
    const dialogue = newDialogue(socket, scope.signal);
    progress.phase = 'greeting';
    const greeting = await readGreetingWatchingForTls(protocol, dialogue, socket, scope, watch);
    if (!greeting.ok) return report(progress, greeting.outcome);
    progress.greeting = greeting.value;
    progress.phase = 'capabilities';
    const fromGreeting = protocol === 'imap' ? imapCapabilitiesIn(greeting.value) : undefined;
    if (fromGreeting !== undefined) progress.capabilities = fromGreeting;
    else {
      const read = await readCapabilities(protocol, dialogue, ehloNameFor(socket));
      if (!read.ok) return report(progress, read.outcome);
      progress.capabilities = read.value.list;
      if (read.value.ehloEchoIp !== undefined) progress.ehloEchoIp = read.value.ehloEchoIp;
    }
    politeGoodbye(protocol, dialogue);
    return report(progress, { kind: 'not-applicable', reason: 'tls-off' });
  }

  if (endpoint.tls === 'starttls') {
    const upgraded = await plaintextUntilUpgrade(protocol, socket, scope, progress, watch);
    if (!upgraded.ok) return report(progress, upgraded.outcome);
  }

  progress.phase = 'handshake';
  const verified = await handshake(socket, endpoint.host, ctx, scope, true);
  if (!verified.ok) {
    const code = errorCodeOf(verified.error);
    const problem = certificateProblemOf(code);
    if (problem !== undefined) {
      const inspected = await inspectCertificate(target, ctx, scope);
      if (inspected === undefined) return report(progress, { kind: 'handshake-failed', errorCode: code, message: errorMessageOf(verified.error) });
      return report(progress, establishedFrom(inspected.secure, endpoint.tls, { ok: false, problem, code }, inspected.ms));
    }
    if (endpoint.tls === 'implicit' && NOT_TLS_CODES.has(code)) {
      const plaintext = await sniffPlaintextGreeting(target, ctx, scope);
      if (plaintext !== undefined) return report(progress, { kind: 'plaintext-on-tls-port', firstBytes: plaintext });
    }
    return report(progress, { kind: 'handshake-failed', errorCode: code, message: errorMessageOf(verified.error) });
  }

  const secure = verified.socket;
  const established = establishedFrom(secure, endpoint.tls, { ok: true }, verified.ms);
  progress.established = established;
  const dialogue = newDialogue(secure, scope.signal);
  if (endpoint.tls === 'implicit') {
    // A server that completes TLS but never greets fails every mail client: that is the finding.
    progress.phase = 'greeting';
    const greeting = await readGreeting(protocol, dialogue);
    if (!greeting.ok) return report(progress, greeting.outcome);
    progress.greeting = greeting.value;
    progress.phase = 'capabilities';
    const fromGreeting = protocol === 'imap' ? imapCapabilitiesIn(greeting.value) : undefined;
    if (fromGreeting !== undefined) {
      progress.capabilities = fromGreeting;
      politeGoodbye(protocol, dialogue);
      return report(progress, established);
    }
  }
  // After STARTTLS everything learnt in clear is forgotten (RFC 3207 §4.2): ask again over TLS.
  progress.phase = 'capabilities';
  const read = await readCapabilities(protocol, dialogue, ehloNameFor(socket));
  if (read.ok) {
    progress.capabilities = read.value.list;
    if (read.value.ehloEchoIp !== undefined) progress.ehloEchoIp = read.value.ehloEchoIp;
    politeGoodbye(protocol, dialogue);
  }
  // A failure to list capabilities after a good handshake does not undo the TLS result.
  return report(progress, established);
}

/**
 * The TLS probe: connects to `endpoint` and runs its credential-free dialogue within `ctx`'s deadline.
 * For tls 'none' it still reports greeting and capabilities (tls: not-applicable/tls-off). Never rejects;
 * leaves no socket or timer behind. A login may follow only when `tls.kind === 'established'` AND
 * `tls.verification.ok` (an established outcome with a failed verification comes from the inspection connection).
 */
export async function probeTls(endpoint: ServerEndpoint, ctx: ProbeContext, options: TlsProbeOptions = {}): Promise<ServerDialogueReport> {
  const target: Target = { endpoint, connectHost: endpoint.connectAddress ?? endpoint.host, options };
  const progress: Progress = { phase: 'connect', capabilities: [] };
  return runWithDeadline<ServerDialogueReport>(
    ctx,
    (scope) => runProbe(target, ctx, scope, progress),
    (reason, afterMs) => {
      if (reason === 'cancelled') {
        const phase = progress.phase === 'starttls' || progress.phase === 'capabilities' ? progress.phase : 'greeting';
        return report(progress, progress.established ?? { kind: 'protocol-error', phase, errorCode: 'ABORT_ERR', detail: 'cancelled' });
      }
      switch (progress.phase) {
        case 'connect':
          return report({ ...progress, tcp: { kind: 'timeout', afterMs } }, { kind: 'not-applicable', reason: 'no-connection' });
        case 'greeting':
        case 'starttls':
        case 'handshake':
          return report(progress, { kind: 'timeout', phase: progress.phase, afterMs });
        case 'capabilities':
          return report(progress, progress.established ?? { kind: 'timeout', phase: 'greeting', afterMs });
      }
    },
    (error) => report(progress, { kind: 'handshake-failed', errorCode: errorCodeOf(error), message: errorMessageOf(error) }),
  );
}
