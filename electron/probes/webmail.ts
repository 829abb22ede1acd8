/**
 * Webmail probe: an HTTPS GET (no login, verification on) of the places a cPanel host serves webmail.
 * Why: when mail ports time out but webmail answers, the network is fine and the mail ports are
 * blocked for this IP; when webmail shows cPHulk's "Brute Force Protection" page or CSF's firewall
 * message, the block is named outright.
 */
import type { WebmailOutcome, WebmailPageKind } from '../../shared/probes/outcomes';
import { certificateProblemOf } from './certificate';
import { httpGet } from './httpGet';
import type { ProbeContext } from './types';

/** Enough of a login or block page to recognise it; the rest is not read. */
const MAX_PAGE_BYTES = 256 * 1024;

/** The standard webmail locations of a cPanel host, in the order a helpdesk tries them. */
export function defaultWebmailUrls(emailDomain: string, mailHost: string): string[] {
  return [`https://webmail.${emailDomain}/`, `https://${mailHost}:2096/`, `https://${emailDomain}/webmail`];
}

/**
 * cPHulk's lockout page (cPanel/Webmail login on 2083/2096): titled "Brute Force Protection", with
 * "This account is currently locked out because a brute force attempt was detected."
 */
const CPHULK_MARKERS = [/brute force protection/i, /locked out because a brute force attempt was detected/i];

/**
 * CSF's MESSENGER page shown to a blocked IP on 443/2083/2096: current csf says "The firewall on this
 * server is blocking your connection." (and "Your blocked IP address is: <b>IP</b>"); older builds said
 * "Your connection to this server has been blocked in this server's firewall".
 */
const CSF_MARKERS = [/firewall on this server is blocking your connection/i, /blocked in this server['’]?s firewall/i];

/** cPanel's login theme (served from /unprotected/, posting to /login/?login_only=1), on a webmail page. */
function isCpanelWebmailLogin(body: string): boolean {
  const cpanelLogin = /login\/\?login_only=1/i.test(body) || /\/unprotected\//i.test(body) || /id=["']login_form["']/i.test(body);
  return cpanelLogin && /webmail/i.test(body);
}

/** Classifies a page body. Exported for unit tests. */
export function classifyWebmailPage(body: string): { page: WebmailPageKind; blockedIp?: string } {
  if (CSF_MARKERS.some((marker) => marker.test(body))) {
    const ip = /blocked IP address is:\s*(?:<b>)?\s*([0-9A-Fa-f:.]+)/i.exec(body)?.[1];
    return ip === undefined ? { page: 'csf-block' } : { page: 'csf-block', blockedIp: ip };
  }
  if (CPHULK_MARKERS.some((marker) => marker.test(body))) return { page: 'cphulk-block' };
  if (isCpanelWebmailLogin(body)) return { page: 'cpanel-webmail-login' };
  return { page: 'other-page' };
}

/** GETs one webmail URL and classifies what answered. Never rejects. */
export async function probeWebmail(url: string, ctx: ProbeContext): Promise<WebmailOutcome> {
  const result = await httpGet(url, ctx, { maxBodyBytes: MAX_PAGE_BYTES, maxRedirects: 3, httpsOnly: true });
  switch (result.kind) {
    case 'response': {
      const classified = classifyWebmailPage(result.body);
      return {
        kind: 'page',
        url,
        httpStatus: result.status,
        page: classified.page,
        ...(result.url === url ? {} : { finalUrl: result.url }),
        ...(classified.blockedIp === undefined ? {} : { blockedIp: classified.blockedIp }),
      };
    }
    case 'tls-failed':
      return { kind: 'tls-failed', url, problem: certificateProblemOf(result.code) ?? 'other', code: result.code };
    case 'connect-failed':
      return { kind: 'unreachable', url, tcp: result.tcp };
    case 'dns-failed':
      return { kind: 'not-found', url, errorCode: result.errorCode };
    case 'timeout':
      // A deadline during connect is what a silent DROP looks like; later it is a stalled server.
      return { kind: 'unreachable', url, tcp: result.phase === 'connect' ? { kind: 'timeout', afterMs: result.afterMs } : { kind: 'error', errorCode: 'ETIMEDOUT', message: `no answer during ${result.phase}` } };
    case 'error':
      return { kind: 'unreachable', url, tcp: { kind: 'error', errorCode: result.errorCode, message: result.message } };
  }
}

/** Probes several webmail URLs in parallel (each within the same deadline). */
export function probeWebmailUrls(urls: readonly string[], ctx: ProbeContext): Promise<WebmailOutcome[]> {
  return Promise.all(urls.map((url) => probeWebmail(url, ctx)));
}
