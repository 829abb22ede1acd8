/**
 * Starts `electron/preview/server.ts` (the same code `npm run preview` runs) as a child process and
 * reads the address it prints. Playwright specs use it to load the real window in Chromium.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface RunningPreview {
  /** http://127.0.0.1:<port>/#token=<token> */
  readonly pageUrl: string;
  readonly origin: string;
  readonly token: string;
  /** Everything the server wrote to stderr (its log). */
  readonly log: () => string;
  stop(): Promise<void>;
}

export interface PreviewOptions {
  /** Fixture home folder for account discovery; an empty temporary folder when not given. */
  readonly home?: string;
  readonly extraArgs?: readonly string[];
  /** The server's environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Run the server as this uid/gid (root only: the Full Disk Access scenario). */
  readonly uid?: number;
}

export async function startPreview(options: PreviewOptions = {}): Promise<RunningPreview> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'md-preview-home-'));
  const child = spawn(
    process.execPath,
    [join(projectRoot, 'node_modules/tsx/dist/cli.mjs'), join(projectRoot, 'electron/preview/server.ts'), '--home', home, '--port', '0', ...(options.extraArgs ?? [])],
    {
      cwd: projectRoot,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const pageUrl = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`preview did not start within 20 s\n${stderr}`)), 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /Mail Doctor preview: (http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)/.exec(stdout);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`preview exited with ${String(code)}\n${stderr}`));
    });
  });
  const url = new URL(pageUrl);
  return {
    pageUrl,
    origin: url.origin,
    token: new URLSearchParams(url.hash.slice(1)).get('token') ?? '',
    log: () => stderr,
    stop: () => stopChild(child),
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
