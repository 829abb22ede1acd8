// The contract between the test rig (tests/servers/globalSetup.ts) and every test that talks to the real
// loopback mail servers. Tests read it with `useMailServers()`; nothing here is a mock.

export interface TestUser {
  /** Login name for IMAP, POP3 and SMTP alike (a full address). */
  address: string;
  /** Same password on every protocol. Test-only; never a real secret. */
  password: string;
}

export interface PortPair {
  /** Plain connection that upgrades with STARTTLS (IMAP 143 / POP3 110 / SMTP 587 style). */
  starttls: number;
  /** TLS from the first byte (IMAPS 993 / POP3S 995 / SMTPS 465 style). */
  implicit: number;
}

export interface BadCertEndpoint {
  /** A loopback address (127.0.0.x) where the same ports as on `host` present this certificate. */
  ip: string;
  /** A name in the DNS test zone that resolves to `ip`. */
  dnsName: string;
}

/** Names served by the test DNS server (all under `example.test`). */
export interface DnsNames {
  /** A -> 127.0.0.1, the MX target and the target of every SRV record. */
  mail: string;
  /** CNAMEs to `mail`. */
  imapAlias: string;
  smtpAlias: string;
  /** A records for the bad-certificate addresses. */
  wrongHost: string;
  expired: string;
  untrusted: string;
  /** A name under the zone that does not exist: NXDOMAIN. */
  missing: string;
}

export interface MailServersInfo {
  host: '127.0.0.1';
  /** PEM file of the test CA that signs the good server certificate. Clients trust only this. */
  caFile: string;
  caPem: string;
  /** The name the good certificate carries (it also carries `localhost` and IP 127.0.0.1). */
  goodName: string;
  /** Dovecot. */
  imap: PortPair;
  pop3: PortPair;
  /** Exim submission (AUTH PLAIN and LOGIN through Dovecot's auth socket, only advertised after TLS). */
  smtp: PortPair;
  /** dnsmasq serving the zone `example.test` only (no upstream, no /etc/hosts). */
  dns: {
    host: '127.0.0.1';
    port: number;
    zone: 'example.test';
    names: DnsNames;
    /** MX of the zone: `mail` with preference 10. SRV _imaps/_imap/_pop3s/_pop3/_submission/_submissions._tcp
     * point at `mail` with the real test ports above (priority 0, weight 1). */
    mxPreference: number;
    /** The single TXT record on the zone apex. */
    txt: string;
    /** What the server answers for `myip.opendns.com` (the public-IP fallback's question). */
    publicIp: string;
  };
  users: { alice: TestUser; bob: TestUser };
  /**
   * The same ports on other loopback addresses present bad certificates:
   * wrongHost — signed by the test CA but for other names (`certNames`);
   * expired — names right, signed by the test CA, validity ended in the past;
   * untrusted — names right, signed by a second CA the clients do not trust (leaf sent without chain).
   */
  badCerts: {
    wrongHost: BadCertEndpoint & { certNames: string[] };
    expired: BadCertEndpoint;
    untrusted: BadCertEndpoint;
  };
  /**
   * Where the cPanel contract double (tests/servers/cpanelDouble.ts) keeps what it changes, through
   * tests/servers/hostingMailboxes.ts: its mailboxes (Dovecot passwd-files, which Exim's AUTH goes through too;
   * mail delivered to their Maildir) and its cPHulk deny list (one file per client address: Dovecot, and so
   * Exim, refuse every login from it).
   */
  hosting: { mailboxDir: string; denyDir: string; mailRoot: string; mailUser: string };
  /** Log files; tests may count failed authentications in them. Exim's is its mainlog. */
  logs: { dovecot: string; exim: string };
  /** The fresh temp directory holding configs, certs, logs and spools of this run. */
  dataDir: string;
  /**
   * How Dovecot treats failed logins (Exim authenticates through Dovecot, so SMTP too): the main rig runs what
   * Dovecot ships (auth penalty on, auth_failure_delay 2 s). See tests/servers/dovecot.ts DovecotAuthPolicy.
   */
  dovecotAuth: { readonly penalty: boolean; readonly failureDelaySeconds: number };
}

/** What the globalSetup hands to the test workers. */
export type MailServersProvision =
  | { available: true; info: MailServersInfo }
  | { available: false; reason: string; missingBinaries: string[] };

declare module 'vitest' {
  export interface ProvidedContext {
    mailServers: MailServersProvision;
  }
}
