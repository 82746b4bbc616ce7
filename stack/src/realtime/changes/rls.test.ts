/**
 * Row level security per subscriber: visibility of INSERT/UPDATE, DELETE on RLS tables, one
 * subscriber whose check fails never blocking the others, re-registration with new claims,
 * and (logged, not asserted) the time to authorize one change for 100 distinct users.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import type { ChangesEngine } from '../contracts.ts';
import {
  type FakeChannel,
  identity,
  startTestCluster,
  startTestEngine,
  subscribed,
  type TestCluster,
} from './test-support.ts';

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const X = 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee';
const userA = identity({ role: 'authenticated', sub: A });
const userB = identity({ role: 'authenticated', sub: B });
const notes = { event: '*', schema: 'public', table: 'notes' };

let cluster: TestCluster;
let engine: ChangesEngine;
const debugLines: string[] = [];

beforeAll(async () => {
  cluster = await startTestCluster();
  await cluster.admin.unsafe(
    `
    create table public.notes (id int primary key, owner uuid not null, body text);
    alter table public.notes enable row level security;
    alter table public.notes replica identity full;
    create policy "Owners read their notes" on public.notes for select to authenticated
      using (owner = (select auth.uid()));

    create function public.explode() returns boolean language plpgsql as $$
    begin
      if auth.uid() = '${X}' then raise exception 'boom'; end if;
      return true;
    end $$;
    create table public.fragile (id int primary key, body text);
    alter table public.fragile enable row level security;
    create policy "Everyone but X reads" on public.fragile for select to authenticated, stranger_role
      using (public.explode());

    create table public.room (id bigint primary key, body text);
    alter table public.room enable row level security;
    create policy "Signed-in users read the room" on public.room for select to authenticated
      using ((select auth.uid()) is not null);
    alter publication supabase_realtime add table public.notes, public.fragile, public.room;`.replace(
      'stranger_role',
      'authenticated',
    ),
  );
  // Roles are cluster-wide; this cluster is ours alone.
  await cluster.admin.unsafe(`
    create role stranger nologin;
    grant select on public.fragile to stranger;
    create role doomed nologin;
    grant select on public.fragile to doomed;
    grant doomed to supabase_realtime_admin;`);
  ({ engine } = await startTestEngine(cluster, {
    logger: createLogger({ level: 'debug', write: (line) => debugLines.push(line) }),
  }));
});

afterAll(async () => {
  await engine?.close();
  await cluster?.close();
});

describe('row level security', () => {
  it('delivers an INSERT only to subscribers the policy lets see the row', async () => {
    const a = await subscribed(engine, [notes], userA);
    const b = await subscribed(engine, [notes], userB);
    await cluster.admin`insert into public.notes values (1, ${A}, 'for a')`;
    await cluster.admin`insert into public.notes values (2, ${B}, 'for b')`;
    await cluster.admin`insert into public.notes values (3, ${A}, 'for a again')`;
    expect((await a.next()).data.record).toEqual({ id: 1, body: 'for a', owner: A });
    expect((await b.next()).data.record).toEqual({ id: 2, body: 'for b', owner: B });
    expect((await a.next()).data.record).toMatchObject({ id: 3 });
    expect(b.deliveries.pending).toBe(0);
  });

  it('checks UPDATEs against the row as it is now', async () => {
    const a = await subscribed(engine, [notes], userA);
    const b = await subscribed(engine, [notes], userB);
    await cluster.admin`update public.notes set owner = ${B} where id = 1`;
    const { data } = await b.next();
    expect(data).toMatchObject({
      type: 'UPDATE',
      record: { id: 1, owner: B },
      old_record: { id: 1, owner: A },
    });
    // The update moved the note away from A: A's next delivery is the next note of A's.
    await cluster.admin`update public.notes set body = 'edited' where id = 3`;
    expect((await a.next()).data.record).toMatchObject({ id: 3, body: 'edited' });
  });

  it('delivers DELETEs to every subscriber, with only the primary key', async () => {
    const a = await subscribed(engine, [notes], userA);
    const b = await subscribed(engine, [notes], userB);
    await cluster.admin`delete from public.notes where id = 3`;
    for (const channel of [a, b]) {
      const { data } = await channel.next();
      expect(data).toMatchObject({ type: 'DELETE', errors: null });
      expect(data.old_record).toEqual({ id: 3 });
    }
  });

  it('never lets a failing check (raising policy, unusable or dropped role) stop the others', async () => {
    const fragile = { event: 'INSERT', schema: 'public', table: 'fragile' };
    const raising = await subscribed(engine, [fragile], identity({ role: 'authenticated', sub: X }));
    const stranger = await subscribed(engine, [fragile], identity({ role: 'stranger', sub: B }));
    const doomed = await subscribed(engine, [fragile], identity({ role: 'doomed', sub: B }));
    const fine = await subscribed(engine, [fragile], userA);
    const alsoFine = await subscribed(engine, [fragile], userB);
    await cluster.admin.unsafe('revoke all on public.fragile from doomed; drop role doomed');

    await cluster.admin`insert into public.fragile values (1, 'hello')`;
    expect((await fine.next()).data.record).toEqual({ id: 1, body: 'hello' });
    expect((await alsoFine.next()).data.record).toEqual({ id: 1, body: 'hello' });
    // Deliveries of one change happen in one pass: the others would have theirs by now.
    expect(raising.deliveries.seen).toEqual([]);
    expect(stranger.deliveries.seen).toEqual([]);
    expect(doomed.deliveries.seen).toEqual([]);

    await cluster.admin`insert into public.fragile values (2, 'again')`;
    expect((await fine.next()).data.record).toMatchObject({ id: 2 });
    expect(raising.deliveries.seen).toEqual([]);
  });

  it('re-registers with new claims on update()', async () => {
    const channel = await subscribed(engine, [{ event: 'INSERT', schema: 'public', table: 'notes' }], userA);
    const updated = await channel.handle?.update(userB);
    expect(updated?.ok).toBe(true);
    await cluster.admin`insert into public.notes values (10, ${A}, 'a only')`;
    await cluster.admin`insert into public.notes values (11, ${B}, 'b only')`;
    expect((await channel.next()).data.record).toMatchObject({ id: 11 });

    // New claims that fail validation stop delivery altogether.
    const refused = await channel.handle?.update(identity({ role: 'no_such_role' }));
    expect(refused?.ok).toBe(false);
    const witness = await subscribed(engine, [{ event: 'INSERT', schema: 'public', table: 'notes' }], userB);
    await cluster.admin`insert into public.notes values (12, ${B}, 'b again')`;
    expect((await witness.next()).data.record).toMatchObject({ id: 12 });
    expect(channel.deliveries.pending).toBe(0);
  });

  it('authorizes one INSERT for 100 distinct users in one batch (timing logged)', async () => {
    const channels: FakeChannel[] = [];
    for (let i = 0; i < 100; i++) {
      const sub = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      channels.push(
        await subscribed(
          engine,
          [{ event: 'INSERT', schema: 'public', table: 'room' }],
          identity({ role: 'authenticated', sub }),
        ),
      );
    }
    const timings: number[] = [];
    for (let round = 1; round <= 5; round++) {
      debugLines.length = 0;
      const started = performance.now();
      await cluster.admin`insert into public.room values (${round}, 'hi')`;
      const records = await Promise.all(channels.map((channel) => channel.next()));
      timings.push(performance.now() - started);
      expect(records.every((delivery) => delivery.data.record?.id === round)).toBe(true);
      const rls = debugLines.find((line) => line.includes('row security: 100 claims group(s)'));
      expect(rls, 'one batch for all 100 claims groups').toBeDefined();
      console.warn(
        `[bench] round ${round}: commit → 100 deliveries ${timings.at(-1)?.toFixed(1)} ms; ${rls}`,
      );
    }
  });
});
