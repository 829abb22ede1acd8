/**
 * `mail-doctor admin <verb> ...`: parsing, pure and unit-tested. Each verb's flags are one zod schema, so
 * which flags go together, which are required and what each value must look like is stated once.
 * The token is never a flag: it comes from `--token-file` (first line) or the app's keychain entry.
 */
import net from 'node:net';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { HostingConnection } from '../../shared/model/hosting';
import { parseHostingUrl } from '../admin/hostingUrl';

export const ADMIN_USAGE = `Usage (the person who runs the hosting account; docs/admin-tools.md):
  mail-doctor admin check-ip        --whm-url URL    --api-user U [--token-file F] [--ip IP] [--email E]              [--ca-file PEM] [--json]
  mail-doctor admin unblock-ip      --whm-url URL    --api-user U [--token-file F] --ip IP --yes                      [--ca-file PEM] [--json]
  mail-doctor admin reset-password  --cpanel-url URL --api-user U [--token-file F] --email E --password-stdin --yes   [--ca-file PEM] [--json]
  mail-doctor admin test-mailbox    --cpanel-url URL --api-user U [--token-file F] --domain D --yes
                                    [--imap-host H] [--smtp-host H] [--state-dir DIR]                                 [--ca-file PEM] [--json]
  mail-doctor admin client-settings --cpanel-url URL --api-user U [--token-file F] --email E                          [--ca-file PEM] [--json]

The token is read from the first line of --token-file, or else from the token the app stored in the keychain
for that server and user. Never give it as an argument or in the environment.
Exit codes: 0 done / not blocked, 1 a problem was found (blocked, a step failed), 2 usage, token or API error.`;

export const ADMIN_VERBS = ['check-ip', 'unblock-ip', 'reset-password', 'test-mailbox', 'client-settings'] as const;
export type AdminVerb = (typeof ADMIN_VERBS)[number];

interface CommonArgs {
  readonly connection: HostingConnection;
  /** Absent: the app's keychain entry for this server and user. */
  readonly tokenFile?: string;
  readonly caFiles: readonly string[];
  readonly json: boolean;
}

export type AdminCommand =
  | (CommonArgs & { readonly verb: 'check-ip'; readonly ip?: string; readonly email?: string })
  | (CommonArgs & { readonly verb: 'unblock-ip'; readonly ip: string })
  | (CommonArgs & { readonly verb: 'reset-password'; readonly email: string })
  | (CommonArgs & {
      readonly verb: 'test-mailbox';
      readonly domain: string;
      readonly imapHost?: string;
      readonly smtpHost?: string;
      readonly stateDir?: string;
    })
  | (CommonArgs & { readonly verb: 'client-settings'; readonly email: string });

export type AdminParseResult =
  | { readonly ok: true; readonly command: AdminCommand }
  | { readonly ok: true; readonly help: true }
  | { readonly ok: false; readonly usageError: string };

const hostName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[^\s\p{Cc}/\\@:]+$|^[0-9a-fA-F:.]+$/u, 'not a host name or address');
const email = z.email().max(254);
const domain = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'not a domain name');
/** cPanel user names are short lowercase words; WHM's are "root" or a reseller's cPanel name. */
const apiUser = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'not a cPanel or WHM user name');
const ip = z.string().refine((value) => net.isIP(value) !== 0, 'not an IPv4 or IPv6 address');
const path = z.string().min(1).max(4096);
const confirmed = z.literal(true, { error: 'changes the hosting account: add --yes to confirm' });

const common = {
  'api-user': apiUser,
  'token-file': path.optional(),
  'ca-file': z.array(path).max(20).optional(),
  json: z.boolean().optional(),
};

const VERB_SCHEMAS = {
  'check-ip': z.strictObject({ ...common, 'whm-url': z.string(), ip: ip.optional(), email: email.optional() }),
  'unblock-ip': z.strictObject({ ...common, 'whm-url': z.string(), ip, yes: confirmed }),
  'reset-password': z.strictObject({
    ...common,
    'cpanel-url': z.string(),
    email,
    'password-stdin': z.literal(true, { error: 'the new password is read from standard input: add --password-stdin' }),
    yes: confirmed,
  }),
  'test-mailbox': z.strictObject({
    ...common,
    'cpanel-url': z.string(),
    domain,
    yes: confirmed,
    'imap-host': hostName.optional(),
    'smtp-host': hostName.optional(),
    'state-dir': path.optional(),
  }),
  'client-settings': z.strictObject({ ...common, 'cpanel-url': z.string(), email }),
} as const satisfies Record<AdminVerb, z.ZodType>;

/** `argv`: everything after `admin`. */
export function parseAdminArgs(argv: readonly string[]): AdminParseResult {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        json: { type: 'boolean' },
        yes: { type: 'boolean' },
        'whm-url': { type: 'string' },
        'cpanel-url': { type: 'string' },
        'api-user': { type: 'string' },
        'token-file': { type: 'string' },
        'ca-file': { type: 'string', multiple: true },
        ip: { type: 'string' },
        email: { type: 'string' },
        domain: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        'imap-host': { type: 'string' },
        'smtp-host': { type: 'string' },
        'state-dir': { type: 'string' },
      },
    });
  } catch (error) {
    // node:util names the unknown or malformed option; it never echoes a value.
    return usage(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { ok: true, help: true };
  const [verb, ...extra] = positionals;
  if (verb === undefined) return usage('missing what to do: check-ip, unblock-ip, reset-password, test-mailbox or client-settings');
  if (!isVerb(verb)) return usage(`unknown admin command "${verb}"`);
  if (extra.length > 0) return usage(`unexpected argument "${extra[0] ?? ''}"`);

  const present = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
  const checked = VERB_SCHEMAS[verb].safeParse(present);
  if (!checked.success) {
    // A flag of another verb says more than the missing one it probably stands for.
    const issues = checked.error.issues;
    const stray = issues.find((issue) => issue.code === 'unrecognized_keys');
    if (stray?.code === 'unrecognized_keys') return usage(`${stray.keys.map((key) => `--${key}`).join(', ')} does not go with ${verb}`);
    const issue = issues[0];
    const flag = issue?.path[0] === undefined ? verb : `--${String(issue.path[0])}`;
    if (issue?.code === 'invalid_type' && issue.input === undefined) return usage(`${flag} is missing`);
    return usage(`${flag}: ${issue?.message ?? 'invalid'}`);
  }
  const flags: Record<string, unknown> = checked.data;
  const api = 'whm-url' in flags ? 'whm' : 'cpanel';
  const urlText = String(flags[api === 'whm' ? 'whm-url' : 'cpanel-url']);
  const url = parseHostingUrl(urlText, api);
  if (!url.ok) return usage(`--${api === 'whm' ? 'whm' : 'cpanel'}-url: ${url.reason}`);
  const text = (name: string): string | undefined => (typeof flags[name] === 'string' ? flags[name] : undefined);
  const tokenFile = text('token-file');
  const base: CommonArgs = {
    connection: { api, url: url.url.origin, user: String(flags['api-user']) },
    ...(tokenFile === undefined ? {} : { tokenFile }),
    caFiles: Array.isArray(flags['ca-file']) ? flags['ca-file'].map(String) : [],
    json: flags['json'] === true,
  };
  const optional = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> =>
    (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;

  switch (verb) {
    case 'check-ip':
      return { ok: true, command: { ...base, verb, ...optional('ip', text('ip')), ...optional('email', text('email')) } };
    case 'unblock-ip':
      return { ok: true, command: { ...base, verb, ip: String(flags['ip']) } };
    case 'reset-password':
      return { ok: true, command: { ...base, verb, email: String(flags['email']) } };
    case 'client-settings':
      return { ok: true, command: { ...base, verb, email: String(flags['email']) } };
    case 'test-mailbox':
      return {
        ok: true,
        command: {
          ...base,
          verb,
          domain: String(flags['domain']).toLowerCase(),
          ...optional('imapHost', text('imap-host')),
          ...optional('smtpHost', text('smtp-host')),
          ...optional('stateDir', text('state-dir')),
        },
      };
  }
}

function isVerb(value: string): value is AdminVerb {
  return (ADMIN_VERBS as readonly string[]).includes(value);
}

function usage(message: string): AdminParseResult {
  return { ok: false, usageError: message };
}
