/**
 * Phoenix channel messages as Realtime speaks them (realtime.md §1.3–1.6), independent of the
 * serializer that carries them.
 */
export interface PhoenixMessage {
  readonly joinRef: string | null;
  readonly ref: string | null;
  readonly topic: string;
  readonly event: string;
  readonly payload: unknown;
}

/** A kind-3 binary push (v2 only): a user broadcast with its payload still encoded. */
export interface UserBroadcastPush {
  readonly joinRef: string | null;
  readonly ref: string | null;
  readonly topic: string;
  readonly event: string;
  /** Raw JSON text (encoding 1) or raw bytes (encoding 0). */
  readonly encoding: 'json' | 'binary';
  readonly payload: Buffer;
}

export type Inbound =
  | { readonly kind: 'message'; readonly message: PhoenixMessage }
  | { readonly kind: 'user-broadcast'; readonly push: UserBroadcastPush }
  /** Logged and ignored: the socket stays open, as Phoenix does. */
  | { readonly kind: 'invalid'; readonly reason: string };

/** A frame ready for `ws.send`: text or binary. */
export interface Frame {
  readonly data: string | Buffer;
  readonly binary: boolean;
}

/** The events of the protocol, named as the spec names them. */
export const PHX_JOIN = 'phx_join';
export const PHX_LEAVE = 'phx_leave';
export const PHX_REPLY = 'phx_reply';
export const PHX_CLOSE = 'phx_close';
export const PHX_ERROR = 'phx_error';
export const HEARTBEAT = 'heartbeat';
export const ACCESS_TOKEN = 'access_token';
export const BROADCAST = 'broadcast';
export const PRESENCE = 'presence';
export const PRESENCE_STATE = 'presence_state';
export const PRESENCE_DIFF = 'presence_diff';
export const POSTGRES_CHANGES = 'postgres_changes';
export const SYSTEM = 'system';
export const PHOENIX_TOPIC = 'phoenix';
export const TOPIC_PREFIX = 'realtime:';

/** The `phx_reply` payload. `response` may be a bare string (broadcast ack errors, §9.2). */
export function reply(status: 'ok' | 'error', response: unknown = {}): { status: string; response: unknown } {
  return { status, response };
}
