import { randomBytes, randomUUID } from 'node:crypto';
import { isUuid } from './bearer.ts';
import type { AuthDeps } from './context.ts';
import { badRequest, rethrowAs, unprocessable, weakPasswordError } from './errors.ts';
import { loadUser } from './grants.ts';
import { checkPasswordStrength, hashPassword, isBcryptHash, MAX_PASSWORD_BYTES } from './passwords.ts';
import type { AdminUserBody } from './schemas.ts';
import { mergeMetadata, type UserRow } from './serialize.ts';
import { endSessions } from './sessions.ts';
import {
  clearAnonymous,
  confirmEmail,
  findEmailOwner,
  findIdentity,
  findUserByPhone,
  insertIdentity,
  insertUser,
  lockUser,
  markPhoneConfirmed,
  NIL_UUID,
  type Queryable,
  setAppMetadata,
  setBannedUntil,
  setEmail,
  setIdentityData,
  setPassword,
  setPhone,
  setRole,
  setUserMetadata,
} from './users.ts';
import { parseGoDuration, validateEmail, validatePhone } from './validate.ts';

const EMAIL_TAKEN = 'A user with this email address has already been registered';

/** `ban_duration`: a Go duration, or "none" to lift a ban; returns the new banned_until. */
function banUntil(duration: string, now: Date): Date | null | undefined {
  if (duration === '') return undefined;
  const ms = duration === 'none' ? 0 : parseGoDuration(duration);
  return ms === 0 ? null : new Date(now.getTime() + ms);
}

/** Admin-created accounts without a password get an unguessable one, as in GoTrue. */
async function passwordHashFor(body: AdminUserBody): Promise<string> {
  if (body.password !== undefined && body.password_hash !== '') {
    throw badRequest('validation_failed', 'Only a password or a password hash should be provided');
  }
  if (body.password_hash !== '') {
    if (!isBcryptHash(body.password_hash)) {
      throw badRequest('validation_failed', 'Invalid password hash: only bcrypt hashes are supported');
    }
    return body.password_hash;
  }
  const password = body.password || randomBytes(48).toString('base64url');
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES) {
    throw badRequest('validation_failed', 'bcrypt: password length exceeds 72 bytes');
  }
  return hashPassword(password);
}

function userIdFor(body: AdminUserBody): string {
  if (body.id === '') return randomUUID();
  if (!isUuid(body.id)) throw badRequest('validation_failed', 'ID must conform to the uuid v4 format');
  if (body.id === NIL_UUID) throw badRequest('validation_failed', 'ID cannot be a nil uuid');
  return body.id.toLowerCase();
}

/** `POST /admin/users` (GoTrue's adminUserCreate): no password policy, identities per contact. */
export async function createUserAsAdmin(deps: AuthDeps, body: AdminUserBody, requestAud: string) {
  const aud = body.aud || requestAud;
  if (body.email === '' && body.phone === '') {
    throw badRequest('validation_failed', 'Cannot create a user without either an email or phone');
  }
  const providers: string[] = [];
  const email = body.email === '' ? null : validateEmail(body.email);
  if (email) {
    if (await findEmailOwner(deps.db, email, aud)) throw unprocessable('email_exists', EMAIL_TAKEN);
    providers.push('email');
  }
  const phone = body.phone === '' ? null : validatePhone(body.phone);
  if (phone) {
    if (await findUserByPhone(deps.db, phone, aud)) {
      throw unprocessable('phone_exists', 'Phone number already registered by another user');
    }
    providers.push('phone');
  }
  const encryptedPassword = await passwordHashFor(body);
  const id = userIdFor(body);
  const banned = banUntil(body.ban_duration, deps.now());

  return deps.db
    .begin(async (tx) => {
      const now = deps.now();
      const appMetadata = mergeMetadata({ provider: providers[0], providers }, body.app_metadata ?? {});
      await insertUser(
        tx,
        {
          id,
          aud,
          role: body.role || 'authenticated',
          email,
          phone,
          encryptedPassword,
          appMetadata,
          userMetadata: body.user_metadata ?? {},
          isAnonymous: false,
        },
        now,
      );
      const base = { sub: id, email_verified: false, phone_verified: false };
      if (email) await insertIdentity(tx, { userId: id, provider: 'email', data: { ...base, email } }, now);
      if (phone) await insertIdentity(tx, { userId: id, provider: 'phone', data: { ...base, phone } }, now);
      if (body.email_confirm) await confirmEmail(tx, id, now);
      if (body.phone_confirm) await markPhoneConfirmed(tx, id, now);
      if (banned !== undefined) await setBannedUntil(tx, id, banned, now);
      return (await loadUser(tx, id)).json;
    })
    .catch(rethrowAs('Database error creating new user'));
}

/** Upserts the email/phone identity an admin update points at (GoTrue's adminUserUpdate). */
async function upsertContactIdentity(
  tx: Queryable,
  userId: string,
  provider: 'email' | 'phone',
  value: string,
  verified: boolean,
  now: Date,
) {
  const verifiedKey = provider === 'email' ? 'email_verified' : 'phone_verified';
  const identity = await findIdentity(tx, userId, provider);
  if (identity) {
    const update = { [provider]: value, [verifiedKey]: verified };
    await setIdentityData(tx, identity.id, mergeMetadata(identity.identity_data, update), now);
  } else {
    const data = {
      sub: userId,
      email_verified: false,
      phone_verified: false,
      [provider]: value,
      [verifiedKey]: verified,
    };
    await insertIdentity(tx, { userId, provider, data }, now);
  }
}

/** `PUT /admin/users/:id`: the password policy applies; a new password ends every session. */
export async function updateUserAsAdmin(deps: AuthDeps, user: UserRow, body: AdminUserBody) {
  const email = body.email === '' ? null : validateEmail(body.email);
  const phone = body.phone === '' ? null : validatePhone(body.phone);
  const banned = banUntil(body.ban_duration, deps.now());
  if (email && email !== user.email && (await findEmailOwner(deps.db, email, user.aud ?? '', user.id))) {
    throw unprocessable('email_exists', EMAIL_TAKEN);
  }
  let hash: string | null | undefined;
  if (body.password !== undefined) {
    const weak = checkPasswordStrength(body.password, {
      minimumLength: deps.config.minimumPasswordLength,
      requirements: deps.config.passwordRequirements,
    });
    if (weak) throw weakPasswordError(weak);
    hash = body.password === '' ? null : await hashPassword(body.password);
  }

  return deps.db
    .begin(async (tx) => {
      const now = deps.now();
      const id = user.id;
      if (body.role !== '') await setRole(tx, id, body.role, now);
      if (body.email_confirm) await confirmEmail(tx, id, now);
      if (body.phone_confirm) await markPhoneConfirmed(tx, id, now);
      if (hash !== undefined) {
        await setPassword(tx, id, hash, now);
        await endSessions(tx, id, 'global', undefined);
      }
      if (email) {
        await upsertContactIdentity(tx, id, 'email', email, body.email_confirm, now);
        if (user.is_anonymous && body.email_confirm) await clearAnonymous(tx, id, now);
        await setEmail(tx, id, email, now);
      }
      if (phone) {
        await upsertContactIdentity(tx, id, 'phone', phone, body.phone_confirm, now);
        if (user.is_anonymous && body.phone_confirm) await clearAnonymous(tx, id, now);
        await setPhone(tx, id, phone, now);
      }
      const current = await lockUser(tx, id);
      if (body.app_metadata) {
        await setAppMetadata(
          tx,
          id,
          mergeMetadata(current?.raw_app_meta_data ?? null, body.app_metadata),
          now,
        );
      }
      if (body.user_metadata) {
        await setUserMetadata(
          tx,
          id,
          mergeMetadata(current?.raw_user_meta_data ?? null, body.user_metadata),
          now,
        );
      }
      if (banned !== undefined) await setBannedUntil(tx, id, banned, now);
      return (await loadUser(tx, id)).json;
    })
    .catch(rethrowAs('Error updating user'));
}
