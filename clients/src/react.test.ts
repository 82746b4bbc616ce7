// @vitest-environment happy-dom
import { act, createElement, StrictMode, useRef } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Emitter } from './emitter.ts';
import {
  useComments,
  usePlayback,
  usePresence,
  useReactions,
  useRoom,
  useSyncedMedia,
  WatchroomProvider,
} from './react.ts';
import type { RoomEvents } from './room-connection.ts';
import type { PlaybackState, PresenceMember, Reaction } from './types.ts';
import type { Watchroom } from './watchroom.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** A stand-in connection: the hooks only read and subscribe, so an emitter with values will do. */
class FakeConnection extends Emitter<RoomEvents> {
  status: RoomEvents['status'] = 'connected';
  playback: PlaybackState | undefined;
  members: PresenceMember[] = [];
  attached: unknown[] = [];
  readonly sync = {
    attach: (player: unknown) => this.attached.push(player),
    detach: () => this.attached.pop(),
  };
  // Snapshots must be stable between changes, as the SDK's are.
  readonly #noComments = [];
  readonly comments = { items: () => this.#noComments, unreadCount: () => 0, hasMore: false };
  presence() {
    return this.members;
  }
  typing() {
    return [];
  }
}

function fakeWatchroom() {
  const connection = new FakeConnection();
  const log: string[] = [];
  const client = {
    connect: vi.fn(async (roomId: string) => {
      log.push(`connect ${roomId}`);
      // A hold of its own, as the SDK hands out (private fields stay on the connection).
      const disconnect = async () => void log.push(`disconnect ${roomId}`);
      return new Proxy(connection, {
        get: (target, key) => {
          if (key === 'disconnect') return disconnect;
          const value = Reflect.get(target, key, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    }),
  } as unknown as Watchroom;
  return { client, connection, log };
}

let root: Root | undefined;
afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
});

function render(client: Watchroom, element: ReturnType<typeof createElement>) {
  const container = document.createElement('div');
  root = createRoot(container);
  act(() =>
    root?.render(createElement(StrictMode, null, createElement(WatchroomProvider, { client }, element))),
  );
  return container;
}

// Components under test, at module level as React expects.
function StatusProbe({ seen }: { seen: string[] }) {
  const { connection, status } = useRoom('r1');
  seen.push(`${status}:${connection ? 'yes' : 'no'}`);
  return null;
}

function PlaybackProbe() {
  const { connection } = useRoom('r1');
  const playback = usePlayback(connection);
  const members = usePresence(connection);
  return createElement(
    'p',
    null,
    `${connection ? 'on' : 'off'} v${playback?.version ?? '-'} ${members.map((m) => m.display_name).join(',')}`,
  );
}

function ReactionsProbe({ ttlMs }: { ttlMs: number }) {
  const { connection } = useRoom('r1');
  const reactions = useReactions(connection, ttlMs);
  return createElement('p', null, reactions.map((r) => r.emoji).join(''));
}

function PlayerProbe() {
  const { connection } = useRoom('r1');
  const ref = useRef<HTMLVideoElement>(null);
  useSyncedMedia(connection, ref);
  useComments(connection);
  return createElement('video', { ref });
}

describe('React hooks', () => {
  it('useRoom holds one connection through StrictMode, and lets every hold go on unmount', async () => {
    const { client, log } = fakeWatchroom();
    const seen: string[] = [];
    render(client, createElement(StatusProbe, { seen }));
    await vi.waitFor(() => expect(seen.at(-1)).toBe('connected:yes'));
    // StrictMode ran the effect twice: two holds taken, the first let go at once.
    expect(log).toEqual(['connect r1', 'connect r1', 'disconnect r1']);
    act(() => root?.unmount());
    root = undefined;
    expect(log.filter((l) => l.startsWith('disconnect'))).toHaveLength(2);
  });

  it('re-renders on playback and presence events, with the values they carry', async () => {
    const { client, connection } = fakeWatchroom();
    const container = render(client, createElement(PlaybackProbe));
    await vi.waitFor(() => expect(container.textContent).toBe('on v- '));
    act(() => {
      connection.playback = { version: 3 } as PlaybackState;
      connection.emit('playback', connection.playback);
      connection.members = [
        { display_name: 'Ann' } as PresenceMember,
        { display_name: 'Bo' } as PresenceMember,
      ];
      connection.emit('presence', connection.members);
    });
    expect(container.textContent).toBe('on v3 Ann,Bo');
  });

  it('useReactions keeps a reaction for its lifetime, then drops it', async () => {
    const { client, connection } = fakeWatchroom();
    const container = render(client, createElement(ReactionsProbe, { ttlMs: 50 }));
    await vi.waitFor(() => expect(client.connect).toHaveBeenCalled());
    await vi.waitFor(() => {
      act(() => connection.emit('reaction', { id: 'x', emoji: '🔥' } as Reaction));
      expect(container.textContent).toContain('🔥');
    });
    await vi.waitFor(() => expect(container.textContent).toBe(''));
  });

  it('useSyncedMedia attaches the element to the engine while mounted', async () => {
    const { client, connection } = fakeWatchroom();
    render(client, createElement(PlayerProbe));
    await vi.waitFor(() => expect(connection.attached).toHaveLength(1));
    act(() => root?.unmount());
    root = undefined;
    expect(connection.attached).toHaveLength(0);
  });
});
