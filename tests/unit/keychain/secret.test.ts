import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { format, inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../../electron/keychain/secret';

const VALUE = 'hunter2-ü-s3cret';

/** Interpolates into a template literal. The cast only satisfies the lint rule: at runtime the
 * Secret object itself is interpolated, which is exactly what this test is about. */
function inTemplate(prefix: string, value: unknown): string {
  return `${prefix}${value as string}`;
}

describe('Secret', () => {
  const secret = new Secret(VALUE);

  it('reveals the value only through reveal()', () => {
    expect(secret.reveal()).toBe(VALUE);
  });

  it.each([
    ['String()', () => String(secret)],
    ['template literal', () => inTemplate('password=', secret)],
    ['concatenation', () => 'password=' + String(secret)],
    ['JSON.stringify', () => JSON.stringify({ password: secret })],
    ['util.inspect', () => inspect({ nested: { password: secret } }, { depth: 10 })],
    ['util.inspect showHidden', () => inspect(secret, { showHidden: true })],
    ['console-style format %s %o %O %j', () => format('%s %o %O %j', secret, secret, { secret }, { secret })],
    ['Error message', () => new Error(inTemplate('login failed with ', secret)).message],
    ['Error stack', () => new Error(inTemplate('login failed with ', secret)).stack ?? ''],
    ['spread copy', () => JSON.stringify({ ...secret })],
    ['Object.entries', () => JSON.stringify(Object.entries(secret))],
    ['structuredClone', () => JSON.stringify(structuredClone(secret))],
  ])('never shows the value via %s', (_name, render) => {
    const text = render();
    expect(text).not.toContain(VALUE);
    expect(text).not.toContain('hunter2');
  });

  it('prints [redacted] where a value is shown', () => {
    expect(String(secret)).toBe('[redacted]');
    expect(JSON.stringify(secret)).toBe('"[redacted]"');
    expect(inspect(secret)).toBe('[redacted]');
    expect(inTemplate('', secret)).toBe('[redacted]');
  });

  it('keeps the value out of console output', () => {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    const console = new Console({ stdout: sink, stderr: sink });
    console.log('secret:', secret, { secret });
    console.error('%s %o', secret, secret);
    console.table([{ secret }]);
    const output = chunks.join('');
    expect(output).toContain('[redacted]');
    expect(output).not.toContain(VALUE);
  });
});
