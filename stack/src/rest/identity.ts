import { type JwtClaims, JwtError, type JwtService } from '../lib/jwt.ts';
import { PostgrestError } from './errors.ts';

/** Who a request runs as: the database role and the claims `request.jwt.claims` carries. */
export interface RequestIdentity {
  readonly role: string;
  readonly claims: JwtClaims;
  /** Anything but the anonymous role: decides 401 vs 403 for a missing privilege. */
  readonly authenticated: boolean;
}

/** PostgREST accepts tokens up to this many seconds past `exp` (clock skew). */
const CLOCK_SKEW_SECONDS = 30;

/**
 * PostgREST's authentication step: no token means the anonymous role; a token must verify
 * and its `role` claim becomes the database role.
 */
export async function identify(
  authorization: string | null,
  jwt: JwtService,
  anonRole: string,
): Promise<RequestIdentity> {
  const match = authorization ? /^bearer\s*(.*)$/i.exec(authorization.trim()) : null;
  if (!match) return { role: anonRole, claims: { role: anonRole }, authenticated: false };
  const token = (match[1] ?? '').trim();
  if (!token) throw jwtError('PGRST301', 'Empty JWT is sent in Authorization header');
  const parts = token.split('.').length;
  if (parts !== 3) throw jwtError('PGRST301', `Expected 3 parts in JWT; got ${parts}`);

  if (headerAlgorithm(token) === 'none') {
    throw jwtError('PGRST301', 'Wrong or unsupported encoding algorithm', UNSECURED);
  }

  let claims: JwtClaims;
  try {
    claims = await jwt.verify(token, { clockTolerance: CLOCK_SKEW_SECONDS });
  } catch (error) {
    if (!(error instanceof JwtError)) throw error;
    // Claims are only checked once the signature verified, so the payload can be trusted here.
    if (error.reason === 'expired' || error.reason === 'claims') {
      throw jwtError('PGRST303', claimsProblem(decodePayload(token)) ?? 'Parsing claims failed');
    }
    throw fromJwtError(error);
  }
  const problem = claimsProblem(claims);
  if (problem) throw jwtError('PGRST303', problem);
  if (claims.role !== undefined && typeof claims.role !== 'string') {
    throw jwtError('PGRST303', 'Parsing claims failed');
  }
  const role = (claims.role as string | undefined) ?? anonRole;
  return { role, claims: { ...claims, role }, authenticated: role !== anonRole };
}

const UNSECURED = "JWT is unsecured but expected 'alg' was not 'none'";

function decodeSegment(segment: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment ?? '', 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function headerAlgorithm(token: string): unknown {
  return decodeSegment(token.split('.')[0])?.alg;
}

function decodePayload(token: string): Record<string, unknown> {
  return decodeSegment(token.split('.')[1]) ?? {};
}

/**
 * PostgREST's claim checks, in its order (exp, nbf, iat, aud), each with 30 s of skew; jose
 * does not reject an `iat` in the future, PostgREST does.
 */
function claimsProblem(claims: Record<string, unknown>): string | undefined {
  const now = Math.floor(Date.now() / 1000);
  const time = (name: 'exp' | 'nbf' | 'iat', invalid: (t: number) => boolean, message: string) => {
    const value = claims[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number') return `The JWT '${name}' claim must be a number`;
    return invalid(Math.floor(value)) ? message : undefined;
  };
  const aud = claims.aud;
  const audOk =
    aud === undefined ||
    typeof aud === 'string' ||
    (Array.isArray(aud) && aud.every((a) => typeof a === 'string'));
  return (
    time('exp', (t) => now - CLOCK_SKEW_SECONDS > t, 'JWT expired') ??
    time('nbf', (t) => now + CLOCK_SKEW_SECONDS < t, 'JWT not yet valid') ??
    time('iat', (t) => now + CLOCK_SKEW_SECONDS < t, 'JWT issued at future') ??
    (audOk ? undefined : "The JWT 'aud' claim must be a string or an array of strings")
  );
}

function fromJwtError(error: JwtError): PostgrestError {
  switch (error.reason) {
    case 'algorithm':
      return jwtError('PGRST301', 'Wrong or unsupported encoding algorithm');
    case 'no_key':
      return jwtError(
        'PGRST301',
        'No suitable key or wrong key type',
        'No suitable key was found to decode the JWT',
      );
    case 'signature':
      return jwtError(
        'PGRST301',
        'No suitable key or wrong key type',
        'None of the keys was able to decode the JWT',
      );
    default:
      return jwtError('PGRST301', 'JWT cryptographic operation failed');
  }
}

/** 401 with the WWW-Authenticate header PostgREST sends for token errors. */
function jwtError(code: 'PGRST301' | 'PGRST303', message: string, details?: string): PostgrestError {
  return new PostgrestError(401, code, message, {
    details: details ?? null,
    headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${message}"` },
  });
}

/**
 * `identify` with a bounded cache of verified tokens: a client sends the same token with every
 * request, and HMAC verification is the costliest step of a small read. An entry lives until
 * the token's `exp` (plus PostgREST's skew), at most five minutes; failures are never cached.
 */
export function createIdentifier(
  jwt: JwtService,
  anonRole: string,
  options: { size?: number; now?: () => number } = {},
): (authorization: string | null) => Promise<RequestIdentity> {
  const size = options.size ?? 1000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { identity: RequestIdentity; until: number }>();
  return async (authorization) => {
    if (!authorization) return identify(authorization, jwt, anonRole);
    const hit = cache.get(authorization);
    if (hit && hit.until > now()) return hit.identity;
    if (hit) cache.delete(authorization);
    const identity = await identify(authorization, jwt, anonRole);
    const exp =
      typeof identity.claims.exp === 'number'
        ? identity.claims.exp * 1000 + CLOCK_SKEW_SECONDS * 1000
        : Infinity;
    cache.set(authorization, { identity, until: Math.min(exp, now() + 5 * 60_000) });
    if (cache.size > size) cache.delete(cache.keys().next().value as string);
    return identity;
  };
}
