// The one bounded line reader, its byte budget and the stream handed to the libraries, against real loopback
// socket pairs; the text keeper and the credential watch on their own.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { REPLY_TOO_LARGE_LIMITS } from '../../../shared/probes/outcomes';
import { isLastSmtpLine, ehloNameFor } from '../../../electron/probes/dialogue';
import { LibraryStream } from '../../../electron/probes/libraryStream';
import { CredentialWatch, credentialWireForms } from '../../../electron/probes/login';
import { LineReader, MAX_REPLY_LINES, ReplyBudget } from '../../../electron/probes/lineReader';
import { printable, ServerTexts } from '../../../electron/probes/serverText';
import { Secret } from '../../../electron/keychain/secret';

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup) fn();
  cleanup = [];
});

async function pair(): Promise<{ client: net.Socket; server: net.Socket }> {
  const listener = net.createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
  const client = net.connect(address.port, '127.0.0.1');
  const server = await accepted;
  await new Promise((resolve) => (client.readyState === 'open' ? resolve(undefined) : client.once('connect', resolve)));
  client.on('error', () => undefined);
  server.on('error', () => undefined);
  cleanup.push(() => {
    client.destroy();
    server.destroy();
    listener.close();
  });
  return { client, server };
}

const unstopped = (): AbortSignal => new AbortController().signal;

describe('ReplyBudget', () => {
  it('counts lines across chunks and the whole connection, and stays broken', () => {
    const budget = new ReplyBudget({ lineBytes: 10, connectionBytes: 40 });
    expect(budget.count(Buffer.from('12345'))).toBeUndefined();
    expect(budget.count(Buffer.from('67890\nabc'))).toBeUndefined();
    expect(budget.count(Buffer.from('defghijk'))).toBe('line');
    expect(budget.count(Buffer.from('\n'))).toBe('line');
    const flood = new ReplyBudget({ lineBytes: 10, connectionBytes: 40 });
    for (let index = 0; index < 9; index += 1) expect(flood.count(Buffer.from('ok\n'))).toBeUndefined();
    expect(flood.count(Buffer.from('0123456789\n0123456789\n'))).toBe('connection');
  });

  it('uses the contract limits by default: 64 KiB per line, 1 MiB per connection', () => {
    const line = new ReplyBudget();
    expect(line.count(Buffer.alloc(REPLY_TOO_LARGE_LIMITS.lineBytes, 0x41))).toBeUndefined();
    expect(line.count(Buffer.from('A'))).toBe('line');
    const total = new ReplyBudget();
    const okLine = Buffer.from(`${'A'.repeat(1023)}\n`);
    for (let sent = 0; sent + okLine.length <= REPLY_TOO_LARGE_LIMITS.connectionBytes; sent += okLine.length) expect(total.count(okLine)).toBeUndefined();
    expect(total.count(okLine)).toBe('connection');
  });
});

describe('LineReader', () => {
  it('splits CRLF and LF lines, across chunks, and reads SMTP multi-line replies', async () => {
    const { client, server } = await pair();
    const reader = new LineReader(client, new ReplyBudget(), unstopped());
    server.write('220 hel');
    server.write('lo\r\n250-one\n250 two\r\n');
    expect(await reader.readLine()).toEqual({ ok: true, line: '220 hello' });
    expect(await reader.readReply(isLastSmtpLine)).toEqual({ ok: true, lines: ['250-one', '250 two'] });
    expect(reader.pendingBytes).toBe(0);
  });

  it('refuses a line past the budget and a flood past it, and closes the connection at once', async () => {
    const { client, server } = await pair();
    const reader = new LineReader(client, new ReplyBudget({ lineBytes: 100, connectionBytes: 10_000 }), unstopped());
    server.write('x'.repeat(500));
    expect(await reader.readLine()).toEqual({ ok: false, reason: 'reply-too-large', breach: 'line' });
    expect(client.destroyed).toBe(true);
    const second = await pair();
    const flooded = new LineReader(second.client, new ReplyBudget({ lineBytes: 100, connectionBytes: 1000 }), unstopped());
    second.server.write('ok\n'.repeat(2000));
    const lines: string[] = [];
    for (;;) {
      const result = await flooded.readLine();
      if (!result.ok) {
        expect(result).toEqual({ ok: false, reason: 'reply-too-large', breach: 'connection' });
        break;
      }
      lines.push(result.line);
    }
    expect(lines.length).toBeLessThan(400);
  });

  it(`refuses a reply of more than ${MAX_REPLY_LINES} lines`, async () => {
    const { client, server } = await pair();
    const reader = new LineReader(client, new ReplyBudget(), unstopped());
    server.write('250-x\r\n'.repeat(MAX_REPLY_LINES + 5));
    expect(await reader.readReply(isLastSmtpLine)).toEqual({ ok: false, reason: 'too-many-lines' });
  });

  it('reports a closed connection and a stop signal, and follows a new signal', async () => {
    const { client, server } = await pair();
    const reader = new LineReader(client, new ReplyBudget(), unstopped());
    server.end();
    expect(await reader.readLine()).toEqual({ ok: false, reason: 'closed' });
    const other = await pair();
    const first = new AbortController();
    const stopped = new LineReader(other.client, new ReplyBudget(), first.signal);
    const second = new AbortController();
    stopped.useSignal(second.signal);
    first.abort('deadline');
    setTimeout(() => second.abort('deadline'), 20);
    expect(await stopped.readLine()).toEqual({ ok: false, reason: 'stopped' });
  });

  it('hands back bytes beyond the last line on detach', async () => {
    const { client, server } = await pair();
    const reader = new LineReader(client, new ReplyBudget(), unstopped());
    server.write('a OK begin TLS\r\nINJECTED');
    expect(await reader.readLine()).toEqual({ ok: true, line: 'a OK begin TLS' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reader.pendingBytes).toBe(8);
    expect(reader.detach('tls').toString()).toBe('INJECTED');
  });
});

describe('LibraryStream', () => {
  it('gives the library the replay, then the server, counts the server against the same budget, and seals', async () => {
    const { client, server } = await pair();
    const budget = new ReplyBudget({ lineBytes: 1000, connectionBytes: 100 });
    budget.count(Buffer.from('* OK counted by our reader\r\n'));
    const written: string[] = [];
    const stream = new LibraryStream({ socket: client, budget, replay: Buffer.from('* OK replayed\r\n'), onWrite: (chunk) => written.push(chunk.toString()) });
    const received: string[] = [];
    stream.on('data', (chunk: Buffer) => received.push(chunk.toString()));
    const serverGot: string[] = [];
    server.on('data', (chunk: Buffer) => serverGot.push(chunk.toString()));
    server.write('a1 OK fine\r\n');
    stream.write('a2 LOGIN x y\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received.join('')).toBe('* OK replayed\r\na1 OK fine\r\n');
    expect(written).toEqual(['a2 LOGIN x y\r\n']);
    expect(serverGot.join('')).toBe('a2 LOGIN x y\r\n');
    stream.seal();
    stream.write('a3 NAMESPACE\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(serverGot.join('')).toBe('a2 LOGIN x y\r\n');
    // Past the budget (100 bytes on this connection): the stream fails with REPLY_TOO_LARGE and closes.
    const failed = new Promise<unknown>((resolve) => stream.once('error', resolve));
    server.write('x'.repeat(200));
    expect(await failed).toMatchObject({ code: 'REPLY_TOO_LARGE' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(client.destroyed).toBe(true);
  });
});

describe('ServerTexts', () => {
  it('scrubs the credential in every form a server may echo it, before bounding, and remembers it did', () => {
    const texts = new ServerTexts({ username: 'alice@example.test', password: new Secret('Alice-Pa55!') });
    expect(texts.keep('-ERR [AUTH] Authentication failed.')).toBe('-ERR [AUTH] Authentication failed.');
    expect(texts.scrubbed).toBe(false);
    expect(texts.keep('-ERR bad PASS Alice-Pa55!')).toBe('-ERR bad PASS [redacted]');
    const plain = Buffer.from('\0alice@example.test\0Alice-Pa55!').toString('base64');
    expect(texts.keep(`535 5.7.8 ${plain}`)).toBe('535 5.7.8 [redacted]');
    // A secret cut by the length cap is scrubbed before the cut: no fragment survives.
    expect(texts.keep(`NO [AUTHENTICATIONFAILED] a2 LOGIN "alice@example.test" "Alice-Pa55!"`, 60)).not.toMatch(/Alice-Pa|Pa55/);
    expect(texts.scrubbed).toBe(true);
  });

  it('finds a non-ASCII password in text read byte for byte (latin1), and keeps the text printable', () => {
    const texts = new ServerTexts({ username: 'jörg@example.test', password: new Secret('pässwörd-€') });
    const echoedBytes = Buffer.from('NO echo pässwörd-€ end', 'utf8').toString('latin1');
    expect(texts.keep(echoedBytes)).toBe('NO echo [redacted] end');
    expect(texts.keep('* OK caf\u00e9')).toBe('* OK caf\\xe9');
    expect(printable('ok\u0000\u001b[31m')).toBe('ok\\x00\\x1b[31m');
    expect(printable('a'.repeat(10), 4)).toBe('aaaa…');
  });

  it('scrubs every string of an outcome, keeping its shape', () => {
    const texts = new ServerTexts({ username: 'u@example.test', password: new Secret('s3cret-value') });
    expect(texts.scrubAll({ kind: 'rejected', serverText: 'no s3cret-value', nested: ['s3cret-value', 3] })).toEqual({ kind: 'rejected', serverText: 'no [redacted]', nested: ['[redacted]', 3] });
  });
});

describe('the credential watch', () => {
  it('knows the wire forms of the protocols we speak', () => {
    const forms = credentialWireForms('u@example.test', 'pa"ss\\word').map((form) => form.toString('latin1'));
    expect(forms).toContain('pa"ss\\word');
    expect(forms).toContain('pa\\"ss\\\\word');
    expect(forms).toContain(Buffer.from('pa"ss\\word').toString('base64'));
    expect(forms).toContain(Buffer.from('\0u@example.test\0pa"ss\\word').toString('base64'));
  });

  it('sees the credential leave, even split across two writes, and times the first answer after it', async () => {
    const sent: number[] = [];
    const watch = new CredentialWatch({ username: 'u@example.test', password: new Secret('Alice-Pa55!') }, (at) => sent.push(at));
    watch.observeWrite(Buffer.from('md1 CAPABILITY\r\n'));
    watch.observeRead();
    expect(watch.sentAt).toBeUndefined();
    watch.observeWrite(Buffer.from('md2 LOGIN "u@example.test" "Alice-'));
    watch.observeWrite(Buffer.from('Pa55!"\r\n'));
    expect(sent).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    watch.observeRead();
    expect(watch.authReplyMs).toBeGreaterThanOrEqual(25);
  });
});

describe('ehloNameFor', () => {
  it('is an address literal of our end of the connection, never a host name', () => {
    expect(ehloNameFor('127.0.0.1')).toBe('[127.0.0.1]');
    expect(ehloNameFor('192.0.2.10')).toBe('[192.0.2.10]');
    expect(ehloNameFor('::ffff:198.51.100.4')).toBe('[198.51.100.4]');
    expect(ehloNameFor('2001:db8::7')).toBe('[IPv6:2001:db8::7]');
    expect(ehloNameFor(undefined)).toBe('[127.0.0.1]');
  });
});
