import { describe, expect, it } from 'vitest';
import { client, expectError, jsonBody, rest, unique } from './helpers.ts';

const db = client('anon');

/** Inserts fresh items and returns their SKUs. */
async function seedItems(count: number, name = 'seed'): Promise<string[]> {
  const skus = Array.from({ length: count }, () => unique('upd'));
  const { error } = await db.from('items').insert(skus.map((sku) => ({ sku, name })));
  if (error) throw new Error(error.message);
  return skus;
}

describe('update', () => {
  it('update().eq() is 204 with Content-Range 0-0/* and changes only the given keys', async () => {
    const [sku] = await seedItems(1);
    const res = await rest(`/items?sku=eq.${sku}`, jsonBody('PATCH', { qty: 5 }));
    expect(res.status).toBe(204);
    expect(res.headers.get('content-range')).toBe('0-0/*');
    const { data } = await db
      .from('items')
      .select('name,qty')
      .eq('sku', sku as string);
    expect(data).toEqual([{ name: 'seed', qty: 5 }]);
  });

  it('update().select() is 200 with the updated rows; count=exact totals them', async () => {
    const skus = await seedItems(2, 'batch');
    const { data, status, count } = await db
      .from('items')
      .update({ note: 'updated' }, { count: 'exact' })
      .in('sku', skus)
      .select('note')
      .order('sku');
    expect({ data, status, count }).toEqual({
      data: [{ note: 'updated' }, { note: 'updated' }],
      status: 200,
      count: 2,
    });
  });

  it('an update that matches nothing is 204, or 200 [] with representation', async () => {
    const minimal = await rest('/items?sku=eq.nothing-here', jsonBody('PATCH', { qty: 1 }));
    expect(minimal.status).toBe(204);
    const rep = await rest(
      '/items?sku=eq.nothing-here',
      jsonBody('PATCH', { qty: 1 }, { Prefer: 'return=representation' }),
    );
    expect(rep.status).toBe(200);
    expect(await rep.json()).toEqual([]);
  });

  it('update().select().single() returns an object; on two rows it is 406 and rolled back', async () => {
    const skus = await seedItems(2, 'single');
    const one = await db
      .from('items')
      .update({ qty: 7 })
      .eq('sku', skus[0] as string)
      .select('qty')
      .single();
    expect(one.data).toEqual({ qty: 7 });
    const two = await db.from('items').update({ qty: 8 }).in('sku', skus).select('qty').single();
    expect({ status: two.status, code: two.error?.code, details: two.error?.details }).toEqual({
      status: 406,
      code: 'PGRST116',
      details: 'The result contains 2 rows',
    });
    const { data } = await db.from('items').select('qty').in('sku', skus).order('qty');
    expect(data).toEqual([{ qty: 0 }, { qty: 7 }]);
  });

  it('a singular update with return=minimal is checked too', async () => {
    const skus = await seedItems(2, 'minimal-single');
    const res = await rest(
      `/items?sku=in.(${skus.join(',')})`,
      jsonBody('PATCH', { qty: 3 }, { Accept: 'application/vnd.pgrst.object+json' }),
    );
    await expectError(res, 406, {
      code: 'PGRST116',
      details: 'The result contains 2 rows',
      hint: null,
      message: 'Cannot coerce the result to a single JSON object',
    });
  });

  it('columns= restricts an update to those keys', async () => {
    const [sku] = await seedItems(1);
    const res = await rest(
      `/items?sku=eq.${sku}&columns=qty`,
      jsonBody('PATCH', { qty: 2, name: 'ignored', bogus: true }, { Prefer: 'return=representation' }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject([{ name: 'seed', qty: 2 }]);
  });

  it('an empty body updates nothing and answers 204 even without filters', async () => {
    const res = await rest('/items', jsonBody('PATCH', {}));
    expect(res.status).toBe(204);
    expect(res.headers.get('content-range')).toBe('*/*');
  });

  it('PATCH without filters is refused by safeupdate: 400 21000', async () => {
    await expectError(await rest('/items', jsonBody('PATCH', { qty: 1 })), 400, {
      code: '21000',
      details: null,
      hint: null,
      message: 'UPDATE requires a WHERE clause',
    });
  });
});

describe('delete', () => {
  it('delete().eq() is 204 with Content-Range */* and the row is gone', async () => {
    const [sku] = await seedItems(1);
    const res = await rest(`/items?sku=eq.${sku}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(res.headers.get('content-range')).toBe('*/*');
    const { data } = await db
      .from('items')
      .select('sku')
      .eq('sku', sku as string);
    expect(data).toEqual([]);
  });

  it('delete().select() returns the deleted rows; count=exact gives */n', async () => {
    const skus = await seedItems(2, 'doomed');
    const res = await rest(`/items?sku=in.(${skus.join(',')})&select=name`, {
      method: 'DELETE',
      headers: { Prefer: 'return=representation, count=exact' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-range')).toBe('*/2');
    expect(await res.json()).toEqual([{ name: 'doomed' }, { name: 'doomed' }]);
  });

  it('delete with a singular Accept on zero rows is 406', async () => {
    await expectError(
      await rest('/items?sku=eq.nothing-here', {
        method: 'DELETE',
        headers: { Accept: 'application/vnd.pgrst.object+json' },
      }),
      406,
      {
        code: 'PGRST116',
        details: 'The result contains 0 rows',
        hint: null,
        message: 'Cannot coerce the result to a single JSON object',
      },
    );
  });

  it('DELETE without filters is refused by safeupdate: 400 21000', async () => {
    await expectError(await rest('/items', { method: 'DELETE' }), 400, {
      code: '21000',
      details: null,
      hint: null,
      message: 'DELETE requires a WHERE clause',
    });
  });

  it('max-affected with handling=strict rolls back a delete that touches more rows', async () => {
    const skus = await seedItems(2, 'capped');
    const res = await rest(`/items?sku=in.(${skus.join(',')})`, {
      method: 'DELETE',
      headers: { Prefer: 'handling=strict, max-affected=1' },
    });
    await expectError(res, 400, {
      code: 'PGRST124',
      details: 'The query affects 2 rows',
      hint: null,
      message: 'Query result exceeds max-affected preference constraint',
    });
    const { data } = await db.from('items').select('sku').in('sku', skus);
    expect(data).toHaveLength(2);
  });
});
