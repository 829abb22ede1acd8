/**
 * `npm run bench`: how long until Mail Doctor has a verdict, against how long a naive check with the mail
 * libraries' default timeouts takes to answer, on the real loopback rig (Dovecot, Exim, dnsmasq), and how
 * many failed logins each causes when the password is wrong. Speed goals are measured here, side by side,
 * never by timed tests; this is not part of `npm test`.
 *
 * Safety: every connection goes to 127.0.0.0/8. As root the bench re-executes itself inside a fresh
 * loopback-only network namespace (isolation.ts, as tests/run-all.mjs does); the DROP scenario adds its
 * iptables rules only there (tests/servers/faults.ts refuses otherwise) and is skipped, with the reason,
 * when that is not possible. Bounded: each naive wait is capped, the whole bench takes about 2-3 minutes.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, startWebFixtures } from '../integration/cli/support';
import type { WebFixtures } from '../integration/cli/support';
import { DEFAULT_PHASE_TIMEOUT_MS } from '../../electron/diagnosis/diagnoseAccounts';
import { killAllDaemonsNow } from '../servers/daemon';
import { dropPort, firewallFaultsUnavailableReason, startFaultProxy } from '../servers/faults';
import type { ProxyMode } from '../servers/faults';
import { locateBinaries, startMailServers } from '../servers/start';
import type { MailServersInfo } from '../servers/types';
import { watchFailedAuth } from './authFailures';
import type { FailedAuthCount } from './authFailures';
import { goalRows, renderGoalTable } from './goalReport';
import type { DroppedPorts, GoalRow } from './goalReport';
import { measureGoals } from './goals';
import type { GoalMeasurements } from './goals';
import { enterLoopbackOnlyNamespace } from './isolation';
import type { Isolation } from './isolation';
import { runMailDoctor } from './mailDoctorRun';
import type { MailDoctorResult } from './mailDoctorRun';
import { naiveCheck } from './naiveClient';
import { sysadminToolsMissing } from './sysadminCheck';
import type { NaiveResult, NaiveTarget } from './naiveClient';
import { bound, median, ratio, renderTable, seconds } from './table';
import type { TableRow } from './table';

/** Where a naive wait is cut off (imapflow would wait 90 s, nodemailer 120 s). */
const NAIVE_CAP_MS = 45_000;
/** Repeats of the scenarios that take seconds, reported as the median. */
const FAST_REPEATS = 5;
const WRONG_PASSWORD_RUNS = 3;
const LATENCY_PER_CHUNK_MS = 100;
/** Mail Doctor's default deadline of each connection phase, the one the DROP scenario meets. */
const PHASE_DEADLINE_MS = DEFAULT_PHASE_TIMEOUT_MS;
/** Raw results of every bench run, committed (docs/benchmarks.md quotes them). */
const RESULTS_DIR = path.join(REPO_ROOT, 'bench', 'results');

function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

function describeIsolation(isolation: Isolation): string {
  switch (isolation.kind) {
    case 'fresh-namespace':
      return 'fresh network namespace with only lo (unshare --net)';
    case 'already-loopback-only':
      return 'already in a loopback-only network namespace';
    case 'none':
      return `none (${isolation.why}); all traffic goes to 127.0.0.0/8 anyway`;
  }
}

function packageVersion(name: string): string {
  const text = readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8');
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string' ? parsed.version : '?';
}

interface Bench {
  readonly info: MailServersInfo;
  readonly web: WebFixtures;
  readonly workDir: string;
  /** Undone when the bench ends (not per scenario: see naiveClient.ts on verify() that cannot be stopped). */
  readonly cleanups: (() => Promise<void>)[];
  /** Why the sysadmin's commands (curl, swaks) cannot run here, or undefined when they can. */
  readonly sysadminMissing: string | undefined;
}

interface Ports {
  readonly imapPort: number;
  readonly smtpPort: number;
}

async function freshDir(bench: Bench, prefix: string): Promise<string> {
  return mkdtemp(path.join(bench.workDir, prefix));
}

async function mailDoctor(bench: Bench, ports: Ports, options: { password?: string; stateDir?: string } = {}): Promise<MailDoctorResult> {
  return runMailDoctor({
    info: bench.info,
    web: bench.web,
    ...ports,
    user: bench.info.users.alice.address,
    password: options.password ?? bench.info.users.alice.password,
    stateDir: options.stateDir ?? (await freshDir(bench, 'state-')),
    home: await freshDir(bench, 'home-'),
  });
}

function naiveTarget(bench: Bench, ports: Ports, password?: string): NaiveTarget {
  // By IP: the good certificate carries 127.0.0.1 too, and the system resolver does not know the test zone.
  return {
    host: '127.0.0.1',
    ...ports,
    user: bench.info.users.alice.address,
    password: password ?? bench.info.users.alice.password,
    caPem: bench.info.caPem,
  };
}

/** Two proxies (IMAP implicit, SMTP STARTTLS) in front of the real servers, kept until the bench ends. */
async function proxiedPorts(bench: Bench, mode: ProxyMode): Promise<Ports> {
  const imap = await startFaultProxy({ host: bench.info.host, port: bench.info.imap.implicit }, mode);
  const smtp = await startFaultProxy({ host: bench.info.host, port: bench.info.smtp.starttls }, mode);
  bench.cleanups.push(() => imap.close(), () => smtp.close());
  return { imapPort: imap.port, smtpPort: smtp.port };
}

function naiveDetail(result: NaiveResult): string {
  const side = (name: string, answer: NaiveResult['imap']): string => `${name} ${bound(answer.ms, answer.capped)} → ${answer.answer}`;
  return `${side('IMAP', result.imap)}; ${side('SMTP', result.smtp)}`;
}

function mailDoctorDetail(result: MailDoctorResult): string {
  return `verdict ${result.verdict} (logins: IMAP ${result.incomingLogin}, SMTP ${result.outgoingLogin})`;
}

/** Where the time went: each probe's duration and when it ended (probes run in parallel, so they overlap). */
function probeBreakdown(result: MailDoctorResult): string {
  return [...result.probes].sort((a, b) => a.endedAtMs - b.endedAtMs).map((p) => `${p.probe} ${seconds(p.ms)} (done at ${seconds(p.endedAtMs)})`).join(', ');
}

interface Measured {
  readonly row: TableRow;
  readonly notes: string[];
  /** Mail Doctor's time (the median where the scenario repeats). */
  readonly mailDoctorMs: number;
}

async function repeatedScenario(bench: Bench, scenario: string, ports: Ports, repeats: number): Promise<Measured> {
  // One unmeasured run of each first: module loading and TLS session setup happen once per process.
  progress(`${scenario}: warm-up run of each side`);
  await mailDoctor(bench, ports);
  await naiveCheck(naiveTarget(bench, ports), NAIVE_CAP_MS);
  const doctorRuns: MailDoctorResult[] = [];
  const naiveRuns: NaiveResult[] = [];
  for (let run = 1; run <= repeats; run += 1) {
    progress(`${scenario}: run ${run}/${repeats}`);
    doctorRuns.push(await mailDoctor(bench, ports));
    naiveRuns.push(await naiveCheck(naiveTarget(bench, ports), NAIVE_CAP_MS));
  }
  const doctorMs = median(doctorRuns.map((r) => r.ms));
  const naiveMs = median(naiveRuns.map((r) => r.ms));
  const naiveCapped = naiveRuns.some((r) => r.capped);
  const verdicts = [...new Set(doctorRuns.map((r) => r.verdict))].join(', ');
  const lastNaive = naiveRuns.at(-1);
  const lastDoctor = doctorRuns.at(-1);
  return {
    mailDoctorMs: doctorMs,
    row: {
      scenario: `${scenario} (median of ${repeats})`,
      mailDoctor: seconds(doctorMs),
      naive: bound(naiveMs, naiveCapped),
      ratio: ratio(naiveMs, doctorMs, naiveCapped),
    },
    notes: [
      `Mail Doctor runs: ${doctorRuns.map((r) => seconds(r.ms)).join(', ')}; verdict ${verdicts}`,
      ...(lastDoctor === undefined ? [] : [`Mail Doctor probes (last run, in parallel): ${probeBreakdown(lastDoctor)}`]),
      `naive runs: ${naiveRuns.map((r) => bound(r.ms, r.capped)).join(', ')}${lastNaive === undefined ? '' : `; last: ${naiveDetail(lastNaive)}`}`,
    ],
  };
}

async function singleScenario(bench: Bench, scenario: string, ports: Ports): Promise<Measured> {
  progress(`${scenario}: Mail Doctor (5 s phase deadlines)`);
  const doctor = await mailDoctor(bench, ports);
  progress(`${scenario}: naive check (waits up to the ${seconds(NAIVE_CAP_MS)} cap)`);
  const naive = await naiveCheck(naiveTarget(bench, ports), NAIVE_CAP_MS);
  return {
    mailDoctorMs: doctor.ms,
    row: { scenario, mailDoctor: seconds(doctor.ms), naive: bound(naive.ms, naive.capped), ratio: ratio(naive.ms, doctor.ms, naive.capped) },
    notes: [
      `Mail Doctor: ${seconds(doctor.ms)}, ${mailDoctorDetail(doctor)}`,
      `Mail Doctor probes (in parallel): ${probeBreakdown(doctor)}`,
      `naive: ${naiveDetail(naive)}`,
    ],
  };
}

function perRun(counts: readonly FailedAuthCount[]): { text: string; total: number } {
  const totals = counts.map((c) => c.imap + c.smtp);
  const total = totals.reduce((sum, value) => sum + value, 0);
  return { text: `${totals.join(' / ')} (total ${total})`, total };
}

async function wrongPasswordScenario(bench: Bench): Promise<Measured> {
  const ports = { imapPort: bench.info.imap.implicit, smtpPort: bench.info.smtp.starttls };
  const user = bench.info.users.alice.address;
  const wrong = `Wrong-${randomBytes(6).toString('hex')}`;
  // One ledger for all Mail Doctor runs: the ledger remembering the failures across runs is the point.
  const stateDir = await freshDir(bench, 'state-wrong-');
  const doctorCounts: FailedAuthCount[] = [];
  const doctorNotes: string[] = [];
  for (let run = 1; run <= WRONG_PASSWORD_RUNS; run += 1) {
    progress(`wrong password: Mail Doctor run ${run}/${WRONG_PASSWORD_RUNS}`);
    const watch = await watchFailedAuth(bench.info, user);
    const result = await mailDoctor(bench, ports, { password: wrong, stateDir });
    const counted = await watch.settle();
    doctorCounts.push(counted);
    doctorNotes.push(`run ${run}: ${seconds(result.ms)}, IMAP ${counted.imap} + SMTP ${counted.smtp} failed, ${mailDoctorDetail(result)}`);
  }
  const naiveCounts: FailedAuthCount[] = [];
  const naiveNotes: string[] = [];
  for (let run = 1; run <= WRONG_PASSWORD_RUNS; run += 1) {
    progress(`wrong password: naive run ${run}/${WRONG_PASSWORD_RUNS}`);
    const watch = await watchFailedAuth(bench.info, user);
    const result = await naiveCheck(naiveTarget(bench, ports, wrong), NAIVE_CAP_MS);
    const counted = await watch.settle();
    naiveCounts.push(counted);
    naiveNotes.push(`run ${run}: ${seconds(result.ms)}, IMAP ${counted.imap} + SMTP ${counted.smtp} failed; ${naiveDetail(result)}`);
  }
  const doctor = perRun(doctorCounts);
  const naive = perRun(naiveCounts);
  return {
    mailDoctorMs: Number.NaN,
    row: {
      scenario: `wrong password: failed logins logged by Dovecot+Exim, runs 1/2/3`,
      mailDoctor: doctor.text,
      naive: naive.text,
      ratio: doctor.total === 0 ? 'n/a' : `${(naive.total / doctor.total).toFixed(1)}×`,
    },
    notes: [...doctorNotes.map((n) => `Mail Doctor ${n}`), ...naiveNotes.map((n) => `naive ${n}`)],
  };
}

interface BenchResult {
  readonly rows: TableRow[];
  readonly notes: string[];
  readonly goals: GoalMeasurements;
  readonly goalTable: GoalRow[];
}

async function runScenarios(bench: Bench): Promise<BenchResult> {
  const rows: TableRow[] = [];
  const notes: string[] = [];
  let dropped: DroppedPorts | undefined;
  const add = (index: number, measured: Measured): void => {
    rows.push({ ...measured.row, scenario: `${index}. ${measured.row.scenario}` });
    notes.push(`${index}. ${measured.row.scenario}`, ...measured.notes.map((n) => `   - ${n}`));
  };
  const direct = { imapPort: bench.info.imap.implicit, smtpPort: bench.info.smtp.starttls };

  add(1, await repeatedScenario(bench, 'healthy server', direct, FAST_REPEATS));
  add(2, await singleScenario(bench, 'accepts TCP, never answers (blackhole)', await proxiedPorts(bench, { kind: 'blackhole' })));

  const dropUnavailable = firewallFaultsUnavailableReason();
  if (dropUnavailable === undefined) {
    // Private proxy ports to drop, so the real servers stay reachable for the other scenarios.
    const ports = await proxiedPorts(bench, { kind: 'delay', ms: 0 });
    bench.cleanups.push(await dropPort(ports.imapPort), await dropPort(ports.smtpPort));
    const measured = await singleScenario(bench, 'port silently dropped (iptables DROP)', ports);
    dropped = { mailDoctorMs: measured.mailDoctorMs, phaseDeadlineMs: PHASE_DEADLINE_MS };
    add(3, measured);
  } else {
    progress(`port silently dropped: SKIPPED (${dropUnavailable})`);
    rows.push({ scenario: '3. port silently dropped (iptables DROP)', mailDoctor: 'skipped', naive: 'skipped', ratio: '—' });
    notes.push('3. port silently dropped (iptables DROP)', `   - SKIPPED: ${dropUnavailable}`);
  }

  add(4, await repeatedScenario(bench, `${LATENCY_PER_CHUNK_MS} ms per chunk latency`, await proxiedPorts(bench, { kind: 'delay', ms: LATENCY_PER_CHUNK_MS }), FAST_REPEATS));
  // Before scenario 5: its wrong passwords from 127.0.0.1 raise Dovecot's penalty for that address.
  const goals = await measureGoals({ info: bench.info, web: bench.web, workDir: bench.workDir, cleanups: bench.cleanups, sysadminMissing: bench.sysadminMissing, progress });
  add(5, await wrongPasswordScenario(bench));
  return { rows, notes, goals, goalTable: goalRows(goals, dropped) };
}

/** Where the time went in the goal rows, for the details section. */
function goalNotes(goals: GoalMeasurements): string[] {
  const notes = ['goals:'];
  for (const side of goals.sideBySide) {
    notes.push(
      side.skippedWhy !== undefined
        ? `   - ${side.rttMs} ms RTT, sysadmin runs: SKIPPED (${side.skippedWhy})`
        : `   - ${side.rttMs} ms RTT, sysadmin runs: ${side.sysadmin.map((r) => `${seconds(r.ms)} (${r.steps.map((step) => `${step.command} ${seconds(step.ms)}`).join(', ')})`).join('; ')}`,
      `   - ${side.rttMs} ms RTT, mail-doctor runs: ${side.mailDoctor.map((r) => `${seconds(r.ms)} (diagnosis ${r.diagnosisMs === undefined ? '?' : seconds(r.diagnosisMs)}, exit ${r.exitTailMs.toFixed(0)} ms)`).join('; ')}`,
    );
  }
  for (const [index, run] of goals.bothWrong.entries()) {
    const shown = run.result.loginsShown.map((login) => `${login.role} ${login.outcome} shown at ${seconds(login.atMs)}`).join(', ');
    notes.push(
      `   - both wrong, run ${index + 1}: verdict ${run.result.verdict} at ${seconds(run.result.ms)}; ${shown}; server's refusal took IMAP ${run.result.authReplyMs.incoming ?? '?'} ms, SMTP ${run.result.authReplyMs.outgoing ?? '?'} ms`,
    );
  }
  notes.push(
    `   - discovery runs (in-process ms, its CPU ms / whole process ms, its CPU ms): ${goals.discovery.runs.map((r) => `${r.ms.toFixed(0)}, ${r.callCpuMs.toFixed(0)} / ${r.processMs.toFixed(0)}, ${r.cpuMs.toFixed(0)}`).join('; ')}`,
  );
  notes.push(`   - renderer files: ${goals.rendererSize.files.map((f) => `${f.file} ${(f.bytes / 1024).toFixed(1)} KB (gzip ${(f.gzipBytes / 1024).toFixed(1)} KB)`).join(', ')}`);
  notes.push(`   - first paint runs: ${goals.firstPaint.map((r) => `first screen ${r.firstScreenMs.toFixed(0)} ms, checklist ${r.checklistPaintMs.toFixed(0)} ms (FCP ${r.firstContentfulPaintMs?.toFixed(0) ?? '?'} ms)`).join(', ')}`);
  notes.push(`   - cold start CPU (ms): node -e 0 ${goals.coldStart.nodeBare.map((r) => r.cpuMs.toFixed(0)).join(' ')}; --version ${goals.coldStart.version.map((r) => r.cpuMs.toFixed(0)).join(' ')}`);
  return notes;
}

/** The raw measurements (no server output, no passwords) as JSON under bench/results/, named by the time. */
async function writeRawResults(
  finishedAt: Date,
  environment: { machine: string; isolation: string; loadBefore: number[]; loadAfter: number[] },
  result: BenchResult,
): Promise<string> {
  const { goals } = result;
  const usage = (r: { wallMs: number; cpuMs: number; peakRssMb: number }): { wallMs: number; cpuMs: number; peakRssMb: number } => ({
    wallMs: r.wallMs,
    cpuMs: r.cpuMs,
    peakRssMb: r.peakRssMb,
  });
  const raw = {
    format: 'mail-doctor-bench',
    formatVersion: 1,
    finishedAt: finishedAt.toISOString(),
    ...environment,
    naiveScenarios: result.rows,
    goalTable: result.goalTable,
    goals: {
      coldStart: { nodeBare: goals.coldStart.nodeBare.map(usage), version: goals.coldStart.version.map(usage) },
      sideBySide: goals.sideBySide.map((side) => ({
        rttMs: side.rttMs,
        sysadmin: side.sysadmin,
        mailDoctor: side.mailDoctor.map((r) => ({ ms: r.ms, code: r.code, verdict: r.verdict, diagnosisMs: r.diagnosisMs, exitTailMs: r.exitTailMs })),
      })),
      peakRss: goals.peakRss.map(usage),
      bothWrong: goals.bothWrong.map((r) => r.result),
      discovery: goals.discovery,
      rendererSize: goals.rendererSize,
      firstPaint: goals.firstPaint,
    },
  };
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${finishedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(raw, null, 2)}\n`);
  return file;
}

async function main(): Promise<number> {
  const isolation = await enterLoopbackOnlyNamespace();
  progress(`isolation: ${describeIsolation(isolation)}`);
  const binaries = locateBinaries();
  if ('missing' in binaries) {
    progress(`cannot run: missing binaries ${binaries.missing.join(', ')} (Debian: apt-get install dovecot-imapd dovecot-pop3d exim4-daemon-heavy dnsmasq openssl)`);
    return 1;
  }
  // Without curl or swaks only the sysadmin's side of the side-by-side rows is skipped, and the table says why.
  const sysadminMissing = sysadminToolsMissing();
  if (sysadminMissing !== undefined) progress(`SKIPPING the sysadmin's side of the side-by-side rows: ${sysadminMissing}`);
  if (process.getuid?.() !== 0) {
    progress('cannot run: the loopback mail servers must be started as root (Dovecot and Exim drop privileges)');
    return 1;
  }

  const benchStarted = Date.now();
  const loadBefore = os.loadavg();
  const rig = await startMailServers(binaries.found);
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'md-bench-'));
  // Ctrl-C or a crash must not leave daemons or temp dirs behind (the rig's own watchdog is the last resort).
  let stopping = false;
  const emergencyStop = (): void => {
    if (stopping) return;
    stopping = true;
    rmSync(workDir, { recursive: true, force: true });
    killAllDaemonsNow();
    rmSync(rig.rootDir, { recursive: true, force: true });
  };
  process.once('exit', emergencyStop);
  // `on`, not `once`: Ctrl-C reaches us twice (directly and forwarded by the parent), and a second signal
  // without a listener would kill the process in the middle of the cleanup.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      emergencyStop();
      process.exit(130);
    });
  }
  const web = await startWebFixtures(rig.info);
  const bench: Bench = { info: rig.info, web, workDir, cleanups: [], sysadminMissing };
  progress(`rig up: IMAP ${rig.info.imap.implicit} (implicit TLS), SMTP ${rig.info.smtp.starttls} (STARTTLS), DNS ${rig.info.dns.port}`);

  let result: BenchResult;
  try {
    result = await runScenarios(bench);
  } finally {
    while (bench.cleanups.length > 0) await bench.cleanups.pop()?.();
    await web.close();
    await rig.stop();
    await rm(workDir, { recursive: true, force: true });
  }

  const cpu = os.cpus();
  const loadAfter = os.loadavg();
  const machine = `${os.type()} ${os.release()} ${os.arch()}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;
  const loadText = (load: number[]): string => load.map((value) => value.toFixed(2)).join(' / ');
  const finishedAt = new Date();
  const out = [
    '',
    `Mail Doctor benchmark — ${finishedAt.toISOString()}`,
    `machine: ${machine}; isolation: ${describeIsolation(isolation)}`,
    `load average (1 / 5 / 15 min): ${loadText(loadBefore)} at the start, ${loadText(loadAfter)} at the end${loadBefore[0] !== undefined && loadBefore[0] >= 1 ? ' (the machine was busy: wall times are inflated; CPU-time rows less so)' : ''}`,
    `Mail Doctor: the real diagnosis pipeline, manual account (IMAP implicit TLS + SMTP STARTTLS), default 5 s phase deadlines`,
    `naive: imapflow ${packageVersion('imapflow')} connect()+logout() (defaults: connectionTimeout 90 s, greetingTimeout 16 s) ` +
      `‖ nodemailer ${packageVersion('nodemailer')} verify() (defaults: connectionTimeout 120 s, greetingTimeout 30 s), in parallel; cap ${seconds(NAIVE_CAP_MS)}`,
    `times: until Mail Doctor's verdict / until both naive calls answered`,
    '',
    renderTable(result.rows),
    '',
    'Goals (issue 13), measured in this run; whole processes unless the row says otherwise; latency from a proxy delaying each chunk by RTT/2 each way:',
    '',
    renderGoalTable(result.goalTable),
    '',
    'details:',
    ...result.notes,
    ...goalNotes(result.goals),
    '',
    `bench took ${seconds(Date.now() - benchStarted)}`,
    '',
  ];
  const resultsFile = await writeRawResults(finishedAt, { machine, isolation: describeIsolation(isolation), loadBefore, loadAfter }, result);
  out.push(`raw results: ${path.relative(REPO_ROOT, resultsFile)}`, '');
  process.stdout.write(out.join('\n'));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[bench] failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
