import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { limitBody, readBody } from '../body.ts';
import { type AuthDeps, type ClientFacts, clientFacts, DEFAULT_AUD, headerAud } from '../context.ts';
import { badRequest, rethrowAs, unprocessable, weakPasswordError } from '../errors.ts';
import { loadUser, sessionResponse, startSession } from '../grants.ts';
import { checkPasswordStrength, hashPassword } from '../passwords.ts';
import { type SignupBody, signupBody } from '../schemas.ts';
import { formatTimestamp, mergeMetadata, type UserRow, userJson } from '../serialize.ts';
import {
  confirmEmail,
  deleteOtherIdentities,
  findEmailOwner,
  findIdentity,
  insertIdentity,
  insertUser,
  lockUser,
  markConfirmationSent,
  type Queryable,
  setAppMetadata,
  setUserMetadata,
} from '../users.ts';
import { validateEmail } from '../validate.ts';

const EMAIL_APP_METADATA = { provider: 'email', providers: ['email'] };

/** `POST /signup`: email + password sign-up, or anonymous sign-in when neither email nor phone. */
export function signupRoutes(deps: AuthDeps): Hono {
  const app = new Hono();
  app.post('/signup', limitBody, async (c) => {
    const body = await readBody(c, signupBody);
    const aud = headerAud(c) ?? DEFAULT_AUD;
    if (body.email === '' && body.phone === '') {
      if (!deps.config.enableAnonymousSignIns) {
        throw unprocessable('anonymous_provider_disabled', 'Anonymous sign-ins are disabled');
      }
      return c.json(await signUpAnonymously(deps, body, aud, clientFacts(c)));
    }
    return c.json(await signUpWithEmail(deps, body, aud, clientFacts(c)));
  });
  return app;
}

async function signUpAnonymously(deps: AuthDeps, body: SignupBody, aud: string, client: ClientFacts) {
  if (!deps.config.enableSignup)
    throw unprocessable('signup_disabled', 'Signups not allowed for this instance');
  return deps.db
    .begin(async (tx) => {
      const userId = randomUUID();
      await insertUser(
        tx,
        {
          id: userId,
          aud,
          role: 'authenticated',
          email: null,
          phone: null,
          encryptedPassword: '',
          appMetadata: {},
          userMetadata: body.data ?? {},
          isAnonymous: true,
        },
        deps.now(),
      );
      const session = await startSession(tx, deps, userId, 'anonymous', client);
      return sessionResponse(tx, deps, { ...session, userId });
    })
    .catch(rethrowAs('Database error creating anonymous user'));
}

async function signUpWithEmail(deps: AuthDeps, body: SignupBody, aud: string, client: ClientFacts) {
  const { config } = deps;
  if (!config.enableSignup) throw unprocessable('signup_disabled', 'Signups not allowed for this instance');
  if (body.password === '') throw badRequest('validation_failed', 'Signup requires a valid password');
  const weak = checkPasswordStrength(body.password, {
    minimumLength: config.minimumPasswordLength,
    requirements: config.passwordRequirements,
  });
  if (weak) throw weakPasswordError(weak);
  if (body.email !== '' && body.phone !== '') {
    throw badRequest(
      'validation_failed',
      'Only an email address or phone number should be provided on signup.',
    );
  }
  if (body.email === '') throw badRequest('phone_provider_disabled', 'Phone signups are disabled');
  if (!config.emailEnableSignup) throw badRequest('email_provider_disabled', 'Email signups are disabled');
  const email = validateEmail(body.email);
  const data = body.data ?? {};

  const existing = await findEmailOwner(deps.db, email, aud);
  if (existing?.email_confirmed_at) {
    if (config.mailerAutoconfirm) throw unprocessable('user_already_exists', 'User already registered');
    // Without autoconfirm GoTrue hides that the address is taken behind a look-alike user.
    return obfuscatedUser(existing, data, aud, deps.now());
  }
  // Hashing is slow; GoTrue does it before opening the transaction too.
  const passwordHash = existing ? undefined : await hashPassword(body.password);

  return (
    deps.db
      .begin(async (tx) => {
        const now = deps.now();
        let userId = existing?.id;
        if (!userId) {
          userId = randomUUID();
          await insertUser(
            tx,
            {
              id: userId,
              aud,
              role: 'authenticated',
              email,
              phone: null,
              encryptedPassword: passwordHash ?? '',
              appMetadata: EMAIL_APP_METADATA,
              userMetadata: data,
              isAnonymous: false,
            },
            now,
          );
        }
        await ensureEmailIdentity(tx, userId, email, data, now);
        if (config.mailerAutoconfirm) {
          await confirmEmail(tx, userId, now);
          const session = await startSession(tx, deps, userId, 'password', client);
          return sessionResponse(tx, deps, { ...session, userId });
        }
        await markConfirmationSent(tx, userId, confirmationTokenHash(email), now);
        return (await loadUser(tx, userId)).json;
      })
      // A failing trigger on auth.users lands here, after the transaction rolled back.
      .catch(rethrowAs('Database error saving new user'))
  );
}

/**
 * A new email identity carries `{sub, email, email_verified, phone_verified}` plus the sign-up
 * data; the user's metadata becomes that identity data and app_metadata lists its provider.
 */
async function ensureEmailIdentity(
  tx: Queryable,
  userId: string,
  email: string,
  data: Record<string, unknown>,
  now: Date,
) {
  if (await findIdentity(tx, userId, 'email')) return;
  const identityData: Record<string, unknown> = {
    sub: userId,
    email,
    email_verified: false,
    phone_verified: false,
  };
  for (const [key, value] of Object.entries(data)) if (!(key in identityData)) identityData[key] = value;
  await insertIdentity(tx, { userId, provider: 'email', data: identityData }, now);
  await deleteOtherIdentities(tx, userId, 'email');
  const user = await lockUser(tx, userId);
  await setUserMetadata(tx, userId, mergeMetadata({}, identityData), now);
  await setAppMetadata(tx, userId, mergeMetadata(user?.raw_app_meta_data ?? {}, EMAIL_APP_METADATA), now);
}

/** Stands in for the emailed token's hash (sha224 hex, as GoTrue stores it); nothing is sent. */
function confirmationTokenHash(email: string): string {
  return createHash('sha224')
    .update(email + randomBytes(16).toString('hex'))
    .digest('hex');
}

/** `sanitizeUser`: a fresh id and timestamps, no identities, the submitted metadata. */
function obfuscatedUser(user: UserRow, data: Record<string, unknown>, aud: string, now: Date) {
  const stamp = formatTimestamp(now.toISOString());
  const sanitized: UserRow = {
    ...user,
    id: randomUUID(),
    aud,
    role: '',
    phone: '',
    email_change: '',
    created_at: stamp,
    updated_at: stamp,
    confirmation_sent_at: stamp,
    last_sign_in_at: null,
    confirmed_at: null,
    email_change_sent_at: null,
    email_confirmed_at: null,
    phone_confirmed_at: null,
    raw_user_meta_data: data,
    raw_app_meta_data: EMAIL_APP_METADATA,
  };
  return userJson(sanitized, []);
}
