import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { LiveSecrets } from '../../../electron/keychain/liveSecrets';
import { Secret } from '../../../electron/keychain/secret';

const PASSWORD = 'Live-Secret-Pa55';
const USER = 'jane@example.com';

describe('the live-secrets registry', () => {
  it('knows nothing until a secret is held, and every form of it once held', () => {
    const secrets = new LiveSecrets();
    expect(secrets.scrubber().firstLeak(PASSWORD)).toBeNull();
    secrets.hold(new Secret(PASSWORD), USER);
    expect(secrets.size).toBe(1);
    expect(secrets.scrubber().firstLeak(`x ${PASSWORD} y`)).toEqual({ index: 1, encoding: 'verbatim' });
    const saslPlain = Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64');
    expect(secrets.scrubber().scrub(`NO ${saslPlain}`).text).toBe('NO [redacted]');
  });

  it('a scope adds to its parent until it is released, and the parent forgets exactly its secrets', () => {
    const root = new LiveSecrets();
    root.hold('token-held-by-the-process');
    const run = root.openScope();
    run.hold(new Secret(PASSWORD), USER);
    expect(root.size).toBe(2);
    expect(root.scrubber().scrub(PASSWORD).scrubbed).toBe(true);
    run.release();
    expect(run.size).toBe(0);
    expect(root.size).toBe(1);
    expect(root.scrubber().scrub(PASSWORD).scrubbed).toBe(false);
    expect(root.scrubber().scrub('token-held-by-the-process').scrubbed).toBe(true);
  });

  it('two scopes holding the same password: releasing one keeps the other', () => {
    const root = new LiveSecrets();
    const first = root.openScope();
    const second = root.openScope();
    const secret = new Secret(PASSWORD);
    first.hold(secret);
    second.hold(secret);
    first.release();
    expect(root.scrubber().scrub(PASSWORD).scrubbed).toBe(true);
    second.release();
    expect(root.scrubber().scrub(PASSWORD).scrubbed).toBe(false);
  });

  it('does not hold an empty secret (it would match every text)', () => {
    const secrets = new LiveSecrets();
    secrets.hold('');
    secrets.hold(new Secret(''), USER);
    expect(secrets.size).toBe(0);
    expect(secrets.scrubber().scrub('anything').scrubbed).toBe(false);
  });

  it('never shows the values it holds', () => {
    const secrets = new LiveSecrets();
    secrets.hold(new Secret(PASSWORD), USER);
    expect(JSON.stringify(secrets)).not.toContain(PASSWORD);
    expect(String(Object.keys(secrets))).not.toContain(PASSWORD);
  });
});

describe('non-ASCII secrets', () => {
  it('are also recognised as their UTF-8 bytes read one byte per character (latin1), as some readers see them', () => {
    const secrets = new LiveSecrets();
    secrets.hold('Pässwörd-Ü', 'jürgen@example.com');
    const mojibake = Buffer.from('Pässwörd-Ü', 'utf8').toString('latin1');
    expect(secrets.scrubber().scrub(`-ERR PASS ${mojibake}`).text).toBe('-ERR PASS [redacted]');
    const blob = Buffer.from(`\0jürgen@example.com\0Pässwörd-Ü`, 'utf8').toString('base64');
    expect(secrets.scrubber().scrub(blob).text).toBe('[redacted]');
  });
});
