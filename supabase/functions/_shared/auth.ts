// Who is calling: the Bearer JWT, verified against the project's keys (SUPABASE_JWKS: the HS256
// secret as an `oct` key, plus any asymmetric public keys). The runtime's verify_jwt checks the
// signature too; this also reads the claims and requires a signed-in user.
import type { Config } from './config.ts';
import type { Caller } from './db.ts';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from './deps.ts';
import { AppError } from './errors.ts';

export function createAuthenticator(config: Config) {
  const keys = config.SUPABASE_JWKS.keys;
  const secret = keys.find((k) => k.kty === 'oct' && typeof k.k === 'string');
  const hmac = secret
    ? Uint8Array.from(atob(String(secret.k).replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))
    : undefined;
  const asymmetric = keys.filter((k) => k.kty !== 'oct');
  const jwks = asymmetric.length > 0 ? createLocalJWKSet({ keys: asymmetric } as JSONWebKeySet) : undefined;

  return async function authenticate(request: Request): Promise<Caller> {
    const header = request.headers.get('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token) throw new AppError('unauthorized', 'Missing bearer token');
    let claims: Record<string, unknown>;
    try {
      const alg = JSON.parse(atob(token.split('.')[0]?.replace(/-/g, '+').replace(/_/g, '/') ?? '')).alg;
      if (alg === 'HS256' && hmac) claims = (await jwtVerify(token, hmac, { algorithms: ['HS256'] })).payload;
      else if (jwks) claims = (await jwtVerify(token, jwks)).payload;
      else throw new Error('no key for this token');
    } catch {
      throw new AppError('unauthorized', 'Invalid or expired token');
    }
    if (claims.role !== 'authenticated' || typeof claims.sub !== 'string') {
      throw new AppError('unauthorized', 'Sign in first: this needs a user session, not an API key');
    }
    return { userId: claims.sub, claims };
  };
}
