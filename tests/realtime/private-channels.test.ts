/**
 * Private channels (realtime.md §6): RLS policies on realtime.messages decide who reads and
 * writes broadcast and presence, per topic, per user, per upgrade header; read is decided at
 * join, write on first use, both again after a new token. Policies live in the fixture's
 * 20240104000000_create_realtime_fixture.sql.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  broadcasts,
  Inbox,
  joinError,
  realtimeClient,
  signToken,
  statuses,
  subscribed,
  systemMessages,
  target,
  uniqueTopic,
  userClient,
} from './helpers.ts';
import { RawSocket } from './raw-socket.ts';

const unauthorized = (topic: string) =>
  `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`;

describe('private channels', () => {
  it('anonymous callers cannot join a private topic that signed-in users can', async () => {
    const topic = uniqueTopic('allow:');
    expect(await joinError(realtimeClient().channel(topic, { config: { private: true } }))).toBe(
      unauthorized(topic),
    );
    const { client } = await userClient();
    await subscribed(client.channel(topic, { config: { private: true } }));
  });

  it('the service role passes every policy', async () => {
    const topic = uniqueTopic('closed:');
    const channel = realtimeClient(target.serviceRoleKey).channel(topic, { config: { private: true } });
    await subscribed(channel);
  });

  it('a reader without broadcast-write has its sends dropped without a reply, even with ack', async () => {
    const topic = uniqueTopic('read:');
    const { token } = await userClient();
    const raw = await RawSocket.open();
    const full = `realtime:${topic}`;
    const { joinRef, reply } = await raw.join(full, {
      config: { private: true, broadcast: { ack: true, self: true } },
      access_token: token,
    });
    expect((reply[4] as { status: string }).status).toBe('ok');
    raw.send([joinRef, '80', full, 'broadcast', { type: 'broadcast', event: 'denied', payload: {} }]);
    // A barrier through the same channel: it is answered only after the send was decided.
    raw.send([joinRef, '81', full, 'presence', { type: 'presence' }]);
    await raw.message(full, 'phx_reply', '81');
    expect(raw.inbox.items.some((m) => Array.isArray(m) && (m[1] === '80' || m[3] === 'broadcast'))).toBe(
      false,
    );
    raw.close();
  });

  it('a writer on an allow topic reaches the other readers, with ack', async () => {
    const topic = uniqueTopic('allow:');
    const reader = (await userClient()).client.channel(topic, { config: { private: true } });
    const inbox = broadcasts(reader);
    await subscribed(reader);
    const writer = (await userClient()).client.channel(topic, {
      config: { private: true, broadcast: { ack: true } },
    });
    await subscribed(writer);
    expect(await writer.send({ type: 'broadcast', event: 'hello', payload: { from: 'writer' } })).toBe('ok');
    expect((await inbox.next()).payload).toEqual({ from: 'writer' });
  });

  it('presence-only topics: presence works, and broadcasts are not received', async () => {
    const topic = uniqueTopic('presence:');
    const a = (await userClient()).client.channel(topic, {
      config: { private: true, presence: { key: 'a' } },
    });
    const joins = new Inbox<string>();
    a.on('presence', { event: 'join' }, ({ key }) => joins.push(key));
    const received = broadcasts(a);
    await subscribed(a);
    // Presence must be enabled at join: with broadcast-read alone denied, the join would be refused.
    const b = (await userClient()).client.channel(topic, {
      config: { private: true, presence: { key: 'b', enabled: true } },
    });
    await subscribed(b);
    const sender = realtimeClient(target.serviceRoleKey).channel(topic, {
      config: { private: true, broadcast: { ack: true } },
    });
    await subscribed(sender);
    expect(await sender.send({ type: 'broadcast', event: 'unseen', payload: {} })).toBe('ok');
    expect(await b.track({ here: true })).toBe('ok');
    expect(await joins.next()).toBe('b');
    expect(received.items).toEqual([]);
  });

  it('presence-write denied: track is refused', async () => {
    const topic = uniqueTopic('read:');
    const channel = (await userClient()).client.channel(topic, { config: { private: true } });
    await subscribed(channel);
    expect(await channel.track({ no: 'way' })).toBe('error');
  });

  it('per-user topics: only their owner joins', async () => {
    const owner = randomUUID();
    const topic = `mine:${owner}`;
    await subscribed((await userClient(owner)).client.channel(topic, { config: { private: true } }));
    expect(await joinError((await userClient()).client.channel(topic, { config: { private: true } }))).toBe(
      unauthorized(topic),
    );
  });

  it('policies see the x- headers of the upgrade request', async () => {
    const topic = `realtime:${uniqueTopic('header:')}`;
    const token = await signToken({ role: 'authenticated', sub: randomUUID() });
    const payload = { config: { private: true }, access_token: token };
    const withHeader = await RawSocket.open({}, { 'x-room-pass': 'open-sesame' });
    expect(((await withHeader.join(topic, payload)).reply[4] as { status: string }).status).toBe('ok');
    withHeader.close();
    const without = await RawSocket.open({}, { 'x-room-pass': 'wrong' });
    expect((await without.join(topic, payload)).reply[4]).toEqual({
      status: 'error',
      response: { reason: unauthorized(topic.slice('realtime:'.length)) },
    });
    without.close();
  });

  it('a refreshed token that loses read access closes the channel', async () => {
    const owner = randomUUID();
    const topic = `mine:${owner}`;
    const { client } = await userClient(owner);
    const channel = client.channel(topic, { config: { private: true } });
    const system = systemMessages(channel);
    const status = statuses(channel);
    await status.next('SUBSCRIBED');
    await client.realtime.setAuth(await signToken({ role: 'authenticated', sub: randomUUID() }));
    const closed = await system.next((m) => m.extension === 'system');
    expect(closed).toMatchObject({ status: 'error' });
    expect(closed.message).toContain(`read from this Channel topic: ${topic}`);
    await status.next('CLOSED');
  });

  it('write permission is asked again after a new token', async () => {
    // The service role may write to a read: topic; a signed-in user may only read it.
    const topic = `realtime:${uniqueTopic('read:')}`;
    const raw = await RawSocket.open();
    const { joinRef } = await raw.join(topic, {
      config: { private: true, broadcast: { ack: true } },
      access_token: target.serviceRoleKey,
    });
    raw.send([joinRef, '90', topic, 'broadcast', { type: 'broadcast', event: 'as-service', payload: {} }]);
    expect((await raw.message(topic, 'phx_reply', '90'))[4]).toEqual({ status: 'ok', response: {} });
    const user = await signToken({ role: 'authenticated', sub: randomUUID() });
    raw.send([joinRef, '91', topic, 'access_token', { access_token: user }]);
    raw.send([joinRef, '92', topic, 'broadcast', { type: 'broadcast', event: 'as-user', payload: {} }]);
    // A barrier through the same channel: answered only after the refresh and the send.
    raw.send([joinRef, '93', topic, 'presence', { type: 'presence' }]);
    await raw.message(topic, 'phx_reply', '93');
    expect(raw.inbox.items.some((m) => Array.isArray(m) && m[1] === '92')).toBe(false);
    raw.close();
  });
});
