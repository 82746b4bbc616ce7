import { describe, expect, it } from 'vitest';
import { client, expectError, rest } from './helpers.ts';

/** Ids of the posts (or `table`) a raw query string selects, in id order. */
async function ids(query: string, table = 'posts'): Promise<number[]> {
  const res = await rest(`/${table}?select=id&order=id&${query}`);
  const body = (await res.json()) as { id: number }[];
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.map((row) => row.id);
}

/** Every operator of PostgREST's filter grammar, `col=op.value`, against the fixture posts. */
describe('filter operators', () => {
  it('eq, neq, gt, gte, lt, lte compare with the column’s type', async () => {
    expect(await ids('id=eq.3')).toEqual([3]);
    expect(await ids('author_id=neq.1')).toEqual([3, 4, 5]);
    expect(await ids('rating=gt.3.25')).toEqual([1, 5]);
    expect(await ids('rating=gte.3.25')).toEqual([1, 2, 5]);
    expect(await ids('rating=lt.3.25')).toEqual([4]);
    expect(await ids('rating=lte.3.25')).toEqual([2, 4]);
  });

  it('values cast to timestamps, enums and booleans', async () => {
    expect(await ids('published_at=gte.2024-02-15')).toEqual([3, 5]);
    expect(await ids('published_at=lt.2024-02-01T10:00:00Z')).toEqual([1]);
    expect(await ids('mood=eq.sad', 'authors')).toEqual([2]);
    expect(await ids('published=eq.false')).toEqual([4]);
  });

  it('a value that does not parse as the column type is 400 22P02', async () => {
    await expectError(await rest('/posts?id=eq.abc'), 400, {
      code: '22P02',
      details: null,
      hint: null,
      message: 'invalid input syntax for type bigint: "abc"',
    });
  });

  it('like and ilike take * as the wildcard; like is case-sensitive', async () => {
    expect(await ids('title=like.*Bernoulli*')).toEqual([2]);
    expect(await ids('title=like.*bernoulli*')).toEqual([]);
    expect(await ids('title=ilike.*BERNOULLI*')).toEqual([2]);
    expect(await ids('title=like.Poes%25')).toEqual([5]);
  });

  it('match and imatch are POSIX regular expressions', async () => {
    expect(await ids('title=match.^The')).toEqual([3]);
    expect(await ids('title=match.^the')).toEqual([]);
    expect(await ids('title=imatch.^(the|notes)')).toEqual([1, 3]);
  });

  it('is: null, not_null, true, false, unknown, in any case', async () => {
    expect(await ids('rating=is.null')).toEqual([3]);
    expect(await ids('rating=is.NULL')).toEqual([3]);
    expect(await ids('rating=is.not_null')).toEqual([1, 2, 4, 5]);
    expect(await ids('published=is.true')).toEqual([1, 2, 3, 5]);
    expect(await ids('published=is.false')).toEqual([4]);
    expect(await ids('published=is.unknown')).toEqual([]);
  });

  it('an is value outside its vocabulary is PGRST100', async () => {
    const res = await rest('/posts?rating=is.5');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('PGRST100');
  });

  it('isdistinct treats null as a value', async () => {
    expect(await ids('rating=isdistinct.5')).toEqual([1, 2, 3, 4]);
    expect(await ids('rating=not.isdistinct.5')).toEqual([5]);
  });

  it('in takes a list; quoted items may hold commas, parentheses, dots and colons', async () => {
    expect(await ids('id=in.(1,3,5)')).toEqual([1, 3, 5]);
    expect(await ids('id=in.()')).toEqual([]);
    expect(await ids('title=in.("Draft: Unix philosophy","Poesía y café","x,y.(z)")')).toEqual([4, 5]);
    expect(await ids('name=in.(Ada,"Bri\\"an","C\\\\armen")', 'authors')).toEqual([1]);
  });

  it('supabase-js quotes .in() values that need it', async () => {
    const { data } = await client()
      .from('posts')
      .select('id')
      .in('title', ['Notes on the Analytical Engine', 'a,b', '(c)'])
      .order('id');
    expect(data).toEqual([{ id: 1 }]);
  });

  it('not. negates any operator', async () => {
    expect(await ids('id=not.in.(1,2)')).toEqual([3, 4, 5]);
    expect(await ids('id=not.eq.1')).toEqual([2, 3, 4, 5]);
    expect(await ids('rating=not.is.null')).toEqual([1, 2, 4, 5]);
    expect(await ids('title=not.like.*e*')).toEqual([4]);
    expect(await ids('tags=not.cs.{math}')).toEqual([3, 4, 5]);
  });

  it('several filters on one column are ANDed', async () => {
    expect(await ids('id=gt.1&id=lt.4')).toEqual([2, 3]);
  });

  it('cs, cd, ov on arrays', async () => {
    expect(await ids('tags=cs.{math}')).toEqual([1, 2]);
    expect(await ids('tags=cd.{math,history}')).toEqual([1, 2, 4]);
    expect(await ids('tags=ov.{poetry,c}')).toEqual([3, 5]);
  });

  it('contains and containedBy on jsonb, as supabase-js sends objects', async () => {
    const db = client();
    const contains = await db
      .from('posts')
      .select('id')
      .contains('metadata', { meta: { lang: 'es' } });
    expect(contains.data).toEqual([{ id: 5 }]);
    const arrays = await db.from('posts').select('id').overlaps('tags', ['history', 'poetry']).order('id');
    expect(arrays.data).toEqual([{ id: 1 }, { id: 5 }]);
    const within = await db.from('posts').select('id').containedBy('tags', ['math']).order('id');
    expect(within.data).toEqual([{ id: 2 }, { id: 4 }]);
  });

  it('range operators: cs, cd, ov, sl, sr, nxl, nxr, adj', async () => {
    expect(await ids('slot=cs.[2,3]', 'bookings')).toEqual([1]);
    expect(await ids('slot=cd.[0,10)', 'bookings')).toEqual([1, 2]);
    expect(await ids('slot=ov.[4,6)', 'bookings')).toEqual([1, 2]);
    expect(await ids('slot=sl.[10,12)', 'bookings')).toEqual([1, 2]);
    expect(await ids('slot=sr.[1,5)', 'bookings')).toEqual([2, 3]);
    expect(await ids('slot=nxr.[1,10)', 'bookings')).toEqual([1, 2]);
    expect(await ids('slot=nxl.[5,100)', 'bookings')).toEqual([2, 3]);
    expect(await ids('slot=adj.[10,12)', 'bookings')).toEqual([2]);
    expect(await ids('period=ov.[2024-01-01T12:00:00Z,2024-01-01T13:00:00Z]', 'bookings')).toEqual([1]);
  });

  it('supabase-js range helpers map to the range operators', async () => {
    const db = client();
    const gt = await db.from('bookings').select('id').rangeGt('slot', '[1,5)').order('id');
    expect(gt.data).toEqual([{ id: 2 }, { id: 3 }]);
    const adjacent = await db.from('bookings').select('id').rangeAdjacent('slot', '[10,12)');
    expect(adjacent.data).toEqual([{ id: 2 }]);
  });

  it('(any) and (all) quantify over a list', async () => {
    expect(await ids('id=eq(any).{1,5}')).toEqual([1, 5]);
    expect(await ids('id=gt(all).{1,2}')).toEqual([3, 4, 5]);
    expect(await ids('title=like(any).{Bern*,Poes*}')).toEqual([2, 5]);
    expect(await ids('title=like(all).{*e*,*o*}')).toEqual([1, 2, 3, 5]);
    expect(await ids('title=ilike(any).{*ENGINE*,*LANGUAGE*}')).toEqual([1, 3]);
    expect(await ids('title=match(any).{^Bern,^Draft}')).toEqual([2, 4]);
    expect(await ids('id=not.eq(any).{1,5}')).toEqual([2, 3, 4]);
  });

  it('JSON paths on the left of a filter', async () => {
    expect(await ids('metadata->meta->>lang=eq.es')).toEqual([5]);
    expect(await ids('metadata->words=gt.1000')).toEqual([1, 3]);
    expect(await ids('metadata->flags->>0=eq.classic')).toEqual([3]);
    const { data } = await client().from('posts').select('id').eq('metadata->>words', '800');
    expect(data).toEqual([{ id: 2 }]);
  });

  it('a filter on a column not in select still filters', async () => {
    const res = await rest('/posts?select=title&rating=eq.5');
    expect(await res.json()).toEqual([{ title: 'Poesía y café' }]);
  });

  it('a filter without an operator is PGRST100 with PostgREST’s wording', async () => {
    await expectError(await rest('/posts?id=0'), 400, {
      code: 'PGRST100',
      details: 'unexpected "0" expecting "not" or operator (eq, gt, ...)',
      hint: null,
      message: '"failed to parse filter (0)" (line 1, column 1)',
    });
  });

  it('a filter on an unknown column is 42703', async () => {
    await expectError(await rest('/posts?nope=eq.1'), 400, {
      code: '42703',
      details: null,
      hint: null,
      message: 'column posts.nope does not exist',
    });
  });
});
