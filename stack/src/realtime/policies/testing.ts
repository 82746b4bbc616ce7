/**
 * A throwaway bootstrapped Postgres for tests of the policy checker and of the REST endpoints
 * that use it (not part of the service). One cluster per test file; every test uses its own
 * topics, so tests share the database without seeing each other's rows or policies.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres, { type Sql } from 'postgres';
import { bootstrapPlatform } from '../../postgres/bootstrap/index.ts';
import { startPostgres } from '../../postgres/server.ts';

export interface TestDatabase {
  /** Superuser pool: creates policies, counts rows. */
  readonly admin: Sql;
  /** As `supabase_realtime_admin`, what the policy checker is given. */
  readonly realtimeUrl: string;
  urlFor(role: string): string;
  stop(): Promise<void>;
}

const PASSWORD = 'realtime-policies-test-pw';

export async function startTestDatabase(options: { timezone?: string } = {}): Promise<TestDatabase> {
  const root = await mkdtemp(join(tmpdir(), 'watchroom-realtime-policies-'));
  const server = await startPostgres({
    dataDir: join(root, 'db'),
    port: 0,
    password: PASSWORD,
    durable: false,
  });
  const urlFor = (role: string) => {
    const url = new URL(server.url);
    url.username = role;
    url.password = PASSWORD;
    return url.toString();
  };
  const connect = () => postgres(server.url, { max: 2, onnotice: () => undefined });
  let admin = connect();
  try {
    await bootstrapPlatform(admin, { rolePassword: PASSWORD, autoExposeNewTables: true });
    if (options.timezone) {
      const [row] = await admin<{ statement: string }[]>`
        select format('alter database postgres set timezone to %L', ${options.timezone}::text) as statement`;
      await admin.unsafe(row?.statement ?? '');
      // Only sessions opened from now on (writers and the checker alike) get the new default.
      await admin.end();
      admin = connect();
    }
  } catch (error) {
    await admin.end();
    await server.stop();
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  return {
    admin,
    realtimeUrl: urlFor('supabase_realtime_admin'),
    urlFor,
    async stop() {
      await admin.end();
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A fresh, unique topic per test. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}:${Math.random().toString(36).slice(2, 10)}`;
}
