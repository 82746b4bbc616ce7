import { Hono } from 'hono';
import type { Sql } from 'postgres';
import type { JwtService } from '../lib/jwt.ts';
import type { Logger } from '../lib/logger.ts';
import { API_VERSION_HEADER, requestApiVersion } from './api-version.ts';
import type { AuthConfig } from './config.ts';
import type { AuthDeps } from './context.ts';
import { AuthApiError, createErrorHandler } from './errors.ts';
import { adminRoutes } from './routes/admin.ts';
import { logoutRoutes } from './routes/logout.ts';
import { metaRoutes } from './routes/meta.ts';
import { signupRoutes } from './routes/signup.ts';
import { tokenRoutes } from './routes/token.ts';
import { userRoutes } from './routes/user.ts';

export type { AuthConfig } from './config.ts';
export { AuthApiError, type AuthErrorCode } from './errors.ts';

export interface AuthAppOptions {
  /** Pool connected as `supabase_auth_admin`, owner of the `auth` tables. */
  readonly db: Sql;
  readonly jwt: JwtService;
  readonly config: AuthConfig;
  readonly logger: Logger;
  /** Clock for timestamps and token expiry; tests move it. Default: the system clock. */
  readonly now?: () => Date;
}

/**
 * The GoTrue-compatible Auth service, serving GoTrue's own paths (`/signup`, `/token`, `/user`,
 * `/logout`, `/admin/users`, `/settings`, `/health`, `/.well-known/jwks.json`); the gateway
 * mounts it under `/auth/v1` and strips the prefix.
 *
 * @example
 * const auth = createAuthApp({ db, jwt, config, logger });
 * const res = await auth.fetch(new Request('http://auth/health'));
 */
export function createAuthApp(options: AuthAppOptions): Hono {
  const deps: AuthDeps = {
    db: options.db,
    jwt: options.jwt,
    config: options.config,
    logger: options.logger,
    now: options.now ?? (() => new Date()),
  };
  const app = new Hono();
  app.onError(createErrorHandler(options.logger));
  app.notFound((c) => {
    throw new AuthApiError(
      404,
      'not_found',
      `${c.req.method} ${c.req.path} is not supported by this Auth server`,
    );
  });

  // Echo the negotiated API version on every answer, as GoTrue does on errors.
  app.use(async (c, next) => {
    await next();
    const version = requestApiVersion(c.req.raw);
    if (version !== 'initial') c.res.headers.set(API_VERSION_HEADER, version);
  });

  for (const routes of [metaRoutes, signupRoutes, tokenRoutes, userRoutes, logoutRoutes, adminRoutes]) {
    app.route('/', routes(deps));
  }
  return app;
}
