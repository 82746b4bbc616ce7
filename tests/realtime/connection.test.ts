/** Realtime conformance, connection (realtime.md §8 items 1–6, §1). */
import { describe, expect, it } from 'vitest';
import {
  broadcasts,
  Inbox,
  realtimeClient,
  signToken,
  statuses,
  subscribed,
  target,
  uniqueTopic,
} from './helpers.ts';
import { RawSocket, upgradeAnswer } from './raw-socket.ts';

describe('connection', () => {
  it('1. supabase-js connects to /realtime/v1/websocket with apikey and vsn 2.0.0, and is upgraded', async () => {
    const client = realtimeClient();
    const url = new URL(client.realtime.endpointURL());
    expect(url.pathname).toBe('/realtime/v1/websocket');
    expect(url.searchParams.get('apikey')).toBe(target.anonKey);
    expect(url.searchParams.get('vsn')).toBe('2.0.0');
    await subscribed(client.channel(uniqueTopic()));
    expect(client.realtime.isConnected()).toBe(true);
    expect((await upgradeAnswer({ apikey: target.anonKey, vsn: '2.0.0' })).status).toBe(101);
  });

  it('2. an expired apikey is refused with 401 {"error":"Token has expired"} and never subscribes', async () => {
    const expired = await signToken({ role: 'anon' }, -60);
    expect(await upgradeAnswer({ apikey: expired, vsn: '2.0.0' })).toEqual({
      status: 401,
      body: { error: 'Token has expired' },
    });
    const client = realtimeClient(target.anonKey, { realtime: { params: { apikey: expired } } });
    const channel = statuses(client.channel(uniqueTopic()));
    await channel.next('CHANNEL_ERROR');
    expect(channel.seen.map((s) => s.status)).not.toContain('SUBSCRIBED');
  });

  it.each([
    [{ vsn: '2.0.0' }, 401, 'API key is missing'],
    [{ apikey: 'not-a-jwt', vsn: '2.0.0' }, 401, 'The token provided is not a valid JWT'],
    [{ apikey: `${'e30'}.${'e30'}.x`, vsn: '2.0.0' }, 401, 'The token provided is not a valid JWT'],
  ])('refuses the upgrade for %j with %i %s', async (query, status, error) => {
    expect(await upgradeAnswer(query)).toEqual({ status, body: { error } });
  });

  it('refuses tokens without role or exp, and forged signatures', async () => {
    expect(await upgradeAnswer({ apikey: await signToken({ sub: 'x' }), vsn: '2.0.0' })).toEqual({
      status: 401,
      body: { error: 'Fields `role` and `exp` are required in JWT' },
    });
    expect(await upgradeAnswer({ apikey: await signToken({ role: 'anon' }, null), vsn: '2.0.0' })).toEqual({
      status: 401,
      body: { error: 'Fields `role` and `exp` are required in JWT' },
    });
    const forged = `${target.anonKey.slice(0, target.anonKey.lastIndexOf('.'))}.AAAA`;
    expect(await upgradeAnswer({ apikey: forged, vsn: '2.0.0' })).toEqual({
      status: 401,
      body: { error: 'Failed to validate JWT signature' },
    });
  });

  it('takes the credential from x-api-key before the query parameter, as gateways send it', async () => {
    expect(
      (await upgradeAnswer({ apikey: 'garbage', vsn: '2.0.0' }, { 'x-api-key': target.anonKey })).status,
    ).toBe(101);
  });

  it('refuses an unsupported vsn with 403 and unknown paths with 404', async () => {
    expect((await upgradeAnswer({ apikey: target.anonKey, vsn: '3.0.0' })).status).toBe(403);
    const answer = await new Promise<number>((resolve) => {
      const url = `${target.apiUrl.replace(/^http/, 'ws')}/realtime/v1/nope?apikey=${target.anonKey}`;
      import('ws').then(({ default: WebSocket }) => {
        const ws = new WebSocket(url);
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('error', () => undefined);
      });
    });
    expect(answer).toBe(404);
  });

  it('3. heartbeats are answered ok with the phoenix reply', async () => {
    const client = realtimeClient(target.anonKey, { realtime: { heartbeatIntervalMs: 100 } });
    const beats = new Inbox<string>();
    client.realtime.onHeartbeat((status) => beats.push(status));
    await subscribed(client.channel(uniqueTopic()));
    await beats.next((s) => s === 'ok');

    const raw = await RawSocket.open();
    raw.send([null, '42', 'phoenix', 'heartbeat', {}]);
    expect(await raw.message('phoenix', 'phx_reply', '42')).toEqual([
      null,
      '42',
      'phoenix',
      'phx_reply',
      { status: 'ok', response: {} },
    ]);
    raw.close();
  });

  it('5. a vsn 1.0.0 client subscribes, sends and receives broadcasts, and never gets a binary frame', async () => {
    const options = { realtime: { vsn: '1.0.0' } } as never;
    const sender = realtimeClient(target.anonKey, options);
    const receiver = realtimeClient(target.anonKey, options);
    const topic = uniqueTopic();
    const receiverChannel = receiver.channel(topic);
    const inbox = broadcasts(receiverChannel, 'e');
    await subscribed(receiverChannel);
    const senderChannel = sender.channel(topic, { config: { broadcast: { ack: true } } });
    await subscribed(senderChannel);
    expect(new URL(sender.realtime.endpointURL()).searchParams.get('vsn')).toBe('1.0.0');

    // A v1 socket on the wire: a v2 client's JSON push reaches it as text, its binary one not at all.
    const raw = await RawSocket.open({ vsn: '1.0.0' });
    raw.send({
      topic: `realtime:${topic}`,
      event: 'phx_join',
      payload: { config: {} },
      ref: '1',
      join_ref: '1',
    });
    await raw.inbox.next((m) => (m as { event?: string }).event === 'phx_reply');
    const v2 = realtimeClient();
    const v2Channel = v2.channel(topic);
    await subscribed(v2Channel);

    expect(await senderChannel.send({ type: 'broadcast', event: 'e', payload: { from: 'v1' } })).toBe('ok');
    await v2Channel.send({ type: 'broadcast', event: 'e', payload: new Uint8Array([1, 2]).buffer });
    await v2Channel.send({ type: 'broadcast', event: 'e', payload: { from: 'v2' } });
    const received = await inbox.count(2);
    expect(received.map((m) => (m.payload as { from: string }).from)).toEqual(['v1', 'v2']);
    const last = await raw.inbox.next(
      (m) => (m as { payload?: { payload?: { from?: string } } }).payload?.payload?.from === 'v2',
    );
    expect(last).toEqual({
      topic: `realtime:${topic}`,
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'e', payload: { from: 'v2' } },
      ref: null,
    });
    expect(raw.inbox.items.some((m) => Buffer.isBuffer(m))).toBe(false);
    raw.close();
  });

  it('6. logLevel info is sent as log_level=info and the client subscribes normally', async () => {
    const client = realtimeClient(target.anonKey, { realtime: { logLevel: 'info' } });
    expect(new URL(client.realtime.endpointURL()).searchParams.get('log_level')).toBe('info');
    await subscribed(client.channel(uniqueTopic()));
  });
});
