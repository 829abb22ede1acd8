/**
 * Proves the folder = runtime import rules of eslint.config.js fire, using ESLint's own Node API on
 * the real config. Each case lints source text as if it were a file in that folder (the file paths
 * are real files, so the type-aware parser finds their tsconfig; only the text is the fixture).
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const eslint = new ESLint({ cwd: root });

const RENDERER_FILE = 'renderer/bridge.ts';
const SHARED_FILE = 'shared/ipc/contract.ts';
const ELECTRON_FILE = 'electron/links.ts';

async function restrictedImportMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  if (result === undefined) throw new Error('ESLint returned no result');
  const fatal = result.messages.filter((message) => message.fatal === true);
  expect(fatal, `parse errors in ${filePath}`).toEqual([]);
  return result.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

const forbiddenInBrowserAndShared = [
  "import fs from 'node:fs';",
  "import { readFile } from 'fs/promises';",
  "import path from 'path';",
  "import net from 'net';",
  "import tls from 'tls';",
  "import { spawn } from 'child_process';",
  "import { ipcRenderer } from 'electron';",
  "import { shell } from 'electron';",
  "import { createLinkOpener } from '../electron/links';",
  "import { registerHandlers } from '../../electron/ipc/registerHandlers';",
];

describe('folder import rules', () => {
  it.each(forbiddenInBrowserAndShared)('renderer/ may not: %s', async (code) => {
    expect(await restrictedImportMessages(RENDERER_FILE, `${code}\n`)).toHaveLength(1);
  });

  it.each(forbiddenInBrowserAndShared)('shared/ may not: %s', async (code) => {
    expect(await restrictedImportMessages(SHARED_FILE, `${code}\n`)).toHaveLength(1);
  });

  it('shared/ may not import React; renderer/ may', async () => {
    const code = "import { useState } from 'react';\nexport const hook = useState;\n";
    expect(await restrictedImportMessages(SHARED_FILE, code)).toHaveLength(1);
    expect(await restrictedImportMessages(RENDERER_FILE, code)).toEqual([]);
  });

  it('allows what those folders need', async () => {
    const rendererCode = [
      "import { useEffect } from 'react';",
      "import { buildMailDoctorApi } from '../shared/ipc/contract';",
      "import type { AccountDiscovery } from '../shared/model/account';",
      'export const used: [typeof useEffect, typeof buildMailDoctorApi, AccountDiscovery | null] = [useEffect, buildMailDoctorApi, null];',
      '',
    ].join('\n');
    expect(await restrictedImportMessages(RENDERER_FILE, rendererCode)).toEqual([]);
    const sharedCode = [
      "import { z } from 'zod';",
      "import { ok } from '../result';",
      'export const used = [z, ok];',
      '',
    ].join('\n');
    expect(await restrictedImportMessages(SHARED_FILE, sharedCode)).toEqual([]);
  });

  it('only registerHandlers.ts may import ipcMain, only preload.ts ipcRenderer', async () => {
    const ipcMainCode = "import { ipcMain } from 'electron';\nexport const used = ipcMain;\n";
    const ipcRendererCode = "import { ipcRenderer } from 'electron';\nexport const used = ipcRenderer;\n";
    expect(await restrictedImportMessages(ELECTRON_FILE, ipcMainCode)).toHaveLength(1);
    expect(await restrictedImportMessages(ELECTRON_FILE, ipcRendererCode)).toHaveLength(1);
    expect(await restrictedImportMessages('electron/ipc/registerHandlers.ts', ipcMainCode)).toEqual([]);
    expect(await restrictedImportMessages('electron/ipc/registerHandlers.ts', ipcRendererCode)).toHaveLength(1);
    expect(await restrictedImportMessages('electron/preload.ts', ipcRendererCode)).toEqual([]);
    expect(await restrictedImportMessages('electron/preload.ts', ipcMainCode)).toHaveLength(1);
    // Other Electron APIs stay available to the main process.
    expect(await restrictedImportMessages(ELECTRON_FILE, "import { shell } from 'electron';\nexport const used = shell;\n")).toEqual([]);
  });

  it('reports floating promises as errors', async () => {
    const [result] = await eslint.lintText('export function f(): void {\n  Promise.resolve(1);\n}\n', {
      filePath: `${root}${ELECTRON_FILE}`,
    });
    expect(result?.messages.map((message) => message.ruleId)).toContain('@typescript-eslint/no-floating-promises');
  });
});
