/**
 * Every word Mail Doctor says about a diagnosis: the words of each failure code, checklist step titles,
 * skip reasons and evidence labels. Nothing outside this file invents user-facing text about a diagnosis.
 *
 * THE SHAPE OF A FINDING'S WORDS (what the window, the CLI and the report show), `describeFinding(finding)`:
 *
 *   {
 *     title:     string             ≤ 8 words. What is wrong, in plain words.
 *     why:       string             ONE sentence, ≤ 20 words. Why that is the problem (the evidence, plainly).
 *     nextStep:  string             EXACTLY ONE imperative sentence, ≤ 25 words: the one thing to do now.
 *     howTo?:    readonly string[]  The numbered steps behind "Show me how" (menu paths, ports, addresses).
 *     technical?: readonly string[] Raw detail for a closed "Technical details" disclosure: server replies,
 *                                   error codes, certificate names, ports. One line each.
 *     fixedBy:   'you' | 'it-admin' | 'email-host'   Who can do the next step (OWNER_LABELS words it).
 *     action?:   CatalogAction      The one default button that does the next step, when there is one.
 *   }
 *
 * `title`, `why` and `nextStep` carry no jargon: nothing matching JARGON below (say "incoming server",
 * "outgoing server", "encryption"); protocol names, reply codes, port numbers, addresses and certificate
 * names live in `howTo` and `technical`. Where the password was typed for this check, the words say "the
 * password you typed", never "the password Mail saved". tests/unit/verdict/words.test.ts renders every code
 * with representative params and checks these limits.
 *
 * Each entry is typed by its code's params (params.ts), so it reads exactly the keys its rule writes. Times
 * stay ISO in params and are formatted here through the caller's formatter (the window passes the person's
 * locale; the CLI and the report a fixed UTC format). Tone: plain, friendly, precise, never blaming.
 * "Mail" is Apple Mail.
 */
import type { ChecklistStepId, StepOwner } from '../checklist/steps';
import type { EvidenceItem, Finding, FindingKey, PlainParams } from '../diagnosis/types';
import type { LoginSkipReason } from '../probes/outcomes';
import type { FailureCode } from './codes';
import { DEFAULT_TEXT_FORMAT, formatCatalogText, type TextFormatOptions } from './format';
import type { AuthRejectedParams, ParamsOf, Role } from './params';

/** The buttons the window can offer for a next step. */
export const CATALOG_ACTIONS = [
  'open-webmail',
  'open-keychain-access',
  'open-mail-settings',
  'grant-full-disk-access',
  'type-password',
  'run-again',
  'copy-report',
  'contact-support',
  'open-connection-doctor',
] as const;
export type CatalogAction = (typeof CATALOG_ACTIONS)[number];

export type FixedBy = StepOwner;

/** What `title`, `why` and `nextStep` never contain: protocol names, reply codes, raw server words. */
export const JARGON = /IMAP|SMTP|STARTTLS|TLSv|CN=|exit \d+|\[AUTH|\b[2-5]\d\d\b/;

/** A finding's words, ready to show (the shape documented at the top of this file). */
export interface FindingWords {
  readonly title: string;
  readonly why: string;
  readonly nextStep: string;
  readonly howTo?: readonly string[];
  readonly technical?: readonly string[];
  readonly fixedBy: FixedBy;
  readonly action?: CatalogAction;
}

/** What a text may use besides its params: the caller's time format, and what the reader's buttons can open. */
export interface Wording {
  /** An ISO time as the reader's locale shows it. */
  time(iso: string): string;
  /** false: the reader has no working "Open Webmail" button, so no next step may send them there (format.ts). */
  readonly canOpenWebmail: boolean | undefined;
}

type Text<C extends FailureCode> = (params: ParamsOf<C>, wording: Wording) => string;
type Lines<C extends FailureCode> = (params: ParamsOf<C>, wording: Wording) => readonly (string | false | undefined)[];
/** The button follows the sentence: an entry whose next step varies says which button each variant gets. */
type ActionOf<C extends FailureCode> = CatalogAction | ((params: ParamsOf<C>, wording: Wording) => CatalogAction | undefined);

export interface CatalogEntry<C extends FailureCode> {
  readonly title: Text<C>;
  readonly why: Text<C>;
  /** Exactly one concrete thing to do next. */
  readonly nextStep: Text<C>;
  readonly howTo?: Lines<C>;
  readonly technical?: Lines<C>;
  readonly fixedBy: FixedBy;
  /** The checklist step the finding belongs to (for per-side codes: the incoming side's step, see stepForFinding). */
  readonly step: ChecklistStepId;
  /** The one button that does the next step; it must do what the sentence says, for every variant. */
  readonly action?: ActionOf<C>;
}

// ------------------------------------------------------------------ shared phrases

/** "incoming" / "outgoing": what a person calls the two servers. */
function server(role: Role): string {
  return `${role} server`;
}

/** The heading Mail's Server Settings use for each side. */
function mailHeading(role: Role): string {
  return role === 'incoming' ? 'Incoming Mail Server' : 'Outgoing Mail Server';
}

const IN_SETTINGS = "in Mail's account settings";

/** The steps to one field of Mail's Server Settings, then save and check again. */
function inMailSettings(change: string, manual = false): string[] {
  return [
    'Open Mail, choose Mail > Settings, then click Accounts.',
    'Select this account and click Server Settings.',
    ...(manual ? ['Turn off "Automatically manage connection settings" for that server, if it is on.'] : []),
    change,
    'Click Save, then run this check again.',
  ];
}

const HOTSPOT_STEPS = [
  "Turn on Personal Hotspot on your phone and join it from this Mac's Wi-Fi menu.",
  'Run this check again.',
  'If it works there, the network you were on blocks or disturbs the connection; if not, send the report to your email host.',
];

const TRY_HOTSPOT = "Connect this Mac to your phone's hotspot and run the check again, to see whether this network is the cause.";
const IGNORE_FOR_MAIL = 'Ignore this for Mail, and check the network only if web pages do not open either.';
const RUN_AGAIN_LATER = 'Run the check again in a few minutes, and send the report to your email host if it happens again.';

function tellBlockedAddress(ip: string | undefined): string {
  return ip === undefined
    ? 'Tell them your public internet address (Mail Doctor could not find it out; whatismyip.com shows it).'
    : `Tell them the blocked address: ${ip}. Everyone sharing this internet connection is affected.`;
}

const CONFIRM_BLOCK_ON_HOTSPOT =
  "To confirm in the meantime, connect this Mac to your phone's hotspot and run the check again: if Mail works there, the block is confirmed.";

/** How long, in words that never look like a reply code ("20 days", "about 10 months"). */
function span(days: number): string {
  if (days < 60) return days === 1 ? '1 day' : `${days} days`;
  const months = Math.round(days / 30);
  return months < 24 ? `about ${months} months` : `about ${Math.round(days / 365)} years`;
}

const MODE_WORDS = { implicit: 'TLS from the start', starttls: 'STARTTLS', none: 'no encryption' } as const;

function serverLine(host: string, port?: number): string {
  return port === undefined ? `Server: ${host}` : `Server: ${host}, port ${port}`;
}

function replyLine(serverText: string | undefined): string | undefined {
  return serverText === undefined || serverText === '' ? undefined : `Server reply: ${serverText}`;
}

// ------------------------------------------------------------------ the catalog

export const CATALOG: { readonly [C in FailureCode]: CatalogEntry<C> } = {
  OK: {
    title: () => 'Nothing wrong found',
    why: (p) =>
      !p.loginTested
        ? 'Your mail servers answered securely; no login was tested in this check.'
        : p.typedForThisCheck
          ? 'Your mail servers answered securely and accepted the password you typed.'
          : 'Your mail servers answered securely and accepted the password Mail saved.',
    nextStep: () => 'Quit Mail and open it again if it still has trouble, then run this check once more.',
    fixedBy: 'you',
    step: 'contact-host',
    action: 'run-again',
  },

  // -------------------------------------------------------------- the Mac and the network
  FULL_DISK_ACCESS_NEEDED: {
    title: () => "Mail Doctor needs permission to read Mail's files",
    why: () => "macOS protects Mail's settings and logs, so part of this check stays blank without Full Disk Access.",
    nextStep: () => 'Switch on Mail Doctor under Full Disk Access in Privacy & Security settings, then run the check again.',
    howTo: () => [
      'Open System Settings > Privacy & Security > Full Disk Access.',
      'Switch on Mail Doctor (if it is not listed, click + and choose it in Applications).',
      'Run this check again.',
    ],
    technical: (p) => [p.path !== undefined && `Could not read: ${p.path}`],
    fixedBy: 'you',
    step: 'incoming-login',
    action: 'grant-full-disk-access',
  },
  ACCOUNT_READ_PROBLEM: {
    title: (p) => {
      if (p.problem === 'read-problems') return 'Some account settings could not be read';
      return p.settingsUnreadable ? "Mail Doctor cannot read this account's settings" : 'This account has no incoming server saved';
    },
    why: (p) => {
      if (p.problem === 'read-problems') return 'Mail Doctor could not read some saved settings; the rest of the check used what it could read.';
      return p.settingsUnreadable
        ? `Mail is on for ${p.email}, but its servers are stored in a form Mail Doctor cannot read yet.`
        : `Mail has the account ${p.email} but no server to receive from, so there is nothing to check.`;
    },
    nextStep: (p) =>
      p.problem === 'no-incoming' && p.settingsUnreadable
        ? "Send the report to your IT admin, so they can check this account's servers by hand."
        : `Open this account's server settings ${IN_SETTINGS} and check that it shows an incoming server.`,
    howTo: (p) =>
      p.problem === 'no-incoming' && p.settingsUnreadable ? [] : inMailSettings('Check that an incoming and an outgoing server are shown, with their names filled in.'),
    technical: (p) => [p.problem === 'read-problems' ? `Settings that could not be read: ${p.count}` : p.detail],
    fixedBy: 'you',
    step: 'incoming-login',
    action: (p) => (p.problem === 'no-incoming' && p.settingsUnreadable ? 'copy-report' : 'open-mail-settings'),
  },
  LONG_UPTIME: {
    title: () => 'Your Mac has not restarted for a while',
    why: (p) => `This Mac has run for ${span(p.days)} without a restart, which can leave connections stuck.`,
    nextStep: () => 'Restart your Mac when it suits you.',
    technical: (p) => [`Days since the last restart: ${p.days}`],
    fixedBy: 'you',
    step: 'restart',
  },
  NO_INTERNET: {
    title: (p) => (p.mailServersAnswered ? 'The internet check did not get through' : 'This Mac is not connected to the internet'),
    why: (p) =>
      p.mailServersAnswered
        ? "Apple's check page did not answer, but your mail servers did, so this is not what stops Mail."
        : 'Mail Doctor could not reach the internet, so Mail cannot reach your mail servers either.',
    nextStep: (p) =>
      p.mailServersAnswered ? IGNORE_FOR_MAIL : "Connect to Wi-Fi, a network cable or your phone's hotspot, then run the check again.",
    technical: (p) => [`Internet check error: ${p.errorCode}`],
    fixedBy: 'you',
    step: 'internet',
    action: (p) => (p.mailServersAnswered ? undefined : 'run-again'),
  },
  CAPTIVE_PORTAL: {
    title: (p) => (p.mailServersAnswered ? 'A network filter answered the internet check' : 'This network wants you to sign in first'),
    why: (p) => {
      if (p.mailServersAnswered) return "Something else answered Apple's check page, but your mail servers answered too, so this does not stop Mail.";
      return p.portalHost === undefined
        ? 'The network shows a sign-in page and lets nothing through until you sign in.'
        : `The network shows a sign-in page from ${p.portalHost} and lets nothing through until you sign in.`;
    },
    nextStep: (p) =>
      p.mailServersAnswered ? IGNORE_FOR_MAIL : "Open a web browser, complete the network's sign-in page, then run the check again.",
    howTo: (p) =>
      p.mailServersAnswered
        ? []
        : ['Open Safari and visit any website.', 'Sign in or accept the terms on the page that appears.', 'Run this check again.'],
    technical: (p) => [p.portalHost !== undefined && `Sign-in page at: ${p.portalHost}`],
    fixedBy: 'you',
    step: 'internet',
    action: (p) => (p.mailServersAnswered ? undefined : 'run-again'),
  },
  DNS_NOT_FOUND: {
    title: (p) => (p.scope === 'network' ? 'This network cannot look up internet names' : "The mail server's name cannot be found"),
    why: (p) => {
      if (p.scope === 'network') {
        return p.mailServersAnswered
          ? "Looking up Apple's check page failed, but your mail servers answered, so this does not stop Mail."
          : 'Your Mac is connected, but name lookups fail on this network, so Mail cannot find any server.';
      }
      const what = p.lookup === 'not-found' ? 'that name does not exist' : p.lookup === 'no-address' ? 'that name points to no server' : 'looking that name up got no answer';
      return `Mail uses ${p.host} as the ${server(p.role)}, but ${what}.`;
    },
    nextStep: (p) => {
      if (p.scope === 'network') {
        return p.mailServersAnswered ? IGNORE_FOR_MAIL : "Switch to another network, such as your phone's hotspot, then run the check again.";
      }
      return p.suggestedHost === undefined
        ? `Compare the ${server(p.role)}'s name ${IN_SETTINGS} with the one your email host gave you.`
        : `Change the ${server(p.role)}'s name to ${p.suggestedHost} ${IN_SETTINGS}.`;
    },
    howTo: (p) =>
      p.scope === 'network'
        ? p.mailServersAnswered
          ? []
          : HOTSPOT_STEPS
        : inMailSettings(
            p.suggestedHost === undefined
              ? `Under ${mailHeading(p.role)}, check Host Name (${p.host}) against what your email host gave you.`
              : `Under ${mailHeading(p.role)}, change Host Name from ${p.host} to ${p.suggestedHost}.`,
          ),
    technical: (p) =>
      p.scope === 'network'
        ? [`Lookup error: ${p.errorCode}`]
        : [`Lookup of ${p.host}: ${p.lookup}`, p.suggestedHost !== undefined && `Your email domain names ${p.suggestedHost} as its server.`],
    fixedBy: 'you',
    step: 'server-reachable',
    // A network that cannot look names up is fixed by switching networks and checking again, not in Mail.
    action: (p) => {
      if (p.scope === 'server') return 'open-mail-settings';
      return p.mailServersAnswered ? undefined : 'run-again';
    },
  },

  // -------------------------------------------------------------- reaching the server
  PORT_TIMEOUT: {
    title: (p) => `The ${server(p.role)} does not answer`,
    why: (p) => {
      if (p.blockedSmtpPort) return 'Many internet providers block the old sending port Mail uses here, so nothing gets through.';
      if (p.webAlsoFailed) return "Neither the mail server nor the host's website answered: the server may be down or out of reach.";
      return `Mail Doctor got no answer from ${p.host} within ${p.seconds} seconds.`;
    },
    nextStep: (p) =>
      p.blockedSmtpPort ? `Switch the outgoing server to the sending port with encryption ${IN_SETTINGS}.` : TRY_HOTSPOT,
    howTo: (p) =>
      p.blockedSmtpPort ? inMailSettings('Under Outgoing Mail Server, set Port to 587 and turn on Use TLS/SSL.', true) : HOTSPOT_STEPS,
    technical: (p) => [`${p.host}, port ${p.port}: no answer within ${p.seconds} s`],
    fixedBy: 'email-host',
    step: 'server-reachable',
    action: (p) => (p.blockedSmtpPort ? 'open-mail-settings' : 'run-again'),
  },
  PORT_REFUSED: {
    title: (p) => `The ${server(p.role)} refused the connection`,
    why: (p) => `Nothing at ${p.host} accepts connections on the port Mail uses: a wrong port, or the service is down.`,
    nextStep: (p) => `Compare the ${server(p.role)}'s port ${IN_SETTINGS} with the one your email host gave you.`,
    howTo: (p) =>
      inMailSettings(
        `Under ${mailHeading(p.role)}, check Port (now ${p.port}): usually ${p.role === 'incoming' ? '993' : '465 or 587'}, with Use TLS/SSL on.`,
        true,
      ),
    technical: (p) => [`${p.host}, port ${p.port}: connection refused`],
    fixedBy: 'you',
    step: 'server-reachable',
    action: 'open-mail-settings',
  },
  PORT_RESET: {
    title: (p) => `The ${server(p.role)} cut the connection off`,
    why: (p) => `${p.host} accepted the connection and closed it at once: a firewall or the server turns it away.`,
    nextStep: () => RUN_AGAIN_LATER,
    technical: (p) => [`${p.host}, port ${p.port}: connection reset`],
    fixedBy: 'email-host',
    step: 'server-reachable',
    action: 'copy-report',
  },
  CONNECTION_FAILED: {
    title: (p) => `The connection to the ${server(p.role)} failed`,
    why: (p) => {
      switch (p.reason) {
        case 'no-greeting':
          return `${p.host} accepted the connection but never said hello, so Mail cannot go on.`;
        case 'unreachable':
          return `The network reports that ${p.host} cannot be reached from here.`;
        case 'server-refused':
          return `${p.host} turned the connection away in its very first words.`;
        case 'protocol':
          return `${p.host} answered, but not the way a mail server does; something else may be listening there.`;
        case 'error':
          return `Connecting to ${p.host} failed.`;
      }
    },
    nextStep: () => TRY_HOTSPOT,
    howTo: () => HOTSPOT_STEPS,
    technical: (p) => [serverLine(p.host, p.port), p.errorCode !== undefined && `Error: ${p.errorCode}`, replyLine(p.detail)],
    fixedBy: 'email-host',
    step: 'server-reachable',
    action: 'run-again',
  },
  IP_BLOCKED_FIREWALL_DROP: {
    title: () => 'Your mail server seems to block this connection',
    why: (p) =>
      p.evidence === 'csf-page'
        ? "The host's firewall page says this connection is blocked, and the mail server stays silent."
        : "The host's website answers but its mail server stays silent, as firewalls do after failed logins.",
    nextStep: () => "Ask your IT admin or email host to remove your internet address from the server firewall's block list.",
    howTo: (p) => [
      tellBlockedAddress(p.ip),
      'They remove it from the server firewall (CSF: WHM > ConfigServer Security & Firewall > Quick Unblock).',
      CONFIRM_BLOCK_ON_HOTSPOT,
    ],
    technical: (p) => [
      `Silent mail ports: ${p.ports}`,
      p.evidence === 'csf-page' && "Webmail shows the firewall's block page.",
      p.mailSawFailures !== undefined && `Unfinished connections in Mail's own log: ${p.mailSawFailures}`,
    ],
    fixedBy: 'it-admin',
    step: 'ip-blocked',
    action: 'copy-report',
  },
  IP_BLOCKED_REJECT: {
    title: () => 'Your mail server turns this connection away',
    why: () => "The host's website answers, but the mail ports refuse at once, as ban tools do after failed logins.",
    nextStep: () => 'Ask your IT admin or email host to unban your internet address on the mail server.',
    howTo: (p) => [tellBlockedAddress(p.ip), 'They lift the ban in the server firewall or fail2ban (fail2ban-client unban ADDRESS).', CONFIRM_BLOCK_ON_HOTSPOT],
    technical: (p) => [
      `Refusing mail ports: ${p.ports}`,
      p.mailSawFailures !== undefined && `Unfinished connections in Mail's own log: ${p.mailSawFailures}`,
    ],
    fixedBy: 'it-admin',
    step: 'ip-blocked',
    action: 'copy-report',
  },
  IP_BLOCKED_LOGIN_LAYER: {
    title: () => 'Logins from this connection are being blocked',
    why: (p, w) =>
      p.evidence === 'webmail-page'
        ? "The webmail page shows cPanel's brute-force lock-out, which refuses every login from this address."
        : `The password worked from this Mac at ${w.time(p.acceptedAt)}, yet every login is refused now, as a lock-out does.`,
    nextStep: () => "Ask your IT admin to clear your internet address in cPanel's brute-force protection.",
    howTo: (p) => [
      tellBlockedAddress(p.ip),
      'In WHM: Security Center > cPHulk Brute Force Protection > History Reports, find the address and remove its block.',
      CONFIRM_BLOCK_ON_HOTSPOT,
    ],
    technical: (p) => [p.evidence === 'webmail-page' ? `Lock-out page: ${p.webmailUrl}` : `Last accepted login in Mail's log: ${p.acceptedAt}`],
    fixedBy: 'it-admin',
    step: 'ip-blocked',
    action: 'copy-report',
  },

  IP_BLOCKED_CONFIRMED: {
    title: () => 'Your hosting account has blocked this connection',
    why: (p, w) =>
      p.liftsAt === undefined
        ? "The host's brute-force protection blocks this Mac's internet address after failed logins, even with the right password."
        : `The host's brute-force protection blocks this Mac's address until ${w.time(p.liftsAt)}, after failed logins.`,
    nextStep: () => "Ask your IT admin to remove the block on your internet address in cPanel's brute-force protection.",
    howTo: (p) => [
      tellBlockedAddress(p.ip),
      'In WHM: Security Center > cPHulk Brute Force Protection, remove the address from the blocked list (or run: mail-doctor admin unblock-ip).',
      'Then make sure Mail has the right password for both servers, so the failures do not start again.',
    ],
    technical: (p) => [
      `Blocked by cPHulk${p.blockedBy === undefined ? '' : ` (${p.blockedBy})`}: ${p.ip}`,
      p.blockedAt !== undefined && `Since: ${p.blockedAt}`,
      p.liftsAt !== undefined && `Until: ${p.liftsAt}`,
      `Failed logins recorded: ${p.failedLogins}` +
        (p.lastFailedAt === undefined ? '' : `, the last at ${p.lastFailedAt}`) +
        (p.services === undefined ? '' : ` (${p.services})`),
      `Checked at: ${p.checkedAt}`,
    ],
    fixedBy: 'it-admin',
    step: 'ip-blocked',
    action: 'copy-report',
  },
  SERVER_REPLY_TOO_LARGE: {
    title: (p) => `The ${server(p.role)} sent far too much`,
    why: (p) => `${p.host} sent more data than any mail server needs, so Mail Doctor hung up to stay safe.`,
    nextStep: () => 'Send the report to your email host, since the server or something in between misbehaves.',
    technical: (p) => [
      serverLine(p.host, p.port),
      `Stopped during: ${p.phase}`,
      `Error: ${p.errorCode} (limits: 64 KiB per line, 1 MiB per connection)`,
    ],
    fixedBy: 'email-host',
    step: 'server-reachable',
    action: 'copy-report',
  },

  // -------------------------------------------------------------- TLS
  TLS_HOSTNAME_MISMATCH: {
    title: () => "The server's certificate carries a different name",
    why: (p) => `Mail connects to ${p.host}, but its certificate names another server, so Mail will not send your password.`,
    nextStep: (p) =>
      p.suggestedHost === undefined
        ? 'Ask your email host which server name matches its certificate, then use that name in Mail.'
        : `Change the ${server(p.role)}'s name to ${p.suggestedHost} ${IN_SETTINGS}.`,
    howTo: (p) =>
      p.suggestedHost === undefined ? [] : inMailSettings(`Under ${mailHeading(p.role)}, change Host Name from ${p.host} to ${p.suggestedHost}.`),
    technical: (p) => [serverLine(p.host), `Certificate names: ${p.certNames}`],
    fixedBy: 'you',
    step: 'server-reachable',
    // Without a name to switch to, the email host answers the question: the report is what they need.
    action: (p) => (p.suggestedHost === undefined ? 'copy-report' : 'open-mail-settings'),
  },
  TLS_CERT_EXPIRED: {
    title: (p) => (p.notYetValid ? "The server's certificate is not valid yet" : "The server's security certificate has expired"),
    why: (p, w) =>
      p.notYetValid
        ? `The certificate of ${p.host} starts at ${w.time(p.validFromAt)}: it is brand new, or this Mac's clock is wrong.`
        : `The certificate of ${p.host} ran out at ${w.time(p.validToAt)}, so Mail cannot be sure it reaches the real server.`,
    nextStep: (p) =>
      p.notYetValid
        ? "Check this Mac's date and time in Date & Time settings, then run the check again."
        : "Ask your email host to renew the server's certificate.",
    howTo: (p) => (p.notYetValid ? ['Open System Settings > General > Date & Time.', 'Turn on "Set time and date automatically".', 'Run this check again.'] : []),
    technical: (p) => [serverLine(p.host), `Certificate valid from ${p.validFromAt} to ${p.validToAt}`],
    fixedBy: 'email-host',
    step: 'server-reachable',
    action: (p) => (p.notYetValid ? 'run-again' : 'copy-report'),
  },
  TLS_CERT_UNTRUSTED: {
    title: () => "The server's certificate is not trusted",
    why: (p) =>
      p.selfSigned
        ? `${p.host} shows a certificate it signed itself, so Mail cannot be sure it reaches the real server.`
        : `${p.host} shows a certificate macOS does not trust, so Mail cannot be sure it reaches the real server.`,
    nextStep: () => 'Ask your email host for a server name with a valid certificate.',
    technical: (p) => [serverLine(p.host), `Issuer: ${p.issuer}`, p.selfSigned && 'Self-signed'],
    fixedBy: 'email-host',
    step: 'server-reachable',
    action: 'copy-report',
  },
  TLS_MODE_PORT_MISMATCH: {
    title: () => "The port and the encryption setting don't match",
    why: (p) => {
      if (p.portSpeaks === 'implicit-tls') return 'The server on this port expects encryption from the first moment, but Mail is set up differently.';
      if (p.portSpeaks === 'plaintext') return 'The server on this port starts without encryption, but Mail is set to encrypt from the start.';
      return `Mail's port and encryption settings for the ${server(p.role)} contradict each other.`;
    },
    nextStep: (p) =>
      p.fix === 'turn-on-tls'
        ? `Turn on Use TLS/SSL for the ${server(p.role)} ${IN_SETTINGS}, keeping its port.`
        : `Change the ${server(p.role)}'s port and encryption ${IN_SETTINGS}, as "Show me how" says.`,
    howTo: (p) =>
      inMailSettings(
        p.fix === 'turn-on-tls'
          ? `Under ${mailHeading(p.role)}, turn on Use TLS/SSL and keep Port ${p.port}.`
          : p.fix === 'starttls-port'
            ? `Under ${mailHeading(p.role)}, set the port to ${p.suggestedPort} (the port for STARTTLS) and keep Use TLS/SSL on.`
            : `Under ${mailHeading(p.role)}, set the port to ${p.suggestedPort} and turn on Use TLS/SSL.`,
        true,
      ),
    technical: (p) => [
      serverLine(p.host, p.port),
      `Mail's setting: ${MODE_WORDS[p.configuredMode]}` + (p.expectedMode === undefined ? '' : `; port ${p.port} normally uses ${MODE_WORDS[p.expectedMode]}`),
      p.observed !== undefined && `Seen: ${p.observed}`,
    ],
    fixedBy: 'you',
    step: 'server-reachable',
    action: 'open-mail-settings',
  },
  TLS_HANDSHAKE_FAILED: {
    title: () => 'The secure connection could not be set up',
    why: (p) =>
      p.errorCode === 'STARTTLS_INJECTION'
        ? `Something between this Mac and ${p.host} interfered just as encryption started, so Mail Doctor stopped.`
        : `Mail Doctor reached ${p.host}, but setting up encryption with it failed.`,
    nextStep: (p) =>
      p.errorCode === 'STARTTLS_INJECTION'
        ? "Connect this Mac to another network, such as your phone's hotspot, and run the check again."
        : "Send the report to your email host, since the server's encryption setup needs a look.",
    howTo: (p) => (p.errorCode === 'STARTTLS_INJECTION' ? HOTSPOT_STEPS : []),
    technical: (p) => [serverLine(p.host, p.port), p.errorCode !== undefined && `Error: ${p.errorCode}`, p.phase !== undefined && `Stopped during: ${p.phase}`],
    fixedBy: 'email-host',
    step: 'server-reachable',
    action: (p) => (p.errorCode === 'STARTTLS_INJECTION' ? 'run-again' : 'copy-report'),
  },
  STARTTLS_NOT_OFFERED: {
    title: () => 'The server offers no encryption on this port',
    why: (p) => `Mail is set to switch on encryption after connecting, but ${p.host} does not offer that here.`,
    nextStep: (p) => `Change the ${server(p.role)}'s port and encryption ${IN_SETTINGS}, as "Show me how" says.`,
    howTo: (p) => inMailSettings(`Under ${mailHeading(p.role)}, set the port to ${p.suggestedPort} and turn on Use TLS/SSL.`, true),
    technical: (p) => [serverLine(p.host, p.port), 'STARTTLS is not among the capabilities the server lists.'],
    fixedBy: 'you',
    step: 'server-reachable',
    action: 'open-mail-settings',
  },
  STARTTLS_WITHDRAWN: {
    title: () => "The server's offer of encryption was withdrawn",
    why: (p) => `${p.host} offered encryption, then took it back: something on the network may be intercepting, so no password was sent.`,
    nextStep: () => "Connect this Mac to another network, such as your phone's hotspot, and run the check again.",
    howTo: () => [...HOTSPOT_STEPS, 'If it works there, tell your IT admin: a firewall or filter on the first network strips encryption from mail.'],
    technical: (p) => [
      serverLine(p.host, p.port),
      p.advertisedOn === 'same-connection'
        ? 'STARTTLS was listed in the greeting, then missing from the capabilities that followed on the same connection.'
        : 'STARTTLS was offered on one connection of this check and missing on another.',
    ],
    fixedBy: 'it-admin',
    step: 'server-reachable',
    action: 'run-again',
  },
  LOGIN_NEEDS_TLS: {
    title: (p) => (p.reason === 'not-sent' ? 'Mail would send this password unencrypted' : 'The server wants encryption before the password'),
    why: (p) =>
      p.reason === 'not-sent'
        ? `Mail connects to ${p.host} without encryption, so others on the network could read the password.`
        : `${p.host} refuses a password over an unencrypted connection, and Mail connects without encryption.`,
    nextStep: (p) => `Turn on Use TLS/SSL for the ${server(p.role)} ${IN_SETTINGS}.`,
    howTo: (p) => inMailSettings(`Under ${mailHeading(p.role)}, turn on Use TLS/SSL and set the port to ${p.suggestedPort}.`, true),
    technical: (p) => [serverLine(p.host), replyLine(p.serverText), p.reason === 'not-sent' && 'Mail Doctor never sends a password unencrypted, so this login was not tried.'],
    fixedBy: 'you',
    step: 'incoming-login',
    action: 'open-mail-settings',
  },

  // -------------------------------------------------------------- logins
  IMAP_AUTH_REJECTED: authRejected('IMAP'),
  POP3_AUTH_REJECTED: authRejected('POP3'),
  SMTP_AUTH_REJECTED: authRejected('SMTP'),
  LOGIN_BUDGET_EXHAUSTED: {
    title: () => 'Login test paused to protect your connection',
    why: () => 'Mail Doctor tried recently, and mail servers block an address after a few failed logins.',
    nextStep: (p, w) => (p.safeAfter === undefined ? 'Run the check again in an hour.' : `Run the check again after ${w.time(p.safeAfter)}.`),
    technical: (p) => [serverLine(p.host), p.safeAfter !== undefined && `Safe to try again after: ${p.safeAfter}`],
    fixedBy: 'you',
    step: 'incoming-login',
    action: 'run-again',
  },
  LOGIN_LEDGER_UNAVAILABLE: {
    title: () => 'Mail Doctor could not use its login record',
    why: () => "Without that record Mail Doctor cannot promise to stay under the servers' failed-login limit, so it did not log in.",
    nextStep: (p) => {
      switch (p.problem) {
        case 'not-writable':
          return "Ask your IT admin to make Mail Doctor's settings folder writable, then run the check again.";
        case 'not-a-file':
          return "Ask your IT admin to remove what blocks Mail Doctor's login record, then run the check again.";
        case 'lock-unavailable':
          return 'Wait until any other Mail Doctor check has finished, then run this check again.';
        case 'io-error':
        case undefined:
          return 'Run the check again, and send the report to your IT admin if it happens again.';
      }
    },
    howTo: (p) => [
      p.path !== undefined && `The login record is ${p.path}.`,
      p.problem === 'not-writable' && 'Make its folder writable for this user (or free up space if the disk is full).',
      p.problem === 'not-a-file' && 'Remove what sits at that path (a folder or a broken link), so Mail Doctor can create the file again.',
      p.problem === 'lock-unavailable' && 'If no other check is running, delete the file ending in .lock next to it.',
      p.problem === 'io-error' && 'Check the disk in Disk Utility (First Aid).',
      'Run this check again.',
    ],
    technical: (p) => [
      p.path !== undefined && `Login record: ${p.path}`,
      p.problem !== undefined && `Problem: ${p.problem}`,
      p.errorCode !== undefined && `Error: ${p.errorCode}`,
    ],
    fixedBy: 'it-admin',
    step: 'incoming-login',
    // Waiting for the other check, or simply trying again, comes before the report.
    action: (p) => (p.problem === 'not-writable' || p.problem === 'not-a-file' ? 'copy-report' : 'run-again'),
  },
  LOGIN_DELAYED_BY_SERVER: {
    title: (p) => (p.outcome === 'no-reply' ? `The ${server(p.role)} did not answer the login` : `The ${server(p.role)} is slowing logins down`),
    why: (p) => {
      switch (p.outcome) {
        case 'no-reply':
          return 'The server slows its answers after recent failed logins from this address; it did not call the password wrong.';
        case 'accepted':
          return `It took ${p.seconds} seconds to accept the password, as servers do after recent failed logins from here.`;
        case 'refused':
          return `It took ${p.seconds} seconds to refuse, as servers do after recent failed logins from this address.`;
      }
    },
    nextStep: (p) =>
      p.outcome === 'accepted'
        ? 'Ignore this unless logins start failing; the delay clears after a while without failures.'
        : 'Wait a quarter of an hour without retrying from this Mac, then run the check again.',
    technical: (p) => [
      serverLine(p.host),
      p.outcome === 'no-reply' ? `No answer ${p.seconds} s after the password was sent` : `Answer after ${p.seconds} s`,
    ],
    fixedBy: 'you',
    step: 'incoming-login',
    action: (p) => (p.outcome === 'accepted' ? undefined : 'run-again'),
  },
  OAUTH_ACCOUNT: {
    title: (p) => (p.provider === undefined ? 'This account signs in through its provider' : `This account signs in through ${p.provider}`),
    why: () => 'There is no saved password to test, so Mail Doctor checked the connections only.',
    nextStep: () => 'Sign in again in System Settings > Internet Accounts if Mail asks you to.',
    fixedBy: 'you',
    step: 'incoming-login',
  },
  SERVER_UNAVAILABLE: {
    title: (p) => {
      switch (p.reason) {
        case 'disabled':
          return "The server has switched this mailbox's logins off";
        case 'no-login-offered':
          return `The ${server(p.role)} offers no login`;
        case 'no-answer':
          return `The ${server(p.role)} stopped answering the login`;
        case 'temporary':
          return `The ${server(p.role)} could not check the login`;
      }
    },
    why: (p) => {
      switch (p.reason) {
        case 'disabled':
          return `${p.host} says logins for this mailbox are switched off.`;
        case 'no-login-offered':
          return `${p.host} offers no way to log in on this connection, even encrypted.`;
        case 'no-answer':
          return `${p.host} stopped answering before Mail Doctor could send the password.`;
        case 'temporary':
          return `${p.host} answered, but cannot check logins right now.`;
      }
    },
    nextStep: (p) =>
      p.reason === 'disabled'
        ? `Ask your IT admin or email host to switch logins back on for ${p.email}.`
        : p.reason === 'no-login-offered'
          ? 'Send the report to your email host, since the server offers no login here.'
          : RUN_AGAIN_LATER,
    technical: (p) => [serverLine(p.host, p.port), replyLine(p.serverText)],
    fixedBy: 'email-host',
    step: 'incoming-login',
    action: 'copy-report',
  },

  // -------------------------------------------------------------- what Mail stored
  PASSWORDS_DIFFER: {
    title: (p) => (p.staleRole === undefined ? 'Mail saved two different passwords' : `Mail's ${p.staleRole} password is out of date`),
    why: (p) => {
      if (p.source === 'live')
        return `The ${server(p.goodRole)} accepted its password, but the ${server(p.staleRole)} refused the different one Mail saved.`;
      if (p.source === 'mail-log')
        return `Mail's own log shows the ${server(p.staleRole)} refusing Mail's password while the ${server(p.goodRole)} accepted it.`;
      if (p.staleRole !== undefined && p.goodRole !== undefined)
        return `The ${server(p.goodRole)} works, and Mail saved a different password for the ${server(p.staleRole)}.`;
      return 'Mail saved different passwords for receiving and sending, so one of them is probably out of date.';
    },
    nextStep: (p) =>
      p.staleRole === undefined
        ? `Type your current password for both servers ${IN_SETTINGS}.`
        : `Type your current password for the ${server(p.staleRole)} ${IN_SETTINGS}.`,
    howTo: (p) =>
      inMailSettings(
        p.staleRole === undefined
          ? 'Type your current password in the Password field under both Incoming Mail Server and Outgoing Mail Server.'
          : `Under ${mailHeading(p.staleRole)}, type your current password in the Password field.`,
      ),
    technical: (p, w) => {
      if (p.source === 'mail-log')
        return [
          `Refused by ${p.staleHost} at ${w.time(p.rejectedAt)}`,
          replyLine(p.serverText),
          `Accepted by ${p.goodHost} at ${w.time(p.acceptedAt)}`,
        ];
      if (p.source === 'live') return [`Accepted now: ${p.goodHost} (${p.goodRole})`, `Refused now: ${p.staleHost} (${p.staleRole})`];
      return [p.staleHost !== undefined && `Not tested: ${p.staleHost} (${p.staleRole ?? 'both'})`, 'The two saved passwords were compared without being shown.'];
    },
    fixedBy: 'you',
    step: 'outgoing',
    action: 'open-mail-settings',
  },
  PASSWORD_MISSING: {
    title: (p) => (p.role === 'both' ? 'Mail has no saved password for this account' : `No password is saved for the ${server(p.role)}`),
    why: (p) => {
      if (p.role === 'both') return 'Mail has no password saved for either server, so it cannot log in.';
      return p.otherHost === undefined
        ? `Mail has no password saved for ${p.host}, so it cannot log in there.`
        : `Mail has a password for ${p.otherHost} but none for ${p.host}, often after a server name changed.`;
    },
    nextStep: (p) =>
      p.role === 'both' ? `Type your password for both servers ${IN_SETTINGS}.` : `Type your password for the ${server(p.role)} ${IN_SETTINGS}.`,
    howTo: (p) =>
      inMailSettings(
        p.role === 'both'
          ? 'Type your password in the Password field under both Incoming Mail Server and Outgoing Mail Server.'
          : `Under ${mailHeading(p.role)}, type your password in the Password field.`,
      ),
    technical: (p) => [p.role !== 'both' && serverLine(p.host), 'The keychain had no saved password for it.'],
    fixedBy: 'you',
    step: 'incoming-login',
    action: 'open-mail-settings',
  },
  USERNAMES_DIFFER: {
    title: () => 'The incoming and outgoing user names differ',
    why: (p) => {
      if (p.explains) return `The ${server(p.goodRole)} accepts its user name, but the ${server(p.badRole)} refused ${p.badUser}.`;
      if (p.harmless) return `Mail logs in as ${p.incomingUser} to receive and ${p.outgoingUser} to send, and both work.`;
      return `Mail logs in as ${p.incomingUser} to receive and ${p.outgoingUser} to send; most hosts expect one name.`;
    },
    nextStep: (p) => {
      if (p.explains) return `Change the ${server(p.badRole)}'s user name to ${p.goodUser} ${IN_SETTINGS}.`;
      if (p.harmless) return 'Leave it as it is while both servers work.';
      return `Use the user name your email host gave you for both servers ${IN_SETTINGS}.`;
    },
    howTo: (p) =>
      p.explains
        ? inMailSettings(`Under ${mailHeading(p.badRole)}, change User Name to ${p.goodUser}.`)
        : p.harmless
          ? []
          : inMailSettings('Under both Incoming Mail Server and Outgoing Mail Server, enter the same User Name (usually your email address).'),
    technical: (p) => [`Incoming user name: ${p.incomingUser}`, `Outgoing user name: ${p.outgoingUser}`],
    fixedBy: 'you',
    step: 'outgoing',
    action: (p) => (!p.explains && p.harmless ? undefined : 'open-mail-settings'),
  },
  USERNAME_NOT_FULL_ADDRESS: {
    title: () => 'The user name should be your full address',
    why: (p) =>
      p.cpanel
        ? `Mail logs in to the ${server(p.role)} as ${p.username}, but servers like yours expect the full email address.`
        : `The ${server(p.role)} refused ${p.username}; most hosts expect the full email address.`,
    nextStep: (p) => `Change the ${server(p.role)}'s user name to ${p.email} ${IN_SETTINGS}.`,
    howTo: (p) => inMailSettings(`Under ${mailHeading(p.role)}, change User Name from ${p.username} to ${p.email}.`),
    technical: (p) => [p.cpanel && 'The server looks like a cPanel server (webmail on port 2096, or its setup file asks for the full address).'],
    fixedBy: 'you',
    step: 'incoming-login',
    action: 'open-mail-settings',
  },
  SMTP_AUTH_DISABLED: {
    title: () => 'Sending is set up without a login',
    why: (p) =>
      p.serverReply !== undefined
        ? 'The outgoing server refuses mail from anyone who has not logged in, and Mail does not log in.'
        : 'Mail sends without logging in, and almost every email host refuses mail sent that way.',
    nextStep: () => `Set the outgoing server's authentication to Password ${IN_SETTINGS}.`,
    howTo: () => inMailSettings('Under Outgoing Mail Server, set Authentication to Password and enter your email address and password.'),
    technical: (p) => [serverLine(p.host, p.port), replyLine(p.serverReply)],
    fixedBy: 'you',
    step: 'outgoing',
    action: 'open-mail-settings',
  },
  SERVER_DIFFERS_FROM_EXPECTED: {
    title: () => "Mail's settings differ from your IT department's",
    why: (p) =>
      p.works
        ? `Mail's ${server(p.role)} settings work, but your IT department supports only the settings it gave.`
        : `Mail's ${server(p.role)} settings differ from what your IT department set, and they did not work.`,
    nextStep: (p) => `Change the ${server(p.role)}'s settings to what your IT department set, ${IN_SETTINGS}.`,
    howTo: (p) =>
      inMailSettings(
        `Under ${mailHeading(p.role)}, set Host Name to ${p.expectedHost}, Port to ${p.expectedPort}, and turn Use TLS/SSL ${p.expectedTls === 'none' ? 'off' : 'on'}.`,
        true,
      ),
    technical: (p) => [
      `Mail: ${p.host}, port ${p.port}, ${MODE_WORDS[p.mode]}`,
      `Your IT department (for ${p.domain}): ${p.expectedHost}, port ${p.expectedPort}, ${MODE_WORDS[p.expectedTls]}`,
    ],
    fixedBy: 'you',
    step: 'server-reachable',
    action: 'open-mail-settings',
  },
  SERVER_DIFFERS_FROM_PUBLISHED: {
    title: () => 'Your email domain names a different server',
    why: (p) => `Mail uses ${p.host}, but ${p.domain ?? 'your email domain'} publishes another name for its ${server(p.role)}.`,
    nextStep: (p) => `Try ${p.publishedHost} as the ${server(p.role)} ${IN_SETTINGS} if the current one gives trouble.`,
    howTo: (p) => inMailSettings(`Under ${mailHeading(p.role)}, set Host Name to ${p.publishedHost} and Port to ${p.publishedPort}.`, true),
    technical: (p) => [
      `Published ${p.from === 'srv' ? 'in DNS (SRV records)' : p.from === 'cpanel' ? 'by the host (cPanel client settings)' : 'in the setup file (autoconfig)'}: ${p.publishedHost}, port ${p.publishedPort}`,
    ],
    fixedBy: 'you',
    step: 'server-reachable',
    action: 'open-mail-settings',
  },
  PASSWORD_UNREADABLE: {
    title: () => 'Mail Doctor could not read the saved password',
    why: (p) => {
      switch (p.reason) {
        case 'denied':
          return 'Reading the password Mail saved was refused, so Mail Doctor could not test it.';
        case 'error':
          return 'Reading the password Mail saved failed, so Mail Doctor could not test it.';
        case 'out-of-reach':
          return 'macOS keeps the password Mail saved private to Mail, which is normal and says nothing about it.';
      }
    },
    nextStep: () => 'Type your password into Mail Doctor to test it once; it is never stored.',
    technical: (p) => [p.role === 'both' ? 'Both servers' : serverLine(p.host), `Keychain: ${p.reason}`],
    fixedBy: 'you',
    step: 'incoming-login',
    action: 'type-password',
  },
  OUTGOING_NOT_LINKED: {
    title: () => 'No outgoing server is set for this account',
    why: (p) =>
      p.identifier === undefined
        ? `Mail has no outgoing server for ${p.email}, so it cannot send from this account.`
        : 'This account points to an outgoing server Mail no longer has, so it cannot send.',
    nextStep: () => `Choose or add an outgoing server for this account ${IN_SETTINGS}.`,
    howTo: () => inMailSettings('Under Outgoing Mail Server, choose the server from the Account menu, or add one.'),
    technical: (p) => [p.identifier !== undefined && `Missing outgoing server: ${p.identifier}`],
    fixedBy: 'you',
    step: 'outgoing',
    action: 'open-mail-settings',
  },
  WEBMAIL_UNREACHABLE: {
    title: () => 'Webmail did not open',
    why: (p) =>
      p.reason === 'certificate' ? 'Webmail answered with a certificate a browser would warn about.' : `Mail Doctor could not open webmail at ${p.url}.`,
    nextStep: () => 'Ignore this unless you need webmail, which only tests your password outside Mail.',
    technical: (p) => [`Webmail: ${p.url} (${p.reason})`],
    fixedBy: 'email-host',
    step: 'webmail',
  },

  // -------------------------------------------------------------- what Mail itself saw
  PASSWORD_PROMPT_SUPPRESSED: {
    title: () => 'macOS will not ask for the password again',
    // The lift time is said once, in the next step: it is what the person acts on.
    why: (p, w) => `A password request was dismissed at ${w.time(p.rejectedAt)}, and macOS then hides Mail's prompt for a day.`,
    nextStep: (p, w) => `Delete and retype the password for both servers ${IN_SETTINGS}, or wait until ${w.time(p.liftsAt)}.`,
    howTo: () =>
      inMailSettings('Under both Incoming Mail Server and Outgoing Mail Server, delete the password, then type your current one.'),
    technical: (p) => [`Request dismissed or refused at: ${p.rejectedAt}`, `Prompt suppressed until: ${p.liftsAt}`],
    fixedBy: 'you',
    step: 'incoming-login',
    action: 'open-mail-settings',
  },
  MAIL_SAW_AUTH_REJECTED: {
    title: () => "Mail's log shows its password being refused",
    why: (p, w) =>
      p.resolvedSince
        ? `At ${w.time(p.rejectedAt)} the ${server(p.role)} refused Mail's password, but Mail Doctor's login just now worked.`
        : `At ${w.time(p.rejectedAt)} the ${server(p.role)} answered Mail's login with a refusal.`,
    nextStep: (p) =>
      p.resolvedSince ? 'Ignore this unless Mail shows the problem again.' : `Type your current password for the ${server(p.role)} ${IN_SETTINGS}.`,
    howTo: (p) => (p.resolvedSince ? [] : inMailSettings(`Under ${mailHeading(p.role)}, type your current password in the Password field.`)),
    technical: (p) => [serverLine(p.host, p.port), replyLine(p.serverText)],
    fixedBy: 'you',
    step: 'incoming-login',
    action: (p) => (p.resolvedSince ? undefined : 'open-mail-settings'),
  },
  MAIL_SAW_CONNECT_FAILURES: {
    title: (p) => `Mail's connections to ${p.host} kept failing`,
    why: (p, w) => `Mail's own log shows ${p.count} unfinished connections to this server, the last at ${w.time(p.lastAt)}.`,
    nextStep: () => 'Send the report to your email host if this keeps happening.',
    technical: (p) => [serverLine(p.host, p.port), `Unfinished connections: ${p.count}`],
    fixedBy: 'email-host',
    step: 'server-reachable',
    action: 'copy-report',
  },
  ACCOUNT_NOT_SYNCING: {
    title: () => 'This account has stopped updating',
    why: (p, w) => `No new mail since ${w.time(p.lastMailAt)}, and ${p.pending} of your changes still wait to reach the server.`,
    nextStep: () => 'Quit Mail, open it again, and choose Mailbox > Get All New Mail.',
    technical: (p) => [`Last new mail: ${p.lastMailAt} (${p.days} days ago)`, `Changes waiting: ${p.pending}`],
    fixedBy: 'you',
    step: 'incoming-login',
  },
  SECRET_SCRUBBED: {
    title: (p) => (p.caughtIn === 'server-reply' ? 'The server repeated your password back' : 'Mail Doctor held back text with your password'),
    why: (p) =>
      p.caughtIn === 'server-reply'
        ? `${p.host} repeated the password in its reply, which real mail servers never do; Mail Doctor removed it.`
        : 'A last check found your password in text about to leave Mail Doctor, so that text was replaced.',
    nextStep: (p) =>
      p.caughtIn === 'server-reply'
        ? 'Send the report to your email host, since a server that repeats passwords needs a look.'
        : 'Send the report to your IT admin, since this last check should never be needed.',
    technical: (p) =>
      p.caughtIn === 'server-reply'
        ? [serverLine(p.host), 'The reply was kept with every form of the password removed.']
        : [`Caught in: ${p.caughtIn}`],
    fixedBy: 'email-host',
    step: 'incoming-login',
    action: 'copy-report',
  },
  CONNECTION_LOG_OFF: {
    title: () => "Mail's connection log is switched off",
    why: () => "Mail's log would show which saved password a server refuses, without anyone reading it.",
    nextStep: () => "Turn on Log Connection Activity in Mail's Connection Doctor, let Mail check for mail, then run this check again.",
    howTo: () => [
      'In Mail, choose Window > Connection Doctor.',
      'Tick "Log Connection Activity".',
      'Choose Mailbox > Get All New Mail and wait a minute.',
      'Run this check again, then untick "Log Connection Activity".',
    ],
    fixedBy: 'you',
    step: 'incoming-login',
    action: 'open-connection-doctor',
  },
};

/**
 * What a refused login asks of the person, decided once so the sentence, "Show me how" and the button agree:
 * - 'login-setting': the other server accepts the same password, so this side's user name or setting is wrong;
 * - 'check-password': the password itself is in doubt (both servers refused the one password Mail saved, or
 *   the password typed for this check was refused): the helpdesk's first step is trying it on webmail, which
 *   the sentence names only when the reader's button can open it (Wording.canOpenWebmail);
 * - 'retype': this server refused the password Mail saved for it.
 */
type AuthAdvice = 'login-setting' | 'check-password' | 'retype';

function authAdvice(p: AuthRejectedParams): AuthAdvice {
  if (p.otherSideAccepted && (p.sameStoredForBoth || p.typedForThisCheck)) return 'login-setting';
  if (p.typedForThisCheck || (p.bothRejected && p.sameStoredForBoth)) return 'check-password';
  return 'retype';
}

function authRejected<C extends 'IMAP_AUTH_REJECTED' | 'POP3_AUTH_REJECTED' | 'SMTP_AUTH_REJECTED'>(protocol: 'IMAP' | 'POP3' | 'SMTP'): CatalogEntry<C> {
  return {
    title: (p) => {
      if (p.typedForThisCheck) return p.bothRejected ? 'Both servers refused the password you typed' : `The ${server(p.role)} refused the password you typed`;
      if (p.bothRejected && p.sameStoredForBoth) return 'Your password seems to have changed';
      return `The ${server(p.role)} refused the saved password`;
    },
    why: (p) => {
      if (p.typedForThisCheck)
        return p.otherSideAccepted
          ? 'The other server accepted the password you typed, so the user name or login setting here is likely wrong.'
          : `${p.host} said the password you typed for this check is wrong.`;
      if (p.bothRejected && p.sameStoredForBoth) return 'Both servers refused the one password Mail saved for them, so it was likely changed elsewhere.';
      if (p.otherSideAccepted && p.sameStoredForBoth) return 'The other server accepts the very same password, so the user name or login setting here is likely wrong.';
      return `${p.host} said the password Mail saved for it is wrong.`;
    },
    nextStep: (p, w) => {
      switch (authAdvice(p)) {
        case 'login-setting':
          return `Check the ${server(p.role)}'s user name and authentication ${IN_SETTINGS}.`;
        case 'check-password':
          if (w.canOpenWebmail === false)
            return p.typedForThisCheck
              ? 'Ask your IT admin to reset your password, then type the new one into Mail.'
              : `Type your current password for both servers ${IN_SETTINGS}, or ask your IT admin to reset it.`;
          return p.typedForThisCheck
            ? 'Try the password on webmail, and ask your IT admin to reset it if it fails there too.'
            : 'Try your password on webmail, then type it into Mail, or ask your IT admin to reset it.';
        case 'retype':
          return `Type your current password for the ${server(p.role)} ${IN_SETTINGS}.`;
      }
    },
    howTo: (p, w) => {
      switch (authAdvice(p)) {
        case 'login-setting':
          return inMailSettings(`Under ${mailHeading(p.role)}, check that User Name is ${p.email} and Authentication is Password.`);
        case 'check-password':
          if (w.canOpenWebmail === false)
            return p.typedForThisCheck
              ? ['Copy the report and send it to your IT admin, asking for a password reset.', 'Type the new password into Mail for both servers, then run this check again.']
              : inMailSettings('Type your current password under both Incoming Mail Server and Outgoing Mail Server (ask your IT admin to reset it if you do not know it).');
          return [
            'Open your webmail page and sign in with the password you believe is current.',
            'If it works there, type it into Mail: Mail > Settings > Accounts > Server Settings, under both Incoming and Outgoing Mail Server.',
            'If it fails there too, ask your IT admin to reset the password.',
          ];
        case 'retype':
          return inMailSettings(
            p.bothRejected
              ? 'Type your current password under both Incoming Mail Server and Outgoing Mail Server.'
              : `Under ${mailHeading(p.role)}, type your current password in the Password field.`,
          );
      }
    },
    technical: (p) => [`${serverLine(p.host)} (${protocol})`, replyLine(p.serverText)],
    fixedBy: 'you',
    step: protocol === 'SMTP' ? 'outgoing' : 'incoming-login',
    action: (p, w) => {
      switch (authAdvice(p)) {
        case 'login-setting':
        case 'retype':
          return 'open-mail-settings';
        case 'check-password':
          if (w.canOpenWebmail !== false) return 'open-webmail';
          // The IT admin resets the password: the report tells them which account and what the servers said.
          return p.typedForThisCheck ? 'copy-report' : 'open-mail-settings';
      }
    },
  };
}

/** Codes whose step follows the finding's side: incoming -> step 5, outgoing -> step 6. */
const SIDE_STEPPED: ReadonlySet<FailureCode> = new Set<FailureCode>([
  'PASSWORDS_DIFFER',
  'PASSWORD_MISSING',
  'USERNAMES_DIFFER',
  'USERNAME_NOT_FULL_ADDRESS',
  'LOGIN_BUDGET_EXHAUSTED',
  'LOGIN_LEDGER_UNAVAILABLE',
  'LOGIN_DELAYED_BY_SERVER',
  'SECRET_SCRUBBED',
  'LOGIN_NEEDS_TLS',
  'SERVER_UNAVAILABLE',
  'MAIL_SAW_AUTH_REJECTED',
  'PASSWORD_UNREADABLE',
]);

/** The checklist step a finding belongs to. */
export function stepForFinding(finding: Pick<Finding, 'code' | 'side'>): ChecklistStepId {
  if (SIDE_STEPPED.has(finding.code)) {
    if (finding.side === 'incoming') return 'incoming-login';
    if (finding.side === 'outgoing') return 'outgoing';
  }
  return CATALOG[finding.code].step;
}

/** A finding's words, ready to show. The window passes its own time formatter; the CLI and the report use the default. */
export function describeFinding(finding: FindingKey, options: TextFormatOptions = DEFAULT_TEXT_FORMAT): FindingWords {
  return describeCode(finding.code, finding.params, options);
}

function describeCode<C extends FailureCode>(code: C, params: ParamsOf<C>, options: TextFormatOptions): FindingWords {
  const entry: CatalogEntry<C> = CATALOG[code];
  const wording: Wording = { time: options.formatTime, canOpenWebmail: options.canOpenWebmail };
  const lines = (make: Lines<C> | undefined): readonly string[] =>
    (make?.(params, wording) ?? []).filter((line): line is string => typeof line === 'string' && line !== '');
  const howTo = lines(entry.howTo);
  const technical = lines(entry.technical);
  const action = typeof entry.action === 'function' ? entry.action(params, wording) : entry.action;
  return {
    title: entry.title(params, wording),
    why: entry.why(params, wording),
    nextStep: entry.nextStep(params, wording),
    ...(howTo.length === 0 ? {} : { howTo }),
    ...(technical.length === 0 ? {} : { technical }),
    fixedBy: entry.fixedBy,
    ...(action === undefined ? {} : { action }),
  };
}

// ------------------------------------------------------------------ small helpers for evidence templates

function has(params: PlainParams, name: string): boolean {
  const value = params[name];
  return value !== undefined && value !== '';
}

function flag(params: PlainParams, name: string): boolean {
  return params[name] === true;
}

function is(params: PlainParams, name: string, value: string): boolean {
  return params[name] === value;
}

// ------------------------------------------------------------------ checklist words

export const STEP_TITLES: Readonly<Record<ChecklistStepId, string>> = {
  restart: 'Restart your Mac',
  internet: 'Internet access',
  webmail: 'Webmail reachable',
  'server-reachable': 'Mail servers reachable and secure',
  'incoming-login': 'Receiving: login with the saved password',
  outgoing: 'Sending: outgoing login and settings',
  'ip-blocked': 'Is this internet connection blocked? (IT admin)',
  'admin-reset': 'Reset the password or test with a new mailbox (IT admin)',
  'contact-host': 'Contact your email host with the report',
};

/**
 * What each probe of a run did, for live progress ("probe-finished" events carry these ids:
 * `incoming-dns`, `outgoing-connect`, `incoming-login`, `outgoing-relay`, `published-settings`, `webmail`).
 */
export function describeProbe(probe: string): string {
  if (probe === 'published-settings') return 'Looked up what your email domain publishes about its mail servers';
  if (probe === 'webmail') return 'Checked the webmail page';
  const match = /^(incoming|outgoing)-(dns|connect|login|relay)$/.exec(probe);
  if (match === null) return probe;
  const server = match[1] === 'incoming' ? 'incoming (receiving) server' : 'outgoing (sending) server';
  const what = match[2];
  if (what === 'dns') return `Looked up the ${server}'s name`;
  if (what === 'connect') return `Connected to the ${server} and checked its certificate`;
  if (what === 'login') return `Tried the saved password on the ${server}, once`;
  return `Asked the ${server} whether it takes mail without a login`;
}

export const OWNER_LABELS: Readonly<Record<FixedBy, string>> = {
  you: 'You',
  'it-admin': 'Your IT admin',
  'email-host': 'Your email host',
};

/** Why a step was skipped or does not apply, in plain words. */
export const SKIP_REASONS = {
  uptimeUnknown: 'Mail Doctor could not tell how long this Mac has been running.',
  internetNotChecked: 'The internet check did not run.',
  needsInternet: 'Needs a working internet connection first.',
  noWebmail: 'No webmail address is known for this account.',
  noServers: 'This account has no mail server to check.',
  noIncomingServer: 'This account has no incoming server.',
  noOutgoingServer: 'This account has no outgoing server.',
  notChecked: 'This check did not run.',
  login: {
    'no-login-mode': 'Logins were turned off for this run.',
    'no-password': 'No saved password could be read to test.',
    'oauth-account': 'This account signs in through its provider; there is no password to test.',
    'login-budget': 'Skipped to protect your IP address from being blocked: Mail Doctor tried recently.',
    'ledger-unavailable': "Skipped: Mail Doctor could not open its record of recent logins, so it cannot promise not to get you blocked.",
    'connection-failed': 'The server could not be reached, so there was nothing to log in to.',
    'certificate-invalid': "The server's certificate is not valid, so the password was not sent.",
    'authentication-off': 'Mail is set to send without logging in.',
    cancelled: 'The check was cancelled.',
    'cleartext-connection': 'The connection is not encrypted, and Mail Doctor never sends a password unencrypted.',
  } satisfies Record<LoginSkipReason, string>,
  banNotIndicated: 'Nothing points to a block of this internet connection. Your IT admin can still check it.',
  banUndetermined: 'The evidence does not show whether this internet connection is blocked. Your IT admin can check.',
  adminNotNeeded: 'Only needed when the password itself is refused.',
  hostNotNeeded: 'Not needed: nothing points to a problem only your email host can fix.',
  tryNextStepFirst: 'Try the next step first; if it does not help, send the report to your email host.',
} as const;

/** What the advice steps say when they are suggested. */
export const ADVICE = {
  adminReset:
    'Your IT admin can reset the password (then type the new one into Mail for both servers) or create a test mailbox to rule out the account itself.',
  contactHost: 'Copy the report and send it to your email host: it holds everything they usually ask for.',
} as const;

// ------------------------------------------------------------------ evidence labels

type EvidenceText = (params: PlainParams) => string;

/**
 * Labels for the evidence shown under each step. Each is a template over its params (times stay ISO and
 * are formatted with the same formatter as findings); the raw detail (server reply...) goes beside it.
 */
export const EVIDENCE_LABELS = {
  uptime: () => 'This Mac was last restarted {days} day(s) ago.',
  internetOnline: () => 'The internet answered ({checkedUrl}) in {duration}.',
  internetCaptive: (p) =>
    has(p, 'redirectedTo')
      ? 'A network sign-in page answered instead of the internet (HTTP {httpStatus}, sent to {redirectedTo}).'
      : 'A network sign-in page answered instead of the internet (HTTP {httpStatus}).',
  internetDnsBroken: () => 'Looking up a well-known name failed ({errorCode}).',
  internetNoNetwork: () => 'No network connection ({errorCode}).',
  internetSkipped: () => 'The internet check did not run.',
  webmailPage: (p) =>
    is(p, 'page', 'cphulk-block')
      ? 'Webmail at {url} shows the cPHulk "Brute Force Protection" lock-out page.'
      : is(p, 'page', 'csf-block')
        ? "Webmail at {url} shows the server firewall's block page."
        : 'Webmail answered at {url} (HTTP {httpStatus}).',
  webmailTlsFailed: () => 'Webmail at {url} answered with a certificate problem ({problem}).',
  webmailUnreachable: () => 'Webmail at {url} did not answer ({tcp}).',
  webmailNotFound: () => 'The webmail address {url} does not exist ({errorCode}).',
  resolved: () => '{host} ({role} server) is at {addresses}.',
  notResolved: (p) =>
    is(p, 'lookup', 'not-found')
      ? 'The name {host} does not exist.'
      : is(p, 'lookup', 'no-address')
        ? 'The name {host} has no address.'
        : 'Looking up {host} failed ({lookup}).',
  tcpConnected: () => 'Connected to {host} port {port} ({address}) in {duration}.',
  tcpTimeout: () => 'No answer from {host} port {port} within {duration}.',
  tcpRefused: () => '{host} port {port} refused the connection after {duration}.',
  tcpUnreachable: () => '{host} port {port} is unreachable ({errorCode}).',
  tcpReset: () => '{host} port {port} accepted and then reset the connection after {duration}.',
  tcpError: () => 'Connecting to {host} port {port} failed ({errorCode}).',
  greeting: () => '{host} greeted Mail Doctor.',
  tlsEstablished: (p) =>
    flag(p, 'verified')
      ? 'Secure connection to {host} ({protocol}); the certificate is valid for {certNames} until {validToAt}.'
      : 'Secure connection to {host} ({protocol}), but the certificate is not valid ({problem}); it names {certNames} and was issued by {issuer}.',
  tlsStarttlsNotOffered: () => '{host} port {port} does not offer STARTTLS.',
  tlsStarttlsWithdrawn: () => '{host} port {port} offered encryption, then took the offer back; no password was sent.',
  tlsPlaintext: () => '{host} port {port} answered without encryption.',
  tlsFromFirstByte: (p) =>
    is(p, 'proof', 'handshake')
      ? '{host} port {port} said nothing in plain text for {duration}, but answered a secure connection at once ({tlsProtocol}): it uses TLS from the start.'
      : '{host} port {port} said nothing in plain text for {duration}, but answered a secure connection at once (its certificate was refused: {certificateCode}): it uses TLS from the start.',
  tlsHandshakeFailed: () => 'Setting up encryption with {host} failed ({errorCode}).',
  tlsTimeout: () => '{host} stopped answering while waiting for the {phase}.',
  tlsProtocolError: () => 'The conversation with {host} went wrong during the {phase} ({errorCode}).',
  loginAccepted: () => 'The {role} server accepted the saved password in {duration}.',
  loginRejected: () => 'The {role} server refused the saved password.',
  loginUnavailable: () => 'The {role} server does not allow a login here.',
  loginSkipped: () => 'Login to the {role} server not tried: {reason}',
  loginTimeout: () => 'The {role} server stopped answering during the login ({duration}).',
  loginError: () => 'The login to the {role} server failed ({errorCode}).',
  username: () => 'Mail logs in to the {role} server as {username}.',
  authenticationOff: () => 'Mail sends without logging in to the outgoing server.',
  storedPassword: (p) =>
    has(p, 'typed')
      ? 'You typed the password for the {role} server for this check (it is not stored).'
      : is(p, 'outcome', 'found')
      ? 'Mail has a saved password for the {role} server.'
      : is(p, 'outcome', 'not-found')
        ? 'Mail has no saved password for the {role} server.'
        : is(p, 'outcome', 'out-of-reach')
        ? 'macOS keeps the password Mail saved for the {role} server where other apps cannot read it.'
        : is(p, 'outcome', 'denied')
          ? 'Reading the saved password for the {role} server was refused.'
          : is(p, 'outcome', 'not-applicable')
            ? 'No saved password applies to the {role} server.'
            : 'The saved password for the {role} server could not be read.',
  passwordComparison: (p) =>
    is(p, 'comparison', 'same')
      ? 'The incoming and outgoing saved passwords are the same.'
      : is(p, 'comparison', 'different')
        ? 'The incoming and outgoing saved passwords are different.'
        : 'The incoming and outgoing saved passwords could not be compared.',
  mailLogReply: (p) =>
    is(p, 'result', 'accepted')
      ? "At {replyAt}, Mail's log shows {host} accepting Mail's login."
      : "At {replyAt}, Mail's log shows {host} refusing Mail's login.",
  mailLogConnectFailures: () => "Mail's log shows {count} unfinished connection(s) to {host} port {port}, the last at {lastAt}.",
  mailLogOff: () => "Mail's connection log is off.",
  credentialRejected: () => 'At {rejectedAt}, macOS noted a dismissed or refused password request for this account.',
  authenticatedFlag: (p) =>
    flag(p, 'authenticated')
      ? 'macOS marks this account as verified at some point (a weak hint only).'
      : 'macOS does not mark this account as verified (a weak hint only; it does not mean the password is wrong).',
  lastMail: () => 'Mail last received new mail for this account at {lastMailAt}; {pending} change(s) wait to reach the server.',
  publicIp: () => 'Your public IP address is {ip} (seen by {from}).',
  hostBlockCheck: (p) =>
    flag(p, 'blocked')
      ? "Your hosting account's brute-force protection (cPHulk) blocks {ip} (checked at {checkedAt})."
      : flag(p, 'cphulkEnabled')
        ? "Your hosting account's brute-force protection (cPHulk) does not block {ip} (checked at {checkedAt})."
        : "Your hosting account's brute-force protection (cPHulk) is switched off, so it blocks no address (checked at {checkedAt}).",
  publicIpUnknown: () => 'Your public IP address is unknown.',
  ehloIp: () => 'The outgoing server sees this Mac as {ip}.',
} satisfies Record<string, EvidenceText>;

export type EvidenceLabel = keyof typeof EVIDENCE_LABELS;

/** One evidence line: the label rendered with its params, and the raw detail verbatim beside it. */
export function evidenceItem(
  label: EvidenceLabel,
  params: PlainParams,
  options: TextFormatOptions = DEFAULT_TEXT_FORMAT,
  raw?: string,
): EvidenceItem {
  const template: EvidenceText = EVIDENCE_LABELS[label];
  const summary = formatCatalogText(template(params), params, options);
  return {
    summary,
    ...(raw === undefined || raw === '' ? {} : { raw }),
    label,
    params,
    ...(MAIL_EVIDENCE_LABELS.has(label) ? { origin: 'mail' as const } : {}),
  };
}

/** The evidence that comes from Mail's and macOS's own records (shown apart from this run's checks). */
export const MAIL_EVIDENCE_LABELS: ReadonlySet<EvidenceLabel> = new Set<EvidenceLabel>([
  'mailLogReply',
  'mailLogConnectFailures',
  'mailLogOff',
  'credentialRejected',
  'authenticatedFlag',
  'lastMail',
]);

/** An evidence item worded again with another time formatter (the window's local time). */
export function rewordEvidence(item: EvidenceItem, options: TextFormatOptions): string {
  if (item.label === undefined || item.params === undefined || !(item.label in EVIDENCE_LABELS)) return item.summary;
  const params = item.params;
  return formatCatalogText(EVIDENCE_LABELS[item.label as EvidenceLabel](params), params, options);
}
