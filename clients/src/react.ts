/**
 * React hooks over the SDK. `useRoom` holds a shared connection for as long as the component is
 * mounted (StrictMode's double mount reuses it); the others subscribe to one part of it through
 * useSyncExternalStore, so components re-render only for what they show.
 */
import {
  createContext,
  createElement,
  type ReactNode,
  type RefObject,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import type { SendOptions } from './comments.ts';
import { type MediaElementLike, MediaElementPlayer } from './player.ts';
import type { ConnectionStatus, ConnectOptions, RoomConnection, RoomEvents } from './room-connection.ts';
import type { CommentItem, PlaybackState, PresenceMember, Reaction, TypingUser } from './types.ts';
import type { RoomHandle, Watchroom } from './watchroom.ts';

const WatchroomContext = createContext<Watchroom | undefined>(undefined);

export function WatchroomProvider(props: { client: Watchroom; children?: ReactNode }) {
  return createElement(WatchroomContext.Provider, { value: props.client }, props.children);
}

export function useWatchroom(): Watchroom {
  const client = useContext(WatchroomContext);
  if (!client)
    throw new Error('useWatchroom: wrap the app in <WatchroomProvider client={createWatchroom(supabase)}>');
  return client;
}

export interface UseRoom {
  readonly connection: RoomConnection | undefined;
  readonly status: ConnectionStatus;
  readonly error: Error | undefined;
}

/** Connects to `roomId` while mounted (none for undefined). */
export function useRoom(roomId: string | undefined, options?: ConnectOptions): UseRoom {
  const client = useWatchroom();
  const [state, setState] = useState<{ roomId?: string; connection?: RoomHandle; error?: Error }>({});
  const optionsRef = useRef(options);
  useEffect(() => {
    if (!roomId) return;
    let alive = true;
    let held: RoomHandle | undefined;
    setState({ roomId });
    client.connect(roomId, optionsRef.current).then(
      (connection) => {
        held = connection;
        if (alive) setState({ roomId, connection });
        else void connection.disconnect();
      },
      (error: Error) => alive && setState({ roomId, error }),
    );
    return () => {
      alive = false;
      void held?.disconnect();
    };
  }, [client, roomId]);
  const connection = state.roomId === roomId ? state.connection : undefined;
  const status = useRoomValue(connection, 'status', (c) => c.status) ?? 'connecting';
  return {
    connection,
    status: connection ? status : state.error ? 'closed' : 'connecting',
    error: state.roomId === roomId ? state.error : undefined,
  };
}

/** One value of a connection, re-read when `event` fires. */
export function useRoomValue<K extends keyof RoomEvents, T>(
  connection: RoomConnection | undefined,
  event: K,
  read: (connection: RoomConnection) => T,
): T | undefined {
  const readRef = useRef(read);
  readRef.current = read;
  const subscribe = useCallback(
    (notify: () => void) => connection?.on(event, notify) ?? (() => undefined),
    [connection, event],
  );
  const snapshot = useCallback(() => (connection ? readRef.current(connection) : undefined), [connection]);
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

export const usePlayback = (connection: RoomConnection | undefined): PlaybackState | undefined =>
  useRoomValue(connection, 'playback', (c) => c.playback);

const NONE: readonly never[] = [];

export const usePresence = (connection: RoomConnection | undefined): readonly PresenceMember[] =>
  useRoomValue(connection, 'presence', (c) => c.presence()) ?? NONE;

export const useTyping = (connection: RoomConnection | undefined): readonly TypingUser[] =>
  useRoomValue(connection, 'typing', (c) => c.typing()) ?? NONE;

export interface UseComments {
  readonly items: readonly CommentItem[];
  readonly unread: number;
  readonly hasMore: boolean;
  send(body: string, options?: SendOptions): Promise<CommentItem | undefined>;
  loadOlder(): Promise<boolean>;
  markRead(): Promise<void>;
}

export function useComments(connection: RoomConnection | undefined): UseComments {
  const items = useRoomValue(connection, 'comments', (c) => c.comments.items()) ?? NONE;
  return useMemo(
    () => ({
      items,
      unread: connection?.comments.unreadCount() ?? 0,
      hasMore: connection?.comments.hasMore ?? false,
      send: async (body: string, options?: SendOptions) => connection?.comments.send(body, options),
      loadOlder: async () => (connection ? connection.comments.loadOlder() : false),
      markRead: async () => connection?.comments.markRead(),
    }),
    [connection, items],
  );
}

/** Reactions heard in the last `ttlMs`, for floating them over the video. */
export function useReactions(connection: RoomConnection | undefined, ttlMs = 3_000): readonly Reaction[] {
  const [reactions, setReactions] = useState<readonly Reaction[]>(NONE);
  useEffect(() => {
    if (!connection) return;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const off = connection.on('reaction', (reaction) => {
      setReactions((list) => [...list, reaction]);
      const timer = setTimeout(() => {
        timers.delete(timer);
        setReactions((list) => list.filter((r) => r.id !== reaction.id));
      }, ttlMs);
      timers.add(timer);
    });
    return () => {
      off();
      for (const timer of timers) clearTimeout(timer);
      setReactions(NONE);
    };
  }, [connection, ttlMs]);
  return reactions;
}

/** Keeps the element in `ref` following the room's playback while mounted. */
export function useSyncedMedia(
  connection: RoomConnection | undefined,
  ref: RefObject<MediaElementLike | null>,
): void {
  useEffect(() => {
    const element = ref.current;
    if (!connection || !element) return;
    connection.sync.attach(new MediaElementPlayer(element));
    return () => connection.sync.detach();
  }, [connection, ref]);
}
