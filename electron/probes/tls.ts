/**
 * TLS, and only TLS: the handshake on a connected socket (implicit TLS from the first byte, or after
 * STARTTLS), verification always on (system roots + ctx.extraCaPem, the identity checked against the
 * configured host), and what the handshake proved, read from that same socket.
 *
 * The one exception to "verification on" is the credential-free inspection connection
 * (serverConnection.ts): after a verification failure it reads the refused certificate to explain why,
 * and nothing at all is written on it after the handshake.
 */
import tls, { type TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { CertificateVerification, TlsOutcome } from '../../shared/probes/outcomes';
import { sniName, trustOptions, summariseCertificate } from './certificate';
import type { DeadlineScope } from './deadline';
import type { ProbeContext } from './types';

/** Node codes that mean "the peer did not speak TLS at all" (e.g. it sent `* OK` or `220`). */
export const NOT_TLS_CODES: ReadonlySet<string> = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_UNKNOWN_PROTOCOL',
  'ERR_SSL_HTTP_REQUEST',
  'ERR_SSL_RECORD_LAYER_FAILURE',
  'ECONNRESET',
]);

export type Handshake = { readonly ok: true; readonly socket: TLSSocket; readonly ms: number } | { readonly ok: false; readonly error: unknown };

/**
 * The TLS handshake over `socket`, tracked by `scope` (released with it), ending on the scope's signal.
 * `verify` is false ONLY for the certificate-inspection connection, which reads a certificate that
 * already failed verification and never sends a credential.
 */
export function handshake(socket: Socket, host: string, ctx: Pick<ProbeContext, 'extraCaPem'>, scope: DeadlineScope, verify: boolean): Promise<Handshake> {
  const started = Date.now();
  return new Promise<Handshake>((resolve) => {
    const servername = sniName(host);
    const secure = tls.connect({
      socket,
      ...(servername === undefined ? {} : { servername }),
      host,
      ...trustOptions(ctx),
      rejectUnauthorized: verify,
      // The identity is the configured host, never the address we connected to (tls.connect's default).
      checkServerIdentity: (_name, cert) => tls.checkServerIdentity(host, cert),
    });
    scope.track(secure);
    secure.on('error', () => {
      // Late errors after the handshake are reported by whoever reads the socket; this keeps them from crashing.
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
    if (scope.signal.aborted) onStop();
    else scope.signal.addEventListener('abort', onStop, { once: true });
  });
}

/** What a completed handshake proved, read from the socket it completed on. */
export function establishedFrom(secure: TLSSocket, mode: 'implicit' | 'starttls', verification: CertificateVerification, handshakeMs: number): Extract<TlsOutcome, { kind: 'established' }> {
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
