/**
 * Certificate helpers shared by tls.ts, webmail.ts and the autoconfig fetch: which CA list to trust,
 * what a Node/OpenSSL verification error means for the user, and a plain-data summary of a peer cert.
 */
import { X509Certificate } from 'node:crypto';
import tls, { type PeerCertificate } from 'node:tls';
import type { CertificateProblem, CertificateSummary } from '../../shared/probes/outcomes';
import { ipAddressFamily } from '../hostNames';
import { printable } from './serverText';
import type { ProbeContext } from './types';

/**
 * The trust list: Node's default roots (the bundled ones; in Electron's Node also the OS store, so a company
 * root installed in the macOS keychain is trusted as Mail trusts it; and NODE_EXTRA_CA_CERTS) plus the
 * caller's extra CAs (self-hosted servers, tests). `undefined` means "Node's defaults" (no extra CA given).
 *
 * The extra CAs are added to a context that starts from the default store (OpenSSL copies the roots it has
 * already parsed) rather than handed over as `ca: [...roots, ...extra]`, which makes Node parse every root
 * certificate's PEM again: ~35 ms of CPU per run against ~1 ms (docs/benchmarks.md). The context is built once
 * and shared by every connection of that run (the runner hands every probe the same extraCaPem array).
 */
const secureContexts = new WeakMap<readonly string[], tls.SecureContext>();

/** The trust part of TLS options: nothing (Node's defaults) or one shared secure context with the extra CAs. */
export function trustOptions(ctx: Pick<ProbeContext, 'extraCaPem'>): { secureContext?: tls.SecureContext } {
  const extra = ctx.extraCaPem;
  if (extra === undefined || extra.length === 0) return {};
  let secureContext = secureContexts.get(extra);
  if (secureContext === undefined) {
    secureContext = tls.createSecureContext();
    // `context` is the native SSL_CTX wrapper (typed `any` by @types/node); addCACert is what `ca:` calls per PEM.
    const native = secureContext.context as { addCACert: (pem: string) => void };
    for (const pem of extra) native.addCACert(pem);
    secureContexts.set(extra, secureContext);
  }
  return { secureContext };
}

/** SNI must be a name, never an IP address (RFC 6066 §3); verification still checks the configured host. */
export function sniName(host: string): string | undefined {
  return ipAddressFamily(host) === 0 ? host : undefined;
}

/**
 * TLS options of every verified connection (never switched off): the trust list, and the identity
 * checked against the configured host, never the address we connect to.
 */
export function verifiedTlsOptions(
  ctx: Pick<ProbeContext, 'extraCaPem'>,
  host: string,
): { secureContext?: tls.SecureContext; rejectUnauthorized: true; checkServerIdentity: (name: string, cert: PeerCertificate) => Error | undefined } {
  return {
    ...trustOptions(ctx),
    rejectUnauthorized: true,
    checkServerIdentity: (_name, cert) => tls.checkServerIdentity(host, cert),
  };
}

const PROBLEM_BY_CODE: Readonly<Record<string, CertificateProblem>> = {
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname-mismatch',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not-yet-valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT: 'untrusted',
  CERT_UNTRUSTED: 'untrusted',
  CERT_SIGNATURE_FAILURE: 'other',
  CERT_REVOKED: 'other',
  INVALID_CA: 'untrusted',
  CERT_CHAIN_TOO_LONG: 'other',
  INVALID_PURPOSE: 'other',
  CERT_REJECTED: 'other',
  HOSTNAME_MISMATCH: 'hostname-mismatch',
};

/** The certificate problem a Node TLS error code stands for, or undefined when the error is not about the certificate. */
export function certificateProblemOf(code: string): CertificateProblem | undefined {
  return PROBLEM_BY_CODE[code];
}

function field(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

function distinguishedName(name: tls.Certificate | undefined): string {
  if (name === undefined) return '';
  const parts: string[] = [];
  for (const key of ['CN', 'O', 'OU', 'L', 'ST', 'C'] as const) {
    const value = field(name[key]);
    if (value !== undefined) parts.push(`${key}=${value}`);
  }
  return parts.join(', ');
}

/** Names from a subjectAltName string like `DNS:mail.example.test, DNS:localhost, IP Address:127.0.0.1`. */
export function subjectAltNames(altNames: string | undefined): string[] {
  if (altNames === undefined || altNames.trim() === '') return [];
  return altNames
    .split(',')
    .map((part) => part.trim())
    .map((part) => part.replace(/^(DNS|IP Address):/, ''))
    .filter((name) => name.length > 0);
}

/** OpenSSL's "Jan  1 00:00:00 2030 GMT" as ISO 8601; kept verbatim if it cannot be parsed. */
function isoDate(text: string): string {
  const time = Date.parse(text);
  return Number.isNaN(time) ? text : new Date(time).toISOString();
}

/**
 * A certificate is the server's text too (untrusted input): names and the issuer are kept printable and
 * bounded. Real certificates name at most a few hundred hosts (cPanel's AutoSSL: mail., webmail., cpanel...).
 */
const MAX_NAMES = 200;
const MAX_NAME_CHARS = 255;

/** Plain-data summary of a peer certificate (from getPeerCertificate()). */
export function summariseCertificate(peer: PeerCertificate): CertificateSummary {
  const rawCommonName = field(peer.subject?.CN);
  const commonName = rawCommonName === undefined ? undefined : printable(rawCommonName, MAX_NAME_CHARS);
  const altNames = subjectAltNames(peer.subjectaltname)
    .slice(0, MAX_NAMES)
    .map((name) => printable(name, MAX_NAME_CHARS));
  const names = altNames.length > 0 ? altNames : commonName !== undefined ? [commonName] : [];
  let selfSigned = distinguishedName(peer.subject) === distinguishedName(peer.issuer);
  if (peer.raw !== undefined && peer.raw.length > 0) {
    try {
      const x509 = new X509Certificate(peer.raw);
      // A certificate is self-signed when it names itself as issuer AND its own key verifies it.
      selfSigned = x509.subject === x509.issuer && x509.verify(x509.publicKey);
    } catch {
      // Keep the name comparison when the raw certificate cannot be parsed.
    }
  }
  return {
    ...(commonName === undefined ? {} : { subjectCommonName: commonName }),
    names,
    issuer: printable(distinguishedName(peer.issuer), 400),
    validFrom: isoDate(peer.valid_from),
    validTo: isoDate(peer.valid_to),
    selfSigned,
    fingerprintSha256: peer.fingerprint256,
  };
}
