import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { WatchroomError } from '../lib/errors.ts';

const run = promisify(execFile);

/** The OS identity the server processes run as; undefined means "as ourselves". */
export interface OsUser {
  readonly uid: number;
  readonly gid: number;
}

/**
 * PostgreSQL refuses to run as root. When we are root (containers, CI), run it as an OS user
 * `postgres`, creating that user if the machine has none.
 */
export async function resolveServerUser(): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookupUser('postgres');
  if (existing) return existing;
  try {
    await run('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ]);
  } catch (error) {
    throw new WatchroomError(
      'postgres_user_unavailable',
      'running as root, and the OS user "postgres" is missing and could not be created (useradd failed)',
      { cause: error },
    );
  }
  const created = await lookupUser('postgres');
  if (!created)
    throw new WatchroomError('postgres_user_unavailable', 'useradd postgres did not create the user');
  return created;
}

/**
 * Adds the search (x) bit for others to `dir` and every ancestor that lacks it, so another OS
 * user can reach a path below (not list it). A checkout or temporary directory is often 0700,
 * which would hide the npm-installed PostgreSQL binaries and the data directory from `postgres`.
 */
export async function makeTraversable(dir: string): Promise<void> {
  for (let current = dir; ; current = dirname(current)) {
    const info = await stat(current);
    if ((info.mode & 0o001) === 0) await chmod(current, (info.mode & 0o7777) | 0o011);
    if (dirname(current) === current) return;
  }
}

async function lookupUser(name: string): Promise<OsUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/**
 * Creates `dir` owned by `user`, and makes every ancestor traversable: temporary directories
 * are created mode 0700, which would lock the server's user out of its own data directory.
 */
export async function prepareOwnedDir(dir: string, user: OsUser | undefined): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (!user) return;
  await makeTraversable(dirname(dir));
  // Only the directory itself: initdb, running as `user`, creates everything inside it.
  await chown(dir, user.uid, user.gid);
}
