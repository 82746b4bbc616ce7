import type { ReservedSql, Sql } from 'postgres';
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

/** A connection a request's statements run on, inside its transaction. */
export type RequestSql = ReservedSql;

/** Runs a statement as a named prepared statement: repeat shapes skip Parse and Describe. */
export function query<T = Record<string, unknown>[]>(
  tx: RequestSql,
  text: string,
  values: readonly string[],
): Promise<T> {
  return tx.unsafe(text, [...values], { prepare: true }) as unknown as Promise<T>;
}

/**
 * Runs `fn` in one transaction that first becomes the request's role and publishes the
 * request settings, all with `set_config(..., true)` so nothing outlives the transaction on a
 * pooled connection. Everything is a bind parameter; the role itself is checked by PostgreSQL
 * (an unknown role fails with 22023).
 *
 * Round trips are what a small request costs, so BEGIN, the settings and `fn`'s first
 * statement go out in one flight (PostgreSQL runs them in order; a failure aborts the rest),
 * and a read-only transaction's COMMIT, which cannot fail, does not hold up the response.
 */
function settingsOf(ctx: RequestContext): { names: string[]; values: string[] } {
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
  return { names: settings.map(([name]) => name), values: settings.map(([, value]) => value) };
}

/** Becomes the request's role and publishes its settings, as one statement. */
function setupStatement(conn: RequestSql, ctx: RequestContext) {
  const { names, values } = settingsOf(ctx);
  // Every setting here may be set by any role, so their order is free.
  return conn`select set_config('role', ${ctx.identity.role}, true),
    (select count(set_config(s.name, s.value, true))
       from unnest(${names}::text[], ${values}::text[]) as s(name, value))`.execute();
}

/**
 * One statement in a request transaction, in a single flight: BEGIN, the settings, the
 * statement and COMMIT are written together and PostgreSQL runs them in order (a failure
 * aborts the transaction and the COMMIT rolls it back). For statements whose result decides
 * nothing about committing: reads, and calls that need no post-check.
 */
export async function runStatement<T>(
  pool: Sql,
  ctx: RequestContext,
  text: string,
  values: readonly string[],
): Promise<T> {
  const conn = await pool.reserve();
  try {
    const steps = [
      conn.unsafe(ctx.readOnly ? 'begin read only' : 'begin').execute(),
      setupStatement(conn, ctx),
      conn.unsafe(text, [...values], { prepare: true }).execute(),
      conn.unsafe('commit').execute(),
    ];
    const settled = await Promise.allSettled(steps);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return (settled[2] as PromiseFulfilledResult<unknown>).value as T;
  } finally {
    conn.release();
  }
}

export async function inRequestTransaction<T>(
  pool: Sql,
  ctx: RequestContext,
  fn: (tx: RequestSql) => Promise<T>,
): Promise<T> {
  const conn = await pool.reserve();
  // Set once a read-only COMMIT is in flight: the connection goes back when it completes.
  let releaseDeferred = false;
  try {
    const begin = conn.unsafe(ctx.readOnly ? 'begin read only' : 'begin').execute();
    const setup = setupStatement(conn, ctx);
    let result: T;
    try {
      result = await fn(conn);
      await begin;
      await setup;
    } catch (error) {
      // The earliest failure is the cause; later statements only report the aborted transaction.
      const cause = (await firstFailure(begin, setup)) ?? error;
      await conn.unsafe('rollback').catch(() => undefined);
      throw cause;
    }
    if (ctx.readOnly) {
      releaseDeferred = true;
      const release = () => conn.release();
      void conn.unsafe('commit').then(release, release);
      return result;
    }
    await conn.unsafe('commit');
    return result;
  } finally {
    if (!releaseDeferred) conn.release();
  }
}

async function firstFailure(...steps: Promise<unknown>[]): Promise<unknown> {
  for (const step of steps) {
    const failure = await step.then(
      () => undefined,
      (error: unknown) => error ?? new Error('statement failed'),
    );
    if (failure) return failure;
  }
  return undefined;
}
