import type { WeakPasswordDetail } from './errors.ts';

/** An `auth.users` row as `users.ts` selects it: timestamps pre-rendered in UTC, microseconds. */
export interface UserRow {
  readonly id: string;
  readonly aud: string | null;
  readonly role: string | null;
  readonly email: string | null;
  readonly encrypted_password: string | null;
  readonly phone: string | null;
  readonly email_change: string | null;
  readonly phone_change: string | null;
  readonly raw_app_meta_data: Record<string, unknown> | null;
  readonly raw_user_meta_data: Record<string, unknown> | null;
  readonly is_anonymous: boolean;
  readonly is_sso_user: boolean;
  readonly email_confirmed_at: string | null;
  readonly invited_at: string | null;
  readonly phone_confirmed_at: string | null;
  readonly confirmation_sent_at: string | null;
  readonly confirmed_at: string | null;
  readonly recovery_sent_at: string | null;
  readonly email_change_sent_at: string | null;
  readonly phone_change_sent_at: string | null;
  readonly reauthentication_sent_at: string | null;
  readonly last_sign_in_at: string | null;
  readonly created_at: string | null;
  readonly updated_at: string | null;
  readonly banned_until: string | null;
  readonly deleted_at: string | null;
}

/** An `auth.identities` row, timestamps rendered like UserRow's. */
export interface IdentityRow {
  readonly id: string;
  readonly provider_id: string;
  readonly user_id: string;
  readonly identity_data: Record<string, unknown> | null;
  readonly provider: string;
  readonly email: string | null;
  readonly last_sign_in_at: string | null;
  readonly created_at: string | null;
  readonly updated_at: string | null;
}

/** Go's zero time, what GoTrue prints for a NULL non-pointer timestamp. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * Go's RFC3339Nano rendering of a `YYYY-MM-DDTHH:MM:SS.ffffffZ` string: trailing zeros of the
 * fraction dropped, the dot too when nothing is left.
 */
export function formatTimestamp(value: string): string {
  return value.replace(/\.(\d*?)0*Z$/, (_, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}

const stamp = (value: string | null) => (value === null ? undefined : formatTimestamp(value));

/** Builds an object in key order, leaving out keys whose value is undefined (Go's omitempty). */
function ordered(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) if (value !== undefined) out[key] = value;
  return out;
}

const nonEmpty = (value: string | null) => (value ? value : undefined);

export function identityJson(identity: IdentityRow): Record<string, unknown> {
  const data = identity.identity_data;
  return ordered([
    ['identity_id', identity.id],
    ['id', identity.provider_id],
    ['user_id', identity.user_id],
    ['identity_data', data && Object.keys(data).length > 0 ? data : undefined],
    ['provider', identity.provider],
    ['last_sign_in_at', stamp(identity.last_sign_in_at)],
    ['created_at', stamp(identity.created_at) ?? ZERO_TIME],
    ['updated_at', stamp(identity.updated_at) ?? ZERO_TIME],
    ['email', nonEmpty(identity.email)],
  ]);
}

/** GoTrue's User JSON (models.User) in its key order; tokens and hashes never appear. */
export function userJson(user: UserRow, identities: readonly IdentityRow[]): Record<string, unknown> {
  return ordered([
    ['id', user.id],
    ['aud', user.aud ?? ''],
    ['role', user.role ?? ''],
    ['email', user.email ?? ''],
    ['email_confirmed_at', stamp(user.email_confirmed_at)],
    ['invited_at', stamp(user.invited_at)],
    ['phone', user.phone ?? ''],
    ['phone_confirmed_at', stamp(user.phone_confirmed_at)],
    ['confirmation_sent_at', stamp(user.confirmation_sent_at)],
    ['confirmed_at', stamp(user.confirmed_at)],
    ['recovery_sent_at', stamp(user.recovery_sent_at)],
    ['new_email', nonEmpty(user.email_change)],
    ['email_change_sent_at', stamp(user.email_change_sent_at)],
    ['new_phone', nonEmpty(user.phone_change)],
    ['phone_change_sent_at', stamp(user.phone_change_sent_at)],
    ['reauthentication_sent_at', stamp(user.reauthentication_sent_at)],
    ['last_sign_in_at', stamp(user.last_sign_in_at)],
    ['app_metadata', user.raw_app_meta_data ?? {}],
    ['user_metadata', user.raw_user_meta_data ?? {}],
    ['identities', identities.map(identityJson)],
    ['created_at', stamp(user.created_at) ?? ZERO_TIME],
    ['updated_at', stamp(user.updated_at) ?? ZERO_TIME],
    ['banned_until', stamp(user.banned_until)],
    ['deleted_at', stamp(user.deleted_at)],
    ['is_anonymous', user.is_anonymous],
  ]);
}

export interface IssuedSession {
  readonly accessToken: string;
  /** Unix seconds. */
  readonly expiresAt: number;
  readonly expiresIn: number;
  readonly refreshToken: string;
  readonly user: Record<string, unknown>;
  readonly weakPassword?: WeakPasswordDetail | undefined;
}

/** GoTrue's AccessTokenResponse. */
export function sessionJson(session: IssuedSession): Record<string, unknown> {
  return ordered([
    ['access_token', session.accessToken],
    ['token_type', 'bearer'],
    ['expires_in', session.expiresIn],
    ['expires_at', session.expiresAt],
    ['refresh_token', session.refreshToken],
    ['user', session.user],
    [
      'weak_password',
      session.weakPassword
        ? { message: session.weakPassword.message, reasons: [...session.weakPassword.reasons] }
        : undefined,
    ],
  ]);
}

/**
 * GoTrue's metadata update: a shallow merge where a `null` value deletes the key.
 *
 * @example mergeMetadata({ a: 1, b: 2 }, { b: null, c: 3 }) // { a: 1, c: 3 }
 */
export function mergeMetadata(
  current: Record<string, unknown> | null,
  updates: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...(current ?? {}) };
  for (const [key, value] of Object.entries(updates)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}
