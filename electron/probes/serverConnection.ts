/**
 * One connection to one mail server, opened and verified once, then handed on.
 *
 * `connectToServer` does the credential-free part: TCP, the greeting, the capabilities and STARTTLS (or TLS
 * from the first byte), the TLS handshake with verification on, and for implicit TLS the greeting over TLS.
 * It stops right where the next thing would be the capability question over TLS, and returns what it learnt
 * plus the open `ServerSession`. The runner then decides what happens on that very connection: a login
 * (imap.ts, pop3.ts, smtp.ts hand the verified socket to imapflow/nodemailer or log in themselves), the SMTP
 * relay check, or `finishWithoutLogin` (capabilities over TLS, goodbye). So on the happy path each server
 * gets exactly one TLS connection, and its certificate details come from the socket the login uses.
 *
 * Other connections are opened only to explain a failure:
 * - verification failed: a credential-free inspection connection reads the refused certificate (the same
 *   greeting/STARTTLS commands, then TLS without rejection, then nothing at all is written);
 * - implicit TLS configured on a port that greets in plain text: a fresh connection that only reads the
 *   greeting (`plaintext-on-tls-port`);
 * - STARTTLS or no TLS configured on a port that speaks TLS from the first byte (993 set to STARTTLS) stays
 *   silent: when half the time is gone without a greeting, a second connection sends nothing but a TLS
 *   ClientHello (verification on) while the first keeps waiting; a TLS answer proves the port's kind
 *   (`tls-on-plaintext-port`).
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { MailProtocol } from '../../shared/model/account';
import type { ResolvedAddress, TcpOutcome, TlsOutcome } from '../../shared/probes/outcomes';
import { errorCodeOf, errorMessageOf } from '../errors';
import { certificateProblemOf } from './certificate';
import { type DeadlineScope, type Releasable, remainingMs, runWithDeadline } from './deadline';
import {
  type Capabilities,
  ehloNameFor,
  type Greeting,
  ImapTags,
  offersStarttls,
  readCapabilities,
  readGreeting,
  requestStarttls,
  sayGoodbye,
  type Step,
} from './dialogue';
import { LibraryStream } from './libraryStream';
import { LineReader, ReplyBudget } from './lineReader';
import { ServerTexts } from './serverText';
import { establishedFrom, handshake, NOT_TLS_CODES } from './tls';
import { openTcp } from './tcp';
import type { ProbeContext, ServerEndpoint } from './types';

/** Everything the credential-free part of a connection taught us. */
export interface ConnectReport {
  readonly tcp: TcpOutcome;
  readonly tls: TlsOutcome;
  /** The server's greeting line (kept: scrubbed, printable, bounded). */
  readonly greeting?: string;
  /**
   * Capabilities learnt so far that still hold: IMAP's from a greeting over implicit TLS; with TLS off,
   * none yet (the session asks). After STARTTLS what was learnt in clear no longer counts (RFC 3207 §4.2,
   * RFC 9051 §6.2.1): the step after the connection asks again over TLS.
   */
  readonly capabilities: readonly string[];
  /** STARTTLS only: what the server advertised in plain text before the upgrade. */
  readonly capabilitiesBeforeTls?: readonly string[];
  /** SMTP: our address as the server saw it, from the plaintext `250-host Hello name [ip]`. */
  readonly ehloEchoIp?: string;
  /** STARTTLS configured: whether the server advertised it on this connection (runs compare connections). */
  readonly starttlsAdvertised?: boolean;
}

export interface ServerConnection {
  readonly report: ConnectReport;
  /**
   * The open connection, when the server greeted and (unless TLS is off) TLS was established with a verified
   * certificate. Whoever receives it must end it: a login, the relay check, finishWithoutLogin, or close().
   */
  readonly session?: ServerSession;
}

export interface ConnectOptions {
  /** Addresses already resolved by the dns probe. */
  readonly addresses?: readonly ResolvedAddress[];
  /** Keeps this server's texts (scrubbed of the credential the runner may send it); default bounding only. */
  readonly texts?: ServerTexts;
  /**
   * Work for the time the server's first reply is on its way: called once, after the TCP connection is made and
   * its first bytes (the TLS hello) are sent. The runner loads the login's library here when a login follows, so
   * the load fills a network wait instead of adding to the login (docs/benchmarks.md, "Protocol floor").
   */
  readonly whileWaiting?: () => void;
}

/** What the server said after TLS in answer to the capability question. */
export interface SessionCapabilities {
  /** Raw keywords, for the caller's own parsing. */
  readonly raw: readonly string[];
  /** Kept (scrubbed, printable, bounded) for the outcome. */
  readonly kept: readonly string[];
  readonly ehloEchoIp?: string;
}

/**
 * A connection to a server after its credential-free part: greeted and, unless TLS is off, TLS established
 * and verified. Each step on it runs in a deadline scope of its own (`enter`), which releases the session
 * when the step ends.
 */
export class ServerSession implements Releasable {
  /** Our EHLO name on this connection: the address literal of our own end (dialogue.ts ehloNameFor). */
  readonly ehloName: string;
  /** The connection's sockets, oldest first (TCP, then TLS); the library stream last once handed off. */
  #handles: Releasable[];
  #carrier: Socket | TLSSocket | undefined;
  #reader: LineReader | undefined;
  #capabilities: Capabilities | undefined;
  #closed = false;

  constructor(
    readonly endpoint: ServerEndpoint,
    sockets: (Socket | TLSSocket)[],
    reader: LineReader,
    readonly budget: ReplyBudget,
    readonly texts: ServerTexts,
    /** TLS established with a verified certificate (false only when TLS is off). */
    readonly encrypted: boolean,
    readonly greeting: Greeting,
    capabilitiesOverTls: readonly string[] | undefined,
    /** IMAP command tags, continuing the ones the connection's credential-free part used. */
    readonly tags: ImapTags,
  ) {
    this.#handles = [...sockets];
    this.#carrier = sockets[sockets.length - 1];
    this.#reader = reader;
    this.ehloName = ehloNameFor(sockets[0]?.localAddress);
    if (capabilitiesOverTls !== undefined) this.#capabilities = { list: capabilitiesOverTls };
  }

  get protocol(): MailProtocol {
    return this.endpoint.protocol;
  }

  /** The socket that carries the dialogue (the TLS socket when TLS is on). */
  get socket(): Socket | TLSSocket | undefined {
    return this.#carrier;
  }

  /** Binds the session to a step's scope: released with it, and every read ends on its signal. */
  enter(scope: DeadlineScope): void {
    scope.track(this);
    this.#reader?.useSignal(scope.signal);
  }

  /** The line reader for dialogues we speak ourselves (until `handOff`). */
  get reader(): LineReader {
    if (this.#reader === undefined) throw new Error('the connection was handed to a library');
    return this.#reader;
  }

  /**
   * The capability question after TLS (CAPABILITY, CAPA, EHLO), asked once: IMAP over implicit TLS already
   * has the greeting's. With TLS off, the plaintext answer.
   */
  async capabilities(): Promise<Step<SessionCapabilities>> {
    if (this.#capabilities === undefined) {
      const read = await readCapabilities(this.protocol, this.reader, this.tags, this.ehloName);
      if (!read.ok) return read;
      this.#capabilities = read.value;
    }
    const { list, ehloEchoIp } = this.#capabilities;
    return { ok: true, value: { raw: list, kept: this.texts.keepEach(list), ...(ehloEchoIp === undefined ? {} : { ehloEchoIp }) } };
  }

  /** Says goodbye (LOGOUT/QUIT) without waiting for the answer. */
  goodbye(): void {
    if (this.#reader !== undefined) sayGoodbye(this.protocol, this.#reader, this.tags);
  }

  /**
   * Goodbye after a library had the connection and its stream was sealed (libraryStream.ts): written to the
   * socket directly, without waiting for the answer.
   */
  goodbyeAfterLibrary(): void {
    const socket = this.#carrier;
    if (socket === undefined || socket.destroyed || !socket.writable) return;
    socket.write(Buffer.from(`${this.protocol === 'imap' ? `${this.tags.next()} LOGOUT` : 'QUIT'}\r\n`, 'latin1'));
  }

  /**
   * Hands the connection to a library: our reader stops (the socket is paused, nothing is lost), and the
   * library reads `replay` first, then whatever the server sent beyond what we consumed, then the socket.
   */
  handOff(replay: Buffer, hooks: { onWrite?: (chunk: Buffer) => void; onRead?: (chunk: Buffer) => void } = {}): LibraryStream {
    const socket = this.socket;
    if (socket === undefined || this.#reader === undefined) throw new Error('the connection was already handed on');
    const leftover = this.#reader.detach('library');
    this.#reader = undefined;
    const stream = new LibraryStream({ socket, budget: this.budget, replay: Buffer.concat([replay, leftover]), ...hooks });
    this.#handles.push(stream);
    return stream;
  }

  /** Closes the connection at once (newest socket first: a TLS socket before the TCP socket under it). */
  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#reader?.detach('tls');
    for (const handle of [...this.#handles].reverse()) {
      try {
        handle.destroy();
      } catch {
        // Releasing must never throw.
      }
    }
  }

  close(): void {
    this.destroy();
  }
}

// ------------------------------------------------------------------ the connection

type Phase = 'connect' | 'greeting' | 'starttls' | 'handshake' | 'capabilities';

interface Progress {
  phase: Phase;
  tcp?: TcpOutcome;
  greeting?: string;
  capabilitiesBeforeTls?: readonly string[];
  ehloEchoIp?: string;
  starttlsAdvertised?: boolean;
  established?: Extract<TlsOutcome, { kind: 'established' }>;
}

function reportOf(progress: Progress, tls: TlsOutcome, capabilities: readonly string[] = []): ConnectReport {
  return {
    tcp: progress.tcp ?? { kind: 'error', errorCode: 'ABORT_ERR', message: 'stopped before connecting' },
    tls,
    capabilities,
    ...(progress.greeting === undefined ? {} : { greeting: progress.greeting }),
    ...(progress.capabilitiesBeforeTls === undefined ? {} : { capabilitiesBeforeTls: progress.capabilitiesBeforeTls }),
    ...(progress.ehloEchoIp === undefined ? {} : { ehloEchoIp: progress.ehloEchoIp }),
    ...(progress.starttlsAdvertised === undefined ? {} : { starttlsAdvertised: progress.starttlsAdvertised }),
  };
}

interface Target {
  readonly endpoint: ServerEndpoint;
  readonly connectHost: string;
  readonly addresses: readonly ResolvedAddress[] | undefined;
  readonly ctx: ProbeContext;
  readonly texts: ServerTexts;
  readonly whileWaiting: (() => void) | undefined;
}

async function connect(target: Target, scope: DeadlineScope): Promise<{ tcp: TcpOutcome; socket?: Socket }> {
  const connection = await openTcp(target.connectHost, target.endpoint.port, target.ctx, scope, target.addresses === undefined ? {} : { addresses: target.addresses });
  return connection.socket === undefined ? { tcp: connection.outcome } : { tcp: connection.outcome, socket: connection.socket };
}

/**
 * Plain text up to the TLS upgrade: greeting, capabilities, STARTTLS. Shared by the connection and the
 * inspection connection (which therefore sends exactly the same credential-free commands).
 */
async function plaintextUntilUpgrade(
  target: Target,
  reader: LineReader,
  tags: ImapTags,
  ehloName: string,
  progress: Progress | undefined,
  greetingStep: () => Promise<Step<Greeting>>,
): Promise<Step<null>> {
  const { protocol } = target.endpoint;
  if (progress !== undefined) progress.phase = 'greeting';
  const greeting = await greetingStep();
  if (!greeting.ok) return greeting;
  if (progress !== undefined) {
    progress.greeting = greeting.value.shown;
    progress.phase = 'starttls';
  }
  // IMAP: a greeting that lists capabilities lists them all (RFC 9051 §7.1): no question needed.
  let capabilities = greeting.value.capabilities;
  if (capabilities === undefined) {
    const read = await readCapabilities(protocol, reader, tags, ehloName);
    if (!read.ok) return read;
    capabilities = read.value.list;
    if (progress !== undefined && read.value.ehloEchoIp !== undefined) progress.ehloEchoIp = read.value.ehloEchoIp;
  }
  const advertised = offersStarttls(protocol, capabilities);
  if (progress !== undefined) {
    progress.capabilitiesBeforeTls = target.texts.keepEach(capabilities);
    progress.starttlsAdvertised = advertised;
  }
  // POP3 servers without CAPA may still support STLS: ask; an -ERR then means "not offered".
  const mayTry = advertised || (protocol === 'pop3' && capabilities.length === 0);
  if (!mayTry) return { ok: false, outcome: { kind: 'starttls-not-offered' } };
  const upgraded = await requestStarttls(protocol, reader, tags, advertised);
  if (!upgraded.ok) return upgraded;
  reader.detach('tls');
  return { ok: true, value: null };
}

/**
 * Reads a certificate that failed verification, on its own connection: same greeting/STARTTLS commands,
 * TLS without rejection, then nothing is written at all. Returns undefined if it cannot be read.
 */
async function inspectCertificate(target: Target, scope: DeadlineScope): Promise<{ secure: TLSSocket; ms: number } | undefined> {
  const { tcp, socket } = await connect(target, scope);
  if (tcp.kind !== 'connected' || socket === undefined) return undefined;
  if (target.endpoint.tls === 'starttls') {
    const reader = new LineReader(socket, new ReplyBudget(), scope.signal);
    const upgraded = await plaintextUntilUpgrade(target, reader, new ImapTags(), ehloNameFor(socket.localAddress), undefined, () =>
      readGreeting(target.endpoint.protocol, reader, target.texts),
    );
    if (!upgraded.ok) return undefined;
  }
  const result = await handshake(socket, target.endpoint.host, target.ctx, scope, false);
  return result.ok ? { secure: result.socket, ms: result.ms } : undefined;
}

/** First words of a plaintext mail greeting (or refusal) on each protocol. */
const PLAINTEXT_GREETING = /^(\* (OK|PREAUTH|BYE)|\+OK|-ERR|[245]\d\d[ -])/;

/** On a failed implicit-TLS handshake: does a fresh plaintext connection greet us like a mail server would? */
async function sniffPlaintextGreeting(target: Target, scope: DeadlineScope): Promise<string | undefined> {
  const { tcp, socket } = await connect(target, scope);
  if (tcp.kind !== 'connected' || socket === undefined) return undefined;
  const reader = new LineReader(socket, new ReplyBudget({ lineBytes: 1024, connectionBytes: 4096 }), scope.signal);
  const line = await reader.readLine();
  reader.detach('tls');
  socket.destroy();
  return line.ok && PLAINTEXT_GREETING.test(line.line) ? target.texts.keep(line.line, 200) : undefined;
}

// ------------------------------------------------------------------ a silent port: does it speak TLS from the first byte?

/**
 * Share of the time left that the greeting may take before we also ask the port for TLS. Real servers greet
 * within a second; the first connection keeps waiting meanwhile, so a slow greeting is never lost.
 */
const GREETING_PATIENCE_SHARE = 0.5;

/**
 * A second, credential-free connection that sends nothing but a TLS ClientHello, verification ON. A completed
 * handshake or a certificate refusal both prove the port speaks TLS from the first byte; anything else
 * (plain text, a reset, the deadline) proves nothing and returns undefined. The connection is closed at once.
 */
async function probeImplicitTls(target: Target, scope: DeadlineScope, silentSince: number): Promise<TlsOutcome | undefined> {
  const { tcp, socket } = await connect(target, scope);
  if (tcp.kind !== 'connected' || socket === undefined || scope.signal.aborted) return undefined;
  const result = await handshake(socket, target.endpoint.host, target.ctx, scope, true);
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
async function readGreetingWatchingForTls(target: Target, reader: LineReader, socket: Socket, scope: DeadlineScope): Promise<Step<Greeting>> {
  const started = Date.now();
  const greeting = readGreeting(target.endpoint.protocol, reader, target.texts);
  let patienceTimer: NodeJS.Timeout | undefined;
  const patience = new Promise<'silent'>((resolve) => {
    patienceTimer = setTimeout(() => resolve('silent'), Math.floor(remainingMs({ deadline: scope.deadline() }) * GREETING_PATIENCE_SHARE));
  });
  const first = await Promise.race([greeting, patience]).finally(() => clearTimeout(patienceTimer));
  if (first !== 'silent') return first;

  const tlsQuestion = scope.child();
  try {
    const answer = await Promise.race([
      greeting.then((step) => ({ from: 'greeting' as const, step })),
      probeImplicitTls(target, tlsQuestion.scope, started).then((outcome) => ({ from: 'tls' as const, outcome })),
    ]);
    if (answer.from === 'greeting') return answer.step;
    if (answer.outcome === undefined) return await greeting;
    socket.destroy();
    return { ok: false, outcome: answer.outcome };
  } finally {
    tlsQuestion.stop();
  }
}

async function openConnection(target: Target, scope: DeadlineScope, progress: Progress): Promise<ServerConnection> {
  const { endpoint, texts } = target;
  const { protocol } = endpoint;
  progress.phase = 'connect';
  const { tcp, socket } = await connect(target, scope);
  progress.tcp = tcp;
  if (tcp.kind !== 'connected' || socket === undefined) return { report: reportOf(progress, { kind: 'not-applicable', reason: 'no-connection' }) };
  // setImmediate: after this turn has sent what it sends (the TLS hello, queued on the socket), not before it.
  if (target.whileWaiting !== undefined) setImmediate(target.whileWaiting);

  const budget = new ReplyBudget();
  const tags = new ImapTags();
  const ehloName = ehloNameFor(socket.localAddress);
  const plainReader = new LineReader(socket, budget, scope.signal);
  const hand = (sockets: (Socket | TLSSocket)[], reader: LineReader, encrypted: boolean, greeting: Greeting, capabilitiesOverTls?: readonly string[]): ServerSession => {
    for (const each of sockets) scope.release(each);
    return new ServerSession(endpoint, sockets, reader, budget, texts, encrypted, greeting, capabilitiesOverTls, tags);
  };

  if (endpoint.tls === 'none') {
    progress.phase = 'greeting';
    const greeting = await readGreetingWatchingForTls(target, plainReader, socket, scope);
    if (!greeting.ok) return { report: reportOf(progress, greeting.outcome) };
    progress.greeting = greeting.value.shown;
    const known = greeting.value.capabilities;
    return {
      report: reportOf(progress, { kind: 'not-applicable', reason: 'tls-off' }, known === undefined ? [] : texts.keepEach(known)),
      session: hand([socket], plainReader, false, greeting.value, known),
    };
  }

  let greetingInClear: Greeting | undefined;
  if (endpoint.tls === 'starttls') {
    const upgraded = await plaintextUntilUpgrade(target, plainReader, tags, ehloName, progress, async () => {
      const step = await readGreetingWatchingForTls(target, plainReader, socket, scope);
      if (step.ok) greetingInClear = step.value;
      return step;
    });
    if (!upgraded.ok) return { report: reportOf(progress, upgraded.outcome) };
  }

  progress.phase = 'handshake';
  const verified = await handshake(socket, endpoint.host, target.ctx, scope, true);
  if (!verified.ok) {
    const code = errorCodeOf(verified.error);
    const problem = certificateProblemOf(code);
    if (problem !== undefined) {
      const inspected = await inspectCertificate(target, scope);
      if (inspected === undefined) return { report: reportOf(progress, { kind: 'handshake-failed', errorCode: code, message: texts.keep(errorMessageOf(verified.error)) }) };
      return { report: reportOf(progress, establishedFrom(inspected.secure, endpoint.tls, { ok: false, problem, code }, inspected.ms)) };
    }
    if (endpoint.tls === 'implicit' && NOT_TLS_CODES.has(code)) {
      const plaintext = await sniffPlaintextGreeting(target, scope);
      if (plaintext !== undefined) return { report: reportOf(progress, { kind: 'plaintext-on-tls-port', firstBytes: plaintext }) };
    }
    return { report: reportOf(progress, { kind: 'handshake-failed', errorCode: code, message: texts.keep(errorMessageOf(verified.error)) }) };
  }

  const secure = verified.socket;
  const established = establishedFrom(secure, endpoint.tls, { ok: true }, verified.ms);
  progress.established = established;
  const reader = new LineReader(secure, budget, scope.signal);
  if (endpoint.tls === 'starttls') {
    if (greetingInClear === undefined) throw new Error('unreachable: STARTTLS without a greeting');
    return { report: reportOf(progress, established), session: hand([socket, secure], reader, true, greetingInClear) };
  }
  // Implicit TLS: the greeting comes over TLS. A server that completes TLS but never greets fails every mail
  // client: that is the finding.
  progress.phase = 'greeting';
  const greeting = await readGreeting(protocol, reader, texts);
  if (!greeting.ok) return { report: reportOf(progress, greeting.outcome) };
  progress.greeting = greeting.value.shown;
  const known = greeting.value.capabilities;
  return {
    report: reportOf(progress, established, known === undefined ? [] : texts.keepEach(known)),
    session: hand([socket, secure], reader, true, greeting.value, known),
  };
}

/**
 * Opens the connection to `endpoint` and runs its credential-free part within `ctx`'s deadline. Never
 * rejects; on every path but a returned session, nothing is left open. A login may follow only on the
 * returned session (TLS verified, or TLS off, where no login ever sends a password).
 */
export async function connectToServer(endpoint: ServerEndpoint, ctx: ProbeContext, options: ConnectOptions = {}): Promise<ServerConnection> {
  const target: Target = {
    endpoint,
    connectHost: endpoint.connectAddress ?? endpoint.host,
    addresses: options.addresses,
    ctx,
    texts: options.texts ?? new ServerTexts(),
    whileWaiting: options.whileWaiting,
  };
  const progress: Progress = { phase: 'connect' };
  return runWithDeadline<ServerConnection>(
    ctx,
    (scope) => openConnection(target, scope, progress),
    (reason, afterMs) => {
      if (reason === 'cancelled') {
        const phase = progress.phase === 'starttls' || progress.phase === 'capabilities' ? progress.phase : 'greeting';
        return { report: reportOf(progress, progress.established ?? { kind: 'protocol-error', phase, errorCode: 'ABORT_ERR', detail: 'cancelled' }) };
      }
      switch (progress.phase) {
        case 'connect':
          return { report: reportOf({ ...progress, tcp: { kind: 'timeout', afterMs } }, { kind: 'not-applicable', reason: 'no-connection' }) };
        case 'greeting':
        case 'starttls':
        case 'handshake':
          return { report: reportOf(progress, { kind: 'timeout', phase: progress.phase, afterMs }) };
        case 'capabilities':
          return { report: reportOf(progress, progress.established ?? { kind: 'timeout', phase: 'greeting', afterMs }) };
      }
    },
    (error) => ({ report: reportOf(progress, { kind: 'handshake-failed', errorCode: errorCodeOf(error), message: target.texts.keep(errorMessageOf(error)) }) }),
  );
}

/** Greeting and capabilities as evidence, after a step on the session. */
export interface SessionConversation {
  readonly capabilities: readonly string[];
  readonly ehloEchoIp?: string;
}

/**
 * The end of a connection on which no login is made: the capability question over TLS (or in clear with
 * TLS off), then goodbye. A failure to list capabilities after a good handshake changes nothing found so far.
 */
export async function finishWithoutLogin(session: ServerSession, ctx: ProbeContext): Promise<SessionConversation> {
  return runWithDeadline<SessionConversation>(
    ctx,
    async (scope) => {
      session.enter(scope);
      const read = await session.capabilities();
      if (!read.ok) return { capabilities: [] };
      session.goodbye();
      return { capabilities: read.value.kept, ...(read.value.ehloEchoIp === undefined ? {} : { ehloEchoIp: read.value.ehloEchoIp }) };
    },
    () => ({ capabilities: [] }),
    () => ({ capabilities: [] }),
  );
}

/**
 * The credential-free probe on its own (tests, and anything that only wants to know what a server says):
 * the connection, then finishWithoutLogin on it. Everything the connection and its end learnt, together.
 */
export async function probeServer(endpoint: ServerEndpoint, ctx: ProbeContext, options: ConnectOptions = {}): Promise<ConnectReport> {
  const { report, session } = await connectToServer(endpoint, ctx, options);
  if (session === undefined) return report;
  const end = await finishWithoutLogin(session, ctx);
  return {
    ...report,
    capabilities: end.capabilities.length > 0 ? end.capabilities : report.capabilities,
    ...(end.ehloEchoIp === undefined ? {} : { ehloEchoIp: end.ehloEchoIp }),
  };
}
