/**
 * What every probe takes. One deadline and one AbortSignal per probe call: library defaults
 * (imapflow 90 s, nodemailer 120 s, macOS TCP 75 s) are never what the user waits for.
 * Probes never throw to their caller: they return a typed outcome from shared/probes/outcomes.ts.
 */
import type { TlsMode, MailProtocol } from '../../shared/model/account';
import type { Secret } from '../keychain/secret';

export interface ProbeContext {
  /** Absolute time (Date.now() based) by which the probe must have returned. */
  readonly deadline: number;
  /** Cancels the probe (the user pressed Cancel, or the run is shutting down). */
  readonly signal: AbortSignal;
  /** Extra trusted CA certificates (PEM), added to the system roots; never a way to turn verification off. */
  readonly extraCaPem?: readonly string[];
  /** DNS servers to use instead of the system's, as "IP" or "IP:PORT" (tests use a loopback dnsmasq). */
  readonly dnsServers?: readonly string[];
  /**
   * How long a login waits for the server's answer once the credential has left (login.ts; default
   * AUTH_REPLY_DEADLINE_MS). Only tests shorten it, to see the 'auth' timeout without waiting 20 s.
   */
  readonly authReplyDeadlineMs?: number;
}

/** A configured mail server endpoint as the probes need it. */
export interface ServerEndpoint {
  readonly protocol: MailProtocol;
  readonly host: string;
  readonly port: number;
  readonly tls: TlsMode;
  /**
   * Where to connect when it differs from `host` (an address already resolved by the dns probe).
   * TLS still verifies against `host`.
   */
  readonly connectAddress?: string;
}

/** What a login probe sends: the user name and the password, held as a Secret (never printed). */
export interface LoginCredentials {
  readonly username: string;
  readonly password: Secret;
}
