import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import type { ChannelPolicies, PolicyContext } from '../contracts.ts';
import { type ChannelPoliciesService, createChannelPolicies } from '../policies/index.ts';
import { startTestDatabase, type TestDatabase, uniqueTopic } from '../policies/testing.ts';
import { bodyOf, type Fixture, fixture, json, post, SECRET_KEY, user } from './testing.ts';

/** Private broadcasts against real policies on realtime.messages. */
const READER = '6f1c2b8e-4d7a-4c3e-9b1a-2f5e8d7c6b01';
const STRANGER = '11111111-2222-4333-8444-555555555555';

let db: TestDatabase;
let real: ChannelPoliciesService;
const checks: PolicyContext[] = [];
let f: Fixture;

async function messageCount(): Promise<number> {
  const [row] = await db.admin<{ count: number }[]>`select count(*)::int as count from realtime.messages`;
  return row?.count ?? -1;
}

beforeAll(async () => {
  db = await startTestDatabase();
  await db.admin.unsafe(`
    create policy "Readers broadcast to rest rooms" on realtime.messages
      for insert to authenticated
      with check ((select realtime.topic()) like 'rest:%'
                  and realtime.messages.extension = 'broadcast'
                  and (select auth.uid()) = '${READER}'::uuid);
    create policy "The blue team broadcasts to team rooms" on realtime.messages
      for insert to anon
      with check ((select realtime.topic()) like 'team:%'
                  and (current_setting('request.headers', true)::jsonb ->> 'x-team') = 'blue');
  `);
  real = createChannelPolicies({ databaseUrl: db.realtimeUrl, logger: silentLogger });
  // Counts the checks the API asks for, passing them on to the real checker.
  const counted: ChannelPolicies = {
    canRead: (context, extensions) => real.canRead(context, extensions),
    canWrite: (context, extension) => {
      checks.push(context);
      return real.canWrite(context, extension);
    },
    replay: (topic, since, limit) => real.replay(topic, since, limit),
  };
  f = await fixture({ policies: counted });
});

afterAll(async () => {
  await real?.close();
  await db?.stop();
});

describe('single private broadcast', () => {
  it('is accepted for a user the insert policy allows, and 403 Unauthorized for others', async () => {
    const topic = uniqueTopic('rest');
    const path = `/api/broadcast/${encodeURIComponent(topic)}/events/e?private=true`;
    const allowed = await f.api.fetch(post(path, { token: await f.token(user(READER)), ...json({ n: 1 }) }));
    expect(allowed.status).toBe(202);
    expect(f.hub.published.at(-1)).toEqual({
      topic,
      private: true,
      event: 'e',
      payload: { kind: 'json', value: { n: 1 } },
      origin: 'rest-single',
    });

    const published = f.hub.published.length;
    const denied = await f.api.fetch(post(path, { token: await f.token(user(STRANGER)), ...json({ n: 2 }) }));
    expect(denied.status).toBe(403);
    expect(await bodyOf(denied)).toEqual({ message: 'Unauthorized' });
    expect(f.hub.published).toHaveLength(published);
  });

  it('lets policies see the request headers', async () => {
    const path = `/api/broadcast/${encodeURIComponent(uniqueTopic('team'))}/events/e?private=true`;
    const blue = await f.api.fetch(
      post(path, {
        apikey: f.keys.anonKey,
        headers: { 'content-type': 'application/json', 'X-Team': 'blue' },
        body: '{}',
      }),
    );
    expect(blue.status).toBe(202);
    const red = await f.api.fetch(
      post(path, {
        apikey: f.keys.anonKey,
        headers: { 'content-type': 'application/json', 'X-Team': 'red' },
        body: '{}',
      }),
    );
    expect(red.status).toBe(403);
  });

  it('lets the secret key (service_role) broadcast anywhere', async () => {
    const path = `/api/broadcast/${encodeURIComponent(uniqueTopic('nowhere'))}/events/e?private=true`;
    const response = await f.api.fetch(post(path, { apikey: SECRET_KEY, ...json({}) }));
    expect(response.status).toBe(202);
  });
});

describe('batch with private messages', () => {
  it('checks each private topic once, skips denied ones, and stores nothing', async () => {
    const before = await messageCount();
    const open = uniqueTopic('rest');
    const closed = uniqueTopic('closed');
    checks.length = 0;
    const response = await f.api.fetch(
      post('/api/broadcast', {
        token: await f.token(user(READER)),
        ...json({
          messages: [
            { topic: open, event: 'a', payload: { n: 1 }, private: true },
            { topic: closed, event: 'b', payload: { n: 2 }, private: true },
            { topic: open, event: 'c', payload: { n: 3 }, private: true, id: 'm-3' },
            { topic: closed, event: 'd', payload: { n: 4 } },
          ],
        }),
      }),
    );
    expect(response.status).toBe(202);
    expect(checks.map((c) => c.topic)).toEqual([open, closed]);
    expect(f.hub.published.slice(-3).map((m) => [m.topic, m.event, m.private, m.meta])).toEqual([
      [open, 'a', true, undefined],
      [open, 'c', true, { id: 'm-3' }],
      [closed, 'd', false, undefined],
    ]);
    expect(await messageCount()).toBe(before);
  });

  it('still answers 202 when every private topic is denied', async () => {
    const published = f.hub.published.length;
    const response = await f.api.fetch(
      post('/api/broadcast', {
        token: await f.token(user(STRANGER)),
        ...json({ messages: [{ topic: uniqueTopic('rest'), event: 'a', payload: {}, private: true }] }),
      }),
    );
    expect(response.status).toBe(202);
    expect(f.hub.published).toHaveLength(published);
  });
});
