import { describe, expect, it } from 'vitest';
import { API_VERBS, REQUEST_CHANNELS } from '../../../shared/ipc/contract';
import { requestSchemas } from '../../../shared/ipc/schemas';

const manual = {
  email: 'jane@example.com',
  incoming: { protocol: 'imap', host: 'mail.example.com', port: 993, tls: 'implicit', username: 'jane' },
  outgoing: { protocol: 'smtp', host: 'smtp.example.com', port: 587, tls: 'starttls', username: 'jane' },
  password: 'typed once',
};

describe('the IPC contract', () => {
  it('has a verb and a schema for every channel', () => {
    expect(Object.values(API_VERBS).sort()).toEqual([...REQUEST_CHANNELS].sort());
    expect(Object.keys(requestSchemas).sort()).toEqual([...REQUEST_CHANNELS].sort());
  });

  it('accepts the payloads the window sends', () => {
    const start = requestSchemas['diagnosis:start'];
    expect(start.safeParse({}).success).toBe(true);
    expect(start.safeParse({ accountId: '6D2B1A0C-1E2F-4A5B-9C8D-7E6F5A4B3C2D' }).success).toBe(true);
    expect(start.safeParse({ manual, noLogin: false }).success).toBe(true);
    expect(start.safeParse({ accountId: '6D2B1A0C-1E2F-4A5B-9C8D-7E6F5A4B3C2D', password: 'typed once' }).success).toBe(true);
    expect(requestSchemas['app:getInfo'].safeParse(undefined).success).toBe(true);
    expect(requestSchemas['links:open'].safeParse({ linkId: 'full-disk-access-settings' }).success).toBe(true);
  });

  it.each([
    ['both an account and a manual account', { accountId: 'a', manual }],
    ['an unknown field', { accountId: 'a', runEverything: true }],
    ['a host with a space', { manual: { ...manual, incoming: { ...manual.incoming, host: 'mail example.com' } } }],
    ['a host longer than DNS allows', { manual: { ...manual, incoming: { ...manual.incoming, host: 'a'.repeat(254) } } }],
    ['port 0', { manual: { ...manual, outgoing: { ...manual.outgoing, port: 0 } } }],
    ['port 65536', { manual: { ...manual, outgoing: { ...manual.outgoing, port: 65536 } } }],
    ['a fractional port', { manual: { ...manual, outgoing: { ...manual.outgoing, port: 587.5 } } }],
    ['an outgoing server that is not SMTP', { manual: { ...manual, outgoing: { ...manual.outgoing, protocol: 'imap' } } }],
    ['an address that is not one', { manual: { ...manual, email: 'jane' } }],
    ['a password over 1024 characters', { manual: { ...manual, password: 'x'.repeat(1025) } }],
    ['an empty typed password', { manual: { ...manual, password: '' } }],
    ['an account id with a path in it', { accountId: '../../etc/passwd' }],
    ['a typed password without the account it is for', { password: 'typed once' }],
    ['a typed password beside a manual account', { manual, password: 'typed once' }],
  ])('refuses a diagnosis:start with %s', (_what, payload) => {
    expect(requestSchemas['diagnosis:start'].safeParse(payload).success).toBe(false);
  });

  it('refuses any payload on channels that take none', () => {
    expect(requestSchemas['accounts:list'].safeParse({}).success).toBe(false);
    expect(requestSchemas['app:getInfo'].safeParse(null).success).toBe(false);
  });
});
