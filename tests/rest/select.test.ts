import { describe, expect, it } from 'vitest';
import { client, expectError, rest } from './helpers.ts';

/** The `select` grammar on one relation: columns, aliases, casts, JSON paths, quoted names. */
describe('select columns', () => {
  const db = client('anon');

  it('select=* returns every column of every row, as JSON with the right types', async () => {
    const { data, error, status } = await db.from('authors').select('*').order('id');
    expect(error).toBeNull();
    expect(status).toBe(200);
    expect(data).toEqual([
      { id: 1, name: 'Ada', email: 'ada@example.com', mood: 'happy' },
      { id: 2, name: 'Brian', email: null, mood: 'sad' },
      { id: 3, name: 'Carmen', email: 'carmen@example.com', mood: 'neutral' },
      { id: 4, name: 'Dmitri', email: 'dmitri@example.com', mood: null },
    ]);
  });

  it('a missing select means *, with Content-Type and Content-Range headers', async () => {
    const res = await rest('/tags?order=id&id=lte.2');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-range')).toBe('0-1/*');
    expect(await res.json()).toEqual([
      { id: 1, name: 'math' },
      { id: 2, name: 'history' },
    ]);
  });

  it('a column list returns only those columns, in the order asked', async () => {
    const { data } = await db.from('authors').select('name, id').eq('id', 1);
    expect(data).toEqual([{ name: 'Ada', id: 1 }]);
    expect(Object.keys(data?.[0] ?? {})).toEqual(['name', 'id']);
  });

  it('an alias renames a column', async () => {
    const { data } = await db.from('authors').select('key:id,author_name:name').eq('id', 2);
    expect(data).toEqual([{ key: 2, author_name: 'Brian' }]);
  });

  it('a cast converts the value, with or without an alias', async () => {
    const { data } = await db.from('posts').select('id::text,score:rating::text,published::int').eq('id', 1);
    expect(data).toEqual([{ id: '1', score: '4.50', published: 1 }]);
  });

  it('numeric, timestamptz, arrays, jsonb, enums and ranges keep their JSON shape', async () => {
    const { data } = await db.from('posts').select('rating,published_at,tags,metadata').eq('id', 1).single();
    expect(data).toEqual({
      rating: 4.5,
      published_at: '2024-01-01T10:00:00+00:00',
      tags: ['math', 'history'],
      metadata: { words: 1200, meta: { lang: 'en' }, flags: ['featured'] },
    });
    const bookings = await db.from('bookings').select('slot,period').eq('id', 1).single();
    expect(bookings.data).toEqual({
      slot: '[1,5)',
      period: '["2024-01-01 00:00:00+00","2024-01-02 00:00:00+00")',
    });
  });

  it('-> keeps JSON, ->> gives text, and the last key names the output', async () => {
    const { data } = await db
      .from('posts')
      .select('metadata->words,metadata->>words,metadata->meta->>lang')
      .eq('id', 1);
    // Two outputs named `words`: the later one wins in the JSON object, as in PostgREST.
    expect(data).toEqual([{ words: '1200', lang: 'en' }]);
  });

  it('JSON paths take aliases, casts and array indexes; an index never names the output', async () => {
    const { data } = await db
      .from('posts')
      .select('words:metadata->>words::int,metadata->flags->0,first_flag:metadata->flags->>0')
      .in('id', [1, 2])
      .order('id');
    expect(data).toEqual([
      { words: 1200, flags: 'featured', first_flag: 'featured' },
      { words: 800, flags: null, first_flag: null },
    ]);
  });

  it('a JSON path on a missing key is null, not an error', async () => {
    const { data } = await db.from('posts').select('id,metadata->nope->>deeper').eq('id', 4);
    expect(data).toEqual([{ id: 4, deeper: null }]);
  });

  it('quoted identifiers reach columns with spaces and capitals', async () => {
    const res = await rest('/oddities?select=%22my%20col%22,%22Upper%22,renamed:%22my%20col%22');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([{ 'my col': 'spaced', Upper: 7, renamed: 'spaced' }]);
  });

  it('whitespace outside quotes is ignored by the client', async () => {
    const { data } = await db.from('authors').select(' id , name ').eq('id', 3);
    expect(data).toEqual([{ id: 3, name: 'Carmen' }]);
  });

  it('an unknown column is 42703 with PostgreSQL’s message', async () => {
    await expectError(await rest('/authors?select=id,nope'), 400, {
      code: '42703',
      details: null,
      hint: null,
      message: 'column authors.nope does not exist',
    });
  });

  it('a bad cast of the data is 22P02', async () => {
    await expectError(await rest('/authors?select=name::integer&id=eq.1'), 400, {
      code: '22P02',
      details: null,
      hint: null,
      message: 'invalid input syntax for type integer: "Ada"',
    });
  });

  it('an unparsable select is PGRST100 naming the failing position', async () => {
    const res = await rest('/authors?select=id,(name');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('PGRST100');
    expect(body.message).toMatch(/^"failed to parse select parameter \(id,\(name\)" \(line 1, column \d+\)$/);
  });

  it('an unknown table is 404 PGRST205 with a hint at the closest name', async () => {
    await expectError(await rest('/author'), 404, {
      code: 'PGRST205',
      details: null,
      hint: "Perhaps you meant the table 'public.authors'",
      message: "Could not find the table 'public.author' in the schema cache",
    });
  });

  it('aggregates are disabled: PGRST123', async () => {
    await expectError(await rest('/posts?select=rating.sum()'), 400, {
      code: 'PGRST123',
      details: null,
      hint: null,
      message: 'Use of aggregate functions is not allowed',
    });
  });

  it('views are readable like tables', async () => {
    const { data } = await db.from('published_posts').select('id,title').order('id');
    expect(data?.map((p) => p.id)).toEqual([1, 2, 3, 5]);
  });
});
