/** Realtime conformance, joining and leaving (realtime.md §8 items 7–20, §2). */
import { describe, expect, it } from 'vitest';
import {
  broadcasts,
  joinError,
  realtimeClient,
  signToken,
  statuses,
  subscribed,
  systemMessages,
  target,
  uniqueTopic,
} from './helpers.ts';
import { RawSocket } from './raw-socket.ts';

describe('join', () => {
  it('7–8. the join reply echoes join_ref and ref and always lists postgres_changes', async () => {
    await subscribed(realtimeClient().channel(uniqueTopic()));
    const raw = await RawSocket.open();
    const topic = `realtime:${uniqueTopic()}`;
    const { joinRef, reply } = await raw.join(topic);
    expect(reply).toEqual([
      joinRef,
      joinRef,
      topic,
      'phx_reply',
      { status: 'ok', response: { postgres_changes: [] } },
    ]);
    raw.close();
  });

  it('9. three postgres bindings come back in order, echoed with a numeric id, and the channel subscribes', async () => {
    const bindings = [
      { event: 'INSERT', schema: 'public', table: 'rt_items' },
      { event: 'UPDATE', schema: 'public', table: 'rt_items', filter: 'id=eq.1' },
      { event: '*', schema: 'public', table: 'rt_full', select: ['name'] },
    ];
    const raw = await RawSocket.open();
    const topic = `realtime:${uniqueTopic()}`;
    const { reply } = await raw.join(topic, { config: { postgres_changes: bindings } });
    const response = (reply[4] as { response: { postgres_changes: Record<string, unknown>[] } }).response;
    expect(response.postgres_changes).toHaveLength(3);
    response.postgres_changes.forEach((entry, i) => {
      const { id, ...rest } = entry;
      expect(rest).toEqual(bindings[i]);
      expect(typeof id).toBe('number');
    });
    raw.close();

    const channel = realtimeClient().channel(uniqueTopic());
    for (const binding of bindings) channel.on('postgres_changes', binding as never, () => undefined);
    await subscribed(channel);
  });

  it('identical bindings get the same id', async () => {
    const binding = { event: 'INSERT', schema: 'public', table: 'rt_items' };
    const raw = await RawSocket.open();
    const first = await raw.join(`realtime:${uniqueTopic()}`, { config: { postgres_changes: [binding] } });
    const second = await raw.join(`realtime:${uniqueTopic()}`, { config: { postgres_changes: [binding] } });
    const idOf = (reply: unknown[]) =>
      (reply[4] as { response: { postgres_changes: { id: number }[] } }).response.postgres_changes[0]?.id;
    expect(idOf(first.reply)).toBe(idOf(second.reply));
    raw.close();
  });

  it('10. an empty topic name is refused with TopicNameRequired', async () => {
    expect(await joinError(realtimeClient().channel(''))).toBe(
      'TopicNameRequired: You must provide a topic name',
    );
  });

  it('11. an expired token is refused with InvalidJWTToken: Token has expired', async () => {
    const client = realtimeClient();
    await client.realtime.setAuth(await signToken({ role: 'authenticated' }, -30));
    expect(await joinError(client.channel(uniqueTopic()))).toMatch(
      /^InvalidJWTToken: Token has expired \d+ seconds ago$/,
    );
  });

  it('12. a token that is not a JWT is refused with MalformedJWT', async () => {
    const client = realtimeClient();
    await client.realtime.setAuth('not-a-jwt');
    expect(await joinError(client.channel(uniqueTopic()))).toBe(
      'MalformedJWT: The token provided is not a valid JWT',
    );
  });

  it('13. a token without role is refused with InvalidJWTToken: Fields `role` and `exp` are required', async () => {
    const client = realtimeClient();
    await client.realtime.setAuth(await signToken({ sub: 'someone' }));
    expect(await joinError(client.channel(uniqueTopic()))).toBe(
      'InvalidJWTToken: Fields `role` and `exp` are required in JWT',
    );
  });

  it('a token signed with another secret is refused with JwtSignatureError', async () => {
    const client = realtimeClient();
    const token = await signToken({ role: 'authenticated' });
    await client.realtime.setAuth(`${token.slice(0, token.lastIndexOf('.'))}.c2lnbmF0dXJl`);
    expect(await joinError(client.channel(uniqueTopic()))).toBe(
      'JwtSignatureError: Failed to validate JWT signature',
    );
  });

  it('14. after a join error the client rejoins with a new join_ref and is answered again', async () => {
    const raw = await RawSocket.open();
    const first = await raw.join('realtime:', {});
    expect((first.reply[4] as { status: string }).status).toBe('error');
    const second = await raw.join('realtime:', {});
    expect(second.joinRef).not.toBe(first.joinRef);
    expect(second.reply).toEqual([
      second.joinRef,
      second.joinRef,
      'realtime:',
      'phx_reply',
      { status: 'error', response: { reason: 'TopicNameRequired: You must provide a topic name' } },
    ]);
    raw.close();

    // supabase-js retries on its own backoff: a second error arrives on the same socket.
    const channel = statuses(realtimeClient().channel(''));
    await channel.next('CHANNEL_ERROR');
    const retried = await channel.after(channel.seen.length, 'CHANNEL_ERROR');
    expect(retried.error?.message).toBe('TopicNameRequired: You must provide a topic name');
  });

  it('15. a socket holds 100 channels; the 101st gets ChannelRateLimitReached', async () => {
    const client = realtimeClient();
    const prefix = uniqueTopic('many');
    await Promise.all(Array.from({ length: 100 }, (_, i) => subscribed(client.channel(`${prefix}-${i}`))));
    expect(await joinError(client.channel(`${prefix}-100`))).toBe(
      'ChannelRateLimitReached: Too many channels',
    );
  });

  it('16–17. removeChannel resolves ok, stops delivery, and the same name can be joined again', async () => {
    const topic = uniqueTopic();
    const marker = uniqueTopic('marker');
    const listener = realtimeClient();
    const channel = listener.channel(topic);
    const inbox = broadcasts(channel, 'e');
    await subscribed(channel);
    const markerChannel = listener.channel(marker);
    const markers = broadcasts(markerChannel, 'm');
    await subscribed(markerChannel);
    expect(await listener.removeChannel(channel)).toBe('ok');

    const sender = realtimeClient();
    const out = sender.channel(topic);
    const outMarker = sender.channel(marker);
    await Promise.all([subscribed(out), subscribed(outMarker)]);
    await out.send({ type: 'broadcast', event: 'e', payload: { n: 1 } });
    await outMarker.send({ type: 'broadcast', event: 'm', payload: {} });
    await markers.next();
    expect(inbox.items).toEqual([]);

    const again = listener.channel(topic);
    const againInbox = broadcasts(again, 'e');
    await subscribed(again);
    await out.send({ type: 'broadcast', event: 'e', payload: { n: 2 } });
    expect((await againInbox.next()).payload).toEqual({ n: 2 });
  });

  it('18. a refreshed valid token gets no reply and the channel keeps receiving', async () => {
    const raw = await RawSocket.open();
    const topic = `realtime:${uniqueTopic()}`;
    const { joinRef } = await raw.join(topic, {
      config: {},
      access_token: await signToken({ role: 'anon' }),
    });
    const refreshRef = raw.nextRef();
    raw.send([
      joinRef,
      refreshRef,
      topic,
      'access_token',
      { access_token: await signToken({ role: 'authenticated' }) },
    ]);
    // A barrier through the same channel, answered only after the refresh was handled.
    raw.send([joinRef, '999', topic, 'presence', { type: 'presence' }]);
    await raw.message(topic, 'phx_reply', '999');
    expect(raw.inbox.items.some((m) => Array.isArray(m) && m[1] === refreshRef)).toBe(false);
    raw.close();

    const client = realtimeClient();
    const name = uniqueTopic();
    const channel = client.channel(name);
    const inbox = broadcasts(channel, 'e');
    await subscribed(channel);
    await client.realtime.setAuth(await signToken({ role: 'authenticated', sub: 'refreshed' }));
    const sender = realtimeClient().channel(name);
    await subscribed(sender);
    await sender.send({ type: 'broadcast', event: 'e', payload: { after: 'refresh' } });
    expect((await inbox.next()).payload).toEqual({ after: 'refresh' });
  });

  it('19. refreshing to an expired token closes the channel with a system error', async () => {
    const client = realtimeClient();
    const channel = client.channel(uniqueTopic());
    const system = systemMessages(channel);
    const status = statuses(channel);
    await status.next('SUBSCRIBED');
    await client.realtime.setAuth(await signToken({ role: 'authenticated' }, -10));
    const error = await system.next((m) => m.extension === 'system');
    expect(error).toMatchObject({ extension: 'system', status: 'error' });
    expect(error.message).toMatch(/^Token has expired \d+ seconds ago$/);
    await status.next('CLOSED');
  });

  it('refreshing to a malformed token closes the channel with its reason', async () => {
    const raw = await RawSocket.open();
    const topic = `realtime:${uniqueTopic()}`;
    const { joinRef } = await raw.join(topic);
    raw.send([joinRef, raw.nextRef(), topic, 'access_token', { access_token: 'garbage' }]);
    const system = await raw.message(topic, 'system');
    expect(system).toEqual([
      joinRef,
      null,
      topic,
      'system',
      {
        extension: 'system',
        status: 'error',
        message: 'The token provided is not a valid JWT',
        channel: topic.slice(9),
      },
    ]);
    expect(await raw.message(topic, 'phx_close')).toEqual([joinRef, joinRef, topic, 'phx_close', {}]);
    raw.close();
  });

  it('20. a channel whose token expires is closed when it does', async () => {
    const client = realtimeClient();
    await client.realtime.setAuth(await signToken({ role: 'authenticated' }, 3));
    const channel = client.channel(uniqueTopic());
    const system = systemMessages(channel);
    const status = statuses(channel);
    await status.next('SUBSCRIBED');
    const error = await system.next((m) => m.extension === 'system');
    expect(error.message).toMatch(/^Token has expired \d+ seconds ago$/);
    await status.next('CLOSED');
  }, 15_000);
});

describe('the socket around channels', () => {
  it('a second join of a joined topic closes the first with its own join_ref', async () => {
    const raw = await RawSocket.open();
    const topic = `realtime:${uniqueTopic()}`;
    const first = await raw.join(topic);
    const second = await raw.join(topic);
    const close = await raw.message(topic, 'phx_close');
    expect(close).toEqual([first.joinRef, first.joinRef, topic, 'phx_close', {}]);
    expect((second.reply[4] as { status: string }).status).toBe('ok');
    raw.close();
  });

  it('phx_leave is answered ok and followed by phx_close; leaving an unjoined topic is ok too', async () => {
    const raw = await RawSocket.open();
    const topic = `realtime:${uniqueTopic()}`;
    const { joinRef } = await raw.join(topic);
    raw.send([joinRef, '50', topic, 'phx_leave', {}]);
    expect(await raw.message(topic, 'phx_reply', '50')).toEqual([
      joinRef,
      '50',
      topic,
      'phx_reply',
      { status: 'ok', response: {} },
    ]);
    expect(await raw.message(topic, 'phx_close')).toEqual([joinRef, joinRef, topic, 'phx_close', {}]);
    raw.send(['77', '78', 'realtime:never-joined', 'phx_leave', {}]);
    expect((await raw.message('realtime:never-joined', 'phx_reply', '78'))[4]).toEqual({
      status: 'ok',
      response: {},
    });
    raw.close();
  });

  it('answers unmatched topic for non-realtime joins, unjoined topics and other phoenix events', async () => {
    const raw = await RawSocket.open();
    const unmatched = { status: 'error', response: { reason: 'unmatched topic' } };
    raw.send(['1', '1', 'room:x', 'phx_join', {}]);
    expect(await raw.message('room:x', 'phx_reply', '1')).toEqual([
      null,
      '1',
      'room:x',
      'phx_reply',
      unmatched,
    ]);
    raw.send(['2', '2', 'realtime:not-joined', 'broadcast', { type: 'broadcast', event: 'e', payload: {} }]);
    expect(await raw.message('realtime:not-joined', 'phx_reply', '2')).toEqual([
      null,
      '2',
      'realtime:not-joined',
      'phx_reply',
      unmatched,
    ]);
    raw.send([null, '3', 'phoenix', 'something', {}]);
    expect((await raw.message('phoenix', 'phx_reply', '3'))[4]).toEqual(unmatched);
    raw.close();
  });

  it('drops messages that carry the join_ref of an earlier join', async () => {
    const raw = await RawSocket.open();
    const topic = `realtime:${uniqueTopic()}`;
    const first = await raw.join(topic, { config: { broadcast: { self: true, ack: true } } });
    const second = await raw.join(topic, { config: { broadcast: { self: true, ack: true } } });
    raw.send([
      first.joinRef,
      '90',
      topic,
      'broadcast',
      { type: 'broadcast', event: 'e', payload: { stale: true } },
    ]);
    raw.send([
      second.joinRef,
      '91',
      topic,
      'broadcast',
      { type: 'broadcast', event: 'e', payload: { stale: false } },
    ]);
    await raw.message(topic, 'phx_reply', '91');
    expect(raw.inbox.items.some((m) => Array.isArray(m) && m[1] === '90')).toBe(false);
    const delivered = raw.inbox.items.filter((m) => Array.isArray(m) && m[3] === 'broadcast');
    expect(delivered).toEqual([
      [null, null, topic, 'broadcast', { type: 'broadcast', event: 'e', payload: { stale: false } }],
    ]);
    raw.close();
  });

  it('the first join without access_token uses the connection apikey', async () => {
    const raw = await RawSocket.open({ apikey: target.anonKey });
    const { reply } = await raw.join(`realtime:${uniqueTopic()}`, { config: {} });
    expect((reply[4] as { status: string }).status).toBe('ok');
    raw.close();
  });
});
