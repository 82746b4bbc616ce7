/**
 * PostgREST's query-string and Prefer-header grammar, parsed into the request AST (../ast.ts).
 * Pure: no schema, no database. Errors are PostgrestErrors worded like PostgREST's.
 */
export { parseArrayLiteral } from './array-literal.ts';
export { parseColumns, parseOnConflict } from './columns.ts';
export { finishFilter, parseFilter, parseTreePath } from './filter.ts';
export { embedPage, type Page, type RawPage, readInteger, rootPage } from './limit-offset.ts';
export { parseLogicTree } from './logic.ts';
export { parseOrder } from './order.ts';
export { MAX_NESTING } from './parsec.ts';
export { assertPreferencesHandled, parsePreferences } from './prefer.ts';
export { type ParseQueryOptions, parseQuery } from './query.ts';
export { parseSelect } from './select.ts';
