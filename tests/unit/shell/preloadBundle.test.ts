import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../..', import.meta.url).pathname;
const outDir = mkdtempSync(join(tmpdir(), 'md-preload-'));

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

describe('the preload bundle', () => {
  it('is one CommonJS file that requires nothing but electron (a sandboxed preload can load nothing else)', () => {
    execFileSync(process.execPath, [join(root, 'esbuild.config.mjs'), '--only', 'preload', '--outdir', outDir], {
      cwd: root,
      stdio: 'pipe',
    });
    const bundle = readFileSync(join(outDir, 'electron', 'preload.cjs'), 'utf8');
    const required = [...bundle.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
    expect(required).toEqual(['electron']);
    expect(bundle).not.toMatch(/\bimport\s*\(|^\s*import\s|^\s*export\s/m);
    expect(bundle).toContain('exposeInMainWorld("mailDoctor"');
    expect(bundle).not.toContain('zod');
  });
});
