import { randomUUID } from 'node:crypto';
import { isAuthRetryableFetchError, isAuthWeakPasswordError } from '@supabase/supabase-js';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anonClient,
  authFetch,
  claimsOf,
  type InProcessAuth,
  inProcessAuth,
  PASSWORD,
  signUp,
  stack,
  superuserDb,
  uniqueEmail,
} from './helpers.ts';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

describe('signUp with email and password (autoconfirm on)', () => {
  it('returns a GoTrue session whose user has the GoTrue shape', async () => {
    const email = uniqueEmail('shape');
    const { data, error } = await anonClient().auth.signUp({
      email,
      password: PASSWORD,
      options: { data: { display_name: 'Ada' } },
    });
    expect(error).toBeNull();
    const session = data.session;
    if (!session) throw new Error('no session');
    expect(session).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(session.refresh_token).toMatch(/^[a-z0-9]{12}$/);
    expect(session.expires_at).toBe(claimsOf(session.access_token).exp);

    const user = session.user as unknown as Record<string, unknown>;
    expect(Object.keys(user)).toEqual([
      'id',
      'aud',
      'role',
      'email',
      'email_confirmed_at',
      'phone',
      'confirmed_at',
      'last_sign_in_at',
      'app_metadata',
      'user_metadata',
      'identities',
      'created_at',
      'updated_at',
      'is_anonymous',
    ]);
    expect(user).toMatchObject({
      aud: 'authenticated',
      role: 'authenticated',
      email,
      phone: '',
      is_anonymous: false,
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: {
        sub: user.id,
        email,
        email_verified: true,
        phone_verified: false,
        display_name: 'Ada',
      },
    });
    for (const key of ['email_confirmed_at', 'confirmed_at', 'last_sign_in_at', 'created_at', 'updated_at']) {
      expect(user[key], key).toMatch(RFC3339);
    }
    expect(session.user.identities).toHaveLength(1);
    expect(session.user.identities?.[0]).toMatchObject({
      id: user.id,
      user_id: user.id,
      provider: 'email',
      email,
      identity_data: {
        sub: user.id,
        email,
        email_verified: false,
        phone_verified: false,
        display_name: 'Ada',
      },
    });
    expect(session.user.identities?.[0]?.identity_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("issues an access token with GoTrue's claims in GoTrue's order", async () => {
    const session = await signUp(anonClient());
    expect(decodeProtectedHeader(session.access_token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = claimsOf(session.access_token);
    expect(Object.keys(claims)).toEqual([
      'iss',
      'sub',
      'aud',
      'exp',
      'iat',
      'email',
      'phone',
      'app_metadata',
      'user_metadata',
      'role',
      'aal',
      'amr',
      'session_id',
      'is_anonymous',
    ]);
    expect(claims).toMatchObject({
      iss: expect.stringMatching(/\/auth\/v1$/),
      sub: session.user.id,
      aud: 'authenticated',
      email: session.user.email,
      phone: '',
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method: 'password', timestamp: expect.any(Number) }],
      session_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      is_anonymous: false,
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
    // amr records when the sign-up happened, iat when the token was minted: a second may pass.
    const amrAt = (claims.amr as { timestamp: number }[])[0]?.timestamp ?? 0;
    expect(Number(claims.iat) - amrAt).toBeGreaterThanOrEqual(0);
    expect(Number(claims.iat) - amrAt).toBeLessThanOrEqual(1);
  });

  it('stores the address lower-cased', async () => {
    const email = uniqueEmail('MiXeD');
    const session = await signUp(anonClient(), email.toUpperCase());
    expect(session.user.email).toBe(email.toLowerCase());
  });

  it('refuses an address that is already registered', async () => {
    const email = uniqueEmail('dup');
    await signUp(anonClient(), email);
    const { data, error } = await anonClient().auth.signUp({ email, password: PASSWORD });
    expect(data.session).toBeNull();
    expect(error).toMatchObject({
      name: 'AuthApiError',
      status: 422,
      code: 'user_already_exists',
      message: 'User already registered',
    });
  });

  it('refuses a weak password with AuthWeakPasswordError and its reasons', async () => {
    const { error } = await anonClient().auth.signUp({ email: uniqueEmail(), password: '123' });
    expect(isAuthWeakPasswordError(error)).toBe(true);
    expect(error).toMatchObject({
      status: 422,
      code: 'weak_password',
      message: 'Password should be at least 6 characters.',
      reasons: ['length'],
    });
  });

  it.each([
    [
      'an invalid address',
      { email: 'not-an-email', password: PASSWORD },
      'Unable to validate email address: invalid format',
    ],
    ['an empty password', { email: 'x@example.com', password: '' }, 'Signup requires a valid password'],
    [
      'a password over 72 bytes',
      { email: 'x@example.com', password: 'p'.repeat(73) },
      'Password cannot be longer than 72 characters',
    ],
  ])('answers validation_failed for %s', async (_, credentials, message) => {
    const { error } = await anonClient().auth.signUp(credentials);
    expect(error).toMatchObject({ status: 400, code: 'validation_failed', message });
  });

  it('leaves nothing behind and answers 500 when a trigger on auth.users raises', async () => {
    const db = superuserDb();
    const tag = `boom${randomUUID().slice(0, 8)}`;
    const fn = `raise_${tag}`;
    try {
      await db.unsafe(`
        create function public.${fn}() returns trigger language plpgsql as $$
        begin raise exception 'profile insert failed'; end $$;
        create trigger ${fn} after insert on auth.users for each row
          when (new.email like '${tag}-%') execute function public.${fn}();`);
      const email = uniqueEmail(tag);

      const { data, error } = await anonClient().auth.signUp({ email, password: PASSWORD });
      expect(data.user).toBeNull();
      expect(isAuthRetryableFetchError(error)).toBe(true);
      expect(error?.status).toBe(500);

      const raw = await authFetch('/signup', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-Supabase-Api-Version': '2024-01-01' },
        body: JSON.stringify({ email, password: PASSWORD }),
      });
      expect(raw.status).toBe(500);
      const body = await raw.json();
      expect(body).toMatchObject({ code: 'unexpected_failure', message: 'Database error saving new user' });
      expect(JSON.stringify(body)).not.toContain('profile insert failed');

      const rows = await db`select 1 from auth.users where email = ${email}
        union all select 1 from auth.identities where email = ${email}`;
      expect(rows).toHaveLength(0);
    } finally {
      await db.unsafe(`drop trigger if exists ${fn} on auth.users; drop function if exists public.${fn}();`);
      await db.end();
    }
  });

  it('signs the user Postgres sees as auth.uid()', async () => {
    const session = await signUp(anonClient());
    const db = superuserDb();
    try {
      const [row] = await db.begin(async (tx) => {
        await tx`set local role authenticated`;
        await tx`select set_config('request.jwt.claims', ${JSON.stringify(claimsOf(session.access_token))}, true)`;
        return tx<{ uid: string }[]>`select auth.uid() as uid`;
      });
      expect(row?.uid).toBe(session.user.id);
    } finally {
      await db.end();
    }
  });
});

describe('signUp with confirmations required (autoconfirm off)', () => {
  let auth: InProcessAuth;
  beforeAll(async () => {
    auth = await inProcessAuth({ mailerAutoconfirm: false });
  });
  afterAll(() => auth.close());

  it('returns the unconfirmed user and no session; password sign-in waits for confirmation', async () => {
    const email = uniqueEmail('unconfirmed');
    const { data, error } = await auth.client().auth.signUp({ email, password: PASSWORD });
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    expect(data.user).toMatchObject({ email, identities: [expect.objectContaining({ provider: 'email' })] });
    expect(data.user?.email_confirmed_at).toBeUndefined();
    expect(data.user?.confirmation_sent_at).toMatch(RFC3339);

    const signIn = await auth.client().auth.signInWithPassword({ email, password: PASSWORD });
    expect(signIn.error).toMatchObject({
      status: 400,
      code: 'email_not_confirmed',
      message: 'Email not confirmed',
    });
  });

  it('hides an already confirmed address behind a look-alike user', async () => {
    const existing = await signUp(anonClient());
    const { data, error } = await auth
      .client()
      .auth.signUp({ email: existing.user.email ?? '', password: 'another-password' });
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    expect(data.user?.id).not.toBe(existing.user.id);
    expect(data.user?.identities).toEqual([]);
    expect(data.user?.email).toBe(existing.user.email);
  });
});

describe('signUp switched off', () => {
  it('answers signup_disabled when enable_signup is false', async () => {
    const auth = await inProcessAuth({ enableSignup: false });
    try {
      const { error } = await auth.client().auth.signUp({ email: uniqueEmail(), password: PASSWORD });
      expect(error).toMatchObject({
        status: 422,
        code: 'signup_disabled',
        message: 'Signups not allowed for this instance',
      });
    } finally {
      await auth.close();
    }
  });

  it('answers email_provider_disabled when the email provider is off', async () => {
    const auth = await inProcessAuth({ emailEnableSignup: false });
    try {
      const { error } = await auth.client().auth.signUp({ email: uniqueEmail(), password: PASSWORD });
      expect(error).toMatchObject({ status: 400, code: 'email_provider_disabled' });
    } finally {
      await auth.close();
    }
  });

  it('still lets an admin create users', async () => {
    const auth = await inProcessAuth({ enableSignup: false });
    try {
      const { data, error } = await auth
        .client(stack.serviceRoleKey)
        .auth.admin.createUser({ email: uniqueEmail() });
      expect(error).toBeNull();
      expect(data.user?.id).toBeTruthy();
    } finally {
      await auth.close();
    }
  });
});
