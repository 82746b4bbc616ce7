import type { ApiKeys } from '../gateway/api-keys.ts';
import { WatchroomError } from '../lib/errors.ts';
import { JwtError, type JwtService } from '../lib/jwt.ts';
import type { ChannelIdentity } from './contracts.ts';

export type TokenFailure = 'missing' | 'expired' | 'claims' | 'malformed' | 'signature' | 'signer';

/**
 * A token Realtime refuses. `message` is the reference server's wording without a code prefix
 * (realtime.md §1.2, §2.3); `joinReason` is what a join error reply carries.
 */
export class RealtimeTokenError extends WatchroomError<`realtime_token_${TokenFailure}`> {
  readonly failure: TokenFailure;
  readonly joinReason: string;

  constructor(failure: TokenFailure, message: string, joinCode: string) {
    super(`realtime_token_${failure}`, message);
    this.failure = failure;
    this.joinReason = `${joinCode}: ${message}`;
  }
}

const CLAIMS_REQUIRED = 'Fields `role` and `exp` are required in JWT';

/**
 * Verifies a Realtime credential (connection apikey, join `access_token`, refreshed token, REST
 * bearer): a JWT of this project with `role` and `exp`, not expired. The opaque `sb_` keys are
 * not JWTs; Supabase's gateway swaps them for the matching role key, and so do we.
 */
export async function verifyRealtimeToken(
  jwt: JwtService,
  keys: ApiKeys,
  raw: string | null | undefined,
  now: () => number = Date.now,
): Promise<ChannelIdentity> {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new RealtimeTokenError('missing', 'API key is missing', 'MalformedJWT');
  }
  let token = raw.trim();
  if (token === keys.publishableKey) token = keys.anonKey;
  else if (token === keys.secretKey) token = keys.serviceRoleKey;

  let claims: Awaited<ReturnType<JwtService['verify']>>;
  try {
    // Expiry is judged below, so the message can say how long ago.
    claims = await jwt.verify(token, { clockTolerance: Number.MAX_SAFE_INTEGER });
  } catch (error) {
    throw fromJwtError(error);
  }
  if (typeof claims.role !== 'string' || claims.role === '' || typeof claims.exp !== 'number') {
    throw new RealtimeTokenError('claims', CLAIMS_REQUIRED, 'InvalidJWTToken');
  }
  const secondsLeft = claims.exp - Math.floor(now() / 1000);
  if (secondsLeft <= 0) {
    throw new RealtimeTokenError(
      'expired',
      `Token has expired ${-secondsLeft} seconds ago`,
      'InvalidJWTToken',
    );
  }
  return { token, claims, role: claims.role };
}

/** Milliseconds until `identity` expires (≤ 0 once it has). */
export function msUntilExpiry(identity: ChannelIdentity, now: () => number = Date.now): number {
  return (identity.claims.exp ?? 0) * 1000 - now();
}

function fromJwtError(error: unknown): RealtimeTokenError {
  if (!(error instanceof JwtError)) {
    return new RealtimeTokenError('malformed', 'The token provided is not a valid JWT', 'MalformedJWT');
  }
  switch (error.reason) {
    case 'signature':
      return new RealtimeTokenError('signature', 'Failed to validate JWT signature', 'JwtSignatureError');
    case 'no_key':
    case 'algorithm':
      return new RealtimeTokenError(
        'signer',
        'Failed to generate JWT signer, check your JWT secret or JWKS configuration',
        'JwtSignerError',
      );
    case 'claims':
      return new RealtimeTokenError('claims', CLAIMS_REQUIRED, 'InvalidJWTToken');
    default:
      return new RealtimeTokenError('malformed', 'The token provided is not a valid JWT', 'MalformedJWT');
  }
}

/**
 * The connection-level refusal for a failed upgrade (realtime.md §1.2): status and the `error`
 * text; the expiry message there has no "N seconds ago".
 */
export function upgradeRefusal(error: RealtimeTokenError): { status: 401; error: string } {
  if (error.failure === 'expired') return { status: 401, error: 'Token has expired' };
  return { status: 401, error: error.message };
}
