// ESM loader hooks for recordLoads.mjs (they run on the loader's own thread): append each resolved module URL
// to the file named by MD_LOADED_MODULES_FILE. Test-only.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  const file = process.env.MD_LOADED_MODULES_FILE;
  if (file !== undefined) appendFileSync(file, `${result.url}\n`);
  return result;
}
