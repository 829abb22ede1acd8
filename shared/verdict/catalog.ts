/**
 * Every word Mail Doctor says about a diagnosis: failure codes (title, explanation, the one next step, who
 * fixes it, the checklist step, the button to offer), checklist step titles, skip reasons and evidence
 * labels. Nothing outside this file invents user-facing text about a diagnosis.
 *
 * Texts are templates: `{name}` is filled from the finding's params by formatCatalogText (format.ts), and
 * times stay ISO in params so the window can show them in the user's locale.
 * Tone: plain, friendly, precise, never blaming. "Mail" is Apple Mail.
 */
import type { ChecklistStepId, StepOwner } from '../checklist/steps';
import type { EvidenceItem, Finding, FindingKey, PlainParams } from '../diagnosis/types';
import type { LoginSkipReason } from '../probes/outcomes';
import type { FailureCode } from './codes';
import type { ParamsOf } from './params';
import { DEFAULT_TEXT_FORMAT, formatCatalogText, type TextFormatOptions } from './format';

/** The buttons the window can offer next to a next step. */
/** The internet check failed, yet a mail server answered: said the same way for every such finding. */
const CHECK_PAGE_BUT_MAIL_ANSWERED =
  ', but your mail servers did answer, so this is not what stops Mail. A firewall, filter or VPN that lets only some traffic through can cause this.';
const NOTHING_TO_DO_FOR_MAIL = 'Nothing to do for Mail. If web pages do not open either, check the network connection.';

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

type Text<C extends FailureCode> = (params: ParamsOf<C>) => string;

export interface CatalogEntry<C extends FailureCode> {
  readonly title: Text<C>;
  readonly explanation: Text<C>;
  /** Exactly one concrete thing to do next. */
  readonly nextStep: Text<C>;
  readonly fixedBy: FixedBy;
  /** The checklist step the finding belongs to (for per-side codes: the incoming side's step, see stepForFinding). */
  readonly step: ChecklistStepId;
  readonly action?: CatalogAction;
}

// ------------------------------------------------------------------ small helpers for templates

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

/** "the incoming server" / "the outgoing server". */
function roleServer(params: PlainParams, name = 'role'): string {
  return params[name] === 'outgoing' ? 'outgoing (sending) server' : 'incoming (receiving) server';
}

const TELL_ADMIN_IP = (params: PlainParams): string =>
  has(params, 'ip') ? 'your public IP address {ip}' : 'your public IP address (Mail Doctor could not find it out)';

const HOTSPOT_TEST =
  " To confirm, connect this Mac to your phone's hotspot and run the check again: if Mail works there, the block is confirmed.";

const MAIL_SETTINGS = 'Mail > Settings > Accounts > Server Settings';

const MODE_WORDS = { implicit: 'TLS from the start', starttls: 'STARTTLS', none: 'no encryption' } as const;

// ------------------------------------------------------------------ the catalog

export const CATALOG: { readonly [C in FailureCode]: CatalogEntry<C> } = {
  OK: {
    title: () => 'Nothing wrong found',
    explanation: (p) =>
      flag(p, 'loginTested')
        ? 'Mail Doctor reached your mail servers, checked their security certificates and logged in with the saved passwords. Everything answered as it should.'
        : 'Mail Doctor reached your mail servers and checked their security certificates. Everything it could check answered as it should.',
    nextStep: () => 'If Mail still has trouble, quit Mail, open it again, and run this check once more.',
    fixedBy: 'you',
    step: 'contact-host',
    action: 'run-again',
  },

  // -------------------------------------------------------------- the Mac and the network
  FULL_DISK_ACCESS_NEEDED: {
    title: () => "Mail Doctor needs permission to read Mail's files",
    explanation: () =>
      "macOS protects Mail's settings and logs. Without Full Disk Access, Mail Doctor cannot see what Mail saved or what Mail itself saw, so part of the check stays blank.",
    nextStep: () =>
      'Open System Settings > Privacy & Security > Full Disk Access, switch on Mail Doctor, then run the check again.',
    fixedBy: 'you',
    step: 'incoming-login',
    action: 'grant-full-disk-access',
  },
  ACCOUNT_READ_PROBLEM: {
    title: (p) =>
      is(p, 'problem', 'no-incoming') ? "This account's server settings could not be found" : "Some of this account's settings could not be read",
    explanation: (p) =>
      is(p, 'problem', 'no-incoming')
        ? 'Mail Doctor found the account {email}, but no incoming server saved with it, so there is nothing to check.'
        : "Mail Doctor could not read {count} of the settings Mail saved for this account. The rest of the check uses what could be read.",
    nextStep: () => `Open ${MAIL_SETTINGS}, select this account and check that it shows an incoming server, then run the check again.`,
    fixedBy: 'you',
    step: 'incoming-login',
    action: 'open-mail-settings',
  },
  LONG_UPTIME: {
    title: () => 'Your Mac has been running for {days} days',
    explanation: () =>
      'A restart clears stuck connections and is the first thing a helpdesk asks for. This is only a suggestion: nothing else depends on it.',
    nextStep: () => 'Restart your Mac when it suits you.',
    fixedBy: 'you',
    step: 'restart',
  },
  NO_INTERNET: {
    title: (p) => (flag(p, 'mailServersAnswered') ? 'The internet check did not get through' : 'This Mac is not connected to the internet'),
    explanation: (p) =>
      flag(p, 'mailServersAnswered')
        ? `Mail Doctor could not reach Apple's check page${CHECK_PAGE_BUT_MAIL_ANSWERED}`
        : 'Mail Doctor could not reach the internet at all, so Mail cannot reach your mail servers either. Nothing here points to a problem with your email account itself.',
    nextStep: (p) =>
      flag(p, 'mailServersAnswered')
        ? NOTHING_TO_DO_FOR_MAIL
        : "Connect to Wi-Fi or a network cable (or your phone's hotspot), then run the check again.",
    fixedBy: 'you',
    step: 'internet',
    action: 'run-again',
  },
  CAPTIVE_PORTAL: {
    title: () => 'This network wants you to sign in first',
    explanation: (p) =>
      flag(p, 'mailServersAnswered')
        ? `Apple's check page was answered by something else (a network sign-in page or a filter)${CHECK_PAGE_BUT_MAIL_ANSWERED}`
        : (has(p, 'portalHost')
        ? 'The network you are on shows a sign-in page (from {portalHost}) before it lets anything through.'
        : 'The network you are on shows a sign-in page before it lets anything through.') +
      ' Hotels, airports and cafés often do this. Until you sign in there, Mail cannot reach your servers.',
    nextStep: (p) =>
      flag(p, 'mailServersAnswered')
        ? NOTHING_TO_DO_FOR_MAIL
        : "Open a web browser, visit any website, complete the network's sign-in page, then run the check again.",
    fixedBy: 'you',
    step: 'internet',
    action: 'run-again',
  },
  DNS_NOT_FOUND: {
    title: (p) => (is(p, 'scope', 'network') ? 'This network cannot look up internet names' : "The mail server's name cannot be found"),
    explanation: (p) => {
      if (is(p, 'scope', 'network') && flag(p, 'mailServersAnswered'))
        return `Looking up the name of Apple's check page failed${CHECK_PAGE_BUT_MAIL_ANSWERED}`;
      if (is(p, 'scope', 'network'))
        return 'Your Mac is connected, but looking up names (DNS) does not work on this network, so Mail cannot find any mail server.';
      const what =
        is(p, 'lookup', 'not-found')
          ? 'Mail is set to use the {role} {host}, but that name does not exist on the internet.'
          : is(p, 'lookup', 'no-address')
            ? 'Mail is set to use the {role} {host}. That name exists but does not point to any server.'
            : 'Mail is set to use the {role} {host}, and looking that name up got no answer.';
      return has(p, 'suggestedHost') ? `${what} Your email domain names {suggestedHost} as its mail server.` : what;
    },
    nextStep: (p) => {
      if (is(p, 'scope', 'network') && flag(p, 'mailServersAnswered')) return NOTHING_TO_DO_FOR_MAIL;
      if (is(p, 'scope', 'network')) return "Switch to another network (for example your phone's hotspot), then run the check again.";
      return has(p, 'suggestedHost')
        ? `In ${MAIL_SETTINGS}, change the server name {host} to {suggestedHost}.`
        : `Compare the server name {host} in ${MAIL_SETTINGS} with the one your email host gave you.`;
    },
    fixedBy: 'you',
    step: 'server-reachable',
    action: 'open-mail-settings',
  },

  // -------------------------------------------------------------- reaching the server
  PORT_TIMEOUT: {
    title: (p) => `The ${roleServer(p)} does not answer`,
    explanation: (p) => {
      let text = 'Mail Doctor tried to connect to {host} on port {port} and got no answer within {seconds} seconds.';
      if (flag(p, 'blockedSmtpPort')) text += ' Many internet providers block port 25 for sending mail.';
      else if (flag(p, 'webAlsoFailed'))
        text += " The host's website did not answer either: the server may be down, or this network cannot reach it.";
      return text;
    },
    nextStep: (p) =>
      flag(p, 'blockedSmtpPort')
        ? `In ${MAIL_SETTINGS}, set the outgoing server's port to 587 (with TLS/SSL on).`
        : "Connect this Mac to your phone's hotspot and run the check again, to see whether this network is the problem.",
    fixedBy: 'email-host',
    step: 'server-reachable',
    action: 'run-again',
  },
  PORT_REFUSED: {
    title: (p) => `The ${roleServer(p)} refused the connection`,
    explanation: () =>
      'Nothing at {host} accepts connections on port {port}. Either Mail is set to a port the server does not use, or the mail service there is down.',
    nextStep: () =>
      `Compare the port {port} in ${MAIL_SETTINGS} with the one your email host gave you (usually 993 for receiving, 465 or 587 for sending).`,
    fixedBy: 'you',
    step: 'server-reachable',
    action: 'open-mail-settings',
  },
  PORT_RESET: {
    title: (p) => `The ${roleServer(p)} cut the connection off`,
    explanation: () =>
      '{host} accepted the connection on port {port} and closed it again at once. A firewall or the server itself is turning connections away.',
    nextStep: () => 'Run the check again in a few minutes; if it happens again, send the report to your email host.',
    fixedBy: 'email-host',
    step: 'server-reachable',
    action: 'copy-report',
  },
  CONNECTION_FAILED: {
    title: (p) => `The connection to the ${roleServer(p)} failed`,
    explanation: (p) => {
      if (is(p, 'reason', 'no-greeting')) return '{host} accepted the connection on port {port} but never said hello, so Mail could not go on.';
      if (is(p, 'reason', 'unreachable')) return 'The network reported that {host} cannot be reached on port {port}.';
      if (is(p, 'reason', 'server-refused'))
        return has(p, 'detail')
          ? '{host} turned the connection on port {port} away in its very first words: "{detail}".'
          : '{host} turned the connection on port {port} away in its very first words.';
      if (is(p, 'reason', 'protocol'))
        return '{host} answered on port {port}, but not the way a mail server does ({errorCode}). Something else may be listening there, or a network device is interfering.';
      return has(p, 'errorCode') ? 'Connecting to {host} on port {port} failed ({errorCode}).' : 'Connecting to {host} on port {port} failed.';
    },
    nextStep: () => "Connect this Mac to your phone's hotspot and run the check again, to see whether this network is the problem.",
    fixedBy: 'email-host',
    step: 'server-reachable',
    action: 'run-again',
  },
  IP_BLOCKED_FIREWALL_DROP: {
    title: () => 'Your mail server seems to block this internet connection',
    explanation: (p) =>
      (is(p, 'evidence', 'csf-page')
        ? "The host's web server shows its firewall's \"Your connection to this server has been blocked\" page, and the mail ports ({ports}) do not answer."
        : "The host's website answers, but every mail port ({ports}) stays silent.") +
      ' That is what a server firewall such as CSF does after too many failed logins from one address: it silently ignores that address. ' +
      `The blocked address is ${TELL_ADMIN_IP(p)}; everyone sharing this internet connection is affected.` +
      HOTSPOT_TEST,
    nextStep: (p) => `Ask your IT admin or email host to remove ${has(p, 'ip') ? '{ip}' : 'your public IP address'} from the server firewall's block list (CSF).`,
    fixedBy: 'it-admin',
    step: 'ip-blocked',
    action: 'copy-report',
  },
  IP_BLOCKED_REJECT: {
    title: () => 'Your mail server seems to turn this internet connection away',
    explanation: (p) =>
      "The host's website answers, but the mail ports ({ports}) refuse the connection instantly. That is how tools such as fail2ban turn an address away after repeated failed logins, usually for minutes to hours. " +
      `The blocked address is ${TELL_ADMIN_IP(p)}.` +
      HOTSPOT_TEST,
    nextStep: (p) => `Ask your IT admin or email host to unban ${has(p, 'ip') ? '{ip}' : 'your public IP address'} on the mail server (fail2ban or its firewall).`,
    fixedBy: 'it-admin',
    step: 'ip-blocked',
    action: 'copy-report',
  },
  IP_BLOCKED_LOGIN_LAYER: {
    title: () => 'Logins from this internet connection are being blocked',
    explanation: (p) =>
      (is(p, 'evidence', 'webmail-page')
        ? "The webmail page shows cPanel's \"Brute Force Protection\" lock-out message."
        : 'Mail logged in successfully at {acceptedAt}, yet every login is refused now, although the secure connection works.') +
      " cPanel's brute-force protection (cPHulk) refuses every login from an address after several failures, even with the right password, and each new attempt makes the block last longer. " +
      `The blocked address is ${TELL_ADMIN_IP(p)}.` +
      HOTSPOT_TEST,
    nextStep: (p) =>
      `Ask your IT admin to clear ${has(p, 'ip') ? '{ip}' : 'your public IP address'} in cPHulk (WHM > Security Center > cPHulk Brute Force Protection).`,
    fixedBy: 'it-admin',
    step: 'ip-blocked',
    action: 'copy-report',
  },

  // -------------------------------------------------------------- TLS
  TLS_HOSTNAME_MISMATCH: {
    title: () => "The server's certificate carries a different name",
    explanation: () =>
      "Mail connects to {host}, but that server's security certificate is made out to {certNames}. Mail (rightly) will not send your password to a server whose name does not match its certificate.",
    nextStep: (p) =>
      has(p, 'suggestedHost')
        ? `In ${MAIL_SETTINGS}, change the ${roleServer(p)} name from {host} to {suggestedHost}.`
        : 'Ask your email host which server name matches its certificate, and use that name in Mail.',
    fixedBy: 'you',
    step: 'server-reachable',
    action: 'open-mail-settings',
  },
  TLS_CERT_EXPIRED: {
    title: (p) => (flag(p, 'notYetValid') ? "The server's certificate is not valid yet" : "The server's security certificate has expired"),
    explanation: (p) =>
      flag(p, 'notYetValid')
        ? "{host}'s certificate only becomes valid at {validFromAt}. Either it is brand new, or this Mac's clock is wrong."
        : "{host}'s certificate was valid until {validToAt}. Without a valid certificate, Mail cannot be sure it is talking to the real server.",
    nextStep: (p) =>
      flag(p, 'notYetValid')
        ? 'Check that the date and time of this Mac are right (System Settings > General > Date & Time).'
        : 'Ask your email host to renew the certificate for {host}; only they can.',
    fixedBy: 'email-host',
    step: 'server-reachable',
    action: 'copy-report',
  },
  TLS_CERT_UNTRUSTED: {
    title: () => "The server's certificate is not trusted",
    explanation: (p) =>
      (flag(p, 'selfSigned')
        ? '{host} presented a certificate it signed itself ({issuer}).'
        : '{host} presented a certificate from {issuer}, which macOS does not trust.') +
      ' Mail cannot be sure it is talking to the real server.',
    nextStep: () => "Ask your email host for a server name with a valid certificate (often the server's own name).",
    fixedBy: 'email-host',
    step: 'server-reachable',
    action: 'copy-report',
  },
  TLS_MODE_PORT_MISMATCH: {
    title: () => "The port and the encryption setting don't match",
    explanation: (p) => {
      let text = p.expectedMode !== undefined
        ? `Mail is set to use port {port} with ${MODE_WORDS[p.configuredMode]}, but port {port} normally expects ${MODE_WORDS[p.expectedMode]}.`
        : `Mail is set to use port {port} with ${MODE_WORDS[p.configuredMode]}, which does not match how the server there starts.`;
      if (is(p, 'observed', 'plaintext')) text += ' The server indeed answered without encryption.';
      else if (is(p, 'observed', 'tls-first'))
        text += ' The server there stayed silent in plain text and answered only when Mail Doctor started encryption right away: port {port} uses TLS from the start.';
      else if (is(p, 'observed', 'no-greeting')) text += ' The server indeed stayed silent, waiting for encryption to start.';
      else if (is(p, 'observed', 'failed')) text += ' The secure connection indeed failed.';
      return text;
    },
    nextStep: (p) =>
      is(p, 'fix', 'turn-on-tls')
        ? `In ${MAIL_SETTINGS}, turn on "Use TLS/SSL" for the ${roleServer(p)} and keep port {port}.`
        : is(p, 'fix', 'starttls-port')
          ? `In ${MAIL_SETTINGS}, set the ${roleServer(p)}'s port to {suggestedPort} (the port for STARTTLS) and keep "Use TLS/SSL" on.`
          : `In ${MAIL_SETTINGS}, set the ${roleServer(p)}'s port to {suggestedPort} and turn on "Use TLS/SSL".`,
    fixedBy: 'you',
    step: 'server-reachable',
    action: 'open-mail-settings',
  },
  TLS_HANDSHAKE_FAILED: {
    title: () => 'The secure connection could not be set up',
    explanation: (p) =>
      is(p, 'errorCode', 'STARTTLS_INJECTION')
        ? 'Something between this Mac and {host} slipped extra words into the conversation just as encryption was starting. That is the signature of interference on the network, so Mail Doctor stopped.'
        : has(p, 'errorCode')
          ? 'Mail Doctor reached {host} on port {port}, but setting up encryption failed ({errorCode}).'
          : 'Mail Doctor reached {host} on port {port}, but the server stopped answering while encryption was being set up.',
    nextStep: (p) =>
      is(p, 'errorCode', 'STARTTLS_INJECTION')
        ? "Connect this Mac to another network (for example your phone's hotspot) and run the check again."
        : "Send the report to your email host: the server's encryption setup needs a look.",
    fixedBy: 'email-host',
    step: 'server-reachable',
    action: 'copy-report',
  },
  STARTTLS_NOT_OFFERED: {
    title: () => 'The server offers no encryption on this port',
    explanation: () => 'Mail is set to switch on encryption (STARTTLS) on port {port}, but {host} does not offer it there.',
    nextStep: (p) => `In ${MAIL_SETTINGS}, set the ${roleServer(p)}'s port to {suggestedPort} with "Use TLS/SSL" on.`,
    fixedBy: 'you',
    step: 'server-reachable',
    action: 'open-mail-settings',
  },
  LOGIN_NEEDS_TLS: {
    title: (p) =>
      is(p, 'reason', 'not-sent') ? 'Mail sends this password without encryption' : 'The server wants encryption before the password',
    explanation: (p) =>
      is(p, 'reason', 'not-sent')
        ? 'Mail is set to connect to {host} without encryption, so the password would cross the network readable by others. Mail Doctor never sends a password that way, so this login was not tested.'
        : '{host} does not accept a password over an unencrypted connection, and Mail is set to connect without encryption. That rule protects your password.' +
          (has(p, 'serverText') ? ' The server said: "{serverText}".' : ''),
    nextStep: (p) => `In ${MAIL_SETTINGS}, turn on "Use TLS/SSL" for the ${roleServer(p)} (port {suggestedPort}).`,
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
    explanation: (p) =>
      `Mail Doctor already tried logging in to the ${roleServer(p)} recently. Mail servers block an internet address after a few failed logins, so Mail Doctor waits before trying again. The connection checks still ran.`,
    nextStep: (p) => (has(p, 'safeAfter') ? 'Run the check again after {safeAfter}.' : 'Run the check again in an hour.'),
    fixedBy: 'you',
    step: 'incoming-login',
    action: 'run-again',
  },
  OAUTH_ACCOUNT: {
    title: (p) => (has(p, 'provider') ? 'This account signs in through {provider}' : 'This account signs in through its provider'),
    explanation: () =>
      "This account uses its provider's own sign-in, so there is no saved password to test. Mail Doctor checked the connections only.",
    nextStep: () => 'If Mail asks you to sign in again, do it in System Settings > Internet Accounts.',
    fixedBy: 'you',
    step: 'incoming-login',
  },
  SERVER_UNAVAILABLE: {
    title: (p) =>
      is(p, 'reason', 'disabled') ? 'The server has turned off logins for this mailbox' : `The ${roleServer(p)} could not check the login`,
    explanation: (p) => {
      const said = has(p, 'serverText') ? ' The server said: "{serverText}".' : '';
      if (is(p, 'reason', 'disabled')) return `{host} says logins for this mailbox are switched off.${said}`;
      if (is(p, 'reason', 'no-login-offered')) return `{host} offers no way to log in on port {port}.${said}`;
      if (is(p, 'reason', 'no-answer')) return '{host} stopped answering during the login.';
      return `{host} answered, but cannot check logins at the moment.${said}`;
    },
    nextStep: (p) =>
      is(p, 'reason', 'disabled')
        ? 'Ask your IT admin or email host to switch logins back on for {email}.'
        : 'Run the check again in a few minutes; if it happens again, send the report to your email host.',
    fixedBy: 'email-host',
    step: 'incoming-login',
    action: 'copy-report',
  },

  // -------------------------------------------------------------- what Mail stored
  PASSWORDS_DIFFER: {
    title: () => 'Mail saved two different passwords for this account',
    explanation: (p) => {
      if (is(p, 'source', 'live'))
        return 'Mail keeps one password for receiving and one for sending, and they are different. The {goodRole} server ({goodHost}) accepted its password just now; the {staleRole} server ({staleHost}) refused its own. So the {staleRole} password is out of date, which often happens after a password change.';
      if (is(p, 'source', 'mail-log'))
        return "Mail's own connection log shows the {staleRole} server ({staleHost}) refusing Mail's saved password at {rejectedAt}, while the {goodRole} server ({goodHost}) accepted Mail at {acceptedAt}. So the {staleRole} password Mail saved is out of date, even though Mail Doctor could not read it.";
      if (has(p, 'staleRole'))
        return 'The {goodRole} server accepts its saved password, and the password Mail saved for the {staleRole} server is a different one, so that one is probably out of date. It was not tested in this run.';
      return 'The passwords Mail saved for receiving and for sending are different. Usually both are your one email password, so one of them is probably out of date. No login was tried in this run, so Mail Doctor cannot tell which.';
    },
    nextStep: (p) =>
      has(p, 'staleRole')
        ? `In ${MAIL_SETTINGS}, type your current password into the {staleRole} server's password field.`
        : `In ${MAIL_SETTINGS}, type your current password for both the incoming and the outgoing server.`,
    fixedBy: 'you',
    step: 'outgoing',
    action: 'open-mail-settings',
  },
  PASSWORD_MISSING: {
    title: (p) => (is(p, 'role', 'both') ? 'Mail has no saved password for this account' : `Mail has no saved password for the ${roleServer(p)}`),
    explanation: (p) =>
      is(p, 'role', 'both')
        ? 'Mail has no saved password for either server of this account, so it cannot log in.'
        : has(p, 'otherHost')
          ? 'Mail has no saved password for {host}, although it has one for {otherHost}. This often happens after a server name changed: the password stays filed under the old name.'
          : 'Mail has no saved password for {host}, so it cannot log in there.',
    nextStep: (p) =>
      is(p, 'role', 'both')
        ? `In ${MAIL_SETTINGS}, type your password for both the incoming and the outgoing server.`
        : `In ${MAIL_SETTINGS}, type your password for the ${roleServer(p)} {host}.`,
    fixedBy: 'you',
    step: 'incoming-login',
    action: 'open-mail-settings',
  },
  USERNAMES_DIFFER: {
    title: () => 'The incoming and outgoing user names differ',
    explanation: (p) => {
      const base = 'Mail logs in to receive as {incomingUser} and to send as {outgoingUser}.';
      if (flag(p, 'explains')) return `${base} The {goodRole} server accepts {goodUser}, but the {badRole} server refused {badUser}.`;
      if (flag(p, 'harmless')) return `${base} Both servers accept their user name, so this is only worth knowing.`;
      return `${base} Most email hosts expect the same user name (usually your full email address) for both.`;
    },
    nextStep: (p) =>
      flag(p, 'explains')
        ? `In ${MAIL_SETTINGS}, change the {badRole} server's user name to {goodUser}.`
        : flag(p, 'harmless')
          ? 'Nothing to do while both work.'
          : `In ${MAIL_SETTINGS}, use the user name your email host gave you for both servers.`,
    fixedBy: 'you',
    step: 'outgoing',
    action: 'open-mail-settings',
  },
  USERNAME_NOT_FULL_ADDRESS: {
    title: () => 'The user name should be your full email address',
    explanation: (p) =>
      flag(p, 'cpanel')
        ? 'Mail logs in to the {role} server as {username}. Servers run with cPanel, like yours, expect the full address: {email}.'
        : 'Mail logs in to the {role} server as {username}, and the server refused it. Most email hosts expect the full address: {email}.',
    nextStep: (p) => `In ${MAIL_SETTINGS}, change the ${roleServer(p)}'s user name to {email}.`,
    fixedBy: 'you',
    step: 'incoming-login',
    action: 'open-mail-settings',
  },
  SMTP_AUTH_DISABLED: {
    title: () => 'Sending is set up without a login',
    explanation: (p) =>
      has(p, 'serverReply')
        ? "Mail's outgoing server ({host}) is set to send without logging in, and the server refuses mail sent that way. It said: \"{serverReply}\"."
        : "Mail's outgoing server ({host}) is set to send without logging in. Almost every email host refuses to pass on mail from someone who has not logged in (\"relay refused\").",
    nextStep: () => `In ${MAIL_SETTINGS}, set the outgoing server's Authentication to "Password" and enter your email address and password.`,
    fixedBy: 'you',
    step: 'outgoing',
    action: 'open-mail-settings',
  },
  SERVER_DIFFERS_FROM_EXPECTED: {
    title: () => 'Mail is not set up the way your IT department set it',
    explanation: (p) =>
      `For the ${roleServer(p)}, Mail uses {host}, port {port} with ${MODE_WORDS[p.mode]}, but your IT department set {expectedHost}, port {expectedPort} with ${MODE_WORDS[p.expectedTls]} for {domain}.` +
      (flag(p, 'works') ? " Mail's current setting answered, but the setting your IT department gave is the one they support." : ''),
    nextStep: (p) =>
      `In ${MAIL_SETTINGS}, set the ${roleServer(p)} to {expectedHost}, port {expectedPort}, with "Use TLS/SSL" ${is(p, 'expectedTls', 'none') ? 'off' : 'on'}, as your IT department set it.`,
    fixedBy: 'you',
    step: 'server-reachable',
    action: 'open-mail-settings',
  },
  SERVER_DIFFERS_FROM_PUBLISHED: {
    title: () => 'Your email domain names a different server',
    explanation: (p) =>
      `Mail uses {host} as the ${roleServer(p)}, but {domain} publishes {publishedHost} (port {publishedPort}) for this${is(p, 'from', 'srv') ? ' in its DNS records' : ' in its setup file (autoconfig)'}.`,
    nextStep: (p) => `If {host} gives trouble, set the ${roleServer(p)} in ${MAIL_SETTINGS} to {publishedHost}.`,
    fixedBy: 'you',
    step: 'server-reachable',
    action: 'open-mail-settings',
  },
  PASSWORD_UNREADABLE: {
    title: () => 'Mail Doctor could not read the saved password',
    explanation: (p) =>
      (p.reason === 'denied'
        ? 'Reading the password Mail saved was refused, so Mail Doctor could not test it.'
        : 'macOS keeps the password Mail saved private to Mail, so Mail Doctor could not test it.') +
      ' That is normal on recent macOS and says nothing about whether the password is right.',
    nextStep: () => 'Type your password into Mail Doctor to test it (it is used once and never stored).',
    fixedBy: 'you',
    step: 'incoming-login',
    action: 'type-password',
  },
  OUTGOING_NOT_LINKED: {
    title: () => 'No outgoing server is set for this account',
    explanation: (p) =>
      has(p, 'identifier')
        ? 'This account points to the outgoing server "{identifier}", which Mail no longer has, so Mail cannot send from {email}.'
        : 'Mail has no outgoing (sending) server for {email}, so it cannot send from this account.',
    nextStep: () => `In ${MAIL_SETTINGS}, choose or add an outgoing server for this account.`,
    fixedBy: 'you',
    step: 'outgoing',
    action: 'open-mail-settings',
  },
  WEBMAIL_UNREACHABLE: {
    title: () => 'Webmail did not open',
    explanation: (p) =>
      is(p, 'reason', 'certificate')
        ? 'Webmail at {url} answered, but with a certificate a browser would warn about.'
        : 'Mail Doctor could not open webmail at {url}.',
    nextStep: () => 'Nothing to do on its own: webmail is only a way to test your password outside Mail.',
    fixedBy: 'email-host',
    step: 'webmail',
  },

  // -------------------------------------------------------------- what Mail itself saw
  PASSWORD_PROMPT_SUPPRESSED: {
    title: () => 'macOS will not ask for the password again until {liftsAt}',
    explanation: () =>
      'At {rejectedAt}, macOS noted that a password request for this account was closed or refused. For 24 hours after that, until {liftsAt}, it does not show Mail\'s password prompt again, so Mail quietly keeps failing instead of asking.',
    nextStep: () =>
      `In ${MAIL_SETTINGS}, delete the saved password and type it again now, for both the incoming and the outgoing server (or wait until {liftsAt}).`,
    fixedBy: 'you',
    step: 'incoming-login',
    action: 'open-mail-settings',
  },
  MAIL_SAW_AUTH_REJECTED: {
    title: (p) => `Mail's own log shows the ${roleServer(p)} refusing its password`,
    explanation: (p) =>
      'At {rejectedAt}, {host} answered Mail\'s login with: "{serverText}".' +
      (flag(p, 'resolvedSince') ? " Mail Doctor's own login just now worked, so this may have been fixed since." : ''),
    nextStep: (p) =>
      flag(p, 'resolvedSince')
        ? 'Nothing to do unless Mail shows the problem again.'
        : `In ${MAIL_SETTINGS}, type your current password for the ${roleServer(p)}.`,
    fixedBy: 'you',
    step: 'incoming-login',
    action: 'open-mail-settings',
  },
  MAIL_SAW_CONNECT_FAILURES: {
    title: () => 'Mail could not connect to {host} {count} times',
    explanation: () =>
      "Mail's own log shows {count} attempts to connect to {host} on port {port} that never completed, the last at {lastAt}.",
    nextStep: () => 'Nothing to do on its own; if it keeps happening, send the report to your email host.',
    fixedBy: 'email-host',
    step: 'server-reachable',
    action: 'copy-report',
  },
  ACCOUNT_NOT_SYNCING: {
    title: () => 'This account has stopped updating',
    explanation: () =>
      'Mail last received new mail for this account at {lastMailAt} ({days} days ago), and {pending} change(s) you made in Mail are still waiting to reach the server.',
    nextStep: () => 'Quit Mail, open it again, and choose Mailbox > Get All New Mail.',
    fixedBy: 'you',
    step: 'incoming-login',
  },
  CONNECTION_LOG_OFF: {
    title: () => "Mail's connection log is switched off",
    explanation: () =>
      'Mail can write down what each server answers. That log shows which saved password a server refuses, without anyone reading the password. It is switched off at the moment.',
    nextStep: () =>
      'In Mail, choose Window > Connection Doctor, tick "Log Connection Activity", let Mail check for mail once, run this check again, then untick it.',
    fixedBy: 'you',
    step: 'incoming-login',
    action: 'open-connection-doctor',
  },
};

function authRejected<C extends 'IMAP_AUTH_REJECTED' | 'POP3_AUTH_REJECTED' | 'SMTP_AUTH_REJECTED'>(protocol: 'IMAP' | 'POP3' | 'SMTP'): CatalogEntry<C> {
  return {
    title: (p) =>
      flag(p, 'bothRejected') && flag(p, 'sameStoredForBoth')
        ? 'Your password seems to have changed on the server'
        : `The ${roleServer(p)} refused the saved password`,
    explanation: (p) => {
      const said = has(p, 'serverText') ? ' It said: "{serverText}".' : '';
      if (flag(p, 'bothRejected') && flag(p, 'sameStoredForBoth'))
        return `Both servers refused the password Mail saved, and Mail saved the same password for both. The password was most likely changed on the server (on another device, by your admin, or by a reset). The ${protocol} server is {host}.${said}`;
      if (flag(p, 'otherSideAccepted') && flag(p, 'sameStoredForBoth'))
        return `{host} (${protocol}) refused the password, although the other server accepts the very same password. The user name or the login settings for this server are the likely cause.${said}`;
      return `{host} (${protocol}) refused the password Mail saved for it.${said}`;
    },
    nextStep: (p) => {
      if (flag(p, 'bothRejected') && flag(p, 'sameStoredForBoth'))
        return 'Try your password on webmail: if it works there, type it into Mail for both servers; if not, ask your IT admin to reset it.';
      if (flag(p, 'otherSideAccepted') && flag(p, 'sameStoredForBoth'))
        return `In ${MAIL_SETTINGS}, check that the ${roleServer(p)}'s user name is {email} and its authentication is "Password".`;
      return `In ${MAIL_SETTINGS}, type your current password for the ${roleServer(p)} ({host}).`;
    },
    fixedBy: 'you',
    step: protocol === 'SMTP' ? 'outgoing' : 'incoming-login',
    action: 'open-mail-settings',
  };
}

/** Codes whose step follows the finding's side: incoming -> step 5, outgoing -> step 6. */
const SIDE_STEPPED: ReadonlySet<FailureCode> = new Set<FailureCode>([
  'PASSWORDS_DIFFER',
  'PASSWORD_MISSING',
  'USERNAMES_DIFFER',
  'USERNAME_NOT_FULL_ADDRESS',
  'LOGIN_BUDGET_EXHAUSTED',
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

export interface RenderedFinding {
  readonly title: string;
  readonly explanation: string;
  readonly nextStep: string;
  readonly fixedBy: FixedBy;
  readonly action?: CatalogAction;
}

/** A finding's words, ready to show. The window passes its own time formatter; the CLI uses the default. */
export function describeFinding(finding: FindingKey, options: TextFormatOptions = DEFAULT_TEXT_FORMAT): RenderedFinding {
  return describeCode(finding.code, finding.params, options);
}

function describeCode<C extends FailureCode>(code: C, params: ParamsOf<C>, options: TextFormatOptions): RenderedFinding {
  const entry: CatalogEntry<C> = CATALOG[code];
  const render = (text: Text<C>): string => formatCatalogText(text(params), params, options);
  const rendered = {
    title: render(entry.title),
    explanation: render(entry.explanation),
    nextStep: render(entry.nextStep),
    fixedBy: entry.fixedBy,
  };
  return entry.action === undefined ? rendered : { ...rendered, action: entry.action };
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
