import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../../electron/keychain/secret';
import { assertNoSecretsIn, createIdentityMasker, maskEmailAddress, maskUsername } from '../../../electron/report/redact';

const SECRET = 'S3cret!pa55';

describe('assertNoSecretsIn', () => {
  it('passes clean text', () => {
    expect(assertNoSecretsIn('535 Incorrect authentication data', [SECRET, new Secret('other-secret')])).toEqual({ ok: true, value: true });
  });

  it.each([
    ['verbatim', `password=${SECRET}`],
    ['JSON-escaped', JSON.stringify({ password: 'with "quote" inside' })],
    ['URL-encoded', `https://x/?p=${encodeURIComponent(SECRET)}`],
    ['hex', `security output: ${Buffer.from(SECRET).toString('hex').toUpperCase()}`],
    ['base64', `AUTH PLAIN ${Buffer.from(`\0jane@example.com\0${SECRET}`).toString('base64')}`],
    ['base64', `C: ${Buffer.from(`x${SECRET}`).toString('base64')}`],
    ['base64', `C: ${Buffer.from(`xy${SECRET}`).toString('base64')}`],
  ])('finds a secret written %s', (encoding, text) => {
    const secret = encoding === 'JSON-escaped' ? 'with "quote" inside' : SECRET;
    const result = assertNoSecretsIn(text, ['unrelated-value', new Secret(secret)]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('SECRET_IN_TEXT');
    expect(result.error.message).toContain('secret #2');
    expect(result.error.message).not.toContain(secret);
  });

  it('ignores empty secrets instead of matching everything', () => {
    expect(assertNoSecretsIn('anything', [''])).toEqual({ ok: true, value: true });
  });
});

describe('identity masking', () => {
  it('masks addresses and user names to their first character', () => {
    expect(maskEmailAddress('jane.doe@example.com')).toBe('j***@example.com');
    expect(maskUsername('jdoe')).toBe('j***');
    expect(maskUsername('jane@example.com')).toBe('j***@example.com');
  });

  it('masks known identities as whole tokens only, never inside host names', () => {
    const mask = createIdentityMasker(['mail', 'jane@example.com']);
    expect(mask('Hello mail [1.2.3.4] from mail.example.com')).toBe('Hello m*** [1.2.3.4] from mail.example.com');
    expect(mask('LOGIN JANE@EXAMPLE.COM ok')).toBe('LOGIN J***@EXAMPLE.COM ok');
  });

  it('masks any other address and a home-folder user name', () => {
    const mask = createIdentityMasker([]);
    expect(mask('forwarded to alias.name@other.org; see /Users/jane/Library/Mail')).toBe('forwarded to a***@other.org; see /Users/j***/Library/Mail');
    expect(mask('/Users/Shared/x')).toBe('/Users/Shared/x');
  });
});
