/**
 * The canary: one password planted in every place a secret enters Mail Doctor — the keychain tool's
 * answer for both servers, the password typed for a manual account, Mail's own connection log — must
 * appear 0 times in everything that leaves electron/: the CLI's output (JSON, text, masked), the bridge
 * traffic the window sees (every response and every progress event), the support report, and the logs.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createChannelHandlers } from '../../electron/ipc/channelHandlers';
import type { MainServices } from '../../electron/ipc/mainServices';
import { startPreviewServer } from '../../electron/preview/previewServer';
import { createCoreServices } from '../../electron/services';
import { err } from '../../shared/result';
import { buildMacHome } from '../fixtures/buildMacHome';
import type { MacHome } from '../fixtures/buildMacHome';
import { imapPlainLoginTranscript, logFileName, writeMailEvidenceFixtures } from '../fixtures/evidence';
import type { MailServersInfo } from '../servers/types';
import { commonArgs, runCliProcess, useCliTestEnvironment } from './cli/support';

const CANARY = `Canary-${randomUUID()}`;
const IMAP_UUID = 'CA4A4100-0000-4000-8000-0000000CA4A4';

const { cleanups, setup } = useCliTestEnvironment('md-canary-state-');

/** Every form a careless implementation could leak the canary in. */
function leakForms(secret: string): string[] {
  return [secret, Buffer.from(secret).toString('base64'), Buffer.from(`\0alice@example.test\0${secret}`).toString('base64'), encodeURIComponent(secret)];
}

function expectNoCanary(where: string, text: string): void {
  for (const form of leakForms(CANARY)) expect(text.includes(form), `${where} contains the canary (${form})`).toBe(false);
}

async function plantedHome(info: MailServersInfo): Promise<MacHome> {
  const home = await buildMacHome({
    accountsDatabase: {
      accounts: [
        {
          pk: 1,
          uuid: IMAP_UUID,
          type: 'com.apple.account.IMAP',
          username: info.users.alice.address,
          description: 'Canary',
          properties: {
            Hostname: info.goodName,
            PortNumber: info.imap.implicit,
            SSLEnabled: true,
            SSLIsDirect: true,
            SMTPIdentifier: `${info.goodName}:${info.users.alice.address}`,
            EmailAddresses: [info.users.alice.address],
          },
        },
        {
          pk: 2,
          uuid: 'CA4A45E7-0000-4000-8000-0000000CA4A4',
          type: 'com.apple.account.SMTP',
          username: info.users.alice.address,
          properties: { Hostname: info.goodName, PortNumber: info.smtp.starttls, SSLEnabled: true, SSLIsDirect: false, ShouldUseAuthentication: true },
        },
      ],
    },
    securityItems: [
      { server: info.goodName, account: info.users.alice.address, protocol: 'imap', result: { kind: 'found', password: CANARY } },
      { server: info.goodName, account: info.users.alice.address, protocol: 'smtp', result: { kind: 'found', password: CANARY } },
    ],
  });
  cleanups.push(() => home.cleanup());
  // Mail's own log of a login whose AUTH PLAIN line carries the password (as Mail writes it).
  writeMailEvidenceFixtures(home.home, {
    connectionLogs: {
      [logFileName(info.goodName, IMAP_UUID)]: imapPlainLoginTranscript({ host: info.goodName, port: info.imap.implicit, at: new Date(), result: 'rejected' }).map(
        (entry) => (entry.kind === 'WROTE' ? { ...entry, lines: (entry.lines ?? []).map((line) => line.replace(/\S+$/, CANARY)) } : entry),
      ),
    },
  });
  return home;
}

describe('a planted password appears nowhere outside electron/', () => {
  it('CLI output: JSON, masked JSON and text', async () => {
    const { info, web, stateDir } = await setup();
    const home = await plantedHome(info);
    const outputs: string[] = [];
    for (const extra of [['--json'], ['--json', '--mask-identities'], []]) {
      const args = ['diagnose', '--home', home.home, ...commonArgs(info, web, stateDir).filter((a) => a !== '--json'), ...extra];
      const result = await runCliProcess(args, { env: home.env });
      outputs.push(result.stdout, result.stderr);
    }
    // The logins really used the planted password (the server refused it), so the canary did flow through.
    expect(outputs[0]).toContain('"kind": "rejected"');
    expectNoCanary('CLI output', outputs.join('\n'));
  });

  it('the manual password typed on standard input', async () => {
    const { info, web, stateDir } = await setup();
    const result = await runCliProcess(
      [
        'diagnose', '--manual', '--email', info.users.alice.address,
        '--incoming', `imap://${info.goodName}:${info.imap.implicit}?tls=implicit`,
        '--outgoing', `smtp://${info.goodName}:${info.smtp.starttls}?tls=starttls`,
        '--password-stdin', ...commonArgs(info, web, stateDir),
      ],
      { stdin: `${CANARY}\n` },
    );
    expect(result.stdout).toContain('IMAP_AUTH_REJECTED');
    expectNoCanary('CLI output', result.stdout + result.stderr);
  });

  it('bridge traffic (every response and progress event), the support report and the main-process log', async () => {
    const { info, web, stateDir } = await setup();
    const home = await plantedHome(info);
    const logged: string[] = [];
    const log = (message: string): void => {
      logged.push(message);
    };
    const core = createCoreServices({
      homeDir: home.home,
      homeSource: 'given',
      stateDir,
      appInfo: { name: 'Mail Doctor', version: '0.0.0-test', platform: process.platform, isPackaged: false },
      log,
      diagnosisTuning: {
        keychain: { kind: 'stand-in', securityToolPath: home.security.toolPath },
        phaseTimeoutMs: 3000,
        dnsServers: [`127.0.0.1:${info.dns.port}`],
        caFiles: [info.caFile],
        probes: { captivePortalUrl: web.captiveUrl, webmailUrls: [web.webmailUrl], publicIpLookup: false },
      },
    });
    const unavailable = () => Promise.resolve(err('unavailable-in-test', 'not in this test'));
    const services: MainServices = {
      appInfo: () => ({ name: 'Mail Doctor', version: '0.0.0-test', platform: process.platform, isPackaged: false }),
      accounts: core.accounts,
      diagnosis: core.diagnosis,
      report: core.report,
      clipboard: { writeText: unavailable },
      links: { open: unavailable },
      reportFiles: { save: unavailable },
      support: { contact: unavailable },
    };
    const server = await startPreviewServer({ rendererDir: resolve(import.meta.dirname, '../../renderer'), handlers: createChannelHandlers(services), port: 0, log });
    cleanups.push(() => server.close());

    const traffic: string[] = [];
    const call = async (channel: string, payload: unknown): Promise<unknown> => {
      const response = await fetch(`${server.origin}/api/${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-mail-doctor-token': server.token, origin: server.origin },
        body: JSON.stringify(payload === undefined ? {} : { payload }),
      });
      const text = await response.text();
      traffic.push(text);
      return JSON.parse(text) as unknown;
    };
    // The progress stream the window listens to.
    const events = new AbortController();
    const stream = await fetch(`${server.origin}/api/events?token=${encodeURIComponent(server.token)}`, { signal: events.signal });
    const reader = stream.body?.getReader();
    let streamed = '';
    const finished = (async () => {
      const decoder = new TextDecoder();
      while (reader !== undefined && !streamed.includes('"run-finished"')) {
        const chunk = await reader.read();
        if (chunk.done) break;
        streamed += decoder.decode(chunk.value);
      }
    })();

    await call('accounts:list', undefined);
    const started = (await call('diagnosis:start', {})) as { ok: boolean; value?: { runId: string } };
    expect(started.ok, JSON.stringify(started)).toBe(true);
    await finished;
    events.abort();
    const runId = started.value?.runId ?? '';
    await call('report:get', { runId, maskIdentities: false });
    await call('report:get', { runId, maskIdentities: true });
    // A typed password crosses the bridge only inward; nothing that comes back may carry it.
    await call('diagnosis:start', {
      manual: {
        email: info.users.alice.address,
        incoming: { protocol: 'imap', host: info.goodName, port: info.imap.implicit, tls: 'implicit', username: info.users.alice.address },
        outgoing: { protocol: 'smtp', host: info.goodName, port: info.smtp.starttls, tls: 'starttls', username: info.users.alice.address },
        password: CANARY,
      },
    });

    expect(streamed).toContain('"run-finished"');
    expect(traffic.join('\n')).toContain('# ');
    expectNoCanary('bridge responses and reports', traffic.join('\n'));
    expectNoCanary('progress events', streamed);
    expectNoCanary('main-process log', logged.join('\n'));
  });
});
