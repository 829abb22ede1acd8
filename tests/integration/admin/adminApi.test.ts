/**
 * The cPanel UAPI and WHM API 1 clients against the contract double on the real rig: every call and every
 * error shape, the token budget, and the mailbox changes seen by the real Dovecot and Exim.
 */
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { CpanelApi, mailboxName } from '../../../electron/admin/cpanelApi';
import { HostingSession } from '../../../electron/admin/hostingSession';
import { WhmApi } from '../../../electron/admin/whmApi';
import { Secret } from '../../../electron/keychain/secret';
import type { HostingConnection, HostingProblem } from '../../../shared/model/hosting';
import type { MailServersInfo } from '../../servers/types';
import { DOMAIN, imapLoginFrom, newToken, smtpAuthFrom, useDoubleFixture } from './adminSupport';

const rig = useDoubleFixture();
const current = rig.fixture;
let info: MailServersInfo;
beforeEach(() => {
  info = rig.info();
});

function session(connection: HostingConnection, token: string, options: { callTimeoutMs?: number; extraCaPem?: readonly string[] | null; stateDir?: string } = {}): HostingSession {
  const f = current();
  return new HostingSession({
    connection,
    token: new Secret(token),
    stateDir: options.stateDir ?? f.stateDir,
    signal: new AbortController().signal,
    ...(options.extraCaPem === null ? {} : { extraCaPem: options.extraCaPem ?? [info.caPem] }),
    ...(options.callTimeoutMs === undefined ? {} : { callTimeoutMs: options.callTimeoutMs }),
  });
}

const cpanel = (options?: Parameters<typeof session>[2]) => new CpanelApi(session(current().cpanel, current().cpanelToken, options));
const whm = (options?: Parameters<typeof session>[2]) => new WhmApi(session(current().whm, current().whmToken, options));
const freshMailbox = () => mailboxName(`md-api-${randomBytes(4).toString('hex')}@${DOMAIN}`) ?? { local: '', domain: '' };

function expectProblem(result: { ok: boolean; problem?: HostingProblem }, kind: HostingProblem['kind']): HostingProblem {
  expect(result.ok).toBe(false);
  if (result.problem === undefined) throw new Error('no problem');
  expect(result.problem.kind).toBe(kind);
  return result.problem;
}

describe('Email::add_pop, passwd_pop and delete_pop change real mailboxes', () => {
  it('creates a mailbox Dovecot and Exim accept, changes its password, and deletes it', async () => {
    const api = cpanel();
    const name = freshMailbox();
    const address = `${name.local}@${name.domain}`;
    const first = 'First-Pa55word-for-the-test';
    const second = 'Second-Pa55word-for-the-test';

    expect(await api.addPop(name, new Secret(first), 10)).toEqual({ ok: true, value: true });
    expect((await imapLoginFrom(info, address, first, '127.0.0.1')).ok).toBe(true);
    expect((await smtpAuthFrom(info, address, first, '127.0.0.1')).ok).toBe(true);

    expect(await api.passwdPop(name, new Secret(second))).toEqual({ ok: true, value: true });
    expect((await imapLoginFrom(info, address, first, '127.0.0.1')).ok).toBe(false);
    expect((await imapLoginFrom(info, address, second, '127.0.0.1')).ok).toBe(true);
    expect((await smtpAuthFrom(info, address, second, '127.0.0.1')).ok).toBe(true);

    expect(await api.mailboxExists(name)).toEqual({ ok: true, value: true });
    expect(await api.deletePop(name)).toEqual({ ok: true, value: true });
    expect((await imapLoginFrom(info, address, second, '127.0.0.1')).ok).toBe(false);
    expect(await api.mailboxExists(name)).toEqual({ ok: true, value: false });

    // Each call recorded, with the API's status; the password travelled in the form body, never the URL.
    expect(api.session.calls.map((call) => [call.function, call.httpStatus, call.apiStatus])).toEqual([
      ['Email::add_pop', 200, 1],
      ['Email::passwd_pop', 200, 1],
      ['Email::list_pops', 200, 1],
      ['Email::delete_pop', 200, 1],
      ['Email::list_pops', 200, 1],
    ]);
    const withPassword = current().double.requests.filter((request) => request.params['password'] !== undefined);
    expect(withPassword.length).toBeGreaterThanOrEqual(2);
    expect(withPassword.every((request) => request.passwordIn === 'body')).toBe(true);
  });

  it('reports the API’s own error words for status 0 (an existing mailbox, a missing one)', async () => {
    const api = cpanel();
    const exists = await api.addPop({ local: 'alice', domain: DOMAIN }, new Secret('Whatever-Pa55word-1'), 10);
    const problem = expectProblem(exists, 'api-error');
    expect(problem).toMatchObject({ function: 'Email::add_pop', serverWords: [expect.stringContaining('already exists')] });
    expect(api.session.calls.at(-1)).toMatchObject({ outcome: 'answered', apiStatus: 0, errors: [expect.stringContaining('already exists')] });
    expectProblem(await api.passwdPop(freshMailbox(), new Secret('Whatever-Pa55word-1')), 'api-error');
  });

  it('reads get_client_settings, ports given as numbers or strings', async () => {
    const result = await cpanel().getClientSettings(info.users.alice.address);
    expect(result).toEqual({
      ok: true,
      value: {
        account: info.users.alice.address,
        incoming: { protocol: 'imap', host: info.goodName, port: info.imap.implicit, insecurePort: info.imap.starttls, username: info.users.alice.address },
        outgoing: { host: info.goodName, port: info.smtp.implicit, insecurePort: info.smtp.starttls, username: info.users.alice.address },
        plaintextAuthentication: true,
      },
    });
  });
});

describe('every error shape becomes a clear outcome', () => {
  it('a missing feature or role is not-permitted, in both wordings', async () => {
    for (const style of ['role', 'feature'] as const) {
      current().double.fault('Email::get_client_settings', { kind: 'feature-disabled', style }, 1);
      const problem = expectProblem(await cpanel().getClientSettings(info.users.alice.address), 'not-permitted');
      expect(problem).toMatchObject({ api: 'cpanel', function: 'Email::get_client_settings' });
    }
  });

  it('an HTML login page instead of JSON is login-page; other text is not-json', async () => {
    current().double.fault('Email::get_client_settings', { kind: 'login-page' }, 1);
    expect(expectProblem(await cpanel().getClientSettings(info.users.alice.address), 'login-page')).toMatchObject({ httpStatus: 200, pageTitle: 'cPanel Login' });
    current().double.fault('Email::get_client_settings', { kind: 'not-json' }, 1);
    expect(expectProblem(await cpanel().getClientSettings(info.users.alice.address), 'not-json')).toMatchObject({ httpStatus: 200, contentType: 'text/plain' });
  });

  it('a server that never answers is a timeout after the call’s deadline', async () => {
    current().double.fault('cphulk_status', { kind: 'hang' }, 1);
    const started = Date.now();
    const result = await whm({ callTimeoutMs: 800 }).call('cphulk_status', [], () => true);
    expect(expectProblem(result, 'timeout')).toMatchObject({ phase: 'response' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a closed port is unreachable; an untrusted certificate is refused, never skipped', async () => {
    const closed: HostingConnection = { api: 'cpanel', url: 'https://127.0.0.1:1', user: 'x' };
    expect(expectProblem(await new CpanelApi(session(closed, newToken())).getClientSettings('a@b.test'), 'unreachable')).toMatchObject({ errorCode: 'ECONNREFUSED' });
    const untrusted = await cpanel({ extraCaPem: null }).getClientSettings(info.users.alice.address);
    const refused = expectProblem(untrusted, 'certificate');
    expect(refused.kind === 'certificate' ? refused.errorCode : '').toMatch(/CERT|SIGNATURE|ISSUER/);
  });

  it('status 0 from WHM is api-error with its reason; a privilege refusal is not-permitted', async () => {
    current().double.fault('get_cphulk_brutes', { kind: 'status-0', errors: ['Something went wrong on the server.'] }, 1);
    expect(expectProblem(await whm().call('get_cphulk_brutes', [], () => true), 'api-error')).toMatchObject({ serverWords: ['Something went wrong on the server.'] });
    current().double.fault('get_cphulk_brutes', { kind: 'status-0', errors: ['Permission denied: you lack the privilege to use cPHulk.'] }, 1);
    expectProblem(await whm().call('get_cphulk_brutes', [], () => true), 'not-permitted');
  });

  it('a server echoing the token and the password gets both scrubbed from its words', async () => {
    const password = `Echoed-${randomBytes(6).toString('hex')}-Pa55`;
    current().double.fault('Email::passwd_pop', { kind: 'echo-secrets' }, 1);
    const api = cpanel();
    const problem = expectProblem(await api.passwdPop(freshMailbox(), new Secret(password)), 'api-error');
    const text = JSON.stringify([problem, api.session.calls]);
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(password);
    expect(text).not.toContain(current().cpanelToken);
  });
});

describe('the token budget: a refused token is never sent again', () => {
  it('cPanel: a wrong token is refused (401 login page), remembered, and not sent by the next run', async () => {
    const wrong = newToken();
    const before = current().double.requests.length;
    const first = cpanel();
    const firstSession = new CpanelApi(session(current().cpanel, wrong));
    expectProblem(await firstSession.getClientSettings(info.users.alice.address), 'token-refused');
    // The same run makes no second call.
    expect(expectProblem(await firstSession.getClientSettings(info.users.alice.address), 'not-retried')).toMatchObject({ reason: 'refused-this-run' });
    // A later run with the same token: nothing is sent at all.
    const later = new CpanelApi(session(current().cpanel, wrong));
    const notRetried = expectProblem(await later.getClientSettings(info.users.alice.address), 'not-retried');
    expect(notRetried).toMatchObject({ reason: 'refused-before' });
    expect(notRetried.kind === 'not-retried' ? Date.parse(notRetried.refusedAt ?? '') : Number.NaN).toBeGreaterThan(Date.now() - 60_000);
    expect(current().double.requests.length - before).toBe(1);
    expect(later.session.calls).toEqual([expect.objectContaining({ function: 'Email::get_client_settings', outcome: 'not-sent' })]);
    // The right token is a different token: it is tried.
    expect((await first.getClientSettings(info.users.alice.address)).ok).toBe(true);
  });

  it('WHM: a cPanel account’s token is refused (403 Access denied) with words that say so', async () => {
    const result = await new WhmApi(session(current().whm, current().cpanelToken)).call('cphulk_status', [], () => true);
    const problem = expectProblem(result, 'token-refused');
    expect(problem).toMatchObject({ api: 'whm', httpStatus: 403, serverWords: ['Access denied'] });
  });

  it('the 403 legacy envelope and the 401 page are both token-refused', async () => {
    current().double.fault('Email::list_pops', { kind: 'http-403-access-denied' }, 1);
    expectProblem(await new CpanelApi(session(current().cpanel, current().cpanelToken, { stateDir: `${current().stateDir}/other-1` })).mailboxExists(freshMailbox()), 'token-refused');
    current().double.fault('Email::list_pops', { kind: 'http-401-login-page' }, 1);
    expectProblem(await new CpanelApi(session(current().cpanel, current().cpanelToken, { stateDir: `${current().stateDir}/other-2` })).mailboxExists(freshMailbox()), 'token-refused');
  });
});
