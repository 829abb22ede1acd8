/**
 * The probes the runner uses, as one interface. The real set (realProbeSet.ts) binds the probe
 * modules in electron/probes/; having the runner depend on this interface keeps the orchestration
 * (ordering, deadlines, gating, budget, progress) readable on its own.
 *
 * A server gets one connection: `connect` runs its credential-free part and, when TLS was verified (or is
 * off), hands back the open connection. On it the runner makes exactly one choice: a login, the relay
 * check, or finishing without a login; or closes it.
 */
import type { MailProtocol } from '../../shared/model/account';
import type { Secret } from '../keychain/secret';
import type {
  HostResolution,
  InternetOutcome,
  LoginOutcome,
  PublicIpOutcome,
  PublishedSettings,
  SmtpWithoutAuthOutcome,
  TcpOutcome,
  TlsOutcome,
  WebmailOutcome,
} from '../../shared/probes/outcomes';
import type { ServerTexts } from '../probes/serverText';
import type { ProbeContext, ServerEndpoint } from '../probes/types';

/** What a server said (kept: scrubbed, printable, bounded). */
export interface ServerConversation {
  readonly greeting?: string;
  readonly capabilities: readonly string[];
  readonly ehloEchoIp?: string;
}

export interface ConnectProbeResult extends ServerConversation {
  readonly tcp: TcpOutcome;
  readonly tls: TlsOutcome;
  /** STARTTLS configured: whether the server advertised it on this connection (connections are compared). */
  readonly starttlsAdvertised?: boolean;
  /** The open connection (TLS verified, or TLS off): end it with exactly one of its methods. */
  readonly open?: OpenConnection;
}

export interface LoginProbeResult extends ServerConversation {
  readonly login: LoginOutcome;
  /** Whether the credential left this machine: false settles the login budget as "not sent". */
  readonly credentialSent: boolean;
}

export interface RelayProbeResult extends ServerConversation {
  readonly outcome: SmtpWithoutAuthOutcome;
}

export interface RelayEnvelope {
  readonly from: string;
  readonly to: string;
}

export interface Credentials {
  readonly username: string;
  readonly password: Secret;
}

/** A connection after its credential-free part. Every method ends it; `close` is safe to call again. */
export interface OpenConnection {
  /** Exactly one authentication attempt. */
  login(credentials: Credentials, ctx: ProbeContext): Promise<LoginProbeResult>;
  /**
   * SMTP without a login: MAIL FROM + RCPT TO, then RSET and QUIT before DATA (nothing is sent).
   * Tells whether "authentication off" means relaying is refused.
   */
  relayWithoutAuth(envelope: RelayEnvelope, ctx: ProbeContext): Promise<RelayProbeResult>;
  /** No login: the capability question (over TLS when TLS is on), then goodbye. */
  finish(ctx: ProbeContext): Promise<ServerConversation>;
  close(): void;
}

/** What the runner asks of a connection besides its credential-free part. */
export interface ConnectionPlan {
  /** Called once, when the connection is made and waits for the server's first reply (see `prepareLogin`). */
  readonly whileWaiting?: () => void;
}

export interface ProbeSet {
  internet(ctx: ProbeContext): Promise<InternetOutcome>;
  resolveHost(host: string, ctx: ProbeContext): Promise<HostResolution>;
  published(emailDomain: string, ctx: ProbeContext): Promise<PublishedSettings>;
  /**
   * TCP connect, greeting, STARTTLS or implicit TLS, certificate verification; sends no credentials. Every
   * server text kept goes through `texts` (scrubbed of the credential the runner may send this server).
   */
  connect(endpoint: ServerEndpoint, ctx: ProbeContext, texts: ServerTexts, plan: ConnectionPlan): Promise<ConnectProbeResult>;
  /**
   * Starts loading what a login on `protocol` needs (its library), ahead of the login, so the load fills a network
   * wait. Optional: nothing to load, nothing to do. The runner calls it once every server's connection is made.
   */
  prepareLogin?(protocol: MailProtocol): void;
  webmail(emailDomain: string, mailHost: string, ctx: ProbeContext): Promise<readonly WebmailOutcome[]>;
  /** A public-IP lookup that does not depend on the mail server (used only when the EHLO echo gave none). */
  publicIpFallback(ctx: ProbeContext): Promise<PublicIpOutcome>;
}
