/**
 * What the window's browser tests run against: the real loopback mail servers (tests/servers), the
 * loopback captive-portal and webmail pages (tests/integration/cli/support.ts), a fixture Mac home
 * (tests/fixtures/buildMacHome.ts) and `electron/preview/server.ts` pointed at all of them with the
 * same flags the CLI takes. Nothing here fakes a result: every verdict comes from the real pipeline.
 */
import { chmod, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMacHome } from '../../fixtures/buildMacHome';
import type { MacHome } from '../../fixtures/buildMacHome';
import { toCocoaSeconds } from '../../fixtures/evidence';
import type { SecurityItem, SecurityItemResult } from '../../fixtures/writers/securityTool';
import type { FixtureAccount } from '../../fixtures/writers/accountsDatabase';
import { startWebFixtures } from '../../integration/cli/support';
import type { WebFixtures } from '../../integration/cli/support';
import { locateBinaries, startMailServers } from '../../servers/start';
import type { RunningMailServers } from '../../servers/start';
import type { MailServersInfo } from '../../servers/types';
import { startPreview } from './previewServer';


export interface Rig {
  readonly info: MailServersInfo;
  readonly web: WebFixtures;
  stop(): Promise<void>;
}

/** Starts Dovecot/Exim/dnsmasq and the web fixtures, or says why they cannot run here. */
export async function startRig(): Promise<Rig | { readonly unavailable: string }> {
  const binaries = locateBinaries();
  if (!('found' in binaries)) return { unavailable: `test servers cannot run: missing ${binaries.missing.join(', ')}` };
  const servers: RunningMailServers = await startMailServers(binaries.found);
  const web = await startWebFixtures(servers.info);
  return {
    info: servers.info,
    web,
    stop: async () => {
      await web.close();
      await servers.stop();
    },
  };
}

/** The stand-in `security` tool refusing to hand out a saved password (51: the keychain refused). */
export type KeychainRefusal = Extract<SecurityItemResult, { readonly kind: 'refused' }>;

export interface AliceSettings {
  readonly host?: string;
  readonly imapPort?: number;
  readonly smtpPort?: number;
  /** The saved password, or the refusal macOS gives when no other app may read it. */
  readonly imapPassword: string | KeychainRefusal;
  readonly smtpPassword: string | KeychainRefusal;
  /** macOS's note of a dismissed or refused password request (ZLASTCREDENTIALRENEWALREJECTIONDATE). */
  readonly credentialRejectedAt?: Date;
  /** The organisation's SupportEmail managed preference (device level); none by default. */
  readonly supportEmail?: string;
  /** The organisation's MaskIdentities managed preference (device level); unset by default. */
  readonly maskIdentities?: boolean;
}

export const ALICE_DESCRIPTION = 'Work';
/** Mail's ZIDENTIFIERs of alice's incoming and outgoing accounts (connection logs are named after them). */
export const ALICE_INCOMING_UUID = 'A11CE000-0000-4000-8000-00000000A11C';
export const ALICE_OUTGOING_UUID = 'A11CE5E7-0000-4000-8000-00000000A11C';

function keychainResult(saved: string | KeychainRefusal): SecurityItemResult {
  return typeof saved === 'string' ? { kind: 'found', password: saved } : saved;
}

/** alice's IMAP + SMTP pair in Mail's Accounts4 store, with the passwords "saved in the keychain". */
export async function aliceHome(info: MailServersInfo, settings: AliceSettings): Promise<MacHome> {
  const host = settings.host ?? info.goodName;
  const address = info.users.alice.address;
  const accounts: FixtureAccount[] = [
    {
      pk: 1,
      uuid: ALICE_INCOMING_UUID,
      type: 'com.apple.account.IMAP',
      username: address,
      description: ALICE_DESCRIPTION,
      properties: {
        Hostname: host,
        PortNumber: settings.imapPort ?? info.imap.implicit,
        SSLEnabled: true,
        // The test port is not 993, so Mail would store SSLIsDirect to say "TLS from the first byte".
        SSLIsDirect: true,
        SMTPIdentifier: `${host}:${address}`,
        EmailAddresses: [address],
      },
      ...(settings.credentialRejectedAt === undefined
        ? {}
        : { columns: { ZLASTCREDENTIALRENEWALREJECTIONDATE: toCocoaSeconds(settings.credentialRejectedAt) } }),
    },
    {
      pk: 2,
      uuid: ALICE_OUTGOING_UUID,
      type: 'com.apple.account.SMTP',
      username: address,
      properties: {
        Hostname: host,
        PortNumber: settings.smtpPort ?? info.smtp.starttls,
        SSLEnabled: true,
        SSLIsDirect: false,
        ShouldUseAuthentication: true,
      },
    },
  ];
  const securityItems: SecurityItem[] = [
    { server: host, account: address, protocol: 'imap', result: keychainResult(settings.imapPassword) },
    { server: host, account: address, protocol: 'smtp', result: keychainResult(settings.smtpPassword) },
  ];
  return buildMacHome({
    accountsDatabase: { accounts },
    securityItems,
    ...(settings.supportEmail === undefined && settings.maskIdentities === undefined
      ? {}
      : {
          managedPreferences: {
            device: {
              ...(settings.supportEmail === undefined ? {} : { SupportEmail: settings.supportEmail }),
              ...(settings.maskIdentities === undefined ? {} : { MaskIdentities: settings.maskIdentities }),
            },
          },
        }),
  });
}

/**
 * A home whose Mail folders the preview may not open: the real EACCES, the way macOS refuses an app
 * without Full Disk Access. Root is never refused, so the preview then runs as `nobody`.
 */
export async function lockedHome(): Promise<MacHome> {
  const home = await buildMacHome({ legacyPlist: { version: 'V2', format: 'xml' } });
  await mkdir(join(home.home, 'Library', 'Mail'), { recursive: true });
  for (const dir of [home.root, home.home, join(home.home, 'Library')]) await chmod(dir, 0o755);
  await chmod(join(home.home, 'Library', 'Accounts'), 0o000);
  await chmod(join(home.home, 'Library', 'Mail'), 0o000);
  return home;
}

/** Undoes lockedHome's permissions so the folder can be deleted. */
export async function unlockHome(home: MacHome): Promise<void> {
  await chmod(join(home.home, 'Library', 'Accounts'), 0o755);
  await chmod(join(home.home, 'Library', 'Mail'), 0o755);
}

export const NOBODY = 65534;

export interface WindowPreview {
  readonly pageUrl: string;
  readonly log: () => string;
  stop(): Promise<void>;
}

export interface WindowPreviewOptions {
  readonly rig: Rig | null;
  readonly home: MacHome;
  /** Seconds per connection phase (DNS, TCP, TLS, login). */
  readonly timeoutSeconds?: number;
  /** Run the preview as this uid/gid (the Full Disk Access scenario). */
  readonly uid?: number;
}

/** `electron/preview/server.ts` (what `npm run preview` runs) with the rig's resolver, CA and web pages. */
export async function startWindowPreview(options: WindowPreviewOptions): Promise<WindowPreview> {
  const stateDir = await mkdtemp(join(tmpdir(), 'md-window-state-'));
  if (options.uid !== undefined) await chmod(stateDir, 0o777);
  const rigArgs =
    options.rig === null
      ? []
      : [
          '--dns-server', `127.0.0.1:${String(options.rig.info.dns.port)}`,
          '--ca-file', options.rig.info.caFile,
          '--captive-url', options.rig.web.captiveUrl,
          '--webmail-url', options.rig.web.webmailUrl,
          // The public-IP fallback asks the loopback DNS server (it answers info.dns.publicIp), never OpenDNS.
          '--public-ip-resolver', `127.0.0.1:${String(options.rig.info.dns.port)}`,
        ];
  const env: NodeJS.ProcessEnv =
    options.uid === undefined
      ? options.home.env
      : { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', TMPDIR: '/tmp', MAIL_DOCTOR_SECURITY_TOOL: options.home.security.toolPath };
  const preview = await startPreview({
    home: options.home.home,
    env,
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    extraArgs: [
      '--state-dir', stateDir,
      '--timeout', String(options.timeoutSeconds ?? 3),
      // The fixture's managed preferences, never the machine's own /Library/Managed Preferences.
      ...options.home.managedPreferencesDirs.flatMap((dir) => ['--managed-preferences-dir', dir]),
      ...rigArgs,
    ],
  });
  return { pageUrl: preview.pageUrl, log: preview.log, stop: () => preview.stop() };
}

