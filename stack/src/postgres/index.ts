import { join } from 'node:path';
import postgres, { type Sql } from 'postgres';
import { errorMessage, WatchroomError } from '../lib/errors.ts';
import { type Logger, silentLogger } from '../lib/logger.ts';
import { bootstrapPlatform } from './bootstrap/index.ts';
import { applyMigrations } from './migrations.ts';
import { applySeeds } from './seed.ts';
import { type PostgresServer, startPostgres } from './server.ts';

export { BootstrapError } from './bootstrap/errors.ts';
export { MigrationError } from './migrations.ts';
export { PostgresStartError } from './server.ts';

export interface DatabaseOptions {
  /** An existing server (PostgreSQL ≥ 15, wal_level=logical); otherwise one is started. */
  readonly url?: string | undefined;
  readonly dataDir: string;
  readonly port: number;
  /** Password of every LOGIN role. */
  readonly password: string;
  readonly durable: boolean;
  readonly logger?: Logger;
}

export interface Database {
  /** Superuser URL (user `postgres`), what `watchroom status` prints as DB URL. */
  readonly url: string;
  /** The same server and database as another LOGIN role, e.g. `supabase_auth_admin`. */
  urlFor(role: string): string;
  /** Postmaster pid when we started the server. */
  readonly serverPid: number | undefined;
  stop(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let server: PostgresServer | undefined;
  if (!options.url) {
    server = await startPostgres({
      dataDir: options.dataDir,
      port: options.port,
      password: options.password,
      durable: options.durable,
      logger: (options.logger ?? silentLogger).child('postgres'),
    });
  }
  const url = options.url ?? (server as PostgresServer).url;
  if (options.url) await checkExternalServer(options.url, options.logger ?? silentLogger);
  return {
    url,
    urlFor: (role) => withCredentials(url, role, options.password),
    serverPid: server?.pid,
    stop: async () => server?.stop(),
  };
}

export class DatabaseUnsupportedError extends WatchroomError<
  'database_unsupported' | 'database_unreachable'
> {}

/** An existing server must be new enough for the bootstrap; Realtime needs logical decoding. */
async function checkExternalServer(url: string, logger: Logger): Promise<void> {
  const sql = connect(url);
  try {
    const [row] = await sql<{ version: number; wal_level: string }[]>`
      select current_setting('server_version_num')::int as version, current_setting('wal_level') as wal_level`;
    if (!row || row.version < 150000) {
      throw new DatabaseUnsupportedError(
        'database_unsupported',
        `DATABASE_URL points at PostgreSQL ${row ? Math.floor(row.version / 10000) : '?'}; 15 or newer is required`,
      );
    }
    if (row.wal_level !== 'logical') {
      logger.warn(
        `DATABASE_URL server has wal_level=${row.wal_level}; Realtime postgres_changes need wal_level=logical`,
      );
    }
  } catch (error) {
    if (error instanceof DatabaseUnsupportedError) throw error;
    throw new DatabaseUnsupportedError(
      'database_unreachable',
      `cannot connect to DATABASE_URL: ${errorMessage(error)}`,
      {
        cause: error,
      },
    );
  } finally {
    await sql.end();
  }
}

export interface PrepareOptions {
  readonly supabaseDir: string;
  readonly projectRoot: string;
  readonly password: string;
  readonly autoExposeNewTables: boolean;
  readonly migrations: boolean;
  readonly seedPaths: readonly string[] | false;
  readonly logger?: Logger;
}

/**
 * Brings the database to the state `supabase db reset` (fresh) or `supabase migration up`
 * (existing) leaves: platform bootstrap, pending migrations in order, then seeds not yet run.
 */
export async function prepareDatabase(url: string, options: PrepareOptions): Promise<void> {
  const logger = options.logger ?? silentLogger;
  const bootstrap = connect(url);
  try {
    await bootstrapPlatform(bootstrap, {
      rolePassword: options.password,
      autoExposeNewTables: options.autoExposeNewTables,
    });
  } finally {
    await bootstrap.end();
  }
  // New sessions: the bootstrap set role-level search_paths (`extensions` for unqualified
  // crypt()/gen_salt() in seeds) that only connections opened afterwards pick up.
  const sql = connect(url);
  try {
    if (options.migrations) {
      await applyMigrations(sql, join(options.supabaseDir, 'migrations'), {
        logger,
        projectRoot: options.projectRoot,
      });
    }
    if (options.seedPaths) {
      await applySeeds(sql, options.supabaseDir, options.seedPaths, {
        logger,
        projectRoot: options.projectRoot,
      });
    }
    // Whatever caches a schema (REST) rebuilds now, as after `supabase db reset`.
    await sql`select pg_notify('pgrst', 'reload schema')`;
  } finally {
    await sql.end();
  }
}

/**
 * Drops and recreates the database of `url` (the database-level variant of `db reset` for a
 * server we do not own the volume of), then prepares it from scratch.
 */
export async function resetDatabase(url: string, options: PrepareOptions): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1)) || 'postgres';
  const maintenance = new URL(url);
  maintenance.pathname = name === 'template1' ? '/postgres' : '/template1';
  const admin = connect(maintenance.toString());
  try {
    // Logical slots pin a database; a running Realtime service re-creates its own.
    await admin`select pg_drop_replication_slot(slot_name) from pg_replication_slots
      where database = ${name} and not active`;
    await admin.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
    await admin.unsafe(`create database ${quoteIdent(name)}`);
  } finally {
    await admin.end();
  }
  await prepareDatabase(url, options);
}

/** A pool with notices routed away from stdout; callers end it. */
export function connect(url: string, options: { max?: number } = {}): Sql {
  return postgres(url, {
    max: options.max ?? 2,
    onnotice: () => undefined,
    connection: { application_name: 'watchroom' },
  });
}

function withCredentials(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** Quotes a database name we read from a URL; identifiers cannot be bind parameters. */
function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
