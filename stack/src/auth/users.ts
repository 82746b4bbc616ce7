import { createHash } from 'node:crypto';
import type { ISql, JSONValue } from 'postgres';
import { type IdentityRow, mergeMetadata, type UserRow } from './serialize.ts';

/** The pool or a transaction: every query here runs on either. */
export type Queryable = ISql;

/** GoTrue writes the nil instance id on every row it creates. */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/*
 * Timestamps are rendered by Postgres in UTC with microseconds, so the JSON keeps the precision
 * GoTrue shows (postgres.js Dates would cut it to milliseconds).
 */
const userColumns = (q: Queryable) => q`
  u.id, u.aud, u.role, u.email, u.encrypted_password, u.phone, u.email_change, u.phone_change,
  u.raw_app_meta_data, u.raw_user_meta_data, u.is_anonymous, u.is_sso_user,
  to_char(u.email_confirmed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as email_confirmed_at,
  to_char(u.invited_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as invited_at,
  to_char(u.phone_confirmed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as phone_confirmed_at,
  to_char(u.confirmation_sent_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as confirmation_sent_at,
  to_char(u.confirmed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as confirmed_at,
  to_char(u.recovery_sent_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as recovery_sent_at,
  to_char(u.email_change_sent_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as email_change_sent_at,
  to_char(u.phone_change_sent_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as phone_change_sent_at,
  to_char(u.reauthentication_sent_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as reauthentication_sent_at,
  to_char(u.last_sign_in_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as last_sign_in_at,
  to_char(u.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at,
  to_char(u.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as updated_at,
  to_char(u.banned_until at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as banned_until,
  to_char(u.deleted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as deleted_at`;

const identityColumns = (q: Queryable) => q`
  i.id, i.provider_id, i.user_id, i.identity_data, i.provider, i.email,
  to_char(i.last_sign_in_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as last_sign_in_at,
  to_char(i.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at,
  to_char(i.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as updated_at`;

export async function findUserById(q: Queryable, id: string): Promise<UserRow | undefined> {
  const [row] = await q<UserRow[]>`select ${userColumns(q)} from auth.users u where u.id = ${id}`;
  return row;
}

/** Locks the row for the rest of the transaction (read-modify-write of metadata). */
export async function lockUser(q: Queryable, id: string): Promise<UserRow | undefined> {
  const [row] = await q<UserRow[]>`select ${userColumns(q)} from auth.users u where u.id = ${id} for update`;
  return row;
}

/** `FindUserByEmailAndAudience`: case-insensitive, SSO users excluded. */
export async function findUserByEmail(
  q: Queryable,
  email: string,
  aud: string,
): Promise<UserRow | undefined> {
  const [row] = await q<UserRow[]>`
    select ${userColumns(q)} from auth.users u
    where lower(u.email) = ${email.toLowerCase()} and u.aud = ${aud} and not u.is_sso_user
    limit 1`;
  return row;
}

/**
 * `IsDuplicatedEmail`: another user owning the address, through a non-SSO identity or the
 * users table itself.
 */
export async function findEmailOwner(
  q: Queryable,
  email: string,
  aud: string,
  exceptUserId?: string,
): Promise<UserRow | undefined> {
  const lower = email.toLowerCase();
  const [row] = await q<UserRow[]>`
    select ${userColumns(q)} from auth.users u
    where u.aud = ${aud}
      and u.id is distinct from ${exceptUserId ?? null}::uuid
      and ((lower(u.email) = ${lower} and not u.is_sso_user)
        or exists (select 1 from auth.identities i
                   where i.user_id = u.id and i.email = ${lower} and i.provider not like 'sso:%'))
    order by u.created_at
    limit 1`;
  return row;
}

export async function findUserByPhone(
  q: Queryable,
  phone: string,
  aud: string,
): Promise<UserRow | undefined> {
  const [row] = await q<UserRow[]>`
    select ${userColumns(q)} from auth.users u
    where u.phone = ${phone} and u.aud = ${aud} and not u.is_sso_user limit 1`;
  return row;
}

export interface NewUser {
  readonly id: string;
  readonly aud: string;
  readonly role: string;
  readonly email: string | null;
  readonly phone: string | null;
  /** '' for users without a password, as GoTrue stores it. */
  readonly encryptedPassword: string;
  readonly appMetadata: Record<string, unknown>;
  readonly userMetadata: Record<string, unknown>;
  readonly isAnonymous: boolean;
}

/** Inserts the row app triggers (`on auth.users after insert`) see; token columns are ''. */
export async function insertUser(q: Queryable, user: NewUser, now: Date): Promise<void> {
  await q`
    insert into auth.users (
      instance_id, id, aud, role, email, phone, encrypted_password,
      confirmation_token, recovery_token, email_change_token_new, email_change,
      phone_change, phone_change_token, email_change_token_current, reauthentication_token,
      raw_app_meta_data, raw_user_meta_data, is_anonymous, created_at, updated_at)
    values (
      ${NIL_UUID}, ${user.id}, ${user.aud}, ${user.role}, ${user.email}, ${user.phone}, ${user.encryptedPassword},
      '', '', '', '', '', '', '', '',
      ${q.json(user.appMetadata as JSONValue)}, ${q.json(user.userMetadata as JSONValue)}, ${user.isAnonymous}, ${now}, ${now})`;
}

export async function setUserMetadata(q: Queryable, id: string, data: Record<string, unknown>, now: Date) {
  await q`update auth.users set raw_user_meta_data = ${q.json(data as JSONValue)}, updated_at = ${now} where id = ${id}`;
}

export async function setAppMetadata(q: Queryable, id: string, data: Record<string, unknown>, now: Date) {
  await q`update auth.users set raw_app_meta_data = ${q.json(data as JSONValue)}, updated_at = ${now} where id = ${id}`;
}

/** `User.Confirm` minus the metadata merge, which the caller does on the locked row. */
export async function markEmailConfirmed(q: Queryable, id: string, now: Date) {
  await q`
    update auth.users set email_confirmed_at = ${now}, confirmation_token = '', updated_at = ${now}
    where id = ${id}`;
}

/** `User.Confirm`: confirmed now, and `email_verified: true` merged into user_metadata. */
export async function confirmEmail(q: Queryable, id: string, now: Date) {
  await markEmailConfirmed(q, id, now);
  const user = await lockUser(q, id);
  await setUserMetadata(
    q,
    id,
    mergeMetadata(user?.raw_user_meta_data ?? null, { email_verified: true }),
    now,
  );
}

export async function markPhoneConfirmed(q: Queryable, id: string, now: Date) {
  await q`
    update auth.users set phone_confirmed_at = ${now}, confirmation_token = '', updated_at = ${now}
    where id = ${id}`;
}

/** Records a confirmation "sent" (no mailer locally): a fresh token hash and the time. */
export async function markConfirmationSent(q: Queryable, id: string, tokenHash: string, now: Date) {
  await q`
    update auth.users set confirmation_token = ${tokenHash}, confirmation_sent_at = ${now}, updated_at = ${now}
    where id = ${id}`;
}

export async function setLastSignIn(q: Queryable, id: string, now: Date) {
  await q`update auth.users set last_sign_in_at = ${now}, updated_at = ${now} where id = ${id}`;
}

/** `User.UpdatePassword`: new hash, and every outstanding token or pending change voided. */
export async function setPassword(q: Queryable, id: string, hash: string | null, now: Date) {
  await q`
    update auth.users set
      encrypted_password = ${hash}, confirmation_token = '', confirmation_sent_at = null,
      recovery_token = '', recovery_sent_at = null, email_change_token_current = '',
      email_change_token_new = '', email_change_sent_at = null, phone_change_token = '',
      phone_change_sent_at = null, reauthentication_token = '', reauthentication_sent_at = null,
      updated_at = ${now}
    where id = ${id}`;
}

export async function setRole(q: Queryable, id: string, role: string, now: Date) {
  await q`update auth.users set role = ${role}, updated_at = ${now} where id = ${id}`;
}

export async function setBannedUntil(q: Queryable, id: string, until: Date | null, now: Date) {
  await q`update auth.users set banned_until = ${until}, updated_at = ${now} where id = ${id}`;
}

export async function setEmail(q: Queryable, id: string, email: string, now: Date) {
  await q`update auth.users set email = ${email}, updated_at = ${now} where id = ${id}`;
}

export async function setPhone(q: Queryable, id: string, phone: string, now: Date) {
  await q`update auth.users set phone = ${phone}, updated_at = ${now} where id = ${id}`;
}

export async function clearAnonymous(q: Queryable, id: string, now: Date) {
  await q`update auth.users set is_anonymous = false, updated_at = ${now} where id = ${id}`;
}

/** Starts an email change awaiting confirmation (`sendEmailChange` without the mail). */
export async function requestEmailChange(
  q: Queryable,
  id: string,
  change: { email: string; tokenNew: string; tokenCurrent: string },
  now: Date,
) {
  await q`
    update auth.users set
      email_change = ${change.email}, email_change_token_new = ${change.tokenNew},
      email_change_token_current = ${change.tokenCurrent}, email_change_confirm_status = 0,
      email_change_sent_at = ${now}, updated_at = ${now}
    where id = ${id}`;
}

/** `ConfirmEmailChange`: the address switches at once and pending-change columns clear. */
export async function applyEmailChange(q: Queryable, id: string, email: string, now: Date) {
  await q`
    update auth.users set
      email = ${email}, email_change = '', email_change_token_current = '', email_change_token_new = '',
      email_change_confirm_status = 0, updated_at = ${now}
    where id = ${id}`;
}

export async function findIdentities(q: Queryable, userId: string): Promise<IdentityRow[]> {
  return q<IdentityRow[]>`
    select ${identityColumns(q)} from auth.identities i
    where i.user_id = ${userId} order by i.created_at, i.id`;
}

export async function findIdentity(
  q: Queryable,
  userId: string,
  provider: string,
): Promise<IdentityRow | undefined> {
  const [row] = await q<IdentityRow[]>`
    select ${identityColumns(q)} from auth.identities i
    where i.provider_id = ${userId} and i.provider = ${provider}`;
  return row;
}

export async function insertIdentity(
  q: Queryable,
  identity: { userId: string; provider: string; data: Record<string, unknown> },
  now: Date,
): Promise<void> {
  await q`
    insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
    values (${identity.userId}, ${identity.userId}, ${q.json(identity.data as JSONValue)}, ${identity.provider},
            ${now}, ${now}, ${now})`;
}

export async function setIdentityData(
  q: Queryable,
  identityId: string,
  data: Record<string, unknown>,
  now: Date,
) {
  await q`update auth.identities set identity_data = ${q.json(data as JSONValue)}, updated_at = ${now} where id = ${identityId}`;
}

/** Sign-up keeps only the identity being confirmed (`RemoveUnconfirmedIdentities`). */
export async function deleteOtherIdentities(q: Queryable, userId: string, keepProvider: string) {
  await q`delete from auth.identities where user_id = ${userId} and provider <> ${keepProvider}`;
}

export async function deleteUser(q: Queryable, id: string) {
  await q`delete from auth.users where id = ${id}`;
}

export interface UserPage {
  readonly users: UserRow[];
  readonly total: number;
}

/** `FindUsersInAudience` with offset pagination; `filter` matches email or full_name. */
export async function listUsers(
  q: Queryable,
  options: { aud: string; page: number; perPage: number; filter: string; ascending: boolean },
): Promise<UserPage> {
  const pattern = options.filter ? `%${options.filter}%` : null;
  const where = q`
    u.aud = ${options.aud}
    and (${pattern}::text is null or u.email like ${pattern} or u.raw_user_meta_data ->> 'full_name' ilike ${pattern})`;
  const offset = (options.page - 1) * options.perPage;
  const [count] = await q<{ total: string }[]>`select count(*) as total from auth.users u where ${where}`;
  const users = options.ascending
    ? await q<UserRow[]>`
        select ${userColumns(q)} from auth.users u where ${where}
        order by u.created_at asc, u.id asc limit ${options.perPage} offset ${offset}`
    : await q<UserRow[]>`
        select ${userColumns(q)} from auth.users u where ${where}
        order by u.created_at desc, u.id desc limit ${options.perPage} offset ${offset}`;
  return { users, total: Number(count?.total ?? 0) };
}

/** GoTrue's `obfuscateValue`: base64url(sha256(id + value)), irreversible but stable. */
function obfuscate(id: string, value: string): string {
  return createHash('sha256')
    .update(id + value)
    .digest('base64url');
}

/**
 * `SoftDeleteUser` + `SoftDeleteUserIdentities`: contact data hashed, secrets and metadata
 * cleared, sessions ended; the row stays for foreign keys.
 */
export async function softDeleteUser(q: Queryable, user: UserRow, now: Date): Promise<void> {
  await q`
    update auth.users set
      email = ${obfuscate(user.id, user.email ?? '')},
      phone = ${obfuscate(user.id, user.phone ?? '').slice(0, 15)},
      email_change = ${obfuscate(user.id, user.email_change ?? '')},
      phone_change = ${obfuscate(user.id, user.phone_change ?? '').slice(0, 15)},
      encrypted_password = null, confirmation_token = '', recovery_token = '',
      email_change_token_current = '', email_change_token_new = '', phone_change_token = '',
      raw_user_meta_data = '{}'::jsonb, raw_app_meta_data = '{}'::jsonb,
      deleted_at = ${now}, updated_at = ${now}
    where id = ${user.id}`;
  for (const identity of await findIdentities(q, user.id)) {
    await q`
      update auth.identities set
        identity_data = '{}'::jsonb,
        provider_id = ${obfuscate(user.id, `${identity.provider}:${identity.provider_id}`)},
        updated_at = ${now}
      where id = ${identity.id}`;
  }
  await q`delete from auth.sessions where user_id = ${user.id}`;
}

/** Identities of many users at once, for list pages. */
export async function findIdentitiesOf(q: Queryable, userIds: readonly string[]): Promise<IdentityRow[]> {
  if (userIds.length === 0) return [];
  return q<IdentityRow[]>`
    select ${identityColumns(q)} from auth.identities i
    where i.user_id in ${q(userIds)} order by i.created_at, i.id`;
}
