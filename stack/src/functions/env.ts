/**
 * The environment every function sees (functions-cli.md §5.6): the SUPABASE_* values of this
 * stack, then the user's secrets from `[edge_runtime.secrets]` and `supabase/functions/.env`.
 * Nothing of the stack's own process environment leaks in.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiKeys } from '../gateway/api-keys.ts';
import type { Logger } from '../lib/logger.ts';
import { parseDotenv } from './dotenv.ts';

export interface FunctionEnvSources {
  /** Gateway URL, reachable from the function. */
  readonly apiUrl: string;
  /** Superuser database URL. */
  readonly dbUrl: string;
  readonly keys: ApiKeys;
  readonly jwtSecret: string;
  /** Public JWKs of asymmetric signing keys, if any. */
  readonly publicJwks: readonly Record<string, unknown>[];
  readonly supabaseDir: string;
  /** `[edge_runtime.secrets]`, already `env()`-substituted. */
  readonly configSecrets: Readonly<Record<string, string>>;
}

export async function functionEnv(
  sources: FunctionEnvSources,
  logger: Logger,
): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    SUPABASE_URL: sources.apiUrl,
    SUPABASE_ANON_KEY: sources.keys.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: sources.keys.serviceRoleKey,
    SUPABASE_DB_URL: sources.dbUrl,
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: sources.keys.publishableKey }),
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: sources.keys.secretKey }),
    SUPABASE_JWKS: JSON.stringify({
      keys: [{ kty: 'oct', k: Buffer.from(sources.jwtSecret).toString('base64url') }, ...sources.publicJwks],
    }),
  };
  const fileSecrets = await readFile(join(sources.supabaseDir, 'functions', '.env'), 'utf8')
    .then(parseDotenv)
    .catch(() => ({}));
  for (const [name, value] of Object.entries({ ...sources.configSecrets, ...fileSecrets })) {
    if (name.startsWith('SUPABASE_')) {
      logger.warn(`Env name cannot start with SUPABASE_, skipping: ${name}`);
      continue;
    }
    env[name] = value;
  }
  return env;
}
