/**
 * "Generate one for me" in the password-reset dialog: a random password made here, in the window, from the
 * browser's cryptographic generator, and shown to the person once so they can type it into Mail. It is made
 * in the window on purpose: a password travels only from the window to main (with the reset request), never
 * back. Same alphabet as electron/admin/generatePassword.ts: no look-alike characters, nothing a password
 * file or a shell treats specially.
 */

const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SYMBOLS = '-_.!@#%+=*~^';
const ALPHABET = LOWER + UPPER + DIGITS + SYMBOLS;

export const SUGGESTED_PASSWORD_LENGTH = 20;

/** A uniform random index below `size`, without modulo bias (rejection sampling on 32-bit values). */
function randomIndex(size: number): number {
  const limit = Math.floor(0x100000000 / size) * size;
  const buffer = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buffer);
    const value = buffer[0] ?? 0;
    if (value < limit) return value % size;
  }
}

export function suggestPassword(length = SUGGESTED_PASSWORD_LENGTH): string {
  const pick = (alphabet: string): string => alphabet[randomIndex(alphabet.length)] ?? '';
  const characters = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SYMBOLS)];
  while (characters.length < length) characters.push(pick(ALPHABET));
  for (let index = characters.length - 1; index > 0; index -= 1) {
    const other = randomIndex(index + 1);
    [characters[index], characters[other]] = [characters[other] ?? '', characters[index] ?? ''];
  }
  return characters.join('');
}
