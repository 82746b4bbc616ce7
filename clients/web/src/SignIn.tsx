import type { SupabaseClient } from '@supabase/supabase-js';
import { type FormEvent, useState } from 'react';
import { describeError } from './format.ts';
import { signInAs } from './session.ts';

export function SignIn({ supabase, joining }: { supabase: SupabaseClient; joining: string | undefined }) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signInAs(supabase, name);
    } catch (caught) {
      setError(describeError(caught));
      setBusy(false);
    }
  }

  return (
    <section className="card narrow">
      <h1>Watch together</h1>
      <p className="muted">
        {joining ? (
          <>
            You were invited to room <code>{joining}</code>. Pick a name to join.
          </>
        ) : (
          'Pick a name; no account needed. Create a room or join one with an invite code.'
        )}
      </p>
      <form className="stack" onSubmit={submit}>
        <label className="field">
          <span>Display name</span>
          <input
            data-testid="name-input"
            value={name}
            onChange={(event) => setName(event.target.value)}
            maxLength={50}
            placeholder="Ada"
            autoComplete="nickname"
            required
          />
        </label>
        <button type="submit" className="primary" data-testid="sign-in" disabled={busy || name.trim() === ''}>
          {busy ? 'Signing in…' : 'Continue'}
        </button>
        {error && (
          <p className="error" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
