import { describe, expect, it } from 'vitest';
import { parseOrder } from './order.ts';
import { client, expectPostgrestError, paramsOf } from './test-helpers.ts';

const term = (name: string, extra: object = {}) => ({ field: { name, path: [] }, ...extra });

describe('parseOrder', () => {
  it('reads direction and nulls placement', () => {
    expect(parseOrder('a,b.asc,c.desc,d.nullsfirst,e.desc.nullslast')).toEqual([
      term('a'),
      term('b', { direction: 'asc' }),
      term('c', { direction: 'desc' }),
      term('d', { nulls: 'first' }),
      term('e', { direction: 'desc', nulls: 'last' }),
    ]);
  });

  it('reads JSON paths, including keys with special characters', () => {
    expect(parseOrder('json_col->key.asc.nullslast,data->>!@#$%^&*_a.desc')).toEqual([
      { field: { name: 'json_col', path: [{ arrow: '->', key: 'key' }] }, direction: 'asc', nulls: 'last' },
      { field: { name: 'data', path: [{ arrow: '->>', key: '!@#$%^&*_a' }] }, direction: 'desc' },
    ]);
    expect(parseOrder('arr->0.desc')).toEqual([
      { field: { name: 'arr', path: [{ arrow: '->', key: 0 }] }, direction: 'desc' },
    ]);
  });

  it('reads ordering by a to-one embed column: rel(col)', () => {
    expect(parseOrder('clients(json_col->key).desc.nullsfirst')).toEqual([
      {
        relation: 'clients',
        field: { name: 'json_col', path: [{ arrow: '->', key: 'key' }] },
        direction: 'desc',
        nulls: 'first',
      },
    ]);
    expect(parseOrder('name,clients(name),id')).toEqual([
      term('name'),
      { relation: 'clients', ...term('name') },
      term('id'),
    ]);
  });

  it('allows spaces around names (not after a direction, like PostgREST) and reads quoted names', () => {
    expect(parseOrder(' a , "b c".desc')).toEqual([term('a'), term('b c', { direction: 'desc' })]);
    expectPostgrestError(() => parseOrder('a.desc ,b'), {
      details: 'unexpected \' \' expecting delimiter (.), "," or end of input',
    });
  });

  it.each([
    [
      'clients(name,id)',
      8,
      'unexpected \'(\' expecting letter, digit, "-", "->>", "->", delimiter (.), "," or end of input',
    ],
    ['id.ac', 4, 'unexpected "c" expecting "asc", "desc", "nullsfirst" or "nullslast"'],
    ['id.descc', 8, 'unexpected \'c\' expecting delimiter (.), "," or end of input'],
    ['id.nulsfist', 4, 'unexpected "n" expecting "asc", "desc", "nullsfirst" or "nullslast"'],
    ['id.nullslasttt', 13, 'unexpected \'t\' expecting "," or end of input'],
    ['id.smth34', 4, 'unexpected "s" expecting "asc", "desc", "nullsfirst" or "nullslast"'],
    ['id.asc.nlsfst', 8, 'unexpected "l" expecting "nullsfirst" or "nullslast"'],
    ['id.asc.nullslasttt', 17, 'unexpected \'t\' expecting "," or end of input'],
    ['id.asc.smth34', 8, 'unexpected "s" expecting "nullsfirst" or "nullslast"'],
    ['', 1, 'unexpected end of input expecting field name (* or [a..z0..9_$])'],
    ['a,', 3, 'unexpected end of input expecting field name (* or [a..z0..9_$])'],
  ])('%j fails like PostgREST', (text, column, details) => {
    expectPostgrestError(() => parseOrder(text), {
      message: `"failed to parse order (${text})" (line 1, column ${column})`,
      details,
    });
  });
});

describe('parseOrder: what postgrest-js sends', () => {
  it('appends every order() to one parameter per table', () => {
    const params = paramsOf(
      client()
        .from('t')
        .select('*,author(*)')
        .order('created_at', { ascending: false })
        .order('name', { nullsFirst: true })
        .order('data->>rank', { ascending: true, nullsFirst: false })
        .order('name', { referencedTable: 'author', ascending: false }),
    );
    expect(parseOrder(params.get('order') ?? '')).toEqual([
      term('created_at', { direction: 'desc' }),
      term('name', { direction: 'asc', nulls: 'first' }),
      { field: { name: 'data', path: [{ arrow: '->>', key: 'rank' }] }, direction: 'asc', nulls: 'last' },
    ]);
    expect(parseOrder(params.get('author.order') ?? '')).toEqual([term('name', { direction: 'desc' })]);
  });

  it('orders by a referenced table column with rel(col)', () => {
    const params = paramsOf(
      client().from('t').select('*,author(name)').order('author(name)', { ascending: false }),
    );
    expect(parseOrder(params.get('order') ?? '')).toEqual([
      { relation: 'author', field: { name: 'name', path: [] }, direction: 'desc' },
    ]);
  });
});
