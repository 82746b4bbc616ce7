import { beforeAll, describe, expect, it } from 'vitest';
import { client, expectError, jsonBody, rest, type SignedInUser, signedInUser, unique } from './helpers.ts';

const RLS_INSERT = (table: string) => ({
  code: '42501',
  details: null,
  hint: null,
  message: `new row violates row-level security policy for table "${table}"`,
});

/** Row-level security per actor: anonymous, the owner, a stranger, the service role. */
describe('row-level security', () => {
  let alice: SignedInUser;
  let bob: SignedInUser;
  let aliceTodo: { id: number; task: string };

  beforeAll(async () => {
    [alice, bob] = await Promise.all([signedInUser(), signedInUser()]);
    const task = unique('alice-task');
    const { data, error } = await alice.client.from('todos').insert({ task }).select('id,task').single();
    if (error || !data) throw new Error(error?.message ?? 'no todo');
    aliceTodo = data as { id: number; task: string };
    await bob.client.from('todos').insert({ task: unique('bob-task') });
  });

  it('the owner inserts with user_id defaulting to auth.uid() and reads their own rows only', async () => {
    const { data } = await alice.client.from('todos').select('task,user_id,done');
    expect(data).toEqual([{ task: aliceTodo.task, user_id: alice.id, done: false }]);
  });

  it('a stranger sees none of the owner’s rows', async () => {
    const { data } = await bob.client.from('todos').select('user_id');
    expect(data?.every((row) => row.user_id === bob.id)).toBe(true);
    const direct = await bob.client.from('todos').select('id').eq('id', aliceTodo.id);
    expect(direct.data).toEqual([]);
  });

  it('anonymous requests see nothing (no policy for anon)', async () => {
    const { data, error } = await client('anon').from('todos').select('id').eq('id', aliceTodo.id);
    expect({ data, error }).toEqual({ data: [], error: null });
  });

  it('a stranger’s update and delete match no rows; the owner’s row is untouched', async () => {
    const update = await bob.client.from('todos').update({ done: true }).eq('id', aliceTodo.id).select();
    expect({ status: update.status, data: update.data }).toEqual({ status: 200, data: [] });
    const remove = await bob.client.from('todos').delete().eq('id', aliceTodo.id).select();
    expect({ status: remove.status, data: remove.data }).toEqual({ status: 200, data: [] });
    const { data } = await alice.client.from('todos').select('done').eq('id', aliceTodo.id).single();
    expect(data).toEqual({ done: false });
  });

  it('the owner can update and delete their own row', async () => {
    const task = unique('short-lived');
    const created = await alice.client.from('todos').insert({ task }).select('id').single();
    const id = (created.data as { id: number }).id;
    const update = await alice.client.from('todos').update({ done: true }).eq('id', id).select('done');
    expect(update.data).toEqual([{ done: true }]);
    const remove = await alice.client.from('todos').delete().eq('id', id);
    expect(remove.status).toBe(204);
  });

  it('inserting a row owned by someone else is 403 42501', async () => {
    const res = await rest('/todos', {
      ...jsonBody('POST', { task: 'forged', user_id: alice.id }),
      token: bob.accessToken,
    });
    await expectError(res, 403, RLS_INSERT('todos'));
  });

  it('moving a row to someone else fails the WITH CHECK: 403 42501', async () => {
    const { error, status } = await alice.client
      .from('todos')
      .update({ user_id: bob.id })
      .eq('id', aliceTodo.id);
    expect({ status, error }).toEqual({ status: 403, error: RLS_INSERT('todos') });
  });

  it('an anonymous write is 401 42501 with WWW-Authenticate: Bearer', async () => {
    const res = await rest('/todos', jsonBody('POST', { task: 'anon', user_id: alice.id }));
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    await expectError(res, 401, RLS_INSERT('todos'));
  });

  it('an INSERT policy without a SELECT policy: minimal works, representation is 42501', async () => {
    const minimal = await alice.client.from('drop_box').insert({ message: 'hello' });
    expect({ status: minimal.status, error: minimal.error }).toEqual({ status: 201, error: null });
    const rep = await alice.client.from('drop_box').insert({ message: 'and back?' }).select();
    expect({ status: rep.status, error: rep.error }).toEqual({ status: 403, error: RLS_INSERT('drop_box') });
  });

  it('service_role bypasses RLS and sees every user’s rows', async () => {
    const { data } = await client('service_role')
      .from('todos')
      .select('user_id')
      .in('user_id', [alice.id, bob.id]);
    expect(new Set(data?.map((row) => row.user_id))).toEqual(new Set([alice.id, bob.id]));
  });

  it('a missing GRANT is 42501: 401 for anon, 403 for a user; service_role reads', async () => {
    const denied = {
      code: '42501',
      details: null,
      hint: null,
      message: 'permission denied for table vault_entries',
    };
    const anon = await rest('/vault_entries');
    expect(anon.headers.get('www-authenticate')).toBe('Bearer');
    await expectError(anon, 401, denied);
    await expectError(await rest('/vault_entries', { token: alice.accessToken }), 403, denied);
    const { data } = await client('service_role').from('vault_entries').select('secret');
    expect(data).toEqual([{ secret: 'classified' }]);
  });

  it('functions see the user: current_user, auth.uid()', async () => {
    const { data } = await alice.client.rpc('whoami');
    expect(data).toEqual({ role: 'authenticated', uid: alice.id, method: 'POST' });
  });
});
