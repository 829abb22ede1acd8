/**
 * Runtime validation for every request payload of the IPC contract (./contract.ts).
 *
 * Kept apart from contract.ts on purpose: the sandboxed preload imports contract.ts at runtime and
 * may only require 'electron', so zod must never end up in the preload bundle. Main (electron/ipc)
 * and the preview server validate with these schemas; the renderer never needs them.
 *
 * Every string has a length limit: a payload is untrusted input even from our own page.
 *
 * The CLI parses its arguments with these same schemas (electron/cli/args.ts), so the window and a fleet
 * script get the same answer for the same input. Host names are converted to their DNS form (IDN A-labels)
 * in electron/ after validation (electron/hostNames.ts: `url.domainToASCII` is Node's), for both callers.
 */
// zod/mini, bundled (a few kilobytes): the CLI validates its request with these schemas on every run, and the full
// zod costs each start about 30 ms (docs/benchmarks.md, "Cold start"). English messages, as the full zod gives:
// the CLI shows a refused field's message (electron/cli/args.ts).
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import type { RequestChannel } from './contract';
import { LINK_IDS } from './contract';

z.config(en());

/**
 * Host names: at most 253 characters (DNS limit), no whitespace, control characters, slashes or '@'.
 * International names (`mäil.exämple.test`) pass here and are converted to A-labels in electron/.
 */
export const hostSchema = z.string().check(z.minLength(1), z.maxLength(253), z.regex(/^[^\s\p{Cc}/\\@]+$/u, 'not a host name'));

export const portSchema = z.int().check(z.minimum(1), z.maximum(65535));
export const tlsModeSchema = z.enum(['implicit', 'starttls', 'none']);
/**
 * RFC 5321 caps a path at 256 octets; 320 leaves room for odd login names. No control characters: a CR/LF
 * in a login name would end a protocol line and start another command.
 */
export const usernameSchema = z
  .string()
  .check(z.maxLength(320), z.regex(/^\P{Cc}*$/u, 'a login name cannot contain control characters (line breaks, tabs...)'));

/** The bytes a string takes in UTF-8 (what goes on the wire), counted without TextEncoder (not in every runtime). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (const character of text) {
    const codePoint = character.codePointAt(0) ?? 0;
    bytes += codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** The most a typed password may take, in UTF-8 bytes: the window's field and the CLI's standard input alike. */
export const MAX_PASSWORD_BYTES = 1024;

/**
 * A password typed for one check. NUL, CR and LF cannot be sent faithfully (they end a SASL field or a
 * protocol line), so they are refused rather than altered.
 */
export const typedPasswordSchema = z
  .string()
  .check(
    z.minLength(1),
    z.refine((value) => utf8ByteLength(value) <= MAX_PASSWORD_BYTES, { message: `longer than ${MAX_PASSWORD_BYTES} bytes` }),
    z.refine((value) => !/[\0\r\n]/.test(value), { message: 'contains a line break or NUL, which no mail server can receive' }),
  );

/** An id the main process handed out (account UUIDs, run ids). */
const idSchema = z.string().check(z.minLength(1), z.maxLength(200), z.regex(/^[A-Za-z0-9._:-]+$/, 'not an id'));

const emailSchema = z.email().check(z.maxLength(254));

/** One of Mail's accounts: its id (Mail's account UUID), or its email address (the CLI's `--account`). */
export const accountSelectorSchema = z.union([idSchema, emailSchema]);

export const manualAccountSchema = z.strictObject({
  email: emailSchema,
  incoming: z.strictObject({
    protocol: z.enum(['imap', 'pop3']),
    host: hostSchema,
    port: portSchema,
    tls: tlsModeSchema,
    username: usernameSchema,
  }),
  outgoing: z.strictObject({
    protocol: z.literal('smtp'),
    host: hostSchema,
    port: portSchema,
    tls: tlsModeSchema,
    username: usernameSchema,
    /** Mail's "Use authentication"; when absent the outgoing server is assumed to need a login. */
    authenticationEnabled: z.optional(z.boolean()),
  }),
  /** Typed by the user for this one run; main wraps it in a Secret at once and never stores it. */
  password: z.optional(typedPasswordSchema),
});

export const diagnosisStartSchema = z
  .strictObject({
    /** One discovered account; without it (and without `manual`) every discovered account is checked. */
    accountId: z.optional(accountSelectorSchema),
    manual: z.optional(manualAccountSchema),
    /**
     * With accountId: a password the person typed for this one check ("test with a password I type"),
     * used for both of the account's servers when the keychain gives none, never stored.
     */
    password: z.optional(typedPasswordSchema),
    /** Check everything except the logins (no credential is sent anywhere). */
    noLogin: z.optional(z.boolean()),
  })
  .check(
    z.refine((value) => value.accountId === undefined || value.manual === undefined, {
      message: 'give either accountId or manual, not both',
    }),
    z.refine((value) => value.password === undefined || value.accountId !== undefined, {
      message: 'a typed password goes with one accountId (a manual account carries its own)',
    }),
  );

/**
 * Strict: report:save and support:contact take exactly this, so a page cannot slip in a path to write
 * or a URL to open (main's dialog picks the path, managed preferences name the support target).
 */
const reportRequestSchema = z.strictObject({
  runId: idSchema,
  /** Replace e-mail addresses and login names with placeholders in the report. */
  maskIdentities: z.boolean(),
});

/**
 * The hosting tools (docs/admin-tools.md). An address is checked again in main (electron/admin/hostingUrl.ts:
 * https only, the right port, no path); the token and a new mailbox password travel only inward, never back.
 */
const hostingApiSchema = z.enum(['cpanel', 'whm']);
const ipAddressSchema = z.union([z.ipv4(), z.ipv6()]);
/** Mailbox passwords: one line, at most 1,024 characters (the strength check is main's). */
const mailboxPasswordSchema = z.string().check(z.minLength(1), z.maxLength(1024), z.regex(/^[^\0\r\n]*$/, 'one line'));
/** An explicit confirmation: the window asked the person in a dialog before it sent this. */
const confirmedSchema = z.literal(true);

const adminSchemas = {
  'admin:status': z.undefined(),
  'admin:connect': z.strictObject({
    api: hostingApiSchema,
    url: z.string().check(z.minLength(1), z.maxLength(2048)),
    user: z.string().check(z.minLength(1), z.maxLength(64)),
    token: z.string().check(z.minLength(16), z.maxLength(512)),
  }),
  'admin:disconnect': z.strictObject({ api: hostingApiSchema }),
  'admin:checkIp': z.strictObject({ ip: z.optional(ipAddressSchema), email: z.optional(emailSchema) }),
  'admin:unblockIp': z.strictObject({ ip: ipAddressSchema, email: z.optional(emailSchema), confirmed: confirmedSchema }),
  'admin:resetPassword': z.strictObject({ email: emailSchema, password: mailboxPasswordSchema, confirmed: confirmedSchema }),
  'admin:testMailbox': z.strictObject({ domain: hostSchema, confirmed: confirmedSchema }),
  'admin:clientSettings': z.strictObject({ email: emailSchema }),
} as const;

/** A request without a payload: the verb takes no argument and nothing may be smuggled along. */
const noPayloadSchema = z.undefined();

export const requestSchemas = {
  'app:getInfo': noPayloadSchema,
  'accounts:list': noPayloadSchema,
  'diagnosis:start': diagnosisStartSchema,
  'diagnosis:cancel': z.strictObject({ runId: idSchema }),
  'report:get': reportRequestSchema,
  'report:copy': reportRequestSchema,
  'report:save': reportRequestSchema,
  'support:contact': reportRequestSchema,
  'links:open': z.strictObject({ linkId: z.enum(LINK_IDS) }),
  ...adminSchemas,
} as const satisfies Record<RequestChannel, z.ZodMiniType>;

export type RequestSchemas = typeof requestSchemas;

/**
 * Describes why a payload was refused without echoing any of its values (a payload may hold a
 * typed password): only the field paths and zod's issue codes.
 */
export function describeValidationError(error: z.core.$ZodError): string {
  const parts = error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String).join('.') || '(payload)';
    return `${path}: ${issue.code}`;
  });
  return `Invalid request: ${parts.join('; ')}`;
}
