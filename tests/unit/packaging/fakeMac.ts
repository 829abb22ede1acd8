/**
 * A throwaway "Mac" for testing the MDM shell scripts for real, unchanged, at their real paths.
 *
 * Each run happens in its own mount + PID namespace: an overlay whose lower layer is this machine's `/`
 * (read-only in effect) and whose upper layer is a temp dir that persists between runs, chrooted into.
 * So a script can write /Library/LaunchAgents, /Applications or /Users/alice without touching the host,
 * and the test reads what it wrote from the upper layer. The new PID namespace means `pkill` sees only
 * the processes of that run (a fake "Mail Doctor" started in it), never this machine's.
 *
 * macOS-only tools are stand-ins at their macOS paths (small scripts below, each recording how it was
 * called in /var/fake-mac/<tool>.log): scutil (console user), launchctl (a tiny launchd: bootstrap,
 * bootout, print, kickstart that really runs the job's ProgramArguments as the user), dscl (homes from
 * /etc/passwd), plutil (-extract … raw on JSON and plists, as macOS 12+ does), BSD stat -f, pkgutil.
 * Everything else (bash, pkill, pgrep, id, chown, cp, mv...) is the real Linux tool.
 *
 * Needs Linux and root (unshare, overlayfs, chroot); `fakeMacUnavailableReason()` says why not.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmod, chown, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
export const APP_PATH = '/Applications/Mail Doctor.app';
export const FAKE_STATE = '/var/fake-mac';

export function fakeMacUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'the fake Mac needs Linux namespaces';
  if (process.getuid?.() !== 0) return 'the fake Mac needs root (mount namespace, overlayfs, chroot)';
  const probe = spawnSync('unshare', ['--mount', '--pid', '--fork', 'true'], { stdio: 'ignore' });
  if (probe.status !== 0) return 'unshare --mount --pid is not permitted here';
  return undefined;
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface FakeUser {
  readonly name: string;
  readonly uid: number;
  readonly home: string;
}

export interface FakeMac {
  /** The host path of a Mac path in the upper layer (what the scripts wrote, or fixtures to put there). */
  hostPath(macPath: string): string;
  writeFile(macPath: string, content: string | Uint8Array, options?: { mode?: number; uid?: number; gid?: number }): Promise<void>;
  readFile(macPath: string): Promise<string>;
  addUser(name: string, uid: number): Promise<FakeUser>;
  /** Who scutil says is at the console: a user name, 'loginwindow', '_mbsetupuser', or null (no key). */
  setConsoleUser(name: string | null): Promise<void>;
  /** Installs the app bundle: the fake executable plus the MDM files the real build ships in Resources. */
  installApp(): Promise<void>;
  /** Runs bash -c `script` inside the fake Mac as root. */
  run(script: string, options?: { timeoutMs?: number }): Promise<RunResult>;
  /** The lines a stand-in recorded (`launchctl`, `pkgutil`, `app`...). */
  calls(tool: string): Promise<string[]>;
  exists(macPath: string): Promise<boolean>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- the stand-ins

const SCUTIL = `#!/bin/bash
# Stand-in for macOS scutil: answers "show State:/Users/ConsoleUser" like the real one.
echo "scutil $*" >> ${FAKE_STATE}/scutil.log
read -r command key
if [ "$command $key" != "show State:/Users/ConsoleUser" ] || [ ! -s ${FAKE_STATE}/console-user ]; then
  echo "  No such key"
  exit 0
fi
name=$(cat ${FAKE_STATE}/console-user)
uid=$(/usr/bin/id -u "$name" 2>/dev/null || echo 88)
printf '<dictionary> {\\n  GID : 20\\n  Name : %s\\n  SessionInfo : <array> {\\n    0 : <dictionary> {\\n      kCGSSessionUserIDKey : %s\\n      kCGSSessionUserNameKey : %s\\n    }\\n  }\\n  UID : %s\\n}\\n' "$name" "$uid" "$name" "$uid"
`;

const LAUNCHCTL = `#!/bin/bash
# Stand-in for macOS launchctl: a tiny launchd that remembers loaded jobs per domain, and whose
# kickstart really runs the job's ProgramArguments as the domain's user with HOME set, like launchd.
echo "$*" >> ${FAKE_STATE}/launchctl.log
state=${FAKE_STATE}/launchd
case "$1" in
  bootstrap)
    domain=$2; plist=$3
    label=$(/usr/bin/plutil -extract Label raw -o - "$plist" 2>/dev/null) || { echo "Bootstrap failed: 5: Input/output error" >&2; exit 5; }
    if [ -e "$state/$domain/$label" ]; then echo "Bootstrap failed: 5: Input/output error" >&2; exit 5; fi
    mkdir -p "$state/$domain" && cp "$plist" "$state/$domain/$label"
    ;;
  bootout)
    target=$2
    if [ ! -e "$state/$target" ]; then echo "Boot-out failed: 3: No such process" >&2; exit 3; fi
    rm -f "$state/$target"
    ;;
  print)
    if [ ! -e "$state/$2" ]; then echo "Could not find service \\"\${2##*/}\\" in domain" >&2; exit 113; fi
    echo "$2 = { state = waiting }"
    ;;
  kickstart)
    [ "$2" = "-k" ] && shift
    target=$2; job="$state/$target"
    if [ ! -e "$job" ]; then echo "Could not find service" >&2; exit 113; fi
    uid=\${target#gui/}; uid=\${uid%%/*}
    user=$(/usr/bin/id -nu "$uid"); home=$(getent passwd "$user" | cut -d: -f6)
    args=(); index=0
    while value=$(/usr/bin/plutil -extract "ProgramArguments.$index" raw -o - "$job" 2>/dev/null); do args+=("$value"); index=$((index + 1)); done
    ( cd / && HOME="$home" USER="$user" setpriv --reuid "$uid" --regid "$(id -g "$user")" --init-groups "\${args[@]}" >> ${FAKE_STATE}/job.log 2>&1 & )
    ;;
  *)
    echo "launchctl stand-in: unsupported: $*" >&2; exit 64
    ;;
esac
`;

const DSCL = `#!/bin/bash
# Stand-in for dscl: "dscl . -read /Users/NAME NFSHomeDirectory" from /etc/passwd.
echo "$*" >> ${FAKE_STATE}/dscl.log
if [ "$1" = "." ] && [ "$2" = "-read" ] && [ "$4" = "NFSHomeDirectory" ]; then
  entry=$(getent passwd "\${3#/Users/}") || { echo "<dscl_cmd> DS Error: -14136 (eDSRecordNotFound)" >&2; exit 56; }
  echo "NFSHomeDirectory: $(echo "$entry" | cut -d: -f6)"
  exit 0
fi
echo "dscl stand-in: unsupported: $*" >&2; exit 64
`;

const PLUTIL = `#!${process.execPath}
// Stand-in for macOS plutil: "-extract KEYPATH raw -o - FILE" on JSON, XML or binary plists, and "-lint FILE".
const { appendFileSync, readFileSync } = require('node:fs');
const { pathToFileURL } = require('node:url');
const modules = ${JSON.stringify(join(REPO_ROOT, 'node_modules'))};
appendFileSync('${FAKE_STATE}/plutil.log', process.argv.slice(2).join(' ') + '\\n');
async function parse(file) {
  const bytes = readFileSync(file);
  const text = bytes.toString('utf8').trimStart();
  if (text.startsWith('{') || text.startsWith('[')) return JSON.parse(text);
  if (bytes.subarray(0, 6).toString('latin1') === 'bplist') return require(modules + '/bplist-parser/dist/index.cjs').parseBuffer(bytes)[0];
  const plist = await import(pathToFileURL(modules + '/plist/dist/index.js').href);
  return plist.parse(bytes.toString('utf8'));
}
async function main(args) {
  if (args[0] === '-lint') { await parse(args[1]); console.log(args[1] + ': OK'); return 0; }
  if (args[0] === '-extract' && args[2] === 'raw' && args[3] === '-o' && args[4] === '-') {
    let value = await parse(args[5]);
    for (const part of args[1].split('.')) {
      if (value === null || typeof value !== 'object' || !(part in value)) throw new Error('No value at that key path or invalid key path: ' + args[1]);
      value = value[part];
    }
    if (value !== null && typeof value === 'object') throw new Error('raw is only for strings, numbers and booleans');
    process.stdout.write(String(value) + '\\n');
    return 0;
  }
  console.error('plutil stand-in: unsupported: ' + args.join(' '));
  return 64;
}
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => { console.error(process.argv[7] + ': Could not extract value, error: ' + error.message); process.exit(1); },
);
`;

const STAT = `#!/bin/bash
# Stand-in for BSD stat: "stat -f FORMAT FILE" with %m (mtime), %Su (owner), %u (uid), %Lp (mode).
echo "$*" >> ${FAKE_STATE}/stat.log
if [ "$1" != "-f" ]; then exec /usr/local/libexec/gnu-stat "$@"; fi
format=$2; shift 2
format=\${format//%Su/%U}; format=\${format//%Lp/%a}; format=\${format//%m/%Y}
exec /usr/local/libexec/gnu-stat -c "$format" "$@"
`;

const PKGUTIL = `#!/bin/bash
# Stand-in for pkgutil: --forget ID against receipts in ${FAKE_STATE}/receipts.
echo "$*" >> ${FAKE_STATE}/pkgutil.log
if [ "$1" = "--forget" ]; then
  if [ -e ${FAKE_STATE}/receipts/"$2" ]; then rm -f ${FAKE_STATE}/receipts/"$2"; echo "Forgot package '$2' on '/'."; exit 0; fi
  echo "No receipt for '$2' found at '/'." >&2; exit 1
fi
echo "pkgutil stand-in: unsupported: $*" >&2; exit 64
`;

/**
 * The app's executable. `--cli diagnose ... --save-report` (what the LaunchAgent runs) writes the canned
 * report as the real app would, to the user's cached-report path; `--fake-run SECONDS [--ignore-term]`
 * just stays running (a window left open) and says so in /var/fake-mac/app-ready. Every start is recorded.
 */
const FAKE_APP = `#!/bin/bash
echo "uid=$(id -u) home=$HOME args=$*" >> ${FAKE_STATE}/app.log
if [ "$1" = "--fake-run" ]; then
  [ "$3" = "--ignore-term" ] && trap '' TERM
  # Running, with its signal handling in place: a test may act on it now.
  : > ${FAKE_STATE}/app-ready
  end=$(( $(date +%s) + $2 )); while [ "$(date +%s)" -lt "$end" ]; do sleep 0.1; done; exit 0
fi
case " $* " in
  *" --save-report "*)
    dir="$HOME/Library/Application Support/Mail Doctor"
    # A new run id each run, as the real app's runs have.
    mkdir -p "$dir" && sed "s/\\"runId\\": \\"[^\\"]*\\"/\\"runId\\": \\"run-$(date +%s%N)\\"/" ${FAKE_STATE}/canned-report.json > "$dir/.last-diagnosis.json.tmp" && mv "$dir/.last-diagnosis.json.tmp" "$dir/last-diagnosis.json"
    ;;
esac
exit 0
`;

// ---------------------------------------------------------------- the harness

export async function createFakeMac(): Promise<FakeMac> {
  const dir = await mkdtemp(join(tmpdir(), 'md-fake-mac-'));
  const upper = join(dir, 'upper');
  const work = join(dir, 'work');
  const merged = join(dir, 'merged');
  await Promise.all([mkdir(upper), mkdir(work), mkdir(merged)]);
  const hostPath = (macPath: string): string => join(upper, macPath);

  const put = async (macPath: string, content: string | Uint8Array, mode = 0o644): Promise<void> => {
    await mkdir(dirname(hostPath(macPath)), { recursive: true });
    await writeFile(hostPath(macPath), content);
    await chmod(hostPath(macPath), mode);
  };

  // /bin and /sbin are symlinks into /usr on Debian: stand-ins go under /usr so /bin/launchctl resolves.
  await put('/usr/sbin/scutil', SCUTIL, 0o755);
  await put('/usr/bin/launchctl', LAUNCHCTL, 0o755);
  await put('/usr/bin/dscl', DSCL, 0o755);
  await put('/usr/bin/plutil', PLUTIL, 0o755);
  await put('/usr/bin/stat', STAT, 0o755);
  await put('/usr/sbin/pkgutil', PKGUTIL, 0o755);
  await mkdir(hostPath('/usr/local/libexec'), { recursive: true });
  await copyFile('/usr/bin/stat', hostPath('/usr/local/libexec/gnu-stat'));
  await chmod(hostPath('/usr/local/libexec/gnu-stat'), 0o755);
  // macOS keeps chown in /usr/sbin.
  await symlink('/usr/bin/chown', hostPath('/usr/sbin/chown'));
  await mkdir(hostPath(`${FAKE_STATE}/receipts`), { recursive: true });
  await put('/etc/passwd', await readFile('/etc/passwd', 'utf8'));
  await mkdir(hostPath('/Library/LaunchAgents'), { recursive: true });
  await mkdir(hostPath('/Users'), { recursive: true });

  const exists = async (macPath: string): Promise<boolean> => (await run(`test -e ${shellQuote(macPath)} || test -L ${shellQuote(macPath)}`)).code === 0;

  const run = (script: string, options: { timeoutMs?: number } = {}): Promise<RunResult> =>
    new Promise((resolvePromise, reject) => {
      const setup = [
        'set -e',
        `mount -t overlay overlay -o lowerdir=/,upperdir=${shellQuote(upper)},workdir=${shellQuote(work)} ${shellQuote(merged)}`,
        `mount -t proc proc ${shellQuote(join(merged, 'proc'))}`,
        `mount --rbind /dev ${shellQuote(join(merged, 'dev'))}`,
        `exec chroot ${shellQuote(merged)} /usr/bin/env -i PATH=/usr/bin:/bin:/usr/sbin:/sbin HOME=/var/root /bin/bash -c ${shellQuote(script)}`,
      ].join('\n');
      const child = spawn('unshare', ['--mount', '--pid', '--fork', '--kill-child', '/bin/bash', '-c', setup], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolvePromise({ code, stdout, stderr });
      });
    });

  return {
    hostPath,
    writeFile: async (macPath, content, options = {}) => {
      await put(macPath, content, options.mode ?? 0o644);
      if (options.uid === undefined) return;
      const uid = options.uid;
      const gid = options.gid ?? uid;
      await chown(hostPath(macPath), uid, gid);
      // Folders created on the way inside a home belong to the user too, as the user would have made them.
      for (let dir = dirname(macPath); dir.split('/').length > 3 && dir.startsWith('/Users/'); dir = dirname(dir)) await chown(hostPath(dir), uid, gid);
    },
    readFile: (macPath) => readFile(hostPath(macPath), 'utf8'),
    addUser: async (name, uid) => {
      const home = `/Users/${name}`;
      const passwd = await readFile(hostPath('/etc/passwd'), 'utf8');
      await writeFile(hostPath('/etc/passwd'), `${passwd}${name}:x:${uid}:${uid}::${home}:/bin/bash\n`);
      for (const part of ['', '/Library', '/Library/Application Support']) {
        await mkdir(hostPath(`${home}${part}`), { recursive: true });
        await chown(hostPath(`${home}${part}`), uid, uid);
      }
      return { name, uid, home };
    },
    setConsoleUser: async (name) => {
      await put(`${FAKE_STATE}/console-user`, name ?? '');
    },
    installApp: async () => {
      await put(`${APP_PATH}/Contents/MacOS/Mail Doctor`, FAKE_APP, 0o755);
      for (const file of SHIPPED_MDM_FILES) {
        await put(`${APP_PATH}/Contents/Resources/mdm/${file}`, await readFile(join(REPO_ROOT, 'build', 'mdm', file)), 0o755);
      }
      await put(`${FAKE_STATE}/receipts/com.maildoctor.app`, '');
      // The app runs as the user (a LaunchAgent job): its logs must be writable for it.
      for (const log of ['app.log', 'job.log']) await put(`${FAKE_STATE}/${log}`, '', 0o666);
    },
    run,
    calls: async (tool) => {
      try {
        return (await readFile(hostPath(`${FAKE_STATE}/${tool}.log`), 'utf8')).split('\n').filter((line) => line !== '');
      } catch {
        return [];
      }
    },
    exists,
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** What electron-builder copies into Contents/Resources/mdm (electron-builder.json mac.extraResources). */
export const SHIPPED_MDM_FILES = ['maildoctor-fleet.sh', 'com.maildoctor.app.scheduled-diagnosis.plist'] as const;

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
