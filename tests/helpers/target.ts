import { inject } from 'vitest';

/**
 * Where the REST and Realtime conformance suites run: the stack the e2e global setup started, or a real
 * Supabase project when `SUPABASE_URL`, `SUPABASE_ANON_KEY` and `SUPABASE_SERVICE_ROLE_KEY` are
 * set (plus `SUPABASE_DB_URL` for the tests that need SQL, and `SUPABASE_JWT_SECRET` for the
 * ones that sign their own tokens; those tests are skipped without them).
 *
 * Against a real project, apply the fixture schema first: link the project and run
 * `supabase db push` from `tests/fixtures/project` (its migrations include the REST and
 * Realtime fixtures). Email sign-ups must be auto-confirmed.
 */
export interface Target {
  /** The API gateway URL; REST lives under `/rest/v1`. */
  readonly apiUrl: string;
  readonly anonKey: string;
  readonly serviceRoleKey: string;
  /** A superuser connection string, for DDL and direct checks. */
  readonly dbUrl: string | undefined;
  /** The HS256 secret, for tokens the suite signs itself (expired ones, unknown roles). */
  readonly jwtSecret: string | undefined;
  /** True against the stack started by the global setup. */
  readonly local: boolean;
}

function resolveTarget(): Target {
  const env = process.env;
  if (env.SUPABASE_URL && env.SUPABASE_ANON_KEY && env.SUPABASE_SERVICE_ROLE_KEY) {
    return {
      apiUrl: env.SUPABASE_URL.replace(/\/+$/, ''),
      anonKey: env.SUPABASE_ANON_KEY,
      serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY,
      dbUrl: env.SUPABASE_DB_URL || undefined,
      jwtSecret: env.SUPABASE_JWT_SECRET || undefined,
      local: false,
    };
  }
  const stack = inject('stack');
  return {
    apiUrl: stack.apiUrl,
    anonKey: stack.anonKey,
    serviceRoleKey: stack.serviceRoleKey,
    dbUrl: stack.dbUrl,
    jwtSecret: stack.jwtSecret,
    local: true,
  };
}

export const target: Target = resolveTarget();
