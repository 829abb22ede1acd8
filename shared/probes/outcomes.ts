/**
 * Typed outcomes of every network probe. Probes (electron/probes/) produce them, the verdict rules
 * (shared/verdict/) and the window read them. Every outcome is plain data, JSON-serialisable, and
 * keeps the evidence a helpdesk needs (server words, certificate names, timings) without secrets.
 */
import type { MailProtocol, ServerRole, TlsMode } from '../model/account';

export type AddressFamily = 4 | 6;

// ---------------------------------------------------------------- internet

export type InternetOutcome =
  | { readonly kind: 'online'; readonly checkedUrl: string; readonly durationMs: number }
  /** The check URL answered, but not with the expected body: a hotel/airport login page is in the way. */
  | {
      readonly kind: 'captive-portal';
      readonly checkedUrl: string;
      readonly httpStatus: number;
      readonly redirectedTo?: string;
    }
  /** Name resolution of a well-known name failed although the network seems up. */
  | { readonly kind: 'dns-broken'; readonly errorCode: string }
  | { readonly kind: 'no-network'; readonly errorCode: string }
  | { readonly kind: 'skipped'; readonly reason: string };

// ---------------------------------------------------------------- dns

export interface ResolvedAddress {
  readonly address: string;
  readonly family: AddressFamily;
}

export type HostResolution =
  | { readonly kind: 'resolved'; readonly host: string; readonly addresses: readonly ResolvedAddress[] }
  /** NXDOMAIN: the name does not exist. */
  | { readonly kind: 'not-found'; readonly host: string }
  /** The name exists but has no A/AAAA record. */
  | { readonly kind: 'no-address'; readonly host: string }
  | { readonly kind: 'timeout'; readonly host: string }
  | { readonly kind: 'error'; readonly host: string; readonly errorCode: string };

export type SrvService = '_imaps._tcp' | '_imap._tcp' | '_pop3s._tcp' | '_pop3._tcp' | '_submissions._tcp' | '_submission._tcp';

export interface SrvRecord {
  readonly service: SrvService;
  readonly target: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
}

export interface PublishedServer {
  readonly protocol: MailProtocol;
  readonly host: string;
  readonly port: number;
  readonly tls: TlsMode;
  /** autoconfig's username template, e.g. "%EMAILADDRESS%". */
  readonly usernameTemplate?: string;
  /** 'cpanel': the host's own answer (Email::get_client_settings through the hosting tools, electron/admin/). */
  readonly from: 'srv' | 'autoconfig' | 'cpanel';
}

export interface AutoconfigAttempt {
  readonly url: string;
  readonly outcome: 'found' | 'not-found' | 'invalid' | 'unreachable';
  readonly detail?: string;
}

/** What the email domain publishes about its own mail servers. */
export interface PublishedSettings {
  readonly domain: string;
  readonly mx: readonly { readonly exchange: string; readonly priority: number }[];
  readonly srv: readonly SrvRecord[];
  readonly autoconfig: readonly AutoconfigAttempt[];
  /** Incoming and outgoing servers the domain advertises (SRV and autoconfig, best first). */
  readonly servers: readonly PublishedServer[];
}

// ---------------------------------------------------------------- tcp

export type TcpOutcome =
  | {
      readonly kind: 'connected';
      readonly address: string;
      readonly family: AddressFamily;
      readonly connectMs: number;
    }
  /** RST in answer to SYN: nothing listens, or a firewall REJECTs (fail2ban style). */
  | { readonly kind: 'refused'; readonly address: string; readonly afterMs: number }
  /** No answer before our deadline: a silent DROP (CSF style) or a dead host. */
  | { readonly kind: 'timeout'; readonly afterMs: number }
  | { readonly kind: 'unreachable'; readonly errorCode: string }
  /** Connection accepted then reset. */
  | { readonly kind: 'reset'; readonly afterMs: number }
  | { readonly kind: 'error'; readonly errorCode: string; readonly message: string };

// ---------------------------------------------------------------- tls

export interface CertificateSummary {
  readonly subjectCommonName?: string;
  /** DNS and IP names the certificate is valid for (subjectAltName, else CN). */
  readonly names: readonly string[];
  readonly issuer: string;
  readonly validFrom: string;
  readonly validTo: string;
  readonly selfSigned: boolean;
  readonly fingerprintSha256: string;
}

export type CertificateProblem = 'hostname-mismatch' | 'expired' | 'not-yet-valid' | 'untrusted' | 'self-signed' | 'other';

export type CertificateVerification =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly problem: CertificateProblem;
      /** Node/OpenSSL code, e.g. ERR_TLS_CERT_ALTNAME_INVALID, CERT_HAS_EXPIRED. */
      readonly code: string;
    };

export type TlsOutcome =
  | {
      readonly kind: 'established';
      readonly mode: Exclude<TlsMode, 'none'>;
      readonly protocol: string;
      readonly cipher: string;
      readonly certificate: CertificateSummary;
      readonly verification: CertificateVerification;
      readonly handshakeMs: number;
    }
  /** STARTTLS was expected but the server does not offer it. */
  | { readonly kind: 'starttls-not-offered' }
  /**
   * The server offered STARTTLS and then took it back: advertised in its greeting's capabilities but not
   * in the CAPABILITY/EHLO answer on the same connection ('same-connection'), or offered on one of this
   * run's connections to this server and not on another ('other-connection'). A downgrade by something
   * between us and the server, or a broken middlebox. No credential was sent on such a connection.
   */
  | { readonly kind: 'starttls-withdrawn'; readonly advertisedOn: 'same-connection' | 'other-connection' }
  /** Implicit TLS was expected but the server spoke plain text (e.g. port 587 configured as SSL). */
  | { readonly kind: 'plaintext-on-tls-port'; readonly firstBytes: string }
  /**
   * STARTTLS (or no TLS) was configured but the port speaks TLS from the first byte (e.g. 993 set to
   * STARTTLS): no plaintext greeting came before the greeting deadline, and a second, credential-free
   * connection that sent nothing but a TLS ClientHello (verification on) got a TLS answer. `proof` says
   * how it answered: a completed handshake, or a certificate the verification refused (still TLS).
   */
  | {
      readonly kind: 'tls-on-plaintext-port';
      readonly proof: 'handshake' | 'certificate-error';
      /** How long we waited in vain for the plaintext greeting. */
      readonly silentMs: number;
      /** The TLS version the port answered with (e.g. TLSv1.3), when the handshake completed. */
      readonly tlsProtocol?: string;
      /** The verification error code, when `proof` is 'certificate-error'. */
      readonly certificateCode?: string;
    }
  | { readonly kind: 'handshake-failed'; readonly errorCode: string; readonly message: string }
  | { readonly kind: 'timeout'; readonly phase: 'greeting' | 'starttls' | 'handshake'; readonly afterMs: number }
  | { readonly kind: 'not-applicable'; readonly reason: 'tls-off' | 'no-connection' }
  /**
   * The plaintext part of the dialogue went wrong before TLS could start (or, for tls 'none', at all):
   * the server refused us in its greeting (`* BYE`, `-ERR`, `554`), sent something that is not the
   * protocol, an endless line or a flood, closed/reset the connection, refused STARTTLS although it
   * advertised it, or pipelined plaintext after its STARTTLS reply (errorCode STARTTLS_INJECTION: a
   * man-in-the-middle signature; we refuse to continue). `detail` is the server's words, printable and bounded.
   */
  | {
      readonly kind: 'protocol-error';
      readonly phase: 'greeting' | 'capabilities' | 'starttls';
      /**
       * UNEXPECTED_GREETING, SERVER_REFUSED, REPLY_TOO_LARGE (a line or a connection past the byte budget,
       * REPLY_TOO_LARGE_LIMITS), CLOSED, ECONNRESET, STARTTLS_REJECTED, STARTTLS_INJECTION, ABORT_ERR.
       */
      readonly errorCode: string;
      readonly detail: string;
    };

// ---------------------------------------------------------------- login

export type LoginSkipReason =
  | 'no-login-mode'
  | 'no-password'
  | 'oauth-account'
  | 'login-budget'
  /**
   * The login ledger (electron/diagnosis/loginBudget.ts) could not be read, written or locked, so nothing
   * can promise the two-failures-per-hour limit: no login is attempted. Not "you tried too often".
   */
  | 'ledger-unavailable'
  | 'connection-failed'
  | 'certificate-invalid'
  | 'authentication-off'
  | 'cancelled'
  /**
   * The connection to this server is not encrypted (TLS mode 'none'): Mail Doctor never sends a
   * password in clear, so no login was attempted (greeting and capabilities are still reported).
   */
  | 'cleartext-connection';

/** Why the login ledger could not be used (electron/diagnosis/loginBudget.ts). */
export type LedgerProblem =
  /** The state folder or the ledger file cannot be written (read-only volume, permissions). */
  | 'not-writable'
  /** Something other than a regular file sits where the ledger or its lock should be (a folder, a dangling link). */
  | 'not-a-file'
  /** Another run holds the lock and it could not be taken in time, nor safely broken. */
  | 'lock-unavailable'
  | 'io-error';

export interface LedgerFault {
  readonly path: string;
  readonly problem: LedgerProblem;
  /** The system's error code (EACCES, EROFS, EISDIR, ELOOP...), when there was one. */
  readonly errorCode?: string;
}

/**
 * Byte budgets for what one server may send us (electron/probes enforce them below imapflow/nodemailer):
 * past either, the connection is closed and the outcome carries errorCode REPLY_TOO_LARGE.
 */
export const REPLY_TOO_LARGE_LIMITS = { lineBytes: 64 * 1024, connectionBytes: 1024 * 1024 } as const;

export type LoginOutcome =
  /**
   * `authReplyMs`: from sending the credential to the server's answer. Dovecot delays answers to an
   * address that failed recently (its auth penalty, 2 s up to 15 s), correct logins included.
   */
  | { readonly kind: 'accepted'; readonly mechanism?: string; readonly durationMs: number; readonly authReplyMs?: number }
  /** The server said no. `serverText` is its reply, bounded and scrubbed of this run's secrets. */
  | {
      readonly kind: 'rejected';
      /** IMAP response code (AUTHENTICATIONFAILED, UNAVAILABLE, ...), POP3 [AUTH]/[IN-USE], SMTP 535. */
      readonly responseCode?: string;
      readonly serverText: string;
      readonly durationMs: number;
      readonly authReplyMs?: number;
    }
  /** The server refuses to authenticate at all here: LOGINDISABLED, no AUTH in EHLO, plaintext refused. */
  | { readonly kind: 'unavailable'; readonly serverText: string }
  /** `ledger`: with reason 'ledger-unavailable', which file could not be used and why (no secret in it). */
  | { readonly kind: 'skipped'; readonly reason: LoginSkipReason; readonly safeAfter?: string; readonly ledger?: LedgerFault }
  /**
   * No answer in time. `phase` 'auth': the server greeted, TLS was verified and the credential was sent,
   * then no reply came before the AUTH-reply deadline (a server slowing a refusal, never "unavailable");
   * 'connect' (or absent): it stopped earlier, before any credential left.
   */
  | { readonly kind: 'timeout'; readonly afterMs: number; readonly phase?: 'connect' | 'auth' }
  /** errorCode REPLY_TOO_LARGE: the server sent more than REPLY_TOO_LARGE_LIMITS allow. */
  | { readonly kind: 'error'; readonly errorCode: string; readonly message: string };

/**
 * SMTP without authentication (Mail's "Use authentication" is off): EHLO, MAIL FROM, RCPT TO, then
 * RSET/QUIT before DATA, so nothing is ever sent. Tells whether the server takes mail from us unauthenticated.
 */
export type SmtpWithoutAuthOutcome =
  /** The server refused the envelope, e.g. Exim's `550 Authentication required`. */
  | {
      readonly kind: 'refused';
      readonly stage: 'mail-from' | 'rcpt-to';
      /** The SMTP reply code, e.g. "550" (enhanced code, when present, is in serverText). */
      readonly responseCode: string;
      readonly serverText: string;
    }
  /** MAIL FROM and RCPT TO were both accepted without authentication (we stopped before DATA). */
  | { readonly kind: 'accepted'; readonly serverText: string }
  | { readonly kind: 'timeout'; readonly afterMs: number }
  | { readonly kind: 'skipped'; readonly reason: 'cancelled' }
  | { readonly kind: 'error'; readonly errorCode: string; readonly message: string };

// ---------------------------------------------------------------- whole server

/** Everything learnt about one configured server, in chain order. */
export interface ServerProbeResult {
  readonly role: ServerRole;
  readonly protocol: MailProtocol;
  readonly host: string;
  readonly port: number;
  readonly tlsMode: TlsMode;
  readonly resolution: HostResolution;
  readonly tcp: TcpOutcome | null;
  readonly tls: TlsOutcome | null;
  /** The server's greeting line, verbatim. */
  readonly greeting?: string;
  /** IMAP CAPABILITY / POP3 CAPA / SMTP EHLO keywords, as the server sent them. */
  readonly capabilities: readonly string[];
  readonly login: LoginOutcome;
  /** SMTP only: the client address in the EHLO reply `Hello ... [ip]`: our public IP as the server sees it. */
  readonly ehloEchoIp?: string;
  /**
   * SMTP with Mail's authentication off: would the server take a message without a login? (MAIL FROM +
   * RCPT TO to an outside address, stopped before DATA: nothing is ever sent.)
   */
  readonly relayWithoutAuth?: SmtpWithoutAuthOutcome;
  /**
   * Something this server sent contained one of this run's secrets (it echoed the AUTH line or the
   * password) and was scrubbed before it was kept. Worth a note: real servers never do that.
   */
  readonly secretScrubbed?: boolean;
}

// ---------------------------------------------------------------- web

export type WebmailPageKind = 'cpanel-webmail-login' | 'cphulk-block' | 'csf-block' | 'other-page';

export type WebmailOutcome =
  | {
      readonly kind: 'page';
      readonly url: string;
      readonly httpStatus: number;
      readonly page: WebmailPageKind;
      /** Where redirects led, when it differs from `url`. */
      readonly finalUrl?: string;
      /** CSF's block page names the address it blocked: the user's public IP as the server sees it. */
      readonly blockedIp?: string;
    }
  | { readonly kind: 'tls-failed'; readonly url: string; readonly problem: CertificateProblem; readonly code: string }
  | { readonly kind: 'unreachable'; readonly url: string; readonly tcp: TcpOutcome }
  | { readonly kind: 'not-found'; readonly url: string; readonly errorCode: string };

export type PublicIpOutcome =
  | { readonly kind: 'found'; readonly ip: string; readonly from: 'smtp-ehlo' | 'opendns' }
  | { readonly kind: 'unknown'; readonly reason: string };
