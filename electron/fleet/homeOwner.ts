/**
 * One login ledger and one set of managed preferences per user, whoever starts the run (issue 15, item 8).
 *
 * An MDM script often runs as root: `mail-doctor diagnose --home /Users/alice ...`. Run as root, that used to
 * keep its own ledger in root's Library (so root runs and alice's own runs each spent "two failures per hour"
 * against the same server) and read root's user-level managed preferences instead of alice's; and a ledger
 * root created inside alice's Library would have stayed root's, unwritable by alice's next run.
 *
 * Now a root process whose --home belongs to another user becomes that user (supplementary groups, group,
 * user: for good, before anything is read or written). From then on the run is alice's own: her state folder
 * and ledger (the caller takes it from her home: electron/fleet/fleetRun.ts), her managed preferences
 * (`/Library/Managed Preferences/alice/`, named by the user database for the new uid), files she owns. The
 * environment is left alone: nothing of the run takes its folders from $HOME. Root gains nothing it needs from staying root:
 * Mail's files are the user's, and managed preferences are readable by everyone.
 */
import { stat } from 'node:fs/promises';
import os from 'node:os';

export interface HomeOwner {
  readonly uid: number;
  readonly gid: number;
}

export interface AdoptedUser extends HomeOwner {
  /** The user's short name ("" when the user database does not know the uid). */
  readonly name: string;
  readonly home: string;
}

/** The process calls becomeHomeOwner makes: injectable so tests can watch the order without being root. */
export interface IdentityCalls {
  getuid(): number;
  initgroups(uid: number, gid: number): void;
  setgroups(groups: number[]): void;
  setgid(gid: number): void;
  setuid(uid: number): void;
  userName(): string;
}

export const processIdentity: IdentityCalls = {
  getuid: () => process.getuid?.() ?? -1,
  initgroups: (uid, gid) => {
    // process.initgroups exists on POSIX (Node documents it) but @types/node 20 does not declare it.
    const initgroups: unknown = Reflect.get(process, 'initgroups');
    if (typeof initgroups !== 'function') throw new Error('process.initgroups is not available');
    (initgroups as (user: number, extraGroup: number) => void).call(process, uid, gid);
  },
  setgroups: (groups) => process.setgroups?.(groups),
  setgid: (gid) => process.setgid?.(gid),
  setuid: (uid) => process.setuid?.(uid),
  userName: () => {
    try {
      return os.userInfo().username;
    } catch {
      return '';
    }
  },
};

/**
 * The owner of `home` when this process is root and the home belongs to another user; undefined otherwise
 * (not root, the home is root's, or it cannot be read: the run then stays as it is and says so itself).
 */
export async function homeOwnerToAdopt(home: string, calls: Pick<IdentityCalls, 'getuid'> = processIdentity): Promise<HomeOwner | undefined> {
  if (calls.getuid() !== 0) return undefined;
  try {
    const info = await stat(home);
    return info.uid === 0 ? undefined : { uid: info.uid, gid: info.gid };
  } catch {
    return undefined;
  }
}

/** Drops this process to `owner` for good. Throws when the system refuses (the run must not go on as root). */
export function becomeHomeOwner(owner: HomeOwner, home: string, calls: IdentityCalls = processIdentity): AdoptedUser {
  try {
    calls.initgroups(owner.uid, owner.gid);
  } catch {
    // A uid the user database does not know (a copied home): no supplementary groups at all.
    calls.setgroups([owner.gid]);
  }
  calls.setgid(owner.gid);
  calls.setuid(owner.uid);
  return { ...owner, name: calls.userName(), home };
}
