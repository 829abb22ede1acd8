/**
 * The words of the hosting-account tools (steps 7 and 8 for the person who runs the hosting account), in
 * one place, shaped like the failure catalog's entries (`title` short, one `why` sentence, exactly one
 * imperative `nextStep`): the CLI and the window both word every admin outcome from here, so they never
 * disagree. The diagnosis's own findings (IP_BLOCKED_CONFIRMED...) stay in shared/verdict/catalog.ts.
 */
import type { HostBlockCheck, HostBlockKind, HostingApi, HostingProblem, TestMailboxStepId } from '../model/hosting';
import type { PasswordStrength } from './passwordStrength';

export interface AdminWords {
  readonly title: string;
  readonly why: string;
  readonly nextStep: string;
}

export const API_NAMES: Readonly<Record<HostingApi, string>> = { cpanel: 'cPanel', whm: 'WHM' };

/** Where each kind of token is made (docs/admin-tools.md says the same, with the scope each verb needs). */
export const TOKEN_PLACES: Readonly<Record<HostingApi, string>> = {
  cpanel: 'cPanel » Security » Manage API Tokens',
  whm: 'WHM » Development » Manage API Tokens',
};

export function describeHostingProblem(problem: HostingProblem): AdminWords {
  const api = API_NAMES[problem.api];
  switch (problem.kind) {
    case 'token-refused':
      return problem.api === 'whm'
        ? {
            title: 'WHM refused the token',
            why: 'WHM accepts only a token made in WHM by root or a reseller; a cPanel account’s token, or a wrong, revoked or expired one, is refused.',
            nextStep: `Create a token in ${TOKEN_PLACES.whm} as root (or a reseller with cPHulk access) and connect with it.`,
          }
        : {
            title: 'cPanel refused the token',
            why: 'The token or the user name is wrong, or the token was revoked or has expired.',
            nextStep: `Create a new token in ${TOKEN_PLACES.cpanel} and connect with it.`,
          };
    case 'not-permitted':
      return problem.api === 'whm'
        ? {
            title: 'This WHM token may not use cPHulk',
            why: `WHM accepted the token but refused ${problem.function}${quoted(problem.serverWords)}.`,
            nextStep: 'Use a root token, or ask the server’s administrator to give this reseller cPHulk access.',
          }
        : {
            title: 'This cPanel account may not do that',
            why: `The host has turned off the feature or role ${problem.function} needs${quoted(problem.serverWords)}.`,
            nextStep: 'Ask your hosting company to enable Email Accounts and Receive Mail for this account.',
          };
    case 'api-error':
      return {
        title: `${api} could not do it`,
        why: `${problem.function} answered${quoted(problem.serverWords, ' with no reason given')}.`,
        nextStep: 'Fix what the message names, then try again.',
      };
    case 'login-page':
      return {
        title: 'A login page came back',
        why: `The token did not reach ${api}: a proxy in front of the server, or the address of a web page instead of the API.`,
        nextStep: `Use the server’s own name with port ${problem.api === 'whm' ? 2087 : 2083}.`,
      };
    case 'not-json':
      return {
        title: `That address did not answer like ${api}`,
        why: `Something else answered (HTTP ${problem.httpStatus}${problem.contentType === undefined ? '' : `, ${problem.contentType}`}).`,
        nextStep: `Check the address: ${api} answers on port ${problem.api === 'whm' ? 2087 : 2083}.`,
      };
    case 'timeout':
      return problem.phase === 'connect'
        ? {
            title: `${api} could not be reached`,
            why: `Nothing answered within ${seconds(problem.afterMs)}.`,
            nextStep: 'Check the address, and that this network lets you reach that port.',
          }
        : {
            title: `${api} did not answer in time`,
            why: `The server was reached but gave no answer within ${seconds(problem.afterMs)}.`,
            nextStep: 'Try again in a few minutes.',
          };
    case 'unreachable':
      return {
        title: `${api} could not be reached`,
        why: `The connection failed (${problem.errorCode}).`,
        nextStep: 'Check the address, and that this network lets you reach that port.',
      };
    case 'certificate':
      return {
        title: `${api}’s certificate is not trusted`,
        why: `Its certificate did not verify (${problem.errorCode}), and Mail Doctor never skips that check.`,
        nextStep: 'Use the server’s own host name, the one its certificate names.',
      };
    case 'not-retried':
      return {
        title: 'The refused token was not sent again',
        why:
          problem.reason === 'refused-before'
            ? `${api} refused this token${problem.refusedAt === undefined ? '' : ` on ${problem.refusedAt.slice(0, 10)}`}; retrying it could get this address blocked.`
            : `${api} refused the token earlier in this run; retrying it could get this address blocked.`,
        nextStep: `Create a new token in ${TOKEN_PLACES[problem.api]} and connect with it.`,
      };
    case 'cancelled':
      return { title: 'Cancelled', why: 'You cancelled before the server answered.', nextStep: 'Start again when you are ready.' };
  }
}

const BLOCK_NAMES: Readonly<Record<HostBlockKind, string>> = {
  'cphulk-brute': 'cPHulk’s brute-force protection',
  'cphulk-excessive-brute': 'cPHulk’s long block for repeated failures',
  'cphulk-blacklist': 'cPHulk’s block list',
};

/** `time`: how the edge that shows the words writes a time (the window: local time; the CLI: ISO). */
export function describeBlockCheck(check: HostBlockCheck, time: (iso: string) => string = (iso) => iso): AdminWords {
  if (!check.cphulkEnabled) {
    return {
      title: 'cPHulk is off on this server',
      why: `cPHulk blocks nothing while it is off, so it is not what stops ${check.ip}.`,
      nextStep: 'If logins still fail, ask the host to check the CSF firewall for this address.',
    };
  }
  if (check.allowListed) {
    return {
      title: 'This address is on cPHulk’s allow list',
      why: `cPHulk never blocks ${check.ip}.`,
      nextStep: 'If logins still fail, check the password, then ask the host to check the CSF firewall.',
    };
  }
  if (!check.blocked || check.blockedBy === undefined) {
    return {
      title: 'This address is not blocked',
      why: `cPHulk has no block for ${check.ip}${check.failedLogins.length > 0 ? `, though it recorded ${check.failedLogins.length} failed login(s)` : ''}.`,
      nextStep: 'If logins still fail, check the password Mail uses for both servers.',
    };
  }
  const until = check.until === undefined ? '' : ` until ${time(check.until)}`;
  return {
    title: 'This address is blocked',
    why: `${BLOCK_NAMES[check.blockedBy]} blocks ${check.ip}${until}: every login from it fails, even with the right password.`,
    nextStep:
      check.blockedBy === 'cphulk-blacklist'
        ? 'Remove the address from cPHulk’s block list in WHM, then fix the password that caused it.'
        : 'Unblock the address, then correct the password in Mail for both servers before it fails again.',
  };
}

/**
 * What to send the hosting company when only cPanel access is at hand: cPanel's IP Blocker is not the cause
 * (it blocks only the website, never mail), and the mail blocks are cPHulk's (WHM) and the CSF firewall's.
 */
export function hostRequestText(ip: string | undefined, mailHost: string | undefined): string {
  const address = ip ?? 'MY-IP-ADDRESS';
  const server = mailHost === undefined ? 'your mail server' : `the mail server ${mailHost}`;
  return [
    `Hello, my mail app cannot log in from the IP address ${address} to ${server}.`,
    `Could you check whether that address is blocked, and unblock it?`,
    `- cPHulk (WHM » Security Center » cPHulk Brute Force Protection), or: whmapi1 flush_cphulk_login_history_for_ips ip=${address}`,
    `- CSF: csf -g ${address}   (shows whether and why it is blocked)`,
    `       csf -dr ${address}  (removes a permanent block)   csf -tr ${address}  (removes a temporary block)`,
    `- The reason is in /var/log/lfd.log, a line like:`,
    `  lfd: (imapd) Failed IMAP login from ${address} (…): 10 in the last 3600 secs - *Blocked in csf* [LF_IMAPD]`,
    `  (or "(smtpauth) Failed SMTP AUTH login … [LF_SMTPAUTH]", or "(pop3d) … [LF_POP3D]")`,
    `Thank you.`,
  ].join('\n');
}

/** Why cPanel's own IP Blocker does not matter here. */
export const IP_BLOCKER_NOTE =
  'cPanel’s IP Blocker only keeps an address away from the website, never from mail: a mail block comes from cPHulk or the CSF firewall, which only the server’s administrator (WHM) can see.';

/** After a password reset: the step people forget is the outgoing server's own copy of the password. */
export function mailPasswordSteps(address: string): readonly string[] {
  return [
    'Open Mail, then choose Mail › Settings (Preferences on older macOS) › Accounts.',
    `Select the account ${address}, then open Server Settings.`,
    'Under Incoming Mail Server, type the new password in Password.',
    'Under Outgoing Mail Server, type the same new password in its own Password field too: Mail keeps a separate copy for sending, and an old one there keeps sending broken.',
    'Click Save, then run the check again to confirm both servers accept it.',
  ];
}

export const STRENGTH_NAMES: Readonly<Record<PasswordStrength, string>> = {
  'too-short': 'too short',
  weak: 'weak',
  fair: 'fair',
  strong: 'strong',
  'very-strong': 'very strong',
};

export const TEST_MAILBOX_STEP_NAMES: Readonly<Record<TestMailboxStepId, string>> = {
  'journal-pending': 'Note the mailbox for deletion',
  'add-mailbox': 'Create a temporary mailbox',
  'client-settings': 'Read the host’s mail settings',
  'imap-login': 'Log in to the incoming server',
  'smtp-login': 'Log in to the outgoing server',
  'send-to-itself': 'Send a message to itself',
  'read-back': 'Receive that message',
  'delete-mailbox': 'Delete the temporary mailbox',
  'journal-cleared': 'Clear the deletion note',
};

export const TEST_MAILBOX_CONCLUSIONS: Readonly<Record<'server-fine' | 'server-problem' | 'incomplete', AdminWords>> = {
  'server-fine': {
    title: 'The server and the network are fine',
    why: 'A fresh mailbox logged in, sent and received mail from this Mac.',
    nextStep: 'Correct the settings or the password of the account in Mail.',
  },
  'server-problem': {
    title: 'The server fails for a fresh mailbox too',
    why: 'A brand-new mailbox with a known password could not do every step from this Mac.',
    nextStep: 'Send the failed step’s details to your hosting company.',
  },
  incomplete: {
    title: 'The test could not finish',
    why: 'It stopped before every step could run.',
    nextStep: 'Fix what stopped it, then run the test again.',
  },
};

function quoted(words: readonly string[], otherwise = ''): string {
  return words.length === 0 ? otherwise : `: “${words.join('; ')}”`;
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))} s`;
}
