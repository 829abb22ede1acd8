/**
 * Channel -> handler, shared by the Electron IPC registration and the web preview's HTTP bridge:
 * validates the payload with the contract's schema, calls the service, and always resolves with a
 * Result (a throwing service becomes 'internal-error'; its message stays in main's log).
 *
 * Two exits to the window pass through here, so both are guarded here: every reply and every progress
 * event is checked against the secrets the process holds (electron/exitGuard.ts) before it is sent.
 */
import type { ProgressEvent } from '../../shared/diagnosis/types';
import type { AdminProgressEvent } from '../../shared/model/hosting';
import type { IpcRequests, IpcResult, RequestChannel } from '../../shared/ipc/contract';
import { isRequestChannel } from '../../shared/ipc/contract';
import { describeValidationError, requestSchemas } from '../../shared/ipc/schemas';
import type { Result } from '../../shared/result';
import { err, ok } from '../../shared/result';
import type { ExitGuard } from '../exitGuard';
import { processExitGuard } from '../exitGuard';
import { normalizeDiagnosisStart } from '../hostNames';
import type { MainServices } from './mainServices';

/** What a handler knows besides the payload: how to push progress events to the window that asked. */
export interface RequestContext {
  readonly emitProgress: (event: ProgressEvent) => void;
  /** Progress of a hosting action (each API call, each test-mailbox step), to the window that asked. */
  readonly emitAdminProgress?: (event: AdminProgressEvent) => void;
  /** The asking window's webContents id (Electron only), so a save dialog attaches to that window. */
  readonly callerId?: number;
}

export type ChannelHandlers = {
  readonly [C in RequestChannel]: (payload: IpcRequests[C], context: RequestContext) => Promise<IpcResult<C>>;
};

export function createChannelHandlers(services: MainServices): ChannelHandlers {
  return {
    'app:getInfo': () => Promise.resolve(ok(services.appInfo())),
    'accounts:list': () => services.accounts.list(),
    'diagnosis:start': (request, context) => {
      // The same host conversion as the CLI's (IDN to A-labels); a name that is none is refused here.
      const normalized = normalizeDiagnosisStart(request);
      if (!normalized.ok) return Promise.resolve(err('invalid-payload', `Invalid request: ${normalized.error.message}.`));
      return services.diagnosis.start(normalized.value, context.emitProgress);
    },
    'diagnosis:cancel': ({ runId }) => services.diagnosis.cancel(runId),
    'report:get': (request) => services.report.get(request),
    'report:copy': async (request) => {
      const report = await services.report.get(request);
      if (!report.ok) return report;
      return services.clipboard.writeText(report.value.markdown);
    },
    'report:save': (request, context) => services.reportFiles.save(request, context.callerId),
    'support:contact': (request) => services.support.contact(request),
    'links:open': ({ linkId }) => services.links.open(linkId),
    'admin:status': () => services.admin.status(),
    'admin:connect': (request, context) => services.admin.connect(request, adminProgress(context)),
    'admin:disconnect': ({ api }) => services.admin.disconnect(api),
    'admin:checkIp': ({ ip, email }, context) =>
      services.admin.checkIp({ ...(ip === undefined ? {} : { ip }), ...(email === undefined ? {} : { email }) }, adminProgress(context)),
    'admin:unblockIp': ({ ip, email }, context) => services.admin.unblockIp({ ip, ...(email === undefined ? {} : { email }) }, adminProgress(context)),
    'admin:resetPassword': ({ email, password }, context) => services.admin.resetPassword({ email, password }, adminProgress(context)),
    'admin:testMailbox': ({ domain }, context) => services.admin.testMailbox({ domain }, adminProgress(context)),
    'admin:clientSettings': ({ email }, context) => services.admin.clientSettings({ email }, adminProgress(context)),
  };
}

function adminProgress(context: RequestContext): (event: AdminProgressEvent) => void {
  return (event) => context.emitAdminProgress?.(event);
}

export type DispatchLogger = (message: string) => void;

/**
 * Runs one request that arrived as untrusted data. `log` receives the channel name and the error
 * code only, never a payload (it may hold a typed password). The reply and every progress event pass
 * `guard` (default: the process's exit guard) on their way out.
 */
export async function dispatchRequest(
  handlers: ChannelHandlers,
  channel: string,
  payload: unknown,
  context: RequestContext,
  log: DispatchLogger,
  guard: ExitGuard = processExitGuard,
): Promise<Result<unknown>> {
  if (!isRequestChannel(channel)) {
    log('refused a request on an unknown channel');
    return err('invalid-payload', 'Unknown request.');
  }
  const guardedContext: RequestContext = {
    ...context,
    emitProgress: (event) => {
      context.emitProgress(guard.value('progress-event', event).value);
    },
    ...(context.emitAdminProgress === undefined
      ? {}
      : { emitAdminProgress: (event: AdminProgressEvent) => context.emitAdminProgress?.(guard.value('progress-event', event).value) }),
  };
  const reply = await runChannel(handlers, channel, payload, guardedContext, log);
  const guarded = guard.value('ipc-reply', reply);
  if (guarded.scrubbed) log(`${channel}: a password was removed from the reply (SECRET_SCRUBBED)`);
  return guarded.value;
}

async function runChannel<C extends RequestChannel>(
  handlers: ChannelHandlers,
  channel: C,
  payload: unknown,
  context: RequestContext,
  log: DispatchLogger,
): Promise<Result<unknown>> {
  const schema: (typeof requestSchemas)[RequestChannel] = requestSchemas[channel];
  const parsed = schema.safeParse(payload);
  if (!parsed.success) {
    log(`${channel}: invalid payload`);
    return err('invalid-payload', describeValidationError(parsed.error));
  }
  // TypeScript cannot correlate `handlers[channel]` with `requestSchemas[channel]` for a generic
  // channel; the payload was just validated by that very channel's schema.
  const handler = handlers[channel] as (payload: unknown, context: RequestContext) => Promise<IpcResult<C>>;
  try {
    return await handler(parsed.data, context);
  } catch (error: unknown) {
    log(`${channel}: handler failed (${error instanceof Error ? error.name : 'non-error thrown'})`);
    return err('internal-error', 'Mail Doctor hit an unexpected problem. Please try again.');
  }
}
