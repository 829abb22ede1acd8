/** The pure parts of the hosting tools: addresses, envelopes, cPHulk lists and times, passwords, server words. */
import { describe, expect, it } from 'vitest';
import { ipInEntry, whmTime } from '../../../electron/admin/cphulk';
import { readUapiEnvelope, readWhmEnvelope } from '../../../electron/admin/envelope';
import { generateMailboxPassword } from '../../../electron/admin/generatePassword';
import { parseHostingUrl } from '../../../electron/admin/hostingUrl';
import { serverWordsCleaner, MAX_WORDS_CHARS } from '../../../electron/admin/serverWords';
import { Secret } from '../../../electron/keychain/secret';
import { estimatePasswordStrength } from '../../../shared/admin/passwordStrength';

describe('parseHostingUrl', () => {
  it.each([
    ['https://server.example.com:2083', 'cpanel', 'https://server.example.com:2083'],
    ['server.example.com', 'cpanel', 'https://server.example.com:2083'],
    ['server.example.com', 'whm', 'https://server.example.com:2087'],
    ['https://cpanel.example.com:443/', 'cpanel', 'https://cpanel.example.com:443'],
    ['https://[2001:db8::1]:2087', 'whm', 'https://[2001:db8::1]:2087'],
    ['https://MÄIL.exämple.test:2083', 'cpanel', 'https://xn--mil-qla.xn--exmple-cua.test:2083'],
  ] as const)('%s (%s) -> %s', (text, api, origin) => {
    expect(parseHostingUrl(text, api)).toEqual({ ok: true, url: expect.objectContaining({ origin }) as unknown });
  });

  it.each([
    ['http://server.example.com:2083', 'cpanel', /https/],
    ['https://user:secret@server.example.com:2083', 'cpanel', /never a password/],
    ['https://server.example.com:2083/cpsess1234567890/frontend/', 'cpanel', /without a path/],
    ['https://server.example.com:2087', 'cpanel', /WHM's/],
    ['https://server.example.com:2083', 'whm', /cPanel's/],
    ['https://server.example.com:2096', 'cpanel', /Webmail/],
    ['https://server.example.com:2083/?x=1', 'cpanel', /without \?/],
    ['', 'whm', /give the WHM address/],
  ] as const)('refuses %s (%s)', (text, api, reason) => {
    const result = parseHostingUrl(text, api);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });
});

describe('API envelopes, tolerant of the shapes in the wild', () => {
  const words = serverWordsCleaner([]);
  const uapi = readUapiEnvelope('Email::add_pop', () => true as const);
  const whm = readWhmEnvelope('cphulk_status', (data) => (data === undefined ? undefined : 'data'));

  it('reads UAPI status as 1/0, "1"/"0" or true/false, and errors as a list, a string or null', () => {
    for (const status of [1, '1', true]) expect(uapi({ result: { status, data: null, errors: null } }, words).result).toEqual({ ok: true, value: true });
    expect(uapi({ result: { status: '0', errors: 'one reason' } }, words)).toMatchObject({ apiStatus: 0, errors: ['one reason'], result: { ok: false, problem: { kind: 'api-error', serverWords: ['one reason'] } } });
    expect(uapi({ result: { status: false, errors: ['You do not have the feature “popaccts”.'] } }, words).result).toMatchObject({ ok: false, problem: { kind: 'not-permitted' } });
    expect(uapi({ result: { status: 1, messages: ['m'], warnings: ['w'] } }, words).messages).toEqual(['m', 'w']);
  });

  it('an answer without the envelope is an api-error, not a success', () => {
    expect(uapi({ data: 1 }, words).result).toMatchObject({ ok: false, problem: { kind: 'api-error' } });
    expect(whm({ data: {} }, words).result).toMatchObject({ ok: false, problem: { kind: 'api-error' } });
    expect(whm({ metadata: { result: 1, reason: 'OK' } }, words).result).toMatchObject({ ok: false, problem: { kind: 'api-error' } });
  });

  it('reads WHM metadata.result and its reason', () => {
    expect(whm({ metadata: { result: 1, reason: 'OK' }, data: {} }, words)).toMatchObject({ apiStatus: 1, messages: ['OK'], result: { ok: true, value: 'data' } });
    expect(whm({ metadata: { result: 0, reason: 'cPHulk is down.' } }, words)).toMatchObject({ apiStatus: 0, errors: ['cPHulk is down.'], result: { ok: false, problem: { kind: 'api-error' } } });
    expect(whm({ metadata: { result: '0', reason: 'Permission denied.' } }, words).result).toMatchObject({ ok: false, problem: { kind: 'not-permitted' } });
  });
});

describe('cPHulk lists and times', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7', true],
    ['203.0.113.7', '203.0.113.8', false],
    ['203.0.113.7', '203.0.113.0/24', true],
    ['203.0.113.7', '203.0.112.0/24', false],
    ['203.0.113.7', '203.0.113.1-203.0.113.9', true],
    ['203.0.113.70', '203.0.113.1-203.0.113.9', false],
    ['2001:db8::5', '2001:db8::/32', true],
    ['2001:db8::5', '2001:db8::1-2001:db8::9', true],
    ['2001:db8::5', '203.0.113.0/24', false],
    ['203.0.113.7', 'garbage', false],
    ['203.0.113.7', '203.0.113.9-203.0.113.1', false],
  ] as const)('%s in %s: %s', (ip, entry, expected) => {
    expect(ipInEntry(ip, entry)).toBe(expected);
  });

  it('reads ISO times, space-separated times (as UTC) and epoch seconds', () => {
    expect(whmTime('2014-12-07T00:00:00.000Z')).toBe('2014-12-07T00:00:00.000Z');
    expect(whmTime('2014-12-07 10:30:00')).toBe('2014-12-07T10:30:00.000Z');
    expect(whmTime('2014-12-07 10:30:00+01:00')).toBe('2014-12-07T09:30:00.000Z');
    expect(whmTime(1417910400)).toBe('2014-12-07T00:00:00.000Z');
    expect(whmTime('soon')).toBeUndefined();
    expect(whmTime(null)).toBeUndefined();
  });
});

describe('passwords', () => {
  it('generates long random passwords with every class, never twice the same', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 50; index += 1) {
      const value = generateMailboxPassword().reveal();
      expect(value).toHaveLength(28);
      expect(value).toMatch(/[a-z]/);
      expect(value).toMatch(/[A-Z]/);
      expect(value).toMatch(/[2-9]/);
      expect(value).toMatch(/[-_.!@#%+=*~^]/);
      expect(value).not.toMatch(/[\s:"'\\0O1lI]/);
      expect(estimatePasswordStrength(value).strength).toBe('very-strong');
      seen.add(value);
    }
    expect(seen.size).toBe(50);
    expect(() => generateMailboxPassword(8)).toThrow();
  });

  it.each([
    ['short', 'too-short', false],
    ['aaaaaaaaaaaaaaaa', 'weak', false],
    ['1234567890123', 'weak', false],
    ['Password12345!', 'weak', false],
    ['mailbox2024x', 'fair', true],
    ['Tr0ub4dor&3xyz', 'strong', true],
    ['k7#Vq!m2@Lp9$Wz4&Rt', 'very-strong', true],
  ] as const)('%s is %s', (password, strength, acceptable) => {
    expect(estimatePasswordStrength(password)).toMatchObject({ strength, acceptable });
  });
});

describe('server words', () => {
  it('are printable, bounded, listed at most ten, and scrubbed of the secrets in every form', () => {
    const token = new Secret('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345');
    const cleaner = serverWordsCleaner([token]);
    expect(cleaner.text('line one\r\n\tline two\u0000')).toBe('line one line two');
    expect(cleaner.text('x'.repeat(1000))).toHaveLength(MAX_WORDS_CHARS);
    expect(cleaner.list(['a', 2, null, '', { no: 1 }, 'b'])).toEqual(['a', '2', 'b']);
    expect(cleaner.list(Array.from({ length: 30 }, (_, i) => `e${i}`))).toHaveLength(10);
    expect(cleaner.scrubbed).toBe(false);
    const leaked = cleaner.text(`Authorization: cpanel user:${token.reveal()} / ${Buffer.from(token.reveal()).toString('base64')} / ${encodeURIComponent(token.reveal())}`);
    expect(leaked).not.toContain(token.reveal());
    expect(leaked).not.toContain(Buffer.from(token.reveal()).toString('base64').slice(0, 20));
    expect(cleaner.scrubbed).toBe(true);
  });
});
