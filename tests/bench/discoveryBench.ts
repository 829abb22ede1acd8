/**
 * Account discovery on a generated `Accounts4.sqlite` with many accounts (500 by default: an IMAP account and its
 * SMTP account each, a tenth of them committed only to the -wal file, as accountsd leaves a store), written by the
 * fixture writer (real SQLite through Python). Each run is a fresh Node process running the real discovery code,
 * bundled by esbuild as the CLI is, so the time includes sql.js's start-up as a CLI run pays it.
 */
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../integration/cli/support';
import { writeAccountsDatabase } from '../fixtures/writers/accountsDatabase';
import type { FixtureAccount } from '../fixtures/writers/accountsDatabase';
import { measureProcess } from './resourceUse';

const MAIL = 'com.apple.Dataclass.Mail';

export function manyAccounts(count: number): FixtureAccount[] {
  const accounts: FixtureAccount[] = [];
  for (let index = 0; index < count; index += 1) {
    const user = `user${index}@domain${index % 40}.example`;
    const smtpHost = `smtp.domain${index % 40}.example`;
    accounts.push(
      {
        pk: 2 * index + 1,
        type: 'com.apple.account.IMAP',
        username: user,
        description: `Account ${index}`,
        inWalOnly: index % 10 === 9,
        properties: {
          Hostname: `imap.domain${index % 40}.example`,
          PortNumber: 993,
          SSLEnabled: true,
          SMTPIdentifier: `${smtpHost}:${user}`,
          EmailAddresses: [user],
          FullUserName: `User ${index}`,
        },
        enabledDataclasses: [MAIL],
      },
      {
        pk: 2 * index + 2,
        type: 'com.apple.account.SMTP',
        username: user,
        inWalOnly: index % 10 === 9,
        properties: { Hostname: smtpHost, PortNumber: 587, SSLEnabled: true, SSLIsDirect: false, ShouldUseAuthentication: true },
      },
    );
  }
  return accounts;
}

export interface DiscoveryRun {
  /** In the process, from the call to the result: wall time, and the CPU time the process used meanwhile. */
  readonly ms: number;
  readonly callCpuMs: number;
  /** The whole process: wall time and CPU time (user + system, from wait4). */
  readonly processMs: number;
  readonly cpuMs: number;
  readonly accounts: number;
  readonly problems: readonly string[];
}

export interface DiscoveryBench {
  readonly accountsWritten: number;
  readonly runs: readonly DiscoveryRun[];
}

export async function benchDiscovery(workDir: string, accountCount: number, repeats: number): Promise<DiscoveryBench> {
  const home = await mkdtemp(path.join(workDir, 'home-'));
  await writeAccountsDatabase(home, { accounts: manyAccounts(accountCount) });
  const entry = path.join(workDir, 'discover.cjs');
  await build({
    entryPoints: [path.join(REPO_ROOT, 'tests/bench/entries/discover.ts')],
    outfile: entry,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // sql.js finds its .wasm beside its own file, as in the CLI bundle.
    external: ['sql.js', 'bplist-parser', 'fast-xml-parser', 'zod', 'keytar'],
    nodePaths: [path.join(REPO_ROOT, 'node_modules')],
    logLevel: 'warning',
  });
  const runs: DiscoveryRun[] = [];
  for (let run = 0; run < repeats; run += 1) {
    const measured = await measureProcess(process.execPath, [entry, home], { cwd: REPO_ROOT, env: { ...process.env, NODE_PATH: path.join(REPO_ROOT, 'node_modules') } });
    const line = measured.run.stdout.trim().split('\n').at(-1) ?? '';
    const parsed = JSON.parse(line) as { ms: number; cpuMs: number; accounts: number; problems: string[] };
    runs.push({ ms: parsed.ms, callCpuMs: parsed.cpuMs, processMs: measured.wallMs, cpuMs: measured.cpuMs, accounts: parsed.accounts, problems: parsed.problems });
  }
  return { accountsWritten: accountCount, runs };
}
