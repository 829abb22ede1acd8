// Access to the real loopback mail servers from inside a test (or a beforeEach hook).
import { inject, TestRunner } from 'vitest';
import type { MailServersInfo, MailServersProvision } from './types';

export type { MailServersInfo, TestUser, PortPair, BadCertEndpoint } from './types';

function provision(): MailServersProvision {
  const provided = inject('mailServers') as MailServersProvision | undefined;
  // undefined only when the file runs without this repo's vitest.config.ts (e.g. another --config).
  return provided ?? {
    available: false,
    reason: 'mail servers were not started: run through vitest.config.ts (its globalSetup starts them)',
    missingBinaries: [],
  };
}

let warned = false;

/** True when the rig is up; use it for `describe.skipIf(!mailServersAvailable())` if you must decide early. */
export function mailServersAvailable(): boolean {
  return provision().available;
}

/**
 * Returns the running servers. Call it INSIDE a test or beforeEach: when the servers are not available
 * (binaries missing on a developer machine) the current test is skipped with a note naming what is missing,
 * so the skip is visible in the report. Under CI=true the globalSetup has already failed the run instead.
 */
export function useMailServers(): MailServersInfo {
  const state = provision();
  if (state.available) return state.info;
  const message = `mail servers unavailable: ${state.reason}`;
  if (process.env.CI === 'true') throw new Error(message);
  if (!warned) {
    warned = true;
    process.stderr.write(`[mail servers] skipping tests in this file: ${state.reason}\n`);
  }
  const test = TestRunner.getCurrentTest();
  if (test === undefined) {
    throw new Error(`${message} (call useMailServers() inside a test or beforeEach so the test can be skipped)`);
  }
  test.context.skip(message);
  throw new Error('unreachable: context.skip throws'); // keeps the return type honest for the compiler
}
