/**
 * Decides whether an IPC message may be served: it must come from the top-level frame of one of the
 * app's own windows, showing the app's own page. A subframe, another page the window was somehow
 * navigated to, or a webContents we did not create gets nothing.
 */
import type { IpcMainInvokeEvent, WebContents } from 'electron';

export interface SenderPolicyOptions {
  /** The app's one page: app://mail-doctor/index.html (electron/window/appProtocol.ts APP_PAGE_URL). */
  readonly appPageUrl: string;
  /** True for webContents of windows our window factory created. */
  readonly isOwnWebContents: (contents: WebContents) => boolean;
}

export type SenderCheck = (event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>) => boolean;

export function createSenderPolicy(options: SenderPolicyOptions): SenderCheck {
  const expected = pageIdentity(options.appPageUrl);
  if (expected === null) throw new Error('appPageUrl must be an absolute URL');
  return (event) => {
    const frame = event.senderFrame;
    // null when the frame navigated away or was destroyed before the message was handled.
    if (frame === null) return false;
    if (frame.parent !== null) return false;
    if (!options.isOwnWebContents(event.sender)) return false;
    return pageIdentity(frame.url) === expected;
  };
}

/**
 * The part of a URL that names the page: protocol, host and path. The fragment is ignored (the page
 * may use it for its own state); a query string is not, because our page is loaded without one.
 */
function pageIdentity(url: string): string | null {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}${parsed.search}`;
  } catch {
    return null;
  }
}
