/**
 * What the hosting tools learnt reaches the next diagnosis of that mailbox: the host's published settings come
 * first in "what the host publishes", and the cPHulk check becomes a fact of that mailbox only.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostFacts } from '../../../electron/admin/hostFacts';
import { withHostFacts } from '../../../electron/admin/hostFacts';
import { diagnoseAccounts } from '../../../electron/diagnosis/diagnoseAccounts';
import type { HostBlockCheck, HostClientSettings } from '../../../shared/model/hosting';
import type { MailAccount } from '../../../shared/model/account';
import { useMailServers } from '../../servers/useMailServers';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const settings = (address: string): HostClientSettings => ({
  account: address,
  incoming: { protocol: 'imap', host: 'server.hostingco.test', port: 993, insecurePort: 143, username: address },
  outgoing: { host: 'server.hostingco.test', port: 465, insecurePort: 587, username: address },
});

const blocked = (ip: string): HostBlockCheck => ({
  checkedAt: new Date().toISOString(),
  ip,
  source: 'whm-cphulk',
  cphulkEnabled: true,
  blocked: true,
  blockedBy: 'cphulk-brute',
  allowListed: false,
  failedLogins: [],
});

describe('host facts in the diagnosis', () => {
  it('apply to the mailbox they were asked about, and to no other', () => {
    const facts: HostFacts = { blockChecks: new Map([['jo@example.com', blocked('203.0.113.7')]]), clientSettings: new Map([['jo@example.com', settings('jo@example.com')]]) };
    const probes = { incoming: null, outgoing: null, published: null, webmail: [] };
    const jo = withHostFacts(probes, { emailAddress: 'Jo@Example.com' } as MailAccount, facts);
    expect(jo.hostBlockCheck?.ip).toBe('203.0.113.7');
    expect(jo.probes.published?.servers[0]).toMatchObject({ from: 'cpanel', host: 'server.hostingco.test', port: 993 });
    const other = withHostFacts(probes, { emailAddress: 'someone@example.org' } as MailAccount, facts);
    expect(other).toEqual({ probes, hostBlockCheck: null });
    expect(withHostFacts(probes, { emailAddress: 'jo@example.com' } as MailAccount, undefined)).toEqual({ probes, hostBlockCheck: null });
  });

  it('a real run shows the host’s published servers first, beside what DNS publishes', async () => {
    const info = useMailServers();
    const stateDir = await mkdtemp(join(tmpdir(), 'md-admin-diagnosis-'));
    dirs.push(stateDir);
    const address = info.users.alice.address;
    const run = await diagnoseAccounts({
      home: stateDir,
      homeSource: 'given',
      stateDir,
      request: {
        noLogin: true,
        manual: {
          email: address,
          incoming: { protocol: 'imap', host: info.goodName, port: info.imap.implicit, tls: 'implicit', username: address },
          outgoing: { protocol: 'smtp', host: info.goodName, port: info.smtp.starttls, tls: 'starttls', username: address },
        },
      },
      runId: randomUUID(),
      signal: new AbortController().signal,
      onProgress: () => undefined,
      tuning: { dnsServers: [`${info.dns.host}:${info.dns.port}`], caFiles: [info.caFile], probes: { publicIpLookup: false, captivePortalUrl: 'http://127.0.0.1:9/', webmailUrls: [] } },
      hostFacts: { blockChecks: new Map(), clientSettings: new Map([[address, settings(address)]]) },
    });
    const servers = run.accounts[0]?.probes.published?.servers ?? [];
    expect(servers.slice(0, 4).map((server) => `${server.from}:${server.host}:${server.port}`)).toEqual([
      'cpanel:server.hostingco.test:993',
      'cpanel:server.hostingco.test:143',
      'cpanel:server.hostingco.test:465',
      'cpanel:server.hostingco.test:587',
    ]);
    // The zone's SRV records are still there, after the host's word.
    expect(servers.some((server) => server.from === 'srv')).toBe(true);
  });
});
