import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { freePort } from '../../postgres/server.ts';
import type { ChannelIdentity, PolicyContext } from '../contracts.ts';
import { type ChannelPoliciesService, createChannelPolicies, isDatabaseUnavailable } from './index.ts';
import { startTestDatabase, type TestDatabase, uniqueTopic } from './testing.ts';

const READER = '6f1c2b8e-4d7a-4c3e-9b1a-2f5e8d7c6b01';
const TRACKER = '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d';
const STRANGER = '11111111-2222-4333-8444-555555555555';

let db: TestDatabase;
let policies: ChannelPoliciesService;

function identity(role: string, sub?: string): ChannelIdentity {
  const claims = { role, exp: Math.floor(Date.now() / 1000) + 3600, ...(sub ? { sub } : {}) };
  return { token: `token-of-${role}-${sub ?? 'none'}`, claims, role };
}

const as = (id: ChannelIdentity, topic: string, headers: Record<string, string> = {}): PolicyContext => ({
  topic,
  identity: id,
  headers,
});

async function messageCount(): Promise<number> {
  const [row] = await db.admin<{ count: number }[]>`select count(*)::int as count from realtime.messages`;
  return row?.count ?? -1;
}

beforeAll(async () => {
  db = await startTestDatabase();
  await db.admin.unsafe(`
    create function public.explode() returns boolean language plpgsql as $$
    begin
      raise exception 'policy exploded';
    end $$;

    create policy "Readers read broadcasts of member rooms" on realtime.messages
      for select to authenticated
      using ((select realtime.topic()) like 'members:%'
             and realtime.messages.extension = 'broadcast'
             and (select auth.uid()) = '${READER}'::uuid);

    create policy "Trackers read presence of member rooms" on realtime.messages
      for select to authenticated
      using ((select realtime.topic()) like 'members:%'
             and realtime.messages.extension = 'presence'
             and (select auth.uid()) = '${TRACKER}'::uuid);

    create policy "Readers send broadcasts to member rooms" on realtime.messages
      for insert to authenticated
      with check ((select realtime.topic()) like 'members:%'
                  and realtime.messages.extension = 'broadcast'
                  and (select auth.uid()) = '${READER}'::uuid);

    create policy "Exploding rooms raise on read" on realtime.messages
      for select to authenticated
      using (case when (select realtime.topic()) like 'raise:%' then public.explode() else false end);

    create policy "Exploding rooms raise on write" on realtime.messages
      for insert to authenticated
      with check (case when (select realtime.topic()) like 'raise:%' then public.explode() else false end);

    create policy "Key holders read keyed rooms" on realtime.messages
      for select to anon
      using ((select realtime.topic()) like 'keyed:%'
             and (current_setting('request.headers', true)::jsonb ->> 'x-room-key') = 'open-sesame');
  `);
  policies = createChannelPolicies({ databaseUrl: db.realtimeUrl, logger: silentLogger });
});

afterAll(async () => {
  await policies?.close();
  await db?.stop();
});

describe('canRead', () => {
  it('answers per extension and per user', async () => {
    const topic = uniqueTopic('members');
    const both = ['broadcast', 'presence'] as const;
    expect(await policies.canRead(as(identity('authenticated', READER), topic), both)).toEqual({
      broadcast: true,
      presence: false,
    });
    expect(await policies.canRead(as(identity('authenticated', TRACKER), topic), both)).toEqual({
      broadcast: false,
      presence: true,
    });
    expect(await policies.canRead(as(identity('authenticated', STRANGER), topic), both)).toEqual({
      broadcast: false,
      presence: false,
    });
    // The policy is for authenticated: anon with the reader's sub sees nothing.
    expect(await policies.canRead(as(identity('anon', READER), topic), both)).toEqual({
      broadcast: false,
      presence: false,
    });
  });

  it('checks only the extensions asked for', async () => {
    const topic = uniqueTopic('members');
    expect(await policies.canRead(as(identity('authenticated', READER), topic), ['broadcast'])).toEqual({
      broadcast: true,
    });
    expect(await policies.canRead(as(identity('authenticated', TRACKER), topic), ['presence'])).toEqual({
      presence: true,
    });
    expect(await policies.canRead(as(identity('authenticated', READER), topic), [])).toEqual({});
  });

  it('uses the topic it is given', async () => {
    const reader = identity('authenticated', READER);
    expect(await policies.canRead(as(reader, uniqueTopic('other')), ['broadcast'])).toEqual({
      broadcast: false,
    });
  });

  it('denies when a policy raises, instead of failing', async () => {
    const topic = uniqueTopic('raise');
    expect(
      await policies.canRead(as(identity('authenticated', READER), topic), ['broadcast', 'presence']),
    ).toEqual({
      broadcast: false,
      presence: false,
    });
    // The connection is still usable afterwards.
    expect(
      await policies.canRead(as(identity('authenticated', READER), uniqueTopic('members')), ['broadcast']),
    ).toEqual({ broadcast: true });
  });

  it('lets policies see the request headers', async () => {
    const topic = uniqueTopic('keyed');
    const anon = identity('anon');
    expect(await policies.canRead(as(anon, topic, { 'x-room-key': 'open-sesame' }), ['broadcast'])).toEqual({
      broadcast: true,
    });
    expect(await policies.canRead(as(anon, topic, { 'x-room-key': 'wrong' }), ['broadcast'])).toEqual({
      broadcast: false,
    });
    expect(await policies.canRead(as(anon, topic), ['broadcast'])).toEqual({ broadcast: false });
  });

  it('denies roles that do not exist or may not be assumed', async () => {
    const topic = uniqueTopic('members');
    expect(await policies.canRead(as(identity('nobody', READER), topic), ['broadcast'])).toEqual({
      broadcast: false,
    });
    expect(await policies.canRead(as(identity('supabase_admin', READER), topic), ['broadcast'])).toEqual({
      broadcast: false,
    });
  });

  it('lets service_role read everything', async () => {
    const topic = uniqueTopic('anything');
    expect(await policies.canRead(as(identity('service_role'), topic), ['broadcast', 'presence'])).toEqual({
      broadcast: true,
      presence: true,
    });
  });

  it('sees the settings as the reference sets them', async () => {
    const topic = uniqueTopic('settings');
    await db.admin.unsafe(`
      create function public.settings_match() returns boolean language sql stable as $$
        select current_setting('role') = 'authenticated'
           and current_user = 'authenticated'
           and current_setting('request.jwt.claim.role', true) = 'authenticated'
           and current_setting('request.jwt.claim.sub', true) = '${READER}'
           and (current_setting('request.jwt.claims', true)::jsonb ->> 'custom') = 'yes'
           and (select auth.jwt() ->> 'custom') = 'yes'
           and realtime.topic() like 'settings:%'
      $$;
      create policy "Settings are as the reference sets them" on realtime.messages
        for select to authenticated using ((select realtime.topic()) like 'settings:%' and public.settings_match());
    `);
    const base = identity('authenticated', READER);
    const custom: ChannelIdentity = { ...base, claims: { ...base.claims, custom: 'yes' } };
    expect(await policies.canRead(as(custom, topic), ['broadcast'])).toEqual({ broadcast: true });
    expect(await policies.canRead(as(base, topic), ['broadcast'])).toEqual({ broadcast: false });
  });
});

describe('canWrite', () => {
  it('allows an insert the policies allow, and denies one they do not', async () => {
    const topic = uniqueTopic('members');
    expect(await policies.canWrite(as(identity('authenticated', READER), topic), 'broadcast')).toBe(true);
    expect(await policies.canWrite(as(identity('authenticated', READER), topic), 'presence')).toBe(false);
    expect(await policies.canWrite(as(identity('authenticated', STRANGER), topic), 'broadcast')).toBe(false);
    expect(await policies.canWrite(as(identity('anon', READER), topic), 'broadcast')).toBe(false);
  });

  it('denies, without failing, when a check raises or the role cannot be assumed', async () => {
    expect(
      await policies.canWrite(as(identity('authenticated', READER), uniqueTopic('raise')), 'broadcast'),
    ).toBe(false);
    expect(await policies.canWrite(as(identity('nobody'), uniqueTopic('members')), 'broadcast')).toBe(false);
    expect(await policies.canWrite(as(identity('supabase_admin'), uniqueTopic('members')), 'broadcast')).toBe(
      false,
    );
  });

  it('lets service_role write everything', async () => {
    expect(await policies.canWrite(as(identity('service_role'), uniqueTopic('anything')), 'presence')).toBe(
      true,
    );
  });
});

describe('side effects', () => {
  it('leaves no rows behind and the session as it was', async () => {
    const before = await messageCount();
    const reader = identity('authenticated', READER);
    await Promise.all([
      policies.canRead(as(reader, uniqueTopic('members')), ['broadcast', 'presence']),
      policies.canRead(as(reader, uniqueTopic('raise')), ['broadcast']),
      policies.canWrite(as(reader, uniqueTopic('members')), 'broadcast'),
      policies.canWrite(as(reader, uniqueTopic('raise')), 'broadcast'),
      policies.canWrite(as(identity('nobody'), uniqueTopic('members')), 'presence'),
    ]);
    expect(await messageCount()).toBe(before);

    // A check's role and settings end with it: on the same connection, replay (as the owner,
    // past RLS) still sees a row the stranger's policies would hide.
    const single = createChannelPolicies({ databaseUrl: db.realtimeUrl, logger: silentLogger, poolSize: 1 });
    try {
      const topic = uniqueTopic('members');
      await db.admin`select realtime.send('{"n":1}'::jsonb, 'e', ${topic}, true)`;
      const stranger = as(identity('authenticated', STRANGER), topic);
      expect(await single.canRead(stranger, ['broadcast'])).toEqual({ broadcast: false });
      expect(await single.canWrite(stranger, 'broadcast')).toBe(false);
      expect(await single.replay(topic, 0, 25)).toHaveLength(1);
    } finally {
      await single.close();
    }
  });
});

describe('an unreachable database', () => {
  it('fails with UnableToConnectToProject, except for service_role', async () => {
    const url = new URL(db.realtimeUrl);
    url.port = String(await freePort());
    const offline = createChannelPolicies({ databaseUrl: url.toString(), logger: silentLogger });
    try {
      const reader = as(identity('authenticated', READER), uniqueTopic('members'));
      const failure = await offline.canRead(reader, ['broadcast']).catch((error: unknown) => error);
      expect(isDatabaseUnavailable(failure)).toBe(true);
      expect((failure as { joinReason: string }).joinReason).toBe(
        'UnableToConnectToProject: Realtime was unable to connect to the project database',
      );
      await expect(offline.canWrite(reader, 'broadcast')).rejects.toMatchObject({
        code: 'realtime_db_unavailable',
      });
      await expect(offline.replay('members:x', 0, 10)).rejects.toMatchObject({
        code: 'realtime_db_unavailable',
      });
      // service_role needs no query, so it passes even now.
      const service = as(identity('service_role'), uniqueTopic('members'));
      expect(await offline.canRead(service, ['broadcast'])).toEqual({ broadcast: true });
      expect(await offline.canWrite(service, 'broadcast')).toBe(true);
    } finally {
      await offline.close();
    }
  });

  it('treats refused credentials as unreachable too', async () => {
    const url = new URL(db.realtimeUrl);
    url.password = 'not-the-password';
    const refused = createChannelPolicies({ databaseUrl: url.toString(), logger: silentLogger });
    try {
      await expect(
        refused.canRead(as(identity('authenticated', READER), uniqueTopic('members')), ['broadcast']),
      ).rejects.toMatchObject({ code: 'realtime_db_unavailable' });
    } finally {
      await refused.close();
    }
  });
});
