/**
 * What the host publishes for a mailbox (cPanel's Email::get_client_settings), as the published servers the
 * mismatch card's "what the host publishes" column and the settings rules read. The host's own answer comes
 * first: it outranks what DNS and autoconfig say (and IT's managed ExpectedServers outrank both, in the rules).
 */
import type { HostClientSettings } from '../model/hosting';
import type { PublishedServer, PublishedSettings } from '../probes/outcomes';

export function publishedServersFromHost(settings: HostClientSettings): PublishedServer[] {
  const template = (username: string): Pick<PublishedServer, 'usernameTemplate'> => {
    const account = settings.account.toLowerCase();
    const name = username.toLowerCase();
    if (name === account) return { usernameTemplate: '%EMAILADDRESS%' };
    if (name === account.split('@')[0]) return { usernameTemplate: '%EMAILLOCALPART%' };
    return {};
  };
  const { incoming, outgoing } = settings;
  const servers: PublishedServer[] = [{ protocol: incoming.protocol, host: incoming.host, port: incoming.port, tls: 'implicit', from: 'cpanel', ...template(incoming.username) }];
  // cPanel's "non-SSL" ports: STARTTLS where the server offers it (Mail Doctor never sends a password without TLS).
  if (incoming.insecurePort !== undefined) servers.push({ protocol: incoming.protocol, host: incoming.host, port: incoming.insecurePort, tls: 'starttls', from: 'cpanel', ...template(incoming.username) });
  servers.push({ protocol: 'smtp', host: outgoing.host, port: outgoing.port, tls: 'implicit', from: 'cpanel', ...template(outgoing.username) });
  if (outgoing.insecurePort !== undefined) servers.push({ protocol: 'smtp', host: outgoing.host, port: outgoing.insecurePort, tls: 'starttls', from: 'cpanel', ...template(outgoing.username) });
  return servers;
}

/** The domain's published settings with the host's own answer put first (a run without DNS facts gets them alone). */
export function withHostSettings(published: PublishedSettings | null, domain: string, settings: HostClientSettings): PublishedSettings {
  const host = publishedServersFromHost(settings);
  const base: PublishedSettings = published ?? { domain, mx: [], srv: [], autoconfig: [], servers: [] };
  return { ...base, servers: [...host, ...base.servers.filter((server) => server.from !== 'cpanel')] };
}
