import type { TransactionSql } from 'postgres';

export interface RelationRow {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly relkind: 'r' | 'p' | 'v' | 'm' | 'f';
  readonly isPartition: boolean;
  readonly comment: string | null;
  /** `pg_relation_is_updatable(oid, true)`: bit 8 insert, 4 update, 16 delete (all for tables, none for materialized views). */
  readonly mutableMask: number;
  /** The same without INSTEAD OF triggers. */
  readonly autoMask: number;
}

/**
 * Tables, views, materialized views, foreign tables and partitioned tables of the given
 * schemas. Their keys come from `queryConstraints`, their columns from `queryColumns`.
 */
export function queryRelations(tx: TransactionSql, schemas: readonly string[]): Promise<RelationRow[]> {
  return tx<RelationRow[]>`
    select
      c.oid,
      n.nspname as schema,
      c.relname as name,
      c.relkind::text as relkind,
      c.relispartition as "isPartition",
      (
        select d.description from pg_catalog.pg_description d
        where d.objoid = c.oid and d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objsubid = 0
      ) as comment,
      -- Only views and foreign tables vary; asking for tables costs time for a known answer.
      case c.relkind when 'v' then pg_catalog.pg_relation_is_updatable(c.oid, true)
        when 'f' then pg_catalog.pg_relation_is_updatable(c.oid, true) when 'm' then 0 else 28 end
        as "mutableMask",
      case c.relkind when 'v' then pg_catalog.pg_relation_is_updatable(c.oid, false)
        when 'f' then pg_catalog.pg_relation_is_updatable(c.oid, false) when 'm' then 0 else 28 end
        as "autoMask"
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p', 'v', 'm', 'f')
      and c.relnamespace = any(array(
        select oid from pg_catalog.pg_namespace where nspname = any(${schemas as string[]}::text[])
      ))
    order by n.nspname, c.relname`;
}

export interface ColumnRow {
  readonly relationOid: number;
  readonly name: string;
  readonly position: number;
  readonly comment: string | null;
  readonly nullable: boolean;
  readonly dataType: string;
  readonly nominalType: string;
  readonly typeOid: number;
  /** The type with domains resolved (its enum labels are the column's). */
  readonly baseTypeOid: number;
  readonly dimensions: number;
  readonly default: string | null;
  readonly defaultExpression: string | null;
  readonly identity: 'a' | 'd' | null;
  readonly generated: 's' | 'v' | null;
  readonly maxLength: number | null;
  readonly updatable: boolean;
}

/**
 * The columns of those relations, one row each, in relation and ordinal order. Expects an
 * empty search_path, so that every type name outside pg_catalog comes out schema-qualified,
 * as PostgREST prints it.
 */
export function queryColumns(tx: TransactionSql, schemas: readonly string[]): Promise<ColumnRow[]> {
  return tx<ColumnRow[]>`
    select
      a.attrelid as "relationOid",
      a.attname as name,
      a.attnum as position,
      (
        select d.description from pg_catalog.pg_description d
        where d.objoid = a.attrelid and d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass
          and d.objsubid = a.attnum
      ) as comment,
      not (a.attnotnull or (t.typtype = 'd' and t.typnotnull)) as nullable,
      case
        when t.typtype = 'd' and bt.typnamespace = 'pg_catalog'::pg_catalog.regnamespace
          then pg_catalog.format_type(bt.oid, null)
        when t.typtype <> 'd' and t.typnamespace = 'pg_catalog'::pg_catalog.regnamespace
          then pg_catalog.format_type(a.atttypid, null)
        else pg_catalog.format_type(a.atttypid, a.atttypmod)
      end as "dataType",
      pg_catalog.format_type(a.atttypid, a.atttypmod) as "nominalType",
      a.atttypid as "typeOid",
      bt.oid as "baseTypeOid",
      a.attndims as dimensions,
      case
        when t.typbasetype <> 0 and ad.adbin is null then pg_catalog.pg_get_expr(t.typdefaultbin, 0)
        when a.attidentity = 'd' then pg_catalog.format('nextval(%L)', (
          select dep.objid::pg_catalog.regclass from pg_catalog.pg_depend dep
          where dep.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
            and dep.refobjid = a.attrelid and dep.refobjsubid = a.attnum and dep.deptype = 'i'
            and dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
          limit 1
        ))
        when a.attgenerated <> '' then null
        else pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)
      end as default,
      pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) as "defaultExpression",
      nullif(a.attidentity::text, '') as identity,
      nullif(a.attgenerated::text, '') as generated,
      -- information_schema's character_maximum_length, inlined: its helper functions take
      -- whole rows, which costs more than the rest of this query.
      case
        when (case when t.typtype = 'd' then t.typtypmod else a.atttypmod end) = -1 then null
        when (case when t.typtype = 'd' then t.typbasetype else a.atttypid end) in (1042, 1043)
          then (case when t.typtype = 'd' then t.typtypmod else a.atttypmod end) - 4
        when (case when t.typtype = 'd' then t.typbasetype else a.atttypid end) in (1560, 1562)
          then (case when t.typtype = 'd' then t.typtypmod else a.atttypmod end)
      end as "maxLength",
      c.relkind in ('r', 'p')
        or (c.relkind in ('v', 'f') and pg_catalog.pg_column_is_updatable(c.oid, a.attnum, false))
        as updatable
    from pg_catalog.pg_class c
    join pg_catalog.pg_attribute a on a.attrelid = c.oid
    join pg_catalog.pg_type t on t.oid = a.atttypid
    join pg_catalog.pg_type bt on bt.oid = pg_catalog.pg_basetype(a.atttypid)
    left join pg_catalog.pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
    where c.relkind in ('r', 'p', 'v', 'm', 'f')
      and c.relnamespace = any(array(
        select oid from pg_catalog.pg_namespace where nspname = any(${schemas as string[]}::text[])
      ))
      and a.attnum > 0 and not a.attisdropped
    order by a.attrelid, a.attnum`;
}
