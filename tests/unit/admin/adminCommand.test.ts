/** mail-doctor admin's parser: which flags go with which verb, and what each value must look like. */
import { describe, expect, it } from 'vitest';
import { parseAdminArgs } from '../../../electron/cli/adminCommand';

const whm = ['--whm-url', 'https://server.example.com', '--api-user', 'root'];
const cpanel = ['--cpanel-url', 'server.example.com:2083', '--api-user', 'jo'];

describe('parseAdminArgs', () => {
  it('reads each verb with its flags, normalising the address', () => {
    expect(parseAdminArgs(['check-ip', ...whm, '--ip', '203.0.113.7', '--email', 'jo@example.com', '--json'])).toEqual({
      ok: true,
      command: { verb: 'check-ip', connection: { api: 'whm', url: 'https://server.example.com:2087', user: 'root' }, caFiles: [], json: true, ip: '203.0.113.7', email: 'jo@example.com' },
    });
    expect(parseAdminArgs(['unblock-ip', ...whm, '--ip', '2001:db8::7', '--yes', '--token-file', 't', '--ca-file', 'a.pem', '--ca-file', 'b.pem'])).toMatchObject({
      ok: true,
      command: { verb: 'unblock-ip', ip: '2001:db8::7', tokenFile: 't', caFiles: ['a.pem', 'b.pem'] },
    });
    expect(parseAdminArgs(['reset-password', ...cpanel, '--email', 'jo@example.com', '--password-stdin', '--yes'])).toMatchObject({
      ok: true,
      command: { verb: 'reset-password', connection: { api: 'cpanel', url: 'https://server.example.com:2083', user: 'jo' }, email: 'jo@example.com' },
    });
    expect(parseAdminArgs(['test-mailbox', ...cpanel, '--domain', 'Example.COM', '--yes', '--imap-host', '127.0.0.1', '--smtp-host', 'mail.example.com', '--state-dir', '/tmp/s'])).toMatchObject({
      ok: true,
      command: { verb: 'test-mailbox', domain: 'example.com', imapHost: '127.0.0.1', smtpHost: 'mail.example.com', stateDir: '/tmp/s' },
    });
    expect(parseAdminArgs(['client-settings', ...cpanel, '--email', 'jo@example.com'])).toMatchObject({ ok: true, command: { verb: 'client-settings' } });
    expect(parseAdminArgs(['--help'])).toEqual({ ok: true, help: true });
  });

  it.each([
    [['check-ip', ...cpanel], /does not go with check-ip/],
    [['check-ip', '--api-user', 'root'], /--whm-url/],
    [['check-ip', ...whm, '--domain', 'example.com'], /--domain does not go with check-ip/],
    [['unblock-ip', ...whm, '--ip', '203.0.113.7'], /--yes/],
    [['unblock-ip', ...whm, '--yes'], /--ip/],
    [['reset-password', ...cpanel, '--email', 'jo@example.com', '--yes'], /--password-stdin/],
    [['reset-password', ...cpanel, '--email', 'not-an-address', '--password-stdin', '--yes'], /--email/],
    [['test-mailbox', ...cpanel, '--domain', 'not a domain', '--yes'], /--domain/],
    [['test-mailbox', ...cpanel, '--domain', 'example.com', '--yes', '--imap-host', 'a b'], /--imap-host/],
    [['client-settings', '--cpanel-url', 'https://h.example.com:2087', '--api-user', 'jo', '--email', 'jo@example.com'], /WHM's/],
    [['client-settings', ...cpanel.slice(0, 2), '--api-user', 'jo smith', '--email', 'jo@example.com'], /--api-user/],
    [['check-ip', ...whm, '--token', 'SECRET'], /Unknown option '--token'/],
    [['check-ip', ...whm, 'extra'], /unexpected argument "extra"/],
    [[], /missing what to do/],
    [['delete-everything'], /unknown admin command/],
  ])('refuses %j', (argv, message) => {
    const parsed = parseAdminArgs(argv);
    expect(parsed.ok).toBe(false);
    expect('usageError' in parsed ? parsed.usageError : '').toMatch(message);
  });

  it('never echoes a value in its usage errors', () => {
    const parsed = parseAdminArgs(['check-ip', ...whm, '--token', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ123456']);
    expect('usageError' in parsed ? parsed.usageError : '').not.toContain('ABCDEFGHIJKLMNOPQRSTUVWXYZ123456');
  });
});
