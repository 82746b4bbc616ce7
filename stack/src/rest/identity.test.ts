import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createJwtService } from '../lib/jwt.ts';
import { PostgrestError } from './errors.ts';
import { identify } from './identity.ts';

const SECRET = 'identity-test-secret-identity-test-secret';
const now = () => Math.floor(Date.now() / 1000);

function sign(claims: Record<string, unknown>, secret = SECRET): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

/** The error `identify` answers for a bearer token, as PostgREST's `{code, details, message}`. */
async function failure(token: string): Promise<{ code: string; details: string | null; message: string }> {
  const jwt = await createJwtService({ secret: SECRET });
  try {
    await identify(`Bearer ${token}`, jwt, 'anon');
  } catch (error) {
    if (!(error instanceof PostgrestError)) throw error;
    expect(error.status).toBe(401);
    return { code: error.code, details: error.details, message: error.message };
  }
  throw new Error('identify accepted the token');
}

describe('identify', () => {
  it('takes the role from a verified token and anon without one', async () => {
    const jwt = await createJwtService({ secret: SECRET });
    const user = await identify(`bearer ${await sign({ role: 'authenticated', sub: 'u1' })}`, jwt, 'anon');
    expect(user).toMatchObject({ role: 'authenticated', authenticated: true });
    expect(await identify(null, jwt, 'anon')).toEqual({
      role: 'anon',
      claims: { role: 'anon' },
      authenticated: false,
    });
  });

  it.each([
    [{ exp: now() - 60 }, 'JWT expired'],
    [{ nbf: now() + 600 }, 'JWT not yet valid'],
    [{ iat: now() + 600 }, 'JWT issued at future'],
    [{ exp: 'soon' }, "The JWT 'exp' claim must be a number"],
    [{ aud: { not: 'a string' } }, "The JWT 'aud' claim must be a string or an array of strings"],
  ])('claims %j are PGRST303 %s', async (claims, message) => {
    expect(await failure(await sign(claims))).toEqual({ code: 'PGRST303', details: null, message });
  });

  it('accepts 30 s of clock skew', async () => {
    const jwt = await createJwtService({ secret: SECRET });
    const token = await sign({ role: 'anon', exp: now() - 10, iat: now() + 10 });
    expect((await identify(`Bearer ${token}`, jwt, 'anon')).role).toBe('anon');
  });

  it('words signature, algorithm and format failures as PostgREST v12+', async () => {
    expect(await failure(await sign({}, 'another-secret-another-secret-another'))).toEqual({
      code: 'PGRST301',
      details: 'None of the keys was able to decode the JWT',
      message: 'No suitable key or wrong key type',
    });
    const unsecured = `${Buffer.from('{"alg":"none"}').toString('base64url')}.e30.`;
    expect(await failure(unsecured)).toEqual({
      code: 'PGRST301',
      details: "JWT is unsecured but expected 'alg' was not 'none'",
      message: 'Wrong or unsupported encoding algorithm',
    });
    expect(await failure('a.b')).toEqual({
      code: 'PGRST301',
      details: null,
      message: 'Expected 3 parts in JWT; got 2',
    });
  });
});
