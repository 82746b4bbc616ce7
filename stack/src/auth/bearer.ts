import type { Context } from 'hono';
import { decodeProtectedHeader } from 'jose';
import { type JwtClaims, JwtError } from '../lib/jwt.ts';
import type { AuthDeps } from './context.ts';
import { AuthApiError, badRequest, forbidden } from './errors.ts';
import type { UserRow } from './serialize.ts';
import { findSession, type SessionRow } from './sessions.ts';
import { findUserById, NIL_UUID } from './users.ts';

/** Who a user-scoped request acts as (GoTrue's `requireAuthentication` context). */
export interface Authenticated {
  readonly claims: JwtClaims;
  readonly user: UserRow;
  readonly session: SessionRow | undefined;
}

const BEARER = /^bearer (\S+)$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** GoTrue's valid methods: HS256 plus the asymmetric algorithms signing keys may use. */
const VALID_ALGORITHMS = new Set(['HS256', 'RS256', 'ES256']);

export const isUuid = (value: string) => UUID.test(value);

export function isBanned(user: UserRow, now: Date): boolean {
  return user.banned_until !== null && Date.parse(user.banned_until) > now.getTime();
}

function bearerToken(c: Context): string {
  const match = BEARER.exec(c.req.header('authorization') ?? '');
  if (!match?.[1]) {
    throw new AuthApiError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
  }
  return match[1];
}

/** golang-jwt's wording for a token signed with an algorithm outside the valid set. */
function algorithmDetail(token: string): string | undefined {
  try {
    const { alg } = decodeProtectedHeader(token);
    if (typeof alg === 'string' && !VALID_ALGORITHMS.has(alg)) {
      return `token signature is invalid: signing method ${alg} is invalid`;
    }
  } catch {
    // Unparseable headers keep the verifier's own message.
  }
  return undefined;
}

async function verifiedClaims(deps: AuthDeps, token: string): Promise<JwtClaims> {
  try {
    return await deps.jwt.verify(token);
  } catch (error) {
    if (!(error instanceof JwtError)) throw error;
    const detail = (error.reason === 'algorithm' && algorithmDetail(token)) || error.message;
    throw new AuthApiError(403, 'bad_jwt', `invalid JWT: unable to parse or verify signature, ${detail}`, {
      cause: error,
    });
  }
}

/** `maybeLoadUserOrSession`: the `sub` must name a user and `session_id` a live session. */
async function loadSubject(deps: AuthDeps, claims: JwtClaims): Promise<Authenticated> {
  const sub = typeof claims.sub === 'string' ? claims.sub : '';
  if (sub === '') throw forbidden('bad_jwt', 'invalid claim: missing sub claim');
  if (!isUuid(sub)) throw badRequest('bad_jwt', 'invalid claim: sub claim must be a UUID');
  const user = await findUserById(deps.db, sub);
  if (!user) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist');

  const sessionId = typeof claims.session_id === 'string' ? claims.session_id : '';
  let session: SessionRow | undefined;
  if (sessionId !== '' && sessionId !== NIL_UUID) {
    if (!isUuid(sessionId)) throw forbidden('bad_jwt', 'invalid claim: session_id claim must be a UUID');
    session = await findSession(deps.db, sessionId);
    if (!session) throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist');
  }
  return { claims, user, session };
}

/** GoTrue's `requireAuthentication` for user endpoints (/user, /logout). */
export async function requireUser(c: Context, deps: AuthDeps): Promise<Authenticated> {
  const claims = await verifiedClaims(deps, bearerToken(c));
  const auth = await loadSubject(deps, claims);
  if (isBanned(auth.user, deps.now())) throw forbidden('user_banned', 'User is banned');
  return auth;
}

/**
 * GoTrue's `requireAdminCredentials`: a verified token whose `role` is an admin role; a token
 * tied to a session must still have that session.
 */
export async function requireAdmin(c: Context, deps: AuthDeps): Promise<JwtClaims> {
  const claims = await verifiedClaims(deps, bearerToken(c));
  if (typeof claims.session_id === 'string' && claims.session_id !== '' && claims.session_id !== NIL_UUID) {
    const auth = await loadSubject(deps, claims);
    const notAfter = auth.session?.not_after;
    if (notAfter && notAfter.getTime() <= deps.now().getTime()) {
      throw forbidden('session_expired', 'Session is no longer valid');
    }
  }
  const role = typeof claims.role === 'string' ? claims.role : '';
  if (!deps.config.adminRoles.includes(role)) throw forbidden('not_admin', 'User not allowed');
  return claims;
}
