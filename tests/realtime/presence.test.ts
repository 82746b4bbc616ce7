/** Realtime conformance, presence (realtime.md §8 items 37–47, §4). */
import type { RealtimeChannel } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import {
  Inbox,
  realtimeClient,
  statuses,
  subscribed,
  systemMessages,
  target,
  uniqueTopic,
} from './helpers.ts';
import { RawSocket } from './raw-socket.ts';

interface PresenceEvent {
  readonly event: 'sync' | 'join' | 'leave';
  readonly key?: string;
  readonly newPresences?: Record<string, unknown>[];
  readonly leftPresences?: Record<string, unknown>[];
}

/** A member of `topic` recording every presence event. */
async function member(topic: string, key?: string) {
  const client = realtimeClient();
  const channel = client.channel(topic, { config: { presence: { key: key ?? '' } } });
  const events = new Inbox<PresenceEvent>();
  channel.on('presence', { event: 'sync' }, () => events.push({ event: 'sync' }));
  channel.on('presence', { event: 'join' }, (e) =>
    events.push({ event: 'join', key: e.key, newPresences: e.newPresences }),
  );
  channel.on('presence', { event: 'leave' }, (e) =>
    events.push({ event: 'leave', key: e.key, leftPresences: e.leftPresences }),
  );
  await subscribed(channel);
  await events.next((e) => e.event === 'sync');
  return { client, channel, events };
}

const keys = (channel: RealtimeChannel) => Object.keys(channel.presenceState());

describe('presence', () => {
  it('37. sync fires after SUBSCRIBED even when nobody is present', async () => {
    const { channel, events } = await member(uniqueTopic());
    expect(events.items[0]).toEqual({ event: 'sync' });
    expect(channel.presenceState()).toEqual({});
  });

  it('38. track resolves ok and every member, the tracker too, gets the join', async () => {
    const topic = uniqueTopic();
    const a = await member(topic, 'a');
    const b = await member(topic, 'b');
    expect(await a.channel.track({ name: 'a' })).toBe('ok');
    for (const m of [a, b]) {
      const join = await m.events.next((e) => e.event === 'join');
      expect(join.key).toBe('a');
      expect(join.newPresences?.[0]).toMatchObject({ name: 'a', presence_ref: expect.any(String) });
    }
  });

  it('39. the presence key names the entry; without one the server generates it', async () => {
    const topic = uniqueTopic();
    const named = await member(topic, 'user-1');
    const anonymous = await member(topic);
    const observer = await member(topic, 'observer');
    await named.channel.track({ n: 1 });
    await anonymous.channel.track({ n: 2 });
    await observer.events.count(2, (e) => e.event === 'join');
    const state = observer.channel.presenceState();
    expect(Object.keys(state)).toContain('user-1');
    const generated = Object.keys(state).filter((k) => k !== 'user-1');
    expect(generated).toHaveLength(1);
    expect(generated[0]?.length).toBeGreaterThan(0);
  });

  // Against Supabase, realtime-js ≤ 2.11x keeps a ghost of the old meta here (supabase-js#2565).
  it('40. tracking a new payload replaces the entry: others see a join and a leave', async () => {
    const topic = uniqueTopic();
    const a = await member(topic, 'k');
    const b = await member(topic, 'b');
    await a.channel.track({ v: 1 });
    const first = await b.events.next((e) => e.event === 'join' && e.key === 'k');
    const seen = b.events.items.length;
    await a.channel.track({ v: 2 });
    const join = await b.events.after(seen, (e) => e.event === 'join' && e.key === 'k');
    const leave = await b.events.after(seen, (e) => e.event === 'leave' && e.key === 'k');
    expect(join.newPresences?.[0]).toMatchObject({ v: 2 });
    expect(leave.leftPresences?.[0]).toMatchObject({ v: 1 });
    const entries = b.channel.presenceState().k as { v: number; presence_ref: string }[];
    expect(entries).toHaveLength(1);
    expect(entries[0]?.v).toBe(2);
    const firstRef = (first.newPresences?.[0] as { presence_ref?: string } | undefined)?.presence_ref;
    expect(firstRef).toEqual(expect.any(String));
    expect(entries[0]?.presence_ref).not.toBe(firstRef);
  });

  it('41. tracking the same payload again is ok and changes nothing', async () => {
    const topic = uniqueTopic();
    const a = await member(topic, 'same');
    const b = await member(topic, 'b');
    await a.channel.track({ v: 1, list: [1, 2] });
    await b.events.next((e) => e.event === 'join');
    const seen = b.events.items.length;
    expect(await a.channel.track({ list: [1, 2], v: 1 })).toBe('ok');
    await a.channel.untrack();
    await b.events.after(seen, (e) => e.event === 'leave');
    expect(
      b.events.items
        .slice(seen)
        .filter((e) => e.event !== 'sync')
        .map((e) => e.event),
    ).toEqual(['leave']);
  });

  it('42. untrack resolves ok; others get the leave and lose the key', async () => {
    const topic = uniqueTopic();
    const a = await member(topic, 'gone');
    const b = await member(topic, 'b');
    await a.channel.track({});
    await b.events.next((e) => e.event === 'join');
    expect(await a.channel.untrack()).toBe('ok');
    await b.events.next((e) => e.event === 'leave' && e.key === 'gone');
    expect(keys(b.channel)).not.toContain('gone');
  });

  it('43. a disconnected member leaves the others at once', async () => {
    const topic = uniqueTopic();
    const a = await member(topic, 'leaver');
    const b = await member(topic, 'b');
    const c = await member(topic, 'c');
    await a.channel.track({});
    await c.channel.track({});
    await b.events.count(2, (e) => e.event === 'join');
    await a.client.removeChannel(a.channel);
    await b.events.next((e) => e.event === 'leave' && e.key === 'leaver');
    c.client.realtime.disconnect();
    await b.events.next((e) => e.event === 'leave' && e.key === 'c');
    expect(keys(b.channel)).toEqual([]);
  });

  it('44. a late joiner gets everyone present in its first sync', async () => {
    const topic = uniqueTopic();
    const a = await member(topic, 'early-a');
    const b = await member(topic, 'early-b');
    await a.channel.track({ who: 'a' });
    await b.channel.track({ who: 'b' });
    await a.events.count(2, (e) => e.event === 'join');
    const late = await member(topic, 'late');
    expect(keys(late.channel).sort()).toEqual(['early-a', 'early-b']);
  });

  it('45. two clients under one key are one key with two entries', async () => {
    const topic = uniqueTopic();
    const a = await member(topic, 'shared');
    const b = await member(topic, 'shared');
    const observer = await member(topic, 'observer');
    await a.channel.track({ device: 'phone' });
    await b.channel.track({ device: 'laptop' });
    await observer.events.count(2, (e) => e.event === 'join');
    const entries = observer.channel.presenceState().shared as unknown as { device: string }[];
    expect(entries.map((e) => e.device).sort()).toEqual(['laptop', 'phone']);
  });

  it('46. a sixth presence call within the window closes the channel', async () => {
    const channel = realtimeClient().channel(uniqueTopic(), { config: { presence: { key: 'busy' } } });
    const system = systemMessages(channel);
    const status = statuses(channel);
    await status.next('SUBSCRIBED');
    for (let i = 0; i < 5; i++) expect(await channel.track({ i })).toBe('ok');
    void channel.track({ i: 5 });
    const error = await system.next((m) => m.extension === 'system');
    expect(error).toMatchObject({ status: 'error', message: 'Client presence rate limit exceeded' });
    await status.next('CLOSED');
  });

  it('47. a payload that is not an object is refused', async () => {
    const { channel } = await member(uniqueTopic());
    expect(await channel.track('not an object' as never)).toBe('error');
    expect(await channel.track([1, 2] as never)).toBe('error');

    const raw = await RawSocket.open();
    const topic = `realtime:${uniqueTopic()}`;
    const { joinRef } = await raw.join(topic, { config: { presence: { enabled: true } } });
    raw.send([joinRef, '20', topic, 'presence', { type: 'presence', event: 'track', payload: 'nope' }]);
    expect((await raw.message(topic, 'phx_reply', '20'))[4]).toEqual({
      status: 'error',
      response: { reason: 'Presence track payload must be a map' },
    });
    raw.send([joinRef, '21', topic, 'presence', { type: 'presence', event: 'wobble' }]);
    expect((await raw.message(topic, 'phx_reply', '21'))[4]).toEqual({ status: 'error', response: {} });
    raw.send([joinRef, '22', topic, 'presence', { type: 'presence' }]);
    expect((await raw.message(topic, 'phx_reply', '22'))[4]).toEqual({ status: 'ok', response: {} });
    raw.close();
  });

  // Watchroom sends an update as leave-then-join (Hub.publishPresenceDiff); Supabase sends one diff.
  it.skipIf(!target.local)(
    'presence_state carries the join_ref and diffs reach the tracker itself, on the wire',
    async () => {
      const raw = await RawSocket.open();
      const topic = `realtime:${uniqueTopic()}`;
      const { joinRef } = await raw.join(topic, { config: { presence: { key: 'wire', enabled: true } } });
      expect(await raw.message(topic, 'presence_state')).toEqual([
        joinRef,
        null,
        topic,
        'presence_state',
        {},
      ]);
      raw.send([joinRef, '30', topic, 'presence', { type: 'presence', event: 'track', payload: { x: 1 } }]);
      const diff = await raw.message(topic, 'presence_diff');
      const meta = { x: 1, phx_ref: expect.any(String) };
      expect(diff).toEqual([
        null,
        null,
        topic,
        'presence_diff',
        { joins: { wire: { metas: [meta] } }, leaves: {} },
      ]);

      // An update goes out as its leave, then its join (see Hub.publishPresenceDiff).
      const seen = raw.inbox.items.length;
      raw.send([joinRef, '31', topic, 'presence', { type: 'presence', event: 'track', payload: { x: 2 } }]);
      const isDiff = (m: unknown) => Array.isArray(m) && m[3] === 'presence_diff';
      const leave = await raw.inbox.after(seen, isDiff);
      const join = await raw.inbox.after(raw.inbox.items.indexOf(leave) + 1, isDiff);
      const firstRef = (diff[4] as { joins: { wire: { metas: { phx_ref: string }[] } } }).joins.wire.metas[0]
        ?.phx_ref;
      expect((leave as unknown[])[4]).toEqual({
        joins: {},
        leaves: { wire: { metas: [{ x: 1, phx_ref: firstRef }] } },
      });
      expect((join as unknown[])[4]).toEqual({
        joins: { wire: { metas: [{ x: 2, phx_ref: expect.any(String), phx_ref_prev: firstRef }] } },
        leaves: {},
      });
      raw.close();
    },
  );
});
