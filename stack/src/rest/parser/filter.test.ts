import { describe, expect, it } from 'vitest';
import type { Filter } from '../ast.ts';
import { parseFilter } from './filter.ts';
import { client, expectPostgrestError, paramsOf } from './test-helpers.ts';

const col = { name: 'col', path: [] };

function filter(value: string): Filter {
  return parseFilter('col', value).filter;
}

describe('parseFilter: operators', () => {
  it.each(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'match', 'imatch'] as const)(
    '%s',
    (operator) => {
      expect(filter(`${operator}.a.b`)).toEqual({
        type: 'filter',
        field: col,
        negated: false,
        operator,
        value: 'a.b',
      });
    },
  );

  it.each(['cs', 'cd', 'ov', 'sl', 'sr', 'nxl', 'nxr', 'adj', 'isdistinct'] as const)('%s', (operator) => {
    expect(filter(`${operator}.[1,5)`)).toEqual({
      type: 'filter',
      field: col,
      negated: false,
      operator,
      value: '[1,5)',
    });
  });

  it('keeps the value verbatim, dots, parentheses and stars included', () => {
    expect(filter('like.*a.b(c)*').value).toBe('*a.b(c)*');
    expect(filter('eq.').value).toBe('');
    expect(filter('eq.{"k":1}').value).toBe('{"k":1}');
  });

  it('negates with not.', () => {
    expect(filter('not.eq.5')).toMatchObject({ negated: true, operator: 'eq', value: '5' });
    expect(filter('not.in.(1,2)')).toMatchObject({ negated: true, operator: 'in', value: ['1', '2'] });
    expect(filter('not.is.null')).toMatchObject({ negated: true, operator: 'is', value: 'null' });
  });

  it('reads is values case-insensitively, normalized to lower case', () => {
    for (const value of ['null', 'not_null', 'true', 'false', 'unknown']) {
      expect(filter(`is.${value.toUpperCase()}`)).toMatchObject({ operator: 'is', value });
    }
    // Like PostgREST, what follows a recognised value is ignored.
    expect(filter('is.nullx').value).toBe('null');
  });

  it('reads full-text search operators and their language', () => {
    expect(filter('fts.cat')).toMatchObject({ operator: 'fts', value: 'cat' });
    expect(filter('plfts(english).fat cats')).toMatchObject({
      operator: 'plfts',
      language: 'english',
      value: 'fat cats',
    });
    expect(filter('phfts(simple).a b')).toMatchObject({ operator: 'phfts', language: 'simple' });
    expect(filter('not.wfts(english).a or b')).toMatchObject({
      negated: true,
      operator: 'wfts',
      value: 'a or b',
    });
  });

  it('reads (any) and (all) with a PostgreSQL array literal, split into a list', () => {
    expect(filter('like(any).{a*,b*}')).toMatchObject({
      operator: 'like',
      quantifier: 'any',
      value: ['a*', 'b*'],
    });
    expect(filter('eq(all).{1,"2,3"}')).toMatchObject({
      operator: 'eq',
      quantifier: 'all',
      value: ['1', '2,3'],
    });
    expect(filter('not.gte(any).{}')).toMatchObject({ negated: true, quantifier: 'any', value: [] });
  });

  it('fails a quantified operand that is not an array as PostgreSQL would (22P02)', () => {
    expectPostgrestError(() => filter('eq(any).abc'), {
      code: '22P02',
      message: 'malformed array literal: "abc"',
      details: 'Array value must start with "{" or dimension information.',
    });
  });
});

describe('parseFilter: in lists', () => {
  it('reads bare and quoted items', () => {
    expect(filter('in.(1,2,3)').value).toEqual(['1', '2', '3']);
    expect(filter('in.("a,b","c(d)","e.f:g",h)').value).toEqual(['a,b', 'c(d)', 'e.f:g', 'h']);
    expect(filter('in.("a\\"b","c\\\\d")').value).toEqual(['a"b', 'c\\d']);
  });

  it('allows spaces around the parentheses and keeps those inside items', () => {
    expect(filter('in. ( 1, 2 ) ').value).toEqual(['1', ' 2 ']);
  });

  it('reads `in.()` (and PostgREST\'s equivalent `in.("")`) as the empty list', () => {
    expect(filter('in.()').value).toEqual([]);
    expect(filter('in.("")').value).toEqual([]);
    expect(filter('in.(,)').value).toEqual(['', '']);
  });

  it('reads a quote that does not end the item as part of a bare item', () => {
    expect(filter('in.("a"b,c)').value).toEqual(['"a"b', 'c']);
  });

  it('fails an unterminated list', () => {
    expectPostgrestError(() => filter('in.(1,2'), {
      message: '"failed to parse filter (in.(1,2)" (line 1, column 8)',
      details: 'unexpected end of input expecting "," or ")"',
    });
    expectPostgrestError(() => filter('in.1,2'), { details: 'unexpected "1" expecting "("' });
  });
});

describe('parseFilter: keys', () => {
  it('reads embed paths and JSON paths on the left side', () => {
    expect(parseFilter('author.name', 'eq.x')).toEqual({
      path: ['author'],
      filter: {
        type: 'filter',
        field: { name: 'name', path: [] },
        negated: false,
        operator: 'eq',
        value: 'x',
      },
    });
    expect(parseFilter('a.b.data->x->>y', 'eq.1')).toMatchObject({
      path: ['a', 'b'],
      filter: {
        field: {
          name: 'data',
          path: [
            { arrow: '->', key: 'x' },
            { arrow: '->>', key: 'y' },
          ],
        },
      },
    });
    expect(parseFilter('data->-1->>b', 'eq.B').filter.field.path).toEqual([
      { arrow: '->', key: -1 },
      { arrow: '->>', key: 'b' },
    ]);
    expect(parseFilter('"a.b"', 'eq.1')).toMatchObject({ path: [], filter: { field: { name: 'a.b' } } });
  });

  it('fails a key that is not a field', () => {
    expectPostgrestError(() => parseFilter('', 'eq.1'), {
      message: '"failed to parse tree path ()" (line 1, column 1)',
      details: 'unexpected end of input expecting field name (* or [a..z0..9_$])',
    });
    expectPostgrestError(() => parseFilter('a..b', 'eq.1'), {
      message: '"failed to parse tree path (a..b)" (line 1, column 3)',
    });
  });
});

describe('parseFilter: errors worded like PostgREST', () => {
  it.each([
    ['0', 1, 'unexpected "0" expecting "not" or operator (eq, gt, ...)'],
    ['noop.0', 1, 'unexpected "o" expecting "not" or operator (eq, gt, ...)'],
    ['val', 1, 'unexpected "v" expecting "not" or operator (eq, gt, ...)'],
    ['fts().value', 5, 'unexpected ")" expecting operator (eq, gt, ...)'],
    ['eq().value', 4, 'unexpected ")" expecting operator (eq, gt, ...)'],
    ['is().value', 3, 'unexpected "(" expecting operator (eq, gt, ...)'],
    ['in().value', 3, 'unexpected "(" expecting operator (eq, gt, ...)'],
    ['not.eq', 7, 'unexpected end of input expecting operator (eq, gt, ...)'],
    ['is.maybe', 4, 'unexpected "m" expecting isVal: (null, not_null, true, false, unknown)'],
    ['', 1, 'unexpected end of input expecting "not" or operator (eq, gt, ...)'],
  ])('%j', (value, column, details) => {
    expectPostgrestError(() => filter(value), {
      message: `"failed to parse filter (${value})" (line 1, column ${column})`,
      details,
    });
  });
});

describe('parseFilter: what postgrest-js sends', () => {
  const t = () => client().from('t').select();
  const cases: [string, unknown, Partial<Filter>][] = [
    ['eq', t().eq('name', 'a.b,c'), { operator: 'eq', value: 'a.b,c' }],
    ['neq', t().neq('n', 1), { operator: 'neq', value: '1' }],
    ['gt/gte/lt/lte', t().lte('n', 5), { operator: 'lte', value: '5' }],
    ['like', t().like('name', '%a*'), { operator: 'like', value: '%a*' }],
    [
      'ilikeAnyOf',
      t().ilikeAnyOf('name', ['a*', 'b*']),
      { operator: 'ilike', quantifier: 'any', value: ['a*', 'b*'] },
    ],
    [
      'likeAllOf',
      t().likeAllOf('name', ['a*', 'b*']),
      { operator: 'like', quantifier: 'all', value: ['a*', 'b*'] },
    ],
    ['regexIMatch', t().regexIMatch('name', '^a.(b|c)$'), { operator: 'imatch', value: '^a.(b|c)$' }],
    ['is null', t().is('x', null), { operator: 'is', value: 'null' }],
    ['is true', t().is('x', true), { operator: 'is', value: 'true' }],
    ['isDistinct', t().isDistinct('x', 3), { operator: 'isdistinct', value: '3' }],
    ['in', t().in('id', [1, 2, 2, 3]), { operator: 'in', value: ['1', '2', '3'] }],
    [
      'in quoted',
      t().in('tag', ['a,b', 'c(d)', 'plain']),
      { operator: 'in', value: ['a,b', 'c(d)', 'plain'] },
    ],
    ['notIn', t().notIn('id', [1, 2]), { negated: true, operator: 'in', value: ['1', '2'] }],
    ['contains array', t().contains('tags', ['a', 'b']), { operator: 'cs', value: '{a,b}' }],
    ['contains json', t().contains('meta', { k: [1] }), { operator: 'cs', value: '{"k":[1]}' }],
    ['contains range', t().contains('r', '[1,5)'), { operator: 'cs', value: '[1,5)' }],
    ['containedBy', t().containedBy('tags', ['a']), { operator: 'cd', value: '{a}' }],
    ['overlaps', t().overlaps('tags', ['a', 'b']), { operator: 'ov', value: '{a,b}' }],
    ['rangeGt', t().rangeGt('r', '[1,2]'), { operator: 'sr', value: '[1,2]' }],
    ['rangeGte', t().rangeGte('r', '[1,2]'), { operator: 'nxl', value: '[1,2]' }],
    ['rangeLt', t().rangeLt('r', '[1,2]'), { operator: 'sl', value: '[1,2]' }],
    ['rangeLte', t().rangeLte('r', '[1,2]'), { operator: 'nxr', value: '[1,2]' }],
    ['rangeAdjacent', t().rangeAdjacent('r', '[1,2]'), { operator: 'adj', value: '[1,2]' }],
    ['textSearch', t().textSearch('body', "'fat' & 'cat'"), { operator: 'fts', value: "'fat' & 'cat'" }],
    [
      'textSearch plain',
      t().textSearch('body', 'fat cat', { type: 'plain', config: 'english' }),
      { operator: 'plfts', language: 'english', value: 'fat cat' },
    ],
    ['textSearch phrase', t().textSearch('body', 'fat cat', { type: 'phrase' }), { operator: 'phfts' }],
    [
      'textSearch websearch',
      t().textSearch('body', '"fat cat" or rat', { type: 'websearch' }),
      { operator: 'wfts' },
    ],
    ['not', t().not('x', 'is', null), { negated: true, operator: 'is', value: 'null' }],
    ['not in', t().not('id', 'in', '(1,2)'), { negated: true, operator: 'in', value: ['1', '2'] }],
    ['filter', t().filter('x', 'not.cs', '{a}'), { negated: true, operator: 'cs', value: '{a}' }],
  ];

  it.each(cases)('%s', (_, builder, expected) => {
    const [[key, value] = ['', '']] = [...paramsOf(builder)].filter(([k]) => k !== 'select');
    expect(parseFilter(key, value).filter).toMatchObject(expected);
  });

  it('match() sends one eq per column', () => {
    const params = [...paramsOf(t().match({ a: 1, 'b->c': 'x' }))].filter(([k]) => k !== 'select');
    expect(params.map(([k, v]) => parseFilter(k, v).filter)).toMatchObject([
      { field: { name: 'a', path: [] }, operator: 'eq', value: '1' },
      { field: { name: 'b', path: [{ arrow: '->', key: 'c' }] }, operator: 'eq', value: 'x' },
    ]);
  });

  it('filters on a referenced table by its name or alias', () => {
    const params = [...paramsOf(t().eq('author.name', 'Ann'))].filter(([k]) => k !== 'select');
    expect(params.map(([k, v]) => parseFilter(k, v))).toMatchObject([
      { path: ['author'], filter: { value: 'Ann' } },
    ]);
  });
});
