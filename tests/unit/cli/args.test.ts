import { describe, expect, it } from 'vitest';
import { parseCliArgs, parseServerUrl } from '../../../electron/cli/args';

function command(argv: string[]) {
  const result = parseCliArgs(argv);
  if (!result.ok) throw new Error(`expected success, got usage error: ${result.usageError}`);
  return result.command;
}

function usageError(argv: string[]): string {
  const result = parseCliArgs(argv);
  if (result.ok) throw new Error(`expected a usage error for ${argv.join(' ')}`);
  return result.usageError;
}

describe('mail-doctor argument parsing', () => {
  it('defaults to a 5 s phase deadline, logins on, public IP lookup on', () => {
    expect(command(['diagnose'])).toMatchObject({
      kind: 'diagnose',
      json: false,
      noLogin: false,
      phaseTimeoutMs: 5000,
      dnsServers: [],
      caFiles: [],
      publicIpLookup: true,
      maskIdentities: false,
    });
  });

  it('reads every diagnose option', () => {
    expect(
      command([
        'diagnose', '--json', '--account', 'alice@example.com', '--no-login', '--timeout', '2.5',
        '--dns-server', '127.0.0.1:5353', '--ca-file', '/tmp/ca.pem', '--state-dir', '/tmp/state',
        '--home', '/tmp/home', '--mask-identities', '--no-public-ip-lookup', '--no-keychain',
      ]),
    ).toMatchObject({
      noKeychain: true,
      json: true,
      account: 'alice@example.com',
      noLogin: true,
      phaseTimeoutMs: 2500,
      dnsServers: ['127.0.0.1:5353'],
      caFiles: ['/tmp/ca.pem'],
      stateDir: '/tmp/state',
      home: '/tmp/home',
      maskIdentities: true,
      publicIpLookup: false,
    });
  });

  it('parses a manual account with both servers', () => {
    expect(
      command([
        'diagnose', '--manual', '--email', 'alice@example.test',
        '--incoming', 'imap://mail.example.test:993?tls=implicit',
        '--outgoing', 'smtp://mail.example.test:587?tls=starttls',
        '--smtp-username', 'alice', '--password-stdin',
      ]),
    ).toMatchObject({
      manual: {
        email: 'alice@example.test',
        incoming: { protocol: 'imap', host: 'mail.example.test', port: 993, tls: 'implicit' },
        outgoing: { protocol: 'smtp', host: 'mail.example.test', port: 587, tls: 'starttls' },
        smtpUsername: 'alice',
        passwordFromStdin: true,
      },
    });
  });

  it('takes a typed password for one saved account', () => {
    expect(command(['diagnose', '--account', 'alice@example.test', '--password-stdin'])).toMatchObject({
      account: 'alice@example.test',
      passwordFromStdin: true,
    });
  });

  it('accepts POP3 as the incoming protocol', () => {
    const parsed = command([
      'diagnose', '--manual', '--email', 'a@b.test', '--incoming', 'pop3://127.0.0.1:995?tls=implicit',
      '--outgoing', 'smtp://127.0.0.1:465?tls=implicit',
    ]);
    expect(parsed.kind === 'diagnose' && parsed.manual?.incoming.protocol).toBe('pop3');
  });

  it.each([
    [['diagnose', '--timeout', '0'], '--timeout'],
    [['diagnose', '--timeout', 'soon'], '--timeout'],
    [['diagnose', '--dns-server', 'resolver.example'], '--dns-server'],
    [['diagnose', '--email', 'a@b.test'], 'only goes with --manual'],
    [['diagnose', '--password-stdin'], 'only goes with --manual or --account'],
    [['diagnose', '--json', '--markdown'], 'cannot be used together'],
    [['diagnose', '--manual'], '--email'],
    [['diagnose', '--manual', '--email', 'a@b.test'], '--incoming'],
    [['diagnose', '--manual', '--email', 'a@b.test', '--incoming', 'imap://h:993?tls=implicit'], '--outgoing'],
    [['diagnose', '--manual', '--account', 'x', '--email', 'a@b.test'], 'cannot be used together'],
    [['diagnose', '--captive-url', 'ftp://x'], 'http(s)'],
    [['diagnose', '--frobnicate'], 'frobnicate'],
    [['check'], 'unknown command'],
    [[], 'missing command'],
  ])('refuses %j with a clear message', (argv, fragment) => {
    expect(usageError(argv)).toContain(fragment);
  });
});

describe('server URLs', () => {
  it('refuses a password in the URL without echoing it', () => {
    const reason = parseServerUrl('imap://alice:Sup3r-secret@mail.example.test:993?tls=implicit', ['imap']);
    expect(reason).toBe('put the username in --username, and never a password in a URL');
  });

  it.each([
    ['imap://mail.example.test?tls=implicit', 'port is missing'],
    ['imap://mail.example.test:993', '?tls='],
    ['imap://mail.example.test:993?tls=ssl', '?tls='],
    ['smtp://mail.example.test:587?tls=starttls', 'scheme must be imap'],
    ['not a url', 'is not a URL'],
  ])('refuses %s', (text, fragment) => {
    const reason = parseServerUrl(text, ['imap']);
    expect(typeof reason === 'string' ? reason : 'parsed').toContain(fragment);
  });

  it('keeps IPv6 hosts without brackets', () => {
    expect(parseServerUrl('imap://[::1]:10993?tls=implicit', ['imap'])).toEqual({
      protocol: 'imap', host: '::1', port: 10993, tls: 'implicit',
    });
  });
});
