/**
 * The preload script: the one module that touches `ipcRenderer` (enforced by eslint.config.js).
 * Bundled by esbuild into ONE CommonJS file (dist/electron/preload.cjs), because a sandboxed preload
 * can require nothing but 'electron' and a few polyfilled modules.
 *
 * It exposes `window.mailDoctor`: the contract's named verbs, nothing else. No ipcRenderer, no
 * generic invoke(channel), no Electron event objects reach the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { buildMailDoctorApi } from '../shared/ipc/contract';
import type { BridgeTransport } from '../shared/ipc/contract';

const ipcTransport: BridgeTransport = {
  invoke: (channel, payload) => ipcRenderer.invoke(channel, payload) as Promise<unknown>,
  subscribe: (channel, listener) => {
    // The page's callback never sees the Electron event; keep this exact function so that the
    // unsubscribe below removes it (a fresh closure would remove nothing).
    const forward = (_event: IpcRendererEvent, value: unknown): void => {
      listener(value);
    };
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
};

contextBridge.exposeInMainWorld('mailDoctor', buildMailDoctorApi(ipcTransport));
