import { describe, expect, it } from 'vitest';
import { authFetch, PASSWORD, uniqueEmail } from './helpers.ts';

const json = { 'content-type': 'application/json;charset=UTF-8' };
const v2024 = { 'X-Supabase-Api-Version': '2024-01-01' };

describe('service endpoints', () => {
  it('GET /health names GoTrue', async () => {
    const res = await authFetch('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'GoTrue', description: expect.any(String) });
  });

  it('GET /settings reflects the configuration', async () => {
    const res = await authFetch('/settings');
    expect(await res.json()).toMatchObject({
      external: { email: true, phone: false, anonymous_users: false, github: false },
      disable_signup: false,
      mailer_autoconfirm: true,
      phone_autoconfirm: false,
    });
  });

  it('GET /.well-known/jwks.json publishes no HMAC key and may be cached', async () => {
    const res = await authFetch('/.well-known/jwks.json');
    expect(res.headers.get('cache-control')).toBe('public, max-age=600');
    expect(await res.json()).toEqual({ keys: [] });
  });

  it('answers unknown paths with a JSON 404', async () => {
    const res = await authFetch('/otp', { method: 'POST', headers: json, body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error_code: 'not_found' });
  });
});

describe('error envelopes', () => {
  const wrongPassword = (headers: Record<string, string>) =>
    authFetch('/token?grant_type=password', {
      method: 'POST',
      headers: { ...json, ...headers },
      body: JSON.stringify({ email: uniqueEmail('nobody'), password: PASSWORD }),
    });

  it('API version 2024-01-01: string code, version echoed, x-sb-error-code set', async () => {
    const res = await wrongPassword(v2024);
    expect(res.status).toBe(400);
    expect(res.headers.get('x-supabase-api-version')).toBe('2024-01-01');
    expect(res.headers.get('x-sb-error-code')).toBe('invalid_credentials');
    expect(await res.json()).toMatchObject({
      code: 'invalid_credentials',
      message: 'Invalid login credentials',
    });
  });

  it('legacy (no version header): numeric code, error_code and msg', async () => {
    const res = await wrongPassword({});
    expect(res.headers.get('x-supabase-api-version')).toBeNull();
    expect(res.headers.get('x-sb-error-code')).toBe('invalid_credentials');
    expect(await res.json()).toMatchObject({
      code: 400,
      error_code: 'invalid_credentials',
      msg: 'Invalid login credentials',
    });
  });

  it('echoes the API version on successful answers too', async () => {
    const res = await authFetch('/settings', { headers: v2024 });
    expect(res.headers.get('x-supabase-api-version')).toBe('2024-01-01');
  });

  it('weak_password carries its reasons in the legacy envelope', async () => {
    const res = await authFetch('/signup', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: uniqueEmail(), password: '1' }),
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      code: 422,
      error_code: 'weak_password',
      msg: 'Password should be at least 6 characters.',
      weak_password: { reasons: ['length'] },
    });
  });

  it.each([
    ['not JSON', '{"email": '],
    ['an empty body', ''],
    ['a wrongly typed field', '{"email": 42, "password": "secret-ish"}'],
  ])('answers bad_json for %s', async (_, body) => {
    const res = await authFetch('/signup', { method: 'POST', headers: { ...json, ...v2024 }, body });
    expect(res.status).toBe(400);
    const payload = (await res.json()) as { code: string; message: string };
    expect(payload.code).toBe('bad_json');
    expect(payload.message).toMatch(/^Could not parse request body as JSON: /);
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const res = await authFetch('/signup', {
      method: 'POST',
      headers: { ...json, ...v2024 },
      body: JSON.stringify({
        email: uniqueEmail(),
        password: PASSWORD,
        data: { blob: 'x'.repeat(1_100_000) },
      }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      code: 'request_entity_too_large',
      message: 'Request body too large (max 1048576 bytes)',
    });
  });
});
