import type { Column, PgType, QualifiedName, Relation, Routine, SchemaCache } from '../schema-cache/model.ts';
import type { TypeScope } from './pg-to-ts.ts';

/** postgres-meta sorts names with `localeCompare` (ICU root collation), not by code point. */
export const byName = <T extends { readonly name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

const key = (n: QualifiedName) => `${n.schema}\u0000${n.name}`;

/** One function as postgres-meta's template sees it. */
export interface MetaFunction {
  readonly routine: Routine;
  /** Every parameter, sorted by name (the template sorts them in place). */
  readonly args: readonly Routine['parameters'][number][];
  /** IN, INOUT and VARIADIC parameters, by name. */
  readonly inArgs: readonly Routine['parameters'][number][];
}

/** Everything the template looks things up in, built once per generation. */
export interface GenerationScope extends TypeScope {
  readonly cache: SchemaCache;
  /** Tables (partitions and foreign tables included) of a schema, sorted by name. */
  tablesOf(schema: string): readonly Relation[];
  /** Views and materialized views of a schema, sorted by name. */
  viewsOf(schema: string): readonly Relation[];
  /** A relation of a generated schema (any kind) by name. */
  relation(name: QualifiedName): Relation | undefined;
  /** Columns sorted by name, as every object type of the output lists them. */
  columnsOf(relation: Relation): readonly Column[];
}

const TABLE_KINDS = new Set(['table', 'partitioned_table', 'foreign_table']);

export function generationScope(cache: SchemaCache, schemas: readonly string[]): GenerationScope {
  const all = [
    ...Object.values(cache.relations).flatMap((byName) => Object.values(byName)),
    ...cache.partitions,
  ].filter((r) => schemas.includes(r.schema));
  const relations = new Map(all.map((r) => [key(r), r] as const));
  const sortedColumns = new Map<Relation, readonly Column[]>();
  return {
    cache,
    schemas: new Set(schemas),
    enums: cache.enums.filter((e) => e.labels.length > 0),
    composites: cache.compositeTypes.filter((c) => c.attributes.length > 0),
    tables: all.filter((r) => r.kind === 'table' || r.kind === 'partitioned_table'),
    views: all.filter((r) => r.kind === 'view'),
    tablesOf: (schema) => all.filter((r) => r.schema === schema && TABLE_KINDS.has(r.kind)).sort(byName),
    viewsOf: (schema) => all.filter((r) => r.schema === schema && r.isView).sort(byName),
    relation: (name) => relations.get(key(name)),
    columnsOf(relation) {
      let columns = sortedColumns.get(relation);
      if (!columns) {
        columns = [...relation.columns].sort(byName);
        sortedColumns.set(relation, columns);
      }
      return columns;
    },
  };
}

/** A row type postgres-meta lists with its relation (tables, views, composite types; not foreign tables). */
export const isRelationType = (type: PgType) =>
  type.relationKind !== null && type.relationKind !== 'foreign_table';
