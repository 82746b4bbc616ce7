import { useRoom, useWatchroom } from '@watchroom/client/react';
import { useEffect, useState } from 'react';
import { Chat } from './Chat.tsx';
import { describeError } from './format.ts';
import { useCanControl, useRoomRow } from './hooks.ts';
import { Invite } from './Invite.tsx';
import { Player } from './Player.tsx';
import { Presence } from './Presence.tsx';
import type { Navigate } from './router.ts';
import { StatusBadge } from './StatusBadge.tsx';
import type { Me } from './session.ts';

const REMOVED = {
  kicked: 'You were removed from this room.',
  banned: 'You were banned from this room.',
  ended: 'This room has ended.',
} as const;

export function RoomPage({ roomId, me, navigate }: { roomId: string; me: Me; navigate: Navigate }) {
  const watchroom = useWatchroom();
  const { connection, status, error } = useRoom(roomId);
  const room = useRoomRow(connection);
  const canControl = useCanControl(connection);
  const [leaving, setLeaving] = useState(false);
  const [removed, setRemoved] = useState<'kicked' | 'banned' | 'ended' | undefined>();

  useEffect(() => connection?.on('removed', ({ reason }) => setRemoved(reason)), [connection]);

  if (error) {
    return (
      <section className="card narrow">
        <h1>Could not open the room</h1>
        <p className="error" role="alert" data-testid="room-error">
          {describeError(error)}
        </p>
        <button type="button" className="primary" onClick={() => navigate({ name: 'home' })}>
          Back to the lobby
        </button>
      </section>
    );
  }
  if (!connection || !room) return <p className="muted center">Opening the room…</p>;

  async function leave() {
    setLeaving(true);
    // Leaving gives up the membership (a host hands the room on); the lobby either way.
    await watchroom.rooms.leave(roomId).catch(() => undefined);
    navigate({ name: 'home' });
  }

  return (
    <div className="room" data-testid="room" data-room-id={room.id}>
      <div className="room-header">
        <div className="room-title">
          <h1 data-testid="room-name">{room.name}</h1>
          <StatusBadge status={status} />
          <span className="badge">
            {room.control_mode === 'host_only' ? 'Host controls' : 'Everyone controls'}
          </span>
        </div>
        <div className="room-actions">
          <Invite code={room.invite_code} />
          <button type="button" className="small danger" disabled={leaving} onClick={() => void leave()}>
            Leave
          </button>
        </div>
      </div>
      {(removed || room.status === 'ended') && (
        <p className="banner" data-testid="room-removed" data-reason={removed ?? 'ended'}>
          {REMOVED[removed ?? 'ended']}{' '}
          <button type="button" className="link" onClick={() => navigate({ name: 'home' })}>
            Back to the lobby
          </button>
        </p>
      )}
      <div className="room-grid">
        <Player connection={connection} room={room} />
        <aside className="side">
          <Presence connection={connection} me={me} />
          <Chat connection={connection} me={me} canControl={canControl} />
        </aside>
      </div>
    </div>
  );
}
