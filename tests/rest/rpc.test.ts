import { describe, expect, it } from 'vitest';
import { client, jsonBody, rest, unique } from './helpers.ts';

/** `/rpc/<fn>`: every return shape, every verb supabase-js uses. */
describe('rpc', () => {
  const db = client('anon');

  it('a scalar function answers a JSON scalar', async () => {
    const { data, error, status } = await db.rpc('add_numbers', { a: 2, b: 3 });
    expect({ data, error, status }).toEqual({ data: 5, error: null, status: 200 });
    const res = await rest('/rpc/greet', jsonBody('POST', { name: 'Ada' }));
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.text()).toBe('"Hello, Ada!"');
  });

  it('parameters with defaults may be left out', async () => {
    const { data } = await db.rpc('greet');
    expect(data).toBe('Hello, world!');
  });

  it('GET passes arguments in the query string ({ get: true })', async () => {
    const { data, status } = await db.rpc('add_numbers', { a: 1, b: 2 }, { get: true });
    expect({ data, status }).toEqual({ data: 3, status: 200 });
    const res = await rest('/rpc/greet?name=Brian');
    expect(await res.json()).toBe('Hello, Brian!');
  });

  it('HEAD runs the function and returns no body ({ head: true })', async () => {
    const { data, count, status } = await db.rpc('all_authors', {}, { head: true, count: 'exact' });
    expect({ data, count, status }).toEqual({ data: null, count: 4, status: 200 });
  });

  it('SETOF a table returns an array of rows', async () => {
    const { data } = await db.rpc('authors_with_mood', { wanted: 'sad' });
    expect(data).toEqual([{ id: 2, name: 'Brian', email: null, mood: 'sad' }]);
  });

  it('SETOF results take select, filters, order and limit like a table', async () => {
    const { data } = await db
      .rpc('all_authors')
      .select('name')
      .gt('id', 1)
      .order('name', { ascending: false })
      .limit(2);
    expect(data).toEqual([{ name: 'Dmitri' }, { name: 'Carmen' }]);
  });

  it('SETOF a table embeds through the table’s foreign keys', async () => {
    const { data } = await db.rpc('all_authors').select('name,posts(id)').eq('id', 3);
    expect(data).toEqual([{ name: 'Carmen', posts: [{ id: 5 }] }]);
  });

  it('RETURNS TABLE (...) returns rows with those columns', async () => {
    const { data } = await db.rpc('post_counts').order('author_id');
    expect(data).toEqual([
      { author_id: 1, post_count: 2 },
      { author_id: 2, post_count: 2 },
      { author_id: 3, post_count: 1 },
      { author_id: 4, post_count: 0 },
    ]);
  });

  it('a composite return (not SETOF) is one object', async () => {
    const { data } = await db.rpc('author_by_id', { author_id: 3 });
    expect(data).toEqual({ id: 3, name: 'Carmen', email: 'carmen@example.com', mood: 'neutral' });
  });

  it('SETOF a scalar is an array of values', async () => {
    const { data } = await db.rpc('author_names');
    expect(data).toEqual(['Ada', 'Brian', 'Carmen', 'Dmitri']);
  });

  it('a void function is 204 with no body', async () => {
    const res = await rest('/rpc/do_nothing', jsonBody('POST', {}));
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    const { data, error, status } = await db.rpc('do_nothing');
    expect({ data, error, status }).toEqual({ data: null, error: null, status: 204 });
  });

  it('a single unnamed json parameter receives the whole body', async () => {
    const payload = { hello: 'world', list: [1, 2, 3], nested: { ok: true } };
    const { data } = await db.rpc('echo_body', payload);
    expect(data).toEqual(payload);
  });

  it('overloads are told apart by their argument names', async () => {
    expect((await db.rpc('describe', { n: 1 })).data).toBe('one number: 1');
    expect((await db.rpc('describe', { n: 1, m: 2 })).data).toBe('two numbers: 1, 2');
  });

  it('a VOLATILE function may write on POST', async () => {
    const counter = unique('counter');
    expect((await db.rpc('bump', { counter })).data).toBe(1);
    expect((await db.rpc('bump', { counter })).data).toBe(2);
  });

  it('counts and pages SETOF results: 206 with Content-Range', async () => {
    const res = await rest('/rpc/all_authors?select=id&order=id&limit=2', {
      ...jsonBody('POST', {}),
      headers: { 'Content-Type': 'application/json', Prefer: 'count=exact' },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('0-1/4');
    expect(await res.json()).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('single() on a SETOF result returns the object', async () => {
    const { data } = await db.rpc('all_authors').select('name').eq('id', 4).single();
    expect(data).toEqual({ name: 'Dmitri' });
  });

  it('request settings reach the function: role, auth.uid() and method', async () => {
    const post = await db.rpc('whoami');
    expect(post.data).toEqual({ role: 'anon', uid: null, method: 'POST' });
    const get = await db.rpc('whoami', {}, { get: true });
    expect(get.data).toEqual({ role: 'anon', uid: null, method: 'GET' });
  });
});
