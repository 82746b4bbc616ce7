import type { Sql, TransactionSql } from 'postgres';
import type { RequestIdentity } from './identity.ts';

/** What PostgREST exposes to SQL about the request, as transaction-local settings. */
export interface RequestContext {
  readonly identity: RequestIdentity;
  readonly method: string;
  /** Path after the gateway's prefix, e.g. `/todos` or `/rpc/fn`. */
  readonly path: string;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, string>>;
  /** Profile schema first, then `[api] extra_search_path`. */
  readonly searchPath: readonly string[];
  readonly readOnly: boolean;
  /** Role-level settings of the impersonated role (e.g. statement_timeout), applied locally. */
  readonly roleSettings: Readonly<Record<string, string>>;
  readonly timezone?: string | undefined;
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Runs `fn` in one transaction that first becomes the request's role and publishes the
 * request settings, all with `set_config(..., true)` so nothing outlives the transaction on a
 * pooled connection. Everything is a bind parameter; the role itself is checked by PostgreSQL
 * (an unknown role fails with 22023).
 */
/** Runs a statement as a named prepared statement: repeat shapes skip Parse and Describe. */
export function query<T = Record<string, unknown>[]>(
  tx: TransactionSql,
  text: string,
  values: readonly string[],
): Promise<T> {
  return tx.unsafe(text, [...values], { prepare: true }) as unknown as Promise<T>;
}

export async function inRequestTransaction<T>(
  pool: Sql,
  ctx: RequestContext,
  fn: (tx: TransactionSql) => Promise<T>,
): Promise<T> {
  const settings: [string, string][] = [
    ...Object.entries(ctx.roleSettings),
    ['search_path', ctx.searchPath.map(quoteIdent).join(', ')],
    ['request.jwt.claims', JSON.stringify(ctx.identity.claims)],
    ['request.method', ctx.method],
    ['request.path', ctx.path],
    ['request.headers', JSON.stringify(ctx.headers)],
    ['request.cookies', JSON.stringify(ctx.cookies)],
  ];
  // Older migrations read single claims through the pre-v9 per-claim settings.
  for (const claim of ['sub', 'role', 'email'] as const) {
    const value = ctx.identity.claims[claim];
    if (typeof value === 'string') settings.push([`request.jwt.claim.${claim}`, value]);
  }
  if (ctx.timezone) settings.push(['timezone', ctx.timezone]);
  const names = settings.map(([name]) => name);
  const values = settings.map(([, value]) => value);

  const run = async (tx: TransactionSql) => {
    // Every setting here may be set by any role, so their order is free. The work's first
    // query is pipelined behind this one instead of waiting a round trip for it.
    const setup = tx`select set_config('role', ${ctx.identity.role}, true),
      (select count(set_config(s.name, s.value, true))
         from unnest(${names}::text[], ${values}::text[]) as s(name, value))`.execute();
    const work = fn(tx);
    try {
      await setup;
    } catch (error) {
      work.catch(() => undefined); // fails too, as "current transaction is aborted"
      throw error;
    }
    return work;
  };
  return (ctx.readOnly ? pool.begin('read only', run) : pool.begin(run)) as Promise<T>;
}
