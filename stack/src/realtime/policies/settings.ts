import type { ReservedSql } from 'postgres';
import type { PolicyContext } from '../contracts.ts';

/**
 * The statement that makes policies on `realtime.messages` see the caller (realtime.md §6.1):
 * the role to check as, the topic for `realtime.topic()`, the claims for `auth.uid()` /
 * `auth.jwt()`, and the request headers. All transaction-local (`is_local = true`), so the
 * ROLLBACK that ends every check takes them away again; all bind parameters.
 */
export function applySettings(conn: ReservedSql, context: PolicyContext) {
  const { claims, role } = context.identity;
  // A missing (or non-string) sub leaves the setting empty, which auth.uid() reads as "none".
  const sub = typeof claims.sub === 'string' ? claims.sub : '';
  return conn`
    select set_config('role', ${role}, true),
           set_config('realtime.topic', ${context.topic}, true),
           set_config('request.jwt.claims', ${JSON.stringify(claims)}, true),
           set_config('request.jwt.claim.sub', ${sub}, true),
           set_config('request.jwt.claim.role', ${role}, true),
           set_config('request.headers', ${JSON.stringify(context.headers)}, true)`;
}

/** Tokens of this role bypass RLS in Supabase, so every check passes without asking. */
export const BYPASS_ROLE = 'service_role';
