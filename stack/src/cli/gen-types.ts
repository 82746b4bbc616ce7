import { join } from 'node:path';
import { stackOptionsFromEnv } from '../config.ts';
import { DEFAULT_DB_PASSWORD } from '../lib/keys.ts';
import { connect, openDatabase, prepareDatabase } from '../postgres/index.ts';
import { readProjectConfig } from '../project-config.ts';
import { loadSchemaCache } from '../rest/schema-cache/index.ts';
import { generateTypes } from '../rest/typegen/index.ts';
import type { CommandContext } from './commands.ts';
import { isAlive, readState } from './state-file.ts';

/**
 * `watchroom gen types [--schema s]...`: the TypeScript `Database` type, as
 * `supabase gen types typescript --local` prints it, from the running stack's database (or the
 * project's data directory, or DATABASE_URL).
 */
export async function genTypes(ctx: CommandContext, schemas: readonly string[]): Promise<number> {
  const project = await readProjectConfig(join(ctx.projectDir, 'supabase'), ctx.env);
  const envOptions = stackOptionsFromEnv(ctx.env);
  const state = await readState(ctx.projectDir);
  const running = state && isAlive(state.pid) ? state : undefined;
  const db =
    running || envOptions.databaseUrl
      ? undefined
      : await openDatabase({
          dataDir: envOptions.dataDir ?? join(ctx.projectDir, '.watchroom', 'db'),
          port: envOptions.dbPort ?? 0,
          password: DEFAULT_DB_PASSWORD,
          durable: true,
        });
  const url = running?.dbUrl ?? envOptions.databaseUrl ?? (db?.url as string);
  if (db) {
    // No stack running: bring the project's database up to date first, as `start` would.
    await prepareDatabase(url, {
      supabaseDir: join(ctx.projectDir, 'supabase'),
      projectRoot: ctx.projectDir,
      password: DEFAULT_DB_PASSWORD,
      autoExposeNewTables: project.api.auto_expose_new_tables,
      migrations: project.db.migrations.enabled,
      seedPaths: project.db.seed.enabled ? project.db.seed.sql_paths : false,
    });
  }
  const sql = connect(url);
  try {
    const wanted = schemas.length > 0 ? schemas : project.api.schemas;
    const cache = await loadSchemaCache(sql, wanted, { extraSearchPath: project.api.extra_search_path });
    ctx.out(generateTypes(cache, { schemas: wanted }));
    return 0;
  } finally {
    await sql.end();
    await db?.stop();
  }
}
