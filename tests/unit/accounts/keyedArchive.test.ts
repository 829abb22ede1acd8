import { describe, expect, it } from 'vitest';
import { decodeStoredValue } from '../../../electron/accounts/keyedArchive';
import { keyedArchive } from '../../fixtures/writers/keyedArchive';

describe('decodeStoredValue', () => {
  it('decodes the research sample (a plistlib-written NSKeyedArchiver string)', () => {
    const sample = Buffer.from(
      'YnBsaXN0MDDUAQIDBAUGBwpYJHZlcnNpb25ZJGFyY2hpdmVyVCR0b3BYJG9iamVjdHMSAAGGoF8QD05TS2V5ZWRBcmNoaXZlctEICVRyb290gAGiCwxVJG51bGxfEBBtYWlsLmV4YW1wbGUuY29tCBEaJCkyN0lMUVNWXAAAAAAAAAEBAAAAAAAAAA0AAAAAAAAAAAAAAAAAAABv',
      'base64',
    );
    expect(decodeStoredValue(sample)).toEqual({ ok: true, value: 'mail.example.com' });
  });

  it.each([
    ['string', 'smtp.example.com'],
    ['unicode string', 'Büro ✉'],
    ['integer', 993],
    ['boolean', true],
    ['false', false],
    ['array', ['a@example.com', 'b@example.com']],
    ['dictionary', { 'com.apple.Dataclass.Mail': { imapHostname: 'imap.example.com', imapPort: 993, imapRequiresSSL: true } }],
    ['aliases', [{ DisplayName: 'A', EmailAddresses: ['a@example.com'], IsPrimary: true }]],
  ])('round-trips an archived %s', (_name, value) => {
    expect(decodeStoredValue(keyedArchive(value))).toEqual({ ok: true, value });
  });

  it('decodes NSDate relative to 2001-01-01', () => {
    const when = new Date('2024-01-02T03:04:05.000Z');
    const decoded = decodeStoredValue(keyedArchive(when));
    expect(decoded.ok && decoded.value instanceof Date && decoded.value.toISOString()).toBe(when.toISOString());
  });

  it('treats bytes that are not a bplist as UTF-8 text', () => {
    expect(decodeStoredValue(new TextEncoder().encode('993'))).toEqual({ ok: true, value: '993' });
  });

  it('passes SQLite text and integers through', () => {
    expect(decodeStoredValue('mail.example.com')).toEqual({ ok: true, value: 'mail.example.com' });
    expect(decodeStoredValue(587)).toEqual({ ok: true, value: 587 });
    expect(decodeStoredValue(null)).toEqual({ ok: true, value: null });
  });

  it('reports a truncated bplist as malformed instead of throwing', () => {
    const archive = keyedArchive({ Hostname: 'mail.example.com' });
    const result = decodeStoredValue(archive.subarray(0, archive.length - 20));
    expect(result.ok).toBe(false);
  });

  it('reports UIDs pointing outside $objects', () => {
    const archive = keyedArchive('x');
    // Re-encode with a bad root UID.
    const bad = Buffer.from(archive);
    const index = bad.indexOf(Buffer.from([0x80, 0x01]));
    bad[index + 1] = 0x7f;
    const result = decodeStoredValue(bad);
    expect(result).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });
});
