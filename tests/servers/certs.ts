// Test PKI made with the real openssl CLI: a test CA, a good server certificate, and the three bad ones
// (wrong name, expired, signed by an untrusted second CA). OpenSSL 3.0 has no `x509 -not_before`, so every
// leaf is issued with `openssl ca`, which takes explicit -startdate/-enddate (needed for the expired one).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './exec';

export interface CertPair {
  certFile: string;
  keyFile: string;
}

export interface TestPki {
  caFile: string;
  caPem: string;
  untrustedCaFile: string;
  good: CertPair;
  wrongHost: CertPair;
  expired: CertPair;
  untrusted: CertPair;
}

export const GOOD_NAME = 'mail.example.test';
export const WRONG_HOST_NAMES = ['server.hostingco.test', '*.hostingco.test'];

const CA_CONFIG = `[ca]
default_ca = testca
[testca]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = anything
copy_extensions = none
unique_subject = no
[anything]
commonName = supplied
`;

async function makeCa(dir: string, commonName: string): Promise<{ certFile: string; keyFile: string }> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'ca.cnf'), CA_CONFIG);
  await writeFile(path.join(dir, 'index.txt'), '');
  await writeFile(path.join(dir, 'serial'), '1000\n');
  const certFile = path.join(dir, 'ca.pem');
  const keyFile = path.join(dir, 'ca.key');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '3650', '-subj', `/CN=${commonName}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return { certFile, keyFile };
}

interface LeafRequest {
  name: string;
  subjectAltNames: string[];
  startDate?: string; // YYYYMMDDHHMMSSZ
  endDate?: string;
}

async function issueLeaf(caDir: string, ca: { certFile: string; keyFile: string }, outDir: string, leaf: LeafRequest): Promise<CertPair> {
  const keyFile = path.join(outDir, `${leaf.name}.key`);
  const csrFile = path.join(outDir, `${leaf.name}.csr`);
  const certFile = path.join(outDir, `${leaf.name}.pem`);
  const extFile = path.join(outDir, `${leaf.name}.ext`);
  const commonName = (leaf.subjectAltNames[0] ?? 'DNS:invalid').replace(/^[A-Z]+:/, '');
  await writeFile(extFile, `[leaf]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\n` +
    `extendedKeyUsage = serverAuth\nsubjectAltName = ${leaf.subjectAltNames.join(',')}\n`);
  await run('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${commonName}`]);
  const validity = leaf.startDate !== undefined && leaf.endDate !== undefined
    ? ['-startdate', leaf.startDate, '-enddate', leaf.endDate]
    : ['-days', '3650'];
  await run('openssl', ['ca', '-batch', '-notext', '-config', 'ca.cnf', '-cert', ca.certFile, '-keyfile', ca.keyFile,
    '-in', csrFile, '-out', certFile, '-extfile', extFile, '-extensions', 'leaf', ...validity], { cwd: caDir });
  return { certFile, keyFile };
}

function layout(dir: string): { certsDir: string; trustedDir: string; untrustedDir: string } {
  return { certsDir: path.join(dir, 'certs'), trustedDir: path.join(dir, 'ca-trusted'), untrustedDir: path.join(dir, 'ca-untrusted') };
}

/** The PKI an earlier createTestPki(dir) wrote (e.g. for a second Dovecot started by a test). */
export async function loadTestPki(dir: string): Promise<TestPki> {
  const { certsDir, trustedDir, untrustedDir } = layout(dir);
  const pair = (name: string): CertPair => ({ certFile: path.join(certsDir, `${name}.pem`), keyFile: path.join(certsDir, `${name}.key`) });
  const caFile = path.join(trustedDir, 'ca.pem');
  return {
    caFile, caPem: await readFile(caFile, 'utf8'), untrustedCaFile: path.join(untrustedDir, 'ca.pem'),
    good: pair('good'), wrongHost: pair('wrong-host'), expired: pair('expired'), untrusted: pair('untrusted'),
  };
}

export async function createTestPki(dir: string): Promise<TestPki> {
  const { certsDir, trustedDir, untrustedDir } = layout(dir);
  await mkdir(certsDir, { recursive: true });
  const [trusted, other] = await Promise.all([
    makeCa(trustedDir, 'Mail Doctor Test CA'),
    makeCa(untrustedDir, 'Some Other CA Nobody Trusts'),
  ]);
  const goodNames = [`DNS:${GOOD_NAME}`, 'DNS:localhost', 'IP:127.0.0.1'];
  // `openssl ca` serialises on its index/serial files, so issue one after the other per CA.
  const good = await issueLeaf(trustedDir, trusted, certsDir, { name: 'good', subjectAltNames: goodNames });
  const wrongHost = await issueLeaf(trustedDir, trusted, certsDir, {
    name: 'wrong-host', subjectAltNames: WRONG_HOST_NAMES.map((name) => `DNS:${name}`),
  });
  const expired = await issueLeaf(trustedDir, trusted, certsDir, {
    name: 'expired', subjectAltNames: goodNames, startDate: '20200101000000Z', endDate: '20210101000000Z',
  });
  const untrusted = await issueLeaf(untrustedDir, other, certsDir, { name: 'untrusted', subjectAltNames: goodNames });
  // Exim reads keys after dropping to Debian-exim; Dovecot reads them as root.
  for (const pair of [good, wrongHost, expired, untrusted]) {
    await run('chown', ['root:Debian-exim', pair.keyFile]);
    await run('chmod', ['640', pair.keyFile]);
  }
  return {
    caFile: trusted.certFile,
    caPem: await readFile(trusted.certFile, 'utf8'),
    untrustedCaFile: other.certFile,
    good, wrongHost, expired, untrusted,
  };
}
