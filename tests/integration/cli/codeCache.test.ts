/**
 * The CLI's bundles load from the V8 code cache the build wrote beside them (electron/cli/codeCache.ts; issue 13,
 * "Cold start"; the time it saves is measured by `npm run bench`, never here): the build writes one for each, a
 * fresh `node` uses it, and a cache that does not belong to the bytes beside it is never used, even where V8 itself
 * would run it.
 *
 * The loader runs in child processes started without flags, as the CLI runs: V8 refuses a cache made under other
 * V8 flags, and this test process may have some.
 */
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_CACHE_SUFFIX } from '../../../electron/cli/codeCache';
import type { CodeCacheOutcome } from '../../../electron/cli/codeCache';
import { REPO_ROOT, temporaryDir } from './support';

const execFileAsync = promisify(execFile);

interface Loaded {
  readonly outcome: CodeCacheOutcome | 'no outcome';
  readonly exportType: string;
  readonly exportKeys: readonly string[];
  /** The `answer` export of the small modules this test writes. */
  readonly answer?: unknown;
  /** Whether a second requireBundled() and a plain require() of the file gave the very same exports. */
  readonly sameExportsEachTime: boolean;
}

let scratch: { path: string; remove: () => Promise<void> };
let outDir: string;
/** electron/cli/codeCache.ts bundled on its own, so a child `node` can call requireBundled directly. */
let loaderFile: string;

/** Loads each file with requireBundled in a fresh `node` (flags: `nodeFlags` only) and says what happened. */
async function loadInFreshNode(files: readonly string[], nodeFlags: readonly string[] = []): Promise<Loaded[]> {
  const program = `
    const { requireBundled } = require(${JSON.stringify(loaderFile)});
    const results = [];
    for (const file of JSON.parse(process.argv[1])) {
      let outcome = 'no outcome';
      const exported = requireBundled(file, (seen) => { outcome = seen; });
      const again = requireBundled(file, () => { outcome = 'loaded twice'; });
      results.push({
        outcome,
        exportType: typeof exported,
        exportKeys: Object.keys(exported),
        answer: exported.answer,
        sameExportsEachTime: again === exported && require(file) === exported,
      });
    }
    process.stdout.write(JSON.stringify(results));
  `;
  const { stdout } = await execFileAsync(process.execPath, [...nodeFlags, '-e', program, JSON.stringify(files)], { env: withoutNodeOptions() });
  return JSON.parse(stdout) as Loaded[];
}

/** writeCodeCache as the build calls it: in a fresh `node` without flags. */
async function writeCacheInFreshNode(file: string): Promise<void> {
  const program = `require(${JSON.stringify(loaderFile)}).writeCodeCache(${JSON.stringify(file)});`;
  await execFileAsync(process.execPath, ['-e', program], { env: withoutNodeOptions() });
}

function withoutNodeOptions(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
}

beforeAll(async () => {
  scratch = await temporaryDir('md-code-cache-');
  outDir = path.join(scratch.path, 'dist');
  // Its own build: other suites rebuild dist/cli while this one runs.
  await execFileAsync(process.execPath, [path.join(REPO_ROOT, 'esbuild.config.mjs'), '--outdir', outDir, '--only', 'cli'], { cwd: REPO_ROOT });
  loaderFile = path.join(scratch.path, 'codeCacheLoader.cjs');
  await build({
    entryPoints: [path.join(REPO_ROOT, 'electron/cli/codeCache.ts')],
    outfile: loaderFile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
}, 120_000);

afterAll(async () => {
  await scratch.remove();
});

describe('the CLI build writes a V8 code cache beside each bundle it loads', () => {
  it('command.cjs and every vendor file load from their cache in a fresh node, with the exports they have without it', async () => {
    const files = ['command.cjs', 'vendor/imapflow.cjs', 'vendor/nodemailer-smtp-connection.cjs', 'vendor/plist.cjs'].map((file) => path.join(outDir, 'cli', file));
    const loaded = await loadInFreshNode(files);
    expect(loaded.map((each) => each.outcome)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    expect(loaded.every((each) => each.sameExportsEachTime)).toBe(true);
    expect(loaded[0]?.exportKeys).toContain('runCommand');
    expect(loaded[1]?.exportKeys).toContain('ImapFlow');
    expect(loaded[2]?.exportType).toBe('function');
    expect(loaded[3]?.exportKeys).toEqual(expect.arrayContaining(['parse', 'build']));
  });

  it('the entry reaches command.cjs through its cache: a diagnose command runs from the cached build', async () => {
    const { stdout } = await execFileAsync(process.execPath, [path.join(outDir, 'cli', 'mail-doctor.cjs'), '--help'], { cwd: scratch.path });
    expect(stdout).toContain('mail-doctor diagnose');
  });
});

describe('a cache is used only for the bytes it was made from', () => {
  async function moduleWithCache(name: string, answer: number): Promise<string> {
    const file = path.join(scratch.path, name);
    await writeFile(file, `module.exports = { answer: ${answer} };\n`);
    await writeCacheInFreshNode(file);
    return file;
  }

  it('a changed source of the same length is loaded from its own bytes (V8 checks only the length)', async () => {
    const file = await moduleWithCache('same-length.cjs', 41);
    await writeFile(file, 'module.exports = { answer: 42 };\n');
    const [loaded] = await loadInFreshNode([file]);
    expect(loaded).toMatchObject({ outcome: 'stale', answer: 42, sameExportsEachTime: true });
  });

  it('an unchanged source is loaded from its cache, and gives the same exports', async () => {
    const file = await moduleWithCache('unchanged.cjs', 43);
    const [loaded] = await loadInFreshNode([file]);
    expect(loaded).toMatchObject({ outcome: 'accepted', answer: 43, sameExportsEachTime: true });
  });

  it('no cache, or a file that is not one, is an ordinary require()', async () => {
    const noCache = path.join(scratch.path, 'no-cache.cjs');
    await writeFile(noCache, 'module.exports = { answer: 44 };\n');
    const notACache = await moduleWithCache('not-a-cache.cjs', 45);
    await writeFile(`${notACache}${CODE_CACHE_SUFFIX}`, 'some other file\n');
    const loaded = await loadInFreshNode([noCache, notACache]);
    expect(loaded).toMatchObject([
      { outcome: 'none', answer: 44, sameExportsEachTime: true },
      { outcome: 'none', answer: 45, sameExportsEachTime: true },
    ]);
  });

  it('V8 refuses a cache made under other V8 flags; the module still loads, from its source', async () => {
    const file = await moduleWithCache('other-flags.cjs', 46);
    const [loaded] = await loadInFreshNode([file], ['--stack-size=500']);
    expect(loaded).toMatchObject({ outcome: 'rejected-by-v8', answer: 46 });
  });

  it('with --enable-source-maps the bundle is require()d as usual, so stack traces are mapped', async () => {
    const file = await moduleWithCache('source-maps.cjs', 47);
    const [loaded] = await loadInFreshNode([file], ['--enable-source-maps']);
    expect(loaded).toMatchObject({ outcome: 'source-maps', answer: 47 });
  });

  it('a module that throws as it loads is not left half-loaded: the next load runs it again', async () => {
    const file = path.join(scratch.path, 'throws-once.cjs');
    const marker = path.join(scratch.path, 'thrown-once');
    await writeFile(
      file,
      `const fs = require('node:fs');\n` +
        `if (!fs.existsSync(${JSON.stringify(marker)})) { fs.writeFileSync(${JSON.stringify(marker)}, ''); throw new Error('first load fails'); }\n` +
        `module.exports = { answer: 48 };\n`,
    );
    await writeFile(marker, '');
    await writeCacheInFreshNode(file);
    await rm(marker);
    const program = `
      const { requireBundled } = require(${JSON.stringify(loaderFile)});
      let first;
      try { requireBundled(${JSON.stringify(file)}); first = 'loaded'; } catch (error) { first = error.message; }
      process.stdout.write(JSON.stringify({ first, second: requireBundled(${JSON.stringify(file)}).answer }));
    `;
    const { stdout } = await execFileAsync(process.execPath, ['-e', program], { env: withoutNodeOptions() });
    expect(JSON.parse(stdout)).toEqual({ first: 'first load fails', second: 48 });
  });

  it('the cache file begins with the digest of the source it was made from', async () => {
    const file = await moduleWithCache('digest.cjs', 49);
    const cache = await readFile(`${file}${CODE_CACHE_SUFFIX}`);
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update(await readFile(file)).digest('hex');
    expect(cache.toString('latin1', 0, 200)).toContain(`\n${digest}\n`);
  });
});
