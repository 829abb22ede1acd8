// The bounded line reader against a real loopback socket pair.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DialogueReader, isLastSmtpLine, printable } from '../../../electron/probes/serverDialogue';

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
  cleanup.push(() => {
    client.destroy();
    server.destroy();
    listener.close();
  });
  return { client, server };
}

describe('DialogueReader', () => {
  it('splits CRLF and LF lines, across chunks, and reads SMTP multi-line replies', async () => {
    const { client, server } = await pair();
    const reader = new DialogueReader(client, new AbortController().signal);
    server.write('220 hel');
    server.write('lo\r\n250-one\n250 two\r\n');
    expect(await reader.readLine()).toEqual({ ok: true, line: '220 hello' });
    expect(await reader.readReply(isLastSmtpLine)).toEqual({ ok: true, lines: ['250-one', '250 two'] });
    expect(reader.pendingBytes).toBe(0);
  });

  it('refuses a line longer than the cap, and a flood beyond the total cap', async () => {
    const { client, server } = await pair();
    const reader = new DialogueReader(client, new AbortController().signal, { maxLineBytes: 100, maxTotalBytes: 10_000 });
    server.write('x'.repeat(500));
    expect(await reader.readLine()).toEqual({ ok: false, reason: 'line-too-long' });
    const second = await pair();
    const flooded = new DialogueReader(second.client, new AbortController().signal, { maxLineBytes: 100, maxTotalBytes: 1000 });
    second.server.write('ok\n'.repeat(2000));
    const lines: string[] = [];
    for (;;) {
      const result = await flooded.readLine();
      if (!result.ok) {
        expect(result.reason).toBe('too-much-data');
        break;
      }
      lines.push(result.line);
    }
    expect(lines.length).toBeLessThan(400);
  });

  it('reports a closed connection and a stop signal', async () => {
    const { client, server } = await pair();
    const reader = new DialogueReader(client, new AbortController().signal);
    server.end();
    expect(await reader.readLine()).toEqual({ ok: false, reason: 'closed' });
    const other = await pair();
    const controller = new AbortController();
    const stopped = new DialogueReader(other.client, controller.signal);
    setTimeout(() => controller.abort('deadline'), 20);
    expect(await stopped.readLine()).toEqual({ ok: false, reason: 'stopped' });
  });

  it('hands back bytes beyond the last line on detach', async () => {
    const { client, server } = await pair();
    const reader = new DialogueReader(client, new AbortController().signal);
    server.write('a OK begin TLS\r\nINJECTED');
    expect(await reader.readLine()).toEqual({ ok: true, line: 'a OK begin TLS' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reader.pendingBytes).toBe(8);
    expect(reader.detach().toString()).toBe('INJECTED');
  });

  it('prints server bytes safely', () => {
    expect(printable('ok\u0000\u001b[31m')).toBe('ok\\x00\\x1b[31m');
    expect(printable('a'.repeat(10), 4)).toBe('aaaa…');
  });
});
