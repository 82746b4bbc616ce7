import type { SupabaseClient } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { anonClient, authFetch, claimsOf, PASSWORD, signUp, superuserDb, uniqueEmail } from './helpers.ts';

/** One user signed in on three devices. */
async function threeDevices() {
  const email = uniqueEmail('devices');
  const first = await signUp(anonClient(), email);
  const devices: SupabaseClient[] = [];
  for (let i = 0; i < 3; i++) {
    const client = anonClient();
    const { error } = await client.auth.signInWithPassword({ email, password: PASSWORD });
    if (error) throw error;
    devices.push(client);
  }
  return { userId: first.user.id, devices: devices as [SupabaseClient, SupabaseClient, SupabaseClient] };
}

const signedIn = async (client: SupabaseClient) => (await client.auth.getUser()).error === null;

async function sessionCount(userId: string): Promise<number> {
  const db = superuserDb();
  try {
    const [row] = await db<
      { n: number }[]
    >`select count(*)::int as n from auth.sessions where user_id = ${userId}`;
    return row?.n ?? -1;
  } finally {
    await db.end();
  }
}

describe('signOut (POST /logout)', () => {
  it("scope 'others' ends every session but the caller's", async () => {
    const { devices } = await threeDevices();
    const [a, b, c] = devices;
    expect((await c.auth.signOut({ scope: 'others' })).error).toBeNull();
    expect(await signedIn(a)).toBe(false);
    expect(await signedIn(b)).toBe(false);
    expect(await signedIn(c)).toBe(true);
  });

  it("scope 'local' ends only the caller's session", async () => {
    const { devices } = await threeDevices();
    const [a, b, c] = devices;
    expect((await b.auth.signOut({ scope: 'local' })).error).toBeNull();
    expect((await b.auth.getSession()).data.session).toBeNull();
    expect(await signedIn(a)).toBe(true);
    expect(await signedIn(c)).toBe(true);
  });

  it('the default global scope ends every session of the user, sign-up session included', async () => {
    const { userId, devices } = await threeDevices();
    const [a, b, c] = devices;
    expect(await sessionCount(userId)).toBe(4);
    const held = (await a.auth.getSession()).data.session;
    expect((await a.auth.signOut()).error).toBeNull();
    expect(await sessionCount(userId)).toBe(0);
    expect(await signedIn(b)).toBe(false);
    expect(await signedIn(c)).toBe(false);
    const refresh = await anonClient().auth.refreshSession({ refresh_token: held?.refresh_token ?? '' });
    expect(refresh.error).toMatchObject({ code: 'refresh_token_not_found' });
  });

  it('answers 204 with no body, and validation_failed for an unknown scope', async () => {
    const session = await signUp(anonClient());
    const headers = { Authorization: `Bearer ${session.access_token}` };
    const bad = await authFetch('/logout?scope=everyone', { method: 'POST', headers });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error_code: 'validation_failed',
      msg: 'Unsupported logout scope "everyone"',
    });

    const ok = await authFetch('/logout?scope=local', { method: 'POST', headers });
    expect(ok.status).toBe(204);
    expect(await ok.text()).toBe('');
    expect(claimsOf(session.access_token).session_id).toBeTruthy();
  });

  it('answers 401 without a user token', async () => {
    const res = await authFetch('/logout', { method: 'POST', headers: { Authorization: 'Token nope' } });
    expect(res.status).toBe(401);
  });
});
