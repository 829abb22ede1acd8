import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../../electron/keychain/secret';
import { REDACTED_MARK, createSecretScrubber, secretForms } from '../../../electron/keychain/secretForms';

const PASSWORD = 'Pä55 w0rd=+/x';
const USER = 'jane@example.com';

/** Every way a hostile or careless peer could hand the secret back. */
function echoes(password: string, user: string): Record<string, string> {
  const bytes = Buffer.from(password, 'utf8');
  return {
    'POP3 PASS echo': `-ERR [AUTH] PASS ${password} refused`,
    'IMAP AUTHENTICATE PLAIN echo': `a1 NO [AUTHENTICATIONFAILED] ${Buffer.from(`\0${user}\0${password}`).toString('base64')}`,
    'SMTP AUTH PLAIN with authzid': `535 5.7.8 AUTH PLAIN ${Buffer.from(`${user}\0${user}\0${password}`).toString('base64')}`,
    'AUTH LOGIN password line': `535 ${bytes.toString('base64')}`,
    'base64 offset 1': Buffer.from(`x${password}`).toString('base64'),
    'base64 offset 2': Buffer.from(`xy${password}`).toString('base64'),
    base64url: Buffer.from(`x${password}`).toString('base64url'),
    'JSON-escaped': JSON.stringify({ reply: password }),
    'URL-encoded': `https://mail.example.com/login?pass=${encodeURIComponent(password)}`,
    'form-encoded': `user=jane&pass=${encodeURIComponent(password).replace(/%20/g, '+')}`,
    'hex lower': bytes.toString('hex'),
    'hex upper': bytes.toString('hex').toUpperCase(),
    'quoted-printable': `Password: ${[...bytes].map((b) => (b >= 33 && b <= 126 && b !== 61 ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('')}`,
  };
}

describe('secret scrubber', () => {
  const scrubber = createSecretScrubber([{ secret: new Secret(PASSWORD), username: USER }]);

  it.each(Object.entries(echoes(PASSWORD, USER)))('removes the secret from %s', (_name, text) => {
    const result = scrubber.scrub(text);
    expect(result.scrubbed).toBe(true);
    expect(result.text).toContain(REDACTED_MARK);
    expect(scrubber.firstLeak(result.text)).toBeNull();
  });

  it('removes the whole SASL PLAIN blob, user name included, when the user name is known', () => {
    const blob = Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64');
    expect(scrubber.scrub(`NO ${blob} x`).text).toBe(`NO ${REDACTED_MARK} x`);
  });

  it('leaves text without the secret untouched', () => {
    const text = 'a1 NO [AUTHENTICATIONFAILED] Authentication failed.';
    expect(scrubber.scrub(text)).toEqual({ text, scrubbed: false });
  });

  it('reports which secret leaked and how, never the value', () => {
    const two = createSecretScrubber(['first-secret', new Secret(PASSWORD)]);
    const leak = two.firstLeak(Buffer.from(PASSWORD).toString('hex'));
    expect(leak).toEqual({ index: 2, encoding: 'hex' });
  });

  it('ignores empty secrets and still removes very short ones verbatim', () => {
    expect(secretForms('')).toEqual([]);
    expect(createSecretScrubber(['']).scrub('anything')).toEqual({ text: 'anything', scrubbed: false });
    expect(createSecretScrubber(['ab']).scrub('xaby')).toEqual({ text: `x${REDACTED_MARK}y`, scrubbed: true });
  });

  it.each(['Z', 'ab', 'abc', 'é9'])(
    'removes a %j password from every login echo, the whole SASL PLAIN blob included (too short for fragments)',
    (password) => {
      const short = createSecretScrubber([{ secret: new Secret(password), username: USER }]);
      const bytes = Buffer.from(password, 'utf8');
      const logins = {
        'IMAP AUTHENTICATE PLAIN echo': `a1 NO [AUTHENTICATIONFAILED] ${Buffer.from(`\0${USER}\0${password}`).toString('base64')}`,
        'SMTP AUTH PLAIN with authzid': `535 5.7.8 AUTH PLAIN ${Buffer.from(`${USER}\0${USER}\0${password}`).toString('base64')}`,
        'SASL-IR unpadded': `NO ${Buffer.from(`\0${USER}\0${password}`).toString('base64').replace(/=+$/, '')} x`,
        'AUTH LOGIN password line': `535 5.7.8 ${bytes.toString('base64')}`,
        'POP3 PASS echo': `-ERR PASS ${password}`,
      };
      for (const [name, text] of Object.entries(logins)) {
        const cleaned = short.scrub(text);
        expect(cleaned.scrubbed, name).toBe(true);
        expect(short.firstLeak(cleaned.text), name).toBeNull();
        // The blob goes whole: nothing of it that still decodes to the password is left behind.
        expect(Buffer.from(cleaned.text.replace(/^.* /, ''), 'base64').toString('utf8'), name).not.toContain(`\0${password}`);
      }
      expect(short.firstLeak(logins['IMAP AUTHENTICATE PLAIN echo'])).toEqual({ index: 1, encoding: 'sasl-plain' });
    },
  );

  it('finds any printable secret of 4+ characters in any of its forms, embedded anywhere (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 4, maxLength: 40, unit: 'grapheme' }),
        fc.string({ maxLength: 20 }),
        fc.string({ maxLength: 20 }),
        (secret, before, after) => {
          const scrub = createSecretScrubber([{ secret, username: USER }]);
          for (const text of Object.values(echoes(secret, USER))) {
            const cleaned = scrub.scrub(`${before}${text}${after}`).text;
            expect(scrub.firstLeak(cleaned)).toBeNull();
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
