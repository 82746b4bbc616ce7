import { readFile } from 'node:fs/promises';
import {
  type CryptoKey,
  exportJWK,
  importJWK,
  type JWK,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from 'jose';
import { WatchroomError } from './errors.ts';

export type JwtErrorCode = 'jwt_expired' | 'jwt_invalid';

/** Why verification failed, for services (PostgREST, Realtime) that word it their own way. */
export type JwtFailure = 'expired' | 'malformed' | 'algorithm' | 'signature' | 'no_key' | 'claims';

/** A token that failed verification; `message` follows GoTrue's wording of the cause. */
export class JwtError extends WatchroomError<JwtErrorCode> {
  readonly reason: JwtFailure;

  constructor(code: JwtErrorCode, reason: JwtFailure, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.reason = reason;
  }
}

export type JwtClaims = JWTPayload & Record<string, unknown>;

export interface SigningKey {
  readonly kid: string | undefined;
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/** Signs and verifies the project's JWTs: HS256 with the shared secret, or asymmetric keys. */
export interface JwtService {
  /** Signs with the first asymmetric signing key if configured, else HS256 with the secret. */
  sign(claims: JwtClaims): Promise<string>;
  /** Signs with the shared secret regardless of signing keys (API-role keys are HS256). */
  signHs256(claims: JwtClaims): Promise<string>;
  /**
   * Verifies signature, algorithm allow-list and `exp`/`nbf` (with `clockTolerance` seconds of
   * skew, none by default as GoTrue); throws JwtError.
   */
  verify(token: string, options?: { clockTolerance?: number }): Promise<JwtClaims>;
  /** Public keys only; an HMAC secret is never published. */
  jwks(): { keys: JWK[] };
}

const ALLOWED_ALGORITHMS = ['HS256', 'RS256', 'ES256'];

export async function createJwtService(options: {
  secret: string;
  signingKeys?: readonly SigningKey[];
}): Promise<JwtService> {
  const secret = new TextEncoder().encode(options.secret);
  const signingKeys = options.signingKeys ?? [];
  const primary = signingKeys[0];
  const publicKeys = await Promise.all(
    signingKeys.map(async (k) => ({ kid: k.kid, alg: k.alg, key: await importJWK(k.publicJwk, k.alg) })),
  );

  const signHs256 = (claims: JwtClaims) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(secret);

  return {
    signHs256,
    async sign(claims) {
      if (!primary) return signHs256(claims);
      const header = { alg: primary.alg, typ: 'JWT', ...(primary.kid ? { kid: primary.kid } : {}) };
      return new SignJWT(claims).setProtectedHeader(header).sign(primary.privateKey);
    },
    async verify(token, verifyOptions) {
      try {
        const { payload } = await jwtVerify(
          token,
          async (header) => {
            if (header.alg === 'HS256') return secret;
            const match = publicKeys.find(
              (k) => k.alg === header.alg && (header.kid === undefined || k.kid === header.kid),
            );
            if (!match) {
              throw new JwtError('jwt_invalid', 'no_key', 'token is unverifiable: no matching signing key');
            }
            return match.key;
          },
          { algorithms: ALLOWED_ALGORITHMS, clockTolerance: verifyOptions?.clockTolerance ?? 0 },
        );
        return payload as JwtClaims;
      } catch (error) {
        throw toJwtError(error);
      }
    },
    jwks: () => ({ keys: signingKeys.map((k) => k.publicJwk) }),
  };
}

function toJwtError(error: unknown): JwtError {
  if (error instanceof JwtError) return error;
  if (error instanceof joseErrors.JWTExpired) {
    return new JwtError('jwt_expired', 'expired', 'token has invalid claims: token is expired', {
      cause: error,
    });
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return new JwtError('jwt_invalid', 'signature', 'token signature is invalid: signature is invalid', {
      cause: error,
    });
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) {
    return new JwtError('jwt_invalid', 'algorithm', 'token is unverifiable: signing method is not allowed', {
      cause: error,
    });
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    return new JwtError('jwt_invalid', 'claims', `token has invalid claims: ${error.message}`, {
      cause: error,
    });
  }
  return new JwtError('jwt_invalid', 'malformed', 'token is malformed: could not parse token', {
    cause: error,
  });
}

/**
 * Loads asymmetric signing keys from a JSON file holding an array of private JWKs (RS256 or
 * ES256), the format of the Supabase CLI's `auth.signing_keys_path`.
 */
export async function loadSigningKeys(path: string): Promise<SigningKey[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new WatchroomError('signing_keys_invalid', `cannot read signing keys from ${path}`, {
      cause: error,
    });
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(list) || list.length === 0) {
    throw new WatchroomError('signing_keys_invalid', `${path} must hold a non-empty array of JWKs`);
  }
  return Promise.all(
    list.map(async (raw: JWK): Promise<SigningKey> => {
      const alg: string | undefined =
        raw.alg ?? (raw.kty === 'EC' ? 'ES256' : raw.kty === 'RSA' ? 'RS256' : undefined);
      if (alg !== 'RS256' && alg !== 'ES256') {
        throw new WatchroomError('signing_keys_invalid', `${path}: only RS256 and ES256 keys are supported`);
      }
      const privateKey = (await importJWK(raw, alg)) as CryptoKey;
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, key_ops: _ops, ...pub } = raw;
      const publicJwk: JWK = { ...pub, alg, use: 'sig', key_ops: ['verify'] };
      return { kid: raw.kid, alg, privateKey, publicJwk };
    }),
  );
}

/** Generates an ES256 key pair as a private JWK, for tests and `watchroom gen signing-key`. */
export async function generateSigningJwk(kid: string): Promise<JWK> {
  const { generateKeyPair } = await import('jose');
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
}
