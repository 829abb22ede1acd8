/**
 * AdminToolsEnabled through fleet's per-key schema (readManagedPreferences) and the pure policy function the
 * window service and `mail-doctor admin` both use (electron/fleet/managedPolicy.ts adminToolsPolicy).
 */
import { describe, expect, it } from 'vitest';
import { readManagedPreferences } from '../../../electron/accounts/managedPreferences';
import { adminToolsPolicy } from '../../../electron/fleet/managedPolicy';
import { buildMacHome } from '../../fixtures/buildMacHome';
type PlistDict = NonNullable<NonNullable<NonNullable<Parameters<typeof buildMacHome>[0]>['managedPreferences']>['device']>;

async function policyFor(device: PlistDict | undefined, user?: PlistDict) {
  const home = await buildMacHome({ accountsDatabase: false, managedPreferences: { ...(device === undefined ? {} : { device }), ...(user === undefined ? {} : { user }) } });
  try {
    const read = await readManagedPreferences({ dirs: home.managedPreferencesDirs });
    return { policy: adminToolsPolicy(read), problems: read.problems };
  } finally {
    await home.cleanup();
  }
}

describe('AdminToolsEnabled', () => {
  it('true: on; false: off; not set: default', async () => {
    expect((await policyFor({ AdminToolsEnabled: true })).policy).toBe('on');
    expect((await policyFor({ AdminToolsEnabled: false })).policy).toBe('off');
    expect((await policyFor({ SupportEmail: 'help@example.test' })).policy).toBe('default');
    expect((await policyFor(undefined)).policy).toBe('default');
  });

  it('an invalid value is reported and ignored (default), and the device file wins over the user file', async () => {
    const invalid = await policyFor({ AdminToolsEnabled: 'no' });
    expect(invalid.policy).toBe('default');
    expect(invalid.problems.some((problem) => problem.key === 'AdminToolsEnabled')).toBe(true);
    expect((await policyFor({ AdminToolsEnabled: false }, { AdminToolsEnabled: true })).policy).toBe('off');
    expect((await policyFor(undefined, { AdminToolsEnabled: false })).policy).toBe('off');
  });
});
