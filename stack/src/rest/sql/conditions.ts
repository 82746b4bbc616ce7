import type { Condition, Field, Filter } from '../ast.ts';
import { PostgrestError } from '../errors.ts';
import type { Column, Relation } from '../schema-cache/index.ts';
import { ident, type Params } from './params.ts';

/** Where a condition is evaluated: a relation under a SQL alias. */
export interface ConditionScope {
  readonly relation: Relation;
  /** The alias the relation has in the FROM clause (already an identifier we chose). */
  readonly alias: string;
  readonly params: Params;
  /**
   * The name PostgreSQL's messages would give the relation (42703 "column x.y does not exist"):
   * PostgREST aliases an embedded table `<table>_<depth>`, so errors read that way. Defaults to
   * the relation's name.
   */
  readonly label?: string;
}

/** `"alias"."col"` for a column of the scope's relation; unknown columns are PostgreSQL's 42703. */
function columnRef(scope: ConditionScope, name: string): { sql: string; column: Column } {
  const column = scope.relation.columns.find((c) => c.name === name);
  if (!column) {
    throw new PostgrestError(
      400,
      '42703',
      `column ${scope.label ?? scope.relation.name}.${name} does not exist`,
    );
  }
  return { sql: `${ident(scope.alias)}.${ident(column.name)}`, column };
}

/** A field with its JSON path: keys are parameters, array indexes integers. */
export function fieldRef(scope: ConditionScope, field: Field): { sql: string; column: Column } {
  const base = columnRef(scope, field.name);
  let sql = base.sql;
  for (const step of field.path) {
    const key =
      typeof step.key === 'number' ? String(Math.trunc(step.key)) : scope.params.typed(step.key, 'text');
    sql = `${sql}${step.arrow}${key}`;
  }
  return { sql, column: base.column };
}

const COMPARISON: Partial<Record<Filter['operator'], string>> = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  like: 'like',
  ilike: 'ilike',
  match: '~',
  imatch: '~*',
  cs: '@>',
  cd: '<@',
  ov: '&&',
  sl: '<<',
  sr: '>>',
  nxr: '&<',
  nxl: '&>',
  adj: '-|-',
};

const TEXT_SEARCH: Partial<Record<Filter['operator'], string>> = {
  fts: 'to_tsquery',
  plfts: 'plainto_tsquery',
  phfts: 'phraseto_tsquery',
  wfts: 'websearch_to_tsquery',
};

const IS_VALUES: Record<string, string> = {
  null: 'is null',
  not_null: 'is not null',
  true: 'is true',
  false: 'is false',
  unknown: 'is unknown',
};

/** PostgREST's `*` wildcard in like patterns. */
const likePattern = (value: string) => value.replaceAll('*', '%');

/** `{"a","b"}`: a list as one array literal, so PostgreSQL casts it to the column's array type. */
function arrayLiteral(items: readonly string[]): string {
  return `{${items.map((item) => `"${item.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

function asList(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}

function asText(value: string | readonly string[]): string {
  return typeof value === 'string' ? value : value.join(',');
}

export function filterSql(scope: ConditionScope, filter: Filter): string {
  const { sql: field, column } = fieldRef(scope, filter.field);
  const { params } = scope;
  const isLike = filter.operator === 'like' || filter.operator === 'ilike';
  let expression: string;

  if (filter.operator === 'is') {
    const clause = IS_VALUES[asText(filter.value).toLowerCase()];
    if (!clause)
      throw new PostgrestError(400, 'PGRST100', `failed to parse filter (is.${asText(filter.value)})`);
    expression = `${field} ${clause}`;
  } else if (filter.operator === 'isdistinct') {
    expression = `${field} is distinct from ${params.add(asText(filter.value))}`;
  } else if (filter.operator === 'in') {
    const items = asList(filter.value);
    expression = items.length === 0 ? 'false' : `${field} in (${items.map((v) => params.add(v)).join(', ')})`;
  } else if (TEXT_SEARCH[filter.operator]) {
    const fn = TEXT_SEARCH[filter.operator] as string;
    const language = filter.language ? `${params.typed(filter.language, 'regconfig')}, ` : '';
    const document =
      column.type.name === 'tsvector' && filter.field.path.length === 0
        ? field
        : `to_tsvector(${language}${field})`;
    expression = `${document} @@ ${fn}(${language}${params.typed(asText(filter.value), 'text')})`;
  } else {
    const operator = COMPARISON[filter.operator];
    if (!operator) throw new PostgrestError(400, 'PGRST100', `unknown operator ${filter.operator}`);
    if (filter.quantifier) {
      const items = asList(filter.value).map((v) => (isLike ? likePattern(v) : v));
      expression = `${field} ${operator} ${filter.quantifier}(${params.add(arrayLiteral(items))})`;
    } else {
      const value = asText(filter.value);
      expression = `${field} ${operator} ${params.add(isLike ? likePattern(value) : value)}`;
    }
  }
  return filter.negated ? `not (${expression})` : expression;
}

/** Conditions ANDed, as repeated query parameters are. */
export function conditionsSql(scope: ConditionScope, conditions: readonly Condition[]): string | undefined {
  if (conditions.length === 0) return undefined;
  return conditions.map((c) => conditionSql(scope, c)).join(' and ');
}

/**
 * A condition as SQL. `filter` may take over leaves that are not column filters (presence tests
 * on embeds, `or=(rel.not.is.null,…)`); it answers undefined for the ones it leaves alone.
 */
export function conditionSql(
  scope: ConditionScope,
  condition: Condition,
  filter?: (leaf: Filter) => string | undefined,
): string {
  if (condition.type === 'filter') return filter?.(condition) ?? filterSql(scope, condition);
  const parts = condition.children.map((child) => conditionSql(scope, child, filter));
  const joined =
    parts.length === 0
      ? condition.operator === 'and'
        ? 'true'
        : 'false'
      : parts.join(` ${condition.operator} `);
  return condition.negated ? `not (${joined})` : `(${joined})`;
}
