/**
 * PostgREST's schema cache: what `/rest/v1` resolves every table, column, embed and function
 * name of a request against, and what `gen types` prints.
 */
export { type FunctionCall, findFunction } from './find-function.ts';
export { findColumn, findRelation } from './find-relation.ts';
export {
  AmbiguousRelationshipError,
  describeCandidate,
  type EmbeddingCandidate,
  findRelationship,
  findRelationships,
} from './find-relationship.ts';
export { type LoadSchemaCacheOptions, loadSchemaCache, SchemaCacheLoadError } from './load.ts';
export type * from './model.ts';
