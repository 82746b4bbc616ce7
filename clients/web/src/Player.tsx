import { isWatchroomError, type Room, type RoomConnection } from '@watchroom/client';
import { usePlayback, useSyncedMedia } from '@watchroom/client/react';
import { useEffect, useRef, useState } from 'react';
import { describeError, formatTime } from './format.ts';
import { useCanControl, useMediaClock } from './hooks.ts';
import { ReactionBar, ReactionLayer } from './Reactions.tsx';

const RATES = [0.5, 0.75, 1, 1.25, 1.5, 2];
const SKIP_SECONDS = 10;

/**
 * The video, kept where the room says by the SDK's sync engine. It has no native controls:
 * every control goes to the server, and the engine moves this element (and everyone else's)
 * when the new state comes back.
 */
export function Player({ connection, room }: { connection: RoomConnection; room: Room }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  useSyncedMedia(connection, videoRef);
  const playback = usePlayback(connection);
  const clock = useMediaClock(videoRef, connection);
  const canControl = useCanControl(connection);
  const duration = room.media_duration ?? clock.duration ?? 0;
  const [error, setError] = useState<string | undefined>();

  async function control(action: () => Promise<unknown>) {
    setError(undefined);
    try {
      await action();
    } catch (caught) {
      // Someone else's control won the race: the engine already shows theirs.
      if (isWatchroomError(caught, 'version_conflict')) return;
      setError(describeError(caught));
    }
  }

  const playing = playback?.is_playing ?? false;
  const togglePlay = () =>
    control(() => {
      if (playing) return connection.sync.pause();
      // At the end, play means "from the start" rather than a play that ends at once.
      const atEnd = duration > 0 && clock.position >= duration - 0.25;
      return atEnd ? connection.sync.play(0) : connection.sync.play();
    });
  const seek = (position: number) =>
    control(() => connection.sync.seek(Math.min(Math.max(0, position), Math.max(0, duration - 0.1))));

  return (
    <section className="player card flush">
      <div className="video-box">
        {room.media_url ? (
          <video
            ref={videoRef}
            data-testid="video"
            src={room.media_url}
            muted
            playsInline
            preload="auto"
            disablePictureInPicture
          />
        ) : (
          <div className="no-media muted">No media in this room yet.</div>
        )}
        <ReactionLayer connection={connection} />
        {playback?.awaiting_ready && <div className="video-note">Waiting for everyone to be ready…</div>}
      </div>
      <div className="controls">
        <button
          type="button"
          className="primary round"
          data-testid="play-toggle"
          data-playing={playing}
          disabled={!canControl}
          onClick={() => void togglePlay()}
          aria-label={playing ? 'Pause' : 'Play'}
        >
          {playing ? '❚❚' : '▶'}
        </button>
        <button
          type="button"
          className="small"
          disabled={!canControl}
          onClick={() => void seek(clock.position - SKIP_SECONDS)}
        >
          −{SKIP_SECONDS}s
        </button>
        <button
          type="button"
          className="small"
          disabled={!canControl}
          onClick={() => void seek(clock.position + SKIP_SECONDS)}
        >
          +{SKIP_SECONDS}s
        </button>
        <span className="time" data-testid="position">
          {formatTime(clock.position)} / {formatTime(duration)}
        </span>
        <SeekBar position={clock.position} duration={duration} disabled={!canControl} onSeek={seek} />
        <select
          data-testid="rate-select"
          aria-label="Playback rate"
          value={String(playback?.rate ?? 1)}
          disabled={!canControl}
          onChange={(event) => void control(() => connection.sync.setRate(Number(event.target.value)))}
        >
          {RATES.map((rate) => (
            <option key={rate} value={String(rate)}>
              {rate}×
            </option>
          ))}
        </select>
      </div>
      <div className="player-foot">
        <ReactionBar connection={connection} />
        <span className="muted small-text" data-testid="drift" title="How far this player is from the room">
          {clock.playing
            ? `sync ${clock.drift >= 0 ? '+' : '−'}${Math.abs(clock.drift).toFixed(2)} s`
            : 'paused'}
        </span>
      </div>
      {!canControl && (
        <p className="hint" data-testid="controls-hint">
          The host controls playback in this room.
        </p>
      )}
      {error && (
        <p className="error" role="alert" data-testid="control-error">
          {error}
        </p>
      )}
    </section>
  );
}

/**
 * A range input that follows the video until grabbed, and seeks once on release: React's
 * onChange fires on every step of a drag, the native `change` event only when it is let go.
 */
function SeekBar({
  position,
  duration,
  disabled,
  onSeek,
}: {
  position: number;
  duration: number;
  disabled: boolean;
  onSeek: (position: number) => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState<number | undefined>();
  const onSeekRef = useRef(onSeek);
  onSeekRef.current = onSeek;

  useEffect(() => {
    const input = ref.current;
    if (!input) return;
    const commit = () => {
      onSeekRef.current(Number(input.value));
      setDraft(undefined);
    };
    input.addEventListener('change', commit);
    return () => input.removeEventListener('change', commit);
  }, []);

  return (
    <input
      ref={ref}
      type="range"
      className="seek"
      data-testid="seek-bar"
      aria-label="Seek"
      min={0}
      max={Math.max(duration, 0.1)}
      step={0.1}
      value={draft ?? Math.min(position, duration)}
      disabled={disabled || duration <= 0}
      onChange={(event) => setDraft(Number(event.target.value))}
    />
  );
}
