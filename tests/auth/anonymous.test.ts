import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anonClient,
  claimsOf,
  type InProcessAuth,
  inProcessAuth,
  PASSWORD,
  signUp,
  uniqueEmail,
} from './helpers.ts';

describe('signInAnonymously', () => {
  it('is refused with the CLI default (enable_anonymous_sign_ins = false)', async () => {
    const { data, error } = await anonClient().auth.signInAnonymously();
    expect(data.session).toBeNull();
    expect(error).toMatchObject({
      status: 422,
      code: 'anonymous_provider_disabled',
      message: 'Anonymous sign-ins are disabled',
    });
  });

  describe('when enabled', () => {
    let auth: InProcessAuth;
    beforeAll(async () => {
      auth = await inProcessAuth({ enableAnonymousSignIns: true });
    });
    afterAll(() => auth.close());

    it('creates an anonymous user with a session', async () => {
      const { data, error } = await auth
        .client()
        .auth.signInAnonymously({ options: { data: { nickname: 'guest' } } });
      expect(error).toBeNull();
      const session = data.session;
      if (!session) throw new Error('no session');
      expect(session.user).toMatchObject({
        role: 'authenticated',
        email: '',
        phone: '',
        is_anonymous: true,
        app_metadata: {},
        user_metadata: { nickname: 'guest' },
        identities: [],
      });
      expect(claimsOf(session.access_token)).toMatchObject({
        sub: session.user.id,
        role: 'authenticated',
        email: '',
        is_anonymous: true,
        amr: [{ method: 'anonymous' }],
      });
    });

    it('turns into a permanent user by adding an email (autoconfirm)', async () => {
      const client = auth.client();
      const { data } = await client.auth.signInAnonymously();
      const email = uniqueEmail('converted');
      const updated = await client.auth.updateUser({ email });
      expect(updated.error).toBeNull();
      expect(updated.data.user).toMatchObject({
        id: data.user?.id,
        email,
        is_anonymous: false,
        identities: [
          expect.objectContaining({
            provider: 'email',
            identity_data: expect.objectContaining({ email, email_verified: true }),
          }),
        ],
      });
      expect(updated.data.user?.email_confirmed_at).toBeTruthy();

      const withPassword = await client.auth.updateUser({ password: PASSWORD });
      expect(withPassword.error).toBeNull();
      const signIn = await auth.client().auth.signInWithPassword({ email, password: PASSWORD });
      expect(signIn.error).toBeNull();
      expect(signIn.data.user?.id).toBe(data.user?.id);
    });

    it('refuses a password for an anonymous user without an email', async () => {
      const client = auth.client();
      await client.auth.signInAnonymously();
      const { error } = await client.auth.updateUser({ password: PASSWORD });
      expect(error).toMatchObject({
        status: 422,
        code: 'validation_failed',
        message: 'Updating password of an anonymous user without an email or phone is not allowed',
      });
    });

    it('shares the user table with email users: an anonymous user cannot take a registered address', async () => {
      const taken = await signUp(anonClient());
      const client = auth.client();
      await client.auth.signInAnonymously();
      const { error } = await client.auth.updateUser({ email: taken.user.email ?? '' });
      expect(error).toMatchObject({ status: 422, code: 'email_exists' });
    });
  });

  it('answers signup_disabled when sign-ups are off even if anonymous sign-ins are on', async () => {
    const auth = await inProcessAuth({ enableAnonymousSignIns: true, enableSignup: false });
    try {
      const { error } = await auth.client().auth.signInAnonymously();
      expect(error).toMatchObject({ status: 422, code: 'signup_disabled' });
    } finally {
      await auth.close();
    }
  });
});
