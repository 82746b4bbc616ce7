import type { Sql } from 'postgres';
import { errorMessage } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { PostgrestError } from './errors.ts';
import { loadSchemaCache, type SchemaCache } from './schema-cache/index.ts';

/** The schema cache plus the per-role settings PostgREST applies to each request. */
export interface CacheState {
  readonly cache: SchemaCache;
  /** `ALTER ROLE anon SET statement_timeout = '3s'` and the like, by role. */
  readonly roleSettings: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** `pg_timezone_names`: a `Prefer: timezone=` outside it is not applied (PGRST122 if strict). */
  readonly timezones: ReadonlySet<string>;
}

export interface CacheHolder {
  /** The current cache; 503 PGRST002 while none could be loaded. */
  current(): Promise<CacheState>;
  reload(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Keeps the schema cache fresh the way PostgREST does: loaded at start, rebuilt on
 * `NOTIFY pgrst, 'reload schema'` (Supabase's DDL event triggers send it after every DDL).
 */
export async function createCacheHolder(
  sql: Sql,
  schemas: readonly string[],
  logger: Logger,
): Promise<CacheHolder> {
  let state: Promise<CacheState> = load();
  let loading = false;

  async function load(): Promise<CacheState> {
    const [cache, roleSettings, timezones] = await Promise.all([
      loadSchemaCache(sql, schemas),
      loadRoleSettings(sql),
      sql<{ name: string }[]>`select name from pg_catalog.pg_timezone_names`,
    ]);
    return { cache, roleSettings, timezones: new Set(timezones.map((t) => t.name)) };
  }

  const reload = async () => {
    if (loading) return;
    loading = true;
    try {
      const next = await load();
      state = Promise.resolve(next);
      logger.debug('schema cache reloaded');
    } catch (error) {
      logger.error(`schema cache reload failed: ${errorMessage(error)}`);
    } finally {
      loading = false;
    }
  };

  const listener = await sql.listen('pgrst', (payload) => {
    if (payload === 'reload schema' || payload === '') void reload();
  });
  await state.catch(() => undefined);

  return {
    current: () =>
      state.catch((error: unknown) => {
        throw new PostgrestError(
          503,
          'PGRST002',
          'Could not query the database for the schema cache. Retrying.',
          {
            cause: error,
          },
        );
      }),
    reload: async () => {
      state = load();
      await state;
    },
    close: () => listener.unlisten(),
  };
}

async function loadRoleSettings(sql: Sql): Promise<Map<string, Record<string, string>>> {
  const rows = await sql<{ role: string; settings: string[] }[]>`
    select r.rolname as role, s.setconfig as settings
    from pg_catalog.pg_db_role_setting s
    join pg_catalog.pg_roles r on r.oid = s.setrole
    where s.setdatabase in (0, (select oid from pg_catalog.pg_database where datname = current_database()))
    order by s.setdatabase`;
  const byRole = new Map<string, Record<string, string>>();
  for (const row of rows) {
    const settings = byRole.get(row.role) ?? {};
    for (const entry of row.settings ?? []) {
      const at = entry.indexOf('=');
      const name = entry.slice(0, at);
      // Only settings a request may carry; session_preload_libraries and the like apply at login.
      if (
        [
          'statement_timeout',
          'lock_timeout',
          'idle_in_transaction_session_timeout',
          'plan_filter.statement_cost_limit',
        ].includes(name)
      ) {
        settings[name] = entry.slice(at + 1);
      }
    }
    byRole.set(row.role, settings);
  }
  return byRole;
}
