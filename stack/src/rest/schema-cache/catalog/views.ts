import type { TransactionSql } from 'postgres';

export interface ViewRow {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  /** The `_RETURN` rule's query tree (`pg_rewrite.ev_action`) as text. */
  readonly definition: string;
  /** Column names by attnum (a view's target entry `resno` is its attnum). */
  readonly columns: { readonly attnum: number; readonly name: string }[];
}

/**
 * Views and materialized views of the exposed schemas and of the extra search path: the
 * latter only serve as links when an exposed view selects from another view, as PostgREST
 * follows them too.
 */
export function queryViews(tx: TransactionSql, schemas: readonly string[]): Promise<ViewRow[]> {
  return tx<ViewRow[]>`
    select
      c.oid,
      n.nspname as schema,
      c.relname as name,
      r.ev_action::text as definition,
      (
        select coalesce(json_agg(json_build_object('attnum', a.attnum, 'name', a.attname) order by a.attnum), '[]')
        from pg_catalog.pg_attribute a
        where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      ) as columns
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_rewrite r on r.ev_class = c.oid and r.rulename = '_RETURN'
    where c.relkind in ('v', 'm') and n.nspname = any(${schemas as string[]}::text[])`;
}
