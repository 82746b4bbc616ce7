/** Realtime conformance, broadcast between clients (realtime.md §8 items 21–28, §3.1–3.4). */
import { describe, expect, it } from 'vitest';
import { broadcasts, realtimeClient, subscribed, uniqueTopic, userClient } from './helpers.ts';
import { RawSocket } from './raw-socket.ts';

async function pair(topic = uniqueTopic(), senderConfig: Record<string, unknown> = {}) {
  const receiver = realtimeClient().channel(topic);
  const inbox = broadcasts(receiver);
  await subscribed(receiver);
  const sender = realtimeClient().channel(topic, { config: senderConfig });
  await subscribed(sender);
  return { topic, sender, receiver, inbox };
}

describe('broadcast', () => {
  it('21. a broadcast reaches another client exactly once, as sent', async () => {
    const { sender, inbox } = await pair();
    await sender.send({ type: 'broadcast', event: 'e', payload: { n: 1 } });
    await sender.send({ type: 'broadcast', event: 'end', payload: {} });
    await inbox.next((m) => m.event === 'end');
    expect(inbox.items.filter((m) => m.event === 'e')).toEqual([
      { type: 'broadcast', event: 'e', payload: { n: 1 } },
    ]);
  });

  it('22. the sender does not hear itself by default, and hears itself once with self: true', async () => {
    const topic = uniqueTopic();
    const quiet = realtimeClient().channel(topic);
    const quietInbox = broadcasts(quiet);
    const loud = realtimeClient().channel(topic, { config: { broadcast: { self: true } } });
    const loudInbox = broadcasts(loud);
    await Promise.all([subscribed(quiet), subscribed(loud)]);
    await quiet.send({ type: 'broadcast', event: 'from-quiet', payload: {} });
    await loud.send({ type: 'broadcast', event: 'from-loud', payload: {} });
    await loudInbox.count(2);
    await quietInbox.next((m) => m.event === 'from-loud');
    expect(quietInbox.items.map((m) => m.event)).toEqual(['from-loud']);
    expect(loudInbox.items.map((m) => m.event)).toEqual(['from-quiet', 'from-loud']);
  });

  it('23. with ack the send resolves after the server reply; without ack it resolves at once', async () => {
    const raw = await RawSocket.open();
    const topic = `realtime:${uniqueTopic()}`;
    const acked = await raw.join(topic, { config: { broadcast: { ack: true } } });
    raw.send([acked.joinRef, '60', topic, 'broadcast', { type: 'broadcast', event: 'e', payload: {} }]);
    expect(await raw.message(topic, 'phx_reply', '60')).toEqual([
      acked.joinRef,
      '60',
      topic,
      'phx_reply',
      { status: 'ok', response: {} },
    ]);
    const plainTopic = `realtime:${uniqueTopic()}`;
    const plain = await raw.join(plainTopic, { config: { broadcast: { ack: false } } });
    raw.send([plain.joinRef, '61', plainTopic, 'broadcast', { type: 'broadcast', event: 'e', payload: {} }]);
    raw.send([null, '62', 'phoenix', 'heartbeat', {}]);
    await raw.message('phoenix', 'phx_reply', '62');
    expect(raw.inbox.items.some((m) => Array.isArray(m) && m[1] === '61')).toBe(false);
    raw.close();

    const { sender } = await pair(uniqueTopic(), { broadcast: { ack: true } });
    expect(await sender.send({ type: 'broadcast', event: 'e', payload: {} })).toBe('ok');
    const { sender: unacked } = await pair();
    expect(await unacked.send({ type: 'broadcast', event: 'e', payload: {} })).toBe('ok');
  });

  it('24. event * hears every event; a named event hears only itself', async () => {
    const topic = uniqueTopic();
    const listener = realtimeClient().channel(topic);
    const all = broadcasts(listener, '*');
    const onlyX = broadcasts(listener, 'x');
    await subscribed(listener);
    const sender = realtimeClient().channel(topic);
    await subscribed(sender);
    await sender.send({ type: 'broadcast', event: 'y', payload: {} });
    await sender.send({ type: 'broadcast', event: 'x', payload: {} });
    await all.count(2);
    await onlyX.next();
    expect(all.items.map((m) => m.event)).toEqual(['y', 'x']);
    expect(onlyX.items.map((m) => m.event)).toEqual(['x']);
  });

  it('25. JSON payloads round-trip unchanged', async () => {
    const { sender, inbox } = await pair();
    const payloads = [
      { nested: { deep: [1, { x: null }], flag: true }, text: 'héllo wörld 部屋 😀' },
      { big: 12345678901234, small: -0.000123, zero: 0 },
      { list: [null, 'a', 1.5, [], {}] },
      5,
      'just a string',
      [1, 2, 3],
    ];
    for (const [i, payload] of payloads.entries()) {
      await sender.send({ type: 'broadcast', event: `p${i}`, payload });
    }
    const received = await inbox.count(payloads.length);
    expect(received.map((m) => m.payload)).toEqual(payloads);
  });

  it('26. an ArrayBuffer payload arrives as an ArrayBuffer with identical bytes', async () => {
    const { sender, inbox } = await pair();
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
    await sender.send({ type: 'broadcast', event: 'bin', payload: bytes.buffer });
    const { payload } = await inbox.next();
    expect(payload).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(payload as ArrayBuffer)]).toEqual([...bytes]);
  });

  it('27. topics are separate, and so are public and private channels of one name', async () => {
    const a = uniqueTopic('a');
    const b = uniqueTopic('b');
    const listenerB = realtimeClient().channel(b);
    const inboxB = broadcasts(listenerB);
    await subscribed(listenerB);
    const senderA = realtimeClient().channel(a);
    const senderB = realtimeClient().channel(b);
    await Promise.all([subscribed(senderA), subscribed(senderB)]);
    await senderA.send({ type: 'broadcast', event: 'on-a', payload: {} });
    await senderB.send({ type: 'broadcast', event: 'on-b', payload: {} });
    await inboxB.next((m) => m.event === 'on-b');
    expect(inboxB.items.map((m) => m.event)).toEqual(['on-b']);

    const name = uniqueTopic('allow:');
    const { client: privateUser } = await userClient();
    const privateListener = privateUser.channel(name, { config: { private: true } });
    const privateInbox = broadcasts(privateListener);
    await subscribed(privateListener);
    const publicListener = realtimeClient().channel(name);
    const publicInbox = broadcasts(publicListener);
    await subscribed(publicListener);
    const publicSender = realtimeClient().channel(name);
    const { client: privateSenderUser } = await userClient();
    const privateSender = privateSenderUser.channel(name, {
      config: { private: true, broadcast: { ack: true } },
    });
    await Promise.all([subscribed(publicSender), subscribed(privateSender)]);
    await publicSender.send({ type: 'broadcast', event: 'public', payload: {} });
    expect(await privateSender.send({ type: 'broadcast', event: 'private', payload: {} })).toBe('ok');
    await publicSender.send({ type: 'broadcast', event: 'public-end', payload: {} });
    await privateSender.send({ type: 'broadcast', event: 'private-end', payload: {} });
    await publicInbox.next((m) => m.event === 'public-end');
    await privateInbox.next((m) => m.event === 'private-end');
    expect(publicInbox.items.map((m) => m.event)).toEqual(['public', 'public-end']);
    expect(privateInbox.items.map((m) => m.event)).toEqual(['private', 'private-end']);
  });

  it('28. with ack, an oversized payload resolves error and reaches nobody', async () => {
    const { sender, inbox } = await pair(uniqueTopic(), { broadcast: { ack: true } });
    const huge = { blob: 'x'.repeat(3_000_600) };
    expect(await sender.send({ type: 'broadcast', event: 'huge', payload: huge })).toBe('error');
    expect(await sender.send({ type: 'broadcast', event: 'after', payload: {} })).toBe('ok');
    await inbox.next((m) => m.event === 'after');
    expect(inbox.items.map((m) => m.event)).toEqual(['after']);
  });

  it('the oversized ack error is the reference server bare-string reply', async () => {
    const raw = await RawSocket.open();
    const topic = `realtime:${uniqueTopic()}`;
    const { joinRef } = await raw.join(topic, { config: { broadcast: { ack: true } } });
    raw.send([
      joinRef,
      '70',
      topic,
      'broadcast',
      { type: 'broadcast', event: 'e', payload: { s: 'y'.repeat(3_000_600) } },
    ]);
    expect((await raw.message(topic, 'phx_reply', '70'))[4]).toEqual({
      status: 'error',
      response: 'payload_size_exceeded',
    });
    raw.close();
  });

  it('fans out to every member of a room', async () => {
    const topic = uniqueTopic();
    const members = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const channel = realtimeClient().channel(topic);
        const inbox = broadcasts(channel);
        await subscribed(channel);
        return { channel, inbox };
      }),
    );
    const [first] = members;
    await first?.channel.send({ type: 'broadcast', event: 'hello', payload: { from: 0 } });
    for (const member of members.slice(1)) expect((await member.inbox.next()).payload).toEqual({ from: 0 });
  });
});
