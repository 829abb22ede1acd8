/**
 * Bundles the Node side of the app:
 *   electron/main.ts        -> dist/electron/main.cjs     (package.json "main"; npm packages stay external)
 *   electron/preload.ts     -> dist/electron/preload.cjs  (ONE self-contained CommonJS file: a sandboxed
 *                                                          preload can require nothing but 'electron')
 *   electron/cli/main.ts    -> dist/cli/mail-doctor.cjs   (the command's entry: answers --version, else loads:)
 *   electron/cli/command.ts -> dist/cli/command.cjs       (argument parsing, the diagnosis, the exit guard)
 *   imapflow, nodemailer's SMTP connection, plist -> dist/{electron,cli}/vendor/*.cjs
 *   dist/cli/command.cjs and dist/cli/vendor/*.cjs each get a V8 code cache beside them (*.cjs.v8cache)
 *
 * Start-up time (docs/benchmarks.md, "Cold start"): `mail-doctor --version` reads only the small entry file; the
 * app's main.cjs keeps the CLI's and the window's modules behind lazy initializers (`import()` in main.ts); and
 * the login libraries are each one pre-bundled file loaded by `import()` when a run logs in. Loaded from
 * node_modules they cost ~80 module resolutions and file reads; one file each takes about 40 % less time.
 *
 * Usage: node esbuild.config.mjs [--outdir DIR] [--only main|preload|cli]
 * (--outdir/--only let tests build one bundle into a temporary folder.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('.', import.meta.url));
const { values } = parseArgs({
  options: { outdir: { type: 'string' }, only: { type: 'string' } },
  strict: true,
});
const outRoot = values.outdir ?? join(root, 'dist');

/**
 * npm packages stay external (loaded from node_modules at run time; keytar is native, sql.js finds its
 * .wasm beside it) — except the ESM-only ones, which a CommonJS bundle cannot require(): those are
 * bundled in.
 */
const ESM_ONLY_PACKAGES = new Set(['plist']);
/**
 * Small packages every command loads at start, bundled in (so the code cache covers them) instead of require()d
 * from node_modules: bplist-parser (Mail's archived values) cost ~4.6 ms that way (its `exports` map resolved,
 * its file read and compiled), before the first connection of a check.
 */
const BUNDLED_PACKAGES = new Set(['bplist-parser']);
/**
 * Entry points of a package that are bundled although the package itself stays external: `zod/mini` (the login
 * ledger's schemas) is a few kilobytes bundled, but loaded from node_modules it pulls in as much as the full zod.
 */
const BUNDLED_ENTRY_POINTS = { zod: ['zod/mini'] };
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const externalPackages = Object.keys(packageJson.dependencies ?? {})
  .filter((name) => !ESM_ONLY_PACKAGES.has(name) && !BUNDLED_PACKAGES.has(name) && BUNDLED_ENTRY_POINTS[name] === undefined)
  .flatMap((name) => [name, `${name}/*`]);
/** esbuild's `external: ['zod']` would take `zod/mini` with it: only the bare name stays external. */
const bareExternalPlugin = {
  name: 'bare-external',
  setup(build) {
    const names = Object.keys(BUNDLED_ENTRY_POINTS);
    build.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({ path: args.path, external: true }));
  },
};

/**
 * Packages the login probes load with `import()` (electron/probes/imap.ts, smtp.ts), bundled with their own
 * dependencies into one file each, next to the bundle that loads them (so inside the asar in the app).
 */
const VENDOR_BUNDLES = {
  imapflow: 'imapflow.cjs',
  'nodemailer/lib/smtp-connection': 'nodemailer-smtp-connection.cjs',
  // electron/accounts/plistFile.ts, only when an XML property list is read: its XML parser and builder take
  // about 15 ms to load, which a check of a typed-in account (or of Accounts4.sqlite alone) never needs.
  plist: 'plist.cjs',
};
/** An import of exactly one of the vendored names. */
const VENDOR_IMPORT = new RegExp(`^(${Object.keys(VENDOR_BUNDLES).map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})$`);
const vendorPlugin = {
  name: 'vendor-bundles',
  setup(build) {
    build.onResolve({ filter: VENDOR_IMPORT }, (args) => ({ path: `./vendor/${VENDOR_BUNDLES[args.path]}`, external: true }));
  },
};
/**
 * The CLI loads its vendor files, as it loads command.cjs, through electron/cli/codeCache.ts: with the V8 code cache
 * the build writes beside each (writeCodeCaches below), so a run does not compile them again. The app's main
 * bundle keeps plain require()s (vendorPlugin): a cache made by this Node would not fit Electron's V8.
 */
const CODE_CACHE_LOADER = join(root, 'electron/cli/codeCache.ts');
const cachedVendorPlugin = {
  name: 'vendor-bundles-with-code-cache',
  setup(build) {
    build.onResolve({ filter: VENDOR_IMPORT }, (args) => ({ path: VENDOR_BUNDLES[args.path], namespace: 'cached-vendor' }));
    build.onLoad({ filter: /.*/, namespace: 'cached-vendor' }, (args) => ({
      contents:
        `const { requireBundled } = require(${JSON.stringify(CODE_CACHE_LOADER)});\n` +
        `module.exports = requireBundled(require('node:path').join(__dirname, 'vendor', ${JSON.stringify(args.path)}));\n`,
      loader: 'js',
      resolveDir: root,
    }));
  },
};

/** Electron 45 runs Node 22 and Chromium 140. */
const bundles = {
  main: {
    entryPoints: [join(root, 'electron/main.ts')],
    outfile: join(outRoot, 'electron/main.cjs'),
    platform: 'node',
    target: 'node22',
    external: ['electron', ...externalPackages],
    plugins: [bareExternalPlugin, vendorPlugin],
    vendorDir: join(outRoot, 'electron/vendor'),
  },
  preload: {
    entryPoints: [join(root, 'electron/preload.ts')],
    outfile: join(outRoot, 'electron/preload.cjs'),
    platform: 'browser',
    target: 'chrome140',
    external: ['electron'],
  },
  cli: {
    entryPoints: [join(root, 'electron/cli/main.ts')],
    outfile: join(outRoot, 'cli/mail-doctor.cjs'),
    platform: 'node',
    target: 'node20',
    external: externalPackages,
    banner: { js: '#!/usr/bin/env node' },
    // The entry loads dist/cli/command.cjs by its path (electron/cli/main.ts), its own file. Only the entry and that
    // one file: a module in two bundles would exist twice in the process (two live-secret registries, two `Secret`
    // classes), so nothing else is split off (the code cache loader is stateless).
    also: {
      entryPoints: [join(root, 'electron/cli/command.ts')],
      outfile: join(outRoot, 'cli/command.cjs'),
      platform: 'node',
      target: 'node20',
      external: externalPackages,
      plugins: [bareExternalPlugin, cachedVendorPlugin],
    },
    vendorDir: join(outRoot, 'cli/vendor'),
    codeCached: [join(outRoot, 'cli/command.cjs'), ...Object.values(VENDOR_BUNDLES).map((file) => join(outRoot, 'cli/vendor', file))],
  },
};

const common = {
  bundle: true,
  format: 'cjs',
  // `import()` becomes require(): an external one (the vendor bundles, npm packages) would otherwise go
  // through Node's ESM loader, which scans a CommonJS file for its export names before running it.
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
  // esbuild would turn import.meta into {} in CommonJS output; fail instead of shipping that.
  logOverride: { 'empty-import-meta': 'error' },
};

/**
 * imapflow requires two packages at load that a login check never runs, and that cost about a third of its
 * load time: pino (its default logger, created only when a connection is given no logger: imap.ts gives one)
 * and socks (only for the `proxy` option, never set). In the vendor bundle they are replaced by stand-ins that
 * throw if ever called, so a library upgrade that starts using them fails loudly (the CLI's integration tests
 * log in through this bundle) instead of quietly.
 */
const IMAPFLOW_UNUSED = {
  pino: 'module.exports = function pino() { throw new Error("pino is left out of the vendor bundle: pass imapflow a logger"); };',
  socks: 'module.exports = { SocksClient: { createConnection() { throw new Error("socks is left out of the vendor bundle: no proxy option"); } } };',
};
const leaveOutPlugin = (standIns) => ({
  name: 'leave-out',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(standIns).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'left-out' }));
    build.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({ contents: standIns[args.path], loader: 'js' }));
  },
});

/**
 * imapflow requires, at its own start, what it needs to decode messages: libmime and iconv-lite with their
 * character-set tables, encoding-japanese, mailsplit, libqp, libbase64. That is half of its ~30 ms load, and a
 * login check decodes no message. In the vendor bundle each of those `require`s in imapflow's own files becomes a
 * stand-in that loads the module on first use (any property read), so nothing changes for code that does use it.
 * The build fails if one of them is no longer found, so a library upgrade is looked at again.
 */
const IMAPFLOW_LOADED_ON_FIRST_USE = ['libmime', 'iconv-lite', 'encoding-japanese', 'libqp', 'libbase64', '@zone-eu/mailsplit', '@zone-eu/mailsplit/lib/flowed-decoder.js'];
const loadOnFirstUsePlugin = (modules) => ({
  name: 'load-on-first-use',
  setup(build) {
    const deferred = new Set();
    build.onLoad({ filter: /[\\/]node_modules[\\/]imapflow[\\/]dist[\\/]cjs[\\/].*\.js$/ }, async (args) => {
      const source = (await readFile(args.path, 'utf8')).replace(
        /^const (\w+) = (__importDefault\()?require\("([^"]+)"\)\)?;$/gm,
        (line, name, importDefault, module) => {
          if (!modules.includes(module)) return line;
          deferred.add(module);
          const load = importDefault === undefined ? `require(${JSON.stringify(module)})` : `__importDefault(require(${JSON.stringify(module)}))`;
          return `let ${name}$loaded; const ${name} = new Proxy({}, { get: (_, key) => (${name}$loaded ??= ${load})[key] });`;
        },
      );
      return { contents: source, loader: 'js' };
    });
    build.onEnd(() => {
      const missing = modules.filter((module) => !deferred.has(module));
      if (missing.length > 0) throw new Error(`imapflow no longer requires ${missing.join(', ')} as expected: look at IMAPFLOW_LOADED_ON_FIRST_USE again`);
    });
  },
});

/** One CommonJS file per vendored package, with everything it requires (Node built-ins aside). */
async function buildVendorBundles(vendorDir, target) {
  for (const [name, file] of Object.entries(VENDOR_BUNDLES)) {
    // An ESM-only package cannot be require()d: its exports are re-exported instead (esbuild converts them).
    const contents = ESM_ONLY_PACKAGES.has(name) ? `export * from ${JSON.stringify(name)};` : `module.exports = require(${JSON.stringify(name)});`;
    await build({
      ...common,
      stdin: { contents, resolveDir: root, loader: 'js' },
      outfile: join(vendorDir, file),
      platform: 'node',
      target,
      plugins: name === 'imapflow' ? [leaveOutPlugin(IMAPFLOW_UNUSED), loadOnFirstUsePlugin(IMAPFLOW_LOADED_ON_FIRST_USE)] : [],
      // Not minified: a stack trace from inside the library should stay readable.
    });
  }
}

/**
 * The V8 code caches (electron/cli/codeCache.ts), written by the same Node binary as the CLI runs on, in a fresh
 * process without flags (NODE_OPTIONS removed): V8 refuses a cache made under other V8 flags.
 */
async function writeCodeCaches(files) {
  const scratch = await mkdtemp(join(tmpdir(), 'md-code-cache-'));
  try {
    const script = join(scratch, 'writeCodeCaches.cjs');
    await build({ ...common, entryPoints: [join(root, 'build/scripts/writeCodeCaches.ts')], outfile: script, platform: 'node', target: 'node20' });
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    execFileSync(process.execPath, [script, ...files], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const selected = values.only === undefined ? Object.keys(bundles) : [values.only];
for (const name of selected) {
  const options = bundles[name];
  if (options === undefined) throw new Error(`unknown bundle: ${name}`);
  if (name === 'cli' && !existsSync(options.entryPoints[0])) {
    console.error('esbuild: electron/cli/main.ts does not exist yet, no CLI bundle');
    continue;
  }
  const { also, vendorDir, codeCached, ...own } = options;
  for (const each of also === undefined ? [own] : [own, also]) {
    await build({ ...common, ...each, sourcemap: 'linked' });
    console.error(`esbuild: ${each.outfile}`);
  }
  if (vendorDir !== undefined) {
    await buildVendorBundles(vendorDir, own.target);
    console.error(`esbuild: ${vendorDir}/ (${Object.values(VENDOR_BUNDLES).join(', ')})`);
  }
  if (codeCached !== undefined) await writeCodeCaches(codeCached);
}
