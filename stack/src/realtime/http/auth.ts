import type { ApiKeys } from '../../gateway/api-keys.ts';
import type { JwtService } from '../../lib/jwt.ts';
import type { ChannelIdentity } from '../contracts.ts';
import { RealtimeTokenError, verifyRealtimeToken } from '../identity.ts';
import { unauthorized } from './errors.ts';

/**
 * The credential of a REST broadcast, as the reference's `AuthTenant` picks it: the token of a
 * `Bearer` Authorization header (scheme case-insensitive), else the `apikey` header. An
 * Authorization header with another scheme is ignored; an empty one counts as absent.
 */
export function credentialOf(headers: Headers): string | null {
  const authorization = headers.get('authorization');
  if (authorization) {
    const [scheme = '', ...rest] = authorization.trim().split(/\s+/);
    if (scheme.toLowerCase() === 'bearer') return rest.join(' ');
  }
  return headers.get('apikey');
}

/** Verified like a join token (role and exp required, not expired); any failure is a 401. */
export async function authenticate(
  headers: Headers,
  jwt: JwtService,
  keys: ApiKeys,
  now: () => number,
): Promise<ChannelIdentity> {
  try {
    return await verifyRealtimeToken(jwt, keys, credentialOf(headers), now);
  } catch (error) {
    if (error instanceof RealtimeTokenError) throw unauthorized();
    throw error;
  }
}

/** What policies see as `request.headers` for a REST broadcast: every request header. */
export function policyHeaders(headers: Headers): Record<string, string> {
  const all: Record<string, string> = {};
  // Header names come lower-cased from the Headers object.
  headers.forEach((value, name) => {
    all[name] = value;
  });
  return all;
}
