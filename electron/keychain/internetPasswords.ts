import { userInfo } from 'node:os';
import type { MailProtocol } from '../../shared/model/account';
import { Secret } from './secret';
import type { SourceReadOutcome } from './types';

/**
 * Mail's legacy saved passwords: Internet-password items (class "inet") in the login keychain,
 * read with `/usr/bin/security find-internet-password -s HOST -a USER -r PROTO -w`.
 *
 * - execFile, never a shell; the password is only ever on the tool's stdout, never on a command line.
 * - The program is /usr/bin/security, and nothing outside the code can change that: its output becomes
 *   the password Mail Doctor sends, and it runs as a child of an app that holds Full Disk Access and the
 *   user's keychain trust. Only code can hand in another path (`toolPath`: the tests' stand-in, the
 *   development CLI's; see keychainAccess.ts). No environment variable is read.
 * - The child gets a fixed, minimal environment (PATH of the system folders, the user's real home from
 *   the user database), not ours: nothing the caller's environment says can steer it.
 * - Reading another app's item opens a SecurityAgent dialog naming "security"; a user may leave it
 *   open, so every call has a deadline (60 s by default) and honours an AbortSignal.
 * - Exit 44 = errSecItemNotFound. Any other non-zero exit (36 interaction not allowed, 51 auth
 *   failed, 128 user canceled, ...) means the keychain refused: reported as "denied", not "missing".
 */

export const DEFAULT_SECURITY_TOOL = '/usr/bin/security';
export const KEYCHAIN_DIALOG_TIMEOUT_MS = 60_000;

/** `security -r` protocol codes (SecKeychain.h kSecProtocolType*); four characters each. */
export type InternetProtocolCode = 'imap' | 'imps' | 'pop3' | 'pops' | 'smtp';

/** Which item protocols Mail may have used for a server, most likely first (imps/pops UNCONFIRMED). */
export function protocolCodesFor(protocol: MailProtocol): readonly InternetProtocolCode[] {
  switch (protocol) {
    case 'imap':
      return ['imap', 'imps'];
    case 'pop3':
      return ['pop3', 'pops'];
    case 'smtp':
      return ['smtp'];
  }
}

const EXIT_ITEM_NOT_FOUND = 44;
const DENIED_EXITS: Readonly<Record<number, string>> = {
  36: 'user interaction is not allowed (no GUI session or keychain locked)',
  51: 'the keychain refused access (Deny clicked or wrong keychain password)',
  128: 'the user canceled the keychain dialog',
};

export interface SecurityToolOptions {
  /** A stand-in for the tool, injected by code (tests, the development CLI); default /usr/bin/security on macOS. */
  readonly toolPath?: string;
  /** The child's environment; default `securityToolEnvironment()`. */
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface InternetPasswordQuery {
  readonly host: string;
  readonly username: string;
  readonly protocol: InternetProtocolCode;
}

export function securityToolPath(options: SecurityToolOptions): string | undefined {
  if (options.toolPath !== undefined) return options.toolPath;
  return (options.platform ?? process.platform) === 'darwin' ? DEFAULT_SECURITY_TOOL : undefined;
}

/** What the tool's process sees: the system folders and the user's own home (from the user database, not $HOME). */
export function securityToolEnvironment(): NodeJS.ProcessEnv {
  return { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: userInfo().homedir };
}

export async function findInternetPassword(query: InternetPasswordQuery, options: SecurityToolOptions = {}): Promise<SourceReadOutcome> {
  const tool = securityToolPath(options);
  const label = `security -r ${query.protocol}`;
  if (tool === undefined) return { kind: 'not-applicable', detail: 'the macOS keychain exists only on macOS' };
  if (query.host === '' || query.username === '') {
    return { kind: 'not-applicable', detail: `${label}: no ${query.host === '' ? 'server' : 'user name'} stored to look up` };
  }
  if (options.signal?.aborted === true) return { kind: 'error', detail: `${label}: cancelled` };

  const args = ['find-internet-password', '-s', query.host, '-a', query.username, '-r', query.protocol, '-w'];
  const timeoutMs = options.timeoutMs ?? KEYCHAIN_DIALOG_TIMEOUT_MS;
  // Loaded with the first keychain read: a check of a typed-in account makes none (docs/benchmarks.md, "Cold start").
  const { execFile } = await import('node:child_process');
  return new Promise<SourceReadOutcome>((resolve) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = options.signal === undefined ? deadline : AbortSignal.any([options.signal, deadline]);
    execFile(
      tool,
      args,
      { encoding: 'buffer', signal, maxBuffer: 64 * 1024, windowsHide: true, env: options.env ?? securityToolEnvironment() },
      (error, stdout) => {
        if (error === null) {
          resolve({ kind: 'found', secret: new Secret(decodeSecurityPasswordOutput(stdout)), detail: `${label}: found` });
          return;
        }
        if (deadline.aborted) {
          resolve({ kind: 'error', detail: `${label}: no answer within ${Math.round(timeoutMs / 1000)} s (keychain dialog left open?)` });
          return;
        }
        if (options.signal?.aborted === true) {
          resolve({ kind: 'error', detail: `${label}: cancelled` });
          return;
        }
        const code = error.code;
        if (typeof code === 'number') {
          if (code === EXIT_ITEM_NOT_FOUND) resolve({ kind: 'not-found', detail: `${label}: exit 44, not in the keychain` });
          else resolve({ kind: 'denied', detail: `${label}: exit ${code}, ${DENIED_EXITS[code] ?? 'the keychain refused or is locked'}` });
          return;
        }
        // Spawn failures (ENOENT, EACCES): the tool itself is missing or unusable. No stdout here.
        resolve({ kind: 'error', detail: `${label}: could not run ${tool} (${typeof code === 'string' ? code : 'unknown error'})` });
      },
    );
  });
}

/**
 * `security -w` prints the password followed by "\n" — but if ANY byte is not printable
 * (isprint() in the C locale: every control byte and every non-ASCII UTF-8 byte), it prints the
 * whole password as lower-case hex instead. A printable password can look like hex too ("cafe",
 * "deadbeef"), so a hex-looking line is decoded only when the decoded bytes
 *   - contain a non-printable byte (otherwise the tool would have printed them as text), and
 *   - are valid UTF-8 (Mail stores NSString passwords, which reach the keychain as UTF-8).
 * What remains ambiguous is a printable, all-lower-case-hex password whose bytes happen to be
 * valid UTF-8 with a non-printable character (e.g. "c3a4" vs "ä"); the decoded form is chosen, as
 * the tool's rule makes it by far the likelier reading.
 */
export function decodeSecurityPasswordOutput(stdout: Uint8Array): string {
  const raw = Buffer.from(stdout);
  const line = raw.length > 0 && raw[raw.length - 1] === 0x0a ? raw.subarray(0, raw.length - 1) : raw;
  const text = line.toString('latin1');
  if (text.length > 0 && text.length % 2 === 0 && /^[0-9a-f]+$/.test(text)) {
    const bytes = Buffer.from(text, 'hex');
    const decoded = strictUtf8(bytes);
    if (decoded !== undefined && bytes.some((byte) => byte < 0x20 || byte > 0x7e)) return decoded;
  }
  // Printed as text: the tool only does that when every byte is printable ASCII.
  return text;
}

function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
