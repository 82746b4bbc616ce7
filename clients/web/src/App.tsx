import type { SupabaseClient } from '@supabase/supabase-js';
import { JoinLink } from './JoinLink.tsx';
import { Lobby } from './Lobby.tsx';
import { RoomPage } from './RoomPage.tsx';
import { useRoute } from './router.ts';
import { SignIn } from './SignIn.tsx';
import { type Me, useMe } from './session.ts';

export function App({ supabase }: { supabase: SupabaseClient }) {
  const me = useMe(supabase);
  const [route, navigate] = useRoute();

  return (
    <div className="app">
      <TopBar
        me={me}
        onHome={() => navigate({ name: 'home' })}
        onSignOut={() => void supabase.auth.signOut()}
      />
      <main className="content">
        {me === undefined ? (
          <p className="muted center">Loading…</p>
        ) : me === null ? (
          // The route is kept: an invite link opened signed out continues after the sign-in.
          <SignIn supabase={supabase} joining={route.name === 'join' ? route.code : undefined} />
        ) : route.name === 'join' ? (
          <JoinLink code={route.code} navigate={navigate} />
        ) : route.name === 'room' ? (
          <RoomPage key={route.roomId} roomId={route.roomId} me={me} navigate={navigate} />
        ) : (
          <Lobby me={me} navigate={navigate} />
        )}
      </main>
    </div>
  );
}

function TopBar({
  me,
  onHome,
  onSignOut,
}: {
  me: Me | null | undefined;
  onHome: () => void;
  onSignOut: () => void;
}) {
  return (
    <header className="topbar">
      <button type="button" className="brand" onClick={onHome}>
        <span className="brand-mark" aria-hidden="true">
          ▶
        </span>
        Watchroom
      </button>
      {me && (
        <div className="whoami">
          <span data-testid="whoami">{me.name}</span>
          <button type="button" className="link" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      )}
    </header>
  );
}
