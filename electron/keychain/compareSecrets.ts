import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PasswordComparison, PasswordLookupOutcome } from '../../shared/model/account';
import type { Secret } from './secret';

/**
 * Compares two secrets without ever placing them side by side: each is reduced to an HMAC-SHA256
 * under a key that exists only for this run (so the digests are useless outside it and cannot be
 * matched against a dictionary), and the digests are compared in constant time.
 */
export class SecretComparer {
  readonly #key: Buffer = randomBytes(32);

  same(a: Secret, b: Secret): boolean {
    return timingSafeEqual(this.#digest(a), this.#digest(b));
  }

  #digest(secret: Secret): Buffer {
    return createHmac('sha256', this.#key).update(secret.reveal(), 'utf8').digest();
  }
}

/** One side of the comparison: what Mail's own stores gave (a typed password does not count). */
export interface StoredSide {
  readonly outcome: PasswordLookupOutcome;
  readonly secret: Secret | null;
}

/**
 * same / different / one missing / both missing / unreadable. 'not-applicable' when either side has
 * no password by design (OAuth account, SMTP without authentication, no outgoing server). A side that is
 * denied, failed or out of reach makes it 'unreadable': "missing" only where the store positively has none.
 */
export function compareStoredPasswords(incoming: StoredSide, outgoing: StoredSide, comparer: SecretComparer): PasswordComparison {
  if (incoming.outcome === 'not-applicable' || outgoing.outcome === 'not-applicable') return 'not-applicable';
  if (incoming.secret !== null && outgoing.secret !== null) return comparer.same(incoming.secret, outgoing.secret) ? 'same' : 'different';
  // Out of reach is not missing: accountsd holds a secret no other app can read.
  const unreadable = (side: StoredSide): boolean => side.outcome === 'denied' || side.outcome === 'error' || side.outcome === 'out-of-reach';
  if (unreadable(incoming) || unreadable(outgoing)) return 'unreadable';
  if (incoming.secret === null && outgoing.secret === null) return 'both-missing';
  return incoming.secret === null ? 'incoming-missing' : 'outgoing-missing';
}
