import type { CompositeType, EnumType, PgType, QualifiedName } from '../schema-cache/model.ts';
import {
  arrayOf,
  NUMBER,
  name,
  path,
  STRING,
  stringLiteral,
  type TsType,
  UNKNOWN,
  union,
} from './ts-type.ts';

/** What a PostgreSQL type name can refer to, for postgres-meta's by-name type mapping. */
export interface TypeScope {
  /** The schemas being generated. */
  readonly schemas: ReadonlySet<string>;
  /** Enums (with at least one label) of every schema. */
  readonly enums: readonly EnumType[];
  /** Composite types (with at least one attribute) of every schema. */
  readonly composites: readonly CompositeType[];
  /** Tables (partitions included) and views of the generated schemas. */
  readonly tables: readonly QualifiedName[];
  readonly views: readonly QualifiedName[];
}

const NUMBERS = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric']);
const STRINGS = new Set([
  'bytea',
  'bpchar',
  'varchar',
  'date',
  'text',
  'citext',
  'time',
  'timetz',
  'timestamp',
  'timestamptz',
  'uuid',
  'vector',
  'interval',
]);

/** Prefer the candidate in the schema being generated, as postgres-meta does. */
const pick = <T extends QualifiedName>(candidates: readonly T[], schema: string) =>
  candidates.find((c) => c.schema === schema) ?? candidates[0];

/**
 * postgres-meta's `pgTypeToTsType`: maps a type *name* (`typname`; arrays are `_name`) to
 * TypeScript. Names are looked up without their schema, preferring `schema`'s own; enums and
 * composite types of other generated schemas are referenced through `Database`, enums of
 * schemas not generated are spelled out, and anything else unknown is `unknown`.
 */
export function pgTypeToTs(schema: string, typeName: string, scope: TypeScope): TsType {
  if (typeName === 'bool') return name('boolean');
  if (NUMBERS.has(typeName)) return NUMBER;
  if (STRINGS.has(typeName)) return STRING;
  if (typeName === 'json' || typeName === 'jsonb') return name('Json');
  if (typeName === 'void') return name('undefined');
  if (typeName === 'record') return name('Record<string, unknown>');
  if (typeName.startsWith('_')) return arrayOf(pgTypeToTs(schema, typeName.slice(1), scope));

  const enumType = pick(
    scope.enums.filter((e) => e.name === typeName),
    schema,
  );
  if (enumType) {
    if (scope.schemas.has(enumType.schema)) return path('Database', enumType.schema, 'Enums', enumType.name);
    return union(enumType.labels.map(stringLiteral));
  }
  const composite = pick(
    scope.composites.filter((c) => c.name === typeName),
    schema,
  );
  if (composite) {
    return scope.schemas.has(composite.schema)
      ? path('Database', composite.schema, 'CompositeTypes', composite.name)
      : UNKNOWN;
  }
  const table = pick(
    scope.tables.filter((t) => t.name === typeName),
    schema,
  );
  if (table) return path('Database', table.schema, 'Tables', table.name, 'Row');
  const view = pick(
    scope.views.filter((v) => v.name === typeName),
    schema,
  );
  if (view) return path('Database', view.schema, 'Views', view.name, 'Row');
  return UNKNOWN;
}

/**
 * postgres-meta's list of types leaves out row types of foreign tables (and of other
 * relations that are not tables, views or composite types), so a lookup by type id fails.
 */
export const isListedType = (type: PgType) =>
  type.relationKind === null || type.relationKind !== 'foreign_table';

/** The TypeScript type of a type found by id (function arguments and results, attributes). */
export function typeById(schema: string, type: PgType, scope: TypeScope): TsType {
  return isListedType(type) ? pgTypeToTs(schema, type.name, scope) : UNKNOWN;
}

/** A column's `format`: for a domain, the name of the type it is declared over. */
export const columnFormat = (type: PgType) =>
  type.kind === 'domain' && type.base ? type.base.name : type.name;
