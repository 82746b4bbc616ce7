import { Hono } from 'hono';
import { requireUser } from '../bearer.ts';
import type { AuthDeps } from '../context.ts';
import { badRequest, rethrowAs } from '../errors.ts';
import { endSessions, type LogoutScope } from '../sessions.ts';

const SCOPES: Record<string, LogoutScope> = {
  '': 'global',
  global: 'global',
  local: 'local',
  others: 'others',
};

/** `POST /logout?scope=global|local|others` → 204; the body is ignored. */
export function logoutRoutes(deps: AuthDeps): Hono {
  const app = new Hono();
  app.post('/logout', async (c) => {
    const auth = await requireUser(c, deps);
    const requested = c.req.query('scope') ?? '';
    const scope = SCOPES[requested];
    if (!scope) throw badRequest('validation_failed', `Unsupported logout scope "${requested}"`);
    // A token without a session (hand-made) can only mean "everywhere", as in GoTrue.
    await endSessions(deps.db, auth.user.id, auth.session ? scope : 'global', auth.session?.id).catch(
      rethrowAs('Error logging out user'),
    );
    return c.body(null, 204);
  });
  return app;
}
