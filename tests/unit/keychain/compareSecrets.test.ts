import { describe, expect, it } from 'vitest';
import type { StoredSide } from '../../../electron/keychain/compareSecrets';
import { compareStoredPasswords, SecretComparer } from '../../../electron/keychain/compareSecrets';
import { Secret } from '../../../electron/keychain/secret';

const found = (value: string): StoredSide => ({ outcome: 'found', secret: new Secret(value) });
const without = (outcome: StoredSide['outcome']): StoredSide => ({ outcome, secret: null });

describe('compareStoredPasswords', () => {
  const comparer = new SecretComparer();
  it.each<[string, StoredSide, StoredSide, string]>([
    ['same', found('pw-1'), found('pw-1'), 'same'],
    ['different', found('pw-1'), found('pw-2'), 'different'],
    ['different lengths', found('pw'), found('pw-longer'), 'different'],
    ['case differs', found('Secret'), found('secret'), 'different'],
    ['unicode normal forms are bytes', found('é'), found('e\u0301'), 'different'],
    ['incoming missing', without('not-found'), found('x'), 'incoming-missing'],
    ['outgoing missing', found('x'), without('not-found'), 'outgoing-missing'],
    ['both missing', without('not-found'), without('not-found'), 'both-missing'],
    ['incoming denied', without('denied'), found('x'), 'unreadable'],
    ['outgoing error', found('x'), without('error'), 'unreadable'],
    ['denied and missing', without('denied'), without('not-found'), 'unreadable'],
    ['incoming out of reach (accountsd keeps it): not missing', without('out-of-reach'), found('x'), 'unreadable'],
    ['both out of reach', without('out-of-reach'), without('out-of-reach'), 'unreadable'],
    ['out of reach and missing', without('not-found'), without('out-of-reach'), 'unreadable'],
    ['oauth side', without('not-applicable'), found('x'), 'not-applicable'],
  ])('%s', (_name, incoming, outgoing, expected) => {
    expect(compareStoredPasswords(incoming, outgoing, comparer)).toBe(expected);
  });

  it('uses a different key per run, so digests cannot be matched across runs', () => {
    const a = new SecretComparer();
    const b = new SecretComparer();
    expect(a.same(new Secret('x'), new Secret('x'))).toBe(true);
    expect(b.same(new Secret('x'), new Secret('y'))).toBe(false);
    expect(JSON.stringify(a)).not.toContain('x');
  });
});
