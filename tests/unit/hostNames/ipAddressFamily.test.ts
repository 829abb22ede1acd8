/**
 * ipAddressFamily answers as net.isIP does, for every input (electron/hostNames.ts skips Node's IPv6 pattern for
 * what cannot be an address, to keep its compilation off the start of a check).
 */
import net from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipAddressFamily, toDnsHost } from '../../../electron/hostNames';

const hostLike = fc.stringMatching(/^[0-9a-fA-F.:%\[\]a-z-]{0,45}$/);

describe('ipAddressFamily', () => {
  it('gives net.isIP\'s answer for addresses, host names and near misses', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended(), fc.domain(), hostLike, fc.string()), (text) => {
        expect(ipAddressFamily(text)).toBe(net.isIP(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it('knows the forms people and servers write', () => {
    const samples = ['127.0.0.1', '::1', 'fe80::1%lo0', '::ffff:192.0.2.1', '2001:db8::25', 'mail.example.test', '1.2.3', '1.2.3.4.5', '', '[::1]', '12345'];
    for (const text of samples) expect(ipAddressFamily(text), text).toBe(net.isIP(text));
  });

  it('toDnsHost keeps an address as given and lower-cases a name', () => {
    expect(toDnsHost('::1')).toEqual({ ok: true, value: '::1' });
    expect(toDnsHost('Mail.Example.TEST')).toEqual({ ok: true, value: 'mail.example.test' });
  });
});
