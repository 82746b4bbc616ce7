/**
 * Realtime limits (realtime.md §7) with their reference error strings. Each block runs its own
 * stack with small limits and fast rate windows, so limits trip within a test and never touch
 * the shared stack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStack, type Stack } from '../../stack/src/index.ts';
import type { RealtimeConfig } from '../../stack/src/realtime/config.ts';
import { broadcasts, realtimeClient, statuses, subscribed, systemMessages, uniqueTopic } from './helpers.ts';
import { RawSocket, upgradeAnswer } from './raw-socket.ts';

const fixture = new URL('../fixtures/project/', import.meta.url).pathname;

/** A stack of its own for one describe block. */
function stackWith(realtime: Partial<RealtimeConfig>) {
  const holder: { stack?: Stack } = {};
  beforeAll(async () => {
    holder.stack = await createStack({ ephemeral: true, projectDir: fixture, realtime });
  });
  afterAll(async () => {
    await holder.stack?.stop();
  });
  return {
    get apiUrl() {
      return (holder.stack as Stack).apiUrl;
    },
    get anonKey() {
      return (holder.stack as Stack).anonKey;
    },
    client() {
      return realtimeClient(this.anonKey, {}, this.apiUrl);
    },
  };
}

describe('messages per second', () => {
  const stack = stackWith({ maxEventsPerSecond: 50, rateBucketMs: 100, rateBuckets: 10 });

  it('a channel receiving while the project rate is exceeded is closed with Too many messages per second', async () => {
    const topic = uniqueTopic();
    const receiver = stack.client().channel(topic);
    const system = systemMessages(receiver);
    const status = statuses(receiver);
    await status.next('SUBSCRIBED');
    const sender = stack.client().channel(topic, { config: { broadcast: { ack: true } } });
    await subscribed(sender);
    let closed = false;
    const shutdown = system
      .next((m) => m.extension === 'system')
      .then((m) => {
        closed = true;
        return m;
      });
    while (!closed)
      await Promise.race([sender.send({ type: 'broadcast', event: 'flood', payload: {} }), shutdown]);
    expect(await shutdown).toMatchObject({ status: 'error', message: 'Too many messages per second' });
    await status.next('CLOSED');
  });
});

describe('joins per second', () => {
  const stack = stackWith({ maxJoinsPerSecond: 5, rateBucketMs: 200, rateBuckets: 10 });

  it('a join over the rate fails ClientJoinRateLimitReached and the socket is disconnected', async () => {
    const raw = await RawSocket.open({ apikey: stack.anonKey }, {}, stack.apiUrl);
    let reply: unknown[] | undefined;
    // Rejoining one topic replaces the channel, so only the join rate can stop this loop.
    const topic = `realtime:${uniqueTopic()}`;
    for (;;) {
      const { reply: answer } = await raw.join(topic);
      if ((answer[4] as { status: string }).status === 'error') {
        reply = answer;
        break;
      }
    }
    expect(reply?.[4]).toEqual({
      status: 'error',
      response: { reason: 'ClientJoinRateLimitReached: Too many joins per second' },
    });
    await raw.closed;
    // While tripped, new connections are refused before the upgrade.
    expect(await upgradeAnswer({ apikey: stack.anonKey, vsn: '2.0.0' }, {}, stack.apiUrl)).toEqual({
      status: 429,
      body: { error: 'Too many joins per second' },
    });
  });
});

describe('concurrent connections', () => {
  const stack = stackWith({ maxConcurrentUsers: 2 });

  it('refuses upgrades and joins beyond the limit with Too many connected users', async () => {
    const late = await RawSocket.open({ apikey: stack.anonKey }, {}, stack.apiUrl);
    await subscribed(stack.client().channel(uniqueTopic()));
    await subscribed(stack.client().channel(uniqueTopic()));
    expect(await upgradeAnswer({ apikey: stack.anonKey, vsn: '2.0.0' }, {}, stack.apiUrl)).toEqual({
      status: 429,
      body: { error: 'Too many connected users' },
    });
    // Connected before the limit was reached, but not yet holding a channel.
    const { reply } = await late.join(`realtime:${uniqueTopic()}`);
    expect(reply[4]).toEqual({
      status: 'error',
      response: { reason: 'ConnectionRateLimitReached: Too many connected users' },
    });
    late.close();
  });
});

describe('payload size', () => {
  const stack = stackWith({ maxPayloadSizeKb: 1 });

  it('broadcasts over the limit are refused with ack, and a track over it closes the channel', async () => {
    const topic = uniqueTopic();
    const receiver = stack.client().channel(topic);
    const inbox = broadcasts(receiver);
    await subscribed(receiver);
    const sender = stack.client().channel(topic, { config: { broadcast: { ack: true } } });
    await subscribed(sender);
    expect(await sender.send({ type: 'broadcast', event: 'big', payload: { s: 'x'.repeat(1600) } })).toBe(
      'error',
    );
    expect(await sender.send({ type: 'broadcast', event: 'fits', payload: { s: 'x'.repeat(1400) } })).toBe(
      'ok',
    );
    await inbox.next();
    expect(inbox.items.map((m) => m.event)).toEqual(['fits']);

    const tracker = stack.client().channel(uniqueTopic());
    const system = systemMessages(tracker);
    const status = statuses(tracker);
    await status.next('SUBSCRIBED');
    void tracker.track({ s: 'y'.repeat(1600) });
    expect(await system.next((m) => m.extension === 'system')).toMatchObject({
      status: 'error',
      message: 'Track message size exceeded',
    });
    await status.next('CLOSED');
  });
});

describe('presence events per second', () => {
  const stack = stackWith({
    maxPresenceEventsPerSecond: 5,
    maxClientPresenceEventsPerWindow: 1_000,
    rateBucketMs: 100,
    rateBuckets: 10,
  });

  it('tracks while the project presence rate is exceeded close the channel', async () => {
    const channel = stack.client().channel(uniqueTopic());
    const system = systemMessages(channel);
    const status = statuses(channel);
    await status.next('SUBSCRIBED');
    let closed = false;
    const shutdown = system
      .next((m) => m.extension === 'system')
      .then((m) => {
        closed = true;
        return m;
      });
    // The track that trips the limit is never answered: the channel closes instead.
    for (let i = 0; !closed; i++) await Promise.race([channel.track({ i }), shutdown]);
    expect(await shutdown).toMatchObject({
      status: 'error',
      message: 'Too many presence messages per second',
    });
    await status.next('CLOSED');
  });
});

describe('idle sockets', () => {
  const stack = stackWith({ idleTimeoutMs: 400 });

  it('a socket that sends nothing is closed; one that heartbeats stays', async () => {
    const silent = await RawSocket.open({ apikey: stack.anonKey }, {}, stack.apiUrl);
    const client = realtimeClient(stack.anonKey, { realtime: { heartbeatIntervalMs: 100 } }, stack.apiUrl);
    const channel = client.channel(uniqueTopic());
    const status = statuses(channel);
    await status.next('SUBSCRIBED');
    await silent.closed;
    // Several idle periods later, the heartbeating client is still joined and was never errored.
    const beats: string[] = [];
    await new Promise<void>((resolve) => {
      client.realtime.onHeartbeat((s) => {
        beats.push(s);
        if (beats.filter((b) => b === 'ok').length >= 12) resolve();
      });
    });
    expect(status.seen.map((s) => s.status)).toEqual(['SUBSCRIBED']);
    expect(client.realtime.isConnected()).toBe(true);
  });
});
