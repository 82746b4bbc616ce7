import { readdir, readFile } from 'node:fs/promises';
import type { PostgresError, Sql } from 'postgres';
import { lineAndColumn, type SqlStatement, splitSql } from '../sql-splitter.ts';
import { BootstrapError } from './errors.ts';

export { BootstrapError, type BootstrapFailure } from './errors.ts';

export interface BootstrapOptions {
  /** Password given to every LOGIN role except the one this connection logged in as. */
  readonly rolePassword: string;
  /** `[api] auto_expose_new_tables`: whether new tables in `public` are open to the API roles. */
  readonly autoExposeNewTables: boolean;
}

const SQL_DIR = new URL('./sql/', import.meta.url);

/** Exactly one of these runs last, chosen by `autoExposeNewTables`. */
const EXPOSE_FILE = '90_expose_new_tables.sql';
const HIDE_FILE = '90_hide_new_tables.sql';

interface Script {
  readonly file: string;
  readonly text: string;
  readonly statements: readonly SqlStatement[];
}

/**
 * Brings the connected database to the end state of a Supabase database that app migrations
 * rely on (roles, schemas, grants, auth/realtime/storage objects; see `sql/`). Idempotent: a
 * second run changes nothing. Everything runs in one transaction, so a failure leaves the
 * database as it was; concurrent bootstraps of one database wait for each other. Needs a
 * superuser connection.
 */
export async function bootstrapPlatform(sql: Sql, options: BootstrapOptions): Promise<void> {
  const scripts = await loadScripts(options.autoExposeNewTables);
  let current: { script: Script; statement: SqlStatement } | undefined;
  try {
    await sql.begin(async (tx) => {
      // Transaction-scoped, so it is released by COMMIT/ROLLBACK even if this process dies.
      await tx`select pg_advisory_xact_lock(hashtextextended('watchroom.platform_bootstrap', 0))`;
      // The SQL reads the password from this setting, so no password is ever part of its text.
      // An empty search_path makes every unqualified name in the scripts resolve to pg_catalog,
      // whatever the caller's session had.
      await tx`select set_config('watchroom.role_password', ${options.rolePassword}, true),
                      set_config('search_path', '', true)`;
      for (const script of scripts) {
        // One statement at a time, so a failure can be reported by file and line even when
        // Postgres gives no position (most errors outside the parser).
        for (const statement of script.statements) {
          current = { script, statement };
          await tx.unsafe(statement.text).simple();
        }
      }
    });
  } catch (error) {
    throw describeFailure(redact(error, options.rolePassword), current);
  }
}

async function loadScripts(autoExposeNewTables: boolean): Promise<Script[]> {
  const skip = autoExposeNewTables ? HIDE_FILE : EXPOSE_FILE;
  const names = (await readdir(SQL_DIR))
    .filter((name) => name.endsWith('.sql') && name !== skip)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Promise.all(
    names.map(async (file) => {
      const text = await readFile(new URL(file, SQL_DIR), 'utf8');
      return { file, text, statements: splitSql(text) };
    }),
  );
}

/**
 * An error inside a DO block quotes the failing dynamic statement in its context, which for
 * ALTER ROLE holds the password as a literal. Only that quoted form is masked, so a password
 * that is also a role name ('postgres') does not garble the rest of the message.
 */
function redact(error: unknown, secret: string): unknown {
  if (!secret || typeof error !== 'object' || error === null) return error;
  const literal = `'${secret.replaceAll("'", "''")}'`;
  const fields = error as Record<string, unknown>;
  for (const key of ['where', 'internal_query']) {
    const value = fields[key];
    if (typeof value === 'string') fields[key] = value.replaceAll(literal, "'********'");
  }
  return error;
}

function describeFailure(
  error: unknown,
  at: { script: Script; statement: SqlStatement } | undefined,
): BootstrapError {
  const pg = error as Partial<PostgresError>;
  const position = Number(pg.position ?? 0);
  const offset = at ? at.statement.offset + (position > 0 ? position - 1 : 0) : 0;
  return new BootstrapError(
    {
      file: at?.script.file ?? '(transaction setup)',
      line: at ? lineAndColumn(at.script.text, offset).line : undefined,
      postgresMessage: pg.message ?? String(error),
      sqlState: pg.code,
      detail: pg.detail,
      hint: pg.hint,
      where: pg.where,
    },
    { cause: error },
  );
}
