import type { TransactionSql } from 'postgres';

export interface ParameterRow {
  readonly name: string;
  readonly mode: 'i' | 'o' | 'b' | 'v' | 't';
  readonly typeOid: number;
  readonly hasDefault: boolean;
}

export interface RoutineRow {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly comment: string | null;
  /** Every parameter in declaration order. */
  readonly parameters: ParameterRow[];
  readonly returnTypeOid: number;
  /** The return type with domains resolved; a row type's relation name. */
  readonly returnSchema: string;
  readonly returnName: string;
  readonly returnsComposite: boolean;
  readonly returnsViaDomain: boolean;
  readonly returnsSet: boolean;
  readonly rows: number | null;
  readonly volatility: 'i' | 's' | 'v';
  readonly securityDefiner: boolean;
  readonly hasVariadic: boolean;
  readonly settings: string[] | null;
}

/**
 * Plain functions (no procedures or aggregates) of the exposed schemas, with parameters
 * unzipped from `proallargtypes`/`proargmodes`/`proargnames`. A defaulted parameter is one of
 * the last `pronargdefaults` input parameters.
 */
export function queryRoutines(tx: TransactionSql, schemas: readonly string[]): Promise<RoutineRow[]> {
  return tx<RoutineRow[]>`
    select
      p.oid,
      n.nspname as schema,
      p.proname as name,
      (
        select d.description from pg_catalog.pg_description d
        where d.objoid = p.oid and d.classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass and d.objsubid = 0
      ) as comment,
      coalesce(args.parameters, '[]') as parameters,
      p.prorettype as "returnTypeOid",
      rn.nspname as "returnSchema",
      coalesce(rc.relname, rt.typname) as "returnName",
      rt.typtype = 'c' or coalesce(p.proargmodes::text[] && '{t,b,o}', false) as "returnsComposite",
      rt.oid <> p.prorettype as "returnsViaDomain",
      p.proretset as "returnsSet",
      case when p.proretset then nullif(p.prorows, 0)::float8 end as rows,
      p.provolatile::text as volatility,
      p.prosecdef as "securityDefiner",
      p.provariadic <> 0 as "hasVariadic",
      p.proconfig as settings
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    join pg_catalog.pg_type rt on rt.oid = pg_catalog.pg_basetype(p.prorettype)
    join pg_catalog.pg_namespace rn on rn.oid = rt.typnamespace
    left join pg_catalog.pg_class rc on rc.oid = rt.typrelid
    left join lateral (
      select json_agg(json_build_object(
        'name', x.name,
        'mode', x.mode,
        'typeOid', x.type::int8,
        'hasDefault', x.mode in ('i', 'b', 'v') and x.input > p.pronargs - p.pronargdefaults
      ) order by x.idx) as parameters
      from (
        select
          u.idx,
          u.type,
          coalesce(p.proargnames[u.idx], '') as name,
          coalesce(p.proargmodes[u.idx]::text, 'i') as mode,
          count(*) filter (where coalesce(p.proargmodes[u.idx]::text, 'i') in ('i', 'b', 'v'))
            over (order by u.idx) as input
        from unnest(coalesce(p.proallargtypes, p.proargtypes::pg_catalog.oid[])) with ordinality as u(type, idx)
      ) x
    ) args on true
    where p.prokind = 'f'
      and p.pronamespace = any(array(
        select oid from pg_catalog.pg_namespace where nspname = any(${schemas as string[]}::text[])
      ))
    order by n.nspname, p.proname, p.oid`;
}

export interface SignatureRow {
  readonly oid: number;
  readonly arguments: string;
  readonly result: string;
  readonly parameterTypes: string[];
}

/**
 * The signature texts postgres-meta reads, which name types relative to the search_path:
 * run this before the loader empties it.
 */
export function querySignatures(tx: TransactionSql, schemas: readonly string[]): Promise<SignatureRow[]> {
  return tx<SignatureRow[]>`
    select
      p.oid,
      pg_catalog.pg_get_function_arguments(p.oid) as arguments,
      pg_catalog.pg_get_function_result(p.oid) as result,
      (
        select coalesce(json_agg(pg_catalog.format_type(u.type, null) order by u.idx), '[]')
        from unnest(coalesce(p.proallargtypes, p.proargtypes::pg_catalog.oid[])) with ordinality as u(type, idx)
      ) as "parameterTypes"
    from pg_catalog.pg_proc p
    where p.prokind = 'f'
      and p.pronamespace = any(array(
        select oid from pg_catalog.pg_namespace where nspname = any(${schemas as string[]}::text[])
      ))`;
}

export interface ComputedRelationshipRow {
  readonly functionSchema: string;
  readonly functionName: string;
  readonly tableSchema: string;
  readonly tableName: string;
  readonly foreignSchema: string;
  readonly foreignName: string;
  readonly toOne: boolean;
}

/**
 * Functions of one row-type argument returning a row type (or a set of them), from any
 * schema, whose two relations are both exposed: PostgREST embeds them like relationships.
 */
export function queryComputedRelationships(
  tx: TransactionSql,
  schemas: readonly string[],
): Promise<ComputedRelationshipRow[]> {
  return tx<ComputedRelationshipRow[]>`
    with exposed as (
      select array(
        select oid from pg_catalog.pg_namespace where nspname = any(${schemas as string[]}::text[])
      ) as oids
    )
    select
      pn.nspname as "functionSchema",
      p.proname as "functionName",
      an.nspname as "tableSchema",
      ac.relname as "tableName",
      rn.nspname as "foreignSchema",
      rc.relname as "foreignName",
      not p.proretset or p.prorows = 1 as "toOne"
    from exposed, pg_catalog.pg_proc p
    join pg_catalog.pg_namespace pn on pn.oid = p.pronamespace
    join pg_catalog.pg_type at on at.oid = p.proargtypes[0]
    join pg_catalog.pg_class ac on ac.oid = at.typrelid
    join pg_catalog.pg_namespace an on an.oid = ac.relnamespace
    join pg_catalog.pg_type rt on rt.oid = p.prorettype
    join pg_catalog.pg_class rc on rc.oid = rt.typrelid
    join pg_catalog.pg_namespace rn on rn.oid = rc.relnamespace
    where p.pronargs = 1
      and ac.relkind in ('r', 'p', 'v', 'm', 'f') and ac.relnamespace = any(exposed.oids)
      and rc.relkind in ('r', 'p', 'v', 'm', 'f') and rc.relnamespace = any(exposed.oids)
    order by pn.nspname, p.proname, p.oid`;
}
