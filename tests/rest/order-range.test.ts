import { describe, expect, it } from 'vitest';
import { client, expectError, rest } from './helpers.ts';

async function ids(query: string): Promise<number[]> {
  const res = await rest(`/posts?select=id&${query}`);
  const body = (await res.json()) as { id: number }[];
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.map((row) => row.id);
}

describe('order', () => {
  it('asc puts nulls last and desc puts them first, as PostgreSQL does', async () => {
    expect(await ids('order=rating.asc')).toEqual([4, 2, 1, 5, 3]);
    expect(await ids('order=rating.desc')).toEqual([3, 5, 1, 2, 4]);
    expect(await ids('order=rating')).toEqual([4, 2, 1, 5, 3]);
  });

  it('nullsfirst and nullslast override the default', async () => {
    expect(await ids('order=rating.asc.nullsfirst')).toEqual([3, 4, 2, 1, 5]);
    expect(await ids('order=rating.desc.nullslast')).toEqual([5, 1, 2, 4, 3]);
    const { data } = await client()
      .from('posts')
      .select('id')
      .order('rating', { ascending: false, nullsFirst: false });
    expect(data?.map((p) => p.id)).toEqual([5, 1, 2, 4, 3]);
  });

  it('several terms, and terms appended by supabase-js, apply in order', async () => {
    expect(await ids('order=author_id.desc,id.asc')).toEqual([5, 3, 4, 1, 2]);
    const { data } = await client().from('posts').select('id').order('published').order('id', {
      ascending: false,
    });
    expect(data?.map((p) => p.id)).toEqual([4, 5, 3, 2, 1]);
  });

  it('JSON paths order by the JSON value', async () => {
    expect(await ids('order=metadata->words.desc.nullslast')).toEqual([3, 1, 2, 5, 4]);
  });

  it('an unparsable order is PGRST100', async () => {
    const res = await rest('/posts?order=id.sideways');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('PGRST100');
    expect(body.message).toMatch(/^"failed to parse order \(id\.sideways\)"/);
  });
});

describe('limit, offset and Content-Range', () => {
  it('limit and offset page the rows; Content-Range gives the page and * for the total', async () => {
    const res = await rest('/posts?select=id&order=id&limit=2&offset=2');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-range')).toBe('2-3/*');
    expect(await res.json()).toEqual([{ id: 3 }, { id: 4 }]);
  });

  it('supabase-js range(from, to) is offset/limit', async () => {
    const { data, status } = await client().from('posts').select('id').order('id').range(1, 3);
    expect(status).toBe(200);
    expect(data).toEqual([{ id: 2 }, { id: 3 }, { id: 4 }]);
  });

  it('an empty result is */* without a count and */0 with one', async () => {
    const plain = await rest('/posts?id=eq.0');
    expect(plain.headers.get('content-range')).toBe('*/*');
    expect(await plain.json()).toEqual([]);
    const counted = await rest('/posts?id=eq.0', { headers: { Prefer: 'count=exact' } });
    expect(counted.status).toBe(200);
    expect(counted.headers.get('content-range')).toBe('*/0');
  });

  it('limit=0 returns no rows; a negative offset is ignored', async () => {
    const none = await rest('/posts?limit=0');
    expect(none.status).toBe(200);
    expect(await none.json()).toEqual([]);
    expect(await ids('order=id&offset=-4')).toEqual([1, 2, 3, 4, 5]);
  });

  it('a negative limit is 416 PGRST103', async () => {
    await expectError(await rest('/posts?limit=-1'), 416, {
      code: 'PGRST103',
      details: 'Limit should be greater than or equal to zero.',
      hint: null,
      message: 'Requested range not satisfiable',
    });
  });

  it('an offset past the end without a count is just an empty page', async () => {
    const res = await rest('/posts?offset=100');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  it('an offset past the counted total is 416 with the total in Content-Range', async () => {
    const res = await rest('/posts?offset=10', { headers: { Prefer: 'count=exact' } });
    expect(res.headers.get('content-range')).toBe('*/5');
    await expectError(res, 416, {
      code: 'PGRST103',
      details: 'An offset of 10 was requested, but there are only 5 rows.',
      hint: null,
      message: 'Requested range not satisfiable',
    });
  });
});

describe('counts', () => {
  it('count=exact on a partial page is 206 with first-last/total', async () => {
    const res = await rest('/posts?select=id&order=id&limit=2', { headers: { Prefer: 'count=exact' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('0-1/5');
    const { count, status, data } = await client()
      .from('posts')
      .select('id', { count: 'exact' })
      .order('id')
      .range(3, 4);
    expect({ count, status, data }).toEqual({ count: 5, status: 206, data: [{ id: 4 }, { id: 5 }] });
  });

  it('count=exact on the whole result is 200', async () => {
    const res = await rest('/posts?select=id&author_id=eq.1', { headers: { Prefer: 'count=exact' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-range')).toBe('0-1/2');
  });

  it('head: true counts without a body (HEAD)', async () => {
    const { count, data, status } = await client()
      .from('posts')
      .select('*', { count: 'exact', head: true })
      .eq('published', true);
    expect({ count, data, status }).toEqual({ count: 4, data: null, status: 200 });
    const res = await rest('/posts', { method: 'HEAD', headers: { Prefer: 'count=exact' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-range')).toBe('0-4/5');
    expect(await res.text()).toBe('');
  });

  it('count=planned gives the planner’s estimate as a number', async () => {
    const res = await rest('/posts?select=id', { headers: { Prefer: 'count=planned' } });
    expect([200, 206]).toContain(res.status);
    expect(res.headers.get('content-range')).toMatch(/^0-4\/\d+$/);
    const { count } = await client().from('posts').select('id', { count: 'planned', head: true });
    expect(typeof count).toBe('number');
  });

  it('count=estimated is exact while the estimate is under max-rows', async () => {
    const { count, status } = await client().from('posts').select('id', { count: 'estimated' }).gt('id', 2);
    expect({ count, status }).toEqual({ count: 3, status: 200 });
  });

  it('a count with embeds counts parent rows only', async () => {
    const { count, data } = await client()
      .from('authors')
      .select('id,posts(id)', { count: 'exact' })
      .order('id')
      .limit(1);
    expect(count).toBe(4);
    expect(data).toHaveLength(1);
  });
});
