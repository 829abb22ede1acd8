// Preloaded (`node --import`) into the built CLI by boundedMemory.test.ts, beside peakRss.cjs: registers
// loadHooks.mjs, which notes every module URL the ESM loader resolves (a dynamic import() of a package from a
// CommonJS bundle goes through it, not through require.cache). Test-only.
import { register } from 'node:module';

register('./loadHooks.mjs', import.meta.url);
