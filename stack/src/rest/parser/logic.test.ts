import { describe, expect, it } from 'vitest';
import type { Condition } from '../ast.ts';
import { parseLogicTree } from './logic.ts';
import { MAX_NESTING } from './parsec.ts';
import { client, expectPostgrestError, paramsOf } from './test-helpers.ts';

const leaf = (name: string, operator: string, value: string | string[], negated = false): Condition =>
  ({ type: 'filter', field: { name, path: [] }, negated, operator, value }) as Condition;

const tree = (operator: 'and' | 'or', children: Condition[], negated = false): Condition => ({
  type: 'logic',
  operator,
  negated,
  children,
});

describe('parseLogicTree', () => {
  it('reads or / and with col.op.value leaves', () => {
    expect(parseLogicTree('or', '(a.eq.1,b.gt.2)')).toEqual({
      path: [],
      condition: tree('or', [leaf('a', 'eq', '1'), leaf('b', 'gt', '2')]),
    });
    expect(parseLogicTree('and', '(a.eq.1)').condition).toEqual(tree('and', [leaf('a', 'eq', '1')]));
  });

  it('reads negation at the top (not.or key) and inside (not.and(...))', () => {
    expect(parseLogicTree('not.or', '(a.eq.1,b.not.is.null)').condition).toEqual(
      tree('or', [leaf('a', 'eq', '1'), leaf('b', 'is', 'null', true)], true),
    );
    expect(parseLogicTree('or', '(a.eq.1,not.and(b.gt.2,c.lt.3),and(d.eq.4))').condition).toEqual(
      tree('or', [
        leaf('a', 'eq', '1'),
        tree('and', [leaf('b', 'gt', '2'), leaf('c', 'lt', '3')], true),
        tree('and', [leaf('d', 'eq', '4')]),
      ]),
    );
  });

  it('reads embed paths from the key', () => {
    expect(parseLogicTree('author.or', '(a.eq.1)').path).toEqual(['author']);
    expect(parseLogicTree('author.books.not.and', '(a.eq.1)')).toMatchObject({
      path: ['author', 'books'],
      condition: { operator: 'and', negated: true },
    });
  });

  it('reads values with quotes, parentheses and commas inside quotes, arrays and in lists', () => {
    expect(
      parseLogicTree('or', '(name.eq."a,b)",tags.cs.{x,y},id.in.(1,"2,3"),q.like."say \\"hi\\"")').condition,
    ).toEqual(
      tree('or', [
        leaf('name', 'eq', 'a,b)'),
        leaf('tags', 'cs', '{x,y}'),
        leaf('id', 'in', ['1', '2,3']),
        leaf('q', 'like', 'say "hi"'),
      ]),
    );
  });

  it('reads quantified operators, fts with a language and JSON paths inside trees', () => {
    expect(parseLogicTree('or', '(a.like(any).{x*,y*},b.fts(english).cat,data->>k.eq.v)').condition).toEqual(
      tree('or', [
        {
          type: 'filter',
          field: { name: 'a', path: [] },
          negated: false,
          operator: 'like',
          quantifier: 'any',
          value: ['x*', 'y*'],
        },
        {
          type: 'filter',
          field: { name: 'b', path: [] },
          negated: false,
          operator: 'fts',
          language: 'english',
          value: 'cat',
        },
        {
          type: 'filter',
          field: { name: 'data', path: [{ arrow: '->>', key: 'k' }] },
          negated: false,
          operator: 'eq',
          value: 'v',
        },
      ]),
    );
  });

  it('allows whitespace around items (PostgREST AndOrParamsSpec)', () => {
    expect(
      parseLogicTree('and', '( and ( id.in.( 1, 2, 3 ) , id.eq.3 ) , or ( id.eq.2 , id.eq.3 ) )').condition,
    ).toEqual(
      tree('and', [
        tree('and', [leaf('id', 'in', ['1', ' 2', ' 3 ']), leaf('id', 'eq', '3 ')]),
        tree('or', [leaf('id', 'eq', '2 '), leaf('id', 'eq', '3 ')]),
      ]),
    );
  });

  it('keeps an unquoted value up to the next comma or parenthesis', () => {
    expect(parseLogicTree('or', '(a.eq.x(y))').condition).toEqual(tree('or', [leaf('a', 'eq', 'x(y')]));
  });

  it.each([
    [
      '()',
      4,
      'unexpected ")" expecting field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)',
    ],
    ['(id.in.1,2,id.eq.3)', 10, 'unexpected "1" expecting "("'],
    [')(', 3, 'unexpected ")" expecting "("'],
    ['(ord(id.eq.1,id.eq.1),id.eq.2)', 6, 'unexpected "d" expecting "("'],
    ['(id.eq.1,not.xor(id.eq.2,id.eq.3))', 16, 'unexpected "x" expecting logic operator (and, or)'],
    // Columns count from the key's operator, which is glued in front of the value.
    ['(a.eq.1', 10, 'unexpected end of input expecting "," or ")"'],
  ])('or=%s fails like PostgREST', (value, column, details) => {
    expectPostgrestError(() => parseLogicTree('or', value), {
      message: `"failed to parse logic tree (${value})" (line 1, column ${column})`,
      details,
    });
  });

  it('fails a malformed key', () => {
    expectPostgrestError(() => parseLogicTree('a..or', '(a.eq.1)'), {
      message: '"failed to parse logic path (a..or)" (line 1, column 3)',
    });
  });

  it('fails a malformed (any) list after the tree parsed, as PostgreSQL would', () => {
    expectPostgrestError(() => parseLogicTree('or', '(a.eq(any).x)'), { code: '22P02' });
  });

  it(`bounds nesting at ${MAX_NESTING} levels`, () => {
    const deep = (n: number) => `(${'and('.repeat(n)}a.eq.1${')'.repeat(n)})`;
    expect(() => parseLogicTree('or', deep(MAX_NESTING - 2))).not.toThrow();
    expectPostgrestError(() => parseLogicTree('or', deep(MAX_NESTING)), {
      details: `nesting deeper than ${MAX_NESTING} levels`,
    });
  });
});

describe('parseLogicTree: what postgrest-js sends', () => {
  it('or() appends `or=(…)`, referencedTable prefixes the key', () => {
    const builder = client()
      .from('t')
      .select('*,author(*)')
      .or('id.eq.1,name.in.("a,b",c)')
      .or('age.gte.18,and(a.is.null,b.not.is.null)', { referencedTable: 'author' });
    const logic = [...paramsOf(builder)].filter(([key]) => key.endsWith('or'));
    expect(logic.map(([key, value]) => parseLogicTree(key, value))).toEqual([
      { path: [], condition: tree('or', [leaf('id', 'eq', '1'), leaf('name', 'in', ['a,b', 'c'])]) },
      {
        path: ['author'],
        condition: tree('or', [
          leaf('age', 'gte', '18'),
          tree('and', [leaf('a', 'is', 'null'), leaf('b', 'is', 'null', true)]),
        ]),
      },
    ]);
  });

  it('not("or", …) and filter("and", …) become not.or= / and= style values', () => {
    const builder = client().from('t').select().not('x', 'in', '(1,2)').filter('y', 'not.like', '*a*');
    const params = [...paramsOf(builder)].filter(([key]) => key !== 'select');
    expect(params).toEqual([
      ['x', 'not.in.(1,2)'],
      ['y', 'not.like.*a*'],
    ]);
  });
});
