/** Small hooks over the SDK's connection and the video element that the SDK's own do not cover. */
import type { Room, RoomConnection } from '@watchroom/client';
import { useRoomValue } from '@watchroom/client/react';
import { type RefObject, useCallback, useEffect, useState, useSyncExternalStore } from 'react';

/** The room row, live: renames, host changes, control mode, media, status. */
export function useRoomRow(connection: RoomConnection | undefined): Room | undefined {
  return useRoomValue(connection, 'room', (c) => c.room);
}

/**
 * Whether this user may drive playback now: it changes with the room (control mode, a new
 * host) and with the member list (a promotion), so both are listened to.
 */
export function useCanControl(connection: RoomConnection | undefined): boolean {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const offs = [connection?.on('room', onChange), connection?.on('members', onChange)];
      return () => {
        for (const off of offs) off?.();
      };
    },
    [connection],
  );
  return useSyncExternalStore(subscribe, () => connection?.canControl ?? false);
}

export interface MediaClock {
  readonly position: number;
  readonly duration: number | undefined;
  readonly playing: boolean;
  /** Seconds ahead (+) of the room, as the sync engine last measured it. */
  readonly drift: number;
}

const EVENTS = [
  'timeupdate',
  'seeked',
  'seeking',
  'play',
  'pause',
  'ratechange',
  'durationchange',
  'loadedmetadata',
];

/**
 * What the element shows, re-read on its own media events (timeupdate is ~4 Hz: enough for a
 * seek bar and a clock, and nothing renders between events).
 */
export function useMediaClock(
  videoRef: RefObject<HTMLVideoElement | null>,
  connection: RoomConnection | undefined,
): MediaClock {
  const [clock, setClock] = useState<MediaClock>({
    position: 0,
    duration: undefined,
    playing: false,
    drift: 0,
  });
  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const read = () =>
      setClock({
        position: video.currentTime,
        duration: Number.isFinite(video.duration) ? video.duration : undefined,
        playing: !video.paused,
        drift: connection?.sync.drift ?? 0,
      });
    for (const type of EVENTS) video.addEventListener(type, read);
    read();
    return () => {
      for (const type of EVENTS) video.removeEventListener(type, read);
    };
  }, [videoRef, connection]);
  return clock;
}

/** Where the room's media is for this viewer now: the player if attached, else the server's. */
export function currentVideoTs(connection: RoomConnection): number | null {
  const position = connection.sync.player?.position() ?? connection.sync.expectedPosition();
  return position === undefined || !Number.isFinite(position) ? null : Math.round(position * 10) / 10;
}
