/**
 * The SDK's entry point, on the app's own SupabaseClient. Connections are shared per room and
 * counted: two components (or React StrictMode's mount, unmount, mount) connecting to one room
 * use one channel, and it closes shortly after the last lets go.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { WatchroomError } from './errors.ts';
import { createCall } from './functions.ts';
import { type ConnectOptions, RoomConnection } from './room-connection.ts';
import { createRooms, type Rooms } from './rooms.ts';

export interface WatchroomOptions {
  /** Defaults for every connection. */
  readonly connect?: ConnectOptions;
  /** How long a connection outlives its last user (ms): StrictMode remounts reuse it. */
  readonly lingerMs?: number;
}

/** A connection as one user of it holds it: `disconnect` lets go of this hold only. */
export type RoomHandle = RoomConnection & { disconnect(): Promise<void> };

interface Shared {
  connection: RoomConnection;
  holds: number;
  linger?: ReturnType<typeof setTimeout>;
}

export interface Watchroom {
  readonly supabase: SupabaseClient;
  readonly rooms: Rooms;
  /** The signed-in user's id, as of the last auth event. */
  userId(): string | undefined;
  connect(roomId: string, options?: ConnectOptions): Promise<RoomHandle>;
}

export function createWatchroom(supabase: SupabaseClient, options: WatchroomOptions = {}): Watchroom {
  const call = createCall(supabase);
  // Registered before the first await: calls in the same tick (StrictMode's remount) share it.
  const shared = new Map<string, Promise<Shared>>();
  const closing = new Map<string, Promise<void>>();
  let userId: string | undefined;
  void supabase.auth.getSession().then(({ data }) => {
    userId ??= data.session?.user.id;
  });
  supabase.auth.onAuthStateChange((_event, session) => {
    userId = session?.user.id;
  });

  async function currentUser(): Promise<string> {
    const { data } = await supabase.auth.getSession();
    const id = data.session?.user.id;
    if (!id) throw new WatchroomError('unauthorized', 'Sign in first', 401);
    userId = id;
    return id;
  }

  async function open(roomId: string, connectOptions: ConnectOptions | undefined): Promise<Shared> {
    // A channel for this topic still closing would be handed back by supabase-js: wait it out.
    await closing.get(roomId);
    const connection = new RoomConnection({
      supabase,
      call,
      roomId,
      userId: await currentUser(),
      options: { ...options.connect, ...connectOptions },
    });
    try {
      await connection.open();
    } catch (error) {
      await connection.close();
      throw error;
    }
    return { connection, holds: 0 };
  }

  function release(roomId: string, pending: Promise<Shared>, entry: Shared) {
    entry.holds--;
    if (entry.holds > 0) return;
    clearTimeout(entry.linger);
    entry.linger = setTimeout(() => {
      if (entry.holds > 0 || shared.get(roomId) !== pending) return;
      shared.delete(roomId);
      const done = entry.connection.close().finally(() => closing.delete(roomId));
      closing.set(roomId, done);
    }, options.lingerMs ?? 50);
  }

  function handle(roomId: string, pending: Promise<Shared>, entry: Shared): RoomHandle {
    let released = false;
    const disconnect = async () => {
      if (released) return;
      released = true;
      release(roomId, pending, entry);
    };
    return new Proxy(entry.connection, {
      get(target, property) {
        if (property === 'disconnect') return disconnect;
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as RoomHandle;
  }

  return {
    supabase,
    rooms: createRooms(supabase, call),
    userId: () => userId,
    async connect(roomId, connectOptions) {
      let pending = shared.get(roomId);
      if (!pending) {
        const created = open(roomId, connectOptions);
        pending = created;
        shared.set(roomId, created);
        created.catch(() => {
          if (shared.get(roomId) === created) shared.delete(roomId);
        });
      }
      // Counted in the same microtask the open settles in: a linger timer cannot close it first.
      const entry = await pending;
      entry.holds++;
      clearTimeout(entry.linger);
      return handle(roomId, pending, entry);
    },
  };
}
