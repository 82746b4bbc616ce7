import { describe, expect, it } from 'vitest';
import type { Filter, NodeModifiers } from '../ast.ts';
import { parseQuery } from './query.ts';
import { client, expectPostgrestError, paramsOf } from './test-helpers.ts';

const q = (text: string, argumentNames?: string[]) =>
  parseQuery(new URLSearchParams(text), argumentNames && { argumentNames: new Set(argumentNames) });

const eq = (name: string, value: string): Filter => ({
  type: 'filter',
  field: { name, path: [] },
  negated: false,
  operator: 'eq',
  value,
});

const node = (path: string[], extra: Partial<NodeModifiers> = {}): NodeModifiers => ({
  path,
  conditions: [],
  order: [],
  ...extra,
});

describe('parseQuery: reserved keys', () => {
  it('defaults to select=* with an empty root', () => {
    expect(q('')).toEqual({ select: [{ type: 'star' }], modifiers: [node([])], arguments: new Map() });
  });

  it('reads select, columns and on_conflict from their first occurrence', () => {
    const request = q('select=id&select=name&columns="a","b","a"&columns=c&on_conflict=a, b');
    expect(request.select).toEqual([{ type: 'field', field: { name: 'id', path: [] } }]);
    expect(request.columns).toEqual(['a', 'b']);
    expect(request.onConflict).toEqual(['a', 'b']);
  });

  it('reads order, limit, offset and logic trees for the root and for embeds', () => {
    const request = q(
      'select=*,author(*,company(*))&order=id.desc&limit=10&offset=20&author.order=name&author.limit=2' +
        '&author.company.limit=1&author.company.offset=3&or=(a.eq.1)&author.not.and=(b.eq.2)',
    );
    expect(request.modifiers).toEqual([
      node([], {
        order: [{ field: { name: 'id', path: [] }, direction: 'desc' }],
        limit: 10,
        offset: 20,
        conditions: [{ type: 'logic', operator: 'or', negated: false, children: [eq('a', '1')] }],
      }),
      node(['author'], {
        order: [{ field: { name: 'name', path: [] } }],
        limit: 2,
        conditions: [{ type: 'logic', operator: 'and', negated: true, children: [eq('b', '2')] }],
      }),
      node(['author', 'company'], { limit: 1, offset: 3 }),
    ]);
  });

  it('treats `x.select` and `x.columns` as filters on embed x, like PostgREST', () => {
    expect(q('author.select=eq.1').modifiers[1]).toEqual(
      node(['author'], { conditions: [eq('select', '1')] }),
    );
  });
});

describe('parseQuery: filters', () => {
  it('ANDs repeated filters on the same column, in query order', () => {
    expect(q('age=gte.18&age=lt.65&name=eq.x').modifiers[0]?.conditions).toMatchObject([
      { field: { name: 'age' }, operator: 'gte', value: '18' },
      { field: { name: 'age' }, operator: 'lt', value: '65' },
      { field: { name: 'name' }, operator: 'eq', value: 'x' },
    ]);
  });

  it('sends embed-prefixed filters to the embed path, root first then by first mention', () => {
    const request = q('author.company.name=eq.c&author.name=eq.x&id=eq.1');
    expect(request.modifiers.map((m) => m.path)).toEqual([[], ['author', 'company'], ['author']]);
    expect(request.modifiers[0]?.conditions).toEqual([eq('id', '1')]);
    expect(request.modifiers[2]?.conditions).toEqual([eq('name', 'x')]);
  });

  it('reads embed presence filters (rel=is.null) as plain filters for the builder to check', () => {
    expect(q('author=not.is.null').modifiers[0]?.conditions).toMatchObject([
      { field: { name: 'author' }, negated: true, operator: 'is', value: 'null' },
    ]);
  });

  it('keeps the first order of a path and the last limit/offset', () => {
    const request = q('order=a&order=b&limit=1&limit=2&offset=3&offset=4');
    expect(request.modifiers[0]).toMatchObject({ order: [{ field: { name: 'a' } }], limit: 2, offset: 4 });
  });
});

describe('parseQuery: RPC arguments', () => {
  it('keeps the named arguments raw and parses the rest as filters', () => {
    const request = q('a=1&b={1,2}&a=3&x=eq.3&select=x', ['a', 'b']);
    expect(request.arguments).toEqual(
      new Map([
        ['a', '3'],
        ['b', '{1,2}'],
      ]),
    );
    expect(request.modifiers[0]?.conditions).toEqual([eq('x', '3')]);
  });

  it('does not let an argument name shadow a reserved key', () => {
    expect(q('limit=5', ['limit']).modifiers[0]?.limit).toBe(5);
  });

  it('rejects a key that is neither argument nor filter', () => {
    expectPostgrestError(() => q('c=1', ['a']), {
      message: '"failed to parse filter (1)" (line 1, column 1)',
    });
  });
});

describe('parseQuery: errors', () => {
  it('reports in PostgREST order: order, logic, columns, select, filters, on_conflict, then ranges', () => {
    const bad = {
      order: 'order=a.x',
      or: 'or=()',
      columns: 'columns=',
      select: 'select=a,',
      filter: 'id=zz.1',
      on_conflict: 'on_conflict=',
      limit: 'limit=-1',
    };
    // Put the parts in reverse order so query-string order cannot explain the result.
    const parts = Object.values(bad).reverse();
    const reported: string[] = [];
    while (parts.length > 0) {
      try {
        q(parts.join('&'));
      } catch (error) {
        reported.push((error as Error).message.split(' (')[0] ?? '');
      }
      parts.pop();
    }
    expect(reported).toEqual([
      '"failed to parse order',
      '"failed to parse logic tree',
      '"failed to parse columns parameter',
      '"failed to parse select parameter',
      '"failed to parse filter',
      '"failed to parse on_conflict parameter',
      'Requested range not satisfiable',
    ]);
  });
});

describe('parseQuery: what postgrest-js sends', () => {
  it('a typical read: select, filters, or, order, range on the root and an embed', () => {
    const builder = client()
      .from('posts')
      .select('id, title, author:profiles!posts_author_id_fkey(name), comments(id, body)')
      .eq('published', true)
      .in('status', ['live', 'a,b'])
      .or('views.gt.100,pinned.is.true')
      .eq('comments.flagged', false)
      .order('created_at', { ascending: false })
      .order('id', { referencedTable: 'comments' })
      .limit(5, { referencedTable: 'comments' })
      .range(20, 29);
    const request = parseQuery(paramsOf(builder));
    expect(request.select).toHaveLength(4);
    expect(request.modifiers).toEqual([
      node([], {
        conditions: [
          eq('published', 'true'),
          {
            type: 'filter',
            field: { name: 'status', path: [] },
            negated: false,
            operator: 'in',
            value: ['live', 'a,b'],
          },
          {
            type: 'logic',
            operator: 'or',
            negated: false,
            children: [
              {
                type: 'filter',
                field: { name: 'views', path: [] },
                negated: false,
                operator: 'gt',
                value: '100',
              },
              {
                type: 'filter',
                field: { name: 'pinned', path: [] },
                negated: false,
                operator: 'is',
                value: 'true',
              },
            ],
          },
        ],
        order: [{ field: { name: 'created_at', path: [] }, direction: 'desc' }],
        limit: 10,
        offset: 20,
      }),
      node(['comments'], {
        conditions: [eq('flagged', 'false')],
        order: [{ field: { name: 'id', path: [] }, direction: 'asc' }],
        limit: 5,
      }),
    ]);
  });

  it('range on a referenced table', () => {
    const builder = client().from('t').select('*,items(*)').range(0, 9, { referencedTable: 'items' });
    expect(parseQuery(paramsOf(builder)).modifiers[1]).toEqual(node(['items'], { limit: 10 }));
  });

  it('bulk insert sends quoted columns; upsert sends on_conflict', () => {
    const insert = client()
      .from('t')
      .insert([{ a: 1, 'my col': 2 }, { b: 3 }]);
    expect(parseQuery(paramsOf(insert)).columns).toEqual(['a', 'my col', 'b']);
    const upsert = client()
      .from('t')
      .upsert([{ room_id: 1, user_id: 2 }], { onConflict: 'room_id,user_id' })
      .select('room_id');
    const request = parseQuery(paramsOf(upsert));
    expect(request.onConflict).toEqual(['room_id', 'user_id']);
    expect(request.columns).toEqual(['room_id', 'user_id']);
    expect(request.select).toEqual([{ type: 'field', field: { name: 'room_id', path: [] } }]);
  });

  it('update and delete filters', () => {
    const update = client().from('t').update({ a: 1 }).eq('id', 7).not('b', 'is', null);
    expect(parseQuery(paramsOf(update)).modifiers[0]?.conditions).toMatchObject([
      { operator: 'eq', value: '7' },
      { negated: true, operator: 'is', value: 'null' },
    ]);
    const remove = client().from('t').delete().in('id', [1, 2]);
    expect(parseQuery(paramsOf(remove)).modifiers[0]?.conditions).toMatchObject([
      { operator: 'in', value: ['1', '2'] },
    ]);
  });

  it('rpc with get:true sends arguments (arrays as {…}) next to filters', () => {
    const builder = client()
      .rpc('search', { term: 'a,b', ids: [1, 2], flag: true }, { get: true })
      .gte('score', 3)
      .limit(2);
    const request = parseQuery(paramsOf(builder), { argumentNames: new Set(['term', 'ids', 'flag']) });
    expect(request.arguments).toEqual(
      new Map([
        ['term', 'a,b'],
        ['ids', '{1,2}'],
        ['flag', 'true'],
      ]),
    );
    expect(request.modifiers).toEqual([
      node([], {
        conditions: [
          { type: 'filter', field: { name: 'score', path: [] }, negated: false, operator: 'gte', value: '3' },
        ],
        limit: 2,
      }),
    ]);
  });
});
