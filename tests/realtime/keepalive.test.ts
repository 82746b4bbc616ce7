/**
 * Realtime conformance item 4: with supabase-js's default 25 s heartbeats and the server's 60 s
 * idle cut-off, a joined socket stays up. This takes 90 s of wall time, so it has a file of its
 * own and runs beside the other suites.
 */
import { describe, expect, it } from 'vitest';
import { broadcasts, Inbox, realtimeClient, statuses, subscribed, uniqueTopic } from './helpers.ts';

describe('keepalive', () => {
  it('4. a socket with one channel and default heartbeats stays connected for 90 s', {
    timeout: 120_000,
  }, async () => {
    const client = realtimeClient();
    const topic = uniqueTopic();
    const channel = client.channel(topic);
    const inbox = broadcasts(channel);
    const status = statuses(channel);
    const beats = new Inbox<string>();
    client.realtime.onHeartbeat((s) => beats.push(s));
    await status.next('SUBSCRIBED');
    const started = Date.now();
    // Four heartbeats at the default 25 s interval span more than 90 s.
    await beats.count(4, (s) => s === 'ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90_000);
    expect(status.seen.map((s) => s.status)).toEqual(['SUBSCRIBED']);
    expect(beats.items.filter((s) => s === 'timeout' || s === 'disconnected')).toEqual([]);
    // Still delivering.
    const sender = realtimeClient().channel(topic);
    await subscribed(sender);
    await sender.send({ type: 'broadcast', event: 'still-here', payload: {} });
    expect((await inbox.next()).event).toBe('still-here');
  });
});
