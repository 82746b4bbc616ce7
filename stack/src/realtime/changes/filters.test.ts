import { describe, expect, it } from 'vitest';
import type { TypeInfo } from './catalog.ts';
import { compileFilter } from './filters.ts';
import type { FilterOp } from './params.ts';

function type(oid: number): TypeInfo {
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
  };
}

describe('compileFilter: exact local evaluation', () => {
  const local = (typeOid: number, op: FilterOp, value: string, negate = false) => {
    const compiled = compileFilter({ column: 'c', op, value, negate }, type(typeOid));
    return compiled.local;
  };

  it('compares integers numerically, three-valued', () => {
    const gt = local(20, 'gt', ' +5 ');
    expect(gt?.('6')).toBe(true);
    expect(gt?.('5')).toBe(false);
    expect(gt?.('-10')).toBe(false);
    expect(gt?.('92233720368547758')).toBe(true);
    expect(gt?.(null)).toBeNull();
    expect(local(23, 'neq', '5', true)?.(null)).toBeNull();
    expect(local(23, 'eq', '5', true)?.('5')).toBe(false);
    expect(local(23, 'lte', '05')?.('5')).toBe(true);
    // Not a plain decimal (PG 16 accepts 0x1F): Postgres decides.
    expect(local(23, 'eq', '0x1F')).toBeUndefined();
  });

  it('handles in-lists with NULL elements as = ANY does', () => {
    const inList = local(23, 'in', '{1, 2,NULL}');
    expect(inList?.('2')).toBe(true);
    expect(inList?.('3')).toBeNull();
    const notIn = local(23, 'in', '{1,2}', true);
    expect(notIn?.('3')).toBe(true);
    expect(notIn?.('1')).toBe(false);
    expect(local(23, 'in', '{}')?.('1')).toBe(false);
    expect(local(25, 'in', '{"a,b",c}')).toBeUndefined();
    expect(local(25, 'in', '{a b, c}')?.('a b')).toBe(true);
  });

  it('reads booleans with every boolin spelling', () => {
    expect(local(16, 'eq', 'TRUE')?.('t')).toBe(true);
    expect(local(16, 'eq', 'ye')?.('t')).toBe(true);
    expect(local(16, 'eq', 'of')?.('f')).toBe(true);
    expect(local(16, 'eq', 'o')).toBeUndefined();
    expect(local(16, 'lt', 'true')?.('f')).toBe(true);
  });

  it('compares uuids in any accepted spelling, text only for equality', () => {
    const eq = local(2950, 'eq', 'A0EEBC999C0B4EF8BB6D6BB9BD380A11');
    expect(eq?.('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')).toBe(true);
    expect(local(2950, 'eq', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}')).toBeUndefined();
    expect(local(25, 'eq', 'Ab')?.('Ab')).toBe(true);
    expect(local(25, 'eq', 'Ab')?.('ab')).toBe(false);
    expect(local(25, 'lt', 'b')).toBeUndefined();
    expect(local(25, 'like', 'a%')).toBeUndefined();
  });

  it('evaluates is and isdistinct for any type', () => {
    expect(local(1186, 'is', 'null')?.(null)).toBe(true);
    expect(local(1186, 'is', 'null', true)?.(null)).toBe(false);
    expect(local(16, 'is', 'unknown')?.('t')).toBe(false);
    expect(local(16, 'is', 'false', true)?.(null)).toBe(true);
    expect(local(23, 'isdistinct', '1')?.(null)).toBe(true);
    expect(local(23, 'isdistinct', '1', true)?.('1')).toBe(true);
    const sql = compileFilter({ column: 'c', op: 'isdistinct', value: 'x', negate: false }, type(1186));
    expect(sql.local).toBeUndefined();
    expect(sql.shape?.expression).toBe(
      '(u.v ->> 0)::"pg_catalog"."t1186" is distinct from (u.v ->> 1)::"pg_catalog"."t1186"',
    );
  });
});
