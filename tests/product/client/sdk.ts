/** SDK instances for the product suites: a Watchroom on each signed-up user's own client. */
import { afterEach } from 'vitest';
import WebSocket from 'ws';
import {
  type ConnectOptions,
  createWatchroom,
  type RoomConnection,
  type RoomEvents,
  type RoomHandle,
  type Watchroom,
} from '../../../clients/src/index.ts';
import { namedUser } from '../../helpers/named-user.ts';
import { stack, type User } from '../world.ts';

export interface SdkUser extends User {
  readonly wr: Watchroom;
}

export interface SdkUserOptions {
  /** The WebSocket class Realtime uses (tests gate it to cut the network). */
  readonly transport?: typeof WebSocket;
  readonly connect?: ConnectOptions;
}

/** A signed-up user with a display name, on a client of their own, with a Watchroom on it. */
export async function sdkUser(name: string, options: SdkUserOptions = {}): Promise<SdkUser> {
  const user = await namedUser(
    stack.apiUrl,
    stack.anonKey,
    name,
    options.transport ? { transport: options.transport } : {},
  );
  return { ...user, wr: createWatchroom(user.client, { connect: { heartbeatMs: 0, ...options.connect } }) };
}

/** A WebSocket class with a switch: while `offline`, every connection attempt fails. */
export function gatedTransport() {
  const gate = { offline: false, sockets: new Set<WebSocket>() };
  class Gated extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      // Port 9 (discard) on loopback refuses at once: a network that is down.
      super(gate.offline ? 'ws://127.0.0.1:9/' : url, protocols);
      gate.sockets.add(this);
      this.once('close', () => gate.sockets.delete(this));
    }
  }
  return {
    transport: Gated as unknown as typeof WebSocket,
    /** Drops every open socket and refuses new ones until `restore`. */
    cut() {
      gate.offline = true;
      for (const socket of gate.sockets) socket.terminate();
    },
    restore() {
      gate.offline = false;
    },
  };
}

/** The value an event would carry now, for events that have one. */
function currentOf<K extends keyof RoomEvents>(
  connection: RoomConnection,
  event: K,
): RoomEvents[K] | undefined {
  const now: Partial<{ [E in keyof RoomEvents]: () => RoomEvents[E] | undefined }> = {
    comments: () => connection.comments.items(),
    presence: () => connection.presence(),
    members: () => connection.members(),
    typing: () => connection.typing(),
    playback: () => connection.playback,
    status: () => connection.status,
    room: () => connection.room,
    reads: () => new Map(),
  };
  return now[event]?.() as RoomEvents[K] | undefined;
}

/**
 * Resolves with the first `event` value that satisfies `test`, checking the current value first
 * (what is awaited may have arrived before the wait began).
 */
export function until<K extends keyof RoomEvents>(
  connection: RoomConnection,
  event: K,
  test: (value: RoomEvents[K]) => boolean,
  current: () => RoomEvents[K] | undefined = () => currentOf(connection, event),
  timeoutMs = 10_000,
): Promise<RoomEvents[K]> {
  return new Promise((resolve, reject) => {
    const now = current?.();
    if (now !== undefined && test(now)) return resolve(now);
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(
          `no ${String(event)} matching within ${timeoutMs} ms; last: ${JSON.stringify(current?.())}`,
        ),
      );
    }, timeoutMs);
    const off = connection.on(event, (value) => {
      if (!test(value)) return;
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}

/**
 * Connections a test file opens, let go after each test. Returns `connect(user, roomId)` and
 * the list, for tests that release one themselves.
 */
export function connectionsPerTest() {
  const open: RoomHandle[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.disconnect()));
  });
  return {
    open,
    async connect(user: SdkUser, roomId: string): Promise<RoomHandle> {
      const connection = await user.wr.connect(roomId);
      open.push(connection);
      return connection;
    },
  };
}
