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
  for (let parent = dirname(dir); parent !== dirname(parent); parent = dirname(parent)) {
    const info = await stat(parent);
    if ((info.mode & 0o001) === 0) await chmod(parent, info.mode | 0o711);
  }
  // Only the directory itself: initdb, running as `user`, creates everything inside it.
  await chown(dir, user.uid, user.gid);
}
