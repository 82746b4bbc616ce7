import type { Room } from '@watchroom/client';
import { useWatchroom } from '@watchroom/client/react';
import { type FormEvent, useEffect, useState } from 'react';
import { DEMO_MEDIA } from './config.ts';
import { describeError } from './format.ts';
import type { Navigate } from './router.ts';
import type { Me } from './session.ts';

/** Invite codes are 8 characters without look-alikes; people type them in any case. */
const normalizeCode = (code: string) => code.trim().toUpperCase().replace(/\s+/g, '');

export function Lobby({ me, navigate }: { me: Me; navigate: Navigate }) {
  const watchroom = useWatchroom();
  const [name, setName] = useState('');
  const [hostOnly, setHostOnly] = useState(true);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState<'create' | 'join' | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [mine, setMine] = useState<readonly Room[]>([]);

  useEffect(() => {
    let live = true;
    watchroom.rooms.mine().then(
      (rooms) => {
        if (live) setMine(rooms.filter((room) => room.status !== 'ended'));
      },
      // The list is a convenience; the lobby works without it.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [watchroom]);

  async function run(kind: 'create' | 'join', action: () => Promise<{ room: Room }>) {
    setBusy(kind);
    setError(undefined);
    try {
      const { room } = await action();
      navigate({ name: 'room', roomId: room.id });
    } catch (caught) {
      setError(describeError(caught));
      setBusy(undefined);
    }
  }

  function create(event: FormEvent) {
    event.preventDefault();
    void run('create', () =>
      watchroom.rooms.create({
        name: name.trim() || `${me.name}'s room`,
        control_mode: hostOnly ? 'host_only' : 'everyone',
        media: DEMO_MEDIA,
      }),
    );
  }

  function join(event: FormEvent) {
    event.preventDefault();
    void run('join', () => watchroom.rooms.join(normalizeCode(code)));
  }

  return (
    <div className="lobby">
      <h1>Hi {me.name}</h1>
      <div className="lobby-grid">
        <form className="card stack" onSubmit={create}>
          <h2>Start a watch party</h2>
          <label className="field">
            <span>Room name</span>
            <input
              data-testid="room-name-input"
              value={name}
              onChange={(event) => setName(event.target.value)}
              placeholder={`${me.name}'s room`}
              maxLength={100}
            />
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={hostOnly}
              onChange={(event) => setHostOnly(event.target.checked)}
            />
            Only I control playback
          </label>
          <button type="submit" className="primary" data-testid="create-room" disabled={busy !== undefined}>
            {busy === 'create' ? 'Creating…' : 'Create room'}
          </button>
        </form>
        <form className="card stack" onSubmit={join}>
          <h2>Join with a code</h2>
          <label className="field">
            <span>Invite code</span>
            <input
              data-testid="invite-code-input"
              className="code-input"
              value={code}
              onChange={(event) => setCode(event.target.value)}
              placeholder="K7QX2M9P"
              autoCapitalize="characters"
              spellCheck={false}
              required
            />
          </label>
          <button
            type="submit"
            className="primary"
            data-testid="join-room"
            disabled={busy !== undefined || normalizeCode(code) === ''}
          >
            {busy === 'join' ? 'Joining…' : 'Join room'}
          </button>
        </form>
      </div>
      {error && (
        <p className="error" role="alert" data-testid="lobby-error">
          {error}
        </p>
      )}
      {mine.length > 0 && (
        <section className="card">
          <h2>Your rooms</h2>
          <ul className="room-list">
            {mine.map((room) => (
              <li key={room.id}>
                <button
                  type="button"
                  className="link"
                  onClick={() => navigate({ name: 'room', roomId: room.id })}
                >
                  {room.name}
                </button>
                <span className="muted">
                  {room.member_count} {room.member_count === 1 ? 'member' : 'members'} ·{' '}
                  <code>{room.invite_code}</code>
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
