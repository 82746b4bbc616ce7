import { describe, expect, it } from 'vitest';
import { createJwtService } from '../../lib/jwt.ts';
import { databaseUnavailable } from '../policies/errors.ts';
import { bodyOf, type Fixture, fixture, json, post, recordingPolicies, SECRET_KEY, user } from './testing.ts';

const USER = '6f1c2b8e-4d7a-4c3e-9b1a-2f5e8d7c6b01';

async function send(body: unknown, options: Parameters<typeof fixture>[0] = {}) {
  const f = await fixture(options);
  const response = await f.api.fetch(
    post('/api/broadcast', { token: await f.token(user(USER)), ...json(body) }),
  );
  return { response, body: await bodyOf(response), published: f.hub.published };
}

describe('POST /api/broadcast', () => {
  it('answers 202 with an empty body and publishes each message', async () => {
    const f = await fixture();
    const response = await f.api.fetch(
      post('/api/broadcast?apikey=ignored&vsn=2.0.0', {
        token: await f.token(user(USER)),
        ...json({
          messages: [
            { topic: 'room1', event: 'cursor', payload: { x: 1 } },
            {
              topic: 'room1',
              event: 'cursor',
              payload: { x: 2 },
              private: false,
              id: 'msg-2',
              extra: 'ignored',
            },
            { topic: 'room:2', event: 'Chat', payload: {} },
          ],
        }),
      }),
    );
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    expect(response.headers.get('content-type')).toBeNull();
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('x-rate-limit')).toBe('100');
    expect(f.hub.published).toEqual([
      {
        topic: 'room1',
        private: false,
        event: 'cursor',
        payload: { kind: 'json', value: { x: 1 } },
        origin: 'rest-batch',
      },
      {
        topic: 'room1',
        private: false,
        event: 'cursor',
        payload: { kind: 'json', value: { x: 2 } },
        origin: 'rest-batch',
        meta: { id: 'msg-2' },
      },
      {
        topic: 'room:2',
        private: false,
        event: 'Chat',
        payload: { kind: 'json', value: {} },
        origin: 'rest-batch',
      },
    ]);
  });

  it('reads a body sent without a content type as JSON', async () => {
    const f = await fixture();
    const bytes = new TextEncoder().encode(
      JSON.stringify({ messages: [{ topic: 't', event: 'e', payload: {} }] }),
    );
    const request = post('/api/broadcast', { token: await f.token(user(USER)), body: bytes });
    expect(request.headers.get('content-type')).toBeNull();
    expect((await f.api.fetch(request)).status).toBe(202);
    expect(f.hub.published).toHaveLength(1);
  });

  it('casts flexible booleans and blank ids as the reference does', async () => {
    const { response, published } = await send({
      messages: [
        { topic: 'a', event: 'e', payload: {}, private: 'false', id: '  ' },
        { topic: 'b', event: 'e', payload: {}, private: null, id: null },
        { topic: 'c', event: 'e', payload: {}, private: '0' },
      ],
    });
    expect(response.status).toBe(202);
    expect(published.map((m) => [m.topic, m.private, m.meta])).toEqual([
      ['a', false, undefined],
      ['b', false, undefined],
      ['c', false, undefined],
    ]);
  });
});

describe('validation', () => {
  it.each([
    ['no messages', {}, { messages: ["can't be blank"] }],
    ['null messages', { messages: null }, { messages: ["can't be blank"] }],
    ['an empty list', { messages: [] }, { messages: ["can't be blank"] }],
    ['a non-object body', [1, 2], { messages: ["can't be blank"] }],
    ['messages that are not a list', { messages: 'x' }, { messages: ['is invalid'] }],
    [
      'a list holding a non-object',
      { messages: [{ topic: 't', event: 'e', payload: {} }, 3] },
      { messages: ['is invalid'] },
    ],
  ])('refuses %s with 422', async (_, body, errors) => {
    const result = await send(body);
    expect(result.response.status).toBe(422);
    expect(result.response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(result.body).toEqual({ errors });
    expect(result.published).toEqual([]);
  });

  it('reports each message, {} for valid ones, and publishes none of them', async () => {
    const result = await send({
      messages: [
        { topic: 'ok', event: 'e', payload: { fine: true } },
        { event: 'e' },
        { topic: '   ', event: 7, payload: [1], private: 'yes', id: 42 },
        { topic: 't', event: '', payload: null },
      ],
    });
    expect(result.response.status).toBe(422);
    expect(result.body).toEqual({
      errors: {
        messages: [
          {},
          { payload: ["can't be blank"], topic: ["can't be blank"] },
          {
            event: ['is invalid'],
            id: ['is invalid'],
            payload: ['is invalid'],
            private: ['is invalid'],
            topic: ["can't be blank"],
          },
          { event: ["can't be blank"], payload: ["can't be blank"] },
        ],
      },
    });
    // Ecto encodes the keys of each error map in order.
    expect(Object.keys((result.body as { errors: { messages: object[] } }).errors.messages[2] ?? {})).toEqual(
      ['event', 'id', 'payload', 'private', 'topic'],
    );
    expect(result.published).toEqual([]);
  });

  it('refuses a payload over the size limit, alongside other errors', async () => {
    const config = { maxPayloadSizeKb: 1 }; // 1 × 1000 + 500 bytes
    const fits = { s: 'x'.repeat(1500 - '{"s":""}'.length) };
    const over = { s: 'x'.repeat(1501 - '{"s":""}'.length) };
    expect(
      (await send({ messages: [{ topic: 't', event: 'e', payload: fits }] }, { config })).response.status,
    ).toBe(202);
    const result = await send(
      {
        messages: [
          { topic: 't', event: 'e', payload: fits },
          { topic: 't', event: 'e', payload: over },
          { event: 'e', payload: over },
        ],
      },
      { config },
    );
    expect(result.response.status).toBe(422);
    expect(result.body).toEqual({
      errors: {
        messages: [
          {},
          { payload: ['Payload size exceeds tenant limit'] },
          { payload: ['Payload size exceeds tenant limit'], topic: ["can't be blank"] },
        ],
      },
    });
    expect(result.published).toEqual([]);
  });

  it('counts payload size in UTF-8 bytes', async () => {
    const config = { maxPayloadSizeKb: 1 };
    const euro = '€'.repeat(500); // 1500 bytes, 500 characters
    const result = await send({ messages: [{ topic: 't', event: 'e', payload: { s: euro } }] }, { config });
    expect(result.body).toEqual({
      errors: { messages: [{ payload: ['Payload size exceeds tenant limit'] }] },
    });
  });

  it('answers a body of another content type as a batch without messages', async () => {
    const f = await fixture();
    const response = await f.api.fetch(
      post('/api/broadcast', {
        token: await f.token(user(USER)),
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ messages: [{ topic: 't', event: 'e', payload: {} }] }),
      }),
    );
    expect(response.status).toBe(422);
    expect(await bodyOf(response)).toEqual({ errors: { messages: ["can't be blank"] } });
  });

  it.each([
    ['invalid JSON', '{"messages": [', 'application/json'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), 'application/json'],
  ])('answers %s with 400', async (_, body, type) => {
    const f = await fixture();
    const response = await f.api.fetch(
      post('/api/broadcast', { token: await f.token(user(USER)), headers: { 'content-type': type }, body }),
    );
    expect(response.status).toBe(400);
    expect(await bodyOf(response)).toEqual({ message: 'Bad Request' });
  });

  it('refuses a body over the cap with 413, declared or streamed', async () => {
    const f = await fixture({ maxBodyBytes: 1024 });
    const token = await f.token(user(USER));
    const big = JSON.stringify({ messages: [{ topic: 't', event: 'e', payload: { s: 'x'.repeat(2000) } }] });
    const declared = await f.api.fetch(post('/api/broadcast', { token, ...json(JSON.parse(big)) }));
    expect(declared.status).toBe(413);
    expect(await bodyOf(declared)).toEqual({ message: 'Request Entity Too Large' });

    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(512).fill(0x20));
        if (pulled > 1000) controller.close();
      },
    });
    const streamed = await f.api.fetch(
      new Request('http://realtime.test/api/broadcast', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    );
    expect(streamed.status).toBe(413);
    // Reading stopped at the cap instead of draining the stream.
    expect(pulled).toBeLessThan(10);
    expect(f.hub.published).toEqual([]);
  });
});

describe('rate limits', () => {
  const messages = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ topic: 't', event: 'e', payload: { i } }));

  it('refuses a batch larger than the events-per-second limit', async () => {
    expect((await send({ messages: messages(100) })).response.status).toBe(202);
    const result = await send({ messages: messages(101) });
    expect(result.response.status).toBe(429);
    expect(result.body).toEqual({ message: 'Too many messages to broadcast, please reduce the batch size' });
    expect(result.published).toEqual([]);
  });

  it('counts the current event rate as the reference does', async () => {
    const at = (average: number) => ({ eventsPerSecond: () => average });
    expect((await send({ messages: messages(1) }, at(99))).response.status).toBe(202);
    expect((await send({ messages: messages(2) }, at(99))).body).toEqual({
      message: 'Too many messages to broadcast, please reduce the batch size',
    });
    const tripped = await send({ messages: messages(1) }, at(100.5));
    expect(tripped.response.status).toBe(429);
    expect(tripped.body).toEqual({ message: 'You have exceeded your rate limit' });
    expect(tripped.published).toEqual([]);
  });

  it('reports a hub that refuses the first message as rate limited', async () => {
    const f = await fixture();
    f.hub.answers.push('rate_limited', 'rate_limited');
    const response = await f.api.fetch(
      post('/api/broadcast', { token: await f.token(user(USER)), ...json({ messages: messages(2) }) }),
    );
    expect(response.status).toBe(429);
    expect(await bodyOf(response)).toEqual({ message: 'You have exceeded your rate limit' });
  });

  it('answers Too many requests once the request rate reaches the limit', async () => {
    let clock = 1_000_000;
    const f = await fixture({ config: { maxEventsPerSecond: 2 }, now: () => clock });
    const token = await f.token(user(USER));
    const request = () => f.api.fetch(post('/api/broadcast', { token, ...json({ messages: messages(1) }) }));
    for (let i = 0; i < 3; i++) expect((await request()).status).toBe(202);
    clock += 1_000;
    const limited = await request();
    expect(limited.status).toBe(429);
    expect(await bodyOf(limited)).toEqual({ message: 'Too many requests' });
    expect(limited.headers.get('x-rate-rolling')).toBe('3');
    expect(limited.headers.get('x-rate-limit')).toBe('2');
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('-1');
    // Refused requests count too: buckets [1, 3] still average 2.
    clock += 1_000;
    expect((await request()).status).toBe(429);
    // Two quiet seconds later: [0, 1, 1, 3] averages 1.25.
    clock += 2_000;
    expect((await request()).status).toBe(202);
    expect(f.hub.published).toHaveLength(4);
  });
});

describe('authentication', () => {
  const body = json({ messages: [{ topic: 't', event: 'e', payload: {} }] });
  type Credential = { token?: string; apikey?: string; headers?: Record<string, string> };

  it.each<[string, (f: Fixture) => Promise<Credential>]>([
    ['no credential', async () => ({})],
    ['a malformed token', async () => ({ token: 'not-a-jwt' })],
    ['a token signed with another secret', async () => ({ token: await otherSecretToken() })],
    ['an expired token', async (f: Fixture) => ({ token: await f.token(user(USER, { exp: 1 })) })],
    ['a token without role', async (f: Fixture) => ({ token: await f.token({ sub: USER, exp: 2e9 }) })],
    ['an empty bearer', async () => ({ headers: { authorization: 'Bearer ' } })],
    ['a bad bearer despite a good apikey', async (f: Fixture) => ({ token: 'bad', apikey: f.keys.anonKey })],
  ])('answers 401 for %s', async (_, credential) => {
    const f = await fixture();
    const auth = await credential(f);
    const response = await f.api.fetch(
      post('/api/broadcast', { ...auth, headers: { ...body.headers, ...auth.headers }, body: body.body }),
    );
    expect(response.status).toBe(401);
    expect(await bodyOf(response)).toEqual({ message: 'Unauthorized' });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(f.hub.published).toEqual([]);
  });

  it('falls back to the apikey header, also for non-bearer Authorization and sb_ keys', async () => {
    const f = await fixture();
    for (const auth of [
      { apikey: f.keys.anonKey },
      { apikey: f.keys.anonKey, headers: { authorization: 'Basic abc' } },
      { apikey: SECRET_KEY },
      { headers: { authorization: `bearer ${f.keys.serviceRoleKey}` } },
    ]) {
      const response = await f.api.fetch(
        post('/api/broadcast', { ...auth, headers: { ...body.headers, ...auth.headers }, body: body.body }),
      );
      expect(response.status).toBe(202);
    }
  });
});

describe('private messages', () => {
  it('checks broadcast-write once per topic and skips denied topics silently', async () => {
    const policies = recordingPolicies(['open']);
    const f = await fixture({ policies });
    const token = await f.token(user(USER));
    const response = await f.api.fetch(
      post('/api/broadcast', {
        token,
        headers: { 'content-type': 'application/json', 'X-Team': 'blue' },
        body: JSON.stringify({
          messages: [
            { topic: 'open', event: 'e', payload: { n: 1 }, private: true },
            { topic: 'closed', event: 'e', payload: { n: 2 }, private: true },
            { topic: 'open', event: 'e', payload: { n: 3 } },
            { topic: 'open', event: 'e', payload: { n: 4 }, private: 'true' },
            { topic: 'closed', event: 'e', payload: { n: 5 }, private: true },
          ],
        }),
      }),
    );
    expect(response.status).toBe(202);
    expect(
      f.hub.published.map((m) => [m.topic, m.private, (m.payload as { value: { n: number } }).value.n]),
    ).toEqual([
      ['open', true, 1],
      ['open', false, 3],
      ['open', true, 4],
    ]);
    expect(policies.writeChecks.map((c) => [c.context.topic, c.extension])).toEqual([
      ['open', 'broadcast'],
      ['closed', 'broadcast'],
    ]);
    const [check] = policies.writeChecks;
    expect(check?.context.identity.role).toBe('authenticated');
    expect(check?.context.identity.claims.sub).toBe(USER);
    expect(check?.context.headers).toMatchObject({
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'x-team': 'blue',
    });
  });

  it('checks nothing when the batch is invalid', async () => {
    const policies = recordingPolicies(['open']);
    const result = await send(
      { messages: [{ topic: 'open', event: 'e', payload: {}, private: true }, { topic: 'open' }] },
      { policies },
    );
    expect(result.response.status).toBe(422);
    expect(policies.writeChecks).toEqual([]);
  });

  it('answers 422 Tenant database unavailable and publishes nothing when the database is down', async () => {
    const policies = recordingPolicies([], databaseUnavailable(new Error('ECONNREFUSED')));
    const result = await send(
      {
        messages: [
          { topic: 'public', event: 'e', payload: {} },
          { topic: 'open', event: 'e', payload: {}, private: true },
        ],
      },
      { policies },
    );
    expect(result.response.status).toBe(422);
    expect(result.body).toEqual({ message: 'Tenant database unavailable' });
    expect(result.published).toEqual([]);
  });
});

describe('routing', () => {
  it.each([
    ['GET', '/api/broadcast'],
    ['POST', '/api/nothing'],
    ['POST', '/'],
    ['POST', '/api/broadcast/t'],
    ['POST', '/api/broadcast/t/event/e'],
    ['POST', '/api/broadcast/t/events/e/x'],
    ['PUT', '/api/broadcast/t/events/e'],
  ])('answers %s %s with a JSON 404', async (method, path) => {
    const f = await fixture();
    const response = await f.api.fetch(
      new Request(`http://realtime.test${path}`, {
        method,
        headers: { authorization: `Bearer ${f.keys.anonKey}` },
      }),
    );
    expect(response.status).toBe(404);
    expect(await bodyOf(response)).toEqual({ message: 'Not Found' });
  });
});

async function otherSecretToken(): Promise<string> {
  const other = await createJwtService({ secret: 'another-secret-with-at-least-32-characters!!' });
  return other.signHs256(user(USER));
}
