import type { TransactionSql } from 'postgres';

export interface EnumRow {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly labels: string[];
}

export interface CompositeRow {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly comment: string | null;
  readonly attributes: { readonly name: string; readonly typeOid: number }[];
}

/** Enums of every schema, in creation (oid) order. */
export function queryEnums(tx: TransactionSql): Promise<EnumRow[]> {
  return tx<EnumRow[]>`
    select
      t.oid,
      n.nspname as schema,
      t.typname as name,
      (
        select json_agg(e.enumlabel order by e.enumsortorder)
        from pg_catalog.pg_enum e where e.enumtypid = t.oid
      ) as labels
    from pg_catalog.pg_type t
    join pg_catalog.pg_namespace n on n.oid = t.typnamespace
    where t.typtype = 'e' and not pg_catalog.pg_is_other_temp_schema(t.typnamespace)
    order by t.oid`;
}

/** Stand-alone composite types (`CREATE TYPE t AS (...)`) of every schema, in oid order. */
export function queryCompositeTypes(tx: TransactionSql): Promise<CompositeRow[]> {
  return tx<CompositeRow[]>`
    select
      t.oid,
      n.nspname as schema,
      t.typname as name,
      d.description as comment,
      (
        select coalesce(json_agg(json_build_object('name', a.attname, 'typeOid', a.atttypid::int8) order by a.attnum), '[]')
        from pg_catalog.pg_attribute a
        where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      ) as attributes
    from pg_catalog.pg_type t
    join pg_catalog.pg_namespace n on n.oid = t.typnamespace
    join pg_catalog.pg_class c on c.oid = t.typrelid and c.relkind = 'c'
    left join pg_catalog.pg_description d
      on d.objoid = t.oid and d.classoid = 'pg_catalog.pg_type'::pg_catalog.regclass
    where not pg_catalog.pg_is_other_temp_schema(t.typnamespace)
    order by t.oid`;
}

export interface TypeRow {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly text: string;
  readonly typtype: 'b' | 'c' | 'd' | 'e' | 'p' | 'r' | 'm';
  readonly elementOid: number | null;
  readonly baseOid: number | null;
  readonly relkind: string | null;
}

/**
 * The given types plus, transitively, the element types of arrays and the (immediate) base
 * types of domains among them. Expects an empty search_path (see `queryRelations`).
 */
export function queryTypes(tx: TransactionSql, oids: readonly number[]): Promise<TypeRow[]> {
  return tx<TypeRow[]>`
    with recursive wanted(oid) as (
      select unnest(${oids as number[]}::pg_catalog.oid[])
      union
      select x.oid
      from wanted w
      join pg_catalog.pg_type t on t.oid = w.oid
      cross join lateral (
        values
          (case when t.typelem <> 0 and t.typlen = -1 then t.typelem end),
          (case when t.typtype = 'd' then t.typbasetype end)
      ) as x(oid)
      where x.oid is not null
    )
    select
      t.oid,
      n.nspname as schema,
      t.typname as name,
      pg_catalog.format_type(t.oid, null) as text,
      t.typtype::text as typtype,
      case when t.typelem <> 0 and t.typlen = -1 then t.typelem end as "elementOid",
      case when t.typtype = 'd' then t.typbasetype end as "baseOid",
      c.relkind::text as relkind
    from wanted w
    join pg_catalog.pg_type t on t.oid = w.oid
    join pg_catalog.pg_namespace n on n.oid = t.typnamespace
    left join pg_catalog.pg_class c on c.oid = t.typrelid`;
}
