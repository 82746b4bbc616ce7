/**
 * Column values as the reference sends them: what Postgres's `to_jsonb` makes of the typed
 * value (realtime.md §5.3, "Record contents"). pgoutput hands us each value's text output (in a
 * UTC, DateStyle=ISO session); the common types are converted here exactly as to_jsonb would,
 * and the rest (arrays, composites, types with a json cast) go through Postgres in one query.
 */
import type { Sql } from 'postgres';
import type { TypeInfo } from './catalog.ts';

/** How to_jsonb treats a type (json_categorize_type), decided on the domain's base type. */
export type ValuePlan =
  | 'bool'
  | 'number'
  | 'json'
  | 'jsonb'
  | 'timestamp'
  | 'timestamptz'
  | 'bytea'
  | 'string'
  | 'postgres';

const BOOL = 16;
const BYTEA = 17;
const INT8 = 20;
const INT2 = 21;
const INT4 = 23;
const JSON_OID = 114;
const FLOAT4 = 700;
const FLOAT8 = 701;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;
const NUMERIC = 1700;
const JSONB = 3802;
/** Types with oids from here on are user-defined; to_jsonb only looks for json casts on those. */
const FIRST_NORMAL_OID = 16384;

export function valuePlan(type: TypeInfo): ValuePlan {
  switch (type.baseOid) {
    case BOOL:
      return 'bool';
    case INT2:
    case INT4:
    case INT8:
    case FLOAT4:
    case FLOAT8:
    case NUMERIC:
      return 'number';
    case JSON_OID:
      return 'json';
    case JSONB:
      return 'jsonb';
    case TIMESTAMP:
      return 'timestamp';
    case TIMESTAMPTZ:
      return 'timestamptz';
    case BYTEA:
      return 'bytea';
  }
  if (type.baseCategory === 'A' || type.baseKind === 'c') return 'postgres';
  if (type.baseOid >= FIRST_NORMAL_OID && type.baseJsonCast) return 'postgres';
  // Everything else (text, uuid, date, enums, ranges, intervals, ...) is its text output.
  return 'string';
}

/** Marks a value JS cannot convert exactly; the caller asks Postgres. */
export const NEEDS_POSTGRES: unique symbol = Symbol('needs-postgres');

/** to_jsonb of the value whose text output is `text`. */
export function convertValue(text: string, plan: ValuePlan): unknown {
  switch (plan) {
    case 'bool':
      return text === 't';
    case 'number':
      // to_jsonb keeps NaN and the infinities as strings; everything else is a JSON number.
      if (text === 'NaN' || text === 'Infinity' || text === '-Infinity') return text;
      return Number(text);
    case 'jsonb':
      // Already in jsonb's key order.
      return JSON.parse(text);
    case 'json':
      // to_jsonb turns json into jsonb: keys reordered (duplicates already resolved by parsing).
      return inJsonbOrder(JSON.parse(text));
    case 'timestamp':
      return isoTimestamp(text) ?? NEEDS_POSTGRES;
    case 'timestamptz':
      return isoTimestamptz(text) ?? NEEDS_POSTGRES;
    case 'bytea':
      // The reference sends the hex digits without the `\x` prefix.
      return text.startsWith('\\x') ? text.slice(2) : NEEDS_POSTGRES;
    case 'string':
      return text;
    case 'postgres':
      return NEEDS_POSTGRES;
  }
}

const DATE_TIME = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)( BC)?$/;
const DATE_TIME_ZONE =
  /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)(?::(\d\d))?(?::(\d\d))?( BC)?$/;

/** ISO `2025-11-03 09:32:55.5` → XSD `2025-11-03T09:32:55.5` (to_jsonb keeps the fraction as is). */
function isoTimestamp(text: string): string | undefined {
  if (text === 'infinity' || text === '-infinity') return text;
  const match = DATE_TIME.exec(text);
  return match ? `${match[1]}T${match[2]}${match[3] ?? ''}` : undefined;
}

/** ISO `2025-11-03 09:32:55.123+00` → XSD `2025-11-03T09:32:55.123+00:00`. */
function isoTimestamptz(text: string): string | undefined {
  if (text === 'infinity' || text === '-infinity') return text;
  const match = DATE_TIME_ZONE.exec(text);
  if (!match) return undefined;
  const [, date, time, hours, minutes = '00', seconds, bc = ''] = match;
  return `${date}T${time}${hours}:${minutes}${seconds ? `:${seconds}` : ''}${bc}`;
}

/** One value Postgres must convert: its text and column type. */
export interface CastRequest {
  readonly text: string;
  readonly typeOid: number;
}

/**
 * to_jsonb of each value through `realtime."cast"`, in one statement. Should a value fail (it
 * cannot, for a type's own output, short of a broken type), each is retried alone and a failing
 * one is sent as its text.
 */
export async function castInPostgres(sql: Sql, requests: readonly CastRequest[]): Promise<unknown[]> {
  if (requests.length === 0) return [];
  const run = async (items: readonly CastRequest[]): Promise<unknown[]> => {
    const [row] = await sql<{ values: unknown[] }[]>`
      select pg_catalog.jsonb_agg(realtime."cast"(u.v ->> 0, (u.v ->> 1)::oid::pg_catalog.regtype) order by u.ord)
        as values
      from pg_catalog.jsonb_array_elements(${JSON.stringify(items.map((r) => [r.text, r.typeOid]))}::text::jsonb)
        with ordinality as u(v, ord)`;
    return row?.values ?? [];
  };
  try {
    return await run(requests);
  } catch {
    return Promise.all(
      requests.map((request) =>
        run([request]).then(
          (values) => values[0],
          () => request.text,
        ),
      ),
    );
  }
}

/**
 * Bytes of the value's jsonb text output, which the reference compares with 64 when a change
 * is too large (`octet_length(value::text)`). jsonb prints `", "` and `": "` between items.
 */
export function jsonbTextBytes(value: unknown): number {
  if (value === null || value === undefined) return 4;
  if (typeof value === 'string') return Buffer.byteLength(JSON.stringify(value));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  if (Array.isArray(value)) {
    return (
      value.reduce((sum: number, item) => sum + jsonbTextBytes(item), 2) + Math.max(0, value.length - 1) * 2
    );
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return (
      entries.reduce((sum, [key, item]) => sum + jsonbTextBytes(key) + 2 + jsonbTextBytes(item), 2) +
      Math.max(0, entries.length - 1) * 2
    );
  }
  return String(value).length;
}

function inJsonbOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inJsonbOrder);
  if (typeof value !== 'object' || value === null) return value;
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(jsonbKeyOrder)) {
    const item = inJsonbOrder((value as Record<string, unknown>)[key]);
    if (key === '__proto__')
      Object.defineProperty(ordered, key, { value: item, enumerable: true, writable: true });
    else ordered[key] = item;
  }
  return ordered;
}

/** jsonb's object key order: shorter keys first, then bytewise (what jsonb_object_agg yields). */
export function jsonbKeyOrder(a: string, b: string): number {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length - right.length || Buffer.compare(left, right);
}
