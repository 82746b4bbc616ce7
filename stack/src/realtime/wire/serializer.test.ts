import { describe, expect, it } from 'vitest';
import { clientDecode, clientEncode } from './client-serializer.testing.ts';
import { SERIALIZERS, serializerFor } from './serializer.ts';

const v1 = SERIALIZERS['1.0.0'];
const v2 = SERIALIZERS['2.0.0'];
const text = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('serializerFor', () => {
  it.each([
    [null, '1.0.0'],
    ['1.0.0', '1.0.0'],
    ['2.0.0', '2.0.0'],
    ['2.0.3', '2.0.0'],
  ])('vsn %s selects %s', (vsn, expected) => {
    expect(serializerFor(vsn)?.vsn).toBe(expected);
  });

  it.each(['3.0.0', '2.1.0', '2', 'abc', ''])('refuses vsn %j', (vsn) => {
    expect(serializerFor(vsn)).toBeUndefined();
  });
});

describe('vsn 2.0.0 text frames', () => {
  it('decodes the array form realtime-js sends', () => {
    const wire = clientEncode({
      join_ref: '6',
      ref: '6',
      topic: 'realtime:room1',
      event: 'phx_join',
      payload: { config: {} },
    });
    expect(v2.decode(text(wire), false)).toEqual({
      kind: 'message',
      message: {
        joinRef: '6',
        ref: '6',
        topic: 'realtime:room1',
        event: 'phx_join',
        payload: { config: {} },
      },
    });
  });

  it('accepts null refs and numeric refs, ignores trailing elements', () => {
    expect(v2.decode(text([null, 10, 'phoenix', 'heartbeat', {}, 'extra']), false)).toEqual({
      kind: 'message',
      message: { joinRef: null, ref: '10', topic: 'phoenix', event: 'heartbeat', payload: {} },
    });
  });

  it.each([
    ['not JSON', '[null,"1","t"'],
    ['an object', { topic: 't', event: 'e' }],
    ['too short', [null, '1', 't', 'e']],
    ['a non-string topic', [null, '1', 5, 'e', {}]],
    ['a non-string event', [null, '1', 't', null, {}]],
    ['an object ref', [{}, '1', 't', 'e', {}]],
    ['a bare number', 42],
  ])('reports %s as invalid', (_name, value) => {
    expect(v2.decode(text(value), false).kind).toBe('invalid');
  });

  it('encodes replies realtime-js decodes to the same message', () => {
    const encoded = v2.encode({
      joinRef: '6',
      ref: '7',
      topic: 'realtime:r',
      event: 'phx_reply',
      payload: { status: 'ok', response: {} },
    });
    expect(clientDecode(encoded)).toEqual({
      join_ref: '6',
      ref: '7',
      topic: 'realtime:r',
      event: 'phx_reply',
      payload: { status: 'ok', response: {} },
    });
  });
});

describe('vsn 1.0.0', () => {
  it('decodes objects and omits join_ref on output, as the reference server does', () => {
    expect(
      v1.decode(text({ topic: 't', event: 'e', payload: { a: 1 }, ref: '3', join_ref: '2' }), false),
    ).toEqual({
      kind: 'message',
      message: { joinRef: '2', ref: '3', topic: 't', event: 'e', payload: { a: 1 } },
    });
    expect(JSON.parse(v1.encode({ joinRef: '2', ref: '3', topic: 't', event: 'e', payload: {} }))).toEqual({
      topic: 't',
      event: 'e',
      payload: {},
      ref: '3',
    });
  });

  it('refuses binary frames and arrays', () => {
    expect(v1.decode(Buffer.from([3, 0]), true).kind).toBe('invalid');
    expect(v1.decode(text([null, '1', 't', 'e', {}]), false).kind).toBe('invalid');
  });
});
