import type { SupabaseClient } from '@supabase/supabase-js';
import { isAuthWeakPasswordError } from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { anonClient, authFetch, claimsOf, PASSWORD, serviceClient, stack, uniqueEmail } from './helpers.ts';

/** A client holding a fresh user's session, as after a browser sign-up. */
async function signedIn(email = uniqueEmail(), data?: Record<string, unknown>) {
  const client = anonClient();
  const { data: result, error } = await client.auth.signUp({ email, password: PASSWORD, options: { data } });
  if (error || !result.session) throw error ?? new Error('no session');
  return { client, session: result.session, email };
}

async function secondDevice(email: string): Promise<SupabaseClient> {
  const client = anonClient();
  const { error } = await client.auth.signInWithPassword({ email, password: PASSWORD });
  if (error) throw error;
  return client;
}

const secret = new TextEncoder().encode(stack.jwtSecret);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('getUser (GET /user)', () => {
  it('returns the signed-in user', async () => {
    const { client, session } = await signedIn();
    const { data, error } = await client.auth.getUser();
    expect(error).toBeNull();
    expect(data.user).toEqual(session.user);
  });

  it.each([
    [
      'an expired token',
      async (sub: string) =>
        new SignJWT({ sub, role: 'authenticated', aud: 'authenticated' })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
          .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
          .sign(secret),
      'invalid JWT: unable to parse or verify signature, token has invalid claims: token is expired',
    ],
    [
      'an unsigned token (alg: none)',
      async (sub: string) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub, role: 'service_role' })}.`,
      'invalid JWT: unable to parse or verify signature, token signature is invalid: signing method none is invalid',
    ],
    [
      'a token signed with another secret',
      async (sub: string) =>
        new SignJWT({ sub, role: 'authenticated' })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .sign(new TextEncoder().encode('not-the-project-secret-but-32-chars-long!!')),
      'invalid JWT: unable to parse or verify signature, token signature is invalid: signature is invalid',
    ],
  ])('refuses %s with bad_jwt', async (_, forge, message) => {
    const { session } = await signedIn();
    const { data, error } = await anonClient().auth.getUser(await forge(session.user.id));
    expect(data.user).toBeNull();
    expect(error).toMatchObject({ status: 403, code: 'bad_jwt', message });
  });

  it('refuses an API key as a user token: missing sub', async () => {
    const { error } = await anonClient().auth.getUser(stack.anonKey);
    expect(error).toMatchObject({
      status: 403,
      code: 'bad_jwt',
      message: 'invalid claim: missing sub claim',
    });
  });

  it('refuses a sub that is not a uuid', async () => {
    const token = await new SignJWT({ sub: 'alice', role: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(secret);
    const { error } = await anonClient().auth.getUser(token);
    expect(error).toMatchObject({ status: 400, code: 'bad_jwt' });
  });

  it('answers user_not_found once the user is deleted', async () => {
    const { session } = await signedIn();
    await serviceClient().auth.admin.deleteUser(session.user.id);
    const { error } = await anonClient().auth.getUser(session.access_token);
    expect(error).toMatchObject({
      status: 403,
      code: 'user_not_found',
      message: 'User from sub claim in JWT does not exist',
    });
  });

  it('answers session_not_found once the session is gone; supabase-js drops its session', async () => {
    const { client, session } = await signedIn();
    const other = anonClient();
    await other.auth.setSession(session);
    await other.auth.signOut();

    const raw = await authFetch('/user', {
      headers: { Authorization: `Bearer ${session.access_token}`, 'X-Supabase-Api-Version': '2024-01-01' },
    });
    expect(raw.status).toBe(403);
    expect(await raw.json()).toMatchObject({
      code: 'session_not_found',
      message: 'Session from session_id claim in JWT does not exist',
    });

    const { error } = await client.auth.getUser();
    expect(error?.name).toBe('AuthSessionMissingError');
    expect((await client.auth.getSession()).data.session).toBeNull();
  });

  it('answers 401 no_authorization without a Bearer token', async () => {
    const res = await authFetch('/user', { headers: { Authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      error_code: 'no_authorization',
      msg: 'This endpoint requires a valid Bearer token',
    });
  });

  it('refuses a token whose audience differs from X-JWT-AUD', async () => {
    const { session } = await signedIn();
    const res = await authFetch('/user', {
      headers: { Authorization: `Bearer ${session.access_token}`, 'X-JWT-AUD': 'other' },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error_code: 'validation_failed' });
  });
});

describe('updateUser (PUT /user)', () => {
  it('merges data into user_metadata shallowly; null deletes a key', async () => {
    const { client } = await signedIn(uniqueEmail(), { a: 1, b: 2, nested: { x: 1 } });
    const { data, error } = await client.auth.updateUser({ data: { b: null, c: 3, nested: { y: 2 } } });
    expect(error).toBeNull();
    const metadata = data.user?.user_metadata ?? {};
    expect(metadata).toMatchObject({ a: 1, c: 3, nested: { y: 2 }, email_verified: true });
    expect(metadata).not.toHaveProperty('b');
    const refreshed = await client.auth.getUser();
    expect(refreshed.data.user?.user_metadata).toEqual(metadata);
  });

  it('changes the password and signs out every other session', async () => {
    const { client, email } = await signedIn();
    const other = await secondDevice(email);

    const { error } = await client.auth.updateUser({ password: 'a-brand-new-password' });
    expect(error).toBeNull();

    expect((await client.auth.getUser()).error).toBeNull();
    expect((await other.auth.getUser()).error?.name).toBe('AuthSessionMissingError');
    const old = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
    expect(old.error).toMatchObject({ code: 'invalid_credentials' });
    const fresh = await anonClient().auth.signInWithPassword({ email, password: 'a-brand-new-password' });
    expect(fresh.error).toBeNull();
  });

  it('refuses a weak or unchanged password', async () => {
    const { client } = await signedIn();
    const weak = await client.auth.updateUser({ password: 'abc' });
    expect(isAuthWeakPasswordError(weak.error)).toBe(true);
    expect(weak.error).toMatchObject({ status: 422, reasons: ['length'] });

    const same = await client.auth.updateUser({ password: PASSWORD });
    expect(same.error).toMatchObject({
      status: 422,
      code: 'same_password',
      message: 'New password should be different from the old password.',
    });
  });

  it('starts an email change without applying it (confirmation pending)', async () => {
    const { client, email } = await signedIn();
    const next = uniqueEmail('next');
    const { data, error } = await client.auth.updateUser({ email: next.toUpperCase() });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ email, new_email: next });
    expect(data.user?.email_change_sent_at).toBeTruthy();
  });

  it('refuses an address another user owns', async () => {
    const { client } = await signedIn();
    const { email: taken } = await signedIn();
    const { error } = await client.auth.updateUser({ email: taken });
    expect(error).toMatchObject({
      status: 422,
      code: 'email_exists',
      message: 'A user with this email address has already been registered',
    });
  });

  it('refuses app_metadata from a non-admin user', async () => {
    const { session } = await signedIn();
    const res = await authFetch('/user', {
      method: 'PUT',
      headers: {
        Authorization: `Bearer ${session.access_token}`,
        'content-type': 'application/json',
        'X-Supabase-Api-Version': '2024-01-01',
      },
      body: JSON.stringify({ app_metadata: { plan: 'pro' } }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'not_admin' });
  });

  it('keeps the session_id and amr of the token after an update', async () => {
    const { client, session } = await signedIn();
    await client.auth.updateUser({ data: { theme: 'dark' } });
    const refreshed = await client.auth.refreshSession();
    const claims = claimsOf(refreshed.data.session?.access_token ?? '');
    expect(claims.session_id).toBe(claimsOf(session.access_token).session_id);
    expect(claims.user_metadata).toMatchObject({ theme: 'dark' });
    expect(claims.sub).toBe(session.user.id);
  });
});
