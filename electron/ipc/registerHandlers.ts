/**
 * The one module that touches `ipcMain` (enforced by eslint.config.js). Registers every request
 * channel of the contract; each message is first checked for its sender, then validated, then served
 * by the injected services. Every answer is a Result: nothing is thrown to the window.
 */
import { ipcMain } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import { REQUEST_CHANNELS } from '../../shared/ipc/contract';
import type { IpcEvents } from '../../shared/ipc/contract';
import type { Result } from '../../shared/result';
import { err } from '../../shared/result';
import type { ExitGuard } from '../exitGuard';
import { processExitGuard } from '../exitGuard';
import type { ChannelHandlers, DispatchLogger } from './channelHandlers';
import { dispatchRequest } from './channelHandlers';
import type { SenderCheck } from './senderPolicy';

export interface RegisterHandlersOptions {
  readonly handlers: ChannelHandlers;
  readonly isTrustedSender: SenderCheck;
  /** Receives channel names and error codes only. */
  readonly log: DispatchLogger;
  /** Checks every reply and progress event before it is sent (default: the process's exit guard). */
  readonly guard?: ExitGuard;
}

/** Registers all channels; returns a function that removes them again (tests, app shutdown). */
export function registerHandlers(options: RegisterHandlersOptions): () => void {
  for (const channel of REQUEST_CHANNELS) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, payload: unknown): Promise<Result<unknown>> => {
      if (!options.isTrustedSender(event)) {
        options.log(`${channel}: refused a message from an unknown sender`);
        return Promise.resolve(err('sender-refused', 'This request did not come from Mail Doctor’s window.'));
      }
      const sender = event.sender;
      return dispatchRequest(
        options.handlers,
        channel,
        payload,
        {
          callerId: sender.id,
          emitProgress: (progress: IpcEvents['diagnosis:progress']) => {
            // The window may be closed while a run is still going; its events then have nowhere to go.
            if (!sender.isDestroyed()) sender.send('diagnosis:progress', progress);
          },
          emitAdminProgress: (progress: IpcEvents['admin:progress']) => {
            if (!sender.isDestroyed()) sender.send('admin:progress', progress);
          },
        },
        options.log,
        options.guard ?? processExitGuard,
      );
    });
  }
  return () => {
    for (const channel of REQUEST_CHANNELS) ipcMain.removeHandler(channel);
  };
}
