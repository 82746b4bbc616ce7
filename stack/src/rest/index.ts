/**
 * PostgREST-compatible `/rest/v1`: reads, writes and RPC with row-level security, resolved
 * against a schema cache rebuilt on `NOTIFY pgrst`.
 */
export { createRestService, type RestService } from './app.ts';
export type { RestConfig } from './context.ts';
export { PostgrestError } from './errors.ts';
export { createRestPool } from './pool.ts';
