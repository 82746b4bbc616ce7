import { PostgrestError } from '../errors.ts';
import { type FuzzySet, fuzzyBest, fuzzySet } from './fuzzy.ts';
import type { Column, Relation, SchemaCache } from './model.ts';

/** PostgREST builds no fuzzy index for schemas this large (it would cost too much memory). */
const MAX_RELATIONS_FOR_HINTS = 500;
/** Table and function name hints need this similarity (parameter hints do not). */
export const NAME_HINT_SCORE = 0.75;

const tableIndexes = new WeakMap<SchemaCache, Map<string, FuzzySet | null>>();

function tableIndex(cache: SchemaCache, schema: string): FuzzySet | null {
  let bySchema = tableIndexes.get(cache);
  if (!bySchema) {
    bySchema = new Map();
    tableIndexes.set(cache, bySchema);
  }
  let index = bySchema.get(schema);
  if (index === undefined) {
    const names = Object.keys(cache.relations[schema] ?? {});
    index = names.length > 0 && names.length < MAX_RELATIONS_FOR_HINTS ? fuzzySet(names) : null;
    bySchema.set(schema, index);
  }
  return index;
}

/**
 * The table, view, materialized view or foreign table `schema.name`, or PGRST205 (404) with
 * a hint naming the closest relation of that schema.
 *
 * @example
 * findRelation(cache, 'public', 'post');
 * // throws { code: 'PGRST205', message: "Could not find the table 'public.post' in the schema cache",
 * //          hint: "Perhaps you meant the table 'public.posts'" }
 */
export function findRelation(cache: SchemaCache, schema: string, name: string): Relation {
  const relation = cache.relations[schema]?.[name];
  if (relation) return relation;
  const index = tableIndex(cache, schema);
  const suggestion = index ? fuzzyBest(index, name, NAME_HINT_SCORE) : undefined;
  throw new PostgrestError(
    404,
    'PGRST205',
    `Could not find the table '${schema}.${name}' in the schema cache`,
    {
      hint: suggestion === undefined ? null : `Perhaps you meant the table '${schema}.${suggestion}'`,
    },
  );
}

/**
 * A column of `relation`, or PGRST204 (400) as PostgREST answers for an unknown column in an
 * insert or update payload or `columns=`.
 */
export function findColumn(relation: Relation, name: string): Column {
  const column = relation.columns.find((c) => c.name === name);
  if (column) return column;
  throw new PostgrestError(
    400,
    'PGRST204',
    `Could not find the '${name}' column of '${relation.name}' in the schema cache`,
  );
}
