/**
 * How strong a mailbox password is, for the reset form (the window shows it as the person types, without
 * sending the password anywhere) and the CLI. An estimate of the guessing work, not a promise: the length
 * times the bits of the character classes used, less for the patterns people and cracking lists favour
 * (one repeated character, runs like 1234 or abcd, a common word). The server applies its own minimum.
 */

export type PasswordStrength = 'too-short' | 'weak' | 'fair' | 'strong' | 'very-strong';

export interface PasswordStrengthEstimate {
  readonly strength: PasswordStrength;
  /** Estimated bits of guessing work (rounded). */
  readonly bits: number;
  /** Whether a mailbox may be given this password (fair or better). */
  readonly acceptable: boolean;
}

/** Shorter than this is refused whatever it contains. */
export const MIN_PASSWORD_LENGTH = 10;
/** Longer than this is refused (the IPC schema's limit for any typed password). */
export const MAX_PASSWORD_LENGTH = 1024;

const COMMON_WORDS = ['password', 'passwort', 'motdepasse', 'qwerty', 'azerty', 'letmein', 'welcome', 'admin', 'login', 'secret', 'iloveyou', 'monkey', 'dragon'];

export function estimatePasswordStrength(password: string): PasswordStrengthEstimate {
  const characters = [...password];
  if (characters.length < MIN_PASSWORD_LENGTH) return { strength: 'too-short', bits: 0, acceptable: false };
  let pool = 0;
  if (/[a-z]/.test(password)) pool += 26;
  if (/[A-Z]/.test(password)) pool += 26;
  if (/[0-9]/.test(password)) pool += 10;
  if (/[^A-Za-z0-9]/.test(password)) pool += 33;
  // Characters that add nothing: a repeat of the previous one, or the next step of a run (abc, 321).
  let effective = 0;
  characters.forEach((character, index) => {
    const previous = index > 0 ? characters[index - 1] : undefined;
    const step = previous === undefined ? undefined : (character.codePointAt(0) ?? 0) - (previous.codePointAt(0) ?? 0);
    effective += step === 0 || step === 1 || step === -1 ? 0.25 : 1;
  });
  // A common word is one guess from a list, not one character per letter: it counts as a single character.
  const lower = password.toLowerCase();
  for (const word of COMMON_WORDS) if (lower.includes(word)) effective -= word.length - 1;
  const bits = Math.max(0, Math.round(effective * Math.log2(Math.max(pool, 2))));
  const strength: PasswordStrength = bits < 45 ? 'weak' : bits < 65 ? 'fair' : bits < 90 ? 'strong' : 'very-strong';
  return { strength, bits, acceptable: strength !== 'weak' };
}
