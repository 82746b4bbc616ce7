import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anonClient,
  authFetch,
  claimsOf,
  type InProcessAuth,
  inProcessAuth,
  PASSWORD,
  serviceClient,
  signUp,
  superuserDb,
  uniqueEmail,
} from './helpers.ts';

describe('signInWithPassword (grant_type=password)', () => {
  it('opens a new session for the right password', async () => {
    const email = uniqueEmail('signin');
    const first = await signUp(anonClient(), email);
    const { data, error } = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
    expect(error).toBeNull();
    expect(data.user?.id).toBe(first.user.id);
    expect(data.session?.refresh_token).toMatch(/^[a-z0-9]{12}$/);
    const claims = claimsOf(data.session?.access_token ?? '');
    expect(claims.session_id).not.toBe(claimsOf(first.access_token).session_id);
    // amr records when the sign-in happened, iat when the token was minted: a second may pass.
    expect(claims.amr).toEqual([{ method: 'password', timestamp: expect.any(Number) }]);
    const amrAt = (claims.amr as { timestamp: number }[])[0]?.timestamp ?? 0;
    expect((claims.iat as number) - amrAt).toBeGreaterThanOrEqual(0);
    expect((claims.iat as number) - amrAt).toBeLessThanOrEqual(1);
    expect(Date.parse(data.user?.last_sign_in_at ?? '')).toBeGreaterThanOrEqual(
      Date.parse(first.user.last_sign_in_at ?? ''),
    );
  });

  it('matches the address case-insensitively', async () => {
    const email = uniqueEmail('case');
    await signUp(anonClient(), email);
    const { error } = await anonClient().auth.signInWithPassword({
      email: email.toUpperCase(),
      password: PASSWORD,
    });
    expect(error).toBeNull();
  });

  it.each([
    ['a wrong password', true],
    ['an unknown address', false],
  ])('answers invalid_credentials for %s', async (_, exists) => {
    const email = uniqueEmail('wrong');
    if (exists) await signUp(anonClient(), email);
    const { data, error } = await anonClient().auth.signInWithPassword({
      email,
      password: 'not-the-password',
    });
    expect(data.session).toBeNull();
    expect(error).toMatchObject({
      name: 'AuthApiError',
      status: 400,
      code: 'invalid_credentials',
      message: 'Invalid login credentials',
    });
  });

  it('accepts the seeded user hashed by pgcrypto crypt() at cost 6', async () => {
    const { data, error } = await anonClient().auth.signInWithPassword({
      email: 'seeded@example.com',
      password: 'seeded-password',
    });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({
      id: '11111111-1111-4111-8111-111111111111',
      user_metadata: { display_name: 'Seeded' },
    });
  });

  it('accepts a $2y$ bcrypt hash imported by an admin', async () => {
    const email = uniqueEmail('imported');
    const hash = `$2y$${bcrypt.hashSync('imported-password', 4).slice(4)}`;
    const created = await serviceClient().auth.admin.createUser({
      email,
      password_hash: hash,
      email_confirm: true,
    });
    expect(created.error).toBeNull();
    const { error } = await anonClient().auth.signInWithPassword({ email, password: 'imported-password' });
    expect(error).toBeNull();
  });

  it('verifies our own hashes with pgcrypto too (seeds and SQL tests compare with crypt())', async () => {
    const session = await signUp(anonClient());
    const db = superuserDb();
    try {
      const [row] = await db<{ ok: boolean; hash: string }[]>`
        select encrypted_password = extensions.crypt(${PASSWORD}, encrypted_password) as ok, encrypted_password as hash
        from auth.users where id = ${session.user.id}`;
      expect(row?.hash).toMatch(/^\$2a\$10\$/);
      expect(row?.ok).toBe(true);
    } finally {
      await db.end();
    }
  });

  it('answers email_not_confirmed for an admin-created, unconfirmed user', async () => {
    const email = uniqueEmail('pending');
    await serviceClient().auth.admin.createUser({ email, password: PASSWORD });
    const { error } = await anonClient().auth.signInWithPassword({ email, password: PASSWORD });
    expect(error).toMatchObject({ status: 400, code: 'email_not_confirmed', message: 'Email not confirmed' });
  });

  it('flags a correct password that no longer meets the policy', async () => {
    const email = uniqueEmail('weak');
    await signUp(anonClient(), email);
    const strict = await inProcessAuth({ minimumPasswordLength: 30 });
    try {
      const { data, error } = await strict.client().auth.signInWithPassword({ email, password: PASSWORD });
      expect(error).toBeNull();
      expect(data.weakPassword).toEqual({
        message: 'Password should be at least 30 characters.',
        reasons: ['length'],
      });
    } finally {
      await strict.close();
    }
  });

  it('answers GoTrue-worded errors for malformed grants', async () => {
    const post = (query: string, body: unknown) =>
      authFetch(`/token?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-Supabase-Api-Version': '2024-01-01' },
        body: JSON.stringify(body),
      });
    const unsupported = await post('grant_type=magic', {});
    expect(unsupported.status).toBe(400);
    expect(await unsupported.json()).toMatchObject({
      code: 'invalid_credentials',
      message: 'unsupported_grant_type',
    });

    const missing = await post('grant_type=password', { password: 'x' });
    expect(await missing.json()).toMatchObject({
      code: 'validation_failed',
      message: 'missing email or phone',
    });

    const pkce = await post('grant_type=pkce', { auth_code: 'abc', code_verifier: 'def' });
    expect(pkce.status).toBe(404);
    expect(await pkce.json()).toMatchObject({ code: 'flow_state_not_found' });
  });
});

async function tokensOf(sessionId: string) {
  const db = superuserDb();
  try {
    return await db<{ token: string; revoked: boolean; parent: string | null }[]>`
      select token, revoked, parent from auth.refresh_tokens where session_id = ${sessionId} order by id`;
  } finally {
    await db.end();
  }
}

describe('refreshSession (grant_type=refresh_token)', () => {
  it('rotates: the old token is revoked and parents the new one in the same session', async () => {
    const session = await signUp(anonClient());
    const client = anonClient();
    const { data, error } = await client.auth.refreshSession({ refresh_token: session.refresh_token });
    expect(error).toBeNull();
    const next = data.session;
    if (!next) throw new Error('no session');
    expect(next.refresh_token).not.toBe(session.refresh_token);
    const before = claimsOf(session.access_token);
    const after = claimsOf(next.access_token);
    expect(after.session_id).toBe(before.session_id);
    expect(after.amr).toEqual(before.amr);
    expect(await tokensOf(String(after.session_id))).toEqual([
      { token: session.refresh_token, revoked: true, parent: null },
      { token: next.refresh_token, revoked: false, parent: session.refresh_token },
    ]);
    const user = await client.auth.getUser();
    expect(user.data.user?.id).toBe(session.user.id);
  });

  it('returns the active child again when its parent is presented (the client lost the answer)', async () => {
    const session = await signUp(anonClient());
    const first = await anonClient().auth.refreshSession({ refresh_token: session.refresh_token });
    const again = await anonClient().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(again.error).toBeNull();
    expect(again.data.session?.refresh_token).toBe(first.data.session?.refresh_token);
    expect(await tokensOf(String(claimsOf(session.access_token).session_id))).toHaveLength(2);
  });

  it('gives concurrent refreshes of one token the same new token', async () => {
    const session = await signUp(anonClient());
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        anonClient().auth.refreshSession({ refresh_token: session.refresh_token }),
      ),
    );
    const issued = new Set(results.map((r) => r.data.session?.refresh_token));
    expect(results.map((r) => r.error)).toEqual([null, null, null, null]);
    expect(issued.size).toBe(1);
  });

  it('accepts an older revoked token within the reuse interval', async () => {
    const session = await signUp(anonClient());
    const b = await anonClient().auth.refreshSession({ refresh_token: session.refresh_token });
    await anonClient().auth.refreshSession({ refresh_token: b.data.session?.refresh_token ?? '' });
    const reused = await anonClient().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(reused.error).toBeNull();
    expect(reused.data.session?.refresh_token).toMatch(/^[a-z0-9]{12}$/);
  });

  it.each([
    [
      'a token that never existed',
      'abcdefabcdef',
      'refresh_token_not_found',
      'Invalid Refresh Token: Refresh Token Not Found',
    ],
    ['a malformed token', 'short', 'validation_failed', 'Refresh token is not valid'],
  ])('refuses %s', async (_, token, code, message) => {
    const { error } = await anonClient().auth.refreshSession({ refresh_token: token });
    expect(error).toMatchObject({ status: 400, code, message });
  });

  it('refuses tokens of a signed-out session', async () => {
    const session = await signUp(anonClient());
    const client = anonClient();
    await client.auth.setSession(session);
    await client.auth.signOut();
    const { error } = await anonClient().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(error).toMatchObject({ status: 400, code: 'refresh_token_not_found' });
  });
});

describe('refresh-token reuse outside the interval', () => {
  let offsetMs = 0;
  let auth: InProcessAuth;
  beforeAll(async () => {
    auth = await inProcessAuth({}, { now: () => new Date(Date.now() + offsetMs) });
  });
  afterAll(() => auth.close());

  it('revokes the whole family and answers refresh_token_already_used', async () => {
    offsetMs = 0;
    const session = await signUp(auth.client());
    const sessionId = String(claimsOf(session.access_token).session_id);
    const b = await auth.client().auth.refreshSession({ refresh_token: session.refresh_token });
    const c = await auth.client().auth.refreshSession({ refresh_token: b.data.session?.refresh_token ?? '' });
    expect(c.error).toBeNull();

    offsetMs = 11_000; // past refresh_token_reuse_interval = 10 s
    const reused = await auth.client().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(reused.error).toMatchObject({
      status: 400,
      code: 'refresh_token_already_used',
      message: 'Invalid Refresh Token: Already Used',
    });
    expect((await tokensOf(sessionId)).every((t) => t.revoked)).toBe(true);

    offsetMs = 22_000; // the family's last token, revoked by the reuse above, is now stale too
    const last = await auth
      .client()
      .auth.refreshSession({ refresh_token: c.data.session?.refresh_token ?? '' });
    expect(last.error).toMatchObject({ code: 'refresh_token_already_used' });
  });

  it('still hands back the active child after the interval', async () => {
    offsetMs = 0;
    const session = await signUp(auth.client());
    const b = await auth.client().auth.refreshSession({ refresh_token: session.refresh_token });
    offsetMs = 60_000;
    const again = await auth.client().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(again.error).toBeNull();
    expect(again.data.session?.refresh_token).toBe(b.data.session?.refresh_token);
  });
});
