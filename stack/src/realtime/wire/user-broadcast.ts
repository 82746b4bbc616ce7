/**
 * The two binary frame kinds realtime-js speaks (realtime.md §1.3): kind 3, a user broadcast
 * pushed by the client, and kind 4, a user broadcast delivered by the server.
 */
import type { Inbound } from './message.ts';

export const USER_BROADCAST_PUSH = 3;
export const USER_BROADCAST = 4;
const PUSH_HEADER_BYTES = 7;
const BROADCAST_HEADER_BYTES = 5;
const ENCODING_BINARY = 0;
const ENCODING_JSON = 1;
const MAX_FIELD_BYTES = 255;

/**
 * Decodes a kind-3 frame. realtime-js writes header strings one UTF-16 unit per byte with
 * `length` as the size, so latin1 is its exact inverse for code units up to U+00FF and merely
 * garbles (never throws on) the rest.
 */
export function decodeUserBroadcastPush(frame: Buffer): Inbound {
  if (frame.length < PUSH_HEADER_BYTES) return { kind: 'invalid', reason: 'truncated user broadcast header' };
  const joinRefLength = frame[1] as number;
  const refLength = frame[2] as number;
  const topicLength = frame[3] as number;
  const eventLength = frame[4] as number;
  const metadataLength = frame[5] as number;
  const encoding = frame[6] as number;
  if (encoding !== ENCODING_BINARY && encoding !== ENCODING_JSON) {
    return { kind: 'invalid', reason: `unknown payload encoding ${encoding}` };
  }
  let offset = PUSH_HEADER_BYTES;
  const end = offset + joinRefLength + refLength + topicLength + eventLength + metadataLength;
  if (end > frame.length) return { kind: 'invalid', reason: 'truncated user broadcast' };
  const take = (length: number) => {
    const text = frame.toString('latin1', offset, offset + length);
    offset += length;
    return text;
  };
  const joinRef = take(joinRefLength);
  const ref = take(refLength);
  const topic = take(topicLength);
  const event = take(eventLength);
  offset += metadataLength; // realtime-js always sends none; the reference ignores it too.
  return {
    kind: 'user-broadcast',
    push: {
      joinRef: joinRef === '' ? null : joinRef,
      ref: ref === '' ? null : ref,
      topic,
      event,
      encoding: encoding === ENCODING_JSON ? 'json' : 'binary',
      payload: frame.subarray(offset),
    },
  };
}

/**
 * Encodes a kind-4 frame, or returns undefined when a header field exceeds one length byte
 * (the caller then falls back to a text frame, or cannot deliver binary at all).
 */
export function encodeUserBroadcast(
  topic: string,
  event: string,
  encoding: 'json' | 'binary',
  payload: Uint8Array,
  metadata?: string,
): Buffer | undefined {
  const topicBytes = Buffer.byteLength(topic);
  const eventBytes = Buffer.byteLength(event);
  const metadataBytes = metadata === undefined ? 0 : Buffer.byteLength(metadata);
  if (topicBytes > MAX_FIELD_BYTES || eventBytes > MAX_FIELD_BYTES || metadataBytes > MAX_FIELD_BYTES) {
    return undefined;
  }
  const headerBytes = BROADCAST_HEADER_BYTES + topicBytes + eventBytes + metadataBytes;
  const frame = Buffer.allocUnsafe(headerBytes + payload.byteLength);
  frame[0] = USER_BROADCAST;
  frame[1] = topicBytes;
  frame[2] = eventBytes;
  frame[3] = metadataBytes;
  frame[4] = encoding === 'json' ? ENCODING_JSON : ENCODING_BINARY;
  let offset = BROADCAST_HEADER_BYTES;
  offset += frame.write(topic, offset);
  offset += frame.write(event, offset);
  if (metadata !== undefined) offset += frame.write(metadata, offset);
  frame.set(payload, offset);
  return frame;
}
