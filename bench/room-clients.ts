/**
 * One room member per connection, for the broadcast benchmark: the same operations (join a room,
 * send to the others, receive) through our Realtime with the real realtime-js client, and
 * through Socket.IO with its real client.
 */
import { RealtimeClient } from '@supabase/supabase-js';
import { io } from 'socket.io-client';
import ws from 'ws';

export interface RoomMember {
  /** Sends to every other member of the room (not to self). */
  send(payload: Record<string, unknown>): void;
  close(): Promise<void>;
}

export type OnMessage = (payload: Record<string, unknown>) => void;

export async function realtimeMember(
  apiUrl: string,
  apiKey: string,
  room: string,
  onMessage: OnMessage,
): Promise<RoomMember> {
  const client = new RealtimeClient(`${apiUrl.replace(/^http/, 'ws')}/realtime/v1`, {
    params: { apikey: apiKey },
    transport: ws as never,
  });
  const channel = client.channel(room, { config: { broadcast: { self: false, ack: false } } });
  channel.on('broadcast', { event: 'm' }, (message) => onMessage(message.payload as Record<string, unknown>));
  await new Promise<void>((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status !== 'CLOSED') reject(error ?? new Error(`join ${room}: ${status}`));
    });
  });
  return {
    send: (payload) => void channel.send({ type: 'broadcast', event: 'm', payload }),
    async close() {
      await client.removeAllChannels();
      client.disconnect();
    },
  };
}

export async function socketIoMember(url: string, room: string, onMessage: OnMessage): Promise<RoomMember> {
  const socket = io(url, { transports: ['websocket'], forceNew: true });
  socket.on('m', onMessage);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.emit('join', room, () => resolve());
  });
  return {
    send: (payload) => void socket.emit('broadcast', { room, event: 'm', payload }),
    async close() {
      socket.disconnect();
    },
  };
}

/** Connects `count` members `parallel` at a time, so a thousand sockets do not all race at once. */
export async function connectAll<T>(
  count: number,
  connect: (i: number) => Promise<T>,
  parallel = 50,
): Promise<T[]> {
  const members: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      members[i] = await connect(i);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return members;
}
