// kysely on postgres.js, and the one way the functions touch data: a transaction acting as the
// calling user (role `authenticated`, their claims), so row level security and the SQL helpers
// apply to function calls exactly as to direct API calls.
import type { Config } from './config.ts';
import { Kysely, PostgresJSDialect, postgres, sql, type Transaction } from './deps.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

export function createDb(config: Config): Db {
  const client = postgres(config.SUPABASE_DB_URL, {
    max: config.WATCHROOM_DB_POOL_SIZE,
    onnotice: () => undefined,
    connection: { application_name: 'watchroom-functions' },
    // Positions, rates, versions and counters as JSON numbers, not strings: every one fits a
    // double exactly (counters would need 2^53 events to lose a unit).
    types: {
      numeric: { to: 1700, from: [1700], serialize: String, parse: Number },
      bigint: { to: 20, from: [20], serialize: String, parse: Number },
    },
  });
  return new Kysely<Database>({ dialect: new PostgresJSDialect({ postgres: client }) });
}

export interface Caller {
  readonly userId: string;
  readonly claims: Record<string, unknown>;
}

export function asUser<T>(db: Db, caller: Caller, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${JSON.stringify(caller.claims)}, true)`.execute(
      tx,
    );
    return work(tx);
  });
}

/** `select private.<fn>(args)` as a scalar: the helpers return jsonb or void. */
export async function callHelper<T>(tx: Tx, call: ReturnType<typeof sql>): Promise<T> {
  const result = await sql<{ value: T }>`select ${call} as value`.execute(tx);
  return result.rows[0]?.value as T;
}
