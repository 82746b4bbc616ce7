import type { TransactionSql } from 'postgres';

export interface KeyColumn {
  readonly attnum: number;
  readonly name: string;
}

export interface ConstraintRow {
  readonly name: string;
  readonly type: 'p' | 'u' | 'f';
  readonly tableOid: number;
  readonly schema: string;
  readonly table: string;
  /** In constraint order. */
  readonly columns: KeyColumn[];
  /** Foreign keys only (null otherwise). */
  readonly referencedOid: number | null;
  readonly referencedSchema: string | null;
  readonly referencedTable: string | null;
  readonly referencedColumns: KeyColumn[] | null;
  readonly oneToOne: boolean;
  readonly oneToOneOrdered: boolean;
}

/**
 * Every primary key, unique and foreign key outside the system schemas, whatever the schema: a view
 * in an exposed schema may select from private tables, and the keys of those tables are what
 * gives the view its primary key and relationships. Foreign keys cloned onto partitions
 * (`conparentid <> 0`) are left out; the partitioned table's own constraint stands for them.
 */
export function queryConstraints(tx: TransactionSql): Promise<ConstraintRow[]> {
  return tx<ConstraintRow[]>`
    select
      k.conname as name,
      k.contype::text as type,
      k.conrelid as "tableOid",
      n.nspname as schema,
      c.relname as "table",
      (
        select json_agg(json_build_object('attnum', a.attnum, 'name', a.attname) order by u.ord)
        from unnest(k.conkey) with ordinality as u(attnum, ord)
        join pg_catalog.pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.attnum
      ) as columns,
      nullif(k.confrelid, 0) as "referencedOid",
      rn.nspname as "referencedSchema",
      rc.relname as "referencedTable",
      (
        select json_agg(json_build_object('attnum', a.attnum, 'name', a.attname) order by u.ord)
        from unnest(k.confkey) with ordinality as u(attnum, ord)
        join pg_catalog.pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.attnum
      ) as "referencedColumns",
      k.contype = 'f' and exists (
        select from pg_catalog.pg_constraint uk
        where uk.conrelid = k.conrelid and uk.contype in ('p', 'u')
          and (select array_agg(x order by x) from unnest(uk.conkey) x)
            = (select array_agg(x order by x) from unnest(k.conkey) x)
      ) as "oneToOne",
      k.contype = 'f' and exists (
        select from pg_catalog.pg_constraint uk
        where uk.conrelid = k.conrelid and uk.contype in ('p', 'u')
          and (select array_agg(x order by x) from unnest(uk.conkey) x) = k.conkey
      ) as "oneToOneOrdered"
    from pg_catalog.pg_constraint k
    join pg_catalog.pg_class c on c.oid = k.conrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    left join pg_catalog.pg_class rc on rc.oid = k.confrelid
    left join pg_catalog.pg_namespace rn on rn.oid = rc.relnamespace
    where (k.contype in ('p', 'u') or (k.contype = 'f' and k.conparentid = 0))
      and n.nspname not in ('pg_catalog', 'information_schema')
    order by k.conrelid, k.conname`;
}
