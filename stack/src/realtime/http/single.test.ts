import { describe, expect, it } from 'vitest';
import { databaseUnavailable } from '../policies/errors.ts';
import { bodyOf, fixture, post, recordingPolicies, user } from './testing.ts';

const USER = '6f1c2b8e-4d7a-4c3e-9b1a-2f5e8d7c6b01';
const PATH = '/api/broadcast/room/events/ev';

async function sendOne(
  path: string,
  body: RequestInit['body'],
  contentType: string | null,
  options: Parameters<typeof fixture>[0] = {},
) {
  const f = await fixture(options);
  const headers: Record<string, string> = contentType === null ? {} : { 'content-type': contentType };
  const request = post(path, { token: await f.token(user(USER)), headers, body });
  if (contentType === null) expect(request.headers.get('content-type')).toBeNull();
  const response = await f.api.fetch(request);
  return { response, body: await bodyOf(response), published: f.hub.published };
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('POST /api/broadcast/{topic}/events/{event}', () => {
  it('relays a JSON object, with topic and event percent-decoded and unknown query ignored', async () => {
    const result = await sendOne(
      '/api/broadcast/room%201%2Fx%3Ay/events/my%20ev?apikey=ignored&vsn=2.0.0',
      JSON.stringify({ text: 'hi', n: [1, null] }),
      'application/json',
    );
    expect(result.response.status).toBe(202);
    expect(result.body).toBe('');
    expect(result.response.headers.get('access-control-allow-origin')).toBe('*');
    expect(result.published).toEqual([
      {
        topic: 'room 1/x:y',
        private: false,
        event: 'my ev',
        payload: { kind: 'json', value: { text: 'hi', n: [1, null] } },
        origin: 'rest-single',
      },
    ]);
  });

  it.each([
    ['an array', '[1,2]', [1, 2]],
    ['a number', '42', 42],
    ['a string', '"hi"', 'hi'],
    ['null', 'null', null],
    ['an empty body', '', {}],
  ])('relays %s as it is', async (_, text, value) => {
    const result = await sendOne(PATH, bytes(text), 'application/json; charset=utf-8');
    expect(result.response.status).toBe(202);
    expect(result.published[0]?.payload).toEqual({ kind: 'json', value });
  });

  it('reads a body without content type as JSON', async () => {
    const result = await sendOne(PATH, bytes('{"a":1}'), null);
    expect(result.response.status).toBe(202);
    expect(result.published[0]?.payload).toEqual({ kind: 'json', value: { a: 1 } });
  });

  it('relays application/octet-stream as binary, empty included', async () => {
    const raw = new Uint8Array([0, 1, 2, 255]);
    const result = await sendOne(PATH, raw, 'Application/Octet-Stream');
    expect(result.response.status).toBe(202);
    expect(result.published[0]?.payload).toEqual({ kind: 'binary', bytes: raw });
    const empty = await sendOne(PATH, null, 'application/octet-stream');
    expect(empty.response.status).toBe(202);
    expect(empty.published[0]?.payload).toEqual({ kind: 'binary', bytes: new Uint8Array() });
  });

  it.each(['text/plain', 'application/xml', 'application/vnd.api+json', 'json', ''])(
    'answers 415 for content type %j, before authenticating',
    async (type) => {
      const f = await fixture();
      const response = await f.api.fetch(post(PATH, { headers: { 'content-type': type }, body: '{}' }));
      expect(response.status).toBe(415);
      expect(await bodyOf(response)).toEqual({
        error: 'Unsupported Media Type. Use application/json or application/octet-stream',
      });
      // Refused before the request counter, as upstream's pipeline does.
      expect(response.headers.get('x-rate-limit')).toBeNull();
      expect(f.hub.published).toEqual([]);
    },
  );

  it('answers 401 without a valid token', async () => {
    const f = await fixture();
    for (const token of [undefined, 'garbage', await f.token(user(USER, { exp: 1 }))]) {
      const response = await f.api.fetch(
        post(PATH, {
          ...(token ? { token } : {}),
          headers: { 'content-type': 'application/json' },
          body: '{}',
        }),
      );
      expect(response.status).toBe(401);
      expect(await bodyOf(response)).toEqual({ message: 'Unauthorized' });
    }
  });

  it('answers 400 for invalid JSON and for a bad percent-encoding', async () => {
    const invalid = await sendOne(PATH, '{"a":', 'application/json');
    expect(invalid.response.status).toBe(400);
    expect(invalid.body).toEqual({ message: 'Bad Request' });
    const encoding = await sendOne('/api/broadcast/%E0%A4%A/events/e', '{}', 'application/json');
    expect(encoding.response.status).toBe(400);
    expect(encoding.published).toEqual([]);
  });

  it('answers 422 for a blank topic or event and for an oversized payload', async () => {
    const blank = await sendOne('/api/broadcast/%20/events/%20%20', '{}', 'application/json');
    expect(blank.response.status).toBe(422);
    expect(blank.body).toEqual({ errors: { event: ["can't be blank"], topic: ["can't be blank"] } });

    const config = { maxPayloadSizeKb: 1 };
    const json = await sendOne(PATH, JSON.stringify({ s: 'x'.repeat(1500) }), 'application/json', { config });
    expect(json.response.status).toBe(422);
    expect(json.body).toEqual({ errors: { payload: ['Payload size exceeds tenant limit'] } });
    const binary = await sendOne(PATH, new Uint8Array(1501), 'application/octet-stream', { config });
    expect(binary.body).toEqual({ errors: { payload: ['Payload size exceeds tenant limit'] } });
    expect(
      (await sendOne(PATH, new Uint8Array(1500), 'application/octet-stream', { config })).response.status,
    ).toBe(202);
  });

  it('answers 413 for a body over the cap', async () => {
    const result = await sendOne(PATH, new Uint8Array(2048), 'application/octet-stream', {
      maxBodyBytes: 1024,
    });
    expect(result.response.status).toBe(413);
    expect(result.body).toEqual({ message: 'Request Entity Too Large' });
  });
});

describe('private', () => {
  it('checks broadcast-write for the topic: 202 when allowed, 403 Unauthorized when not', async () => {
    const policies = recordingPolicies(['open']);
    const allowed = await sendOne(
      '/api/broadcast/open/events/e?private=true',
      '{"n":1}',
      'application/json',
      {
        policies,
      },
    );
    expect(allowed.response.status).toBe(202);
    expect(allowed.published).toEqual([
      {
        topic: 'open',
        private: true,
        event: 'e',
        payload: { kind: 'json', value: { n: 1 } },
        origin: 'rest-single',
      },
    ]);
    const denied = await sendOne(
      '/api/broadcast/closed/events/e?private=true',
      '{"n":1}',
      'application/json',
      {
        policies,
      },
    );
    expect(denied.response.status).toBe(403);
    expect(denied.body).toEqual({ message: 'Unauthorized' });
    expect(denied.published).toEqual([]);
    expect(policies.writeChecks.map((c) => [c.context.topic, c.extension])).toEqual([
      ['open', 'broadcast'],
      ['closed', 'broadcast'],
    ]);
  });

  it('takes only private=true as private, the last one winning', async () => {
    const policies = recordingPolicies([]);
    for (const query of ['private=TRUE', 'private=1', 'private=false', 'private=true&private=false', '']) {
      const result = await sendOne(`/api/broadcast/closed/events/e?${query}`, '{}', 'application/json', {
        policies,
      });
      expect(result.response.status).toBe(202);
      expect(result.published[0]?.private).toBe(false);
    }
    expect(policies.writeChecks).toEqual([]);
    const last = await sendOne(
      '/api/broadcast/closed/events/e?private=false&private=true',
      '{}',
      'application/json',
      {
        policies,
      },
    );
    expect(last.response.status).toBe(403);
  });

  it('answers 422 Tenant database unavailable when the check cannot reach the database', async () => {
    const policies = recordingPolicies([], databaseUnavailable(new Error('ECONNREFUSED')));
    const result = await sendOne('/api/broadcast/open/events/e?private=true', '{}', 'application/json', {
      policies,
    });
    expect(result.response.status).toBe(422);
    expect(result.body).toEqual({ message: 'Tenant database unavailable' });
  });
});

describe('rate limits', () => {
  it('answers 429 when the event rate is at the limit, before checking policies', async () => {
    const policies = recordingPolicies(['open']);
    const result = await sendOne('/api/broadcast/open/events/e?private=true', '{}', 'application/json', {
      policies,
      eventsPerSecond: () => 100,
    });
    expect(result.response.status).toBe(429);
    expect(result.body).toEqual({ message: 'You have exceeded your rate limit' });
    expect(policies.writeChecks).toEqual([]);
  });

  it('passes on what the hub says', async () => {
    for (const [answer, status, body] of [
      ['rate_limited', 429, { message: 'You have exceeded your rate limit' }],
      ['too_large', 422, { errors: { payload: ['Payload size exceeds tenant limit'] } }],
    ] as const) {
      const f = await fixture();
      f.hub.answers.push(answer);
      const response = await f.api.fetch(
        post(PATH, {
          token: await f.token(user(USER)),
          headers: { 'content-type': 'application/json' },
          body: '{}',
        }),
      );
      expect(response.status).toBe(status);
      expect(await bodyOf(response)).toEqual(body);
    }
  });
});
