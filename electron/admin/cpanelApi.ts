/**
 * The typed client of cPanel's UAPI (`https://host:2083/execute/<Module>/<function>`, header
 * `Authorization: cpanel user:TOKEN`; research §3.1–3.2): only the Email functions Mail Doctor needs.
 *
 * Calls go as POST with a form body, so a mailbox password never sits in a URL (servers log URLs).
 */
import type { HostClientSettings } from '../../shared/model/hosting';
import type { Secret } from '../keychain/secret';
import type { DataReader } from './envelope';
import { isRecord, readUapiEnvelope } from './envelope';
import type { CallResult, HostingSession } from './hostingSession';

/** A mailbox on the account, as list_pops names it. */
export interface ListedMailbox {
  readonly email: string;
}

export class CpanelApi {
  readonly session: HostingSession;

  constructor(session: HostingSession) {
    if (session.api !== 'cpanel') throw new Error('CpanelApi needs a cPanel session');
    this.session = session;
  }

  /** One UAPI call. `secrets`: values sent besides the token (a password), scrubbed from the answer. */
  uapi<T>(
    module: string,
    func: string,
    params: Readonly<Record<string, string>>,
    readData: DataReader<T>,
    options: { readonly secrets?: readonly Secret[]; readonly uncancellable?: boolean } = {},
  ): Promise<CallResult<T>> {
    const functionName = `${module}::${func}`;
    return this.session.call(
      {
        function: functionName,
        path: `/execute/${module}/${func}`,
        method: 'POST',
        form: new URLSearchParams(Object.entries(params)),
        ...(options.secrets === undefined ? {} : { secrets: options.secrets }),
        ...(options.uncancellable === true ? { uncancellable: true } : {}),
      },
      readUapiEnvelope(functionName, readData),
    );
  }

  /** Email::add_pop: a new mailbox `local@domain` with this password. */
  addPop(mailbox: MailboxName, password: Secret, quotaMegabytes: number): Promise<CallResult<true>> {
    return this.uapi(
      'Email',
      'add_pop',
      // The password is revealed only into the form body of this one HTTPS request.
      { email: mailbox.local, domain: mailbox.domain, password: password.reveal(), quota: String(quotaMegabytes) },
      anyData,
      { secrets: [password] },
    );
  }

  /** Email::passwd_pop: a new password for an existing mailbox. */
  passwdPop(mailbox: MailboxName, password: Secret): Promise<CallResult<true>> {
    return this.uapi('Email', 'passwd_pop', { email: mailbox.local, domain: mailbox.domain, password: password.reveal() }, anyData, { secrets: [password] });
  }

  /**
   * Email::delete_pop: removes the mailbox and its mail (no `flags=passwd`: nothing of a test mailbox is
   * kept). Cleanup: it runs even after Cancel.
   */
  deletePop(mailbox: MailboxName): Promise<CallResult<true>> {
    return this.uapi('Email', 'delete_pop', { email: mailbox.local, domain: mailbox.domain }, anyData, { uncancellable: true });
  }

  /** Email::list_pops filtered to one address: whether a mailbox exists (after a delete that reported a failure). */
  async mailboxExists(mailbox: MailboxName): Promise<CallResult<boolean>> {
    const address = `${mailbox.local}@${mailbox.domain}`;
    const listed = await this.uapi('Email', 'list_pops', { regex: `^${escapeRegex(address)}$` }, readListedMailboxes, { uncancellable: true });
    if (!listed.ok) return listed;
    return { ok: true, value: listed.value.some((entry) => entry.email.toLowerCase() === address.toLowerCase()) };
  }

  /** Email::get_client_settings for one mailbox: what the host tells mail apps to use. */
  getClientSettings(address: string): Promise<CallResult<HostClientSettings>> {
    return this.uapi('Email', 'get_client_settings', { account: address }, (data, words) => readClientSettings(address, data, words));
  }
}

export interface MailboxName {
  readonly local: string;
  readonly domain: string;
}

/** "user@example.com" -> { local, domain }; null when it is not one address. */
export function mailboxName(address: string): MailboxName | null {
  const match = /^([^\s@]+)@([^\s@]+\.[^\s@]+)$/.exec(address.trim());
  if (match?.[1] === undefined || match[2] === undefined) return null;
  return { local: match[1], domain: match[2].toLowerCase() };
}

/** add_pop, passwd_pop and delete_pop return a string, null or nothing useful in `data`: success is the status. */
const anyData: DataReader<true> = () => true;

function readListedMailboxes(data: unknown): ListedMailbox[] | undefined {
  if (!Array.isArray(data)) return data === null ? [] : undefined;
  return data.filter(isRecord).flatMap((entry) => (typeof entry['email'] === 'string' ? [{ email: entry['email'] }] : []));
}

function portOf(value: unknown): number | undefined {
  // cPanel's own code returns some ports as strings ("25"); both are accepted.
  const port = typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : value;
  return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

/**
 * get_client_settings' data (cPanel's Cpanel::Email::AutoConfig: inbox_host, inbox_port, inbox_insecure_port,
 * inbox_service "imap"|"pop", inbox_username, smtp_host, smtp_port, smtp_insecure_port, smtp_username,
 * has_plaintext_authentication, ...). Host names and user names come from the server: they are cleaned like
 * any server text.
 */
function readClientSettings(address: string, data: unknown, words: { text(value: string): string }): HostClientSettings | undefined {
  if (!isRecord(data)) return undefined;
  const text = (key: string): string | undefined => (typeof data[key] === 'string' && data[key] !== '' ? words.text(data[key]) : undefined);
  const inboxHost = text('inbox_host') ?? text('mail_domain');
  const smtpHost = text('smtp_host') ?? text('mail_domain');
  const inboxPort = portOf(data['inbox_port']);
  const smtpPort = portOf(data['smtp_port']);
  if (inboxHost === undefined || smtpHost === undefined || inboxPort === undefined || smtpPort === undefined) return undefined;
  const inboxInsecure = portOf(data['inbox_insecure_port']);
  const smtpInsecure = portOf(data['smtp_insecure_port']);
  const plaintext = data['has_plaintext_authentication'];
  return {
    account: text('account') ?? address,
    incoming: {
      protocol: text('inbox_service') === 'pop' || text('inbox_service') === 'pop3' ? 'pop3' : 'imap',
      host: inboxHost,
      port: inboxPort,
      ...(inboxInsecure === undefined ? {} : { insecurePort: inboxInsecure }),
      username: text('inbox_username') ?? address,
    },
    outgoing: {
      host: smtpHost,
      port: smtpPort,
      ...(smtpInsecure === undefined ? {} : { insecurePort: smtpInsecure }),
      username: text('smtp_username') ?? address,
    },
    ...(plaintext === 1 || plaintext === '1' || plaintext === true ? { plaintextAuthentication: true } : {}),
    ...(plaintext === 0 || plaintext === '0' || plaintext === false ? { plaintextAuthentication: false } : {}),
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
