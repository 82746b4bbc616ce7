import { z } from 'zod';
import type { AuthConfig } from './auth/config.ts';
import { ConfigError } from './project-config.ts';
import type { RealtimeConfig } from './realtime/config.ts';
import { realtimeConfigFromEnv } from './realtime/config-env.ts';

/** Options of `createStack`; every one optional, defaults follow the Supabase CLI. */
export interface StackOptions {
  /** Directory holding `supabase/` (config.toml, migrations, seed.sql). Default: cwd. */
  readonly projectDir?: string;
  /** PGDATA of the embedded server. Default: `<projectDir>/.watchroom/db`. */
  readonly dataDir?: string;
  /**
   * A throwaway stack: fresh data directory removed on stop, fsync off, free ports unless
   * given. What tests want.
   */
  readonly ephemeral?: boolean;
  /** Use this server instead of starting one (PostgreSQL ≥ 15 with wal_level=logical). */
  readonly databaseUrl?: string | undefined;
  /** Gateway port on 127.0.0.1 and ::1; 0 = free port. Default `[api] port` (54321). */
  readonly apiPort?: number | undefined;
  /** Embedded Postgres port; 0 = free port. Default `[db] port` (54322). */
  readonly dbPort?: number | undefined;
  /** Default `[auth] jwt_secret`, else the CLI's public demo secret. */
  readonly jwtSecret?: string | undefined;
  readonly anonKey?: string | undefined;
  readonly serviceRoleKey?: string | undefined;
  readonly publishableKey?: string | undefined;
  readonly secretKey?: string | undefined;
  /** Reject requests without a valid apikey, as hosted Supabase does. Default true. */
  readonly enforceApiKey?: boolean | undefined;
  /** Overrides on top of config.toml's `[auth]`. */
  readonly auth?: Partial<AuthConfig>;
  /** Realtime limits and timings; defaults are the reference server's (see RealtimeConfig). */
  readonly realtime?: Partial<RealtimeConfig>;
  /** Edge function limits and switches (see FunctionsConfig). */
  readonly functions?: Partial<import('./functions/config.ts').FunctionsConfig>;
  /** Environment for `env(...)` in config.toml. Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: import('./lib/logger.ts').Logger;
}

const port = z.coerce.number().int().min(0).max(65535);

/** The environment variables the CLI honours, parsed once. */
const envSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  WATCHROOM_API_PORT: port.optional(),
  WATCHROOM_DB_PORT: port.optional(),
  WATCHROOM_JWT_SECRET: z.string().min(32).optional(),
  WATCHROOM_DATA_DIR: z.string().optional(),
  WATCHROOM_ENFORCE_APIKEY: z.enum(['true', 'false']).optional(),
});

export function stackOptionsFromEnv(env: NodeJS.ProcessEnv): StackOptions {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`environment: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    apiPort: e.WATCHROOM_API_PORT,
    dbPort: e.WATCHROOM_DB_PORT,
    jwtSecret: e.WATCHROOM_JWT_SECRET,
    ...(e.WATCHROOM_DATA_DIR ? { dataDir: e.WATCHROOM_DATA_DIR } : {}),
    enforceApiKey:
      e.WATCHROOM_ENFORCE_APIKEY === undefined ? undefined : e.WATCHROOM_ENFORCE_APIKEY === 'true',
    realtime: realtimeConfigFromEnv(env),
  };
}
