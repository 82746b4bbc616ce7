import { describe, expect, it } from 'vitest';
import { client, expectError, rest } from './helpers.ts';

const OBJECT = 'application/vnd.pgrst.object+json';

describe('single(), maybeSingle()', () => {
  const db = client();

  it('single() returns the one row as an object, in the singular media type', async () => {
    const { data, error, status } = await db.from('authors').select('name').eq('id', 1).single();
    expect({ data, error, status }).toEqual({ data: { name: 'Ada' }, error: null, status: 200 });
    const res = await rest('/authors?select=name&id=eq.1', { headers: { Accept: OBJECT } });
    expect(res.headers.get('content-type')).toBe('application/vnd.pgrst.object+json; charset=utf-8');
    expect(await res.json()).toEqual({ name: 'Ada' });
  });

  it('the media type works without the +json suffix, and with embeds', async () => {
    const res = await rest('/posts?select=id,authors(name),tags(name)&id=eq.2', {
      headers: { Accept: 'application/vnd.pgrst.object' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 2, authors: { name: 'Ada' }, tags: [{ name: 'math' }] });
  });

  it('single() on zero rows is 406 PGRST116', async () => {
    await expectError(await rest('/authors?id=eq.0', { headers: { Accept: OBJECT } }), 406, {
      code: 'PGRST116',
      details: 'The result contains 0 rows',
      hint: null,
      message: 'Cannot coerce the result to a single JSON object',
    });
    const { data, error, status } = await db.from('authors').select().eq('id', 0).single();
    expect({ data, status, code: error?.code }).toEqual({ data: null, status: 406, code: 'PGRST116' });
  });

  it('single() on two rows is 406 PGRST116 counting them', async () => {
    await expectError(await rest('/posts?author_id=eq.1', { headers: { Accept: OBJECT } }), 406, {
      code: 'PGRST116',
      details: 'The result contains 2 rows',
      hint: null,
      message: 'Cannot coerce the result to a single JSON object',
    });
  });

  it('maybeSingle() gives null for no row and the object for one', async () => {
    const none = await db.from('authors').select('name').eq('id', 0).maybeSingle();
    expect({ data: none.data, error: none.error, status: none.status }).toEqual({
      data: null,
      error: null,
      status: 200,
    });
    const one = await db.from('authors').select('name').eq('id', 2).maybeSingle();
    expect(one.data).toEqual({ name: 'Brian' });
  });

  it('maybeSingle() on two rows fails client-side with PGRST116', async () => {
    const { data, error, status } = await db.from('posts').select('id').eq('author_id', 2).maybeSingle();
    expect({ data, status, code: error?.code }).toEqual({ data: null, status: 406, code: 'PGRST116' });
  });
});

describe('CSV and media negotiation', () => {
  it('text/csv renders a header and PostgreSQL’s text form of each value', async () => {
    const res = await rest('/posts?select=id,title,published,tags,rating&id=in.(3,4)&order=id', {
      headers: { Accept: 'text/csv' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await res.text()).toBe(
      'id,title,published,tags,rating\n3,"The C Programming Language",t,"{programming,c}",\n4,"Draft: Unix philosophy",f,{},2.00',
    );
  });

  it('supabase-js csv() returns the text', async () => {
    const { data, error } = await client().from('authors').select('id,name').lte('id', 2).order('id').csv();
    expect(error).toBeNull();
    expect(data).toBe('id,name\n1,Ada\n2,Brian');
  });

  it('stripNulls() (…;nulls=stripped) leaves null-valued keys out, in the matching media type', async () => {
    const { data } = await client()
      .from('authors')
      .select('id,email,mood')
      .in('id', [2, 4])
      .order('id')
      .stripNulls();
    expect(data).toEqual([
      { id: 2, mood: 'sad' },
      { id: 4, email: 'dmitri@example.com' },
    ]);
    const res = await rest('/authors?select=id,email&id=eq.2', {
      headers: { Accept: 'application/vnd.pgrst.object+json;nulls=stripped' },
    });
    expect(res.headers.get('content-type')).toBe(
      'application/vnd.pgrst.object+json;nulls=stripped; charset=utf-8',
    );
    expect(await res.json()).toEqual({ id: 2 });
  });

  it('an Accept list is read in order; */* and application/json mean JSON', async () => {
    const csv = await rest('/tags?id=eq.1', { headers: { Accept: 'text/unknown, text/csv' } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const any = await rest('/tags?id=eq.1', { headers: { Accept: '*/*' } });
    expect(any.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('an Accept nothing can satisfy is 406 PGRST107', async () => {
    await expectError(await rest('/tags', { headers: { Accept: 'text/plain' } }), 406, {
      code: 'PGRST107',
      details: null,
      hint: null,
      message: 'None of these media types are available: text/plain',
    });
  });
});
