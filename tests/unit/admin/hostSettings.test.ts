/** What the host publishes (get_client_settings) as published servers: the host's word first. */
import { describe, expect, it } from 'vitest';
import { publishedServersFromHost, withHostSettings } from '../../../shared/admin/hostSettings';
import type { HostClientSettings } from '../../../shared/model/hosting';

const settings: HostClientSettings = {
  account: 'jo@example.com',
  incoming: { protocol: 'imap', host: 'server.hostingco.test', port: 993, insecurePort: 143, username: 'jo@example.com' },
  outgoing: { host: 'server.hostingco.test', port: 465, insecurePort: 587, username: 'jo' },
};

describe('the host’s published settings', () => {
  it('become published servers, secure ports first, with the user-name form', () => {
    expect(publishedServersFromHost(settings)).toEqual([
      { protocol: 'imap', host: 'server.hostingco.test', port: 993, tls: 'implicit', from: 'cpanel', usernameTemplate: '%EMAILADDRESS%' },
      { protocol: 'imap', host: 'server.hostingco.test', port: 143, tls: 'starttls', from: 'cpanel', usernameTemplate: '%EMAILADDRESS%' },
      { protocol: 'smtp', host: 'server.hostingco.test', port: 465, tls: 'implicit', from: 'cpanel', usernameTemplate: '%EMAILLOCALPART%' },
      { protocol: 'smtp', host: 'server.hostingco.test', port: 587, tls: 'starttls', from: 'cpanel', usernameTemplate: '%EMAILLOCALPART%' },
    ]);
    const pop = publishedServersFromHost({ ...settings, incoming: { protocol: 'pop3', host: 'h.test', port: 995, username: 'someone-else' }, outgoing: { host: 'h.test', port: 465, username: 'x' } });
    expect(pop).toEqual([
      { protocol: 'pop3', host: 'h.test', port: 995, tls: 'implicit', from: 'cpanel' },
      { protocol: 'smtp', host: 'h.test', port: 465, tls: 'implicit', from: 'cpanel' },
    ]);
  });

  it('come before what DNS and autoconfig publish, and replace an older host answer', () => {
    const dns = { protocol: 'imap' as const, host: 'mail.example.com', port: 993, tls: 'implicit' as const, from: 'srv' as const };
    const merged = withHostSettings({ domain: 'example.com', mx: [], srv: [], autoconfig: [], servers: [dns] }, 'example.com', settings);
    expect(merged.servers.map((server) => `${server.from}:${server.host}:${server.port}`)).toEqual([
      'cpanel:server.hostingco.test:993',
      'cpanel:server.hostingco.test:143',
      'cpanel:server.hostingco.test:465',
      'cpanel:server.hostingco.test:587',
      'srv:mail.example.com:993',
    ]);
    expect(withHostSettings(merged, 'example.com', settings).servers).toHaveLength(5);
    expect(withHostSettings(null, 'example.com', settings)).toMatchObject({ domain: 'example.com', mx: [], servers: expect.any(Array) as unknown });
  });
});
