// The login budget end to end against the real Dovecot: five consecutive "runs" (a fresh LoginBudget on the
// same state dir each time, as separate CLI runs would) each try one IMAP login with a wrong password.
// Dovecot's own log must show at most 2 failed authentications, and a sixth run must be told when it is safe.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { budgetResultFor, LoginBudget } from '../../../electron/diagnosis/loginBudget';
import { loginImap } from '../../../electron/probes/imap';
import { Secret } from '../../../electron/keychain/secret';
import type { LoginOutcome } from '../../../shared/probes/outcomes';
import { useMailServers } from '../../servers/useMailServers';
import { endpoint, logSize, probeContext, settledMatchingLines, uniqueUnknownUser } from './helpers';

describe('login budget against Dovecot', () => {
  it('five runs with a wrong password cost Dovecot at most 2 failed logins; the sixth is refused with safeAfter', async () => {
    const info = useMailServers();
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'md-budget-e2e-'));
    // A user name unique to this test, so its failures can be counted exactly in the shared Dovecot log
    // (other test files use the same server at the same time). Dovecot answers it like a wrong password.
    const username = uniqueUnknownUser('budget');
    const server = endpoint(info, 'imap', 'implicit');
    const key = { host: server.host, port: server.port, protocol: server.protocol };
    const offset = await logSize(info.logs.dovecot);
    const firstRunAt = Date.now();
    try {
      const outcomes: LoginOutcome[] = [];
      for (let runNumber = 1; runNumber <= 5; runNumber += 1) {
        const budget = await LoginBudget.open(stateDir);
        const decision = await budget.reserve(key);
        if (!decision.allowed) {
          outcomes.push({ kind: 'skipped', reason: 'login-budget', ...(decision.safeAfter === undefined ? {} : { safeAfter: decision.safeAfter }) });
          continue;
        }
        const { login } = await loginImap(server, { username, password: new Secret('wrong-password') }, probeContext(info));
        await budget.record(key, budgetResultFor(login));
        outcomes.push(login);
      }
      expect(outcomes.map((outcome) => outcome.kind)).toEqual(['rejected', 'rejected', 'skipped', 'skipped', 'skipped']);

      const failures = await settledMatchingLines(info.logs.dovecot, offset, (line) => line.includes(`user=<${username}>`) && line.includes('auth failed'));
      // At most 2 (the budget's limit); exactly 2 here, matching the two rejected runs.
      expect(failures).toHaveLength(2);

      const sixth = await (await LoginBudget.open(stateDir)).check(key);
      expect(sixth).toMatchObject({ allowed: false, reason: 'hourly-limit' });
      if (sixth.allowed) throw new Error('unreachable');
      const safeAfter = Date.parse(sixth.safeAfter ?? '');
      // One hour after the first counted failure (recorded when it happened, during the first run).
      expect(safeAfter).toBeGreaterThanOrEqual(firstRunAt + 60 * 60 * 1000);
      expect(safeAfter).toBeLessThanOrEqual(Date.now() + 60 * 60 * 1000);
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
