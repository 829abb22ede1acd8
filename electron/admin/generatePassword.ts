/**
 * Random mailbox passwords from the system's cryptographic generator: for the temporary test mailbox (never
 * shown, used once) and the "generate one for me" choice of a password reset (shown once, to type into Mail).
 *
 * The alphabet leaves out characters that are hard to read aloud or to type on another keyboard (0/O, 1/l/I)
 * and those some mail servers' password files and shells treat specially (quotes, backslash, colon, space).
 */
import { randomInt } from 'node:crypto';
import { Secret } from '../keychain/secret';

const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SYMBOLS = '-_.!@#%+=*~^';
const ALPHABET = LOWER + UPPER + DIGITS + SYMBOLS;

/** The test mailbox's password length (the issue asks for at least 24). */
export const GENERATED_PASSWORD_LENGTH = 28;

export function generateMailboxPassword(length = GENERATED_PASSWORD_LENGTH): Secret {
  if (!Number.isInteger(length) || length < 16) throw new Error('a generated password has at least 16 characters');
  // One of each class first (servers with class rules accept it), then the rest from the whole alphabet,
  // then a Fisher-Yates shuffle so the classes are not at predictable positions.
  const characters = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SYMBOLS)];
  while (characters.length < length) characters.push(pick(ALPHABET));
  for (let index = characters.length - 1; index > 0; index -= 1) {
    const other = randomInt(index + 1);
    [characters[index], characters[other]] = [characters[other] ?? '', characters[index] ?? ''];
  }
  return new Secret(characters.join(''));
}

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)] ?? '';
}
