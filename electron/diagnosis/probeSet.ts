/**
 * The probes the runner uses, as one interface. The real set (realProbeSet.ts) binds the probe
 * modules in electron/probes/; having the runner depend on this interface keeps the orchestration
 * (ordering, deadlines, gating, budget, progress) readable on its own.
 */
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
import type { ProbeContext, ServerEndpoint } from '../probes/types';

/** What a server said before any credential was sent. */
export interface ServerConversation {
  readonly greeting?: string;
  readonly capabilities: readonly string[];
  readonly ehloEchoIp?: string;
}

export interface TlsProbeResult extends ServerConversation {
  /** The TCP connect the TLS probe made (it connects itself: one connection, not two). */
  readonly tcp: TcpOutcome;
  readonly tls: TlsOutcome;
}

export interface LoginProbeResult extends ServerConversation {
  readonly login: LoginOutcome;
}

export interface RelayEnvelope {
  readonly from: string;
  readonly to: string;
}

export interface Credentials {
  readonly username: string;
  readonly password: Secret;
}

export interface ProbeSet {
  internet(ctx: ProbeContext): Promise<InternetOutcome>;
  resolveHost(host: string, ctx: ProbeContext): Promise<HostResolution>;
  published(emailDomain: string, ctx: ProbeContext): Promise<PublishedSettings>;
  /** TCP connect, greeting, STARTTLS or implicit TLS, certificate verification; sends no credentials. */
  tls(endpoint: ServerEndpoint, ctx: ProbeContext): Promise<TlsProbeResult>;
  /** Exactly one authentication attempt. */
  login(endpoint: ServerEndpoint, credentials: Credentials, ctx: ProbeContext): Promise<LoginProbeResult>;
  /**
   * SMTP without a login: MAIL FROM + RCPT TO, then RSET and QUIT before DATA (nothing is sent).
   * Tells whether "authentication off" means relaying is refused.
   */
  relayWithoutAuth(endpoint: ServerEndpoint, envelope: RelayEnvelope, ctx: ProbeContext): Promise<SmtpWithoutAuthOutcome>;
  webmail(emailDomain: string, mailHost: string, ctx: ProbeContext): Promise<readonly WebmailOutcome[]>;
  /** A public-IP lookup that does not depend on the mail server (used only when the EHLO echo gave none). */
  publicIpFallback(ctx: ProbeContext): Promise<PublicIpOutcome>;
}
