/**
 * One `config.postgres_changes[i]` binding → subscription parameters (realtime.md §5.1), with
 * the reference server's error messages word for word. The filter grammar is PostgREST-style:
 *
 *   filter    := condition ( "," condition )*        -- commas outside quotes/parentheses; AND
 *   condition := column "=" [ "not." ] op "." value
 */
import { type ElixirTerm, fromJson, inspect } from './elixir-inspect.ts';

export type ActionFilter = '*' | 'INSERT' | 'UPDATE' | 'DELETE';

export const FILTER_OPS = [
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'in',
  'like',
  'ilike',
  'is',
  'match',
  'imatch',
  'isdistinct',
] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export interface FilterSpec {
  readonly column: string;
  readonly op: FilterOp;
  /** Unquoted scalar; for `in` the Postgres array literal `{a,b}` built from `(a,b)`. */
  readonly value: string;
  readonly negate: boolean;
}

export interface SubscriptionParams {
  readonly action: ActionFilter;
  /** `*` for any schema. */
  readonly schema: string;
  /** `*` for any table. */
  readonly table: string;
  readonly filters: readonly FilterSpec[];
  /** Columns to send besides the primary key; null for all. */
  readonly select: readonly string[] | null;
}

export type ParseResult =
  | { readonly ok: true; readonly params: SubscriptionParams }
  | { readonly ok: false; readonly message: string };

const NO_PARAMS =
  'No subscription params provided. Please provide at least a `schema` or `table` to subscribe to: ';
const SELECT_NOT_A_LIST =
  'Error parsing `select` params: expected a list of column name strings, e.g. select: ["col1", "col2"]';
const SELECT_ON_WILDCARD =
  'Column selection is not supported for wildcard subscriptions. Provide an explicit schema and table name.';

export function parseSubscriptionParams(binding: unknown): ParseResult {
  const params: Record<string, unknown> =
    typeof binding === 'object' && binding !== null && !Array.isArray(binding)
      ? (binding as Record<string, unknown>)
      : {};
  const has = (key: string) => Object.hasOwn(params, key);
  const isString = (key: string) => typeof params[key] === 'string';

  const action = actionFilter(params.event);
  let select: readonly string[] | null = null;
  if (Array.isArray(params.select)) {
    const names = params.select.filter((name): name is string => typeof name === 'string');
    select = names.length > 0 ? names : null;
  } else if (typeof params.select === 'string') {
    return { ok: false, message: SELECT_NOT_A_LIST };
  }

  let schema: string;
  let table: string;
  let filters: readonly FilterSpec[] = [];
  if (isString('schema') && isString('table') && isString('filter')) {
    const parsed = parseFilters(params.filter as string);
    if (!parsed.ok) return { ok: false, message: `Error parsing \`filter\` params: ${parsed.message}` };
    [schema, table, filters] = [params.schema as string, params.table as string, parsed.filters];
  } else if (isString('schema') && isString('table') && !has('filter')) {
    [schema, table] = [params.schema as string, params.table as string];
  } else if (isString('schema') && !has('table') && !has('filter')) {
    [schema, table] = [params.schema as string, '*'];
  } else if (isString('table') && !has('schema') && !has('filter')) {
    [schema, table] = ['public', params.table as string];
  } else if (has('user_token') || has('auth_token')) {
    return { ok: false, message: `${NO_PARAMS}<redacted>` };
  } else {
    return { ok: false, message: NO_PARAMS + inspect(fromJson(binding)) };
  }

  if (select && (schema === '*' || table === '*')) return { ok: false, message: SELECT_ON_WILDCARD };
  return { ok: true, params: { action, schema, table, filters, select } };
}

/** The bracketed parameter list of the "Unable to subscribe ..." messages. */
export function describeParams(params: SubscriptionParams): string {
  const filters: ElixirTerm = params.filters.map((f) => ({ tuple: [f.column, f.op, f.value, f.negate] }));
  return [
    `event: ${params.action}`,
    `schema: ${params.schema}`,
    `table: ${params.table}`,
    `filters: ${inspect(filters, { pretty: true })}`,
    `select: ${inspect(params.select, { pretty: true })}`,
  ].join(', ');
}

function actionFilter(event: unknown): ActionFilter {
  if (typeof event !== 'string') return '*';
  const upper = event.toUpperCase();
  return upper === 'INSERT' || upper === 'UPDATE' || upper === 'DELETE' ? upper : '*';
}

type FiltersResult =
  | { readonly ok: true; readonly filters: FilterSpec[] }
  | { readonly ok: false; readonly message: string };

export function parseFilters(filter: string): FiltersResult {
  const trimmed = trimWhitespace(filter);
  if (trimmed === '') return { ok: true, filters: [] };
  const filters: FilterSpec[] = [];
  for (const segment of splitTopLevel(trimmed)) {
    const parsed = parseSegment(segment);
    if (!parsed.ok) return parsed;
    filters.push(parsed.filter);
  }
  return { ok: true, filters };
}

/** Splits on commas outside double quotes and parentheses; a quote opens only after `.`, `(`, `,`. */
function splitTopLevel(filter: string): string[] {
  const segments: string[] = [];
  let current = '';
  let depth = 0;
  let quoted = false;
  let previous = '';
  for (let i = 0; i < filter.length; i++) {
    const char = filter[i] as string;
    if (quoted) {
      if (char === '\\' && i + 1 < filter.length) {
        current += char + filter[++i];
        previous = filter[i] as string;
      } else {
        if (char === '"') quoted = false;
        current += char;
        previous = char;
      }
      continue;
    }
    if (char === '"' && (previous === '.' || previous === '(' || previous === ',')) quoted = true;
    else if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (char === ',' && depth === 0) {
      segments.push(current);
      current = '';
      previous = '';
      continue;
    }
    current += char;
    previous = char;
  }
  segments.push(current);
  return segments;
}

type SegmentResult =
  | { readonly ok: true; readonly filter: FilterSpec }
  | { readonly ok: false; readonly message: string };

function parseSegment(segment: string): SegmentResult {
  const trimmed = trimWhitespace(segment);
  if (trimmed === '') {
    return { ok: false, message: 'filter must not contain empty segments (check for extra commas)' };
  }
  const [column, rest] = splitOnce(trimmed, '=');
  if (rest === undefined) return { ok: false, message: inspect([column]) };
  const negate = rest.startsWith('not.');
  const opValue = negate ? rest.slice(4) : rest;
  const [op, value] = splitOnce(opValue, '.');
  if (value === undefined) return { ok: false, message: inspect([op]) };
  if (!(FILTER_OPS as readonly string[]).includes(op)) return { ok: false, message: inspect([op, value]) };
  if (op === 'in') {
    if (value.length < 2 || !value.startsWith('(') || !value.endsWith(')')) {
      return { ok: false, message: '`in` filter value must be wrapped by parentheses' };
    }
    return { ok: true, filter: { column, op, value: `{${value.slice(1, -1)}}`, negate } };
  }
  return { ok: true, filter: { column, op: op as FilterOp, value: unquote(value), negate } };
}

/** `"a,b"` → `a,b`, with `\x` → `x`; anything not exactly one quoted token stays as written. */
function unquote(value: string): string {
  if (!value.startsWith('"')) return value;
  let out = '';
  for (let i = 1; i < value.length; i++) {
    const char = value[i] as string;
    if (char === '"') return i === value.length - 1 ? out : value;
    if (char === '\\' && i + 1 < value.length) out += value[++i];
    else out += char;
  }
  return value;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

/** Unicode White_Space, what Elixir's String.trim/1 strips (JS trim differs on U+0085, U+FEFF). */
const WHITESPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

function trimWhitespace(text: string): string {
  return text.replace(WHITESPACE, '');
}
