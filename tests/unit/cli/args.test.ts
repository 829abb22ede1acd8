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
    [['diagnose', '--timeout', '0.0001'], 'from 0.5 to 120'],
    [['diagnose', '--timeout', '0x10'], 'decimal number'],
    [['diagnose', '--timeout', '1e1'], 'decimal number'],
    [['diagnose', '--timeout', '-1'], '--timeout'],
    [['diagnose', '--timeout', '121'], 'from 0.5 to 120'],
    [['diagnose', '--timeout', ' 5'], 'decimal number'],
    [['diagnose', '--dns-server', '999.1.1.1'], '--dns-server'],
    [['diagnose', '--dns-server', '127.0.0.1:0'], '--dns-server'],
    [['diagnose', '--dns-server', '[127.0.0.1]:53'], '--dns-server'],
    [['diagnose', '--account', '../../etc/passwd'], "--account takes an email address or Mail's account id"],
    [['diagnose', '--home', 'a\nb'], '--home needs a path without control characters'],
    [['diagnose', '--no-public-ip-lookup', '--public-ip-resolver', '127.0.0.1'], 'cannot be used together'],
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

function manual(overrides: { incoming?: string; outgoing?: string; extra?: string[] } = {}): string[] {
  return [
    'diagnose', '--manual', '--email', 'alice@example.test',
    '--incoming', overrides.incoming ?? 'imap://mail.example.test:993?tls=implicit',
    '--outgoing', overrides.outgoing ?? 'smtp://mail.example.test:587?tls=starttls',
    ...(overrides.extra ?? []),
  ];
}

describe('one validation for the CLI and the window', () => {
  it('converts an international host name to its DNS form (A-labels), on both servers', () => {
    const parsed = command(manual({ incoming: 'imap://mäil.exämple.test:993?tls=implicit', outgoing: 'smtp://MÄIL.exämple.test:465?tls=implicit' }));
    expect(parsed.kind === 'diagnose' && parsed.manual?.incoming.host).toBe('xn--mil-qla.xn--exmple-cua.test');
    expect(parsed.kind === 'diagnose' && parsed.manual?.outgoing.host).toBe('xn--mil-qla.xn--exmple-cua.test');
  });

  it('reads a percent-encoded international host the same way', () => {
    const parsed = command(manual({ incoming: 'imap://m%C3%A4il.ex%C3%A4mple.test:993?tls=implicit' }));
    expect(parsed.kind === 'diagnose' && parsed.manual?.incoming.host).toBe('xn--mil-qla.xn--exmple-cua.test');
  });

  it.each([
    ['port 0', { incoming: 'imap://mail.example.test:0?tls=implicit' }, 'port must be a number from 1 to 65535'],
    ['port 65536', { incoming: 'imap://mail.example.test:65536?tls=implicit' }, 'port must be a number from 1 to 65535'],
    ['two tls= settings', { incoming: 'imap://mail.example.test:993?tls=implicit&tls=none' }, 'give ?tls= once'],
    ['an unknown setting', { incoming: 'imap://mail.example.test:993?tls=implicit&auth=none' }, 'unknown setting "auth"'],
    ['a line break in the URL', { incoming: 'imap://mail.example.test:993?tls=implicit\r\nA1 LOGIN' }, 'control characters'],
    ['a host that is not one', { incoming: 'imap://exa mple.test:993?tls=implicit' }, 'not a host name'],
    ['a label longer than DNS allows', { incoming: `imap://${'a'.repeat(64)}.test:993?tls=implicit` }, 'longer than 63'],
    ['IPv6 without brackets', { incoming: 'imap://::1:993?tls=implicit' }, 'HOST:PORT'],
    ['a CR/LF in the login name', { extra: ['--username', 'alice\r\nA1 LOGOUT'] }, 'control characters'],
    ['a tab in the SMTP login name', { extra: ['--smtp-username', 'ali\tce'] }, '--smtp-username'],
  ])('refuses %s', (_what, overrides, fragment) => {
    expect(usageError(manual(overrides))).toContain(fragment);
  });

  it('refuses a 70,000-character host without printing it back', () => {
    const message = usageError(manual({ incoming: `imap://${'a'.repeat(70_000)}:993?tls=implicit` }));
    expect(message).toContain('--incoming');
    expect(message.length).toBeLessThan(300);
    const justTooLong = usageError(manual({ incoming: `imap://${'a.'.repeat(127)}ab:993?tls=implicit` }));
    expect(justTooLong).toContain('--incoming (the host name)');
  });

  it('accepts the timeout range edges in decimal', () => {
    expect(command(['diagnose', '--timeout', '0.5'])).toMatchObject({ phaseTimeoutMs: 500 });
    expect(command(['diagnose', '--timeout', '120'])).toMatchObject({ phaseTimeoutMs: 120_000 });
  });

  it('accepts IPv6 DNS servers with and without a port', () => {
    expect(command(['diagnose', '--dns-server', '[::1]:5353', '--dns-server', '::1'])).toMatchObject({ dnsServers: ['[::1]:5353', '::1'] });
  });
});
