/**
 * What the packaged app's main bundle can read from its environment: only what the code decides to, in the
 * two places that do it on purpose. In particular the stand-in keychain's variable is not even in the bundle
 * (electron/keychain/developmentKeychain.ts is imported by development entry points only).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../..', import.meta.url).pathname;
const outDir = mkdtempSync(join(tmpdir(), 'md-main-bundle-'));

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

describe('the packaged main bundle', () => {
  execFileSync(process.execPath, [join(root, 'esbuild.config.mjs'), '--only', 'main', '--outdir', outDir], { cwd: root, stdio: 'pipe' });
  const bundle = readFileSync(join(outDir, 'electron', 'main.cjs'), 'utf8');

  it('does not contain the development keychain variable', () => {
    expect(bundle).not.toContain('MAIL_DOCTOR_SECURITY_TOOL');
    expect(bundle).not.toContain('developmentKeychainFromEnvironment');
  });

  it('reads process.env only where it settles it and as the state-folder default (XDG_STATE_HOME, removed at start)', () => {
    const readers = bundle
      .split('\n')
      .filter((line) => line.includes('process.env'))
      .map((line) => /function (\w+)\(/.exec(line)?.[1] ?? line.trim());
    expect(readers.sort()).toEqual(['defaultStateDir', 'settlePackagedEnvironment']);
  });
});
