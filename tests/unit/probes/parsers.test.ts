// Pure classification and parsing used by the probes: EHLO echo, connect errors, DNS answers,
// autoconfig XML, webmail pages, certificate problems, interfaces.
import { describe, expect, it } from 'vitest';
import type { PeerCertificate } from 'node:tls';
import { certificateProblemOf, subjectAltNames, summariseCertificate } from '../../../electron/probes/certificate';
import { parseEhloEchoIp } from '../../../electron/probes/dialogue';
import { classifyResolution, isNotOffered, mergePublishedServers, parseAutoconfig, serversFromSrv } from '../../../electron/probes/dns';
import { hasExternalInterface } from '../../../electron/probes/internet';
import { classifyConnectError } from '../../../electron/probes/tcp';
import { classifyWebmailPage } from '../../../electron/probes/webmail';

const errno = (code: string, address?: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code, ...(address === undefined ? {} : { address }) });
const fulfilled = (value: string[]): PromiseSettledResult<string[]> => ({ status: 'fulfilled', value });
const rejected = (code: string): PromiseSettledResult<string[]> => ({ status: 'rejected', reason: errno(code) });

describe('parseEhloEchoIp', () => {
  it('reads the client address Exim echoes', () => {
    expect(parseEhloEchoIp('250-mail.example.test Hello client.example.test [203.0.113.7]')).toBe('203.0.113.7');
    expect(parseEhloEchoIp('250-host Hello [127.0.0.1] [127.0.0.1]')).toBe('127.0.0.1');
    expect(parseEhloEchoIp('250-host Hello joe at pc.example [198.51.100.2]')).toBe('198.51.100.2');
    expect(parseEhloEchoIp('mail.example.test Hello [203.0.113.7] [203.0.113.7]')).toBe('203.0.113.7');
  });
  it('reads the first line of a whole EHLO reply, and sendmail\'s trailing greeting', () => {
    expect(parseEhloEchoIp('250-mail.example.test Hello client.example.test [127.0.0.1]\n250-SIZE 52428800')).toBe('127.0.0.1');
    expect(parseEhloEchoIp('250-mail.example.test Hello client.example.test [127.0.0.1]\r\n250 HELP')).toBe('127.0.0.1');
    expect(parseEhloEchoIp('250-mx.example.test Hello client.example.test [198.51.100.2], pleased to meet you')).toBe('198.51.100.2');
    expect(parseEhloEchoIp('250-mail.example.test\n250-x Hello y [127.0.0.1]')).toBeUndefined();
  });
  it('reads IPv6 address literals with and without the IPv6: tag', () => {
    expect(parseEhloEchoIp('250-host Hello name [IPv6:2001:db8::1]')).toBe('2001:db8::1');
    expect(parseEhloEchoIp('250 host Hello name [2001:db8::5]')).toBe('2001:db8::5');
  });
  it('returns undefined when there is no echo or it is not an address', () => {
    expect(parseEhloEchoIp('250-mail.example.test')).toBeUndefined();
    expect(parseEhloEchoIp('250-host Hello name [not-an-ip]')).toBeUndefined();
    expect(parseEhloEchoIp('250-host Hello name [999.1.1.1]')).toBeUndefined();
    expect(parseEhloEchoIp('250-PIPELINING')).toBeUndefined();
    expect(parseEhloEchoIp('250-SIZE 10 [127.0.0.1]')).toBeUndefined();
  });
});

describe('classifyConnectError', () => {
  it('maps single errors', () => {
    expect(classifyConnectError(errno('ECONNREFUSED', '127.0.0.1'), 3, 'h')).toEqual({ kind: 'refused', address: '127.0.0.1', afterMs: 3 });
    expect(classifyConnectError(errno('ECONNRESET'), 4, 'h')).toEqual({ kind: 'reset', afterMs: 4 });
    expect(classifyConnectError(errno('EHOSTUNREACH'), 5, 'h')).toEqual({ kind: 'unreachable', errorCode: 'EHOSTUNREACH' });
    expect(classifyConnectError(errno('ENETUNREACH'), 5, 'h')).toEqual({ kind: 'unreachable', errorCode: 'ENETUNREACH' });
    expect(classifyConnectError(errno('ETIMEDOUT'), 6, 'h')).toEqual({ kind: 'timeout', afterMs: 6 });
    expect(classifyConnectError(errno('EPERM'), 6, 'h')).toMatchObject({ kind: 'error', errorCode: 'EPERM' });
  });
  it('prefers a refusal over a missing IPv6 route when both families failed', () => {
    const both = new AggregateError([errno('ENETUNREACH', '2001:db8::1'), errno('ECONNREFUSED', '192.0.2.1')]);
    expect(classifyConnectError(both, 9, 'h')).toEqual({ kind: 'refused', address: '192.0.2.1', afterMs: 9 });
  });
});

describe('classifyResolution', () => {
  it('lists IPv6 before IPv4 and keeps every address', () => {
    expect(classifyResolution('h', fulfilled(['192.0.2.1']), fulfilled(['2001:db8::1']))).toEqual({
      kind: 'resolved', host: 'h', addresses: [{ address: '2001:db8::1', family: 6 }, { address: '192.0.2.1', family: 4 }],
    });
    expect(classifyResolution('h', fulfilled(['192.0.2.1']), rejected('ENODATA'))).toMatchObject({ kind: 'resolved' });
  });
  it('separates NXDOMAIN, no address, timeout and other errors', () => {
    expect(classifyResolution('h', rejected('ENOTFOUND'), rejected('ENOTFOUND'))).toEqual({ kind: 'not-found', host: 'h' });
    expect(classifyResolution('h', rejected('ENODATA'), rejected('ENODATA'))).toEqual({ kind: 'no-address', host: 'h' });
    expect(classifyResolution('h', rejected('ETIMEOUT'), rejected('ETIMEOUT'))).toEqual({ kind: 'timeout', host: 'h' });
    expect(classifyResolution('h', rejected('ESERVFAIL'), rejected('ENODATA'))).toEqual({ kind: 'error', host: 'h', errorCode: 'ESERVFAIL' });
  });
});

describe('autoconfig parsing', () => {
  const xml = `<?xml version="1.0"?>
<clientConfig version="1.1">
  <emailProvider id="example.test">
    <domain>example.test</domain>
    <incomingServer type="imap"><hostname>imap.%EMAILDOMAIN%</hostname><port>993</port><socketType>SSL</socketType>
      <authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></incomingServer>
    <incomingServer type="pop3"><hostname>pop.example.test</hostname><port>110</port><socketType>STARTTLS</socketType>
      <username>%EMAILLOCALPART%</username></incomingServer>
    <incomingServer type="exchange"><hostname>ews.example.test</hostname><port>443</port><socketType>SSL</socketType></incomingServer>
    <outgoingServer type="smtp"><hostname>smtp.example.test</hostname><port>587</port><socketType>STARTTLS</socketType>
      <username>%EMAILADDRESS%</username></outgoingServer>
    <outgoingServer type="smtp"><hostname>smtp.example.test</hostname><port>25</port><socketType>plain</socketType></outgoingServer>
  </emailProvider>
</clientConfig>`;
  it('maps servers in document order with TLS modes and username templates', async () => {
    expect(await parseAutoconfig(xml, 'example.test')).toEqual([
      { protocol: 'imap', host: 'imap.example.test', port: 993, tls: 'implicit', usernameTemplate: '%EMAILADDRESS%', from: 'autoconfig' },
      { protocol: 'pop3', host: 'pop.example.test', port: 110, tls: 'starttls', usernameTemplate: '%EMAILLOCALPART%', from: 'autoconfig' },
      { protocol: 'smtp', host: 'smtp.example.test', port: 587, tls: 'starttls', usernameTemplate: '%EMAILADDRESS%', from: 'autoconfig' },
      { protocol: 'smtp', host: 'smtp.example.test', port: 25, tls: 'none', from: 'autoconfig' },
    ]);
  });
  it('rejects documents that are not a clientConfig', async () => {
    expect(await parseAutoconfig('<html><body>Not here</body></html>', 'example.test')).toBeUndefined();
    expect(await parseAutoconfig('this is not xml <<<', 'example.test')).toBeUndefined();
  });
  it('treats a "." SRV target as "not offered" and merges without duplicates, autoconfig first', () => {
    expect(isNotOffered('.')).toBe(true);
    expect(isNotOffered('')).toBe(true);
    expect(isNotOffered('mail.example.test')).toBe(false);
    const fromSrv = serversFromSrv([
      { service: '_pop3._tcp', target: '.', port: 0, priority: 0, weight: 0 },
      { service: '_imap._tcp', target: 'b.example.test', port: 143, priority: 20, weight: 1 },
      { service: '_imaps._tcp', target: 'a.example.test', port: 993, priority: 10, weight: 1 },
    ]);
    expect(fromSrv).toEqual([
      { protocol: 'imap', host: 'a.example.test', port: 993, tls: 'implicit', from: 'srv' },
      { protocol: 'imap', host: 'b.example.test', port: 143, tls: 'starttls', from: 'srv' },
    ]);
    const merged = mergePublishedServers([{ protocol: 'imap', host: 'A.example.test', port: 993, tls: 'implicit', from: 'autoconfig' }], fromSrv);
    expect(merged.map((server) => `${server.from}:${server.host}:${server.port}`)).toEqual(['autoconfig:A.example.test:993', 'srv:b.example.test:143']);
  });
});

describe('classifyWebmailPage', () => {
  it('recognises the cPHulk lockout page', () => {
    const page = '<html><head><title>Brute Force Protection</title></head><body>This account is currently locked out because a brute force attempt was detected. Please wait a few minutes and try again.</body></html>';
    expect(classifyWebmailPage(page)).toEqual({ page: 'cphulk-block' });
  });
  it('recognises both CSF messenger wordings and reads the blocked IP', () => {
    const current = '<title>Unauthorized Access</title><h1>The firewall on this server is blocking your connection.</h1><p>Your blocked IP address is: <b>198.51.100.9</b></p>';
    expect(classifyWebmailPage(current)).toEqual({ page: 'csf-block', blockedIp: '198.51.100.9' });
    expect(classifyWebmailPage("Your connection to this server has been blocked in this server's firewall.")).toEqual({ page: 'csf-block' });
  });
  it('recognises the cPanel webmail login theme and nothing else', () => {
    const login = '<title>Webmail Login</title><link href="/unprotected/cpanel/style_v2_optimized.css"><form id="login_form" action="/login/?login_only=1">';
    expect(classifyWebmailPage(login)).toEqual({ page: 'cpanel-webmail-login' });
    expect(classifyWebmailPage('<title>Roundcube Webmail</title><form action="./?_task=login">')).toEqual({ page: 'other-page' });
  });
});

describe('certificate helpers', () => {
  it('maps Node verification codes to problems', () => {
    expect(certificateProblemOf('ERR_TLS_CERT_ALTNAME_INVALID')).toBe('hostname-mismatch');
    expect(certificateProblemOf('CERT_HAS_EXPIRED')).toBe('expired');
    expect(certificateProblemOf('CERT_NOT_YET_VALID')).toBe('not-yet-valid');
    expect(certificateProblemOf('DEPTH_ZERO_SELF_SIGNED_CERT')).toBe('self-signed');
    expect(certificateProblemOf('SELF_SIGNED_CERT_IN_CHAIN')).toBe('self-signed');
    expect(certificateProblemOf('UNABLE_TO_VERIFY_LEAF_SIGNATURE')).toBe('untrusted');
    expect(certificateProblemOf('UNABLE_TO_GET_ISSUER_CERT_LOCALLY')).toBe('untrusted');
    expect(certificateProblemOf('ECONNRESET')).toBeUndefined();
  });
  it('splits subjectAltName into names', () => {
    expect(subjectAltNames('DNS:mail.example.test, DNS:localhost, IP Address:127.0.0.1')).toEqual(['mail.example.test', 'localhost', '127.0.0.1']);
    expect(subjectAltNames(undefined)).toEqual([]);
  });
  it('keeps what a certificate names printable and bounded: it is the server\'s text too', () => {
    const peer = {
      subject: { CN: `evil\u001b[31m${'x'.repeat(1000)}` },
      issuer: { CN: 'Hostile CA', O: 'O'.repeat(1000) },
      subjectaltname: Array.from({ length: 500 }, (_, index) => `DNS:host${index}.example.test`).join(', '),
      valid_from: 'Jan  1 00:00:00 2030 GMT',
      valid_to: 'Jan  1 00:00:00 2031 GMT',
      fingerprint256: 'AA:BB',
    } as unknown as PeerCertificate;
    const summary = summariseCertificate(peer);
    expect(summary.names).toHaveLength(200);
    expect(summary.subjectCommonName).toMatch(/^evil\\x1b\[31mx+…$/);
    expect(summary.subjectCommonName?.length).toBeLessThan(270);
    expect(summary.issuer.length).toBeLessThanOrEqual(401);
  });
});

describe('hasExternalInterface', () => {
  const lo = { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4' as const, mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' };
  it('needs an interface other than loopback', () => {
    expect(hasExternalInterface({ lo: [lo] })).toBe(false);
    expect(hasExternalInterface({ lo: [lo], en0: [{ ...lo, address: '192.0.2.10', internal: false, cidr: '192.0.2.10/24' }] })).toBe(true);
  });
});
