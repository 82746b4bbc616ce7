import { describe, expect, it } from 'vitest';
import { client, expectError, jsonBody, rest, unique } from './helpers.ts';

/** PostgreSQL's constraint errors and PostgREST's payload errors on writes, with exact bodies. */
describe('write errors', () => {
  it('a duplicate key is 409 23505 with PostgreSQL’s message and detail', async () => {
    const sku = unique('dup');
    await client().from('items').insert({ sku, name: 'first' });
    await expectError(await rest('/items', jsonBody('POST', { sku, name: 'second' })), 409, {
      code: '23505',
      details: `Key (sku)=(${sku}) already exists.`,
      hint: null,
      message: 'duplicate key value violates unique constraint "items_sku_key"',
    });
  });

  it('supabase-js surfaces the same error object', async () => {
    const sku = unique('dup');
    const db = client();
    await db.from('items').insert({ sku, name: 'first' });
    const { error, status } = await db.from('items').insert({ sku, name: 'again' });
    expect(status).toBe(409);
    expect(error).toMatchObject({ code: '23505', hint: null });
  });

  it('a missing foreign key target is 409 23503', async () => {
    await expectError(
      await rest('/items', jsonBody('POST', { sku: unique('fk'), name: 'orphan', author_id: 999 })),
      409,
      {
        code: '23503',
        details: 'Key (author_id)=(999) is not present in table "authors".',
        hint: null,
        message: 'insert or update on table "items" violates foreign key constraint "items_author_id_fkey"',
      },
    );
  });

  it('a NULL in a NOT NULL column is 400 23502 with the failing row', async () => {
    const sku = unique('nn');
    const res = await rest('/items', jsonBody('POST', { sku }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      code: '23502',
      details: expect.stringMatching(
        new RegExp(`^Failing row contains \\(\\d+, ${sku}, null, 0, fresh, null\\)\\.$`),
      ),
      hint: null,
      message: 'null value in column "name" of relation "items" violates not-null constraint',
    });
  });

  it('a value of the wrong type is 400 22P02', async () => {
    await expectError(
      await rest('/items', jsonBody('POST', { sku: unique('type'), name: 'n', qty: 'lots' })),
      400,
      { code: '22P02', details: null, hint: null, message: 'invalid input syntax for type integer: "lots"' },
    );
  });

  it('an unknown key is PGRST204, with or without columns=', async () => {
    const body = { code: 'PGRST204', details: null, hint: null };
    await expectError(
      await rest('/items', jsonBody('POST', { sku: unique('k'), name: 'n', bogus: 1 })),
      400,
      { ...body, message: "Could not find the 'bogus' column of 'items' in the schema cache" },
    );
    await expectError(
      await rest('/items?columns=sku,helicopter', jsonBody('POST', [{ sku: unique('k') }])),
      400,
      { ...body, message: "Could not find the 'helicopter' column of 'items' in the schema cache" },
    );
    await expectError(await rest('/items?sku=eq.x', jsonBody('PATCH', { bogus: 1 })), 400, {
      ...body,
      message: "Could not find the 'bogus' column of 'items' in the schema cache",
    });
  });

  it('invalid or empty JSON is PGRST102', async () => {
    const expected = { code: 'PGRST102', details: null, hint: null, message: 'Empty or invalid json' };
    const headers = { 'Content-Type': 'application/json' };
    await expectError(await rest('/items', { method: 'POST', headers, body: '}{ x = 2' }), 400, expected);
    await expectError(await rest('/items', { method: 'POST', headers, body: '' }), 400, expected);
    await expectError(await rest('/items?sku=eq.x', { method: 'PATCH', headers, body: '{' }), 400, expected);
  });

  it('rows with different keys and no columns= are PGRST102', async () => {
    await expectError(
      await rest(
        '/items',
        jsonBody('POST', [
          { sku: unique('a'), name: 'a' },
          { sku: unique('b'), name: 'b', qty: 1 },
        ]),
      ),
      400,
      { code: 'PGRST102', details: null, hint: null, message: 'All object keys must match' },
    );
  });

  it('writing to a table that does not exist is 404 PGRST205', async () => {
    await expectError(await rest('/itemz', jsonBody('POST', { a: 1 })), 404, {
      code: 'PGRST205',
      details: null,
      hint: "Perhaps you meant the table 'public.items'",
      message: "Could not find the table 'public.itemz' in the schema cache",
    });
  });
});
