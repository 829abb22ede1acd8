/**
 * The CLI's own bundles (dist/cli/command.cjs and its vendor files) loaded with a V8 code cache written when they
 * were built, so a run starts without compiling them again (docs/benchmarks.md, "Cold start": compiling
 * command.cjs alone is ~10 ms of every run). Node 20 has no `module.enableCompileCache()`, and the usual runtime
 * caches (v8-compile-cache, Node 22's compile cache) write into a folder at run time, which another local process
 * could write to as well: a code cache is code. This one is written only by the build (`writeCodeCache`, called by
 * esbuild.config.mjs), beside the bundle it belongs to, read only; no argument or environment variable names it.
 *
 * V8 checks a cache against its own version and flags and the source's *length* only: it runs a stale cache of a
 * changed source of the same length (checked: `return 41` cached, `return 42` run, 41 returned). So the cache
 * file starts with the SHA-256 of the source it was made from, and a cache for other bytes is never used.
 * Whatever happens to the cache (missing, stale, refused by V8), the module loads from its source as before.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

export const CODE_CACHE_SUFFIX = '.v8cache';
/** Format line, then the source's SHA-256 in hex and a newline, then V8's data. */
const CACHE_HEADER = 'mail-doctor V8 code cache 1\n';
const HEADER_BYTES = Buffer.byteLength(CACHE_HEADER);
const DIGEST_HEX_LENGTH = 64;
const PREAMBLE_BYTES = HEADER_BYTES + DIGEST_HEX_LENGTH + 1;

/** What became of a bundle's code cache when it was loaded (tests and the bench read this; a run does not). */
export type CodeCacheOutcome =
  /** V8 used it: nothing of the top level was compiled again. */
  | 'accepted'
  /** V8 refused it (another V8 version or other V8 flags than the build's): compiled from source. */
  | 'rejected-by-v8'
  /** It was made from other bytes than the bundle's now: not used, compiled from source. */
  | 'stale'
  /** No cache beside the bundle (the app's own bundles, a build without one): an ordinary require(). */
  | 'none'
  /** Source maps are on (--enable-source-maps): an ordinary require(), so stack traces are mapped as usual. */
  | 'source-maps';

/**
 * require(file) for one of the CLI's own bundles, with its code cache when there is a good one. The module is
 * registered in require.cache as require() would, so a later require() of the same file gets the same exports.
 */
export function requireBundled(file: string, onOutcome?: (outcome: CodeCacheOutcome) => void): unknown {
  const requireHere = createRequire(file);
  const loaded = requireHere.cache[file];
  if (loaded !== undefined) return loaded.exports;
  const plain = (outcome: CodeCacheOutcome): unknown => {
    onOutcome?.(outcome);
    return requireHere(file);
  };
  if (process.sourceMapsEnabled) return plain('source-maps');
  const cache = readCacheFile(file);
  if (cache === null) return plain('none');
  const source = readFileSync(file, 'utf8');
  if (cache.sourceDigest !== digestOf(source)) return plain('stale');
  const script = new Script(wrapAsCommonJs(source), { filename: file, cachedData: cache.v8Data });
  const exports = runAsModule(script, file, requireHere);
  onOutcome?.(script.cachedDataRejected === true ? 'rejected-by-v8' : 'accepted');
  return exports;
}

/**
 * Build time only (esbuild.config.mjs, in a fresh `node` without flags, as the CLI runs): runs the bundle's top
 * level, so the functions it compiled are in the cache too, and writes the cache beside it.
 */
export function writeCodeCache(file: string): { readonly bytes: number } {
  const source = readFileSync(file, 'utf8');
  const script = new Script(wrapAsCommonJs(source), { filename: file });
  runAsModule(script, file, createRequire(file));
  const data = Buffer.concat([Buffer.from(`${CACHE_HEADER}${digestOf(source)}\n`), script.createCachedData()]);
  writeFileSync(`${file}${CODE_CACHE_SUFFIX}`, data, { mode: 0o644 });
  return { bytes: data.length };
}

function readCacheFile(file: string): { readonly sourceDigest: string; readonly v8Data: Buffer } | null {
  let data: Buffer;
  try {
    data = readFileSync(`${file}${CODE_CACHE_SUFFIX}`);
  } catch {
    return null;
  }
  if (data.length <= PREAMBLE_BYTES || data.toString('latin1', 0, HEADER_BYTES) !== CACHE_HEADER) return null;
  return {
    sourceDigest: data.toString('latin1', HEADER_BYTES, PREAMBLE_BYTES - 1),
    v8Data: data.subarray(PREAMBLE_BYTES),
  };
}

function digestOf(source: string): string {
  return createHash('sha256').update(source).digest('hex');
}

/** Node's own CommonJS wrapper, on the source's first line so line numbers in stack traces stay the same. */
function wrapAsCommonJs(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
}

/** Runs the wrapped bundle as require() would run it: registered first (cycles), forgotten again if it throws. */
function runAsModule(script: Script, file: string, requireHere: NodeJS.Require): unknown {
  const module = new Module(file);
  module.filename = file;
  requireHere.cache[file] = module;
  try {
    const body = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
    body.call(module.exports, module.exports, requireHere, module, file, dirname(file));
  } catch (error) {
    delete requireHere.cache[file];
    throw error;
  }
  module.loaded = true;
  return module.exports;
}
