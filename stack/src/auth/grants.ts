import type { AuthDeps, ClientFacts } from './context.ts';
import { internalError, type WeakPasswordDetail } from './errors.ts';
import { type IdentityRow, sessionJson, type UserRow, userJson } from './serialize.ts';
import { addAmrClaim, createSession, insertRefreshToken, sessionAmr } from './sessions.ts';
import { accessTokenClaims, generateRefreshToken } from './tokens.ts';
import { findIdentities, findUserById, type Queryable, setLastSignIn } from './users.ts';

/** How the session was authenticated: the `amr` method GoTrue records. */
export type AuthMethod = 'password' | 'anonymous';

export interface StartedSession {
  readonly sessionId: string;
  readonly refreshToken: string;
}

/**
 * GoTrue's `IssueRefreshToken` with classic tokens: a new session, its first refresh token,
 * the amr claim and `last_sign_in_at`, all on the caller's transaction.
 */
export async function startSession(
  tx: Queryable,
  deps: AuthDeps,
  userId: string,
  method: AuthMethod,
  client: ClientFacts,
): Promise<StartedSession> {
  const now = deps.now();
  const sessionId = await createSession(tx, userId, client, now);
  const refreshToken = generateRefreshToken();
  await insertRefreshToken(tx, { token: refreshToken, userId, sessionId, parent: null }, now);
  await addAmrClaim(tx, sessionId, method, now);
  await setLastSignIn(tx, userId, now);
  return { sessionId, refreshToken };
}

export interface LoadedUser {
  readonly row: UserRow;
  readonly identities: IdentityRow[];
  readonly json: Record<string, unknown>;
}

/** The user as the API returns it, read back so trigger and default changes show. */
export async function loadUser(q: Queryable, userId: string): Promise<LoadedUser> {
  const row = await findUserById(q, userId);
  if (!row) throw internalError('Database error loading user');
  const identities = await findIdentities(q, userId);
  return { row, identities, json: userJson(row, identities) };
}

/** Signs an access token for the session; `exp = iat + jwt_expiry`. */
export async function mintAccessToken(q: Queryable, deps: AuthDeps, user: UserRow, sessionId: string) {
  const issuedAt = Math.floor(deps.now().getTime() / 1000);
  const expiresAt = issuedAt + deps.config.jwtExpiry;
  const claims = accessTokenClaims({
    issuer: deps.config.jwtIssuer,
    user,
    sessionId,
    amr: await sessionAmr(q, sessionId),
    issuedAt,
    expiresAt,
  });
  return { token: await deps.jwt.sign(claims), expiresAt, expiresIn: expiresAt - issuedAt };
}

/** The AccessTokenResponse body for a session and refresh token. */
export async function sessionResponse(
  q: Queryable,
  deps: AuthDeps,
  session: StartedSession & { userId: string; weakPassword?: WeakPasswordDetail | undefined },
): Promise<Record<string, unknown>> {
  const user = await loadUser(q, session.userId);
  const access = await mintAccessToken(q, deps, user.row, session.sessionId);
  return sessionJson({
    accessToken: access.token,
    expiresAt: access.expiresAt,
    expiresIn: access.expiresIn,
    refreshToken: session.refreshToken,
    user: user.json,
    weakPassword: session.weakPassword,
  });
}
