/**
 * `mail-doctor diagnose --manual ...` as a whole process (the esbuild bundle `npm run diagnose` runs), the way an
 * IT script runs it: start-up, the diagnosis, printing, and exit are all in the time. The password goes in on
 * standard input (`--password-stdin`), never on the command line. Only where it looks is pointed at the rig: the
 * test DNS server, the test CA (verification stays on), loopback captive-check and webmail pages, no public-IP lookup.
 */
import { CLI_BUNDLE } from '../integration/cli/support';
import { runProcess } from './processRun';
import type { ProcessRun } from './processRun';

export interface CliTarget {
  readonly hostName: string;
  readonly imapPort: number;
  readonly smtpPort: number;
  readonly user: string;
  readonly password: string;
  readonly dnsServer: string;
  readonly caFile: string;
  readonly captiveUrl: string;
  readonly webmailUrl: string;
  readonly stateDir: string;
}

export interface CliRun {
  readonly ms: number;
  readonly code: number | null;
  readonly verdict: string;
  /** The diagnosis's own duration (`run.durationMs` in the JSON). */
  readonly diagnosisMs: number | undefined;
  /** From the last byte of output to the exit: what the process spent leaving once it had said everything. */
  readonly exitTailMs: number;
  readonly raw: ProcessRun;
}

export function cliArgs(target: CliTarget): string[] {
  return [
    'diagnose',
    '--json',
    '--manual',
    '--email', target.user,
    '--incoming', `imap://${target.hostName}:${target.imapPort}?tls=implicit`,
    '--outgoing', `smtp://${target.hostName}:${target.smtpPort}?tls=starttls`,
    '--password-stdin',
    '--dns-server', target.dnsServer,
    '--ca-file', target.caFile,
    '--captive-url', target.captiveUrl,
    '--webmail-url', target.webmailUrl,
    '--no-public-ip-lookup',
    '--state-dir', target.stateDir,
  ];
}

function jsonVerdict(stdout: string): { verdict: string; diagnosisMs: number | undefined } {
  try {
    const parsed = JSON.parse(stdout) as { accounts?: { verdict?: { code?: string } }[]; run?: { durationMs?: number } };
    return { verdict: parsed.accounts?.[0]?.verdict?.code ?? 'no verdict', diagnosisMs: parsed.run?.durationMs };
  } catch {
    return { verdict: 'no JSON', diagnosisMs: undefined };
  }
}

/** One run with `--json`; `wrapper` runs it under another command (e.g. /usr/bin/time for the peak RSS). */
export async function runCliProcessTimed(target: CliTarget, wrapper: readonly string[] = []): Promise<CliRun> {
  const args = [process.execPath, CLI_BUNDLE, ...cliArgs(target)];
  const [command, ...rest] = [...wrapper, ...args];
  if (command === undefined) throw new Error('no command');
  const raw = await runProcess(command, rest, { stdin: `${target.password}\n`, killAfterMs: 60_000 });
  const { verdict, diagnosisMs } = jsonVerdict(raw.stdout);
  return {
    ms: raw.ms,
    code: raw.code,
    verdict,
    diagnosisMs,
    exitTailMs: Math.max(0, raw.ms - (raw.lastOutputAtMs ?? raw.ms)),
    raw,
  };
}
