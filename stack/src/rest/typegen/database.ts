import type { Column, Relation } from '../schema-cache/model.ts';
import { computedFields, functionSignatures, groupOverloads, listedFunctions } from './functions.ts';
import { columnFormat, pgTypeToTs, typeById } from './pg-to-ts.ts';
import { byName, type GenerationScope } from './scope.ts';
import {
  booleanLiteral,
  expandedObject,
  type Member,
  member,
  NEVER,
  nothing,
  nullable,
  stringLiteral,
  type TsType,
  tuple,
  union,
} from './ts-type.ts';

export interface DatabaseOptions {
  /** `isOneToOne` in Relationships (the Supabase CLI asks for it unless in PostgREST v9 mode). */
  readonly detectOneToOneRelationships: boolean;
  readonly postgrestVersion?: string | undefined;
}

const section = (members: readonly Member[]) => (members.length === 0 ? nothing : expandedObject(members));

function columnType(
  scope: GenerationScope,
  schema: string,
  column: Column,
  isNullable = column.nullable,
): TsType {
  return nullable(pgTypeToTs(schema, columnFormat(column.type), scope), isNullable);
}

/**
 * A relation's foreign keys as postgres-meta lists them: those it owns (directly or as a view
 * exposing the key columns) that point into its own schema, ordered by constraint name, target
 * and target columns.
 */
function relationships(scope: GenerationScope, relation: Relation, options: DatabaseOptions): TsType {
  const rels = (scope.cache.relationships[relation.schema]?.[relation.name] ?? [])
    .flatMap((rel) =>
      rel.type === 'foreign-key' &&
      (rel.cardinality === 'many-to-one' || (rel.cardinality === 'one-to-one' && !rel.isParent)) &&
      rel.foreignTable.schema === relation.schema
        ? [rel]
        : [],
    )
    .map((rel) => ({
      name: rel.constraint,
      columns: rel.columns.map(([c]) => c),
      oneToOne: rel.foreignKey.oneToOneOrdered,
      target: rel.foreignTable.name,
      targetColumns: rel.columns.map(([, c]) => c),
    }))
    .sort(
      (a, b) =>
        a.name.localeCompare(b.name) ||
        a.target.localeCompare(b.target) ||
        JSON.stringify(a.targetColumns).localeCompare(JSON.stringify(b.targetColumns)),
    );
  return tuple(
    rels.map((rel) =>
      expandedObject([
        member('foreignKeyName', stringLiteral(rel.name)),
        member('columns', tuple(rel.columns.map(stringLiteral))),
        ...(options.detectOneToOneRelationships ? [member('isOneToOne', booleanLiteral(rel.oneToOne))] : []),
        member('referencedRelation', stringLiteral(rel.target)),
        member('referencedColumns', tuple(rel.targetColumns.map(stringLiteral))),
      ]),
    ),
  );
}

function tableEntry(
  scope: GenerationScope,
  table: Relation,
  functions: ReturnType<typeof listedFunctions>,
  options: DatabaseOptions,
): Member {
  const { schema } = table;
  const columns = scope.columnsOf(table);
  const row = [
    ...columns.map((c) => member(c.name, columnType(scope, schema, c))),
    ...computedFields(scope, schema, table.name, functions),
  ];
  const write = (optional: (c: Column) => boolean) =>
    columns.map((c) =>
      c.identity === 'always'
        ? member(c.name, NEVER, true)
        : member(c.name, columnType(scope, schema, c), optional(c)),
    );
  return member(
    table.name,
    expandedObject([
      member('Row', expandedObject(row)),
      member(
        'Insert',
        expandedObject(write((c) => c.nullable || c.identity !== null || c.defaultExpression !== null)),
      ),
      member('Update', expandedObject(write(() => true))),
      member('Relationships', relationships(scope, table, options)),
    ]),
  );
}

function viewEntry(
  scope: GenerationScope,
  view: Relation,
  functions: ReturnType<typeof listedFunctions>,
  options: DatabaseOptions,
): Member {
  const { schema } = view;
  const columns = scope.columnsOf(view);
  const row = [
    ...columns.map((c) => member(c.name, columnType(scope, schema, c))),
    ...computedFields(scope, schema, view.name, functions),
  ];
  // Every column of an updatable view is optional and nullable; the others cannot be written.
  const write = () =>
    expandedObject(
      columns.map((c) =>
        c.updatable ? member(c.name, columnType(scope, schema, c, true), true) : member(c.name, NEVER, true),
      ),
    );
  const updatable = view.kind === 'view' && view.autoUpdatable;
  return member(
    view.name,
    expandedObject([
      member('Row', expandedObject(row)),
      ...(updatable ? [member('Insert', write()), member('Update', write())] : []),
      member('Relationships', relationships(scope, view, options)),
    ]),
  );
}

function schemaType(scope: GenerationScope, schema: string, options: DatabaseOptions): TsType {
  const functions = listedFunctions(scope, schema);
  const tables = scope.tablesOf(schema).map((t) => tableEntry(scope, t, functions, options));
  const views = scope.viewsOf(schema).map((v) => viewEntry(scope, v, functions, options));
  const overloads = groupOverloads(functions).map(([fnName, fns]) =>
    member(fnName, union(functionSignatures(scope, schema, fns))),
  );
  const enums = scope.enums
    .filter((e) => e.schema === schema)
    .sort(byName)
    .map((e) => member(e.name, union(e.labels.map(stringLiteral))));
  const composites = scope.composites
    .filter((c) => c.schema === schema)
    .sort(byName)
    .map((c) =>
      member(
        c.name,
        expandedObject(
          c.attributes.map((a) => member(a.name, nullable(typeById(schema, a.type, scope), true))),
        ),
      ),
    );
  return expandedObject([
    member('Tables', section(tables)),
    member('Views', section(views)),
    member('Functions', section(overloads)),
    member('Enums', section(enums)),
    member('CompositeTypes', section(composites)),
  ]);
}

/** The `Database` type: one member per schema (sorted), after PostgREST's version if given. */
export function databaseType(
  scope: GenerationScope,
  schemas: readonly string[],
  options: DatabaseOptions,
): TsType {
  const members: Member[] = [];
  if (options.postgrestVersion) {
    members.push({
      key: '__InternalSupabase',
      optional: false,
      type: expandedObject([member('PostgrestVersion', stringLiteral(options.postgrestVersion))]),
      comments: [
        '// Allows to automatically instantiate createClient with right options',
        "// instead of createClient<Database, { PostgrestVersion: 'XX' }>(URL, KEY)",
      ],
    });
  }
  for (const schema of schemas) members.push(member(schema, schemaType(scope, schema, options)));
  return expandedObject(members);
}
