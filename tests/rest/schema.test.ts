import { describe, expect, it } from 'vitest';
import { target } from '../helpers/target.ts';
import { client, expectError, jsonBody, rest, superuser, unique } from './helpers.ts';

const NOT_EXPOSED = {
  code: 'PGRST106',
  details: null,
  hint: 'Only the following schemas are exposed: public, graphql_public',
  message: 'Invalid schema: auth',
};

describe('profiles (schemas)', () => {
  it('Accept-Profile naming a schema that is not exposed is 406 PGRST106', async () => {
    await expectError(await rest('/users', { headers: { 'Accept-Profile': 'auth' } }), 406, NOT_EXPOSED);
  });

  it('Content-Profile on writes is checked the same way', async () => {
    const res = await rest('/users', jsonBody('POST', {}, { 'Content-Profile': 'auth' }));
    await expectError(res, 406, NOT_EXPOSED);
  });

  it('supabase-js schema() sends the profile header', async () => {
    const { error, status } = await client().schema('auth').from('users').select('id');
    expect({ status, error }).toEqual({ status: 406, error: NOT_EXPOSED });
  });

  it('an exposed profile answers, naming it in Content-Profile', async () => {
    const res = await rest('/tags?select=name&id=eq.1', { headers: { 'Accept-Profile': 'public' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-profile')).toBe('public');
    expect(await res.json()).toEqual([{ name: 'math' }]);
  });
});

describe('schema cache reload', () => {
  const withSql = target.dbUrl ? it : it.skip;

  /** Repeats `request` until `done` accepts its response, awaiting each attempt; bounded. */
  async function until(
    request: () => Promise<Response>,
    done: (res: Response) => boolean,
  ): Promise<Response> {
    for (let attempt = 0; attempt < 500; attempt++) {
      const res = await request();
      if (done(res)) return res;
      await res.body?.cancel();
    }
    throw new Error('the schema cache never picked up the change');
  }

  withSql('a table created after startup appears after NOTIFY pgrst, and so does a new column', async () => {
    const sql = superuser();
    if (!sql) throw new Error('unreachable: guarded by withSql');
    const table = unique('reload').replaceAll('-', '_');
    try {
      const before = await rest(`/${table}`);
      expect(before.status).toBe(404);
      await before.body?.cancel();

      await sql.unsafe(`create table public.${table} (id integer primary key, label text)`);
      await sql.unsafe(`insert into public.${table} values (1, 'first')`);
      await sql.unsafe(`grant select on public.${table} to anon`);
      await sql.unsafe(`notify pgrst, 'reload schema'`);
      const visible = await until(
        () => rest(`/${table}`),
        (res) => res.status === 200,
      );
      expect(await visible.json()).toEqual([{ id: 1, label: 'first' }]);

      await sql.unsafe(`alter table public.${table} add column extra text default 'x'`);
      await sql.unsafe(`notify pgrst, 'reload schema'`);
      const widened = await until(
        () => rest(`/${table}?select=extra`),
        (res) => res.status === 200,
      );
      expect(await widened.json()).toEqual([{ extra: 'x' }]);
    } finally {
      await sql.unsafe(`drop table if exists public.${table}`);
      await sql.unsafe(`notify pgrst, 'reload schema'`);
      await sql.end();
    }
  });
});
