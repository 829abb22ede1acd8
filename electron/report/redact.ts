/**
 * Identity masking in the support report (optional, user's choice): the helpdesk normally needs the address
 * and the login name, so they are kept by default; `maskIdentities` turns `jane.doe@example.com` into
 * `j***@example.com` and the login name `jdoe` into `j***` everywhere in the report, including inside
 * server replies that echo them, and the Mac user name in `/Users/<name>/` paths. Host names stay.
 *
 * Secrets are not this file's business: the report builder never reads one (it projects whitelisted fields
 * of a DiagnosisRun, a type with no secret fields), and every way the report leaves the process (CLI,
 * clipboard, file, IPC, mail draft) passes the exit guard, electron/exitGuard.ts.
 */

/** Characters that can be part of a login name or an address: a match must not touch them on either side. */
const IDENTITY_CHAR = "A-Za-z0-9._%+@'-";
const ANY_EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
/** The same, URL-encoded as autoconfig queries carry it (`?emailaddress=jane%40example.com`). */
const ANY_URL_ENCODED_EMAIL = /[A-Za-z0-9._+'-]+%40[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/gi;
/** The Mac's own short user name inside a home-folder path (`/Users/jane/Library/...`). */
const HOME_FOLDER = /(?<=\/Users\/)(?!Shared\/)[^/\s]+(?=\/)/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `jdoe` -> `j***`: the first character keeps the report readable when several accounts are masked. */
export function maskUsername(username: string): string {
  if (username.length === 0) return username;
  const at = username.indexOf('@');
  if (at > 0) return maskEmailAddress(username);
  return `${username.slice(0, 1)}***`;
}

/** `jane.doe@example.com` -> `j***@example.com` (the domain is a host name and stays). */
export function maskEmailAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return maskUsername(address);
  return `${address.slice(0, 1)}***${address.slice(at)}`;
}

function maskUrlEncodedEmail(encoded: string): string {
  const at = encoded.toLowerCase().lastIndexOf('%40');
  return `${encoded.slice(0, 1)}***${encoded.slice(at)}`;
}

export type TextMasker = (text: string) => string;

/**
 * Builds the masking function for one report. `identities` are the addresses and login names the run
 * knows about; any other address-shaped text (a server echoing an alias) is masked too.
 * Matching is case-insensitive (servers echo names in their own case) and never inside a longer token,
 * so the login name `mail` does not touch the host `mail.example.com`.
 */
export function createIdentityMasker(identities: Iterable<string>): TextMasker {
  const known = [...new Set([...identities].map((identity) => identity.trim()).filter((identity) => identity.length > 0))];
  // Longest first, so `jane@example.com` is replaced before a bare `jane` could split it.
  known.sort((a, b) => b.length - a.length);
  const boundary = (pattern: string): RegExp => new RegExp(`(?<![${IDENTITY_CHAR}])${pattern}(?![${IDENTITY_CHAR}])`, 'gi');
  // The matched text is masked (not the identity as configured), so the server's own case is kept.
  const knownPatterns = known.flatMap((identity) => {
    const patterns: { pattern: RegExp; mask: TextMasker }[] = [
      { pattern: boundary(escapeRegExp(identity)), mask: identity.includes('@') ? maskEmailAddress : maskUsername },
    ];
    if (identity.includes('@')) {
      patterns.push({ pattern: boundary(escapeRegExp(identity.replace(/@/g, '%40'))), mask: maskUrlEncodedEmail });
    }
    return patterns;
  });
  return (text: string): string => {
    let masked = text;
    for (const { pattern, mask } of knownPatterns) masked = masked.replace(pattern, (match) => mask(match));
    masked = masked.replace(ANY_EMAIL, (address) => maskEmailAddress(address));
    masked = masked.replace(ANY_URL_ENCODED_EMAIL, (encoded) => maskUrlEncodedEmail(encoded));
    masked = masked.replace(HOME_FOLDER, (userName) => maskUsername(userName));
    return masked;
  };
}
