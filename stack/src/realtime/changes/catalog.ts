/**
 * Cached catalog facts the change pipeline needs per table (columns, primary key, RLS flag),
 * per type (name, base type, how to_jsonb treats it) and per (role, table) (readable columns).
 * Entries are dropped when pgoutput re-sends a Relation (the table changed) and wholesale on
 * `NOTIFY pgrst` (any DDL, including GRANT) or a new replication session. A lookup that raced
 * an invalidation is returned to its caller but not cached. Readable columns also expire after
 * a while: role membership (GRANT role TO role) reaches neither signal.
 */
import type { Sql } from 'postgres';

export interface ColumnInfo {
  readonly name: string;
  readonly attnum: number;
  readonly typeOid: number;
}

export interface TableInfo {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly rls: boolean;
  /** Live columns in attnum order. */
  readonly columns: readonly ColumnInfo[];
  readonly columnByName: ReadonlyMap<string, ColumnInfo>;
  /** Primary-key column names in key order; empty when the table has none. */
  readonly primaryKey: readonly string[];
}

export interface TypeInfo {
  readonly oid: number;
  /** `pg_type.typname`, what `columns[].type` carries (`int4`, `_text`, a domain's own name). */
  readonly name: string;
  readonly schema: string;
  /** The type as a fully quoted SQL name, for casts: `"pg_catalog"."int4"`. */
  readonly sqlName: string;
  /** `pg_type.typtype` of the type itself (`d` for a domain). */
  readonly kind: string;
  /** Domains resolved to their ultimate base type; the type itself otherwise. */
  readonly baseOid: number;
  /** `typcategory` of the base type (`A` for arrays). */
  readonly baseCategory: string;
  /** `typtype` of the base type (`c` composite, `e` enum, `r` range, ...). */
  readonly baseKind: string;
  /** The base type has a function cast to json, which to_jsonb then uses. */
  readonly baseJsonCast: boolean;
}

/** A role's readable columns of a table; `null` when the role does not exist. */
export type ReadableColumns = ReadonlySet<string> | null;

export interface Catalog {
  tables(oids: Iterable<number>): Promise<ReadonlyMap<number, TableInfo>>;
  types(oids: Iterable<number>): Promise<ReadonlyMap<number, TypeInfo>>;
  readable(
    pairs: Iterable<readonly [role: string, tableOid: number]>,
  ): Promise<ReadonlyMap<string, ReadableColumns>>;
  invalidateTable(oid: number): void;
  invalidateAll(): void;
  /** Bumped by every invalidation; lets callers memoize work derived from catalog facts. */
  readonly generation: number;
}

export const readableKey = (role: string, tableOid: number): string => `${tableOid}:${role}`;

const READABLE_TTL_MS = 30_000;

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

interface TypeRow {
  oid: string;
  name: string;
  schema: string;
  kind: string;
  base: string;
  category: string;
  json_cast: boolean;
}

export function createCatalog(sql: Sql, now: () => number = Date.now): Catalog {
  let generation = 0;
  const tables = new Map<number, TableInfo | undefined>();
  const types = new Map<number, TypeRow>();
  const readable = new Map<string, { columns: ReadableColumns; expires: number }>();

  async function loadTables(oids: number[]): Promise<Map<number, TableInfo>> {
    const rows = await sql<
      { oid: string; schema: string; name: string; rls: boolean; columns: ColumnInfo[]; pk: string[] }[]
    >`
      select c.oid::int8 as oid, n.nspname as schema, c.relname as name, c.relrowsecurity as rls,
        coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                    'name', a.attname, 'attnum', a.attnum, 'typeOid', a.atttypid::int8) order by a.attnum)
                  from pg_catalog.pg_attribute a
                  where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]') as columns,
        coalesce((select pg_catalog.jsonb_agg(a.attname order by k.ord)
                  from pg_catalog.pg_index i
                  cross join lateral pg_catalog.unnest(i.indkey::int2[]) with ordinality as k(attnum, ord)
                  join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                  where i.indrelid = c.oid and i.indisprimary), '[]') as pk
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.oid = any (select pg_catalog.jsonb_array_elements_text(${JSON.stringify(oids)}::text::jsonb)::oid)`;
    const found = new Map<number, TableInfo>();
    for (const row of rows) {
      const columns = row.columns.map((c) => ({
        name: c.name,
        attnum: c.attnum,
        typeOid: Number(c.typeOid),
      }));
      found.set(Number(row.oid), {
        oid: Number(row.oid),
        schema: row.schema,
        name: row.name,
        rls: row.rls,
        columns,
        columnByName: new Map(columns.map((c) => [c.name, c])),
        primaryKey: row.pk,
      });
    }
    return found;
  }

  async function loadTypes(oids: number[]): Promise<TypeRow[]> {
    return sql<TypeRow[]>`
      select t.oid::int8 as oid, t.typname as name, n.nspname as schema, t.typtype as kind,
             t.typbasetype::int8 as base, t.typcategory as category,
             exists (select from pg_catalog.pg_cast c
                     where c.castsource = t.oid and c.casttarget = 'pg_catalog.json'::pg_catalog.regtype
                       and c.castmethod = 'f') as json_cast
      from pg_catalog.pg_type t
      join pg_catalog.pg_namespace n on n.oid = t.typnamespace
      where t.oid = any (select pg_catalog.jsonb_array_elements_text(${JSON.stringify(oids)}::text::jsonb)::oid)`;
  }

  function typeInfo(row: TypeRow, rows: ReadonlyMap<number, TypeRow>): TypeInfo {
    let base = row;
    // Domains over domains: follow typbasetype to the end (bounded, in case of a broken catalog).
    for (let depth = 0; base.kind === 'd' && depth < 32; depth++) {
      const next = rows.get(Number(base.base));
      if (!next) break;
      base = next;
    }
    return {
      oid: Number(row.oid),
      name: row.name,
      schema: row.schema,
      sqlName: `${quoteIdent(row.schema)}.${quoteIdent(row.name)}`,
      kind: row.kind,
      baseOid: Number(base.oid),
      baseCategory: base.category,
      baseKind: base.kind,
      baseJsonCast: base.json_cast,
    };
  }

  return {
    get generation() {
      return generation;
    },

    async tables(wanted) {
      const oids = [...new Set(wanted)];
      const missing = oids.filter((oid) => !tables.has(oid));
      const started = generation;
      const loaded = missing.length > 0 ? await loadTables(missing) : new Map<number, TableInfo>();
      if (started === generation) for (const oid of missing) tables.set(oid, loaded.get(oid));
      const result = new Map<number, TableInfo>();
      for (const oid of oids) {
        const info = loaded.get(oid) ?? tables.get(oid);
        if (info) result.set(oid, info);
      }
      return result;
    },

    async types(wanted) {
      const started = generation;
      const rows = new Map<number, TypeRow>();
      let pending = [...new Set(wanted)];
      while (pending.length > 0) {
        const missing: number[] = [];
        for (const oid of pending) {
          const cached = types.get(oid);
          if (cached) rows.set(oid, cached);
          else if (!rows.has(oid)) missing.push(oid);
        }
        for (const row of missing.length > 0 ? await loadTypes(missing) : []) {
          rows.set(Number(row.oid), row);
          if (started === generation) types.set(Number(row.oid), row);
        }
        // Domains need their base types too.
        pending = [...rows.values()]
          .filter((row) => row.kind === 'd' && !rows.has(Number(row.base)))
          .map((row) => Number(row.base));
      }
      const result = new Map<number, TypeInfo>();
      for (const oid of new Set(wanted)) {
        const row = rows.get(oid);
        if (row) result.set(oid, typeInfo(row, rows));
      }
      return result;
    },

    async readable(wanted) {
      const pairs = new Map<string, readonly [string, number]>();
      for (const [role, oid] of wanted) pairs.set(readableKey(role, oid), [role, oid]);
      const time = now();
      const fresh = (key: string) => (readable.get(key)?.expires ?? 0) > time;
      const missing = [...pairs].filter(([key]) => !fresh(key)).map(([, pair]) => pair);
      const started = generation;
      const loaded = new Map<string, ReadableColumns>();
      if (missing.length > 0) {
        const rows = await sql<
          { role: string; table_oid: string; role_exists: boolean; columns: string[] }[]
        >`
          select p.role, p.tbl::int8 as table_oid, r.oid is not null as role_exists,
            coalesce((select pg_catalog.jsonb_agg(a.attname)
                      from pg_catalog.pg_attribute a
                      where a.attrelid = p.tbl and a.attnum > 0 and not a.attisdropped
                        and pg_catalog.has_column_privilege(r.oid, a.attrelid, a.attnum, 'SELECT')), '[]') as columns
          from pg_catalog.jsonb_to_recordset(${JSON.stringify(missing.map(([role, tbl]) => ({ role, tbl })))}::text::jsonb)
            as p(role text, tbl oid)
          left join pg_catalog.pg_roles r on r.rolname = p.role`;
        for (const row of rows) {
          loaded.set(
            readableKey(row.role, Number(row.table_oid)),
            row.role_exists ? new Set(row.columns) : null,
          );
        }
        if (started === generation) {
          for (const [key, columns] of loaded)
            readable.set(key, { columns, expires: time + READABLE_TTL_MS });
        }
      }
      const result = new Map<string, ReadableColumns>();
      for (const key of pairs.keys()) {
        const value = loaded.has(key) ? loaded.get(key) : readable.get(key)?.columns;
        result.set(key, value ?? null);
      }
      return result;
    },

    invalidateTable(oid) {
      generation++;
      tables.delete(oid);
      for (const key of readable.keys()) if (key.startsWith(`${oid}:`)) readable.delete(key);
    },

    invalidateAll() {
      generation++;
      tables.clear();
      types.clear();
      readable.clear();
    },
  };
}
