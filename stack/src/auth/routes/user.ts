import { createHash, randomInt } from 'node:crypto';
import { Hono } from 'hono';
import { type Authenticated, requireUser } from '../bearer.ts';
import { limitBody, readBody } from '../body.ts';
import { type AuthDeps, DEFAULT_AUD, headerAud } from '../context.ts';
import { badRequest, forbidden, rethrowAs, unprocessable, weakPasswordError } from '../errors.ts';
import { loadUser } from '../grants.ts';
import { checkPasswordStrength, hashPassword, verifyPassword } from '../passwords.ts';
import { type UserUpdateBody, userUpdateBody } from '../schemas.ts';
import { mergeMetadata, userJson } from '../serialize.ts';
import { endSessions } from '../sessions.ts';
import {
  applyEmailChange,
  clearAnonymous,
  confirmEmail,
  findEmailOwner,
  findIdentities,
  findIdentity,
  insertIdentity,
  lockUser,
  type Queryable,
  requestEmailChange,
  setAppMetadata,
  setIdentityData,
  setPassword,
  setUserMetadata,
} from '../users.ts';
import { validateEmail, validatePhone } from '../validate.ts';

/** GoTrue's `requestAud` for a user token: the X-JWT-AUD header, else the token's own `aud`. */
function tokenAudience(auth: Authenticated): string | undefined {
  const aud = auth.claims.aud;
  return Array.isArray(aud) ? aud[0] : aud;
}

function requestAud(deps: AuthDeps, auth: Authenticated, header: string | undefined): string {
  if (header) return header;
  const role = typeof auth.claims.role === 'string' ? auth.claims.role : '';
  const fromToken = deps.config.adminRoles.includes(role) ? undefined : tokenAudience(auth);
  return fromToken || DEFAULT_AUD;
}

/** `GET /user` and `PUT /user`. */
export function userRoutes(deps: AuthDeps): Hono {
  const app = new Hono();
  app.get('/user', async (c) => {
    const auth = await requireUser(c, deps);
    const claimed = tokenAudience(auth);
    if (!claimed || requestAud(deps, auth, headerAud(c)) !== claimed) {
      throw badRequest('validation_failed', "Token audience doesn't match request audience");
    }
    return c.json(userJson(auth.user, await findIdentities(deps.db, auth.user.id)));
  });

  app.put('/user', limitBody, async (c) => {
    const auth = await requireUser(c, deps);
    const body = await readBody(c, userUpdateBody);
    return c.json(await updateUser(deps, auth, body, requestAud(deps, auth, headerAud(c))));
  });
  return app;
}

/** GoTrue's UserUpdate: validation outside the transaction, every write inside one. */
async function updateUser(deps: AuthDeps, auth: Authenticated, body: UserUpdateBody, aud: string) {
  const { user } = auth;
  const email = body.email === '' ? '' : validateEmail(body.email);
  if (body.phone !== '') validatePhone(body.phone);
  if (body.password !== undefined) {
    const weak = checkPasswordStrength(body.password, {
      minimumLength: deps.config.minimumPasswordLength,
      requirements: deps.config.passwordRequirements,
    });
    if (weak) throw weakPasswordError(weak);
  }
  // GoTrue's isAdmin: the user's own role is the admin group, not the token's role.
  if (body.app_metadata && !(user.aud === DEFAULT_AUD && user.role === 'admin')) {
    throw forbidden('not_admin', 'Updating app_metadata requires admin privileges');
  }
  if (user.is_anonymous && body.password && email === '' && body.phone === '') {
    throw unprocessable(
      'validation_failed',
      'Updating password of an anonymous user without an email or phone is not allowed',
    );
  }
  const changesEmail = email !== '' && email !== user.email;
  if (changesEmail && (await findEmailOwner(deps.db, email, aud, user.id))) {
    throw unprocessable('email_exists', 'A user with this email address has already been registered');
  }
  if (body.phone !== '' && body.phone !== user.phone) {
    throw badRequest(
      'validation_failed',
      'Phone changes need an SMS provider, which this server does not have',
    );
  }
  if (body.password && (await verifyPassword(body.password, user.encrypted_password))) {
    throw unprocessable('same_password', 'New password should be different from the old password.');
  }
  const hash = body.password ? await hashPassword(body.password) : null;

  return deps.db
    .begin(async (tx) => {
      const now = deps.now();
      const current = await lockUser(tx, user.id);
      if (!current) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist');
      if (body.password !== undefined) {
        await setPassword(tx, user.id, hash, now);
        // A new password signs out every other device; this session stays.
        await endSessions(tx, user.id, auth.session ? 'others' : 'global', auth.session?.id);
      }
      if (body.data)
        await setUserMetadata(tx, user.id, mergeMetadata(current.raw_user_meta_data, body.data), now);
      if (body.app_metadata) {
        await setAppMetadata(tx, user.id, mergeMetadata(current.raw_app_meta_data, body.app_metadata), now);
      }
      if (changesEmail) {
        if (current.is_anonymous && deps.config.mailerAutoconfirm) {
          await adoptEmail(tx, user.id, email, current.email_confirmed_at !== null, now);
        } else {
          await requestEmailChange(
            tx,
            user.id,
            {
              email,
              tokenNew: tokenHash(email),
              tokenCurrent: current.email ? tokenHash(current.email) : '',
            },
            now,
          );
        }
      }
      return (await loadUser(tx, user.id)).json;
    })
    .catch(rethrowAs('Error updating user'));
}

/**
 * An anonymous user with autoconfirm gets the address at once (GoTrue's `emailChangeVerify`):
 * verified email identity, confirmed, no longer anonymous.
 */
async function adoptEmail(tx: Queryable, userId: string, email: string, confirmed: boolean, now: Date) {
  const identity = await findIdentity(tx, userId, 'email');
  if (identity) {
    await setIdentityData(
      tx,
      identity.id,
      mergeMetadata(identity.identity_data, { email, email_verified: true }),
      now,
    );
  } else {
    const data = { sub: userId, email, email_verified: true, phone_verified: false };
    await insertIdentity(tx, { userId, provider: 'email', data }, now);
  }
  await clearAnonymous(tx, userId, now);
  await applyEmailChange(tx, userId, email, now);
  if (!confirmed) await confirmEmail(tx, userId, now);
}

/** What GoTrue stores for an emailed OTP: sha224(address + otp); nothing is mailed here. */
function tokenHash(email: string): string {
  const otp = String(randomInt(0, 1_000_000)).padStart(6, '0');
  return createHash('sha224')
    .update(email + otp)
    .digest('hex');
}
