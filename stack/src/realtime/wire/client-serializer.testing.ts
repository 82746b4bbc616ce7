/**
 * realtime-js's own serializer, the code that runs in every client, for differential tests of
 * ours. Its CommonJS build is loaded; interop differs between Node and Vite, hence the unwrap.
 */
import * as serializerModule from '@supabase/realtime-js/dist/main/lib/serializer.js';

export interface ClientMessage {
  join_ref: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

interface ClientSerializer {
  encode(message: ClientMessage, callback: (result: ArrayBuffer | string) => void): void;
  decode(raw: ArrayBuffer | string, callback: (message: ClientMessage) => void): void;
}

type Constructor = new () => ClientSerializer;
const loaded = serializerModule as unknown as { default: Constructor | { default: Constructor } };
const Serializer: Constructor =
  typeof loaded.default === 'function' ? loaded.default : loaded.default.default;

export function clientEncode(message: ClientMessage): ArrayBuffer | string {
  let out: ArrayBuffer | string = '';
  new Serializer().encode(message, (result) => {
    out = result;
  });
  return out;
}

export function clientDecode(raw: ArrayBuffer | string): ClientMessage {
  let decoded: ClientMessage | undefined;
  new Serializer().decode(raw, (message) => {
    decoded = message;
  });
  return decoded as ClientMessage;
}
