/**
 * How the window reaches the main process. In the app, the preload put the typed API on
 * `window.mailDoctor`. In the web preview (`npm run preview`) there is no preload: the same API is
 * built over the preview server's loopback HTTP bridge instead.
 *
 * Preview token: the server prints `http://127.0.0.1:<port>/#token=<token>`. The token is read from
 * the URL fragment (never sent to any server, never in a Referer), kept in memory, and the fragment
 * is then removed from the address bar.
 */
import { EVENT_CHANNELS, buildMailDoctorApi } from '../shared/ipc/contract';
import type { BridgeTransport, EventChannel, MailDoctorApi, RequestChannel } from '../shared/ipc/contract';
import { err } from '../shared/result';

declare global {
  interface Window {
    /** Present in the Electron app (set by electron/preload.ts), absent in the web preview. */
    readonly mailDoctor?: MailDoctorApi;
  }
}

export function getBridge(): MailDoctorApi {
  return window.mailDoctor ?? buildMailDoctorApi(createHttpTransport(takeTokenFromFragment()));
}

export const PREVIEW_TOKEN_HEADER = 'x-mail-doctor-token';

function takeTokenFromFragment(): string | null {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const token = params.get('token');
  if (token !== null) window.history.replaceState(null, '', window.location.pathname + window.location.search);
  return token;
}

/** The preview's transport: POST /api/<channel> for requests, one EventSource for events. */
export function createHttpTransport(token: string | null): BridgeTransport {
  const listeners = new Map<EventChannel, Set<(value: unknown) => void>>();
  let events: EventSource | null = null;

  const openEvents = (): void => {
    if (events !== null || token === null) return;
    // EventSource cannot send headers; the server accepts the token in the query for this one path.
    const source = new EventSource(`./api/events?token=${encodeURIComponent(token)}`);
    for (const channel of EVENT_CHANNELS) {
      source.addEventListener(channel, (message: MessageEvent<string>) => {
        const value: unknown = JSON.parse(message.data);
        for (const listener of listeners.get(channel) ?? []) listener(value);
      });
    }
    events = source;
  };

  const closeEventsIfUnused = (): void => {
    const anyListener = [...listeners.values()].some((set) => set.size > 0);
    if (!anyListener && events !== null) {
      events.close();
      events = null;
    }
  };

  return {
    async invoke(channel: RequestChannel, payload: unknown): Promise<unknown> {
      if (token === null) {
        return err('bridge-unavailable', 'Open the preview with the address it printed (it carries the access token).');
      }
      try {
        const response = await fetch(`./api/${channel}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', [PREVIEW_TOKEN_HEADER]: token },
          body: JSON.stringify({ payload }),
        });
        if (!response.ok) return err('bridge-refused', `The preview server refused the request (HTTP ${String(response.status)}).`);
        const result: unknown = await response.json();
        return result;
      } catch {
        return err('bridge-unavailable', 'The preview server cannot be reached.');
      }
    },
    subscribe(channel, listener) {
      let set = listeners.get(channel);
      if (set === undefined) {
        set = new Set();
        listeners.set(channel, set);
      }
      set.add(listener);
      openEvents();
      return () => {
        listeners.get(channel)?.delete(listener);
        closeEventsIfUnused();
      };
    },
  };
}
