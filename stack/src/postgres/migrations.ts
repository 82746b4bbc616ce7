import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { PostgresError, ReservedSql, Sql } from 'postgres';
import { WatchroomError } from '../lib/errors.ts';
import { type Logger, silentLogger } from '../lib/logger.ts';
import { lineAndColumn, type SqlStatement, splitSql } from './sql-splitter.ts';

/** A migration file `supabase/migrations/<version>_<name>.sql`. */
export interface MigrationFile {
  readonly version: string;
  readonly name: string;
  readonly path: string;
}

export interface MigrationFailure {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly statementIndex: number;
  readonly sqlState: string | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
}

/** A migration or seed that failed; the database is as it was before that file. */
export class MigrationError extends WatchroomError<'migration_failed' | 'seed_failed'> {
  constructor(
    code: 'migration_failed' | 'seed_failed',
    message: string,
    readonly failure: MigrationFailure,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

const MIGRATION_FILE = /^([0-9]+)_(.*)\.sql$/;

/**
 * Extensions only Supabase's image has. A `create extension` of one of these that this server
 * cannot install is skipped with a warning instead of failing the migration, so migrations
 * written for (or dumped from) Supabase still apply.
 */
const SUPABASE_ONLY_EXTENSIONS = new Set([
  'pg_graphql',
  'pgjwt',
  'supabase_vault',
  'pgsodium',
  'pg_net',
  'pg_cron',
  'pg_tle',
  'pgmq',
  'wrappers',
  'index_advisor',
  'pg_jsonschema',
  'pg_hashids',
  'plv8',
  'http',
  'vector',
  'postgis',
  'pgtap',
  'hypopg',
  'pg_repack',
  'pgaudit',
  'timescaledb',
  'rum',
]);

const CREATE_EXTENSION = /^create\s+extension\s+(?:if\s+not\s+exists\s+)?"?([a-z0-9_-]+)"?/i;

export async function listMigrations(
  migrationsDir: string,
  logger: Logger = silentLogger,
): Promise<MigrationFile[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: MigrationFile[] = [];
  // Dotfiles (.gitkeep) are not migrations anyone meant to write; skip them silently.
  const candidates = entries.filter((e) => e.isFile() && !e.name.startsWith('.'));
  for (const entry of candidates.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const match = MIGRATION_FILE.exec(entry.name);
    if (!match?.[1] || match[2] === undefined) {
      logger.warn(
        `Skipping migration ${entry.name}... (file name must match pattern "<timestamp>_name.sql")`,
      );
      continue;
    }
    files.push({ version: match[1], name: match[2], path: join(migrationsDir, entry.name) });
  }
  return files;
}

/** Creates the history table where the Supabase CLI keeps it. */
export async function ensureHistory(sql: Sql): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`set local lock_timeout = '4s'`;
    await tx`create schema if not exists supabase_migrations`;
    await tx`create table if not exists supabase_migrations.schema_migrations (
      version text primary key, statements text[], name text)`;
    await tx`create table if not exists supabase_migrations.seed_files (path text primary key, hash text not null)`;
  });
}

export interface ApplyResult {
  readonly applied: readonly MigrationFile[];
  readonly skippedExtensions: readonly string[];
}

/**
 * Applies every migration whose version is not in the history, in file-name order, each file
 * in its own transaction together with its history row: a failing file leaves no trace.
 */
export async function applyMigrations(
  sql: Sql,
  migrationsDir: string,
  options: { logger?: Logger; projectRoot?: string } = {},
): Promise<ApplyResult> {
  const logger = options.logger ?? silentLogger;
  const files = await listMigrations(migrationsDir, logger);
  await ensureHistory(sql);
  const conn = await sql.reserve();
  try {
    const done = new Set(
      (await conn<{ version: string }[]>`select version from supabase_migrations.schema_migrations`).map(
        (r) => r.version,
      ),
    );
    const available = await availableExtensions(conn);
    const applied: MigrationFile[] = [];
    const skippedExtensions: string[] = [];
    for (const file of files.filter((f) => !done.has(f.version))) {
      const label = relative(options.projectRoot ?? process.cwd(), file.path);
      logger.info(`Applying migration ${label}...`);
      const script = await readFile(file.path, 'utf8');
      const statements = splitSql(script);
      const run: SqlStatement[] = [];
      for (const statement of statements) {
        const ext = CREATE_EXTENSION.exec(statement.text)?.[1]?.toLowerCase();
        if (ext && SUPABASE_ONLY_EXTENSIONS.has(ext) && !available.has(ext)) {
          logger.warn(`${label}: extension "${ext}" is not available on this server; skipped`);
          skippedExtensions.push(ext);
          continue;
        }
        run.push(statement);
      }
      await runScript(conn, label, script, run, 'migration_failed', async () => {
        await conn`insert into supabase_migrations.schema_migrations (version, name, statements)
          values (${file.version}, ${file.name}, ${statements.map((s) => s.text)})`;
      });
      applied.push(file);
    }
    return { applied, skippedExtensions };
  } finally {
    conn.release();
  }
}

/**
 * Runs statements in one transaction after `RESET ALL`, so settings a previous file changed
 * (dumps clear search_path) do not leak into the next. Statements go through the simple query
 * protocol, as psql and the CLI send them.
 */
export async function runScript(
  conn: ReservedSql,
  label: string,
  script: string,
  statements: readonly SqlStatement[],
  code: 'migration_failed' | 'seed_failed',
  after?: () => Promise<void>,
): Promise<void> {
  await conn.unsafe('reset all').simple();
  await conn.unsafe('begin').simple();
  let index = 0;
  try {
    for (const statement of statements) {
      await conn.unsafe(statement.text).simple();
      index++;
    }
    await after?.();
    await conn.unsafe('commit').simple();
  } catch (error) {
    await conn
      .unsafe('rollback')
      .simple()
      .catch(() => undefined);
    throw describeFailure(error, label, script, statements[index], index, code);
  }
}

function describeFailure(
  error: unknown,
  label: string,
  script: string,
  statement: SqlStatement | undefined,
  index: number,
  code: 'migration_failed' | 'seed_failed',
): MigrationError {
  const pg = error as Partial<PostgresError>;
  const position = Number(pg.position ?? 0);
  const offset = (statement?.offset ?? 0) + (position > 0 ? position - 1 : 0);
  const { line, column } = lineAndColumn(script, offset);
  const failure: MigrationFailure = {
    file: label,
    line,
    column,
    statementIndex: index,
    sqlState: pg.code,
    detail: pg.detail,
    hint: pg.hint,
  };
  const sourceLine = script.split('\n')[line - 1] ?? '';
  const lines = [
    `${label}:${line}:${column}: ERROR: ${pg.message ?? String(error)}${pg.code ? ` (SQLSTATE ${pg.code})` : ''}`,
    `  ${sourceLine}`,
    `  ${' '.repeat(Math.max(0, column - 1))}^`,
  ];
  if (pg.detail) lines.push(`DETAIL: ${pg.detail}`);
  if (pg.hint) lines.push(`HINT: ${pg.hint}`);
  if (pg.code === '42704' && /type .* does not exist/.test(pg.message ?? '')) {
    lines.push('HINT: extension types need their schema, e.g. extensions.citext');
  }
  return new MigrationError(code, lines.join('\n'), failure, { cause: error });
}

async function availableExtensions(conn: ReservedSql): Promise<Set<string>> {
  const rows = await conn<{ name: string }[]>`select name from pg_available_extensions`;
  return new Set(rows.map((r) => r.name));
}
