import type { SchemaCache } from '../schema-cache/model.ts';
import { databaseType } from './database.ts';
import { type Doc, group, ifBreak, indent, join, line, printDoc, softline } from './doc.ts';
import { HELPER_TYPES } from './helper-types.ts';
import { printType, propertyKey, quote } from './print-type.ts';
import { generationScope } from './scope.ts';

export interface GenerateTypesOptions {
  /**
   * Schemas to describe; default: every schema of the cache. Each must be one the cache was
   * loaded with (others are left out, as `supabase gen types` leaves out missing schemas).
   */
  readonly schemas?: readonly string[];
  /** Adds `__InternalSupabase: { PostgrestVersion }` (what `--project-id` output carries). */
  readonly postgrestVersion?: string;
  /** `isOneToOne` in Relationships; default true, as the CLI asks unless `--postgrest-v9-compat`. */
  readonly detectOneToOneRelationships?: boolean;
}

const JSON_TYPE = `export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]`;

/** `export const Constants = { schema: { Enums: { name: [labels] } } } as const`. */
function constants(cache: SchemaCache, schemas: readonly string[]): Doc {
  const object = (entries: readonly Doc[]): Doc =>
    entries.length === 0
      ? '{}'
      : group(['{', indent([line, join([',', line], entries)]), ifBreak(','), line, '}'], true);
  const array = (items: readonly string[]): Doc =>
    items.length === 0
      ? '[]'
      : group(['[', indent([softline, join([',', line], items.map(quote))]), ifBreak(','), softline, ']']);
  const bySchema = schemas.map((schema) => {
    const enums = cache.enums
      .filter((e) => e.schema === schema && e.labels.length > 0)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((e) => [propertyKey(e.name), ': ', array(e.labels)]);
    return [propertyKey(schema), ': ', object([['Enums: ', object(enums)]])];
  });
  return ['export const Constants = ', object(bySchema), ' as const'];
}

/**
 * The TypeScript definitions `supabase gen types typescript --local` prints for these
 * schemas (postgres-meta's template, laid out as its Prettier pass lays it out), ending in a
 * newline. The CLI prints it with `console.log`, which adds one more.
 *
 * @example
 * const cache = await loadSchemaCache(sql, ['public']);
 * process.stdout.write(`${generateTypes(cache)}\n`);
 */
export function generateTypes(cache: SchemaCache, options: GenerateTypesOptions = {}): string {
  const schemas = (options.schemas ?? cache.schemas)
    .filter((s, i, all) => cache.schemas.includes(s) && !s.startsWith('pg_') && all.indexOf(s) === i)
    .sort((a, b) => a.localeCompare(b));
  const scope = generationScope(cache, schemas);
  const database = databaseType(scope, schemas, {
    detectOneToOneRelationships: options.detectOneToOneRelationships ?? true,
    postgrestVersion: options.postgrestVersion,
  });
  return [
    JSON_TYPE,
    printDoc(['export type Database = ', printType(database)]),
    HELPER_TYPES.trimEnd(),
    printDoc(constants(cache, schemas)),
  ]
    .join('\n\n')
    .concat('\n');
}
