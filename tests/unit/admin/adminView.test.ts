/** The hosting section's view: when it shows, what each answer says, the reset form's rules. */
import { describe, expect, it } from 'vitest';
import { blockCheckView, passwordFormState, problemView, resetView, sectionMode, testMailboxView, unblockView } from '../../../renderer/admin/adminView';
import { suggestPassword } from '../../../renderer/admin/generatePassword';
import { estimatePasswordStrength } from '../../../shared/admin/passwordStrength';
import type { AdminStatus, HostBlockCheck } from '../../../shared/model/hosting';

const time = (iso: string): string => `[${iso.slice(11, 16)}]`;
const status = (policy: AdminStatus['policy'], connected = false): AdminStatus => ({
  policy,
  connections: connected ? { cpanel: { api: 'cpanel', url: 'https://h.test:2083', user: 'jo' } } : {},
  pendingDeletions: [],
});
const check: HostBlockCheck = {
  checkedAt: '2026-12-05T10:00:00.000Z',
  ip: '203.0.113.7',
  source: 'whm-cphulk',
  cphulkEnabled: true,
  blocked: true,
  blockedBy: 'cphulk-brute',
  since: '2026-12-05T09:50:00.000Z',
  until: '2026-12-05T10:05:00.000Z',
  allowListed: false,
  failedLogins: [{ user: 'jo@example.com', service: 'imap', at: '2026-12-05T09:49:00.000Z' }],
  requesterIp: '198.51.100.2',
};

describe('the hosting section', () => {
  it('is hidden when IT turned it off, offered closed when nothing is set, open when IT says so or an account is connected', () => {
    expect(sectionMode(null)).toBe('hidden');
    expect(sectionMode(status('off', true))).toBe('hidden');
    expect(sectionMode(status('default'))).toBe('offered');
    expect(sectionMode(status('default', true))).toBe('open');
    expect(sectionMode(status('on'))).toBe('open');
  });

  it('words a block with its evidence and offers the unblock; a block-list entry is not unblocked from here', () => {
    const view = blockCheckView({ kind: 'checked', check }, time);
    expect(view).toMatchObject({ tone: 'problem', title: 'This address is blocked', unblockIp: '203.0.113.7' });
    expect(view.why).toContain('until [10:05]');
    expect(view.details).toEqual(['Blocked since [09:50].', 'Failed login [09:49]: jo@example.com (imap)', 'The server sees this Mac as 198.51.100.2.']);
    expect(blockCheckView({ kind: 'checked', check: { ...check, blockedBy: 'cphulk-blacklist' } }, time).unblockIp).toBeUndefined();
    expect(blockCheckView({ kind: 'checked', check: { ...check, blocked: false, failedLogins: [] } }, time)).toMatchObject({ tone: 'ok', title: 'This address is not blocked' });
    expect(unblockView({ recordsRemoved: 3, firewallBansRemoved: 0, after: { ...check, blocked: false } }, time)).toMatchObject({ tone: 'ok', title: 'This address is unblocked' });
    expect(unblockView({ recordsRemoved: 0, firewallBansRemoved: 0, after: { ...check, blockedBy: 'cphulk-blacklist' } }, time).tone).toBe('problem');
  });

  it('with cPanel access only, or a token WHM refused: the request to send the host', () => {
    const needsHost = blockCheckView({ kind: 'needs-host', ip: '203.0.113.7' }, time, 'mail.example.com');
    expect(needsHost.hostRequest).toContain('csf -g 203.0.113.7');
    expect(needsHost.why).toMatch(/never from mail/);
    const refused = problemView({ kind: 'token-refused', api: 'whm', httpStatus: 403, serverWords: ['Access denied'] }, '203.0.113.7');
    expect(refused).toMatchObject({ tone: 'problem', title: 'WHM refused the token', details: ['The server said: Access denied'] });
    expect(refused.hostRequest).toContain('csf -dr 203.0.113.7');
    expect(problemView({ kind: 'timeout', api: 'cpanel', phase: 'connect', afterMs: 20_000 }).hostRequest).toBeUndefined();
  });

  it('after a reset, names both servers', () => {
    const view = resetView('jo@example.com');
    expect(view.steps?.join(' ')).toMatch(/Incoming Mail Server.*Outgoing Mail Server/);
  });

  it('shows the test mailbox’s steps as they come, then its conclusion', () => {
    const steps = [{ id: 'journal-pending' as const, status: 'passed' as const, durationMs: 3 }];
    expect(testMailboxView(steps, null)).toMatchObject({ title: 'Testing with a temporary mailbox…', stepRows: [{ name: 'Note the mailbox for deletion', status: 'passed' }] });
    const done = testMailboxView(steps, { mailbox: 'md-test-1@example.com', steps, conclusion: 'server-fine', journal: 'cleared' });
    expect(done).toMatchObject({ tone: 'ok', title: 'The server and the network are fine', details: [] });
    const pending = testMailboxView(steps, { mailbox: 'md-test-1@example.com', steps, conclusion: 'server-problem', journal: 'pending' });
    expect(pending.tone).toBe('problem');
    expect(pending.details[0]).toMatch(/md-test-1@example.com could not be deleted yet/);
  });

  it('the reset form: typed twice, strength shown, a weak one or a mismatch keeps the button off', () => {
    expect(passwordFormState('', '')).toMatchObject({ canSubmit: false });
    expect(passwordFormState('password123', 'password123')).toMatchObject({ canSubmit: false, hint: expect.stringMatching(/weak|too short/) as unknown });
    expect(passwordFormState('Tr0ub4dor&3xyz', 'Tr0ub4dor&3xy')).toMatchObject({ canSubmit: false, matches: false, hint: 'The two passwords are not the same.' });
    expect(passwordFormState('Tr0ub4dor&3xyz', 'Tr0ub4dor&3xyz')).toMatchObject({ canSubmit: true, strengthLabel: 'Strength: strong', hint: null });
  });

  it('suggests strong random passwords', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 20; index += 1) {
      const password = suggestPassword();
      expect(password).toHaveLength(20);
      expect(estimatePasswordStrength(password).acceptable).toBe(true);
      seen.add(password);
    }
    expect(seen.size).toBe(20);
  });
});
