import { pColumns } from './lexical.ts';
import { parseParam } from './parse-error.ts';

/**
 * `columns=` of inserts and upserts. postgrest-js quotes every name (`"a","b"`); bare names and
 * spaces around commas are accepted too. Duplicates are dropped (PostgREST keeps a set).
 *
 * @example parseColumns('"id","my col"') // ['id', 'my col']
 */
export function parseColumns(text: string): string[] {
  return [...new Set(parseParam(pColumns, `failed to parse columns parameter (${text})`, text))];
}

/**
 * `on_conflict=` of upserts: the columns of the unique constraint to resolve conflicts on.
 *
 * @example parseOnConflict('room_id,user_id') // ['room_id', 'user_id']
 */
export function parseOnConflict(text: string): string[] {
  return parseParam(pColumns, `failed to parse on_conflict parameter (${text})`, text);
}
