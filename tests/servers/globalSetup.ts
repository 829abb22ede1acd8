// vitest globalSetup: starts the real loopback mail servers once per run, provides MailServersInfo to the
// workers (read it with useMailServers()), and always tears them down — after the run, and also on
// SIGINT/SIGTERM or an unexpected exit of the vitest process.
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { killAllDaemonsNow } from './daemon';
import { locateBinaries, startMailServers, type RunningMailServers } from './start';
import type { MailServersProvision } from './types';

const underCi = process.env.CI === 'true';

function unavailable(reason: string, missingBinaries: string[]): MailServersProvision {
  if (underCi) throw new Error(`CI=true and the test mail servers cannot run: ${reason}`);
  process.stderr.write(`\n[mail servers] NOT STARTED: ${reason}\n[mail servers] tests that need them will be SKIPPED (under CI=true this fails the run).\n\n`);
  return { available: false, reason, missingBinaries };
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const binaries = locateBinaries();
  if ('missing' in binaries) {
    project.provide('mailServers', unavailable(`missing binaries: ${binaries.missing.join(', ')} (Debian: apt-get install dovecot-imapd dovecot-pop3d exim4-daemon-heavy dnsmasq openssl)`, binaries.missing));
    return undefined;
  }
  if (process.getuid?.() !== 0) {
    project.provide('mailServers', unavailable('the rig must run as root (Dovecot/Exim drop privileges to their system users)', []));
    return undefined;
  }

  const started = Date.now();
  // Binaries present and root: a failure to start is a real failure, never a silent skip.
  const rig: RunningMailServers = await startMailServers(binaries.found, {
    keepDataDir: process.env.MD_KEEP_RIG === '1',
  });
  const { info } = rig;
  process.stderr.write(`[mail servers] up in ${Date.now() - started} ms at ${info.dataDir}: IMAP ${info.imap.starttls}/${info.imap.implicit}, ` +
    `POP3 ${info.pop3.starttls}/${info.pop3.implicit}, SMTP ${info.smtp.starttls}/${info.smtp.implicit}, DNS ${info.dns.port}\n`);

  const emergencyStop = (): void => {
    killAllDaemonsNow();
    if (process.env.MD_KEEP_RIG !== '1') rmSync(rig.rootDir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    emergencyStop();
    // If we were the only listener, restore the default behaviour (terminate) for this signal.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.once('exit', emergencyStop);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  project.provide('mailServers', { available: true, info });
  return async () => {
    process.off('exit', emergencyStop);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await rig.stop();
  };
}
