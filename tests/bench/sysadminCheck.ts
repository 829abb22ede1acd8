/**
 * The check a sysadmin types when a user says "Mail doesn't work": three commands from Debian's packages, one
 * after the other, each a whole process:
 *   curl imaps://...   an IMAP login over implicit TLS (curl logs in, lists the mailboxes, logs out)
 *   swaks --tls ...    SMTP submission with STARTTLS and AUTH PLAIN, quitting after AUTH (no mail sent)
 *   curl https://...   the webmail page answers
 * Certificates are verified against the test CA, as Mail Doctor's are; names resolve through `--resolve`
 * (curl) or an address (swaks), so no DNS is asked: Mail Doctor asks the rig's DNS server, which only adds to
 * its side.
 */
import { spawnSync } from 'node:child_process';
import { runProcess } from './processRun';
import type { ProcessRun } from './processRun';

export interface SysadminTarget {
  readonly hostName: string;
  readonly imapPort: number;
  readonly smtpPort: number;
  readonly webmailPort: number;
  readonly user: string;
  readonly password: string;
  readonly caFile: string;
}

export interface SysadminStep {
  readonly command: string;
  readonly ms: number;
  readonly code: number | null;
}

export interface SysadminResult {
  readonly ms: number;
  readonly ok: boolean;
  readonly steps: readonly SysadminStep[];
}

/**
 * Why the sysadmin's check cannot run here, or undefined when it can: curl, and swaks with TLS support
 * (`.ci/install-system-packages.sh` installs them: curl swaks libnet-ssleay-perl).
 */
export function sysadminToolsMissing(): string | undefined {
  const missing = ['curl', 'swaks'].filter((tool) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool]).status !== 0);
  if (missing.length > 0) return `missing ${missing.join(', ')} (Debian: apt-get install --no-install-recommends curl swaks libnet-ssleay-perl)`;
  const support = spawnSync('swaks', ['--support'], { encoding: 'utf8' });
  if (!`${support.stdout}${support.stderr}`.includes('=== TLS supported')) return 'swaks has no TLS support (Debian: apt-get install libnet-ssleay-perl)';
  return undefined;
}

/** Each command is stopped after this long (they answer in well under a second on the rig). */
const STEP_CAP_MS = 30_000;

function steps(target: SysadminTarget): { command: string; args: string[] }[] {
  const resolveTo = (port: number): string[] => ['--resolve', `${target.hostName}:${port}:127.0.0.1`];
  return [
    {
      command: 'curl',
      args: ['--silent', '--show-error', '--cacert', target.caFile, ...resolveTo(target.imapPort), '--user', `${target.user}:${target.password}`, `imaps://${target.hostName}:${target.imapPort}/`],
    },
    {
      command: 'swaks',
      args: [
        '--server', `127.0.0.1:${target.smtpPort}`,
        '--tls', '--tls-verify', '--tls-ca-path', target.caFile, '--tls-sni', target.hostName,
        '--auth', 'PLAIN', '--auth-user', target.user, '--auth-password', target.password,
        '--quit-after', 'AUTH', '--silent', '2',
      ],
    },
    {
      command: 'curl',
      args: ['--silent', '--show-error', '--fail', '--output', '/dev/null', '--cacert', target.caFile, ...resolveTo(target.webmailPort), `https://${target.hostName}:${target.webmailPort}/`],
    },
  ];
}

function describe(command: string, run: ProcessRun): string {
  return `${command} exited ${String(run.code)}: ${run.stderr.trim().split('\n').slice(-2).join(' / ')}`;
}

/** The three commands in sequence; `ok` only when all three succeeded (a failure is reported, not hidden). */
export async function sysadminCheck(target: SysadminTarget): Promise<SysadminResult> {
  const done: SysadminStep[] = [];
  const started = performance.now();
  let ok = true;
  for (const step of steps(target)) {
    const run = await runProcess(step.command, step.args, { killAfterMs: STEP_CAP_MS });
    done.push({ command: step.command, ms: run.ms, code: run.code });
    if (run.code !== 0) {
      ok = false;
      process.stderr.write(`[bench] sysadmin check: ${describe(step.command, run)}\n`);
    }
  }
  return { ms: performance.now() - started, ok, steps: done };
}
