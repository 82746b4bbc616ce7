/**
 * Filter evaluation with SQL semantics (realtime.md §5.3 rule 4). Like the reference, a
 * condition compares the row's value and the filter value, both cast to the column's type,
 * with three-valued logic: NULL compares as unknown, and unknown does not pass (`not.` of
 * unknown is unknown). For types where JavaScript gives exactly Postgres's answer (integers,
 * booleans, uuids; text equality) that happens here; everything else goes to Postgres.
 */
import type { Sql } from 'postgres';
import type { TypeInfo } from './catalog.ts';
import type { FilterOp, FilterSpec } from './params.ts';

/** SQL three-valued logic: true, false, or null for unknown. */
export type Tri = boolean | null;

export interface CompiledFilter {
  readonly spec: FilterSpec;
  /** Exact JS evaluation of the row value (its text, or null for SQL NULL), when possible. */
  readonly local?: (value: string | null) => Tri;
  /** Otherwise the statement shape Postgres evaluates it with. */
  readonly shape?: SqlShape;
}

export interface SqlShape {
  readonly key: string;
  /** A boolean expression over `a` (row value) and `b` (filter value), both text. */
  readonly expression: string;
}

const INT2 = 21;
const INT4 = 23;
const INT8 = 20;
const BOOL = 16;
const UUID = 2950;
const TEXT = 25;
const VARCHAR = 1043;

const SQL_OPERATORS: Partial<Record<FilterOp, string>> = {
  eq: '=',
  neq: '<>',
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
  like: 'like',
  ilike: 'ilike',
  match: '~',
  imatch: '~*',
};

export function compileFilter(spec: FilterSpec, type: TypeInfo): CompiledFilter {
  const local = compileLocal(spec, type.oid);
  if (local) return { spec, local };
  return { spec, shape: sqlShape(spec.op, type.sqlName) };
}

function sqlShape(op: FilterOp, typeSql: string): SqlShape {
  const a = `(u.v ->> 0)::${typeSql}`;
  const b = `(u.v ->> 1)::${typeSql}`;
  let expression: string;
  if (op === 'in') expression = `${a} = any ((u.v ->> 1)::${typeSql}[])`;
  else if (op === 'isdistinct') expression = `${a} is distinct from ${b}`;
  else expression = `${a} ${SQL_OPERATORS[op] ?? '='} (${b})`;
  return { key: `${op}|${typeSql}`, expression };
}

/** The result of one condition, `not.` applied the way the reference applies it. */
function negated(spec: FilterSpec, result: Tri): Tri {
  if (!spec.negate) return result;
  // `is` and `isdistinct` become `IS NOT` / `IS NOT DISTINCT FROM`: two-valued.
  if (spec.op === 'is' || spec.op === 'isdistinct') return !result;
  return result === null ? null : !result;
}

/** Finishes a condition evaluated by Postgres (raw result of the un-negated expression). */
export function finishSql(spec: FilterSpec, raw: Tri): Tri {
  return negated(spec, raw);
}

function compileLocal(spec: FilterSpec, typeOid: number): ((value: string | null) => Tri) | undefined {
  if (spec.op === 'is') {
    const test = IS_TESTS[spec.value];
    return test && ((value) => negated(spec, test(value)));
  }
  const kind = localKind(typeOid);
  if (!kind) return undefined;
  if (kind.textLike && !['eq', 'neq', 'in', 'isdistinct'].includes(spec.op)) return undefined;
  const compare = (a: string, b: string) => kind.compare(a, b);

  if (spec.op === 'in') {
    const elements = simpleArrayLiteral(spec.value);
    if (!elements) return undefined;
    const keys = elements.map((element) => (element === null ? null : kind.canonical(element)));
    if (keys.some((key) => key === undefined)) return undefined;
    const hasNull = keys.includes(null);
    return (value) => {
      if (value === null) return negated(spec, null);
      const hit = keys.some((key) => key !== null && compare(value, key as string) === 0);
      return negated(spec, hit ? true : hasNull ? null : false);
    };
  }

  const key = kind.canonical(spec.value);
  if (key === undefined) return undefined;
  const test = ORDER_TESTS[spec.op];
  if (spec.op === 'isdistinct') {
    return (value) => negated(spec, value === null ? true : compare(value, key) !== 0);
  }
  if (!test) return undefined;
  return (value) => negated(spec, value === null ? null : test(compare(value, key)));
}

const ORDER_TESTS: Partial<Record<FilterOp, (order: number) => boolean>> = {
  eq: (order) => order === 0,
  neq: (order) => order !== 0,
  lt: (order) => order < 0,
  lte: (order) => order <= 0,
  gt: (order) => order > 0,
  gte: (order) => order >= 0,
};

/** `is` keywords; the subscription trigger already rejected `true`/`false` on non-booleans. */
const IS_TESTS: Record<string, (value: string | null) => boolean> = {
  null: (value) => value === null,
  unknown: (value) => value === null,
  true: (value) => value === 't',
  false: (value) => value === 'f',
};

interface LocalKind {
  /** The filter value in the form pgoutput prints row values, or undefined to defer to SQL. */
  canonical(text: string): string | undefined;
  compare(a: string, b: string): number;
  readonly textLike?: boolean;
}

const INTEGER: LocalKind = {
  canonical: (text) => {
    const trimmed = trimSpace(text);
    return /^[+-]?\d+$/.test(trimmed) ? BigInt(trimmed).toString() : undefined;
  },
  compare: (a, b) => {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  },
};

const BOOLEAN: LocalKind = {
  canonical: parseBool,
  // false < true, and 'f' < 't'.
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
};

const UUID_KIND: LocalKind = {
  canonical: (text) => {
    const hex = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/.test(text)
      ? text.replaceAll('-', '').toLowerCase()
      : undefined;
    return (
      hex &&
      `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
    );
  },
  // uuid ordering is bytewise, which lower-case canonical text preserves.
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
};

/** Text equality under a deterministic collation (every database default is) is string equality. */
const TEXT_KIND: LocalKind = {
  canonical: (text) => text,
  compare: (a, b) => (a === b ? 0 : 1),
  textLike: true,
};

function localKind(typeOid: number): LocalKind | undefined {
  if (typeOid === INT2 || typeOid === INT4 || typeOid === INT8) return INTEGER;
  if (typeOid === BOOL) return BOOLEAN;
  if (typeOid === UUID) return UUID_KIND;
  if (typeOid === TEXT || typeOid === VARCHAR) return TEXT_KIND;
  return undefined;
}

/** boolin's spellings: any prefix of true/false/yes/no, on/off (two letters at least), 1/0. */
function parseBool(text: string): string | undefined {
  const value = trimSpace(text).toLowerCase();
  if (value === '') return undefined;
  const isPrefix = (word: string, min = 1) => value.length >= min && word.startsWith(value);
  if (isPrefix('true') || isPrefix('yes') || value === 'on' || value === '1') return 't';
  if (isPrefix('false') || isPrefix('no') || isPrefix('off', 2) || value === '0') return 'f';
  return undefined;
}

/**
 * Elements of a one-dimensional array literal without quotes, escapes or nesting (`{1, 2}`),
 * `NULL` as null; undefined for anything fancier, which Postgres then parses.
 */
function simpleArrayLiteral(literal: string): (string | null)[] | undefined {
  const match = /^\{([^{}"\\]*)\}$/.exec(trimSpace(literal));
  if (!match) return undefined;
  const body = match[1] as string;
  if (trimSpace(body) === '') return [];
  const elements = body.split(',').map(trimSpace);
  if (elements.some((element) => element === '')) return undefined;
  return elements.map((element) => (element.toLowerCase() === 'null' ? null : element));
}

/** C's isspace(), what Postgres's input functions skip around values. */
function trimSpace(text: string): string {
  return text.replace(/^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g, '');
}

/** One condition for Postgres: shape, row value (non-null) and filter value. */
export interface SqlCondition {
  readonly shape: SqlShape;
  readonly value: string;
  readonly pattern: string;
}

/**
 * Evaluates conditions in one statement per shape, pipelined on one connection. A shape whose
 * statement fails is retried per condition; a condition that still fails counts as unknown.
 */
export async function evaluateInPostgres(sql: Sql, conditions: readonly SqlCondition[]): Promise<Tri[]> {
  const results: Tri[] = conditions.map(() => null);
  const byShape = new Map<string, number[]>();
  conditions.forEach((condition, index) => {
    const list = byShape.get(condition.shape.key) ?? [];
    list.push(index);
    byShape.set(condition.shape.key, list);
  });
  const run = async (indexes: readonly number[]): Promise<Tri[]> => {
    const shape = (conditions[indexes[0] as number] as SqlCondition).shape;
    const pairs = indexes.map((i) => [conditions[i]?.value, conditions[i]?.pattern]);
    const [row] = await sql.unsafe<{ results: Tri[] }[]>(
      `select pg_catalog.jsonb_agg((${shape.expression}) order by u.ord) as results
       from pg_catalog.jsonb_array_elements($1::text::jsonb) with ordinality as u(v, ord)`,
      [JSON.stringify(pairs)],
      { prepare: true },
    );
    return row?.results ?? [];
  };
  await Promise.all(
    [...byShape.values()].map(async (indexes) => {
      try {
        const values = await run(indexes);
        indexes.forEach((index, i) => {
          results[index] = values[i] ?? null;
        });
      } catch {
        await Promise.all(
          indexes.map(async (index) => {
            results[index] = await run([index]).then(
              (values) => values[0] ?? null,
              () => null,
            );
          }),
        );
      }
    }),
  );
  return results;
}
