import { PostgrestError } from '../errors.ts';
import { fuzzyBest, fuzzyMatches, fuzzySet } from './fuzzy.ts';
import type { ColumnPair, QualifiedName, Relationship, SchemaCache } from './model.ts';

/** Relationships from `origin` to relations of its own schema (PostgREST embeds within one schema). */
function relationshipsFrom(cache: SchemaCache, origin: QualifiedName): readonly Relationship[] {
  return (cache.relationships[origin.schema]?.[origin.name] ?? []).filter(
    (r) => r.foreignTable.schema === origin.schema,
  );
}

const singleColumn = (rel: Relationship, side: 0 | 1): string | undefined =>
  rel.type === 'foreign-key' && rel.columns.length === 1 ? (rel.columns[0] as ColumnPair)[side] : undefined;

/**
 * The relationships `origin?select=target!hint(...)` can mean, by PostgREST's rules: the
 * target names the related relation, or (without a hint, and not for views) a constraint or a
 * single foreign-key column of the origin; a hint names a constraint, a column of either
 * side, or a many-to-many junction. A self-referencing key reads `target` as the table for the
 * children (one-to-many) and as the column for the parent (many-to-one). A computed
 * relationship matches by function name. More than one candidate is an ambiguity.
 */
export function findRelationships(
  cache: SchemaCache,
  origin: QualifiedName,
  target: string,
  hint?: string,
): readonly Relationship[] {
  return relationshipsFrom(cache, origin).filter((rel) => {
    if (rel.type === 'computed') return rel.function.name === target;
    const toTable = rel.foreignTable.name === target;
    if (rel.isSelf) {
      if (hint === undefined) {
        return (
          (toTable && rel.cardinality === 'one-to-many') ||
          (singleColumn(rel, 0) === target && rel.cardinality === 'many-to-one')
        );
      }
      return toTable && rel.cardinality === 'one-to-many' && singleColumn(rel, 1) === hint;
    }
    if (hint === undefined) {
      const viaKey =
        rel.type === 'foreign-key' &&
        !rel.foreignTableIsView &&
        (rel.constraint === target || singleColumn(rel, 0) === target);
      return toTable || viaKey;
    }
    return (
      toTable &&
      (rel.type === 'many-to-many'
        ? rel.junction.table.name === hint
        : rel.constraint === hint || singleColumn(rel, 0) === hint || singleColumn(rel, 1) === hint)
    );
  });
}

/**
 * The one relationship an embed means, or PostgREST's PGRST200 (400, none; with a "Perhaps
 * you meant" hint for a misspelled origin or target) or PGRST201 (300, several; listing them
 * in `details` and the `target!hint` spellings that pick one).
 *
 * @example
 * findRelationship(cache, { schema: 'public', name: 'posts' }, 'authors');
 */
export function findRelationship(
  cache: SchemaCache,
  origin: QualifiedName,
  target: string,
  hint?: string,
): Relationship {
  const candidates = findRelationships(cache, origin, target, hint);
  if (candidates.length === 1) return candidates[0] as Relationship;
  if (candidates.length === 0) throw noRelationshipError(cache, origin, target, hint);
  throw new AmbiguousRelationshipError(origin.name, target, candidates);
}

function noRelationshipError(
  cache: SchemaCache,
  origin: QualifiedName,
  target: string,
  hint: string | undefined,
): PostgrestError {
  const { schema, name } = origin;
  const using = hint === undefined ? '' : `' using the hint '${hint}`;
  return new PostgrestError(
    400,
    'PGRST200',
    `Could not find a relationship between '${name}' and '${target}' in the schema cache`,
    {
      details: `Searched for a foreign key relationship between '${name}' and '${target}${using}' in the schema '${schema}', but no matches were found.`,
      hint: noRelationshipHint(cache, origin, target),
    },
  );
}

/**
 * A misspelled origin is suggested from the relations that have relationships into the
 * schema; a misspelled target from the origin's related relations. No hint when both exist
 * (then the embed hint was the problem).
 */
function noRelationshipHint(cache: SchemaCache, origin: QualifiedName, target: string): string | null {
  const fromOrigin = relationshipsFrom(cache, origin);
  if (fromOrigin.length > 0) {
    const related = fuzzySet(fromOrigin.map((r) => r.foreignTable.name));
    const suggestion = fuzzyMatches(related, target).find((m) => m.score < 1)?.value;
    return suggestion === undefined ? null : `Perhaps you meant '${suggestion}' instead of '${target}'.`;
  }
  const origins: string[] = [];
  for (const byName of Object.values(cache.relationships)) {
    for (const [name, rels] of Object.entries(byName)) {
      if (rels.some((r) => r.foreignTable.schema === origin.schema)) origins.push(name);
    }
  }
  const suggestion = fuzzyBest(fuzzySet(origins), origin.name);
  return suggestion === undefined ? null : `Perhaps you meant '${suggestion}' instead of '${origin.name}'.`;
}

/** One candidate of an ambiguous embed, as PostgREST lists it in `details`. */
export interface EmbeddingCandidate {
  readonly cardinality: 'one-to-many' | 'many-to-one' | 'one-to-one' | 'many-to-many';
  readonly embedding: string;
  readonly relationship: string;
}

const list = (columns: readonly string[]) => `(${columns.join(', ')})`;

export function describeCandidate(rel: Relationship): EmbeddingCandidate {
  const embedding = `${rel.table.name} with ${rel.foreignTable.name}`;
  switch (rel.type) {
    case 'many-to-many': {
      const { table, constraint1, constraint2, sourceColumns, targetColumns } = rel.junction;
      const junctionColumns = (pairs: readonly ColumnPair[]) => list(pairs.map(([, c]) => c));
      return {
        cardinality: 'many-to-many',
        embedding,
        relationship: `${table.name} using ${constraint1}${junctionColumns(sourceColumns)} and ${constraint2}${junctionColumns(targetColumns)}`,
      };
    }
    case 'foreign-key':
      return {
        cardinality: rel.cardinality,
        embedding,
        relationship: `${rel.constraint} using ${rel.table.name}${list(rel.columns.map(([c]) => c))} and ${rel.foreignTable.name}${list(rel.columns.map(([, c]) => c))}`,
      };
    case 'computed':
      // PostgREST cannot find two computed relationships of one name; it prints `{}`.
      return {
        cardinality: rel.toOne ? 'many-to-one' : 'one-to-many',
        embedding,
        relationship: rel.function.name,
      };
  }
}

/**
 * PGRST201. Its `details` is a JSON array, which `PostgrestError.details` (a string) cannot
 * hold: `details` carries the array's JSON text and `toJSON()` puts the array itself on the wire.
 */
export class AmbiguousRelationshipError extends PostgrestError {
  readonly candidates: readonly EmbeddingCandidate[];

  constructor(origin: string, target: string, relationships: readonly Relationship[]) {
    const candidates = relationships.map(describeCandidate);
    const spellings = relationships.map((r) => {
      const disambiguator =
        r.type === 'many-to-many' ? r.junction.table.name : r.type === 'foreign-key' ? r.constraint : '';
      return `'${r.foreignTable.name}!${disambiguator}'`;
    });
    super(
      300,
      'PGRST201',
      `Could not embed because more than one relationship was found for '${origin}' and '${target}'`,
      {
        details: JSON.stringify(candidates),
        hint: `Try changing '${target}' to one of the following: ${spellings.join(', ')}. Find the desired relationship in the 'details' key.`,
      },
    );
    this.candidates = candidates;
  }

  override toJSON(): ReturnType<PostgrestError['toJSON']> {
    // The wire shape differs from the declared one only in `details` being an array.
    return { ...super.toJSON(), details: this.candidates } as unknown as ReturnType<PostgrestError['toJSON']>;
  }
}
