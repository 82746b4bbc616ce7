import { isIP } from 'node:net';
import type { Context } from 'hono';
import type { Sql } from 'postgres';
import type { JwtService } from '../lib/jwt.ts';
import type { Logger } from '../lib/logger.ts';
import type { AuthConfig } from './config.ts';

/** What every route of the Auth service is built from. */
export interface AuthDeps {
  /** Pool connected as `supabase_auth_admin`. */
  readonly db: Sql;
  readonly jwt: JwtService;
  readonly config: AuthConfig;
  readonly logger: Logger;
  /** The clock for every timestamp written and every expiry computed. */
  readonly now: () => Date;
}

/** GoTrue's default audience (GOTRUE_JWT_AUD). */
export const DEFAULT_AUD = 'authenticated';

/** Request facts GoTrue records on sessions (`GrantParams`). */
export interface ClientFacts {
  readonly userAgent: string | null;
  /** Client address from the gateway's X-Real-IP / X-Forwarded-For; null unless a valid IP. */
  readonly ip: string | null;
}

export function clientFacts(c: Context): ClientFacts {
  const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
  const candidate = c.req.header('x-real-ip')?.trim() || forwarded || '';
  return {
    userAgent: c.req.header('user-agent') || null,
    ip: isIP(candidate) ? candidate : null,
  };
}

/** `requestAud`: the X-JWT-AUD header when given, else the default audience. */
export function headerAud(c: Context): string | undefined {
  return c.req.header('x-jwt-aud') || undefined;
}
