import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { WITHHELD_TEXT, createExitGuard } from '../../../electron/exitGuard';
import type { ExitName } from '../../../electron/exitGuard';
import { LiveSecrets } from '../../../electron/keychain/liveSecrets';
import { Secret } from '../../../electron/keychain/secret';

const PASSWORD = 'Exit-Guard-Pa55';
const USER = 'jane@example.com';

function guarded(): { secrets: LiveSecrets; caught: ExitName[]; guard: ReturnType<typeof createExitGuard> } {
  const secrets = new LiveSecrets();
  secrets.hold(new Secret(PASSWORD), USER);
  const caught: ExitName[] = [];
  return { secrets, caught, guard: createExitGuard(secrets, (exit) => caught.push(exit)) };
}

describe('the exit guard', () => {
  it('replaces every held secret form in a text and says so', () => {
    const { guard, caught } = guarded();
    const blob = Buffer.from(`\0${USER}\0${PASSWORD}`).toString('base64');
    const result = guard.text('cli-output', `535 5.7.8 ${blob} and PASS ${PASSWORD} and ${Buffer.from(PASSWORD).toString('hex')}`);
    expect(result.scrubbed).toBe(true);
    expect(result.value).toBe('535 5.7.8 [redacted] and PASS [redacted] and [redacted]');
    expect(caught).toContain('cli-output');
  });

  it('lets a text without secrets through unchanged', () => {
    const { guard, caught } = guarded();
    expect(guard.text('log', 'a1 NO [AUTHENTICATIONFAILED] Authentication failed.')).toEqual({
      value: 'a1 NO [AUTHENTICATIONFAILED] Authentication failed.',
      scrubbed: false,
    });
    expect(caught).toEqual([]);
  });

  it('walks plain data: strings, keys, nested arrays; the same object back when nothing matched', () => {
    const { guard } = guarded();
    const clean = { a: ['x', { b: 1, c: null, d: true }] };
    expect(guard.value('ipc-reply', clean).value).toBe(clean);
    const dirty = { ok: true, value: { replies: ['fine', `-ERR PASS ${PASSWORD}`], [PASSWORD]: 1, count: 2 } };
    const result = guard.value('ipc-reply', dirty);
    expect(result.scrubbed).toBe(true);
    expect(JSON.stringify(result.value)).not.toContain(PASSWORD);
    expect(result.value.value.replies).toEqual(['fine', '-ERR PASS [redacted]']);
    expect(result.value.value.count).toBe(2);
    // The input is never modified in place.
    expect(dirty.value.replies[1]).toContain(PASSWORD);
  });

  it('replaces a Secret object met in output data, even with nothing held', () => {
    const guard = createExitGuard(new LiveSecrets());
    const result = guard.value('progress-event', { password: new Secret('whatever-it-is') });
    expect(result).toEqual({ value: { password: '[redacted]' }, scrubbed: true });
  });

  it('withholds a text it cannot make safe', () => {
    // The replacement mark itself contains this secret: no number of passes can remove it.
    const secrets = new LiveSecrets();
    secrets.hold('edacte');
    const guard = createExitGuard(secrets);
    const result = guard.text('report', 'x edacte y');
    expect(result.scrubbed).toBe(true);
    expect(result.value).toBe(WITHHELD_TEXT);
  });

  it('stops finding a secret once its scope is released', () => {
    const root = new LiveSecrets();
    const run = root.openScope();
    run.hold(PASSWORD);
    const guard = createExitGuard(root);
    expect(guard.text('log', PASSWORD).scrubbed).toBe(true);
    run.release();
    expect(guard.text('log', PASSWORD).scrubbed).toBe(false);
  });
});
