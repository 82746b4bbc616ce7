/**
 * Who is signed in: the supabase-js session and the profile's display name. Guests sign in
 * anonymously (no account, no email) and name themselves; the name lives in `profiles`.
 */
import type { Session, SupabaseClient } from '@supabase/supabase-js';
import { useEffect, useState } from 'react';

export interface Me {
  readonly id: string;
  readonly name: string;
}

/** `undefined` while the stored session is read; `null` when signed out. */
export function useMe(supabase: SupabaseClient): Me | null | undefined {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [name, setName] = useState<string | undefined>(undefined);

  useEffect(() => {
    let live = true;
    void supabase.auth.getSession().then(({ data }) => {
      if (live) setSession(data.session);
    });
    const { data } = supabase.auth.onAuthStateChange((_event, next) => setSession(next));
    return () => {
      live = false;
      data.subscription.unsubscribe();
    };
  }, [supabase]);

  const userId = session?.user.id;
  useEffect(() => {
    if (!userId) return;
    let live = true;
    // The profile is the source of truth (renames land there); the sign-up metadata is only
    // the fallback while it loads.
    void supabase
      .from('profiles')
      .select('display_name')
      .eq('id', userId)
      .maybeSingle()
      .then(({ data }) => {
        if (live && data?.display_name) setName(String(data.display_name));
      });
    const onRename = (event: Event) => setName((event as CustomEvent<string>).detail);
    window.addEventListener(RENAMED, onRename);
    return () => {
      live = false;
      window.removeEventListener(RENAMED, onRename);
    };
  }, [supabase, userId]);

  if (session === undefined) return undefined;
  if (!session) return null;
  const fallback = (session.user.user_metadata as { display_name?: string } | undefined)?.display_name;
  return { id: session.user.id, name: name ?? fallback ?? 'Guest' };
}

const RENAMED = 'watchroom:renamed';

/**
 * Anonymous sign-in carrying the name (the profile trigger picks it up), then the profile
 * update, which also renames a returning guest whose session was kept.
 */
export async function signInAs(supabase: SupabaseClient, displayName: string): Promise<void> {
  const name = displayName.trim().slice(0, 50);
  let userId = (await supabase.auth.getSession()).data.session?.user.id;
  if (!userId) {
    const { data, error } = await supabase.auth.signInAnonymously({
      options: { data: { display_name: name } },
    });
    if (error) throw error;
    userId = data.user?.id;
    if (!userId) throw new Error('Sign-in returned no user');
  }
  const { error } = await supabase.from('profiles').update({ display_name: name }).eq('id', userId);
  if (error) throw new Error(error.message);
  window.dispatchEvent(new CustomEvent(RENAMED, { detail: name }));
}
