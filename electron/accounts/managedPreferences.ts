import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { APP_BUNDLE_ID } from '../../shared/app';
import type { ExpectedServer, ManagedPreferenceKey, ManagedPreferenceProblem, ManagedPreferences } from '../../shared/model/managedPreferences';

// Reading the files needs no zod (managedPreferencesRead.ts); this module, with the schemas, loads only once a
// preferences file exists (docs/benchmarks.md, "Cold start"). Re-exported so there is one place to import from.
export { MANAGED_PREFERENCES_ROOT, MANAGED_PREFERENCE_DEFAULTS, defaultManagedPreferencesDirs, readManagedPreferences } from './managedPreferencesRead';
export type { ManagedPreferencesOptions } from './managedPreferencesRead';

/**
 * Settings an IT department pushes with MDM. macOS writes a managed preference domain to
 * `/Library/Managed Preferences/<domain>.plist` (device channel) and
 * `/Library/Managed Preferences/<user>/<domain>.plist` (user channel). We read both files directly
 * (binary or XML plists) so the CLI works outside Electron.
 *
 * Precedence, per key: the device-level file wins, because that is what the organisation forces on
 * the whole Mac; the user-level file only supplies keys the device file does not set validly. An
 * invalid value is reported and ignored (the next layer, or the default, applies) — it never stops
 * discovery. Documented in docs/managed-preferences.md.
 *
 * One zod schema per key (MANAGED_PREFERENCE_SCHEMAS) is both what the app validates with and what
 * the MDM manifest `build/mdm/MailDoctor-ManagedPreferences.schema.json` is generated from
 * (`npm run schemas`), so the two cannot disagree.
 */

const port = z.number().int().min(1).max(65535);
const tls = z.enum(['implicit', 'starttls', 'none']);
const hostName = z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.-]+$/, 'not a host name');

const expectedServerEntry = z
  .object({
    Domain: z.string().trim().min(1).max(253).meta({ description: 'The e-mail domain, e.g. example.com (compared case-insensitively).' }),
    IncomingHost: hostName.meta({ description: 'Incoming (IMAP or POP3) server host name.' }),
    IncomingPort: port.meta({ description: 'Incoming server port, e.g. 993.' }),
    IncomingTLS: tls.meta({ description: 'implicit (TLS from the first byte), starttls or none.' }),
    OutgoingHost: hostName.meta({ description: 'Outgoing (SMTP) server host name.' }),
    OutgoingPort: port.meta({ description: 'Outgoing server port, e.g. 587 or 465.' }),
    OutgoingTLS: tls.meta({ description: 'implicit (TLS from the first byte), starttls or none.' }),
  })
  .meta({ title: 'Expected servers for one e-mail domain' });

function toExpectedServer(value: z.output<typeof expectedServerEntry>): ExpectedServer {
  return {
    domain: value.Domain.toLowerCase(),
    incomingHost: value.IncomingHost,
    incomingPort: value.IncomingPort,
    incomingTls: value.IncomingTLS,
    outgoingHost: value.OutgoingHost,
    outgoingPort: value.OutgoingPort,
    outgoingTls: value.OutgoingTLS,
  };
}

// The pattern in the metadata says in the manifest what the protocol check says in code.
const httpsUrl = z.url({ protocol: /^https$/ }).max(2048).meta({ pattern: '^https://' });
/** A captive portal can only intercept plain HTTP, so the check page may be http (Apple's is). */
const httpUrl = z.url({ protocol: /^https?$/ }).max(2048).meta({ pattern: '^https?://' });

/** "IP", "IP:PORT" or "[IPv6]:PORT", as the CLI's --dns-server takes it. */
export function isDnsServerAddress(text: string): boolean {
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(text);
  const withPort = /^([0-9.]+):(\d{1,5})$/.exec(text);
  const [address, portText] = bracketed !== null ? [bracketed[1], bracketed[2]] : withPort !== null ? [withPort[1], withPort[2]] : [text, undefined];
  if (address === undefined || isIP(address) === 0) return false;
  if (portText === undefined) return true;
  const value = Number(portText);
  return value >= 1 && value <= 65535;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Why a PEM text is not a usable list of CA certificates, or null when it is. */
export function pemCertificateProblem(pem: string): string | null {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) return 'contains a private key: give only the CA certificate';
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) return 'no "-----BEGIN CERTIFICATE-----" block';
  for (const [index, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      return `certificate ${index + 1} cannot be parsed`;
    }
  }
  return null;
}

const pemCertificates = z
  .string()
  .max(64 * 1024)
  .superRefine((pem, context) => {
    const problem = pemCertificateProblem(pem);
    if (problem !== null) context.addIssue({ code: 'custom', message: problem });
  });

const flag = (title: string, description: string, defaultValue: boolean) => z.boolean().meta({ title, description, default: defaultValue });

/**
 * Every key Mail Doctor reads, with its validation and the words an MDM settings editor shows. The
 * `default` in each flag's metadata is the value used when the key is absent (MANAGED_PREFERENCE_DEFAULTS,
 * in managedPreferencesRead.ts, checked against it by a test).
 */
export const MANAGED_PREFERENCE_SCHEMAS = {
  ExpectedServers: z.array(expectedServerEntry).max(100).meta({
    title: 'Expected servers',
    description:
      "The servers your users' Mail should use, per e-mail domain. Mail Doctor compares Mail's stored host, port and TLS mode with the entry for the account's domain. An invalid entry is reported and skipped; at most 100.",
  }),
  WebmailURL: httpsUrl.meta({
    title: 'Webmail URL',
    description: 'Your webmail (https). Mail Doctor checks this address, instead of guessing cPanel addresses, and offers it when Mail cannot connect.',
  }),
  SupportEmail: z.email().max(320).meta({ title: 'Support e-mail', description: '"Contact support" opens a mail draft to this address with the report.' }),
  SupportURL: httpsUrl.meta({ title: 'Support URL', description: '"Contact support" opens this page (https) instead.' }),
  AdminToolsEnabled: flag(
    'Admin tools',
    'The hosting-account tools (cPanel/WHM) in steps 7 and 8 and mail-doctor admin. True: the section is shown. False: hidden, and every hosting action is refused (window and CLI). Not set: offered behind a closed disclosure until an account is connected.',
    true,
  ),
  PublicIPLookupEnabled: flag(
    'Public IP lookup',
    "Ask OpenDNS (resolver1.opendns.com) for this Mac's public IP address when the mail server does not show it. False: never.",
    true,
  ),
  NoLogin: flag('Never log in', 'Every check behaves as with --no-login: no password is sent to any server.', false),
  NoKeychain: flag('Never read the keychain', 'Every check behaves as with --no-keychain: no keychain dialog can appear.', false),
  MaskIdentities: flag('Always mask identities', 'Every report masks e-mail addresses and login names, whatever the user chooses.', false),
  TrustedCACertificates: z
    .array(pemCertificates)
    .max(20)
    .meta({
      title: 'Trusted CA certificates',
      description:
        "PEM text of CA certificates to trust besides macOS's (a company CA, a self-hosted server). Never turns certificate verification off.",
    }),
  DNSServers: z
    .array(z.string().max(64).refine(isDnsServerAddress, 'not IP or IP:PORT'))
    .max(4)
    .meta({ title: 'DNS servers', description: "Resolve with these servers (IP or IP:PORT) instead of the system's." }),
  CaptivePortalURL: httpUrl.meta({
    title: 'Captive-portal check URL',
    description: "A page that answers 200 with \"Success\" in its body, checked instead of Apple's http://captive.apple.com/hotspot-detect.html.",
  }),
  CaptivePortalCheckEnabled: flag('Captive-portal check', 'Check for an internet connection and a captive portal. False: the check is skipped.', true),
  WebmailCheckEnabled: flag('Webmail check', 'Check webmail addresses (WebmailURL, else the guessed cPanel ones). False: none is contacted.', true),
  AutoconfigLookupEnabled: flag(
    'Autoconfig lookup',
    "Fetch the domain's published mail settings over HTTPS (autoconfig.<domain>, <domain>/.well-known/autoconfig). DNS MX/SRV lookups still run.",
    true,
  ),
  ReportIncludesHostName: flag('Host name in reports', "Add the Mac's host name to reports and the CLI's JSON.", false),
  ReportIncludesSerialNumber: flag('Serial number in reports', "Add the Mac's serial number to reports and the CLI's JSON.", false),
  ScheduledDiagnosisEnabled: flag('Scheduled diagnosis', 'The daily diagnosis started by the LaunchAgent runs. False: it exits at once, writing nothing.', true),
} as const satisfies Record<ManagedPreferenceKey, z.ZodType>;

/** All keys as one object: the source of the MDM manifest (every key optional). */
export const managedPreferencesSchema = z.object(MANAGED_PREFERENCE_SCHEMAS).partial().meta({
  title: 'Mail Doctor',
  description: `Managed preferences for Mail Doctor (preference domain ${APP_BUNDLE_ID}). Every key is optional.`,
});

/** Every key, in the order the files are read. */
export const MANAGED_KEYS = Object.keys(MANAGED_PREFERENCE_SCHEMAS) as ManagedPreferenceKey[];

type KeyValue<K extends ManagedPreferenceKey> = z.output<(typeof MANAGED_PREFERENCE_SCHEMAS)[K]>;

/** Where each key's valid value goes in ManagedPreferences. */
const APPLY: { readonly [K in ManagedPreferenceKey]: (value: KeyValue<K>) => Partial<ManagedPreferences> } = {
  ExpectedServers: (servers) => ({ expectedServers: servers.map(toExpectedServer) }),
  WebmailURL: (webmailUrl) => ({ webmailUrl }),
  SupportEmail: (supportEmail) => ({ supportEmail }),
  SupportURL: (supportUrl) => ({ supportUrl }),
  AdminToolsEnabled: (adminToolsEnabled) => ({ adminToolsEnabled }),
  PublicIPLookupEnabled: (publicIpLookupEnabled) => ({ publicIpLookupEnabled }),
  NoLogin: (noLogin) => ({ noLogin }),
  NoKeychain: (noKeychain) => ({ noKeychain }),
  MaskIdentities: (maskIdentities) => ({ maskIdentities }),
  TrustedCACertificates: (trustedCaPems) => ({ trustedCaPems }),
  DNSServers: (dnsServers) => ({ dnsServers }),
  CaptivePortalURL: (captivePortalUrl) => ({ captivePortalUrl }),
  CaptivePortalCheckEnabled: (captivePortalCheckEnabled) => ({ captivePortalCheckEnabled }),
  WebmailCheckEnabled: (webmailCheckEnabled) => ({ webmailCheckEnabled }),
  AutoconfigLookupEnabled: (autoconfigLookupEnabled) => ({ autoconfigLookupEnabled }),
  ReportIncludesHostName: (reportHostName) => ({ reportHostName }),
  ReportIncludesSerialNumber: (reportSerialNumber) => ({ reportSerialNumber }),
  ScheduledDiagnosisEnabled: (scheduledDiagnosisEnabled) => ({ scheduledDiagnosisEnabled }),
};

/** The key's contribution to ManagedPreferences, or null (with a problem recorded) when it is invalid. */
export function validateKey(key: ManagedPreferenceKey, raw: unknown, path: string, problems: ManagedPreferenceProblem[]): Partial<ManagedPreferences> | null {
  if (key === 'ExpectedServers') return validateExpectedServers(raw, path, problems);
  const parsed = MANAGED_PREFERENCE_SCHEMAS[key].safeParse(raw);
  if (!parsed.success) {
    problems.push({ path, key, reason: describeIssues(parsed.error) });
    return null;
  }
  // The schema for `key` produced this value, so it is the type APPLY[key] takes.
  return (APPLY[key] as (value: unknown) => Partial<ManagedPreferences>)(parsed.data);
}

/** Entries are validated one by one: an invalid entry is reported and skipped, valid ones are kept. */
function validateExpectedServers(raw: unknown, path: string, problems: ManagedPreferenceProblem[]): Partial<ManagedPreferences> | null {
  const list = z.array(z.unknown()).max(100).safeParse(raw);
  if (!list.success) {
    problems.push({ path, key: 'ExpectedServers', reason: describeIssues(list.error) });
    return null;
  }
  const entries: z.output<typeof expectedServerEntry>[] = [];
  list.data.forEach((entry, index) => {
    const server = expectedServerEntry.safeParse(entry);
    if (server.success) entries.push(server.data);
    else problems.push({ path, key: `ExpectedServers[${index}]`, reason: describeIssues(server.error) });
  });
  return APPLY.ExpectedServers(entries);
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}
