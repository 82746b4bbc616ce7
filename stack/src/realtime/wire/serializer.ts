/**
 * The two Phoenix serializers realtime-js may pick with `vsn` (realtime.md §1.3): 1.0.0, JSON
 * objects on text frames only; 2.0.0, JSON arrays plus the binary user-broadcast kinds.
 */
import type { Inbound, PhoenixMessage } from './message.ts';
import { decodeUserBroadcastPush, USER_BROADCAST_PUSH } from './user-broadcast.ts';

export type Vsn = '1.0.0' | '2.0.0';

export interface Serializer {
  readonly vsn: Vsn;
  decode(data: Buffer, isBinary: boolean): Inbound;
  /** A text frame. */
  encode(message: PhoenixMessage): string;
}

/** Phoenix matches `~> 1.0.0` / `~> 2.0.0`; no `vsn` means 1.0.0; anything else is refused. */
export function serializerFor(vsn: string | null): Serializer | undefined {
  if (vsn === null) return V1;
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(vsn);
  if (match?.[2] !== '0') return undefined;
  if (match[1] === '1') return V1;
  if (match[1] === '2') return V2;
  return undefined;
}

type Ref = string | null;

/** Refs are strings from realtime-js; other Phoenix clients may send numbers. */
function refOf(value: unknown): Ref | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function parseJson(data: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(data.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

function message(joinRef: unknown, ref: unknown, topic: unknown, event: unknown, payload: unknown): Inbound {
  const j = refOf(joinRef);
  const r = refOf(ref);
  if (j === undefined || r === undefined) return { kind: 'invalid', reason: 'refs must be strings or null' };
  if (typeof topic !== 'string' || typeof event !== 'string') {
    return { kind: 'invalid', reason: 'topic and event must be strings' };
  }
  return { kind: 'message', message: { joinRef: j, ref: r, topic, event, payload: payload ?? {} } };
}

const V1: Serializer = {
  vsn: '1.0.0',
  decode(data, isBinary) {
    if (isBinary) return { kind: 'invalid', reason: 'binary frames need vsn 2.0.0' };
    const parsed = parseJson(data);
    if (!parsed.ok) return { kind: 'invalid', reason: 'text frame is not JSON' };
    const value = parsed.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { kind: 'invalid', reason: 'vsn 1.0.0 messages are JSON objects' };
    }
    const m = value as Record<string, unknown>;
    return message(m.join_ref, m.ref, m.topic, m.event, m.payload);
  },
  // The reference server leaves join_ref out of v1 output; realtime-js accepts either.
  encode: (m) => JSON.stringify({ topic: m.topic, event: m.event, payload: m.payload, ref: m.ref }),
};

const V2: Serializer = {
  vsn: '2.0.0',
  decode(data, isBinary) {
    if (isBinary) {
      if (data[0] === USER_BROADCAST_PUSH) return decodeUserBroadcastPush(data);
      return { kind: 'invalid', reason: `unknown binary frame kind ${data[0]}` };
    }
    const parsed = parseJson(data);
    if (!parsed.ok) return { kind: 'invalid', reason: 'text frame is not JSON' };
    const value = parsed.value;
    if (!Array.isArray(value) || value.length < 5) {
      return { kind: 'invalid', reason: 'vsn 2.0.0 messages are [join_ref, ref, topic, event, payload]' };
    }
    return message(value[0], value[1], value[2], value[3], value[4]);
  },
  encode: (m) => JSON.stringify([m.joinRef, m.ref, m.topic, m.event, m.payload]),
};

export const SERIALIZERS: Readonly<Record<Vsn, Serializer>> = { '1.0.0': V1, '2.0.0': V2 };
