import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { target } from '../helpers/target.ts';
import { expectError, rest } from './helpers.ts';

const now = () => Math.floor(Date.now() / 1000);
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function sign(claims: Record<string, unknown>, secret: string): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(secret));
}

function invalidToken(message: string): string {
  return `Bearer error="invalid_token", error_description="${message}"`;
}

/** PostgREST's JWT errors (v12+ codes), each with its WWW-Authenticate header. */
describe('JWT errors', () => {
  const withSecret = target.jwtSecret ? it : it.skip;

  withSecret('an expired token is 401 PGRST303 "JWT expired"', async () => {
    const token = await sign({ role: 'authenticated', exp: now() - 120 }, target.jwtSecret as string);
    const res = await rest('/authors', { token });
    expect(res.headers.get('www-authenticate')).toBe(invalidToken('JWT expired'));
    await expectError(res, 401, { code: 'PGRST303', details: null, hint: null, message: 'JWT expired' });
  });

  withSecret('a token expired less than 30 s ago is still accepted (clock skew)', async () => {
    const token = await sign({ role: 'anon', exp: now() - 5 }, target.jwtSecret as string);
    const res = await rest('/authors?select=id&id=eq.1', { token });
    expect(res.status).toBe(200);
  });

  withSecret('a token issued in the future is 401 PGRST303', async () => {
    const token = await sign({ role: 'anon', iat: now() + 3600 }, target.jwtSecret as string);
    await expectError(await rest('/authors', { token }), 401, {
      code: 'PGRST303',
      details: null,
      hint: null,
      message: 'JWT issued at future',
    });
  });

  withSecret('a role that does not exist is 401 22023', async () => {
    const token = await sign({ role: 'ghost', exp: now() + 60 }, target.jwtSecret as string);
    await expectError(await rest('/authors', { token }), 401, {
      code: '22023',
      details: null,
      hint: null,
      message: 'role "ghost" does not exist',
    });
  });

  it('a token signed with another secret is 401 PGRST301', async () => {
    const token = await sign(
      { role: 'service_role', exp: now() + 60 },
      'not-the-secret-not-the-secret-not-it',
    );
    const res = await rest('/authors', { token });
    expect(res.headers.get('www-authenticate')).toBe(invalidToken('No suitable key or wrong key type'));
    await expectError(res, 401, {
      code: 'PGRST301',
      details: 'None of the keys was able to decode the JWT',
      hint: null,
      message: 'No suitable key or wrong key type',
    });
  });

  it('alg: none is refused: 401 PGRST301', async () => {
    const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ role: 'service_role' })}.`;
    await expectError(await rest('/authors', { token }), 401, {
      code: 'PGRST301',
      details: "JWT is unsecured but expected 'alg' was not 'none'",
      hint: null,
      message: 'Wrong or unsupported encoding algorithm',
    });
  });

  it('three parts of garbage: 401 PGRST301 "JWT cryptographic operation failed"', async () => {
    await expectError(
      await rest('/authors', { token: 'quifquirndsjagnrgniur.fonvoienqhhdj.iuqvnvhojah' }),
      401,
      {
        code: 'PGRST301',
        details: null,
        hint: null,
        message: 'JWT cryptographic operation failed',
      },
    );
  });

  it('two parts: 401 PGRST301 "Expected 3 parts in JWT; got 2"', async () => {
    await expectError(await rest('/authors', { token: 'eyJhbGciOiJIUzI1NiJ9.e30' }), 401, {
      code: 'PGRST301',
      details: null,
      hint: null,
      message: 'Expected 3 parts in JWT; got 2',
    });
  });

  it('the Bearer scheme is case-insensitive', async () => {
    const res = await rest('/authors?select=id&id=eq.1', {
      token: null,
      headers: { Authorization: `bearer ${target.anonKey}` },
    });
    expect(res.status).toBe(200);
  });
});
