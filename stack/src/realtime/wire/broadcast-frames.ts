/**
 * The frame each recipient gets for a broadcast, by where it came from and the recipient's
 * serializer (realtime.md §3.4). Built once per serializer and shared by every recipient.
 */
import type { Broadcast } from '../contracts.ts';
import { BROADCAST, type Frame } from './message.ts';
import type { Vsn } from './serializer.ts';
import { encodeUserBroadcast } from './user-broadcast.ts';

/** Origins that reach v2 clients as kind-4 binary frames. */
const BINARY_ORIGINS = new Set<Broadcast['origin']>(['push-binary', 'rest-single', 'database']);

/** The broadcast's `payload` object as text frames carry it. */
function broadcastObject(message: Broadcast, value: unknown) {
  return message.meta
    ? { type: BROADCAST, event: message.event, payload: value, meta: message.meta }
    : { type: BROADCAST, event: message.event, payload: value };
}

function encodedJson(message: Broadcast): Uint8Array | undefined {
  if (message.payload.kind !== 'json') return undefined;
  return message.payload.encoded ?? Buffer.from(JSON.stringify(message.payload.value ?? null));
}

/**
 * The frame for one serializer, or undefined when that recipient cannot be given this message
 * (binary payloads never reach v1 clients; a binary payload whose header fields exceed a length
 * byte cannot be framed at all). `joinRef` is set for replays, which go to one channel.
 */
export function broadcastFrame(
  message: Broadcast,
  topic: string,
  vsn: Vsn,
  joinRef: string | null = null,
): Frame | undefined {
  const payload = message.payload;
  if (vsn === '2.0.0' && (BINARY_ORIGINS.has(message.origin) || payload.kind === 'binary')) {
    const bytes = payload.kind === 'binary' ? payload.bytes : (encodedJson(message) as Uint8Array);
    const metadata = message.meta ? JSON.stringify(message.meta) : undefined;
    const frame = encodeUserBroadcast(topic, message.event, payload.kind, bytes, metadata);
    if (frame) return { data: frame, binary: true };
    if (payload.kind === 'binary') return undefined;
  }
  if (payload.kind === 'binary') return undefined;
  const object = broadcastObject(message, payload.value);
  const data =
    vsn === '2.0.0'
      ? JSON.stringify([joinRef, null, topic, BROADCAST, object])
      : JSON.stringify({ topic, event: BROADCAST, payload: object, ref: null });
  // Encoded once here: ws would otherwise encode a string again for every recipient.
  return { data: Buffer.from(data), binary: false };
}

/** Bytes the size limit is measured on: the user payload as it travels. */
export function payloadBytes(message: Broadcast): number {
  const payload = message.payload;
  if (payload.kind === 'binary') return payload.bytes.byteLength;
  return payload.encoded?.byteLength ?? Buffer.byteLength(JSON.stringify(payload.value ?? null));
}
