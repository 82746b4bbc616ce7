/**
 * Realtime operations: the replication slot is temporary and gone once the stack stops, a
 * Postgres restart is survived (replication reconnects, channels recover), and shutdown is
 * graceful. The stack runs against a Postgres server this file starts and restarts itself.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStack, type Stack } from '../../stack/src/index.ts';
import { DEFAULT_DB_PASSWORD } from '../../stack/src/lib/keys.ts';
import { type PostgresServer, startPostgres } from '../../stack/src/postgres/server.ts';
import {
  broadcasts,
  Inbox,
  realtimeClient,
  statuses,
  subscribed,
  systemMessages,
  uniqueId,
  uniqueTopic,
} from './helpers.ts';

const fixture = new URL('../fixtures/project/', import.meta.url).pathname;

let root: string;
let server: PostgresServer;
let stack: Stack;
let admin: postgres.Sql;

async function startServer(port = 0): Promise<PostgresServer> {
  return startPostgres({ dataDir: join(root, 'db'), port, password: DEFAULT_DB_PASSWORD, durable: false });
}

const slots = () =>
  admin<{ slot_name: string; temporary: boolean; active: boolean }[]>`
    select slot_name, temporary, active from pg_replication_slots`;

/** Connections the stack's pools and replication hold (all named `watchroom…`). */
async function stackConnections(): Promise<number> {
  const [row] = await admin<{ count: number }[]>`
    select count(*)::int as count from pg_stat_activity where application_name like 'watchroom%'`;
  return row?.count ?? -1;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'watchroom-ops-'));
  server = await startServer();
  stack = await createStack({ projectDir: fixture, databaseUrl: server.url, apiPort: 0 });
  admin = postgres(server.url, { max: 1, onnotice: () => undefined });
});

afterAll(async () => {
  await stack?.stop();
  await admin?.end();
  await server?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

const client = () => realtimeClient(stack.anonKey, {}, stack.apiUrl);

describe('replication slot', () => {
  it('is temporary and active while the stack runs', async () => {
    const channel = client().channel(uniqueTopic());
    channel.on('postgres_changes', { event: '*', schema: 'public', table: 'rt_items' }, () => undefined);
    const system = systemMessages(channel);
    await subscribed(channel);
    expect((await system.next((m) => m.extension === 'postgres_changes')).status).toBe('ok');
    const live = await slots();
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ temporary: true, active: true });
    expect(await stackConnections()).toBeGreaterThan(0);
  });
});

describe('a Postgres restart', () => {
  it('is reported to postgres_changes subscribers, who get changes again once it is back', async () => {
    const channel = client().channel(uniqueTopic());
    const changes = new Inbox<{ new: { id?: number } }>();
    channel.on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'rt_items' }, (c) =>
      changes.push(c as never),
    );
    const system = systemMessages(channel);
    const status = statuses(channel);
    await status.next('SUBSCRIBED');
    await system.next((m) => m.extension === 'postgres_changes' && m.status === 'ok');

    const port = server.port;
    const seen = system.items.length;
    await admin.end();
    await server.stop();
    const lost = await system.after(seen, (m) => m.extension === 'postgres_changes');
    expect(lost).toMatchObject({
      status: 'error',
      message: 'Realtime was unable to connect to the project database',
    });

    server = await startServer(port);
    admin = postgres(server.url, { max: 1, onnotice: () => undefined });
    const back = await system.after(seen, (m) => m.extension === 'postgres_changes' && m.status === 'ok');
    expect(back.message).toBe('Subscribed to PostgreSQL');
    const id = uniqueId();
    await admin`insert into public.rt_items (id, name) values (${id}, 'after restart')`;
    expect((await changes.next((c) => c.new.id === id)).new).toMatchObject({ name: 'after restart' });
    // The channel itself never closed: broadcast and presence were not interrupted.
    expect(status.seen.map((s) => s.status)).toEqual(['SUBSCRIBED']);
    // The new stream has its own temporary slot; the old one died with the server.
    expect(await slots()).toEqual([expect.objectContaining({ temporary: true, active: true })]);
  });

  it('database broadcasts flow again after the restart', async () => {
    const topic = uniqueTopic();
    const channel = client().channel(topic);
    const inbox = broadcasts(channel);
    await subscribed(channel);
    await admin`select realtime.send('{"after":"restart"}'::jsonb, 'db', ${topic}, false)`;
    expect((await inbox.next()).payload).toMatchObject({ after: 'restart' });
  });
});

describe('shutdown', () => {
  it('closes every socket, ends replication and leaves no slot behind', async () => {
    const channel = client().channel(uniqueTopic());
    const status = statuses(channel);
    await status.next('SUBSCRIBED');
    const closing = status.after(status.seen.length, 'CHANNEL_ERROR');
    await stack.stop();
    await closing;
    expect(await slots()).toEqual([]);
    expect(await stackConnections()).toBe(0);
  });
});
