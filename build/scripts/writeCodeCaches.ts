/**
 * Build step of the CLI (esbuild.config.mjs runs it, bundled, in a fresh `node` without flags, as the CLI runs):
 * writes the V8 code cache beside each bundle named on the command line (electron/cli/codeCache.ts).
 */
import { relative } from 'node:path';
import { writeCodeCache } from '../../electron/cli/codeCache';

for (const file of process.argv.slice(2)) {
  const { bytes } = writeCodeCache(file);
  process.stderr.write(`code cache: ${relative(process.cwd(), file)} (${Math.round(bytes / 1024)} KB)\n`);
}
