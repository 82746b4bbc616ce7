import { describe, expect, it } from 'vitest';
import type { TypeInfo } from './catalog.ts';
import { convertValue, jsonbKeyOrder, jsonbTextBytes, NEEDS_POSTGRES, valuePlan } from './values.ts';

function type(oid: number, overrides: Partial<TypeInfo> = {}): TypeInfo {
  return {
    oid,
    name: `t${oid}`,
    schema: 'pg_catalog',
    sqlName: `"pg_catalog"."t${oid}"`,
    kind: 'b',
    baseOid: oid,
    baseCategory: 'S',
    baseKind: 'b',
    baseJsonCast: false,
    ...overrides,
  };
}

describe('valuePlan / convertValue: to_jsonb in JavaScript', () => {
  const convert = (oid: number, text: string, overrides?: Partial<TypeInfo>) =>
    convertValue(text, valuePlan(type(oid, overrides)));

  it('converts booleans, numbers and their special values', () => {
    expect(convert(16, 't')).toBe(true);
    expect(convert(16, 'f')).toBe(false);
    expect(convert(23, '-42')).toBe(-42);
    expect(convert(20, '9007199254740993')).toBe(9007199254740992);
    expect(convert(1700, '1.50')).toBe(1.5);
    expect(convert(701, '1e+30')).toBe(1e30);
    for (const special of ['NaN', 'Infinity', '-Infinity']) {
      expect(convert(701, special)).toBe(special);
      expect(convert(1700, special)).toBe(special);
    }
  });

  it('parses json and jsonb', () => {
    expect(convert(3802, '{"a": [1, {"b": null}]}')).toEqual({ a: [1, { b: null }] });
    expect(convert(114, '[1, "x"]')).toEqual([1, 'x']);
    // json becomes jsonb: the last duplicate wins and keys take jsonb's order.
    expect(Object.keys(convert(114, '{"bb": 1, "a": {"z": 1, "y": 2}, "bb": 3}') as object)).toEqual([
      'a',
      'bb',
    ]);
    expect(convert(114, '{"bb": 1, "a": {"z": 1, "y": 2}, "bb": 3}')).toEqual({ a: { y: 2, z: 1 }, bb: 3 });
    expect(convert(114, '"just a string"')).toBe('just a string');
  });

  it('formats timestamps the way to_jsonb does (XSD, in UTC)', () => {
    expect(convert(1184, '2025-11-03 09:32:55.123+00')).toBe('2025-11-03T09:32:55.123+00:00');
    expect(convert(1184, '2025-11-03 09:32:55+05:30')).toBe('2025-11-03T09:32:55+05:30');
    expect(convert(1184, '0044-03-15 10:00:00+00 BC')).toBe('0044-03-15T10:00:00+00:00 BC');
    expect(convert(1184, 'infinity')).toBe('infinity');
    expect(convert(1114, '2025-11-03 09:32:55')).toBe('2025-11-03T09:32:55');
    expect(convert(1114, '2025-01-01 10:00:00.12')).toBe('2025-01-01T10:00:00.12');
    expect(convert(1114, '-infinity')).toBe('-infinity');
    expect(convert(1114, 'Mon Nov 03 09:32:55 2025')).toBe(NEEDS_POSTGRES);
    expect(convert(1082, '2025-11-03')).toBe('2025-11-03');
  });

  it('sends bytea as hex without \\x, and text-like types as their text', () => {
    expect(convert(17, '\\x0102ff')).toBe('0102ff');
    expect(convert(17, '\\001')).toBe(NEEDS_POSTGRES);
    expect(convert(2950, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')).toBe(
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    );
    expect(convert(1186, '1 day 02:00:00')).toBe('1 day 02:00:00');
    expect(convert(16_500, 'happy', { kind: 'e', baseKind: 'e', baseCategory: 'E' })).toBe('happy');
    expect(convert(3904, '[1,5)', { baseKind: 'r', baseCategory: 'R' })).toBe('[1,5)');
  });

  it('leaves arrays, composites and json-castable user types to Postgres', () => {
    expect(valuePlan(type(1009, { baseCategory: 'A' }))).toBe('postgres');
    expect(valuePlan(type(16_600, { kind: 'c', baseKind: 'c', baseCategory: 'C' }))).toBe('postgres');
    expect(valuePlan(type(16_700, { baseJsonCast: true }))).toBe('postgres');
    // Built-in types never use a json cast in to_jsonb.
    expect(valuePlan(type(25, { baseJsonCast: true }))).toBe('string');
    // A domain is treated as its base type.
    expect(valuePlan(type(16_800, { kind: 'd', baseOid: 23 }))).toBe('number');
  });
});

describe('jsonbTextBytes / jsonbKeyOrder', () => {
  it('measures jsonb text output', () => {
    expect(jsonbTextBytes('abc')).toBe(5);
    expect(jsonbTextBytes('é')).toBe(4);
    expect(jsonbTextBytes('a"b')).toBe(6);
    expect(jsonbTextBytes(12)).toBe(2);
    expect(jsonbTextBytes(true)).toBe(4);
    expect(jsonbTextBytes(null)).toBe(4);
    expect(jsonbTextBytes([1, 2])).toBe('[1, 2]'.length);
    expect(jsonbTextBytes({ a: 1, bb: [true] })).toBe('{"a": 1, "bb": [true]}'.length);
  });

  it('orders keys like jsonb: shorter first, then bytewise', () => {
    expect(['task', 'id', 'done', 'at', 'é'].sort(jsonbKeyOrder)).toEqual(['at', 'id', 'é', 'done', 'task']);
  });
});
