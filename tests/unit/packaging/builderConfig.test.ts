/**
 * The electron-builder configuration, checked the way electron-builder itself checks it (its own loader
 * and validator, and its JSON schema through ajv), so a typo fails `npm test` and not a release build;
 * plus the security-relevant values, each of which is a deliberate decision documented in build/README.md.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { PlatformPackager } from 'app-builder-lib';
import { DebugLogger } from 'builder-util';
import { parse as parsePlist } from 'plist';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { APP_BUNDLE_ID } from '../../../shared/app';
import { SHIPPED_MDM_FILES } from './fakeMac';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const readJson = (path: string): unknown => JSON.parse(readFileSync(join(root, path), 'utf8'));

/** The parts of the config this test asserts on; the schema test covers the whole file. */
const configShape = z.object({
  appId: z.string(),
  productName: z.string(),
  directories: z.object({ buildResources: z.string() }),
  files: z.array(z.string()),
  asar: z.literal(true),
  asarUnpack: z.array(z.string()),
  electronFuses: z.record(z.string(), z.boolean()),
  forceCodeSigning: z.boolean().optional(),
  mac: z.object({
    minimumSystemVersion: z.string().optional(),
    forceCodeSigning: z.boolean().optional(),
    extraResources: z.array(z.object({ from: z.string(), to: z.string() })),
    target: z.array(z.object({ target: z.string(), arch: z.array(z.string()) })),
    hardenedRuntime: z.boolean(),
    entitlements: z.string(),
    entitlementsInherit: z.string(),
    notarize: z.boolean().optional(),
    extendInfo: z.unknown().optional(),
  }),
  pkg: z.object({ installLocation: z.string(), isRelocatable: z.boolean(), mustClose: z.array(z.string()), scripts: z.string().optional() }),
});

const rawConfig = readJson('electron-builder.json');
const config = configShape.parse(rawConfig);

function schemaValidator(): (data: unknown) => { valid: boolean; errors: string[] } {
  const schema = readJson('node_modules/app-builder-lib/scheme.json');
  if (typeof schema !== 'object' || schema === null) throw new Error('scheme.json is not an object');
  // strict: false as electron-builder itself compiles it (the schema carries non-standard annotations).
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  return (data) => ({
    valid: validate(data),
    errors: (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''} ${JSON.stringify(error.params)}`),
  });
}

describe('electron-builder.json against electron-builder', () => {
  it("is valid against electron-builder's own JSON schema (ajv)", () => {
    const result = schemaValidator()(rawConfig);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('the schema check bites: a misspelt key or a wrong type is rejected', () => {
    const validate = schemaValidator();
    const typo = structuredClone(rawConfig) as { mac: Record<string, unknown> };
    typo.mac['hardenedRuntme'] = true;
    expect(validate(typo).valid).toBe(false);
    const wrongType = structuredClone(rawConfig) as { electronFuses: Record<string, unknown> };
    wrongType.electronFuses['runAsNode'] = 'no';
    expect(validate(wrongType).valid).toBe(false);
  });

  it("is the file electron-builder loads from the project, and passes electron-builder's own validation", async () => {
    const loaded = await getConfig(root, null, null);
    expect(loaded.appId).toBe(APP_BUNDLE_ID);
    await expect(validateConfiguration(loaded, new DebugLogger(false))).resolves.toBeUndefined();
  });
});

describe('electron-builder.json decisions', () => {
  it('uses the bundle id the app itself uses (keychain service, managed-preferences domain)', () => {
    expect(config.appId).toBe(APP_BUNDLE_ID);
    expect(config.pkg.mustClose).toEqual([APP_BUNDLE_ID]);
    const packageJson = z.object({ productName: z.string(), main: z.string() }).parse(readJson('package.json'));
    expect(config.productName).toBe('Mail Doctor');
    expect(packageJson.productName).toBe(config.productName);
  });

  it('builds a dmg and a distribution pkg, universal, installed to /Applications only', () => {
    expect(config.mac.target).toEqual([
      { target: 'dmg', arch: ['universal'] },
      { target: 'pkg', arch: ['universal'] },
    ]);
    expect(config.pkg.installLocation).toBe('/Applications');
    // A relocatable pkg would update a stray copy elsewhere (a dev build in ~/Downloads) instead of /Applications.
    expect(config.pkg.isRelocatable).toBe(false);
  });

  it('signs with the hardened runtime and only the allow-jit entitlement, for the app and its helpers', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.entitlements).toBe('build/entitlements.mac.plist');
    expect(config.mac.entitlementsInherit).toBe('build/entitlements.mac.plist');
    const entitlements: unknown = parsePlist(readFileSync(join(root, config.mac.entitlements), 'utf8'));
    expect(entitlements).toEqual({ 'com.apple.security.cs.allow-jit': true });
    // Nothing is added to Info.plist without a proven need.
    expect(config.mac.extendInfo).toBeUndefined();
  });

  it('leaves notarization to the environment (never switched off in the config)', () => {
    expect(config.mac.notarize).not.toBe(false);
  });

  it('sets every Electron fuse deliberately', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  // The CLI's V8 code caches are made by the build machine's Node: the app's `--cli` runs under Electron's V8,
  // which would refuse them, so they are left out (electron/cli/codeCache.ts).
  it('packages an allow-list of built files: no sources, tests, preview, source maps or the development CLI\'s code caches', () => {
    expect(config.files).toEqual(['dist/electron/**', 'dist/renderer/**', 'dist/cli/**', 'package.json', '!**/*.map', '!**/*.v8cache']);
    const includes = config.files.filter((pattern) => !pattern.startsWith('!'));
    for (const pattern of includes) expect(pattern === 'package.json' || pattern.startsWith('dist/')).toBe(true);
    for (const pattern of config.files) expect(pattern).not.toMatch(/^!?(electron|renderer|shared|tests|build|docs)\/|preview|\*\*\/\*$/);
    expect(rawConfig).not.toHaveProperty('extraMetadata');
    expect(config.directories.buildResources).toBe('build');
    const main = z.object({ main: z.string() }).parse(readJson('package.json')).main;
    expect(main.startsWith('dist/electron/')).toBe(true);
  });

  it('ships keytar unpacked and sql.js with its wasm (both production dependencies, loaded from node_modules)', () => {
    expect(config.asarUnpack).toContain('**/node_modules/keytar/build/Release/*.node');
    const dependencies = z.object({ dependencies: z.record(z.string(), z.string()) }).parse(readJson('package.json')).dependencies;
    // electron-builder copies production dependencies into the app whatever `files` says.
    expect(Object.keys(dependencies)).toEqual(expect.arrayContaining(['keytar', 'sql.js']));
    expect(existsSync(join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'))).toBe(true);
    expect(existsSync(join(root, 'node_modules/keytar/build/Release/keytar.node'))).toBe(true);
  });
});

describe('the pkg cannot come out unsigned, and says which macOS it needs', () => {
  it("sets forceCodeSigning, which electron-builder's own packager then reports for the mac build", async () => {
    expect(config.forceCodeSigning).toBe(true);
    // A mac-level value would override the top-level one (PlatformPackager.forceCodeSigning): none is set.
    expect(config.mac.forceCodeSigning).toBeUndefined();
    const loaded = await getConfig(root, null, null);
    // The getter electron-builder's mac packager and pkg target consult before signing (pkg.js throws
    // "Cannot find valid Developer ID Installer" when it is true and no identity is found), evaluated on
    // the loaded config; and on a config without the option, to show the check can fail.
    const forced = (receiver: object): unknown => Reflect.get(PlatformPackager.prototype, 'forceCodeSigning', receiver);
    expect(forced({ platformSpecificBuildOptions: loaded.mac ?? {}, config: loaded })).toBe(true);
    expect(forced({ platformSpecificBuildOptions: {}, config: {} })).toBe(false);
  });

  it('sets minimumSystemVersion to what the bundled Electron needs (LSMinimumSystemVersion and the pkg allowed-os-versions)', () => {
    const electronMajor = Number(z.object({ version: z.string() }).parse(readJson('node_modules/electron/package.json')).version.split('.')[0]);
    // Electron's breaking changes: 38 dropped macOS 11, 44 dropped macOS 12. A newer Electron must be
    // checked against its notes before this table (and the config) are extended.
    expect(electronMajor, 'check Electron’s breaking changes for its minimum macOS, then extend this table').toBeLessThanOrEqual(45);
    const electronMinimum = electronMajor >= 44 ? 13 : electronMajor >= 38 ? 12 : 11;
    const configured = Number(config.mac.minimumSystemVersion?.split('.')[0]);
    expect(configured).toBeGreaterThanOrEqual(electronMinimum);
    // The PPPC profile's `Authorization` key needs macOS 11.
    expect(configured).toBeGreaterThanOrEqual(11);
    expect(config.mac.minimumSystemVersion).toMatch(/^\d+\.\d+$/);
  });
});

describe('what the pkg runs and ships for fleets', () => {
  const scriptsDir = resolve(root, config.directories.buildResources, config.pkg.scripts ?? 'pkg-scripts');

  it('has a preinstall and a postinstall script, executable, as pkgbuild --scripts needs them', () => {
    expect(scriptsDir).toBe(join(root, 'build', 'pkg-scripts'));
    expect(readdirSync(scriptsDir).sort()).toEqual(['postinstall', 'preinstall']);
    for (const name of ['preinstall', 'postinstall']) {
      const path = join(scriptsDir, name);
      expect(statSync(path).mode & 0o111, `${name} must be executable`).toBe(0o111);
      expect(readFileSync(path, 'utf8').startsWith('#!/bin/bash\n')).toBe(true);
    }
  });

  it('ships the fleet helper and the LaunchAgent inside the signed app, at the paths the scripts use', () => {
    expect(config.mac.extraResources).toEqual(SHIPPED_MDM_FILES.map((file) => ({ from: `build/mdm/${file}`, to: `mdm/${file}` })));
    for (const { from } of config.mac.extraResources) expect(existsSync(join(root, from)), from).toBe(true);
    const postinstall = readFileSync(join(scriptsDir, 'postinstall'), 'utf8');
    expect(postinstall).toContain('/Applications/Mail Doctor.app/Contents/Resources/mdm/maildoctor-fleet.sh');
  });
});
