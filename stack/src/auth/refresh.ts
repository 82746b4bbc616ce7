import { isBanned, isUuid } from './bearer.ts';
import type { AuthDeps, ClientFacts } from './context.ts';
import { type AuthApiError, badRequest } from './errors.ts';
import { sessionResponse } from './grants.ts';
import {
  activeRefreshToken,
  deleteRefreshToken,
  findRefreshToken,
  insertRefreshToken,
  lockRefreshToken,
  lockSession,
  revokeRefreshToken,
  revokeSessionTokens,
  touchSession,
} from './sessions.ts';
import { generateRefreshToken, REFRESH_TOKEN_FORMAT } from './tokens.ts';
import { findUserById } from './users.ts';

const notFound = () =>
  badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');

/** Some refusals must keep their writes (revocations), so they leave the transaction as values. */
type Outcome =
  | { readonly ok: true; readonly body: Record<string, unknown> }
  | { readonly ok: false; readonly error: AuthApiError };

/**
 * `grant_type=refresh_token` with classic 12-character tokens (GoTrue's RefreshTokenGrant):
 *
 * - a live token is revoked and a child (`parent` = it, same session) issued;
 * - a revoked token whose child is the session's active token gets that child back (the client
 *   lost the previous response);
 * - any other revoked token is accepted within `refresh_token_reuse_interval` seconds of its
 *   revocation, and beyond it ends the family (rotation on) with `refresh_token_already_used`.
 */
export async function refreshTokenGrant(
  deps: AuthDeps,
  presented: string,
  client: ClientFacts,
): Promise<Record<string, unknown>> {
  if (!REFRESH_TOKEN_FORMAT.test(presented))
    throw badRequest('validation_failed', 'Refresh token is not valid');
  const outcome = await deps.db.begin(async (tx): Promise<Outcome> => {
    const now = deps.now();
    // Session before token: the order in which deleting a session (logout, password change)
    // locks them through ON DELETE CASCADE, so the two cannot deadlock.
    const found = await findRefreshToken(tx, presented);
    const session = found?.session_id ? await lockSession(tx, found.session_id) : undefined;
    const token = found && (await lockRefreshToken(tx, presented));
    if (!token) throw notFound();
    const user = isUuid(token.user_id) ? await findUserById(tx, token.user_id) : undefined;
    if (!user) throw notFound();
    if (isBanned(user, now)) throw badRequest('user_banned', 'Invalid Refresh Token: User Banned');
    if (!session) {
      await deleteRefreshToken(tx, token.id);
      return {
        ok: false,
        error: badRequest('session_not_found', 'Invalid Refresh Token: No Valid Session Found'),
      };
    }
    if (session.not_after && session.not_after.getTime() <= now.getTime()) {
      throw badRequest('session_expired', 'Invalid Refresh Token: Session Expired');
    }

    let issued: string | undefined;
    if (token.revoked) {
      const active = await activeRefreshToken(tx, session.id);
      if (active && active.parent === token.token) {
        issued = active.token;
      } else {
        const reuseUntil = token.updated_at.getTime() + deps.config.refreshTokenReuseInterval * 1000;
        if (now.getTime() > reuseUntil) {
          if (deps.config.refreshTokenRotation) await revokeSessionTokens(tx, session.id, now);
          deps.logger.warn(`refresh token reuse outside the reuse interval, session ${session.id}`);
          return {
            ok: false,
            error: badRequest('refresh_token_already_used', 'Invalid Refresh Token: Already Used'),
          };
        }
      }
    }
    if (!issued) {
      await revokeRefreshToken(tx, token.id, now);
      issued = generateRefreshToken();
      await insertRefreshToken(
        tx,
        { token: issued, userId: token.user_id, sessionId: session.id, parent: token.token },
        now,
      );
    }
    await touchSession(tx, session.id, client, now);
    return {
      ok: true,
      body: await sessionResponse(tx, deps, { userId: user.id, sessionId: session.id, refreshToken: issued }),
    };
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.body;
}
