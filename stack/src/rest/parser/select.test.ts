import { describe, expect, it } from 'vitest';
import type { SelectItem } from '../ast.ts';
import { parseSelect } from './select.ts';
import { client, expectPostgrestError, paramsOf } from './test-helpers.ts';

const field = (name: string, extra: Partial<Extract<SelectItem, { type: 'field' }>> = {}): SelectItem => ({
  type: 'field',
  field: { name, path: [] },
  ...extra,
});

describe('parseSelect: columns', () => {
  it('reads *, plain columns and an empty list', () => {
    expect(parseSelect('*')).toEqual([{ type: 'star' }]);
    expect(parseSelect('id,name')).toEqual([field('id'), field('name')]);
    expect(parseSelect('')).toEqual([]);
  });

  it('reads names with dashes, digits, $, _ and inner spaces', () => {
    expect(parseSelect('first-name,_a1,$x,123')).toEqual([
      field('first-name'),
      field('_a1'),
      field('$x'),
      field('123'),
    ]);
    expect(parseSelect('my col')).toEqual([field('my col')]);
  });

  it('reads quoted identifiers with any character, escapes included', () => {
    expect(parseSelect('"my col",x:"a,b(c)","q\\"uote","back\\\\slash"')).toEqual([
      field('my col'),
      field('a,b(c)', { alias: 'x' }),
      field('q"uote'),
      field('back\\slash'),
    ]);
    expect(parseSelect('"x":"a b"')).toEqual([field('a b', { alias: 'x' })]);
  });

  it('treats a quoted "*" like *', () => {
    expect(parseSelect('"*"')).toEqual([{ type: 'star' }]);
  });

  it('reads aliases and casts', () => {
    expect(parseSelect('a:b')).toEqual([field('b', { alias: 'a' })]);
    expect(parseSelect('col::text')).toEqual([field('col', { cast: 'text' })]);
    expect(parseSelect('a:col::int')).toEqual([field('col', { alias: 'a', cast: 'int' })]);
    expect(parseSelect('n::double precision')).toEqual([field('n', { cast: 'double precision' })]);
  });

  it('reads JSON paths, with array indexes as numbers', () => {
    expect(parseSelect('data->a->>b,arr->0,arr->>-1,data->"0"')).toEqual([
      {
        type: 'field',
        field: {
          name: 'data',
          path: [
            { arrow: '->', key: 'a' },
            { arrow: '->>', key: 'b' },
          ],
        },
      },
      { type: 'field', field: { name: 'arr', path: [{ arrow: '->', key: 0 }] } },
      { type: 'field', field: { name: 'arr', path: [{ arrow: '->>', key: -1 }] } },
      { type: 'field', field: { name: 'data', path: [{ arrow: '->', key: '0' }] } },
    ]);
    expect(parseSelect('myInt:settings->foo->>int::integer')).toEqual([
      {
        type: 'field',
        alias: 'myInt',
        cast: 'integer',
        field: {
          name: 'settings',
          path: [
            { arrow: '->', key: 'foo' },
            { arrow: '->>', key: 'int' },
          ],
        },
      },
    ]);
  });

  it('reads JSON keys with special characters (PostgREST JsonOperatorSpec)', () => {
    expect(parseSelect('data->!@#$%^&*_d->>!@#$%^&*_e::integer')).toEqual([
      {
        type: 'field',
        cast: 'integer',
        field: {
          name: 'data',
          path: [
            { arrow: '->', key: '!@#$%^&*_d' },
            { arrow: '->>', key: '!@#$%^&*_e' },
          ],
        },
      },
    ]);
  });
});

describe('parseSelect: aggregates', () => {
  it('reads col.fn() with casts before and after', () => {
    expect(
      parseSelect('amount.sum(),amount.avg()::int,x:amount::numeric.max()::text,a.min(),a.count()'),
    ).toEqual([
      field('amount', { aggregate: 'sum' }),
      field('amount', { aggregate: 'avg', aggregateCast: 'int' }),
      field('amount', { alias: 'x', cast: 'numeric', aggregate: 'max', aggregateCast: 'text' }),
      field('a', { aggregate: 'min' }),
      field('a', { aggregate: 'count' }),
    ]);
    expect(parseSelect('alias:col.avg()::int')).toEqual([
      field('col', { alias: 'alias', aggregate: 'avg', aggregateCast: 'int' }),
    ]);
  });

  it('reads count() alone, aliased and cast', () => {
    expect(parseSelect('count()')).toEqual([{ type: 'count' }]);
    expect(parseSelect('total:count()::int,rel(count())')).toEqual([
      { type: 'count', alias: 'total', cast: 'int' },
      { type: 'embed', relation: 'rel', join: 'left', spread: false, select: [{ type: 'count' }] },
    ]);
  });
});

describe('parseSelect: embeds', () => {
  const embed = (relation: string, select: SelectItem[], extra: object = {}): SelectItem => ({
    type: 'embed',
    relation,
    join: 'left',
    spread: false,
    select,
    ...extra,
  });

  it('reads embeds, aliases, hints and join types', () => {
    expect(parseSelect('rel(*)')).toEqual([embed('rel', [{ type: 'star' }])]);
    expect(parseSelect('alias:rel!hint(id)')).toEqual([
      embed('rel', [field('id')], { alias: 'alias', hint: 'hint' }),
    ]);
    expect(parseSelect('rel!inner(*)')).toEqual([embed('rel', [{ type: 'star' }], { join: 'inner' })]);
    expect(parseSelect('rel!left(*)')).toEqual([embed('rel', [{ type: 'star' }], { join: 'left' })]);
    expect(parseSelect('rel!hint!inner(*)')).toEqual([
      embed('rel', [{ type: 'star' }], { hint: 'hint', join: 'inner' }),
    ]);
    expect(parseSelect('alias:rel!inner!hint(*)')).toEqual([
      embed('rel', [{ type: 'star' }], { alias: 'alias', hint: 'hint', join: 'inner' }),
    ]);
    expect(parseSelect('author:profiles!posts_author_id_fkey(name)')).toEqual([
      embed('profiles', [field('name')], { alias: 'author', hint: 'posts_author_id_fkey' }),
    ]);
  });

  it('reads empty embeds and nesting', () => {
    expect(parseSelect('id,rel()')).toEqual([field('id'), embed('rel', [])]);
    expect(parseSelect('a(b(c(*)))')).toEqual([embed('a', [embed('b', [embed('c', [{ type: 'star' }])])])]);
    expect(parseSelect('*,client(*,nested(*))')).toEqual([
      { type: 'star' },
      embed('client', [{ type: 'star' }, embed('nested', [{ type: 'star' }])]),
    ]);
  });

  it('reads spreads', () => {
    expect(parseSelect('*,...client(*),other(*)')).toEqual([
      { type: 'star' },
      embed('client', [{ type: 'star' }], { spread: true }),
      embed('other', [{ type: 'star' }]),
    ]);
    expect(parseSelect('...rel!hint!inner(a,b)')).toEqual([
      embed('rel', [field('a'), field('b')], { spread: true, hint: 'hint', join: 'inner' }),
    ]);
  });

  it('allows spaces and tabs around items and commas, as PostgREST does', () => {
    expect(parseSelect('id, name, tasks(id, name, users(id, name))')).toEqual(
      parseSelect('id,name,tasks(id,name,users(id,name))'),
    );
    expect(parseSelect(' id ,\tname ')).toEqual([field('id'), field('name')]);
  });

  it('takes `count(...)` with arguments as neither embed nor aggregate', () => {
    expectPostgrestError(() => parseSelect('count(*)'));
  });
});

describe('parseSelect: errors worded like PostgREST', () => {
  it.each([
    [
      'id,',
      '"failed to parse select parameter (id,)" (line 1, column 4)',
      'unexpected end of input expecting "...", field name (* or [a..z0..9_$]), "*" or "count()"',
    ],
    [
      'id,clients(name[])',
      '"failed to parse select parameter (id,clients(name[]))" (line 1, column 16)',
      'unexpected \'[\' expecting letter, digit, "-", "->>", "->", "::", ".", ")", "," or end of input',
    ],
    [
      'data->>-78xy',
      '"failed to parse select parameter (data->>-78xy)" (line 1, column 11)',
      'unexpected \'x\' expecting digit, "->", "::", ".", "," or end of input',
    ],
    [
      'data->>--34',
      '"failed to parse select parameter (data->>--34)" (line 1, column 9)',
      'unexpected "-" expecting digit',
    ],
    [
      'data->(!@#$%^&*_d->>!@#$%^&*_e::integer',
      '"failed to parse select parameter (data->(!@#$%^&*_d->>!@#$%^&*_e::integer)" (line 1, column 7)',
      'unexpected "(" expecting "-", digit or any non reserved character different from: .,>()',
    ],
    [
      'name!hint',
      '"failed to parse select parameter (name!hint)" (line 1, column 5)',
      'unexpected \'!\' expecting letter, digit, "-", "->>", "->", "::", ".", ")", "," or end of input',
    ],
    [
      'name::',
      '"failed to parse select parameter (name::)" (line 1, column 7)',
      'unexpected end of input expecting letter or digit',
    ],
    [
      'a(b',
      '"failed to parse select parameter (a(b)" (line 1, column 4)',
      'unexpected end of input expecting letter, digit, "-", "->>", "->", "::", ".", ")", "," or end of input',
    ],
  ])('%s', (text, message, details) => {
    expectPostgrestError(() => parseSelect(text), { message, details });
  });

  it('counts columns in code points and tabs to the next multiple of 8', () => {
    expectPostgrestError(() => parseSelect('é,'), {
      message: '"failed to parse select parameter (é,)" (line 1, column 3)',
    });
    expectPostgrestError(() => parseSelect('\ta,'), {
      message: '"failed to parse select parameter (\ta,)" (line 1, column 11)',
    });
  });

  it('shows non-ASCII tokens as Haskell does', () => {
    expectPostgrestError(() => parseSelect('a(é€'), {
      details:
        'unexpected \'\\8364\' expecting letter, digit, "-", "->>", "->", "::", ".", ")", "," or end of input',
    });
    expectPostgrestError(() => parseSelect('a,∑'), {
      details: 'unexpected "\\8721" expecting "...", field name (* or [a..z0..9_$]), "*" or "count()"',
    });
  });

  it('stops quietly where the first item cannot start, like Parsec (PostgREST selects nothing)', () => {
    expect(parseSelect('*!hint')).toEqual([]);
    expect(parseSelect('id)')).toEqual([field('id')]);
  });
});

describe('parseSelect: what postgrest-js sends', () => {
  it.each([
    ['*', [{ type: 'star' }]],
    [
      'id, name,\n  author:profiles!posts_author_id_fkey ( name ),\n  comments!inner(count())',
      [
        field('id'),
        field('name'),
        {
          type: 'embed',
          relation: 'profiles',
          alias: 'author',
          hint: 'posts_author_id_fkey',
          join: 'left',
          spread: false,
          select: [field('name')],
        },
        { type: 'embed', relation: 'comments', join: 'inner', spread: false, select: [{ type: 'count' }] },
      ],
    ],
    ['"my col", other', [field('my col'), field('other')]],
    ['total:amount.sum()', [field('amount', { alias: 'total', aggregate: 'sum' })]],
  ] as const)('select(%j)', (columns, expected) => {
    const params = paramsOf(client().from('t').select(columns));
    expect(parseSelect(params.get('select') ?? '')).toEqual(expected);
  });

  it('keeps whitespace inside quotes, as the client does', () => {
    const params = paramsOf(client().from('t').select('"a  b" , c'));
    expect(params.get('select')).toBe('"a  b",c');
    expect(parseSelect(params.get('select') ?? '')).toEqual([field('a  b'), field('c')]);
  });
});
