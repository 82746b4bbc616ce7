import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  anonClient,
  authFetch,
  PASSWORD,
  serviceClient,
  signUp,
  stack,
  superuserDb,
  uniqueEmail,
} from './helpers.ts';

const admin = () => serviceClient().auth.admin;

interface ListBody {
  aud: string;
  users: { id: string; identities: unknown[] }[];
}

function adminFetch(path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set('apikey', stack.serviceRoleKey);
  headers.set('Authorization', `Bearer ${stack.serviceRoleKey}`);
  return authFetch(path, { ...init, headers });
}

describe('admin: who may call it', () => {
  it('refuses the anon key and user tokens with not_admin', async () => {
    const asAnon = await anonClient().auth.admin.listUsers();
    expect(asAnon.error).toMatchObject({ status: 403, code: 'not_admin', message: 'User not allowed' });

    const session = await signUp(anonClient());
    const res = await authFetch('/admin/users', {
      headers: { Authorization: `Bearer ${session.access_token}` },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error_code: 'not_admin' });
  });

  it('accepts the opaque secret key through the gateway', async () => {
    const res = await authFetch('/admin/users?page=1&per_page=1', { headers: { apikey: stack.secretKey } });
    expect(res.status).toBe(200);
  });
});

describe('admin.createUser', () => {
  it('creates a confirmed user with metadata, identity and role', async () => {
    const email = uniqueEmail('created');
    const { data, error } = await admin().createUser({
      email: email.toUpperCase(),
      password: PASSWORD,
      email_confirm: true,
      user_metadata: { name: 'Grace' },
      app_metadata: { plan: 'pro' },
    });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({
      email,
      role: 'authenticated',
      app_metadata: { provider: 'email', providers: ['email'], plan: 'pro' },
      user_metadata: { name: 'Grace', email_verified: true },
      identities: [
        expect.objectContaining({
          provider: 'email',
          identity_data: { sub: data.user?.id, email, email_verified: false, phone_verified: false },
        }),
      ],
    });
    expect(data.user?.email_confirmed_at).toBeTruthy();
    const signIn = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
    expect(signIn.error).toBeNull();
  });

  it('skips the password policy and takes a chosen id', async () => {
    const id = randomUUID();
    const { data, error } = await admin().createUser({ id, email: uniqueEmail(), password: '1' } as never);
    expect(error).toBeNull();
    expect(data.user?.id).toBe(id);
  });

  it('refuses a taken address, and a user with neither email nor phone', async () => {
    const email = uniqueEmail('taken');
    await admin().createUser({ email });
    const dup = await admin().createUser({ email });
    expect(dup.error).toMatchObject({
      status: 422,
      code: 'email_exists',
      message: 'A user with this email address has already been registered',
    });
    const empty = await admin().createUser({ user_metadata: {} });
    expect(empty.error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      message: 'Cannot create a user without either an email or phone',
    });
  });
});

describe('admin.getUserById / updateUserById', () => {
  it('reads a user, and answers 404 for unknown or malformed ids', async () => {
    const session = await signUp(anonClient());
    const { data } = await admin().getUserById(session.user.id);
    expect(data.user).toMatchObject({ id: session.user.id, email: session.user.email });

    const unknown = await admin().getUserById(randomUUID());
    expect(unknown.error).toMatchObject({ status: 404, code: 'user_not_found', message: 'User not found' });

    const malformed = await adminFetch('/admin/users/not-a-uuid');
    expect(malformed.status).toBe(404);
    expect(await malformed.json()).toMatchObject({
      error_code: 'validation_failed',
      msg: 'user_id must be an UUID',
    });
  });

  it('applies email at once, merges metadata and bans', async () => {
    const session = await signUp(anonClient());
    const email = uniqueEmail('renamed');
    const { data, error } = await admin().updateUserById(session.user.id, {
      email,
      user_metadata: { plan: null, team: 'blue' },
      app_metadata: { roles: ['editor'] },
      ban_duration: '24h',
    });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({
      email,
      user_metadata: expect.objectContaining({ team: 'blue' }),
      app_metadata: { provider: 'email', providers: ['email'], roles: ['editor'] },
    });
    const bannedUntil = Date.parse(data.user?.banned_until ?? '');
    expect(bannedUntil - Date.now()).toBeGreaterThan(23 * 3600_000);

    const signIn = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
    expect(signIn.error).toMatchObject({ status: 400, code: 'user_banned' });
    const refresh = await anonClient().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(refresh.error).toMatchObject({ status: 400, code: 'user_banned' });

    const lifted = await admin().updateUserById(session.user.id, { ban_duration: 'none' });
    expect(lifted.data.user?.banned_until).toBeUndefined();
  });

  it('applies the password policy and ends all sessions on a password change', async () => {
    const session = await signUp(anonClient());
    const weak = await admin().updateUserById(session.user.id, { password: 'x' });
    expect(weak.error).toMatchObject({ status: 422, code: 'weak_password' });

    const changed = await admin().updateUserById(session.user.id, { password: 'set-by-admin' });
    expect(changed.error).toBeNull();
    const stale = await anonClient().auth.getUser(session.access_token);
    expect(stale.error?.name).toBe('AuthSessionMissingError');
  });
});

describe('admin.listUsers', () => {
  it('pages newest first with X-Total-Count and a Link header auth-js can read', async () => {
    const tag = `page${randomUUID().slice(0, 8)}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { data } = await admin().createUser({ email: uniqueEmail(tag) });
      ids.push(data.user?.id ?? '');
    }
    const first = await adminFetch(`/admin/users?page=1&per_page=2&filter=${tag}`);
    expect(first.headers.get('x-total-count')).toBe('3');
    expect(first.headers.get('link')).toBe(
      `</admin/users?page=2&per_page=2&filter=${tag}>; rel="next", </admin/users?page=2&per_page=2&filter=${tag}>; rel="last"`,
    );
    const body = (await first.json()) as ListBody;
    expect(body.aud).toBe('authenticated');
    expect(body.users.map((u) => u.id)).toEqual([ids[2], ids[1]]);
    expect(body.users[0]?.identities).toHaveLength(1);

    const second = await adminFetch(`/admin/users?page=2&per_page=2&filter=${tag}`);
    expect(((await second.json()) as ListBody).users.map((u) => u.id)).toEqual([ids[0]]);
    expect(second.headers.get('link')).toBe(`</admin/users?page=2&per_page=2&filter=${tag}>; rel="last"`);
  });

  it('gives supabase-js its nextPage, lastPage and total', async () => {
    await admin().createUser({ email: uniqueEmail('list') });
    await admin().createUser({ email: uniqueEmail('list') });
    const { data, error } = await admin().listUsers({ page: 1, perPage: 1 });
    expect(error).toBeNull();
    expect(data.users).toHaveLength(1);
    expect(data).toMatchObject({ aud: 'authenticated', nextPage: 2 });
    if (!('total' in data)) throw new Error('no pagination');
    expect(data.total).toBeGreaterThanOrEqual(2);
    // auth-js reads only the first digit of the page number; total users vary with other files.
    expect(data.lastPage).toBeGreaterThanOrEqual(1);
  });
});

describe('admin.deleteUser', () => {
  it('hard-deletes the row; app foreign keys cascade and tokens stop working', async () => {
    const session = await signUp(anonClient());
    const db = superuserDb();
    const table = `notes_${randomUUID().slice(0, 8)}`;
    try {
      await db.unsafe(
        `create table public.${table} (user_id uuid references auth.users (id) on delete cascade)`,
      );
      await db.unsafe(`insert into public.${table} values ('${session.user.id}')`);

      const { data, error } = await admin().deleteUser(session.user.id);
      expect(error).toBeNull();
      expect(data.user).toEqual({});
      expect(await db.unsafe(`select * from public.${table}`)).toHaveLength(0);
      expect(await db`select 1 from auth.users where id = ${session.user.id}`).toHaveLength(0);
      expect((await anonClient().auth.getUser(session.access_token)).error).toMatchObject({
        code: 'user_not_found',
      });
      expect((await admin().getUserById(session.user.id)).error).toMatchObject({ status: 404 });
    } finally {
      await db.unsafe(`drop table if exists public.${table}`);
      await db.end();
    }
  });

  it('soft-deletes: the row stays, contact data is hashed, sessions end', async () => {
    const email = uniqueEmail('soft');
    const session = await signUp(anonClient(), email);
    const { error } = await admin().deleteUser(session.user.id, true);
    expect(error).toBeNull();

    const { data } = await admin().getUserById(session.user.id);
    expect(data.user?.deleted_at).toBeTruthy();
    expect(data.user?.email).not.toBe(email);
    expect(data.user?.user_metadata).toEqual({});
    expect(data.user?.identities?.[0]).not.toHaveProperty('identity_data');
    const signIn = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
    expect(signIn.error).toMatchObject({ code: 'invalid_credentials' });
    expect((await anonClient().auth.getUser(session.access_token)).error?.name).toBe(
      'AuthSessionMissingError',
    );
  });
});
