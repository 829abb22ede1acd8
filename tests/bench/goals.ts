/**
 * Issue 13's goals, each measured in the same bench run as the rest (docs/benchmarks.md says what each means):
 * whole processes side by side with the sysadmin's three commands, the protocol floor, cold start and exit, both
 * passwords wrong under Dovecot's shipped penalty, account discovery, the renderer, and peak memory.
 * Every connection goes to 127.0.0.0/8 (the bench runs in a loopback-only namespace).
 */
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { CLI_BUNDLE, buildCli } from '../integration/cli/support';
import type { WebFixtures } from '../integration/cli/support';
import { startConversationProxy, uniqueSourceAddress } from '../servers/faults';
import type { MailServersInfo } from '../servers/types';
import { cliArgs, runCliProcessTimed } from './cliProcess';
import type { CliRun, CliTarget } from './cliProcess';
import { benchDiscovery } from './discoveryBench';
import type { DiscoveryBench } from './discoveryBench';
import { startLatencyProxy } from './latencyProxy';
import { runMailDoctor } from './mailDoctorRun';
import type { MailDoctorResult } from './mailDoctorRun';
import { checklistFirstPaint, rendererSize } from './rendererBench';
import type { PaintRun, RendererSize } from './rendererBench';
import { measureProcess } from './resourceUse';
import type { ResourceUse } from './resourceUse';
import { sysadminCheck } from './sysadminCheck';
import type { SysadminResult } from './sysadminCheck';

/** Runs per measured row (after one unmeasured warm-up where the row has one). */
export const GOAL_REPEATS = 5;
const COLD_START_REPEATS = 15;
/**
 * The whole-process side by side: each run is half a second to a second, and this VM's speed drifts by a few
 * percent from minute to minute, around a ratio close to its goal; nine alternating pairs steady the medians.
 */
const SIDE_BY_SIDE_REPEATS = 9;
/** Round trips on the longest path of the healthy check: SMTP 587, STARTTLS, AUTH PLAIN (docs/benchmarks.md). */
export const LONGEST_PATH_ROUND_TRIPS = 6;
/**
 * Under the latency proxy the TCP handshake costs nothing (latencyProxy.ts), so the first server turn, the
 * greeting, arrives half a round trip after the connect instead of a whole one after it: the floor the proxy
 * allows is the table's count minus a half.
 */
export const PROXY_ROUND_TRIPS = LONGEST_PATH_ROUND_TRIPS - 0.5;

export interface GoalContext {
  readonly info: MailServersInfo;
  readonly web: WebFixtures;
  readonly workDir: string;
  readonly cleanups: (() => Promise<void>)[];
  /** Why the sysadmin's commands cannot run here (curl or swaks missing): their side is skipped, never silently. */
  readonly sysadminMissing: string | undefined;
  readonly progress: (line: string) => void;
}

export interface SideBySide {
  readonly rttMs: number;
  /** Empty when the sysadmin's side was skipped, and then `skippedWhy` says why. */
  readonly sysadmin: readonly SysadminResult[];
  readonly skippedWhy?: string;
  readonly mailDoctor: readonly CliRun[];
}

export interface ColdStart {
  readonly nodeBare: readonly ResourceUse[];
  readonly version: readonly ResourceUse[];
}

export interface BothWrongRun {
  readonly result: MailDoctorResult;
}

export interface GoalMeasurements {
  readonly coldStart: ColdStart;
  readonly sideBySide: readonly SideBySide[];
  readonly peakRss: readonly ResourceUse[];
  readonly bothWrong: readonly BothWrongRun[];
  readonly discovery: DiscoveryBench;
  readonly rendererSize: RendererSize;
  readonly firstPaint: readonly PaintRun[];
}

async function fresh(ctx: GoalContext, prefix: string): Promise<string> {
  return mkdtemp(path.join(ctx.workDir, prefix));
}

interface ProxiedRig {
  readonly imapPort: number;
  readonly smtpPort: number;
  readonly webmailPort: number;
  readonly captivePort: number;
}

/** Every server the check talks to behind the latency proxy: IMAP 993-style, SMTP 587-style, webmail, captive page. */
async function behindLatency(ctx: GoalContext, rttMs: number): Promise<ProxiedRig> {
  const oneWay = rttMs / 2;
  const start = async (port: number): Promise<number> => {
    const proxy = await startLatencyProxy({ host: '127.0.0.1', port }, oneWay);
    ctx.cleanups.push(() => proxy.close());
    return proxy.port;
  };
  return {
    imapPort: await start(ctx.info.imap.implicit),
    smtpPort: await start(ctx.info.smtp.starttls),
    webmailPort: await start(Number(new URL(ctx.web.webmailUrl).port)),
    captivePort: await start(Number(new URL(ctx.web.captiveUrl).port)),
  };
}

async function cliTarget(ctx: GoalContext, rig: ProxiedRig): Promise<CliTarget> {
  const { info } = ctx;
  return {
    hostName: info.dns.names.mail,
    imapPort: rig.imapPort,
    smtpPort: rig.smtpPort,
    user: info.users.alice.address,
    password: info.users.alice.password,
    dnsServer: `${info.dns.host}:${info.dns.port}`,
    caFile: info.caFile,
    captiveUrl: `http://${info.goodName}:${rig.captivePort}/hotspot-detect.html`,
    webmailUrl: `https://${info.goodName}:${rig.webmailPort}/`,
    stateDir: await fresh(ctx, 'state-cli-'),
  };
}

function assertHealthy(run: CliRun, what: string): void {
  if (run.code !== 0 || run.verdict !== 'OK') {
    throw new Error(`${what}: mail-doctor exited ${String(run.code)} with verdict ${run.verdict}: ${run.raw.stderr.slice(0, 500)}`);
  }
}

/** The sysadmin's three commands and `mail-doctor diagnose --json --manual`, alternating, at one RTT. */
async function sideBySide(ctx: GoalContext, rttMs: number): Promise<SideBySide> {
  const rig = await behindLatency(ctx, rttMs);
  const sysadminTarget = {
    hostName: ctx.info.goodName,
    imapPort: rig.imapPort,
    smtpPort: rig.smtpPort,
    webmailPort: rig.webmailPort,
    user: ctx.info.users.alice.address,
    password: ctx.info.users.alice.password,
    caFile: ctx.info.caFile,
  };
  const skippedWhy = ctx.sysadminMissing;
  if (skippedWhy !== undefined) ctx.progress(`side by side at ${rttMs} ms RTT: the sysadmin's side is SKIPPED (${skippedWhy})`);
  ctx.progress(`side by side at ${rttMs} ms RTT: warm-up of each side`);
  if (skippedWhy === undefined) await sysadminCheck(sysadminTarget);
  assertHealthy(await runCliProcessTimed(await cliTarget(ctx, rig)), 'warm-up');
  const sysadmin: SysadminResult[] = [];
  const mailDoctor: CliRun[] = [];
  for (let run = 1; run <= SIDE_BY_SIDE_REPEATS; run += 1) {
    ctx.progress(`side by side at ${rttMs} ms RTT: run ${run}/${SIDE_BY_SIDE_REPEATS}`);
    if (skippedWhy === undefined) {
      const admin = await sysadminCheck(sysadminTarget);
      if (!admin.ok) throw new Error(`the sysadmin check failed at ${rttMs} ms RTT (see above)`);
      sysadmin.push(admin);
    }
    const cli = await runCliProcessTimed(await cliTarget(ctx, rig));
    assertHealthy(cli, `side by side at ${rttMs} ms`);
    mailDoctor.push(cli);
  }
  return { rttMs, sysadmin, mailDoctor, ...(skippedWhy === undefined ? {} : { skippedWhy }) };
}

/** `node -e 0` against `mail-doctor --version`, alternating, each a whole process. */
async function coldStart(ctx: GoalContext): Promise<ColdStart> {
  ctx.progress(`cold start: node -e 0 vs mail-doctor --version, ${COLD_START_REPEATS} runs each`);
  const nodeBare: ResourceUse[] = [];
  const version: ResourceUse[] = [];
  await measureProcess(process.execPath, [CLI_BUNDLE, '--version']); // warm the page cache
  for (let run = 0; run < COLD_START_REPEATS; run += 1) {
    nodeBare.push(await measureProcess(process.execPath, ['-e', '0']));
    const measured = await measureProcess(process.execPath, [CLI_BUNDLE, '--version']);
    if (measured.run.code !== 0) throw new Error(`mail-doctor --version exited ${String(measured.run.code)}`);
    version.push(measured);
  }
  return { nodeBare, version };
}

/** A healthy CLI run's peak resident memory, from the kernel's accounting (wait4's ru_maxrss). */
async function peakRss(ctx: GoalContext): Promise<ResourceUse[]> {
  const rig = await behindLatency(ctx, 0);
  const runs: ResourceUse[] = [];
  for (let run = 1; run <= GOAL_REPEATS; run += 1) {
    ctx.progress(`peak RSS: run ${run}/${GOAL_REPEATS}`);
    const target = await cliTarget(ctx, rig);
    const measured = await measureProcess(process.execPath, [CLI_BUNDLE, ...cliArgs(target)], { stdin: `${target.password}\n` });
    if (measured.run.code !== 0) throw new Error(`peak RSS run: mail-doctor exited ${String(measured.run.code)}`);
    runs.push(measured);
  }
  return runs;
}

/**
 * Both passwords wrong against Dovecot (and Exim through it) with its shipped auth policy: failure delay and
 * penalty. Each run connects from a loopback address of its own (a conversation proxy's source address), so it
 * meets a clean penalty state, as a user's first check would; and keeps a ledger of its own.
 */
async function bothWrong(ctx: GoalContext): Promise<BothWrongRun[]> {
  const runs: BothWrongRun[] = [];
  for (let run = 1; run <= GOAL_REPEATS; run += 1) {
    ctx.progress(`both passwords wrong (Dovecot's penalty on): run ${run}/${GOAL_REPEATS}`);
    const sourceAddress = uniqueSourceAddress();
    const imap = await startConversationProxy({ host: ctx.info.host, port: ctx.info.imap.implicit }, { sourceAddress });
    const smtp = await startConversationProxy({ host: ctx.info.host, port: ctx.info.smtp.starttls }, { sourceAddress });
    try {
      const result = await runMailDoctor({
        info: ctx.info,
        web: ctx.web,
        imapPort: imap.port,
        smtpPort: smtp.port,
        user: ctx.info.users.alice.address,
        password: `Wrong-${run}-${Date.now().toString(36)}`,
        stateDir: await fresh(ctx, 'state-wrong-'),
        home: await fresh(ctx, 'home-'),
      });
      runs.push({ result });
    } finally {
      await imap.close();
      await smtp.close();
    }
  }
  return runs;
}

export async function measureGoals(ctx: GoalContext): Promise<GoalMeasurements> {
  ctx.progress('building the CLI bundle (npm run diagnose builds the same)');
  await buildCli();
  const cold = await coldStart(ctx);
  const sides = [await sideBySide(ctx, 0), await sideBySide(ctx, 50)];
  const rss = await peakRss(ctx);
  const wrong = await bothWrong(ctx);
  ctx.progress(`discovery: a generated Accounts4.sqlite with 500 accounts, ${GOAL_REPEATS} fresh processes`);
  const discovery = await benchDiscovery(ctx.workDir, 500, GOAL_REPEATS);
  ctx.progress('renderer: vite build, then the first checklist paint in headless Chromium');
  const size = await rendererSize();
  const paint = await checklistFirstPaint(GOAL_REPEATS);
  return { coldStart: cold, sideBySide: sides, peakRss: rss, bothWrong: wrong, discovery, rendererSize: size, firstPaint: paint };
}
