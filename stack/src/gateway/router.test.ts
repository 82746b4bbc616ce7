import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ANON_KEY,
  DEFAULT_PUBLISHABLE_KEY,
  DEFAULT_SECRET_KEY,
  DEFAULT_SERVICE_ROLE_KEY,
} from '../lib/keys.ts';
import { createGatewayHandler, type Service } from './router.ts';

const keys = {
  anonKey: DEFAULT_ANON_KEY,
  serviceRoleKey: DEFAULT_SERVICE_ROLE_KEY,
  publishableKey: DEFAULT_PUBLISHABLE_KEY,
  secretKey: DEFAULT_SECRET_KEY,
};

/** A backend that answers with what it received, so routing and rewrites are observable. */
const echo: Service = {
  async fetch(request) {
    const url = new URL(request.url);
    return Response.json({
      path: url.pathname,
      query: url.search,
      authorization: request.headers.get('authorization'),
      realIp: request.headers.get('x-real-ip'),
      forwardedFor: request.headers.get('x-forwarded-for'),
      body: request.method === 'POST' ? await request.text() : null,
    });
  },
};

const client = { remoteAddress: '127.0.0.7', protocol: 'http' as const };
const handler = (enforceApiKey = true) =>
  createGatewayHandler({ keys, services: { auth: echo }, enforceApiKey });
const call = (path: string, init: RequestInit = {}, enforce = true) =>
  handler(enforce)(new Request(`http://gw${path}`, init), client);

describe('gateway router', () => {
  it('strips the service prefix and forwards query, body and client address', async () => {
    const res = await call('/auth/v1/token?grant_type=password', {
      method: 'POST',
      headers: { apikey: DEFAULT_ANON_KEY, 'x-forwarded-for': '10.0.0.1' },
      body: '{"a":1}',
    });
    expect(await res.json()).toEqual({
      path: '/token',
      query: '?grant_type=password',
      authorization: `Bearer ${DEFAULT_ANON_KEY}`,
      realIp: '127.0.0.7',
      forwardedFor: '10.0.0.1, 127.0.0.7',
      body: '{"a":1}',
    });
  });

  it('maps opaque keys to the role JWTs and keeps a real bearer token', async () => {
    const auth = async (headers: Record<string, string>) =>
      ((await (await call('/auth/v1/user', { headers })).json()) as { authorization: string }).authorization;
    expect(await auth({ apikey: DEFAULT_SECRET_KEY })).toBe(`Bearer ${DEFAULT_SERVICE_ROLE_KEY}`);
    expect(
      await auth({ apikey: DEFAULT_PUBLISHABLE_KEY, authorization: `Bearer ${DEFAULT_PUBLISHABLE_KEY}` }),
    ).toBe(`Bearer ${DEFAULT_ANON_KEY}`);
    expect(await auth({ apikey: DEFAULT_ANON_KEY, authorization: 'Bearer user-token' })).toBe(
      'Bearer user-token',
    );
  });

  it('answers a missing or unknown apikey as hosted Supabase does, unless enforcement is off', async () => {
    const missing = await call('/auth/v1/user');
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      message: 'No API key found in request',
      hint: 'No `apikey` request header or url param was found.',
    });
    const wrong = await call('/auth/v1/user', { headers: { apikey: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { message: string }).message).toBe('Invalid API key');
    expect((await call('/auth/v1/user', {}, false)).status).toBe(200);
    expect((await call(`/auth/v1/user?apikey=${DEFAULT_ANON_KEY}`)).status).toBe(200);
  });

  it('lets browser redirects and key discovery through without a key', async () => {
    expect((await call('/auth/v1/verify?token=x')).status).toBe(200);
    expect((await call('/auth/v1/.well-known/jwks.json')).status).toBe(200);
  });

  it('answers preflights itself, echoing the requested headers', async () => {
    const res = await call('/auth/v1/signup', {
      method: 'OPTIONS',
      headers: {
        origin: 'http://app.test',
        'access-control-request-headers': 'prefer, x-supabase-api-version',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(res.headers.get('access-control-allow-headers')).toBe('prefer, x-supabase-api-version');
    expect(res.headers.get('access-control-allow-methods')).toContain('PATCH');
  });

  it('exposes headers clients read on ordinary responses', async () => {
    const res = await call('/auth/v1/user', {
      headers: { apikey: DEFAULT_ANON_KEY, origin: 'http://app.test' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Supabase-Api-Version');
  });

  it('answers 501 for services not in the stack and 404 for unknown paths', async () => {
    const rest = await call('/rest/v1/rooms', { headers: { apikey: DEFAULT_ANON_KEY } });
    expect(rest.status).toBe(501);
    expect(await rest.json()).toMatchObject({
      code: 'not_implemented',
      message: expect.stringContaining('/rest/v1'),
    });
    expect((await call('/functions/v1/hello', { headers: { apikey: DEFAULT_ANON_KEY } })).status).toBe(501);
    const unknown = await call('/nowhere', { headers: { apikey: DEFAULT_ANON_KEY } });
    expect(unknown.status).toBe(404);
    expect((await call('/health')).status).toBe(200);
  });

  it('turns a crashing backend into a 502 without the cause on the wire', async () => {
    const boom: Service = {
      fetch() {
        throw new Error('secret internals');
      },
    };
    const errors: unknown[] = [];
    const handle = createGatewayHandler({
      keys,
      services: { auth: boom },
      enforceApiKey: false,
      onError: (e) => errors.push(e),
    });
    const res = await handle(new Request('http://gw/auth/v1/user'), client);
    expect(res.status).toBe(502);
    expect(await res.text()).not.toContain('secret internals');
    expect(errors).toHaveLength(1);
  });
});
