import { describe, expect, it } from 'vitest';
import { clientEncode, clientDecode as decodeOnClient } from './client-serializer.testing.ts';
import { SERIALIZERS } from './serializer.ts';
import { decodeUserBroadcastPush, encodeUserBroadcast } from './user-broadcast.ts';

const v2 = SERIALIZERS['2.0.0'];

function clientPush(topic: string, event: string, payload: unknown, joinRef = '6', ref = '7'): Buffer {
  const out = clientEncode({
    join_ref: joinRef,
    ref,
    topic,
    event: 'broadcast',
    payload: { type: 'broadcast', event, payload },
  });
  return Buffer.from(out as ArrayBuffer);
}

function clientDecode(frame: Buffer) {
  const copy = frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength);
  return decodeOnClient(copy as ArrayBuffer) as {
    topic: string;
    event: string;
    payload: Record<string, unknown>;
  };
}

describe('kind 3: user broadcast push', () => {
  it('decodes the frame captured from realtime-js', () => {
    const captured = Buffer.concat([
      Buffer.from([0x03, 0x01, 0x01, 0x0e, 0x02, 0x00, 0x01]),
      Buffer.from('67realtime:room1ev{"hello":"world"}'),
    ]);
    expect(clientPush('realtime:room1', 'ev', { hello: 'world' })).toEqual(captured);
    const inbound = v2.decode(captured, true);
    expect(inbound.kind).toBe('user-broadcast');
    if (inbound.kind !== 'user-broadcast') return;
    expect(inbound.push).toMatchObject({
      joinRef: '6',
      ref: '7',
      topic: 'realtime:room1',
      event: 'ev',
      encoding: 'json',
    });
    expect(JSON.parse(inbound.push.payload.toString())).toEqual({ hello: 'world' });
  });

  it('carries binary payloads byte for byte', () => {
    const bytes = new Uint8Array([0, 1, 2, 254, 255]);
    const inbound = decodeUserBroadcastPush(clientPush('realtime:r', 'bin', bytes.buffer));
    expect(inbound.kind === 'user-broadcast' && inbound.push.encoding).toBe('binary');
    expect(inbound.kind === 'user-broadcast' && [...inbound.push.payload]).toEqual([...bytes]);
  });

  it('recovers latin-1 topic names exactly, as the client writes one byte per UTF-16 unit', () => {
    const inbound = decodeUserBroadcastPush(clientPush('realtime:café', 'é', { a: 1 }));
    expect(inbound.kind === 'user-broadcast' && inbound.push.topic).toBe('realtime:café');
  });

  it('never throws on names the client mangles', () => {
    const inbound = decodeUserBroadcastPush(clientPush('realtime:部屋', '😀', {}));
    expect(inbound.kind).toBe('user-broadcast');
  });

  it('reports every truncation of a frame as invalid, never throws', () => {
    const frame = clientPush('realtime:room1', 'ev', { hello: 'world' });
    const headerEnd = 7 + 1 + 1 + 14 + 2;
    for (let cut = 0; cut < headerEnd; cut++) {
      expect(decodeUserBroadcastPush(frame.subarray(0, cut)).kind, `cut at ${cut}`).toBe('invalid');
    }
    // Past the header, a shorter payload is still a frame; its JSON is checked by the channel.
    expect(decodeUserBroadcastPush(frame.subarray(0, headerEnd)).kind).toBe('user-broadcast');
  });

  it('rejects unknown payload encodings and frame kinds', () => {
    const frame = Buffer.from(clientPush('realtime:r', 'e', {}));
    frame[6] = 7;
    expect(decodeUserBroadcastPush(frame).kind).toBe('invalid');
    expect(v2.decode(Buffer.from([0, 1, 2]), true).kind).toBe('invalid');
    expect(v2.decode(Buffer.from([4, 0, 0, 0, 1]), true).kind).toBe('invalid');
  });
});

describe('kind 4: user broadcast', () => {
  it('is decoded by realtime-js into the broadcast it carries', () => {
    const frame = encodeUserBroadcast('realtime:room1', 'ev', 'json', Buffer.from('{"b":2}'), '{"id":"abc"}');
    expect(clientDecode(frame as Buffer)).toEqual({
      join_ref: null,
      ref: null,
      topic: 'realtime:room1',
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'ev', payload: { b: 2 }, meta: { id: 'abc' } },
    });
  });

  it('counts UTF-8 bytes for lengths, as TextDecoder on the client expects', () => {
    const frame = encodeUserBroadcast('realtime:部屋', 'ünï', 'json', Buffer.from('"x"')) as Buffer;
    const decoded = clientDecode(frame);
    expect(decoded.topic).toBe('realtime:部屋');
    expect(decoded.payload).toEqual({ type: 'broadcast', event: 'ünï', payload: 'x' });
  });

  it('delivers binary payloads as an ArrayBuffer', () => {
    const frame = encodeUserBroadcast('realtime:r', 'bin', 'binary', new Uint8Array([9, 8, 7])) as Buffer;
    const payload = clientDecode(frame).payload.payload as ArrayBuffer;
    expect(payload).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(payload)]).toEqual([9, 8, 7]);
  });

  it('cannot frame header fields over 255 bytes', () => {
    expect(encodeUserBroadcast(`realtime:${'x'.repeat(247)}`, 'e', 'json', Buffer.from('1'))).toBeUndefined();
    expect(encodeUserBroadcast('realtime:r', 'é'.repeat(128), 'json', Buffer.from('1'))).toBeUndefined();
    expect(encodeUserBroadcast(`realtime:${'x'.repeat(246)}`, 'e', 'json', Buffer.from('1'))).toBeInstanceOf(
      Buffer,
    );
  });
});
