/**
 * "Is this IP blocked?" and "unblock it" against the contract double's cPHulk, whose blocks are real: a blocked
 * client address cannot log in to the rig's Dovecot or Exim even with the right password, as with cPHulk.
 * Addresses used here (127.0.0.9-12) are this file's own, so parallel test files never see its blocks.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { checkIpBlocked, unblockIp } from '../../../electron/admin/cphulk';
import { HostingSession } from '../../../electron/admin/hostingSession';
import { WhmApi } from '../../../electron/admin/whmApi';
import { Secret } from '../../../electron/keychain/secret';
import { useMailServers } from '../../servers/useMailServers';
import type { MailServersInfo } from '../../servers/types';
import type { DoubleFixture } from './adminSupport';
import { imapLoginFrom, smtpAuthFrom, startDoubleFixture } from './adminSupport';

let info: MailServersInfo;
let fixture: DoubleFixture | undefined;

beforeEach(async () => {
  info = useMailServers();
  fixture ??= await startDoubleFixture(info);
});

afterAll(async () => {
  await fixture?.cleanup();
});

function whm(): WhmApi {
  if (fixture === undefined) throw new Error('no double');
  return new WhmApi(new HostingSession({ connection: fixture.whm, token: new Secret(fixture.whmToken), stateDir: fixture.stateDir, signal: new AbortController().signal, extraCaPem: [info.caPem] }));
}

function double() {
  if (fixture === undefined) throw new Error('no double');
  return fixture.double;
}

const minutesFromNow = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();

describe('cPHulk check against a real block', () => {
  it('an address without records is not blocked; the check names every call and how WHM sees this Mac', async () => {
    const api = whm();
    const result = await checkIpBlocked(api, { ip: '127.0.0.12' });
    expect(result.ok && result.check).toMatchObject({ ip: '127.0.0.12', source: 'whm-cphulk', cphulkEnabled: true, blocked: false, allowListed: false, failedLogins: [], requesterIp: '127.0.0.1' });
    expect(api.session.calls.map((call) => `${call.function}:${call.apiStatus ?? '-'}`)).toEqual([
      'cphulk_status:1',
      'read_cphulk_records:1',
      'read_cphulk_records:1',
      'get_cphulk_brutes:1',
      'get_cphulk_excessive_brutes:1',
      'get_cphulk_failed_logins:1',
    ]);
    // Without --ip the address checked is WHM's requester_ip.
    const own = await checkIpBlocked(whm(), {});
    expect(own.ok && own.check.ip).toBe('127.0.0.1');
  });

  it('a brute-force block: confirmed with its times and failed logins, real logins fail, unblock lifts it', async () => {
    const ip = '127.0.0.9';
    const alice = info.users.alice;
    expect((await imapLoginFrom(info, alice.address, alice.password, ip)).ok).toBe(true);

    await double().cphulk.addBrute({ ip, logintime: minutesFromNow(-5), exptime: minutesFromNow(10), notes: 'IP reached maximum auth failures' });
    double().cphulk.addFailedLogin({ ip, user: alice.address, service: 'imap', logintime: minutesFromNow(-6) });
    double().cphulk.addFailedLogin({ ip, user: info.users.bob.address, service: 'smtp', logintime: minutesFromNow(-7) });
    double().cphulk.addFailedLogin({ ip: '127.0.0.2', user: alice.address, service: 'imap', logintime: minutesFromNow(-8) });

    // What cPHulk does to the client: the right password fails from that address, and only from it.
    const refusedImap = await imapLoginFrom(info, alice.address, alice.password, ip);
    expect(refusedImap).toMatchObject({ ok: false, text: expect.stringContaining('AUTHENTICATIONFAILED') as unknown });
    expect((await smtpAuthFrom(info, alice.address, alice.password, ip)).text).toMatch(/^535/);
    expect((await imapLoginFrom(info, alice.address, alice.password, '127.0.0.1')).ok).toBe(true);

    const checked = await checkIpBlocked(whm(), { ip, email: alice.address });
    if (!checked.ok) throw new Error(JSON.stringify(checked.problem));
    expect(checked.check).toMatchObject({ blocked: true, blockedBy: 'cphulk-brute', note: 'IP reached maximum auth failures' });
    expect(Date.parse(checked.check.until ?? '')).toBeGreaterThan(Date.now());
    expect(Date.parse(checked.check.since ?? '')).toBeLessThan(Date.now());
    expect(checked.check.minutesLeft).toBeGreaterThanOrEqual(9);
    // Filtered to the address and the mailbox.
    expect(checked.check.failedLogins).toEqual([{ user: alice.address, service: 'imap', at: expect.any(String) as unknown }]);

    const unblocked = await unblockIp(whm(), ip);
    if (!unblocked.ok) throw new Error(JSON.stringify(unblocked.problem));
    expect(unblocked.result.recordsRemoved).toBe(3);
    expect(unblocked.result.after).toMatchObject({ blocked: false, ip, failedLogins: [] });
    expect((await imapLoginFrom(info, alice.address, alice.password, ip)).ok).toBe(true);
    expect((await smtpAuthFrom(info, alice.address, alice.password, ip)).ok).toBe(true);
  });

  it('a long block read from either list name; an expired one no longer counts', async () => {
    for (const key of ['excessive_brutes', 'brutes'] as const) {
      double().cphulk.setExcessiveListKey(key);
      await double().cphulk.addBrute({ ip: '127.0.0.10', logintime: minutesFromNow(-60), exptime: minutesFromNow(24 * 60) }, 'excessive');
      const checked = await checkIpBlocked(whm(), { ip: '127.0.0.10' });
      expect(checked.ok && checked.check.blockedBy).toBe('cphulk-excessive-brute');
      await unblockIp(whm(), '127.0.0.10');
    }
    double().cphulk.setExcessiveListKey('excessive_brutes');
    await double().cphulk.addBrute({ ip: '127.0.0.10', logintime: minutesFromNow(-60), exptime: minutesFromNow(-1) });
    const expired = await checkIpBlocked(whm(), { ip: '127.0.0.10' });
    expect(expired.ok && expired.check.blocked).toBe(false);
    await unblockIp(whm(), '127.0.0.10');
  });

  it('a block-list entry (a range) blocks, and unblocking the history does not lift it', async () => {
    await double().cphulk.setList('black', '127.0.0.11-127.0.0.11', 'blocked by hand');
    expect((await imapLoginFrom(info, info.users.alice.address, info.users.alice.password, '127.0.0.11')).ok).toBe(false);
    const checked = await checkIpBlocked(whm(), { ip: '127.0.0.11' });
    expect(checked.ok && checked.check).toMatchObject({ blocked: true, blockedBy: 'cphulk-blacklist' });
    const unblocked = await unblockIp(whm(), '127.0.0.11');
    expect(unblocked.ok && unblocked.result.after).toMatchObject({ blocked: true, blockedBy: 'cphulk-blacklist' });
  });

  it('the allow list wins over a block; with cPHulk off nothing is blocked and only two calls are made', async () => {
    await double().cphulk.setList('white', '127.0.0.0/24', 'office');
    await double().cphulk.addBrute({ ip: '127.0.0.12', logintime: minutesFromNow(-1), exptime: minutesFromNow(10) });
    const allowed = await checkIpBlocked(whm(), { ip: '127.0.0.12' });
    expect(allowed.ok && allowed.check).toMatchObject({ blocked: false, allowListed: true });
    expect((await imapLoginFrom(info, info.users.alice.address, info.users.alice.password, '127.0.0.12')).ok).toBe(true);

    double().cphulk.setEnabled(false);
    const api = whm();
    const off = await checkIpBlocked(api, { ip: '127.0.0.12' });
    expect(off.ok && off.check).toMatchObject({ cphulkEnabled: false, blocked: false });
    expect(api.session.calls.map((call) => call.function)).toEqual(['cphulk_status', 'read_cphulk_records']);
    double().cphulk.setEnabled(true);
  });
});
