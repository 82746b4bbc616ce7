import { describe, expect, it } from 'vitest';
import { client, expectError, jsonBody, rest, unique } from './helpers.ts';

/** Inserts into `items` (no RLS), each test with its own SKUs. */
describe('insert', () => {
  const db = client('anon');

  it('insert() without select is 201 with no body; the row exists with its defaults', async () => {
    const sku = unique('ins');
    const { data, error, status } = await db.from('items').insert({ sku, name: 'plain' });
    expect({ data, error, status }).toEqual({ data: null, error: null, status: 201 });
    const row = await db.from('items').select('sku,name,qty,note').eq('sku', sku).single();
    expect(row.data).toEqual({ sku, name: 'plain', qty: 0, note: 'fresh' });
  });

  it('return=minimal answers 201 with Content-Range */* and no Content-Type', async () => {
    const res = await rest('/items', jsonBody('POST', { sku: unique('min'), name: 'm' }));
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBeNull();
    expect(res.headers.get('content-range')).toBe('*/*');
    expect(await res.text()).toBe('');
  });

  it('insert().select() returns the new rows with generated and default values', async () => {
    const sku = unique('rep');
    const { data, status } = await db.from('items').insert({ sku, name: 'rep', qty: 3 }).select().single();
    expect(status).toBe(201);
    expect(data).toEqual({
      id: expect.any(Number),
      sku,
      name: 'rep',
      qty: 3,
      note: 'fresh',
      author_id: null,
    });
  });

  it('select on a write shapes the representation: aliases and casts', async () => {
    const sku = unique('shape');
    const { data } = await db
      .from('items')
      .insert({ sku, name: 'shaped', qty: 4 })
      .select('code:sku,qty::text');
    expect(data).toEqual([{ code: sku, qty: '4' }]);
  });

  it('return=representation with count=exact: Content-Range */n and Preference-Applied in PostgREST’s order', async () => {
    const res = await rest(
      '/items?select=sku',
      jsonBody(
        'POST',
        [
          { sku: unique('a'), name: 'a' },
          { sku: unique('b'), name: 'b' },
        ],
        {
          Prefer: 'return=representation, count=exact',
        },
      ),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('content-range')).toBe('*/2');
    expect(res.headers.get('preference-applied')).toBe('return=representation, count=exact');
    expect(res.headers.get('location')).toBeNull();
    expect(await res.json()).toHaveLength(2);
  });

  it('return=headers-only gives the Location of the new row', async () => {
    const res = await rest(
      '/items',
      jsonBody('POST', { sku: unique('loc'), name: 'loc' }, { Prefer: 'return=headers-only' }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toMatch(/^\/items\?id=eq\.\d+$/);
    expect(res.headers.get('preference-applied')).toBe('return=headers-only');
    expect(await res.text()).toBe('');
  });

  it('bulk insert: supabase-js sends columns=, so a key missing from a row becomes NULL', async () => {
    const [first, second] = [unique('bulk'), unique('bulk')];
    const { data, error } = await db
      .from('items')
      .insert([
        { sku: first, name: 'one', note: 'custom' },
        { sku: second, name: 'two' },
      ])
      .select('sku,note');
    expect(error).toBeNull();
    expect(data).toEqual([
      { sku: first, note: 'custom' },
      { sku: second, note: null },
    ]);
  });

  it('defaultToNull: false (Prefer: missing=default) gives missing keys their DEFAULT', async () => {
    const [first, second] = [unique('dflt'), unique('dflt')];
    const { data, error } = await db
      .from('items')
      .insert(
        [
          { sku: first, name: 'one', qty: 9 },
          { sku: second, name: 'two', note: 'given' },
        ],
        { defaultToNull: false },
      )
      .select('sku,qty,note');
    expect(error).toBeNull();
    expect(data).toEqual([
      { sku: first, qty: 9, note: 'fresh' },
      { sku: second, qty: 0, note: 'given' },
    ]);
  });

  it('columns= limits the inserted columns and ignores other keys', async () => {
    const sku = unique('cols');
    const res = await rest(
      '/items?columns=sku,name&select=sku,qty,note',
      jsonBody('POST', [{ sku, name: 'c', qty: 77, note: 'ignored', bogus: 1 }], {
        Prefer: 'return=representation',
      }),
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual([{ sku, qty: 0, note: 'fresh' }]);
  });

  it('an empty array inserts nothing: 201 and []', async () => {
    const res = await rest('/items', jsonBody('POST', [], { Prefer: 'return=representation' }));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual([]);
  });

  it('single() on a bulk insert is 406 and nothing is inserted', async () => {
    const [first, second] = [unique('one'), unique('two')];
    const res = await rest(
      '/items',
      jsonBody(
        'POST',
        [
          { sku: first, name: 'x' },
          { sku: second, name: 'y' },
        ],
        {
          Accept: 'application/vnd.pgrst.object+json',
        },
      ),
    );
    await expectError(res, 406, {
      code: 'PGRST116',
      details: 'The result contains 2 rows',
      hint: null,
      message: 'Cannot coerce the result to a single JSON object',
    });
    const { data } = await db.from('items').select('sku').in('sku', [first, second]);
    expect(data).toEqual([]);
  });
});
