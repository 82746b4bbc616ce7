import { describe, expect, it } from 'vitest';
import { client, expectError, jsonBody, rest, unique } from './helpers.ts';

describe('upsert', () => {
  const db = client('anon');

  it('merge on a unique column: 201 when inserting, 200 when every row already existed', async () => {
    const sku = unique('ups');
    const first = await db
      .from('items')
      .upsert({ sku, name: 'v1' }, { onConflict: 'sku' })
      .select('sku,name');
    expect({ status: first.status, data: first.data }).toEqual({ status: 201, data: [{ sku, name: 'v1' }] });
    const second = await db
      .from('items')
      .upsert({ sku, name: 'v2' }, { onConflict: 'sku' })
      .select('sku,name');
    expect({ status: second.status, data: second.data }).toEqual({
      status: 200,
      data: [{ sku, name: 'v2' }],
    });
  });

  it('a bulk merge mixing new and existing rows is 201 and updates the existing ones', async () => {
    const [old, fresh] = [unique('old'), unique('new')];
    await db.from('items').insert({ sku: old, name: 'before', qty: 1 });
    const { data, status } = await db
      .from('items')
      .upsert(
        [
          { sku: old, name: 'after', qty: 2 },
          { sku: fresh, name: 'new', qty: 3 },
        ],
        { onConflict: 'sku' },
      )
      .select('sku,name,qty')
      .order('qty');
    expect(status).toBe(201);
    expect(data).toEqual([
      { sku: old, name: 'after', qty: 2 },
      { sku: fresh, name: 'new', qty: 3 },
    ]);
  });

  it('ignoreDuplicates leaves the existing row and returns only inserted ones', async () => {
    const sku = unique('ign');
    await db.from('items').insert({ sku, name: 'kept' });
    const res = await rest(
      '/items?on_conflict=sku&select=sku',
      jsonBody('POST', [{ sku, name: 'ignored' }], {
        Prefer: 'resolution=ignore-duplicates, return=representation',
      }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('preference-applied')).toBe('resolution=ignore-duplicates, return=representation');
    expect(await res.json()).toEqual([]);
    const { data } = await db.from('items').select('name').eq('sku', sku).single();
    expect(data).toEqual({ name: 'kept' });
  });

  it('without on_conflict the primary key is the conflict target', async () => {
    const sku = unique('pk');
    const inserted = await db.from('items').insert({ sku, name: 'by-pk' }).select('id').single();
    const id = (inserted.data as { id: number }).id;
    const res = await rest(
      '/items?select=id,name',
      jsonBody(
        'POST',
        { id, sku, name: 'merged' },
        { Prefer: 'resolution=merge-duplicates, return=representation' },
      ),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('preference-applied')).toBe('resolution=merge-duplicates, return=representation');
    expect(await res.json()).toEqual([{ id, name: 'merged' }]);
  });

  it('merge-duplicates with missing=default keeps defaults for absent keys', async () => {
    const [a, b] = [unique('md'), unique('md')];
    const { data } = await db
      .from('items')
      .upsert(
        [
          { sku: a, name: 'a', note: 'mine' },
          { sku: b, name: 'b' },
        ],
        { onConflict: 'sku', defaultToNull: false },
      )
      .select('sku,note')
      .order('note');
    expect(data).toEqual([
      { sku: b, note: 'fresh' },
      { sku: a, note: 'mine' },
    ]);
  });

  it('on_conflict naming a column without a unique constraint is 400 42P10', async () => {
    await expectError(
      await rest(
        '/items?on_conflict=name',
        jsonBody('POST', { sku: unique('bad'), name: 'n' }, { Prefer: 'resolution=merge-duplicates' }),
      ),
      400,
      {
        code: '42P10',
        details: null,
        hint: null,
        message: 'there is no unique or exclusion constraint matching the ON CONFLICT specification',
      },
    );
  });
});
