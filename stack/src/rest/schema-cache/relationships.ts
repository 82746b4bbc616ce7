import type { ComputedRelationshipRow } from './catalog/routines.ts';
import type {
  ColumnPair,
  ComputedRelationship,
  ForeignKey,
  ForeignKeyRelationship,
  ManyToManyRelationship,
  QualifiedName,
  Relationship,
} from './model.ts';
import { compareText } from './text-order.ts';
import type { ViewKeyDependency } from './view-keys.ts';

const sameName = (a: QualifiedName, b: QualifiedName) => a.schema === b.schema && a.name === b.name;
const swap = (pairs: readonly ColumnPair[]): ColumnPair[] => pairs.map(([a, b]) => [b, a] as const);

export interface RelationshipInputs {
  readonly foreignKeys: readonly ForeignKey[];
  readonly viewKeys: readonly ViewKeyDependency[];
  readonly computed: readonly ComputedRelationshipRow[];
  readonly exposed: readonly string[];
  /** Primary-key columns of exposed relations (views included), for junction detection. */
  readonly primaryKeyOf: (relation: QualifiedName) => readonly string[] | undefined;
}

/**
 * Derives every embeddable relationship the way PostgREST does: each foreign key as
 * many-to-one (one-to-one when its columns are a key) from its table, the same through views
 * that expose the key columns, many-to-many through junctions, the reverse of each, and
 * computed relationships (which take the place of a foreign-key relationship to the
 * relation of the same name). Only relationships between exposed relations are kept.
 */
export function deriveRelationships(inputs: RelationshipInputs): Relationship[] {
  const base = inputs.foreignKeys.map(toOneRelationship);
  const viewKeys = indexViewKeys(inputs.viewKeys);
  const withViews = [...base, ...base.flatMap((rel) => viewRelationships(rel, viewKeys))];
  const withJunctions = [...withViews, ...manyToMany(withViews, inputs.primaryKeyOf)];
  const all: Relationship[] = [...withJunctions, ...inverses(withJunctions)];

  const computed = inputs.computed.map(
    (row): ComputedRelationship => ({
      type: 'computed',
      function: { schema: row.functionSchema, name: row.functionName },
      table: { schema: row.tableSchema, name: row.tableName },
      foreignTable: { schema: row.foreignSchema, name: row.foreignName },
      isSelf: row.tableSchema === row.foreignSchema && row.tableName === row.foreignName,
      toOne: row.toOne,
    }),
  );
  const replaced = new Set(computed.map((c) => endsKey(c.table, c.function)));
  const exposed = new Set(inputs.exposed);
  return [...all.filter((rel) => !replaced.has(endsKey(rel.table, rel.foreignTable))), ...computed].filter(
    (rel) =>
      exposed.has(rel.table.schema) &&
      exposed.has(rel.foreignTable.schema) &&
      (rel.type !== 'many-to-many' || exposed.has(rel.junction.table.schema)),
  );
}

/** Identifiers cannot contain NUL, so it separates key parts unambiguously. */
const nameKey = (n: QualifiedName) => `${n.schema}\0${n.name}`;
const endsKey = (a: QualifiedName, b: QualifiedName) => `${nameKey(a)}\0${nameKey(b)}`;
const viewKeyKey = (type: string, constraint: string, table: QualifiedName) =>
  `${type}\0${constraint}\0${nameKey(table)}`;

type ViewKeyIndex = ReadonlyMap<string, readonly ViewKeyDependency[]>;

function indexViewKeys(viewKeys: readonly ViewKeyDependency[]): ViewKeyIndex {
  const index = new Map<string, ViewKeyDependency[]>();
  for (const k of viewKeys) {
    const key = viewKeyKey(k.type, k.constraint, k.table);
    const list = index.get(key);
    if (list) list.push(k);
    else index.set(key, [k]);
  }
  return index;
}

function toOneRelationship(fk: ForeignKey): ForeignKeyRelationship {
  return {
    type: 'foreign-key',
    cardinality: fk.oneToOne ? 'one-to-one' : 'many-to-one',
    table: fk.table,
    foreignTable: fk.referencedTable,
    isSelf: sameName(fk.table, fk.referencedTable),
    constraint: fk.name,
    columns: fk.columns.map((c, i) => [c, fk.referencedColumns[i] ?? ''] as const),
    isParent: false,
    tableIsView: false,
    foreignTableIsView: false,
    foreignKey: fk,
  };
}

/** Every choice of one view column per key column (a key column may be exposed twice). */
function expansions(columns: ViewKeyDependency['columns']): string[][] {
  let result: string[][] = [[]];
  for (const [, viewColumns] of columns) {
    result = result.flatMap((prefix) => viewColumns.map((v) => [...prefix, v]));
  }
  return result;
}

/** The base relationship seen from views over its table, to views over its target, or both. */
function viewRelationships(rel: ForeignKeyRelationship, viewKeys: ViewKeyIndex): ForeignKeyRelationship[] {
  const onKey = (table: QualifiedName, type: 'f' | 'f_ref') =>
    viewKeys.get(viewKeyKey(type, rel.constraint, table)) ?? [];
  const fromViews = onKey(rel.table, 'f');
  const toViews = onKey(rel.foreignTable, 'f_ref');
  const pairs = (origin: readonly string[], target: readonly string[]) =>
    origin.map((o, i) => [o, target[i] ?? ''] as const);
  const originColumns = rel.columns.map(([c]) => c);
  const targetColumns = rel.columns.map(([, c]) => c);

  const result: ForeignKeyRelationship[] = [];
  for (const from of fromViews) {
    for (const viewColumns of expansions(from.columns)) {
      result.push({
        ...rel,
        table: from.view,
        isSelf: false,
        columns: pairs(viewColumns, targetColumns),
        tableIsView: true,
      });
    }
  }
  for (const to of toViews) {
    for (const viewColumns of expansions(to.columns)) {
      result.push({
        ...rel,
        foreignTable: to.view,
        isSelf: false,
        columns: pairs(originColumns, viewColumns),
        foreignTableIsView: true,
      });
    }
  }
  for (const from of fromViews) {
    for (const fromColumns of expansions(from.columns)) {
      for (const to of toViews) {
        for (const toColumns of expansions(to.columns)) {
          result.push({
            ...rel,
            table: from.view,
            foreignTable: to.view,
            isSelf: sameName(from.view, to.view),
            columns: pairs(fromColumns, toColumns),
            tableIsView: true,
            foreignTableIsView: true,
          });
        }
      }
    }
  }
  return result;
}

/**
 * A junction has many-to-one relationships to both ends through two different constraints
 * whose columns all belong to its primary key (PostgREST looks at the primary key only).
 */
function manyToMany(
  rels: readonly ForeignKeyRelationship[],
  primaryKeyOf: RelationshipInputs['primaryKeyOf'],
): ManyToManyRelationship[] {
  const byJunction = new Map<string, ForeignKeyRelationship[]>();
  for (const rel of rels) {
    if (rel.cardinality !== 'many-to-one') continue;
    const key = nameKey(rel.table);
    const list = byJunction.get(key);
    if (list) list.push(rel);
    else byJunction.set(key, [rel]);
  }
  const result: ManyToManyRelationship[] = [];
  for (const candidates of byJunction.values()) {
    if (candidates.length < 2) continue;
    const pk = new Set(primaryKeyOf((candidates[0] as ForeignKeyRelationship).table) ?? []);
    const inKey = (rel: ForeignKeyRelationship) => rel.columns.every(([c]) => pk.has(c));
    const keyed = candidates.filter(inKey);
    for (const left of keyed) {
      for (const right of keyed) {
        if (left.constraint === right.constraint) continue;
        result.push({
          type: 'many-to-many',
          cardinality: 'many-to-many',
          table: left.foreignTable,
          foreignTable: right.foreignTable,
          isSelf: sameName(left.foreignTable, right.foreignTable),
          junction: {
            table: left.table,
            constraint1: left.constraint,
            constraint2: right.constraint,
            sourceColumns: swap(left.columns),
            targetColumns: swap(right.columns),
          },
          tableIsView: left.foreignTableIsView,
          foreignTableIsView: right.foreignTableIsView,
        });
      }
    }
  }
  return result;
}

/** many-to-one → one-to-many, one-to-one → one-to-one from the parent. */
function inverses(rels: readonly Relationship[]): ForeignKeyRelationship[] {
  const result: ForeignKeyRelationship[] = [];
  for (const rel of rels) {
    if (rel.type !== 'foreign-key' || rel.cardinality === 'one-to-many') continue;
    result.push({
      ...rel,
      cardinality: rel.cardinality === 'many-to-one' ? 'one-to-many' : 'one-to-one',
      table: rel.foreignTable,
      foreignTable: rel.table,
      columns: swap(rel.columns),
      isParent: rel.cardinality === 'one-to-one' ? !rel.isParent : false,
      tableIsView: rel.foreignTableIsView,
      foreignTableIsView: rel.tableIsView,
    });
  }
  return result;
}

const CARDINALITY_ORDER = { 'one-to-many': 0, 'many-to-one': 1, 'one-to-one': 2, 'many-to-many': 3 } as const;

const compareNames = (a: QualifiedName, b: QualifiedName) =>
  compareText(a.schema, b.schema) || compareText(a.name, b.name);

const comparePairs = (a: readonly ColumnPair[], b: readonly ColumnPair[]) => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as ColumnPair;
    const y = b[i] as ColumnPair;
    const c = compareText(x[0], y[0]) || compareText(x[1], y[1]);
    if (c) return c;
  }
  return a.length - b.length;
};

const compareBool = (a: boolean, b: boolean) => Number(a) - Number(b);

/**
 * PostgREST's (derived) ordering of relationships, which decides the order candidates are
 * listed in an ambiguity error: foreign-key based ones before computed ones, then by origin,
 * target, self-ness, cardinality (one-to-many, many-to-one, one-to-one, many-to-many) and
 * the cardinality's fields.
 */
export function compareRelationships(a: Relationship, b: Relationship): number {
  if (a.type === 'computed' || b.type === 'computed') {
    if (a.type !== 'computed') return -1;
    if (b.type !== 'computed') return 1;
    return (
      compareNames(a.function, b.function) ||
      compareNames(a.table, b.table) ||
      compareNames(a.foreignTable, b.foreignTable) ||
      compareBool(a.toOne, b.toOne) ||
      compareBool(a.isSelf, b.isSelf)
    );
  }
  const ends =
    compareNames(a.table, b.table) ||
    compareNames(a.foreignTable, b.foreignTable) ||
    compareBool(a.isSelf, b.isSelf) ||
    CARDINALITY_ORDER[a.cardinality] - CARDINALITY_ORDER[b.cardinality];
  if (ends) return ends;
  let fields = 0;
  if (a.type === 'foreign-key' && b.type === 'foreign-key') {
    fields =
      compareText(a.constraint, b.constraint) ||
      comparePairs(a.columns, b.columns) ||
      compareBool(a.isParent, b.isParent);
  } else if (a.type === 'many-to-many' && b.type === 'many-to-many') {
    const x = a.junction;
    const y = b.junction;
    fields =
      compareNames(x.table, y.table) ||
      compareText(x.constraint1, y.constraint1) ||
      compareText(x.constraint2, y.constraint2) ||
      comparePairs(x.sourceColumns, y.sourceColumns) ||
      comparePairs(x.targetColumns, y.targetColumns);
  }
  return (
    fields ||
    compareBool(a.tableIsView, b.tableIsView) ||
    compareBool(a.foreignTableIsView, b.foreignTableIsView)
  );
}
