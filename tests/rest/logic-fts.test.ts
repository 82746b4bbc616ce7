import { describe, expect, it } from 'vitest';
import { client, expectError, rest } from './helpers.ts';

async function ids(query: string): Promise<number[]> {
  const res = await rest(`/posts?select=id&order=id&${query}`);
  const body = (await res.json()) as { id: number }[];
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.map((row) => row.id);
}

describe('logical trees', () => {
  it('or=(...) matches any branch', async () => {
    expect(await ids('or=(id.eq.1,rating.is.null)')).toEqual([1, 3]);
  });

  it('and=(...) matches every branch, and nests with or()', async () => {
    expect(await ids('and=(author_id.eq.1,or(id.eq.2,rating.gt.4))')).toEqual([1, 2]);
    expect(await ids('or=(id.eq.5,and(author_id.eq.2,published.is.false))')).toEqual([4, 5]);
  });

  it('not.or and not.and negate a whole tree; not. works inside one', async () => {
    expect(await ids('not.or=(id.eq.1,id.eq.2)')).toEqual([3, 4, 5]);
    expect(await ids('not.and=(author_id.eq.1,id.eq.2)')).toEqual([1, 3, 4, 5]);
    expect(await ids('or=(id.not.in.(1,2,3,4),not.and(author_id.neq.1,id.neq.2))')).toEqual([1, 2, 5]);
  });

  it('trees combine with plain filters by AND, and allow whitespace and quotes', async () => {
    expect(await ids('published=is.true&or=( id.eq.4 , id.eq.5 )')).toEqual([5]);
    expect(await ids('or=(title.eq."Poesía y café",title.like.*Engine)')).toEqual([1, 5]);
    expect(await ids('or=(title.in.("Draft: Unix philosophy","a,b"),id.eq.2)')).toEqual([2, 4]);
  });

  it('trees take JSON paths, (any) modifiers and fts operators', async () => {
    expect(await ids('or=(metadata->meta->>lang.eq.es,id.eq(any).{2})')).toEqual([2, 5]);
    expect(await ids('or=(search.fts.engine,search.plfts(english).hello world)')).toEqual([1, 3]);
  });

  it('supabase-js .or() and .not() produce the same trees', async () => {
    const db = client();
    const or = await db
      .from('posts')
      .select('id')
      .or('id.eq.1,and(author_id.eq.3,published.is.true)')
      .order('id');
    expect(or.data).toEqual([{ id: 1 }, { id: 5 }]);
    const not = await db.from('posts').select('id').not('rating', 'is', null).not('id', 'in', '(1,2)');
    expect(not.data?.map((r) => r.id).sort()).toEqual([4, 5]);
  });

  it('an empty tree is PGRST100 with PostgREST’s wording', async () => {
    await expectError(await rest('/posts?or=()'), 400, {
      code: 'PGRST100',
      details:
        'unexpected ")" expecting field name (* or [a..z0..9_$]), negation operator (not) or logic operator (and, or)',
      hint: null,
      message: '"failed to parse logic tree (())" (line 1, column 4)',
    });
  });
});

describe('full-text search', () => {
  it('fts on a tsvector column uses to_tsquery', async () => {
    expect(await ids('search=fts.program')).toEqual([2, 3, 4]);
    expect(await ids('search=fts.program %26 !unix')).toEqual([2, 3]);
  });

  it('plfts, phfts and wfts use plain, phrase and websearch parsing', async () => {
    expect(await ids('search=plfts.hello world')).toEqual([3]);
    expect(await ids('search=phfts.hello world')).toEqual([3]);
    expect(await ids('search=phfts.world hello')).toEqual([]);
    expect(await ids('search=wfts."hello world" or engine')).toEqual([1, 3]);
    expect(await ids('search=wfts.program -unix')).toEqual([2, 3]);
  });

  it('a language applies to both sides; text columns are wrapped in to_tsvector', async () => {
    expect(await ids('body=fts(english).programs')).toEqual([2, 3, 4]);
    expect(await ids('body=fts(simple).programs')).toEqual([3, 4]);
    expect(await ids('title=plfts(spanish).poesía')).toEqual([5]);
  });

  it('not.fts negates the match', async () => {
    expect(await ids('search=not.fts(english).program')).toEqual([1, 5]);
  });

  it('supabase-js textSearch sends each variant', async () => {
    const db = client();
    const plain = await db.from('posts').select('id').textSearch('search', "'hello' & 'world'");
    expect(plain.data).toEqual([{ id: 3 }]);
    const web = await db
      .from('posts')
      .select('id')
      .textSearch('body', '"compute bernoulli"', { type: 'websearch', config: 'english' });
    expect(web.data).toEqual([{ id: 2 }]);
    const phrase = await db
      .from('posts')
      .select('id')
      .textSearch('search', 'analytical engine', { type: 'phrase' });
    expect(phrase.data).toEqual([{ id: 1 }]);
  });

  it('an unknown text-search configuration is a PostgreSQL error, not a crash', async () => {
    await expectError(await rest('/posts?search=fts(klingon).qapla'), 400, {
      code: '42704',
      details: null,
      hint: null,
      message: 'text search configuration "klingon" does not exist',
    });
  });
});
