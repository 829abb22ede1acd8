/**
 * The outbound lookups IT can turn off with managed preferences (docs/privacy.md): off means nothing is sent,
 * on means the lookup really runs. The probe set is the one the diagnosis uses; DNS answers come from the
 * loopback test resolver, so nothing leaves the machine either way.
 */
import { describe, expect, it } from 'vitest';
import { CAPTIVE_CHECK_OFF_REASON, realProbeSet } from '../../../electron/diagnosis/realProbeSet';
import type { ProbeContext } from '../../../electron/probes/types';
import { useMailServers } from '../../servers/useMailServers';

function context(dnsPort: number): ProbeContext {
  return { deadline: Date.now() + 5_000, signal: new AbortController().signal, dnsServers: [`127.0.0.1:${String(dnsPort)}`] };
}

describe('managed off switches for outbound lookups', () => {
  it('CaptivePortalCheckEnabled false: the internet check sends nothing and says why it was skipped', async () => {
    const off = realProbeSet({ publicIpLookup: false, captivePortalCheck: false, captivePortalUrl: 'http://127.0.0.1:9/never' });
    expect(await off.internet({ deadline: Date.now() + 5_000, signal: new AbortController().signal })).toEqual({ kind: 'skipped', reason: CAPTIVE_CHECK_OFF_REASON });
  });

  it('WebmailCheckEnabled false: no webmail address is contacted', async () => {
    const info = useMailServers();
    const off = realProbeSet({ publicIpLookup: false, webmailCheck: false });
    expect(await off.webmail('example.test', info.goodName, context(info.dns.port))).toEqual([]);
    // On, the guessed addresses are really tried (they do not exist in the test zone).
    const on = realProbeSet({ publicIpLookup: false });
    expect((await on.webmail('example.test', info.goodName, context(info.dns.port))).map((outcome) => outcome.url)).toHaveLength(3);
  });

  it('AutoconfigLookupEnabled false: MX and SRV are still looked up, the autoconfig files are not fetched', async () => {
    const info = useMailServers();
    const off = await realProbeSet({ publicIpLookup: false, autoconfigLookup: false }).published('example.test', context(info.dns.port));
    expect(off.autoconfig).toEqual([]);
    expect(off.mx.length).toBeGreaterThan(0);
    const on = await realProbeSet({ publicIpLookup: false }).published('example.test', context(info.dns.port));
    expect(on.autoconfig.map((attempt) => attempt.url)).toEqual([
      'https://autoconfig.example.test/mail/config-v1.1.xml',
      'https://example.test/.well-known/autoconfig/mail/config-v1.1.xml',
    ]);
  });
});
