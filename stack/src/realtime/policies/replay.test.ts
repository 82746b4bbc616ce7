import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.ts';
import { type ChannelPoliciesService, createChannelPolicies } from './index.ts';
import { clampLimit } from './replay.ts';
import { startTestDatabase, type TestDatabase, uniqueTopic } from './testing.ts';

// A zone far from UTC: a comparison done in UTC instead of the writers' zone misses by hours.
const TIMEZONE = 'America/Los_Angeles';

let db: TestDatabase;
let policies: ChannelPoliciesService;

beforeAll(async () => {
  db = await startTestDatabase({ timezone: TIMEZONE });
  policies = createChannelPolicies({ databaseUrl: db.realtimeUrl, logger: silentLogger });
});

afterAll(async () => {
  await policies?.close();
  await db?.stop();
});

/** A private broadcast row at `ago` before the writer's now() (an interval literal). */
async function stored(
  topic: string,
  event: string,
  ago = '0 seconds',
  extra: { private?: boolean; extension?: string } = {},
) {
  const [row] = await db.admin<{ id: string }[]>`
    insert into realtime.messages (topic, extension, event, payload, private, inserted_at)
    values (${topic}, ${extra.extension ?? 'broadcast'}, ${event}, ${db.admin.json({ event })},
            ${extra.private ?? true}, now()::timestamp - ${ago}::interval)
    returning id`;
  return row?.id as string;
}

const events = (messages: readonly { event: string }[]) => messages.map((m) => m.event);

describe('replay', () => {
  it('returns the newest rows oldest first, as database broadcasts marked replayed', async () => {
    const topic = uniqueTopic('replay');
    const ids: string[] = [];
    for (const [event, ago] of [
      ['e1', '5 minutes'],
      ['e2', '4 minutes'],
      ['e3', '3 minutes'],
      ['e4', '2 minutes'],
      ['e5', '1 minute'],
    ] as const) {
      ids.push(await stored(topic, event, ago));
    }
    const replayed = await policies.replay(topic, Date.now() - 3_600_000, 3);
    expect(events(replayed)).toEqual(['e3', 'e4', 'e5']);
    expect(replayed[0]).toEqual({
      topic,
      private: true,
      event: 'e3',
      payload: { kind: 'json', value: { event: 'e3' } },
      origin: 'database',
      meta: { id: ids[2], replayed: true },
    });
  });

  it('compares since with inserted_at in the writers’ time zone', async () => {
    const [zone] = await db.admin<{ tz: string }[]>`select current_setting('TimeZone') as tz`;
    expect(zone?.tz).toBe(TIMEZONE);
    const topic = uniqueTopic('replay');
    const before = Date.now() - 1_000;
    // What realtime.send() writes: now() in the writer's session.
    await db.admin`select realtime.send('{"n":1}'::jsonb, 'fresh', ${topic})`;
    await stored(topic, 'two-hours-old', '2 hours');
    expect(events(await policies.replay(topic, before, 25))).toEqual(['fresh']);
    expect(events(await policies.replay(topic, Date.now() - 3 * 3_600_000, 25))).toEqual([
      'two-hours-old',
      'fresh',
    ]);
    expect(await policies.replay(topic, Date.now() + 60_000, 25)).toEqual([]);
  });

  it('skips rows stored more than a minute in the future', async () => {
    const topic = uniqueTopic('replay');
    await stored(topic, 'soon', '-30 seconds');
    await stored(topic, 'later', '-2 minutes');
    expect(events(await policies.replay(topic, 0, 25))).toEqual(['soon']);
  });

  it('replays only private broadcasts of the topic that carry an event and a payload', async () => {
    const topic = uniqueTopic('replay');
    await stored(topic, 'public', '3 seconds', { private: false });
    await stored(topic, 'presence', '2 seconds', { extension: 'presence' });
    await stored(uniqueTopic('replay'), 'elsewhere', '2 seconds');
    await db.admin`insert into realtime.messages (topic, extension, payload, private) values (${topic}, 'broadcast', '{}', true)`;
    await db.admin`insert into realtime.messages (topic, extension, event, private) values (${topic}, 'broadcast', 'empty', true)`;
    await stored(topic, 'kept', '1 second');
    expect(events(await policies.replay(topic, 0, 25))).toEqual(['kept']);
  });

  it('keeps the write order of rows from one transaction', async () => {
    const topic = uniqueTopic('replay');
    await db.admin.begin(async (tx) => {
      for (const event of ['first', 'second', 'third']) {
        await tx`select realtime.send('{}'::jsonb, ${event}, ${topic})`;
      }
    });
    expect(events(await policies.replay(topic, 0, 25))).toEqual(['first', 'second', 'third']);
    expect(events(await policies.replay(topic, 0, 2))).toEqual(['second', 'third']);
  });

  it('returns binary rows as binary payloads', async () => {
    const topic = uniqueTopic('replay');
    await db.admin`select realtime.send_binary(${Buffer.from([0, 1, 254, 255])}, 'bytes', ${topic})`;
    const [message] = await policies.replay(topic, 0, 25);
    expect(message?.payload).toEqual({ kind: 'binary', bytes: new Uint8Array([0, 1, 254, 255]) });
    expect(message?.event).toBe('bytes');
    expect(message?.meta?.replayed).toBe(true);
  });

  it('clamps the limit to 1..25', async () => {
    const topic = uniqueTopic('replay');
    await db.admin`
      insert into realtime.messages (topic, extension, event, payload, private, inserted_at)
      select ${topic}, 'broadcast', 'e' || n, '{}', true, now()::timestamp - (30 - n) * interval '1 second'
        from generate_series(1, 30) as n`;
    const all = await policies.replay(topic, 0, 100);
    expect(all).toHaveLength(25);
    expect(all[0]?.event).toBe('e6');
    expect(all[24]?.event).toBe('e30');
    expect(events(await policies.replay(topic, 0, 0))).toEqual(['e30']);
    expect(clampLimit(Number.NaN)).toBe(25);
    expect(clampLimit(-3)).toBe(1);
    expect(clampLimit(7.9)).toBe(7);
  });

  it('refuses a since that is not an instant', async () => {
    for (const since of [Number.NaN, Number.POSITIVE_INFINITY, 1e17]) {
      await expect(policies.replay('replay:x', since, 10)).rejects.toMatchObject({
        code: 'realtime_replay_invalid',
        joinReason: 'UnableToReplayMessages: Replay params are not valid',
      });
    }
  });
});
