import type { RoomConnection } from '@watchroom/client';
import { useReactions } from '@watchroom/client/react';
import type { CSSProperties } from 'react';

export const REACTIONS = [
  { name: 'heart', emoji: '❤️' },
  { name: 'laugh', emoji: '😂' },
  { name: 'wow', emoji: '😮' },
  { name: 'clap', emoji: '👏' },
  { name: 'fire', emoji: '🔥' },
] as const;

/** Recent reactions of everyone, floating up from where their sender put them on the video. */
export function ReactionLayer({ connection }: { connection: RoomConnection }) {
  const reactions = useReactions(connection);
  return (
    <div className="reaction-layer" aria-live="polite">
      {reactions.map((reaction) => (
        <span
          key={reaction.id}
          className="reaction"
          data-testid="reaction"
          data-emoji={reaction.emoji}
          style={{ '--x': `${reaction.x * 100}%`, '--y': `${reaction.y * 100}%` } as CSSProperties}
        >
          <span className="reaction-emoji">{reaction.emoji}</span>
          {reaction.display_name && <span className="reaction-name">{reaction.display_name}</span>}
        </span>
      ))}
    </div>
  );
}

/** Sends a reaction at a random spot in the lower part of the picture, away from the edges. */
export function ReactionBar({ connection }: { connection: RoomConnection }) {
  const send = (emoji: string) =>
    connection.sendReaction(emoji, { x: 0.15 + Math.random() * 0.7, y: 0.55 + Math.random() * 0.3 });
  return (
    <div className="reaction-bar">
      {REACTIONS.map(({ name, emoji }) => (
        <button
          key={name}
          type="button"
          className="emoji"
          data-testid={`react-${name}`}
          aria-label={name}
          onClick={() => void send(emoji)}
        >
          {emoji}
        </button>
      ))}
    </div>
  );
}
