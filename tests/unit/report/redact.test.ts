import { describe, expect, it } from 'vitest';
import { createIdentityMasker, maskEmailAddress, maskUsername } from '../../../electron/report/redact';

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
