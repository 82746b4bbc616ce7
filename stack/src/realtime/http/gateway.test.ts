import { describe, expect, it } from 'vitest';
import { createGatewayHandler } from '../../gateway/router.ts';
import { fixture, PUBLISHABLE_KEY, user } from './testing.ts';

/** The API mounted the way the stack mounts it: behind the gateway, under /realtime/v1. */
describe('behind the gateway', () => {
  it('serves realtime-js paths with one, open, allow-origin', async () => {
    const f = await fixture();
    const gateway = createGatewayHandler({
      keys: f.keys,
      services: { realtime: f.api },
      enforceApiKey: true,
    });
    const client = { remoteAddress: '127.0.0.1', protocol: 'http' } as const;
    const send = (path: string, body: string, headers: Record<string, string>) =>
      gateway(
        new Request(`http://gateway.test/realtime/v1${path}`, {
          method: 'POST',
          headers: { origin: 'http://app.test', 'content-type': 'application/json', ...headers },
          body,
        }),
        client,
      );

    // The opaque publishable key: the gateway swaps it for the anon JWT.
    const batch = await send(
      `/api/broadcast?apikey=${PUBLISHABLE_KEY}&vsn=2.0.0`,
      JSON.stringify({ messages: [{ topic: 'room1', event: 'e', payload: { x: 1 } }] }),
      { apikey: PUBLISHABLE_KEY },
    );
    expect(batch.status).toBe(202);
    expect(batch.headers.get('access-control-allow-origin')).toBe('*');

    const single = await send('/api/broadcast/room%201%2Fx/events/my%20ev?private=false', '{"n":1}', {
      apikey: f.keys.anonKey,
      authorization: `Bearer ${await f.token(user('6f1c2b8e-4d7a-4c3e-9b1a-2f5e8d7c6b01'))}`,
    });
    expect(single.status).toBe(202);
    expect(f.hub.published.map((m) => [m.topic, m.event, m.origin])).toEqual([
      ['room1', 'e', 'rest-batch'],
      ['room 1/x', 'my ev', 'rest-single'],
    ]);

    const refused = await send('/api/broadcast', '{}', {
      apikey: f.keys.anonKey,
      authorization: 'Bearer nope',
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
  });
});
