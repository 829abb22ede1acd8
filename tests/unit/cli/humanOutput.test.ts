import { describe, expect, it } from 'vitest';
import { progressLine } from '../../../electron/cli/humanOutput';
import { describeProbe } from '../../../shared/verdict/catalog';

describe('CLI progress lines', () => {
  it('say in plain words what each probe did', () => {
    expect(progressLine({ type: 'probe-finished', runId: 'r', accountId: 'a', probe: 'incoming-login', durationMs: 522 })).toBe(
      '  Tried the saved password on the incoming (receiving) server, once (522 ms)',
    );
    expect(describeProbe('outgoing-connect')).toBe('Connected to the outgoing (sending) server and checked its certificate');
    expect(describeProbe('outgoing-relay')).toBe('Asked the outgoing (sending) server whether it takes mail without a login');
    expect(describeProbe('incoming-dns')).toBe("Looked up the incoming (receiving) server's name");
    expect(describeProbe('published-settings')).toContain('email domain publishes');
  });

  it('keep an id they do not know rather than inventing words', () => {
    expect(describeProbe('something-new')).toBe('something-new');
  });

  it("print each server's login result as soon as it is settled, in the catalog's words", () => {
    expect(progressLine({ type: 'login-finished', runId: 'r', accountId: 'a', role: 'outgoing', outcome: { kind: 'accepted', durationMs: 1200 } })).toBe(
      '  The outgoing server accepted the saved password in 1.2 seconds.',
    );
    expect(
      progressLine({ type: 'login-finished', runId: 'r', accountId: 'a', role: 'incoming', outcome: { kind: 'rejected', serverText: 'NO [AUTHENTICATIONFAILED]', durationMs: 17_000 } }),
    ).toBe('  The incoming server refused the saved password.');
  });

  it('print nothing for step changes (the summary shows the steps)', () => {
    expect(progressLine({ type: 'step-changed', runId: 'r', accountId: 'a', stepId: 'internet', status: 'running' })).toBeNull();
  });
});
