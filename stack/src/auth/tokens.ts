import { randomBytes } from 'node:crypto';
import type { JwtClaims } from '../lib/jwt.ts';
import { DEFAULT_AUD } from './context.ts';
import type { UserRow } from './serialize.ts';

/** One `amr` entry: how and when (unix seconds) the session was authenticated. */
export interface AmrEntry {
  readonly method: string;
  readonly timestamp: number;
}

export interface AccessTokenInput {
  readonly issuer: string;
  readonly user: UserRow;
  readonly sessionId: string;
  readonly amr: readonly AmrEntry[];
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/**
 * Access-token claims in the order GoTrue emits them (jwt.RegisteredClaims, then its own):
 * iss, sub, aud, exp, iat, email, phone, app_metadata, user_metadata, role, aal, amr,
 * session_id, is_anonymous.
 */
export function accessTokenClaims(input: AccessTokenInput): JwtClaims {
  const { user } = input;
  return {
    iss: input.issuer,
    sub: user.id,
    aud: user.aud ?? DEFAULT_AUD,
    exp: input.expiresAt,
    iat: input.issuedAt,
    email: user.email ?? '',
    phone: user.phone ?? '',
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: user.role ?? '',
    aal: 'aal1',
    amr: input.amr.map((entry) => ({ method: entry.method, timestamp: entry.timestamp })),
    session_id: input.sessionId,
    is_anonymous: user.is_anonymous,
  };
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** Largest multiple of 36 below 256: bytes at or above it are dropped to keep the draw uniform. */
const UNBIASED_LIMIT = 252;

/** A classic GoTrue refresh token: 12 lower-case alphanumerics from the CSPRNG. */
export function generateRefreshToken(length = 12): string {
  let token = '';
  while (token.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < UNBIASED_LIMIT && token.length < length) token += ALPHABET[byte % ALPHABET.length];
    }
  }
  return token;
}

/** What `/token?grant_type=refresh_token` accepts before touching the database. */
export const REFRESH_TOKEN_FORMAT = /^[a-z0-9]{12}$/;
