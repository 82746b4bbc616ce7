/**
 * Edge functions through supabase-js `functions.invoke` and raw requests: routing with
 * sub-paths, every body kind in, every response kind out, env injection, verify_jwt, CORS,
 * concurrency (functions-cli.md §5–6).
 */
import { randomUUID } from 'node:crypto';
import { FunctionsFetchError, FunctionsHttpError, FunctionsRelayError } from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { functionsStack } from './helpers.ts';

const fns = functionsStack();

interface Echo {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | null>;
  body: unknown;
}

const sign = (claims: Record<string, unknown>, expiresIn = 3600) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
    .sign(new TextEncoder().encode(fns.stack.jwtSecret));

describe('routing', () => {
  it('forwards the request unchanged as /<slug>/<sub/path>?query, POST by default', async () => {
    const { data, error } = await fns.client().functions.invoke<Echo>('echo/a/b/c?x=1&y=two', {
      body: { hello: 'world' },
      headers: { 'x-custom': 'kept' },
    });
    expect(error).toBeNull();
    expect(data).toMatchObject({
      method: 'POST',
      path: '/echo/a/b/c',
      query: { x: '1', y: 'two' },
      headers: { 'x-custom': 'kept', 'content-type': 'application/json' },
      body: { json: { hello: 'world' } },
    });
    expect(data?.headers.authorization).toBe(`Bearer ${fns.stack.anonKey}`);
    expect(data?.headers['x-client-info']).toMatch(/^supabase-js\//);
    expect(data?.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('serves every method', async () => {
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'] as const) {
      const { data } = await fns.client().functions.invoke<Echo>('echo', { method });
      expect(data?.method).toBe(method);
    }
    const head = await fns.call('/echo', {
      method: 'HEAD',
      headers: { authorization: `Bearer ${fns.stack.anonKey}` },
    });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('routes a Hono app (npm: via the function deno.json) by its sub-paths', async () => {
    const client = fns.client();
    expect((await client.functions.invoke('hono-app/items/42?q=z', { method: 'GET' })).data).toEqual({
      route: 'item',
      id: '42',
      q: 'z',
    });
    const created = await client.functions.invoke('hono-app/items', { body: { name: 'n' } });
    expect(created.data).toEqual({ route: 'create', body: { name: 'n' } });
    expect(created.response?.status).toBe(201);
    const missing = await client.functions.invoke('hono-app/nowhere', { method: 'GET' });
    expect(missing.error).toBeInstanceOf(FunctionsHttpError);
    expect(await (missing.error as FunctionsHttpError).context.json()).toEqual({
      error: 'no such route',
      path: '/hono-app/nowhere',
    });
  });

  it('serves a module whose default export has fetch()', async () => {
    expect((await fns.client().functions.invoke('default-export')).data).toEqual({
      form: 'default export',
      method: 'POST',
    });
  });

  it('answers 404 Function not found for unknown, disabled and underscore slugs', async () => {
    for (const slug of ['nope', 'disabled', '_shared']) {
      const response = await fns.call(`/${slug}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${fns.stack.anonKey}` },
      });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('text/plain');
      expect(await response.text()).toBe('Function not found');
    }
  });

  it('answers its health check', async () => {
    const response = await fns.call('/_internal/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: 'ok' });
  });
});

describe('request bodies', () => {
  it('takes JSON, text, form data with files, binary and no body at all', async () => {
    const { functions } = fns.client();
    expect((await functions.invoke<Echo>('echo', { body: [1, 'two', { three: 3 }] })).data?.body).toEqual({
      json: [1, 'two', { three: 3 }],
    });
    const text = await functions.invoke<Echo>('echo', { body: 'plain text ✓' });
    expect(text.data?.headers['content-type']).toBe('text/plain');
    expect(text.data?.body).toEqual({ text: 'plain text ✓' });
    const form = new FormData();
    form.append('field', 'value');
    form.append('upload', new Blob([new Uint8Array(300)], { type: 'image/png' }), 'pic.png');
    expect((await functions.invoke<Echo>('echo', { body: form })).data?.body).toEqual({
      form: { field: 'value', upload: { file: 'pic.png', size: 300, type: 'image/png' } },
    });
    const bytes = new Uint8Array([9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const binary = await functions.invoke<Echo>('echo', { body: bytes.buffer });
    expect(binary.data?.headers['content-type']).toBe('application/octet-stream');
    expect(binary.data?.body).toEqual({ bytes: 9, first: [9, 8, 7, 6, 5, 4, 3, 2] });
    // supabase-js sends no body and no Content-Type for a falsy body: Deno sees an empty one.
    const none = await functions.invoke<Echo>('echo');
    expect([null, JSON.stringify({ bytes: 0, first: [] })]).toContain(
      none.data?.body && JSON.stringify(none.data.body),
    );
    expect(none.data?.headers['content-type']).toBeNull();
  });

  it('streams a large body through', async () => {
    const big = new Uint8Array(5 * 1024 * 1024).fill(7);
    const { data } = await fns.client().functions.invoke<Echo>('echo', { body: new Blob([big]) });
    expect(data?.body).toEqual({ bytes: big.length, first: [7, 7, 7, 7, 7, 7, 7, 7] });
  });
});

describe('responses', () => {
  it('are parsed by Content-Type: JSON, text, binary Blob', async () => {
    const { functions } = fns.client();
    expect((await functions.invoke('responses/json')).data).toEqual({
      kind: 'json',
      nested: { list: [1, 2, 3] },
    });
    expect((await functions.invoke('responses/text')).data).toBe('plain text, ünïcode');
    const blob = (await functions.invoke('responses/binary')).data as Blob;
    expect(blob).toBeInstanceOf(Blob);
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([0, 1, 2, 253, 254, 255]);
  });

  it('streams text/event-stream as it is written', async () => {
    const { data } = await fns.client().functions.invoke('responses/stream');
    const reader = (data as Response).body?.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    const decoder = new TextDecoder();
    let text = '';
    const chunks: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(decoder.decode(value));
      text += chunks.at(-1);
    }
    expect(text).toBe('data: {"i":1}\n\ndata: {"i":2}\n\ndata: {"i":3}\n\n');
    expect(chunks.length).toBeGreaterThan(1);
  });

  it('passes non-2xx statuses through as FunctionsHttpError with the function body', async () => {
    const { data, error, response } = await fns.client().functions.invoke('responses/status/418');
    expect(data).toBeNull();
    expect(error).toBeInstanceOf(FunctionsHttpError);
    expect(response?.status).toBe(418);
    expect(await (error as FunctionsHttpError).context.json()).toEqual({ error: 'teapot', status: 418 });
  });

  it('a response marked x-relay-error is a FunctionsRelayError', async () => {
    const { error } = await fns.client().functions.invoke('responses/relay');
    expect(error).toBeInstanceOf(FunctionsRelayError);
  });

  it('an unreachable server or a timeout is a FunctionsFetchError', async () => {
    const { error } = await fns.client().functions.invoke('slow?ms=2000', { timeout: 50 });
    expect(error).toBeInstanceOf(FunctionsFetchError);
  });

  it('keeps every Set-Cookie header and empty bodies', async () => {
    const cookies = await fns.call('/responses/cookies', {
      method: 'POST',
      headers: { authorization: `Bearer ${fns.stack.anonKey}` },
    });
    expect(cookies.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    const empty = await fns.call('/responses/empty', {
      method: 'POST',
      headers: { authorization: `Bearer ${fns.stack.anonKey}` },
    });
    expect(empty.status).toBe(204);
  });
});

describe('environment', () => {
  it('injects the SUPABASE_* values and the secrets, and nothing of the host', async () => {
    const { data } = await fns.client().functions.invoke<Record<string, string | null>>('env');
    const { stack } = fns;
    expect(data).toMatchObject({
      SUPABASE_URL: stack.apiUrl,
      SUPABASE_ANON_KEY: stack.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: stack.serviceRoleKey,
      SUPABASE_DB_URL: stack.dbUrl,
      SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: stack.publishableKey }),
      SUPABASE_SECRET_KEYS: JSON.stringify({ default: stack.secretKey }),
      GREETING: 'hello from .env',
      QUOTED: 'single $quoted',
      FROM_CONFIG: 'from env()',
      SUPABASE_SNEAKY: null,
      HOME: null,
      PATH: null,
      DENO_DIR: null,
      WATCHROOM_FN_ENTRYPOINT: null,
    });
    const jwks = JSON.parse(data?.SUPABASE_JWKS ?? '{}') as { keys: { kty: string; k: string }[] };
    expect(jwks.keys[0]).toEqual({ kty: 'oct', k: Buffer.from(stack.jwtSecret).toString('base64url') });
    expect(
      fns.logs.some((line) =>
        line.includes('Env name cannot start with SUPABASE_, skipping: SUPABASE_SNEAKY'),
      ),
    ).toBe(true);
  });
});

describe('verify_jwt', () => {
  const respond = async (response: Response) => ({ status: response.status, body: await response.json() });

  it('lets a valid token of any role through: anon key, service role, a user', async () => {
    for (const token of [
      fns.stack.anonKey,
      fns.stack.serviceRoleKey,
      await sign({ sub: randomUUID(), role: 'authenticated' }),
    ]) {
      const response = await fns.call('/echo', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
    }
  });

  it('refuses with the local runtime messages', async () => {
    expect(await respond(await fns.call('/echo', { method: 'POST', apikey: null }))).toEqual({
      status: 401,
      body: { msg: 'Error: Missing authorization header' },
    });
    expect(
      await respond(
        await fns.call('/echo', { method: 'POST', headers: { authorization: 'Basic dXNlcjpwdw==' } }),
      ),
    ).toEqual({ status: 401, body: { msg: "Error: Auth header is not 'Bearer {token}'" } });
    for (const token of [
      'garbage',
      await sign({ role: 'anon' }, -60),
      `${fns.stack.anonKey.slice(0, -4)}AAAA`,
    ]) {
      expect(
        await respond(
          await fns.call('/echo', { method: 'POST', headers: { authorization: `Bearer ${token}` } }),
        ),
      ).toEqual({
        status: 401,
        body: { msg: 'Invalid JWT' },
      });
    }
  });

  it('a publishable key is swapped for the anon JWT by the gateway and passes', async () => {
    const { data, error } = await fns.client(fns.stack.publishableKey).functions.invoke<Echo>('echo');
    expect(error).toBeNull();
    expect(data?.headers.authorization).toBe(`Bearer ${fns.stack.anonKey}`);
  });

  it('is skipped for verify_jwt = false functions and for OPTIONS', async () => {
    const open = await fns.call('/open', {
      method: 'POST',
      apikey: null,
      headers: { authorization: 'Bearer garbage' },
    });
    expect(await open.json()).toEqual({ open: true, authorization: 'Bearer garbage' });
    const preflight = await fns.call('/echo', { method: 'OPTIONS', apikey: null });
    expect(preflight.status).toBe(200);
  });
});

describe('CORS', () => {
  it('a function that answers preflights keeps its own headers', async () => {
    const response = await fns.call('/cors', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(response.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
  });

  it('a function that forgets CORS gets the local gateway headers, requested headers echoed', async () => {
    const response = await fns.call('/echo', {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, x-client-info, apikey, content-type, x-region',
      },
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(response.headers.get('access-control-allow-headers')).toBe(
      'authorization, x-client-info, apikey, content-type, x-region',
    );
  });
});

describe('concurrency and warm workers', () => {
  it('serves concurrent invokes in parallel on one warm worker', async () => {
    const client = fns.client();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        client.functions.invoke<{ waited: number; inFlight: number }>('slow?ms=200'),
      ),
    );
    expect(results.every((r) => r.error === null && r.data?.waited === 200)).toBe(true);
    expect(Math.max(...results.map((r) => r.data?.inFlight ?? 0))).toBeGreaterThan(1);
  });

  it('runs EdgeRuntime.waitUntil work after the response', async () => {
    const client = fns.client();
    await client.functions.invoke('slow');
    const { data } = await client.functions.invoke<{ background: number }>('slow');
    expect(data?.background).toBeGreaterThanOrEqual(1);
  });

  it('logs what functions print, prefixed with their name', async () => {
    await fns.client().functions.invoke('throws');
    expect(
      fns.logs.some((line) => line.startsWith('[functions:throws]') && line.includes('thrown on purpose')),
    ).toBe(true);
  });
});
