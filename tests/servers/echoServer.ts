/**
 * A hostile mail server for the canary test: it speaks just enough IMAP, POP3 or SMTP (implicit TLS or
 * STARTTLS, with the rig's test certificates) for a client to log in, then refuses every login with every
 * line the client sent — the AUTH command, its continuations, `PASS` — echoed back in the refusal, the way
 * a careless or malicious server can. Servers started with one shared `EchoLog` also replay what the *other*
 * servers of the family received (a server that keeps and repeats earlier credentials), and can hold their
 * refusal until each of them has seen a login, so every refusal carries every password.
 *
 * It logs what it received, so a test can prove from the server's side that a login (and which password)
 * really reached it — a canary run that never logged in proves nothing.
 *
 * Loopback only (127.0.0.1, a port the OS picks). Not a mock of any real server: real servers never echo.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';

export type EchoProtocol = 'imap' | 'pop3' | 'smtp';

/** What the servers of one family received, shared so each refusal can repeat all of it. */
export class EchoLog {
  readonly #lines: { server: string; line: string }[] = [];
  readonly #logins = new Map<string, number>();
  readonly #waiters = new Set<() => void>();

  record(server: string, line: string): void {
    this.#lines.push({ server, line });
  }

  /** A credential line (AUTH data, LOGIN, PASS) reached `server`. */
  recordLogin(server: string): void {
    this.#logins.set(server, (this.#logins.get(server) ?? 0) + 1);
    for (const wake of this.#waiters) wake();
  }

  /** Every line received by any server of the family, oldest first. */
  lines(server?: string): string[] {
    return this.#lines.filter((entry) => server === undefined || entry.server === server).map((entry) => entry.line);
  }

  /** How many credential lines each server received. */
  logins(server: string): number {
    return this.#logins.get(server) ?? 0;
  }

  /** Resolves when `servers` distinct servers have each seen a login, or after `timeoutMs`. */
  async untilLoginsFrom(servers: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#logins.size < servers && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.#waiters.delete(wake);
          resolve();
        };
        this.#waiters.add(wake);
        setTimeout(wake, Math.max(1, deadline - Date.now()));
      });
    }
  }
}

export interface EchoServerOptions {
  readonly protocol: EchoProtocol;
  readonly tls: 'implicit' | 'starttls';
  /** The rig's good certificate (tests/servers/certs.ts loadTestPki(...).good). */
  readonly certificate: { readonly certFile: string; readonly keyFile: string };
  /** Shared with the other servers of the family (default: a log of its own). */
  readonly log?: EchoLog;
  /** A name for this server in the shared log (default: the protocol). */
  readonly name?: string;
  /** How logins are offered. IMAP: AUTHENTICATE PLAIN, AUTHENTICATE LOGIN, or the LOGIN command only. */
  readonly imapAuth?: 'plain' | 'login' | 'login-command';
  /** SMTP: the SASL mechanism advertised. */
  readonly smtpAuth?: 'PLAIN' | 'LOGIN';
  /** POP3: USER/PASS only, or SASL PLAIN (RFC 5034) too. */
  readonly pop3Auth?: 'user-pass' | 'sasl-plain';
  /** Hold each refusal until this many servers of the family saw a login (at most `timeoutMs`). */
  readonly holdRefusalsUntil?: { readonly servers: number; readonly timeoutMs: number };
}

export interface EchoServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly name: string;
  readonly log: EchoLog;
  /** Lines this server received, in order. */
  received(): string[];
  /** Credential lines this server received. */
  logins(): number;
  close(): Promise<void>;
}

/** A line reader over a socket that can be upgraded to TLS in the middle of the conversation. */
class Conversation {
  #socket: net.Socket;
  #buffer = '';
  #waiting: (() => void) | undefined;
  #closed = false;

  constructor(socket: net.Socket) {
    this.#socket = socket;
    this.#listen(socket);
  }

  #listen(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.#buffer += chunk.toString('latin1');
      this.#waiting?.();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#waiting?.();
    });
    socket.on('error', () => undefined);
  }

  async nextLine(): Promise<string | null> {
    for (;;) {
      const newline = this.#buffer.indexOf('\n');
      if (newline >= 0) {
        const line = this.#buffer.slice(0, newline).replace(/\r$/, '');
        this.#buffer = this.#buffer.slice(newline + 1);
        return line;
      }
      if (this.#closed) return null;
      await new Promise<void>((resolve) => {
        this.#waiting = resolve;
      });
      this.#waiting = undefined;
    }
  }

  write(line: string): void {
    if (!this.#socket.destroyed) this.#socket.write(`${line}\r\n`, 'latin1');
  }

  upgrade(certificate: EchoServerOptions['certificate']): void {
    this.#socket.removeAllListeners('data');
    const upgraded = new tls.TLSSocket(this.#socket, { isServer: true, cert: readFileSync(certificate.certFile), key: readFileSync(certificate.keyFile) });
    this.#socket = upgraded;
    this.#buffer = '';
    this.#listen(upgraded);
  }

  end(): void {
    this.#socket.end();
  }

  get secure(): boolean {
    return this.#socket instanceof tls.TLSSocket;
  }
}

export async function startEchoServer(options: EchoServerOptions): Promise<EchoServer> {
  const log = options.log ?? new EchoLog();
  const name = options.name ?? options.protocol;
  const sockets = new Set<net.Socket>();
  const context = { cert: readFileSync(options.certificate.certFile), key: readFileSync(options.certificate.keyFile) };

  const server = net.createServer((raw) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => undefined);
    const socket = options.tls === 'implicit' ? new tls.TLSSocket(raw, { isServer: true, ...context }) : raw;
    const conversation = new Conversation(socket);
    const received: string[] = [];
    const read = async (): Promise<string | null> => {
      const line = await conversation.nextLine();
      if (line !== null) {
        received.push(line);
        log.record(name, line);
      }
      return line;
    };
    /** Every line this connection sent, and what the family received before (the replay), as one echo. */
    const echo = async (): Promise<string> => {
      log.recordLogin(name);
      if (options.holdRefusalsUntil !== undefined) await log.untilLoginsFrom(options.holdRefusalsUntil.servers, options.holdRefusalsUntil.timeoutMs);
      const replay = log.lines().filter((line) => !received.includes(line));
      return [...replay, ...received].join(' | ');
    };
    const dialogue = DIALOGUES[options.protocol];
    dialogue({ conversation, read, echo, options }).catch(() => {
      raw.destroy();
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  return {
    host: '127.0.0.1',
    port,
    name,
    log,
    received: () => log.lines(name),
    logins: () => log.logins(name),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface DialogueContext {
  readonly conversation: Conversation;
  readonly read: () => Promise<string | null>;
  /** Marks a login as received and returns the echo for the refusal. */
  readonly echo: () => Promise<string>;
  readonly options: EchoServerOptions;
}

const DIALOGUES: Readonly<Record<EchoProtocol, (context: DialogueContext) => Promise<void>>> = {
  imap: imapDialogue,
  pop3: pop3Dialogue,
  smtp: smtpDialogue,
};

const USERNAME_PROMPT = Buffer.from('Username:').toString('base64');
const PASSWORD_PROMPT = Buffer.from('Password:').toString('base64');

async function imapDialogue({ conversation, read, echo, options }: DialogueContext): Promise<void> {
  const auth = options.imapAuth ?? 'plain';
  const capabilities = (): string => {
    const words = ['IMAP4rev1', 'ID', 'SASL-IR'];
    if (!conversation.secure) return [...words, 'STARTTLS', 'LOGINDISABLED'].join(' ');
    if (auth === 'plain') words.push('AUTH=PLAIN');
    if (auth === 'login') words.push('AUTH=LOGIN');
    return words.join(' ');
  };
  conversation.write(`* OK [CAPABILITY ${capabilities()}] Echo IMAP ready.`);
  for (;;) {
    const line = await read();
    if (line === null) return;
    const [tag = '*', command = '', ...rest] = line.split(' ');
    const verb = command.toUpperCase();
    if (verb === 'CAPABILITY') {
      conversation.write(`* CAPABILITY ${capabilities()}`);
      conversation.write(`${tag} OK CAPABILITY completed`);
    } else if (verb === 'ID') {
      conversation.write('* ID ("name" "echo")');
      conversation.write(`${tag} OK ID completed`);
    } else if (verb === 'NOOP') {
      conversation.write(`${tag} OK NOOP completed`);
    } else if (verb === 'STARTTLS' && !conversation.secure) {
      conversation.write(`${tag} OK Begin TLS negotiation now`);
      conversation.upgrade(options.certificate);
    } else if (verb === 'LOGOUT') {
      conversation.write('* BYE Echo IMAP logging out');
      conversation.write(`${tag} OK LOGOUT completed`);
      conversation.end();
      return;
    } else if (verb === 'AUTHENTICATE') {
      const mechanism = (rest[0] ?? '').toUpperCase();
      if (mechanism === 'PLAIN' && rest[1] === undefined) {
        conversation.write('+ ');
        if ((await read()) === null) return;
      } else if (mechanism === 'LOGIN') {
        conversation.write(`+ ${USERNAME_PROMPT}`);
        if ((await read()) === null) return;
        conversation.write(`+ ${PASSWORD_PROMPT}`);
        if ((await read()) === null) return;
      }
      conversation.write(`${tag} NO [AUTHENTICATIONFAILED] Authentication failed for: ${await echo()}`);
    } else if (verb === 'LOGIN') {
      conversation.write(`${tag} NO [AUTHENTICATIONFAILED] Authentication failed for: ${await echo()}`);
    } else {
      conversation.write(`${tag} BAD Unknown command: ${line}`);
    }
  }
}

async function pop3Dialogue({ conversation, read, echo, options }: DialogueContext): Promise<void> {
  conversation.write('+OK Echo POP3 ready.');
  for (;;) {
    const line = await read();
    if (line === null) return;
    const [command = '', ...rest] = line.split(' ');
    const verb = command.toUpperCase();
    if (verb === 'CAPA') {
      conversation.write('+OK Capability list follows');
      conversation.write('USER');
      if (options.pop3Auth === 'sasl-plain' && conversation.secure) conversation.write('SASL PLAIN');
      if (!conversation.secure) conversation.write('STLS');
      conversation.write('.');
    } else if (verb === 'STLS' && !conversation.secure) {
      conversation.write('+OK Begin TLS negotiation now');
      conversation.upgrade(options.certificate);
    } else if (verb === 'USER') {
      conversation.write('+OK');
    } else if (verb === 'PASS') {
      conversation.write(`-ERR [AUTH] Authentication failed: ${await echo()}`);
    } else if (verb === 'AUTH') {
      if (rest[1] === undefined) {
        conversation.write('+ ');
        if ((await read()) === null) return;
      }
      conversation.write(`-ERR [AUTH] Authentication failed: ${await echo()}`);
    } else if (verb === 'QUIT') {
      conversation.write('+OK Bye');
      conversation.end();
      return;
    } else {
      conversation.write(`-ERR Unknown command: ${line}`);
    }
  }
}

async function smtpDialogue({ conversation, read, echo, options }: DialogueContext): Promise<void> {
  const mechanism = options.smtpAuth ?? 'PLAIN';
  conversation.write('220 echo.example.test ESMTP Echo');
  for (;;) {
    const line = await read();
    if (line === null) return;
    const [command = '', ...rest] = line.split(' ');
    const verb = command.toUpperCase();
    if (verb === 'EHLO' || verb === 'HELO') {
      const keywords = ['SIZE 10240000', 'PIPELINING', ...(conversation.secure ? [`AUTH ${mechanism}`] : ['STARTTLS'])];
      conversation.write(`250-echo.example.test Hello ${rest[0] ?? ''} [127.0.0.1]`);
      keywords.forEach((keyword, index) => conversation.write(`250${index === keywords.length - 1 ? ' ' : '-'}${keyword}`));
    } else if (verb === 'STARTTLS' && !conversation.secure) {
      conversation.write('220 2.0.0 Ready to start TLS');
      conversation.upgrade(options.certificate);
    } else if (verb === 'AUTH') {
      const requested = (rest[0] ?? '').toUpperCase();
      if (requested === 'LOGIN') {
        conversation.write(`334 ${USERNAME_PROMPT}`);
        if ((await read()) === null) return;
        conversation.write(`334 ${PASSWORD_PROMPT}`);
        if ((await read()) === null) return;
      } else if (rest[1] === undefined) {
        conversation.write('334 ');
        if ((await read()) === null) return;
      }
      conversation.write(`535 5.7.8 Authentication failed: ${await echo()}`);
    } else if (verb === 'MAIL') {
      conversation.write('250 2.1.0 OK');
    } else if (verb === 'RCPT') {
      conversation.write(`550 5.7.1 Relaying denied: ${line}`);
    } else if (verb === 'RSET' || verb === 'NOOP') {
      conversation.write('250 2.0.0 OK');
    } else if (verb === 'QUIT') {
      conversation.write('221 2.0.0 Bye');
      conversation.end();
      return;
    } else {
      conversation.write(`500 5.5.1 Unknown command: ${line}`);
    }
  }
}
