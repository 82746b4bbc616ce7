import type { Sql, TransactionSql } from 'postgres';
import { errorMessage, WatchroomError } from '../../lib/errors.ts';
import { buildForeignKeys, buildRelation, buildTypes, typeOf } from './assemble.ts';
import { buildRoutine, compareOverloads } from './assemble-routines.ts';
import { queryConstraints } from './catalog/constraints.ts';
import { queryColumns, queryRelations } from './catalog/relations.ts';
import { queryComputedRelationships, queryRoutines, querySignatures } from './catalog/routines.ts';
import { queryCompositeTypes, queryEnums, queryTypes } from './catalog/types.ts';
import { queryViews } from './catalog/views.ts';
import { deepFreeze, groupBySchema } from './freeze.ts';
import type { CompositeType, EnumType, Relation, Relationship, Routine, SchemaCache } from './model.ts';
import { compareRelationships, deriveRelationships } from './relationships.ts';
import { viewKeyDependencies } from './view-keys.ts';

/**
 * The catalogs could not be read (connection lost, statement timeout, ...). PostgREST answers
 * requests with 503 PGRST002 until a reload succeeds; the REST layer decides the same.
 */
export class SchemaCacheLoadError extends WatchroomError<'schema_cache_load_failed'> {}

export interface LoadSchemaCacheOptions {
  /**
   * Schemas whose views may sit between an exposed view and its base tables (PostgREST's
   * `db-extra-search-path`; Supabase's `[api] extra_search_path`).
   */
  readonly extraSearchPath?: readonly string[];
}

/**
 * Reads the catalogs of `schemas` (the exposed schemas, default first) into an immutable
 * {@link SchemaCache}: two round trips of a handful of pipelined queries inside one read-only
 * repeatable-read transaction, so every query sees the same catalog snapshot. Exposed schemas
 * that do not exist are left out. Throws {@link SchemaCacheLoadError}.
 *
 * @example
 * const cache = await loadSchemaCache(sql, ['public', 'graphql_public']);
 * const posts = findRelation(cache, 'public', 'posts');
 */
export async function loadSchemaCache(
  sql: Sql,
  schemas: readonly string[],
  options: LoadSchemaCacheOptions = {},
): Promise<SchemaCache> {
  const extra = options.extraSearchPath ?? ['public', 'extensions'];
  let rows: CatalogRows;
  try {
    rows = await sql.begin('isolation level repeatable read read only', (tx) =>
      readCatalogs(tx, schemas, [...schemas, ...extra]),
    );
  } catch (cause) {
    throw new SchemaCacheLoadError(
      'schema_cache_load_failed',
      `could not load the schema cache: ${errorMessage(cause)}`,
      { cause },
    );
  }
  return build(rows, schemas);
}

type CatalogRows = Awaited<ReturnType<typeof readCatalogs>>;

async function readCatalogs(tx: TransactionSql, schemas: readonly string[], viewSchemas: readonly string[]) {
  // These texts follow the session's search_path (as postgres-meta sees them); everything
  // after is read with an empty one, so type names come out qualified as PostgREST prints them.
  const signatures = await querySignatures(tx, schemas);
  await tx`select pg_catalog.set_config('search_path', '', true)`;
  const [existing, relations, columns, constraints, views, routines, computed, enums, composites] =
    await Promise.all([
      tx<{ name: string }[]>`
      select nspname as name from pg_catalog.pg_namespace where nspname = any(${schemas as string[]}::text[])`,
      queryRelations(tx, schemas),
      queryColumns(tx, schemas),
      queryConstraints(tx),
      queryViews(tx, viewSchemas),
      queryRoutines(tx, schemas),
      queryComputedRelationships(tx, schemas),
      queryEnums(tx),
      queryCompositeTypes(tx),
    ]);
  const typeOids = new Set<number>();
  for (const c of columns) typeOids.add(c.typeOid);
  for (const r of routines) {
    typeOids.add(r.returnTypeOid);
    for (const p of r.parameters) typeOids.add(p.typeOid);
  }
  for (const c of composites) for (const a of c.attributes) typeOids.add(a.typeOid);
  const types = await queryTypes(tx, [...typeOids]);
  return {
    existing: existing.map((s) => s.name),
    signatures,
    relations,
    columns,
    constraints,
    views,
    routines,
    computed,
    enums,
    composites,
    types,
  };
}

function build(rows: CatalogRows, requested: readonly string[]): SchemaCache {
  const schemas = requested.filter((s) => rows.existing.includes(s));
  const types = buildTypes(rows.types);
  const viewKeys = viewKeyDependencies(rows.views, rows.constraints, schemas);
  const partitionOids = new Set(rows.relations.filter((r) => r.isPartition).map((r) => r.oid));
  const enumLabels = new Map(rows.enums.map((e) => [e.oid, e.labels] as const));
  const columnsOf = groupByOid(rows.columns, (c) => c.relationOid);
  const constraintsOf = groupByOid(rows.constraints, (c) => c.tableOid);
  const relations = rows.relations.map((r) =>
    buildRelation(r, {
      columns: columnsOf.get(r.oid) ?? [],
      constraints: constraintsOf.get(r.oid) ?? [],
      types,
      enumLabels,
      viewKeys,
    }),
  );
  const visible = relations.filter((r) => !partitionOids.has(r.oid));
  const relationsBySchema = groupBySchema<Relation, Relation>(
    visible,
    (r) => r,
    (_, r) => r,
  );

  const relationships = deriveRelationships({
    foreignKeys: buildForeignKeys(rows.constraints),
    viewKeys,
    computed: rows.computed,
    exposed: schemas,
    primaryKeyOf: ({ schema, name }) => relationsBySchema[schema]?.[name]?.primaryKey,
  }).sort(compareRelationships);

  const signatures = new Map(rows.signatures.map((s) => [s.oid, s]));
  const routines = rows.routines.map((r) => buildRoutine(r, signatures.get(r.oid), types));

  const enums = rows.enums.map(
    (e): EnumType => ({ oid: e.oid, schema: e.schema, name: e.name, labels: e.labels }),
  );
  const compositeTypes = rows.composites.map(
    (c): CompositeType => ({
      oid: c.oid,
      schema: c.schema,
      name: c.name,
      comment: c.comment,
      attributes: c.attributes.map((a) => ({ name: a.name, type: typeOf(types, a.typeOid) })),
    }),
  );

  return deepFreeze({
    schemas,
    relations: relationsBySchema,
    partitions: relations.filter((r) => partitionOids.has(r.oid)),
    relationships: groupBySchema<Relationship, Relationship[]>(relationships, (r) => r.table, appendTo),
    routines: sortOverloads(groupBySchema<Routine, Routine[]>(routines, (r) => r, appendTo)),
    enums,
    compositeTypes,
  });
}

function sortOverloads<T extends Record<string, Record<string, Routine[]>>>(bySchema: T): T {
  for (const byName of Object.values(bySchema)) {
    for (const overloads of Object.values(byName)) overloads.sort(compareOverloads);
  }
  return bySchema;
}

const appendTo = <T>(list: T[] | undefined, item: T): T[] => {
  if (!list) return [item];
  list.push(item);
  return list;
};

function groupByOid<T>(items: readonly T[], oid: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) groups.set(oid(item), appendTo(groups.get(oid(item)), item));
  return groups;
}
