import { describe, expect, it } from 'vitest';
import type { Broadcast } from '../contracts.ts';
import { broadcastFrame, payloadBytes } from './broadcast-frames.ts';

const topic = 'realtime:room1';
const json = (origin: Broadcast['origin'], meta?: Broadcast['meta']): Broadcast => ({
  topic: 'room1',
  private: false,
  event: 'ev',
  payload: { kind: 'json', value: { x: 1 } },
  origin,
  ...(meta ? { meta } : {}),
});
const binary = (origin: Broadcast['origin']): Broadcast => ({
  topic: 'room1',
  private: false,
  event: 'ev',
  payload: { kind: 'binary', bytes: new Uint8Array([1, 2]) },
  origin,
});

describe('broadcastFrame, by origin and serializer (realtime.md §3.4)', () => {
  it.each(['push-binary', 'rest-single', 'database'] as const)(
    '%s JSON goes to v2 as kind 4, encoding 1',
    (origin) => {
      const frame = broadcastFrame(json(origin), topic, '2.0.0');
      expect(frame?.binary).toBe(true);
      const data = frame?.data as Buffer;
      expect(data[0]).toBe(4);
      expect(data[4]).toBe(1);
    },
  );

  it.each(['push-text', 'rest-batch'] as const)('%s goes to v2 as a text array', (origin) => {
    const frame = broadcastFrame(json(origin), topic, '2.0.0');
    expect(frame?.binary).toBe(false);
    expect(JSON.parse(frame?.data as string)).toEqual([
      null,
      null,
      topic,
      'broadcast',
      { type: 'broadcast', event: 'ev', payload: { x: 1 } },
    ]);
  });

  it('database messages carry meta.id in the kind-4 metadata', () => {
    const data = broadcastFrame(json('database', { id: 'row-1' }), topic, '2.0.0')?.data as Buffer;
    const metadataLength = data[3] as number;
    const start = 5 + Buffer.byteLength(topic) + 2;
    expect(data.toString('utf8', start, start + metadataLength)).toBe('{"id":"row-1"}');
  });

  it('every JSON origin reaches v1 as a text object with meta when present', () => {
    for (const origin of ['push-binary', 'push-text', 'rest-batch', 'rest-single', 'database'] as const) {
      const frame = broadcastFrame(json(origin, { id: 'i' }), topic, '1.0.0');
      expect(frame?.binary, origin).toBe(false);
      expect(JSON.parse(frame?.data as string), origin).toEqual({
        topic,
        event: 'broadcast',
        payload: { type: 'broadcast', event: 'ev', payload: { x: 1 }, meta: { id: 'i' } },
        ref: null,
      });
    }
  });

  it('binary payloads reach v2 as kind 4 encoding 0, and never v1', () => {
    for (const origin of ['push-binary', 'rest-single', 'database'] as const) {
      const data = broadcastFrame(binary(origin), topic, '2.0.0')?.data as Buffer;
      expect(data[4], origin).toBe(0);
      expect([...data.subarray(data.length - 2)]).toEqual([1, 2]);
      expect(broadcastFrame(binary(origin), topic, '1.0.0'), origin).toBeUndefined();
    }
  });

  it('replays carry the channel join_ref on text frames', () => {
    const frame = broadcastFrame(json('push-text', { id: 'm1', replayed: true }), topic, '2.0.0', '6');
    expect(JSON.parse(frame?.data as string)[0]).toBe('6');
  });

  it('falls back to text for JSON when the topic does not fit a length byte', () => {
    const long = `realtime:${'t'.repeat(300)}`;
    expect(broadcastFrame(json('database'), long, '2.0.0')?.binary).toBe(false);
    expect(broadcastFrame(binary('database'), long, '2.0.0')).toBeUndefined();
  });

  it('relays kind-3 JSON bytes untouched', () => {
    const encoded = Buffer.from('{ "x" : 1 }');
    const message: Broadcast = {
      ...json('push-binary'),
      payload: { kind: 'json', value: { x: 1 }, encoded },
    };
    const data = broadcastFrame(message, topic, '2.0.0')?.data as Buffer;
    expect(data.subarray(data.length - encoded.length).toString()).toBe('{ "x" : 1 }');
    expect(payloadBytes(message)).toBe(encoded.length);
  });
});
