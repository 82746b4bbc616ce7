import type { ConstraintRow } from './catalog/constraints.ts';
import type { ColumnRow, RelationRow } from './catalog/relations.ts';
import type { TypeRow } from './catalog/types.ts';
import type { Column, ForeignKey, PgType, Relation, RelationKind, TypeKind, UniqueKey } from './model.ts';
import { compareText } from './text-order.ts';
import type { ViewKeyDependency } from './view-keys.ts';

const RELATION_KINDS: Record<string, RelationKind> = {
  r: 'table',
  p: 'partitioned_table',
  v: 'view',
  m: 'materialized_view',
  f: 'foreign_table',
};

const TYPE_KINDS: Record<string, TypeKind> = {
  b: 'base',
  c: 'composite',
  d: 'domain',
  e: 'enum',
  p: 'pseudo',
  r: 'range',
  m: 'multirange',
};

/** Builds the shared type objects, linking array elements and domain bases. */
export function buildTypes(rows: readonly TypeRow[]): ReadonlyMap<number, PgType> {
  type Mutable = { -readonly [K in keyof PgType]: PgType[K] };
  const types = new Map<number, Mutable>();
  for (const row of rows) {
    types.set(row.oid, {
      oid: row.oid,
      schema: row.schema,
      name: row.name,
      text: row.text,
      kind: row.elementOid !== null ? 'array' : (TYPE_KINDS[row.typtype] ?? 'base'),
      element: null,
      base: null,
      relationKind: row.relkind === 'c' ? 'composite' : (RELATION_KINDS[row.relkind ?? ''] ?? null),
    });
  }
  for (const row of rows) {
    const type = types.get(row.oid) as Mutable;
    if (row.elementOid !== null) type.element = types.get(row.elementOid) ?? null;
    if (row.baseOid !== null) type.base = types.get(row.baseOid) ?? null;
  }
  return types;
}

/** A type the loader did not resolve (dropped concurrently): a harmless stand-in. */
export function typeOf(types: ReadonlyMap<number, PgType>, oid: number): PgType {
  return (
    types.get(oid) ?? {
      oid,
      schema: 'pg_catalog',
      name: 'unknown',
      text: 'unknown',
      kind: 'pseudo',
      element: null,
      base: null,
      relationKind: null,
    }
  );
}

// pg_relation_is_updatable bits: 1 << CMD_UPDATE, CMD_INSERT, CMD_DELETE.
const UPDATE = 4;
const INSERT = 8;
const DELETE = 16;

function buildColumn(
  row: ColumnRow,
  types: ReadonlyMap<number, PgType>,
  enumLabels: ReadonlyMap<number, readonly string[]>,
): Column {
  const type = typeOf(types, row.typeOid);
  return {
    name: row.name,
    position: row.position,
    comment: row.comment,
    nullable: row.nullable,
    dataType: row.dataType,
    nominalType: row.nominalType,
    type,
    dimensions: type.kind === 'array' ? Math.max(row.dimensions, 1) : 0,
    default: row.default,
    defaultExpression: row.defaultExpression,
    identity: row.identity === 'a' ? 'always' : row.identity === 'd' ? 'by default' : null,
    generated: row.generated === 's' ? 'stored' : row.generated === 'v' ? 'virtual' : null,
    maxLength: row.maxLength,
    enum: enumLabels.get(row.baseTypeOid) ?? [],
    updatable: row.updatable,
  };
}

export interface RelationParts {
  readonly columns: readonly ColumnRow[];
  /** The relation's own primary, unique and foreign keys. */
  readonly constraints: readonly ConstraintRow[];
  readonly types: ReadonlyMap<number, PgType>;
  readonly enumLabels: ReadonlyMap<number, readonly string[]>;
  readonly viewKeys: readonly ViewKeyDependency[];
}

/**
 * A relation as PostgREST describes it. Views get their primary key from the base tables
 * whose primary key they expose, taking the first view column when a key column is exposed
 * more than once.
 */
export function buildRelation(row: RelationRow, parts: RelationParts): Relation {
  const kind = RELATION_KINDS[row.relkind] ?? 'table';
  const isTable = kind === 'table' || kind === 'partitioned_table';
  const isView = kind === 'view' || kind === 'materialized_view';
  const mutable = (bit: number) =>
    isTable || ((kind === 'view' || kind === 'foreign_table') && (row.mutableMask & bit) === bit);
  const keys = parts.constraints
    .filter((c) => c.type !== 'f')
    .sort((a, b) => compareText(a.type, b.type) || compareText(a.name, b.name))
    .map(
      (c): UniqueKey => ({
        name: c.name,
        primary: c.type === 'p',
        columns: [...c.columns].sort((x, y) => x.attnum - y.attnum).map((k) => k.name),
      }),
    );
  const tablePrimaryKey = keys.find((k) => k.primary)?.columns ?? [];
  const primaryKey = isView
    ? parts.viewKeys
        .filter((k) => k.type === 'p' && k.view.schema === row.schema && k.view.name === row.name)
        .flatMap((k) => k.columns.map(([, viewColumns]) => viewColumns[0] ?? ''))
    : // PostgREST orders a table's primary-key columns by name.
      [...tablePrimaryKey].sort(compareText);
  return {
    oid: row.oid,
    schema: row.schema,
    name: row.name,
    kind,
    isView,
    comment: row.comment,
    insertable: mutable(INSERT),
    updatable: mutable(UPDATE),
    deletable: mutable(DELETE),
    autoUpdatable: (row.autoMask & (UPDATE | DELETE)) === (UPDATE | DELETE),
    primaryKey,
    uniqueKeys: keys,
    columns: parts.columns.map((c) => buildColumn(c, parts.types, parts.enumLabels)),
  };
}

export function buildForeignKeys(rows: readonly ConstraintRow[]): ForeignKey[] {
  return rows
    .filter((row) => row.type === 'f')
    .map((row) => ({
      name: row.name,
      table: { schema: row.schema, name: row.table },
      columns: row.columns.map((c) => c.name),
      referencedTable: { schema: row.referencedSchema ?? '', name: row.referencedTable ?? '' },
      referencedColumns: (row.referencedColumns ?? []).map((c) => c.name),
      oneToOne: row.oneToOne,
      oneToOneOrdered: row.oneToOneOrdered,
    }));
}
