/** Realtime conformance, REST broadcast (realtime.md §8 items 29–32, §3.5). */
import { describe, expect, it } from 'vitest';
import {
  broadcasts,
  realtimeClient,
  signToken,
  subscribed,
  target,
  uniqueTopic,
  userClient,
} from './helpers.ts';

async function listener(topic: string, isPrivate = false) {
  const client = isPrivate ? (await userClient()).client : realtimeClient();
  const channel = client.channel(topic, { config: { private: isPrivate } });
  const inbox = broadcasts(channel);
  await subscribed(channel);
  return inbox;
}

const api = (path: string, init: RequestInit & { token?: string } = {}) => {
  const headers = new Headers(init.headers);
  headers.set('apikey', target.anonKey);
  headers.set('Authorization', `Bearer ${init.token ?? target.anonKey}`);
  return fetch(`${target.apiUrl}/realtime/v1/api/broadcast${path}`, { method: 'POST', ...init, headers });
};

describe('REST broadcast', () => {
  it('29. httpSend on a public channel resolves success and subscribers receive it', async () => {
    const topic = uniqueTopic();
    const inbox = await listener(topic);
    const channel = realtimeClient().channel(topic);
    expect(await channel.httpSend('e', { n: 1 })).toEqual({ success: true });
    const message = await inbox.next();
    expect(message).toMatchObject({ event: 'e', payload: { n: 1 } });
  });

  it('30. send on a channel never subscribed falls back to the REST batch endpoint', async () => {
    const topic = uniqueTopic();
    const inbox = await listener(topic);
    const channel = realtimeClient().channel(topic);
    expect(await channel.send({ type: 'broadcast', event: 'fallback', payload: { via: 'rest' } })).toBe('ok');
    expect(await inbox.next()).toMatchObject({ event: 'fallback', payload: { via: 'rest' } });
  });

  it('31. a bad Authorization JWT is 401 {"message":"Unauthorized"}', async () => {
    const body = JSON.stringify({ messages: [{ topic: 'x', event: 'e', payload: {} }] });
    for (const token of [
      'garbage',
      await signToken({ role: 'anon' }, -5),
      await signToken({ sub: 'no-role' }),
    ]) {
      const response = await api('', { token, body, headers: { 'Content-Type': 'application/json' } });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ message: 'Unauthorized' });
    }
  });

  it('32. httpSend to a private channel without an insert policy rejects with Unauthorized (403)', async () => {
    const topic = uniqueTopic('read:');
    const { client } = await userClient();
    const channel = client.channel(topic, { config: { private: true } });
    await expect(channel.httpSend('e', {})).rejects.toThrow('Unauthorized');
    const response = await api(`/${encodeURIComponent(topic)}/events/e?private=true`, {
      token: (await userClient()).token,
      body: '{}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
  });

  it('a private httpSend with an insert policy reaches the private readers', async () => {
    const topic = uniqueTopic('allow:');
    const inbox = await listener(topic, true);
    const { client } = await userClient();
    expect(await client.channel(topic, { config: { private: true } }).httpSend('e', { ok: true })).toEqual({
      success: true,
    });
    expect(await inbox.next()).toMatchObject({ event: 'e', payload: { ok: true } });
  });

  it('the batch endpoint delivers every message, with meta.id when one is given', async () => {
    const a = uniqueTopic();
    const b = uniqueTopic();
    const [inboxA, inboxB] = await Promise.all([listener(a), listener(b)]);
    const response = await api('', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        messages: [
          { topic: a, event: 'one', payload: { n: 1 }, id: 'client-id-1' },
          { topic: b, event: 'two', payload: { n: 2 } },
        ],
      }),
    });
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    expect(await inboxA.next()).toEqual({
      type: 'broadcast',
      event: 'one',
      payload: { n: 1 },
      meta: { id: 'client-id-1' },
    });
    expect(await inboxB.next()).toEqual({ type: 'broadcast', event: 'two', payload: { n: 2 } });
  });

  it('binary single sends arrive as ArrayBuffers; other content types are 415', async () => {
    const topic = uniqueTopic();
    const inbox = await listener(topic);
    const sent = await api(`/${encodeURIComponent(topic)}/events/bin`, {
      headers: { 'Content-Type': 'application/octet-stream' },
      body: new Uint8Array([7, 8, 9]),
    });
    expect(sent.status).toBe(202);
    const { payload } = await inbox.next();
    expect([...new Uint8Array(payload as ArrayBuffer)]).toEqual([7, 8, 9]);
    const refused = await api(`/${encodeURIComponent(topic)}/events/x`, {
      headers: { 'Content-Type': 'text/plain' },
      body: 'hi',
    });
    expect(refused.status).toBe(415);
    expect(await refused.json()).toEqual({
      error: 'Unsupported Media Type. Use application/json or application/octet-stream',
    });
  });

  it('invalid batches are 422 and deliver nothing', async () => {
    const topic = uniqueTopic();
    const inbox = await listener(topic);
    const bad = await api('', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        messages: [
          { topic, event: 'ok', payload: {} },
          { topic, payload: 'not an object' },
        ],
      }),
    });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toHaveProperty('errors');
    const good = await api('', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ messages: [{ topic, event: 'after', payload: {} }] }),
    });
    expect(good.status).toBe(202);
    await inbox.next();
    expect(inbox.items.map((m) => m.event)).toEqual(['after']);
  });
});
