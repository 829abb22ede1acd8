/**
 * The hosting tools for the window: connect (URL, user, token: the token goes to the keychain and never
 * comes back), the four actions, and what their results add to the next diagnosis (the cPHulk check, the
 * host's published settings). One action at a time: two at once would only double the logins cPHulk counts.
 *
 * The window never sees a token or a password coming back: requests carry a typed password or token in,
 * answers carry calls, outcomes and words' inputs out (electron/admin/adminActions.ts records no secret).
 * The managed preference AdminToolsEnabled=false refuses every action here, whatever the window asks.
 *
 * While an action runs, its token (and a new or generated mailbox password) is held in a scope of the
 * live-secrets registry; its progress events and its answer pass the exit guard before the scope is released,
 * so nothing the host echoed can carry them to the window (dispatchRequest guards the reply once more).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type {
  AdminActionName,
  AdminActionResult,
  AdminProgressEvent,
  AdminStatus,
  AdminToolsPolicy,
  BlockCheckResult,
  HostBlockCheck,
  HostClientSettings,
  HostingApi,
  HostingConnection,
  UnblockResult,
} from '../../shared/model/hosting';
import type { TestMailboxResult } from '../../shared/model/hosting';
import { estimatePasswordStrength } from '../../shared/admin/passwordStrength';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import type { ProbeSet } from '../diagnosis/probeSet';
import { LoginBudget } from '../diagnosis/loginBudget';
import type { ExitGuard } from '../exitGuard';
import { processExitGuard } from '../exitGuard';
import type { LiveSecrets } from '../keychain/liveSecrets';
import { processSecrets } from '../keychain/liveSecrets';
import type { AppSecretOptions } from '../keychain/appSecrets';
import { Secret } from '../keychain/secret';
import type { AdminContext, AdminReport } from './adminActions';
import { checkIp, clientSettings, resetPassword, testMailbox, unblock } from './adminActions';
import { isTokenShaped, readStoredToken, removeStoredToken, storeToken } from './adminCredentials';
import { CpanelApi } from './cpanelApi';
import { DeletionJournal } from './deletionJournal';
import { HostingSession } from './hostingSession';
import { parseHostingUrl } from './hostingUrl';
import { retryPendingDeletions } from './testMailbox';
import type { HostFacts } from './hostFacts';
import { WhmApi } from './whmApi';

/** Where tokens are kept: the OS keychain in the app; an in-memory map in the web preview and tests. */
export interface TokenStore {
  read(connection: HostingConnection): Promise<Result<Secret | null>>;
  store(connection: HostingConnection, token: Secret): Promise<Result<true>>;
  remove(connection: HostingConnection): Promise<Result<boolean>>;
}

export function keychainTokenStore(options: AppSecretOptions = {}): TokenStore {
  return {
    read: (connection) => readStoredToken(connection, options),
    store: (connection, token) => storeToken(connection, token, options),
    remove: (connection) => removeStoredToken(connection, options),
  };
}

/**
 * Tokens held in this process only (the web preview, tests): never written anywhere. Each is held in the
 * live-secrets registry for as long as this store keeps it, so every exit of the process searches for it.
 */
export function memoryTokenStore(secrets: LiveSecrets = processSecrets): TokenStore {
  const tokens = new Map<string, { readonly token: Secret; readonly scope: LiveSecrets }>();
  const key = (connection: HostingConnection): string => `${connection.api} ${connection.user}@${connection.url}`;
  const forget = (name: string): boolean => {
    tokens.get(name)?.scope.release();
    return tokens.delete(name);
  };
  return {
    read: (connection) => Promise.resolve(ok(tokens.get(key(connection))?.token ?? null)),
    store: (connection, token) => {
      forget(key(connection));
      const scope = secrets.openScope();
      scope.hold(token);
      tokens.set(key(connection), { token, scope });
      return Promise.resolve(ok(true as const));
    },
    remove: (connection) => Promise.resolve(ok(forget(key(connection)))),
  };
}

export interface AdminServiceOptions {
  /** The app's state folder (connections, refused tokens, the deletion journal, the login budget). */
  readonly stateDir: string;
  readonly tokens: TokenStore;
  /** What the managed preference AdminToolsEnabled says now (electron/fleet/managedPolicy.ts `adminToolsPolicy`). */
  readonly managedPolicy: () => Promise<AdminToolsPolicy>;
  readonly probes: Pick<ProbeSet, 'resolveHost' | 'connect'>;
  /** Extra CAs to trust (the preview's and tests' test CA; never fewer than the system's). */
  readonly extraCaPem?: () => Promise<readonly string[]>;
  /** Where the test mailbox connects instead of the published hosts (the preview against the loopback rig). */
  readonly mailHostOverride?: string;
  /** Deadline of one API call (default DEFAULT_CALL_TIMEOUT_MS); tests shorten it. */
  readonly callTimeoutMs?: number;
  readonly log: (message: string) => void;
  /** Where an action's token and passwords are held while it runs (default: the process's registry). */
  readonly secrets?: LiveSecrets;
  /** The check on every progress event and answer (default: the process's exit guard, over `processSecrets`). */
  readonly guard?: ExitGuard;
}

export interface ConnectRequest {
  readonly api: HostingApi;
  readonly url: string;
  readonly user: string;
  readonly token: string;
}

export interface AdminService {
  status(): Promise<Result<AdminStatus>>;
  connect(request: ConnectRequest, onProgress: (event: AdminProgressEvent) => void): Promise<Result<AdminActionResult<HostingConnection>>>;
  disconnect(api: HostingApi): Promise<Result<void>>;
  checkIp(request: { readonly ip?: string; readonly email?: string }, onProgress: (event: AdminProgressEvent) => void): Promise<Result<AdminActionResult<BlockCheckResult>>>;
  unblockIp(request: { readonly ip: string; readonly email?: string }, onProgress: (event: AdminProgressEvent) => void): Promise<Result<AdminActionResult<UnblockResult>>>;
  resetPassword(request: { readonly email: string; readonly password: string }, onProgress: (event: AdminProgressEvent) => void): Promise<Result<AdminActionResult<{ readonly mailbox: string }>>>;
  testMailbox(request: { readonly domain: string }, onProgress: (event: AdminProgressEvent) => void): Promise<Result<AdminActionResult<TestMailboxResult>>>;
  clientSettings(request: { readonly email: string }, onProgress: (event: AdminProgressEvent) => void): Promise<Result<AdminActionResult<HostClientSettings>>>;
  /** The start-up retry of journalled test-mailbox deletions (for every connected cPanel account). */
  retryPendingDeletions(): Promise<void>;
  /** What the hosting account said, for the next diagnosis of those mailboxes (electron/admin/hostFacts.ts). */
  hostFacts(): HostFacts;
}

const CONNECTIONS_FILE = 'hosting-connections.json';
const connectionsSchema = z.object({
  version: z.literal(1),
  cpanel: z.object({ url: z.string(), user: z.string() }).optional(),
  whm: z.object({ url: z.string(), user: z.string() }).optional(),
});

export function createAdminService(options: AdminServiceOptions): AdminService {
  const journal = new DeletionJournal(options.stateDir);
  const secrets = options.secrets ?? processSecrets;
  const guard = options.guard ?? processExitGuard;
  let busy = false;
  const facts = { blockChecks: new Map<string, HostBlockCheck>(), clientSettings: new Map<string, HostClientSettings>() };

  const connectionsFile = path.join(options.stateDir, CONNECTIONS_FILE);
  async function readConnections(): Promise<{ cpanel?: HostingConnection; whm?: HostingConnection }> {
    try {
      const parsed = connectionsSchema.safeParse(JSON.parse(await fs.readFile(connectionsFile, 'utf8')));
      if (!parsed.success) return {};
      const out: { cpanel?: HostingConnection; whm?: HostingConnection } = {};
      if (parsed.data.cpanel !== undefined) out.cpanel = { api: 'cpanel', ...parsed.data.cpanel };
      if (parsed.data.whm !== undefined) out.whm = { api: 'whm', ...parsed.data.whm };
      return out;
    } catch {
      return {};
    }
  }
  async function writeConnections(connections: { cpanel?: HostingConnection; whm?: HostingConnection }): Promise<void> {
    const strip = (connection: HostingConnection | undefined) => (connection === undefined ? undefined : { url: connection.url, user: connection.user });
    await fs.mkdir(options.stateDir, { recursive: true, mode: 0o700 });
    const temporary = `${connectionsFile}.${process.pid}.tmp`;
    await fs.writeFile(temporary, `${JSON.stringify({ version: 1, cpanel: strip(connections.cpanel), whm: strip(connections.whm) }, null, 2)}\n`, { mode: 0o600 });
    await fs.rename(temporary, connectionsFile);
  }

  async function refusal(): Promise<Result<never> | null> {
    if ((await options.managedPolicy()) === 'off') return err('admin-tools-off', 'Your organisation has turned the hosting-account tools off on this Mac.');
    return null;
  }

  async function context(action: AdminActionName, onProgress: (event: AdminProgressEvent) => void, scope: LiveSecrets): Promise<AdminContext> {
    const extra = options.extraCaPem === undefined ? [] : await options.extraCaPem();
    return {
      stateDir: options.stateDir,
      signal: new AbortController().signal,
      ...(extra.length === 0 ? {} : { extraCaPem: extra }),
      ...(options.callTimeoutMs === undefined ? {} : { callTimeoutMs: options.callTimeoutMs }),
      onCall: (call) => onProgress({ type: 'call', action, call }),
      secrets: scope,
    };
  }

  /**
   * Runs `work` with its own scope of the registry (the token and `alsoHeld` held from the start), its
   * progress events guarded as they leave, and its answer guarded before the scope is released.
   */
  async function guarded<T>(
    onProgress: (event: AdminProgressEvent) => void,
    alsoHeld: readonly Secret[],
    work: (scope: LiveSecrets, guardedProgress: (event: AdminProgressEvent) => void) => Promise<T>,
  ): Promise<T> {
    const scope = secrets.openScope();
    for (const secret of alsoHeld) scope.hold(secret);
    try {
      const answer = await work(scope, (event) => onProgress(guard.value('progress-event', event).value));
      return guard.value('ipc-reply', answer).value;
    } finally {
      scope.release();
    }
  }

  /** Runs one action with the stored token of `api`'s connection, one at a time. */
  async function withConnection<T>(
    api: HostingApi,
    onProgress: (event: AdminProgressEvent) => void,
    alsoHeld: readonly Secret[],
    run: (connection: HostingConnection, token: Secret, context: (action: AdminActionName) => Promise<AdminContext>, progress: (event: AdminProgressEvent) => void) => Promise<AdminReport<T>>,
  ): Promise<Result<AdminActionResult<T>>> {
    const refused = await refusal();
    if (refused !== null) return refused;
    if (busy) return err('admin-busy', 'Another hosting action is still running. Wait for it to finish.');
    const connection = (await readConnections())[api];
    if (connection === undefined) return err('not-connected', api === 'whm' ? 'Connect a WHM account first.' : 'Connect a cPanel account first.');
    const token = await options.tokens.read(connection);
    if (!token.ok) return err('keychain-error', 'The stored token could not be read from the keychain.');
    if (token.value === null) return err('not-connected', 'No token is stored for this account: connect again.');
    const stored = token.value;
    busy = true;
    try {
      return await guarded(onProgress, [stored, ...alsoHeld], async (scope, progress) => {
        const report = await run(connection, stored, (action) => context(action, progress, scope), progress);
        return ok({ calls: report.calls, retriedDeletions: report.retriedDeletions.map(({ connection: c, mailbox, createdAt, journal: state }) => ({ connection: c, mailbox, createdAt, journal: state })), outcome: report.outcome });
      });
    } finally {
      busy = false;
    }
  }

  return {
    async status() {
      const policy = await options.managedPolicy();
      const stored = await readConnections();
      const connections: { cpanel?: HostingConnection; whm?: HostingConnection } = {};
      for (const api of ['cpanel', 'whm'] as const) {
        const connection = stored[api];
        if (connection !== undefined) connections[api] = connection;
      }
      const pending = await journal.list().catch(() => ({ entries: [] }));
      return ok({
        policy,
        connections,
        pendingDeletions: pending.entries.map(({ connection, mailbox, createdAt }) => ({ connection, mailbox, createdAt })),
      });
    },

    async connect(request, onProgress) {
      const refused = await refusal();
      if (refused !== null) return refused;
      if (busy) return err('admin-busy', 'Another hosting action is still running. Wait for it to finish.');
      const url = parseHostingUrl(request.url, request.api);
      if (!url.ok) return err('invalid-address', `That address cannot be used: ${url.reason}.`);
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(request.user)) return err('invalid-user', 'That is not a cPanel or WHM user name.');
      if (!isTokenShaped(request.token)) return err('invalid-token', 'That is not an API token (16 to 512 characters, no spaces).');
      const connection: HostingConnection = { api: request.api, url: url.url.origin, user: request.user };
      const token = new Secret(request.token);
      busy = true;
      try {
        return await guarded(onProgress, [token], async (scope, progress) => {
          // One harmless call proves the token before it is kept: cPHulk's status, or the account's mailbox list.
          const session = new HostingSession({ connection, token, ...(await context('connect', progress, scope)) });
          const probe =
            request.api === 'whm'
              ? await new WhmApi(session).call('cphulk_status', [], () => true as const)
              : await new CpanelApi(session).uapi('Email', 'list_pops', { regex: '^$' }, () => true as const);
          // A token that works but may not list mailboxes is still the right token: keep it, the actions will say what is missing.
          if (!probe.ok && probe.problem.kind !== 'not-permitted') return ok({ calls: session.calls, retriedDeletions: [], outcome: probe });
          const stored = await options.tokens.store(connection, token);
          if (!stored.ok) return err('keychain-error', 'The token could not be stored in the keychain.');
          await writeConnections({ ...(await readConnections()), [request.api]: connection });
          return ok({ calls: session.calls, retriedDeletions: [], outcome: { ok: true as const, value: connection } });
        });
      } finally {
        busy = false;
      }
    },

    async disconnect(api) {
      const connections = await readConnections();
      const connection = connections[api];
      if (connection !== undefined) {
        const removed = await options.tokens.remove(connection);
        if (!removed.ok) return err('keychain-error', 'The token could not be removed from the keychain.');
      }
      const { [api]: _removed, ...rest } = connections;
      await writeConnections(rest);
      if (api === 'whm') facts.blockChecks.clear();
      return ok(undefined);
    },

    checkIp(request, onProgress) {
      return withConnection('whm', onProgress, [], async (connection, token, context) => {
        const report = await checkIp(connection, token, request, await context('check-ip'));
        // A check made for a mailbox becomes a fact of that mailbox's next diagnosis.
        if (report.outcome.ok && report.outcome.value.kind === 'checked' && request.email !== undefined) facts.blockChecks.set(request.email.toLowerCase(), report.outcome.value.check);
        return report;
      });
    },

    unblockIp(request, onProgress) {
      return withConnection('whm', onProgress, [], async (connection, token, context) => {
        const report = await unblock(connection, token, request.ip, await context('unblock-ip'));
        if (report.outcome.ok && request.email !== undefined) facts.blockChecks.set(request.email.toLowerCase(), report.outcome.value.after);
        return report;
      });
    },

    async resetPassword(request, onProgress) {
      // The window shows the strength as the person types; main decides.
      if (!estimatePasswordStrength(request.password).acceptable) return err('weak-password', 'That password is too weak: use a longer one, or mix in capitals, digits and symbols.');
      const password = new Secret(request.password);
      return withConnection('cpanel', onProgress, [password], async (connection, token, context) => resetPassword(connection, token, request.email, password, await context('reset-password')));
    },

    testMailbox(request, onProgress) {
      return withConnection('cpanel', onProgress, [], async (connection, token, context, progress) => {
        const report = await testMailbox(
          connection,
          token,
          {
            domain: request.domain,
            probes: options.probes,
            budget: await LoginBudget.open(options.stateDir),
            onStep: (step) => progress({ type: 'test-mailbox-step', step }),
            ...(options.mailHostOverride === undefined ? {} : { imapHost: options.mailHostOverride, smtpHost: options.mailHostOverride }),
          },
          await context('test-mailbox'),
        );
        const outcome = report.outcome;
        return { ...report, outcome: outcome.ok ? (outcome.value.problem === undefined ? { ok: true as const, value: outcome.value.result } : { ok: false as const, problem: outcome.value.problem }) : outcome };
      });
    },

    clientSettings(request, onProgress) {
      return withConnection('cpanel', onProgress, [], async (connection, token, context) => {
        const report = await clientSettings(connection, token, request.email, await context('client-settings'));
        if (report.outcome.ok) facts.clientSettings.set(request.email.toLowerCase(), report.outcome.value);
        return report;
      });
    },

    async retryPendingDeletions() {
      if ((await options.managedPolicy()) === 'off') return;
      const { entries } = await journal.list().catch(() => ({ entries: [] }));
      if (entries.length === 0) return;
      const connection = (await readConnections()).cpanel;
      if (connection === undefined || busy) return;
      const token = await options.tokens.read(connection);
      if (!token.ok || token.value === null) return;
      const stored = token.value;
      busy = true;
      try {
        await guarded(() => undefined, [stored], async (scope, progress) => {
          const session = new HostingSession({ connection, token: stored, ...(await context('test-mailbox', progress, scope)) });
          const retried = await retryPendingDeletions({ cpanel: new CpanelApi(session), journal });
          for (const entry of retried) options.log(`test mailbox of an interrupted run: deletion ${entry.journal === 'cleared' ? 'done' : 'still pending'}`);
        });
      } finally {
        busy = false;
      }
    },

    hostFacts() {
      return facts;
    },
  };
}

/**
 * A service that refuses every hosting action: for compositions without the hosting tools (tests of other
 * parts of the shell). The real one is createAdminService, composed in electron/services.ts.
 */
export function unavailableAdminService(): AdminService {
  const refuse = () => Promise.resolve(err('admin-unavailable', 'The hosting-account tools are not available here.'));
  return {
    status: () => Promise.resolve(ok({ policy: 'off' as const, connections: {}, pendingDeletions: [] })),
    connect: refuse,
    disconnect: refuse,
    checkIp: refuse,
    unblockIp: refuse,
    resetPassword: refuse,
    testMailbox: refuse,
    clientSettings: refuse,
    retryPendingDeletions: () => Promise.resolve(),
    hostFacts: () => ({ blockChecks: new Map(), clientSettings: new Map() }),
  };
}
