import { useWatchroom } from '@watchroom/client/react';
import { useEffect, useState } from 'react';
import { describeError } from './format.ts';
import type { Navigate } from './router.ts';

/** `/join/<code>`: joins (a no-op when already a member), then replaces itself with the room. */
export function JoinLink({ code, navigate }: { code: string; navigate: Navigate }) {
  const watchroom = useWatchroom();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let live = true;
    watchroom.rooms.join(code).then(
      ({ room }) => {
        if (live) navigate({ name: 'room', roomId: room.id }, { replace: true });
      },
      (caught: unknown) => {
        if (live) setError(describeError(caught));
      },
    );
    // StrictMode runs this twice; the second join is a no-op on the server, and only the live
    // effect navigates.
    return () => {
      live = false;
    };
  }, [watchroom, code, navigate]);

  return (
    <section className="card narrow">
      {error ? (
        <>
          <h1>Could not join</h1>
          <p className="error" role="alert" data-testid="join-error">
            {error}
          </p>
          <button
            type="button"
            className="primary"
            onClick={() => navigate({ name: 'home' }, { replace: true })}
          >
            Back to the lobby
          </button>
        </>
      ) : (
        <p className="muted center">
          Joining <code>{code}</code>…
        </p>
      )}
    </section>
  );
}
