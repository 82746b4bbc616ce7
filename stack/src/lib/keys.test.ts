import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { createJwtService, generateSigningJwk, JwtError } from './jwt.ts';
import { DEFAULT_ANON_KEY, DEFAULT_JWT_SECRET, DEFAULT_SERVICE_ROLE_KEY, DEMO_KEY_EXPIRY } from './keys.ts';

describe('API keys', () => {
  it('re-derives the CLI demo keys byte for byte from the demo secret', async () => {
    const jwt = await createJwtService({ secret: DEFAULT_JWT_SECRET });
    const claims = (role: string) => ({ iss: 'supabase-demo', role, exp: DEMO_KEY_EXPIRY });
    expect(await jwt.signHs256(claims('anon'))).toBe(DEFAULT_ANON_KEY);
    expect(await jwt.signHs256(claims('service_role'))).toBe(DEFAULT_SERVICE_ROLE_KEY);
  });
});

describe('JwtService', () => {
  it('rejects alg none, a wrong secret and an expired token with GoTrue-worded errors', async () => {
    const jwt = await createJwtService({ secret: DEFAULT_JWT_SECRET });
    const other = await createJwtService({ secret: 'another-secret-another-secret-another-secret' });
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', role: 'service_role' })}.`;
    await expect(jwt.verify(none)).rejects.toBeInstanceOf(JwtError);
    await expect(jwt.verify(await other.signHs256({ role: 'anon' }))).rejects.toMatchObject({
      code: 'jwt_invalid',
      message: expect.stringContaining('signature is invalid'),
    });
    const expired = await jwt.signHs256({ role: 'anon', exp: Math.floor(Date.now() / 1000) - 10 });
    await expect(jwt.verify(expired)).rejects.toMatchObject({
      code: 'jwt_expired',
      message: 'token has invalid claims: token is expired',
    });
  });

  it('signs with an asymmetric key when configured and publishes only its public part', async () => {
    const { loadSigningKeys } = await import('./jwt.ts');
    const { writeFile, mkdtemp, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'keys-'));
    const file = join(dir, 'signing_keys.json');
    await writeFile(file, JSON.stringify([await generateSigningJwk('key-1')]));
    const signingKeys = await loadSigningKeys(file);
    await rm(dir, { recursive: true, force: true });
    const jwt = await createJwtService({ secret: DEFAULT_JWT_SECRET, signingKeys });
    const token = await jwt.sign({ sub: 'u', role: 'authenticated' });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: 'key-1', typ: 'JWT' });
    expect(decodeJwt(token).sub).toBe('u');
    expect((await jwt.verify(token)).role).toBe('authenticated');
    const [published] = jwt.jwks().keys;
    expect(published).toMatchObject({ kid: 'key-1', kty: 'EC', alg: 'ES256' });
    expect(published).not.toHaveProperty('d');
    // HS256 API keys stay valid next to asymmetric user tokens.
    expect((await jwt.verify(DEFAULT_ANON_KEY)).role).toBe('anon');
  });
});
