/**
 * Type-aware lint for the whole project, `--max-warnings 0` (see package.json "lint").
 *
 * Folder = runtime, enforced here as well as by the per-folder tsconfigs:
 * - renderer/ and shared/ never import Node built-ins, 'electron', or anything under electron/;
 *   shared/ also not React (it is pure TypeScript used by the CLI too).
 * - Only electron/ipc/registerHandlers.ts imports `ipcMain`, only electron/preload.ts `ipcRenderer`.
 * tests/lint/folderRules.test.ts proves these rules fire.
 */
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `node:anything`, and every bare built-in name (fs, fs/promises, path, net, tls, child_process...). */
const nodeBuiltinPattern = {
  regex: `^(node:.*|(${builtinModules.map(escapeRegExp).join('|')})(/.*)?)$`,
  message: 'Node built-ins exist only in electron/ (main process). Ask main through the IPC contract.',
};

const electronPattern = {
  // 'electron' itself, and any relative path into the electron/ folder ('../electron/x', '../../electron').
  regex: '^(electron(/.*)?|(\\.{1,2}/)+(.*/)?electron(/.*)?)$',
  message: 'Electron and electron/ run in the main process. Use the bridge (renderer/bridge.ts).',
};

const reactPattern = {
  regex: '^(react|react-dom)(/.*)?$',
  message: 'shared/ is pure TypeScript (also used by the CLI): no React.',
};

const ipcMainRestriction = {
  name: 'electron',
  importNames: ['ipcMain'],
  message: 'Only electron/ipc/registerHandlers.ts may use ipcMain.',
};
const ipcRendererRestriction = {
  name: 'electron',
  importNames: ['ipcRenderer'],
  message: 'Only electron/preload.ts may use ipcRenderer.',
};

export default defineConfig(
  {
    ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'coverage/**', '.vitest-results/**'],
  },
  tseslint.configs.eslintRecommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          // Root config files are in no folder's tsconfig; they are typed as tests see them.
          allowDefaultProject: ['*.config.ts'],
          defaultProject: 'tests/tsconfig.json',
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: true },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-ignore': true, 'ts-nocheck': true, 'ts-expect-error': 'allow-with-description' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'prefer-const': 'error',
      'no-var': 'error',
      'no-restricted-imports': ['error', { paths: [ipcMainRestriction, ipcRendererRestriction] }],
    },
  },
  {
    // Plain JavaScript (configs, scripts) is in no tsconfig: lint it without type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['electron/ipc/registerHandlers.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [ipcRendererRestriction] }] },
  },
  {
    files: ['electron/preload.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [ipcMainRestriction] }] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { patterns: [nodeBuiltinPattern, electronPattern] }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [nodeBuiltinPattern, electronPattern, reactPattern] }],
    },
  },
);
