/**
 * Test helpers for the changes engine (imported by *.test.ts only): a throwaway bootstrapped
 * Postgres per test file, engines wired to it, and fake channels whose deliveries can be
 * awaited.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres, { type Sql } from 'postgres';
import { type Logger, silentLogger } from '../../lib/logger.ts';
import { bootstrapPlatform } from '../../postgres/bootstrap/index.ts';
import { type PostgresServer, startPostgres } from '../../postgres/server.ts';
import { DEFAULT_REALTIME_CONFIG, type RealtimeConfig } from '../config.ts';
import type {
  Broadcast,
  ChangeData,
  ChangesEngine,
  ChangesHandle,
  ChangesSubscription,
  ChannelIdentity,
  PostgresBinding,
  SubscribeResult,
} from '../contracts.ts';
import { type ChangesTuning, createChangesEngine } from './index.ts';

const PASSWORD = 'changes-test-pw';
/** A guard against hanging tests, not a wait: every wait resolves on an event. */
const EVENT_TIMEOUT_MS = 10_000;

export interface TestCluster {
  /** Superuser pool. */
  readonly admin: Sql;
  readonly realtimeUrl: string;
  /** Stops and starts the server on the same port and data directory. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestCluster(): Promise<TestCluster> {
  const root = await mkdtemp(join(tmpdir(), 'watchroom-changes-'));
  const dataDir = join(root, 'db');
  let server: PostgresServer = await startPostgres({ dataDir, port: 0, password: PASSWORD, durable: false });
  const port = server.port;
  const bootstrap = postgres(server.url, { max: 1, onnotice: () => undefined });
  await bootstrapPlatform(bootstrap, { rolePassword: PASSWORD, autoExposeNewTables: true });
  await bootstrap.end();
  const url = new URL(server.url);
  url.username = 'supabase_realtime_admin';
  // The cluster runs with synchronous_commit=off, and logical decoding only sees flushed WAL:
  // without this, each commit would reach the stream up to wal_writer_delay (200 ms) late.
  const admin = postgres(server.url, {
    max: 4,
    onnotice: () => undefined,
    connection: { synchronous_commit: 'on' },
  });
  return {
    admin,
    realtimeUrl: url.toString(),
    stop: () => server.stop(),
    async start() {
      server = await startPostgres({ dataDir, port, password: PASSWORD, durable: false });
    },
    async close() {
      await admin.end({ timeout: 1 });
      await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export interface TestEngine {
  readonly engine: ChangesEngine;
  readonly broadcasts: Waitable<Broadcast>;
}

export async function startTestEngine(
  cluster: TestCluster,
  options: {
    config?: Partial<RealtimeConfig>;
    tuning?: Partial<ChangesTuning>;
    logger?: Logger;
    waitUntilLive?: boolean;
  } = {},
): Promise<TestEngine> {
  const broadcasts = new Waitable<Broadcast>();
  const engine = await createChangesEngine({
    databaseUrl: cluster.realtimeUrl,
    config: { ...DEFAULT_REALTIME_CONFIG, ...options.config },
    logger: options.logger ?? silentLogger,
    publish: (message) => {
      broadcasts.push(message);
      return 'ok';
    },
    tuning: { initialBackoffMs: 20, maxBackoffMs: 200, ...options.tuning },
  });
  if (options.waitUntilLive !== false) await engine.whenLive(EVENT_TIMEOUT_MS);
  return { engine, broadcasts };
}

/** A queue of events; `next()` resolves with the oldest unseen one, waiting if there is none. */
export class Waitable<T> {
  readonly seen: T[] = [];
  private readonly queued: T[] = [];
  private readonly waiting: ((value: T) => void)[] = [];

  push(value: T): void {
    this.seen.push(value);
    const waiter = this.waiting.shift();
    if (waiter) waiter(value);
    else this.queued.push(value);
  }

  next(what = 'event'): Promise<T> {
    const queued = this.queued.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(new Error(`no ${what} within ${EVENT_TIMEOUT_MS} ms`));
      }, EVENT_TIMEOUT_MS);
      const waiter = (value: T) => {
        clearTimeout(timer);
        resolve(value);
      };
      this.waiting.push(waiter);
    });
  }

  /** Nothing arrived that was not taken with next(). */
  get pending(): number {
    return this.queued.length;
  }
}

export interface Delivery {
  readonly ids: readonly number[];
  readonly data: ChangeData;
}

/** A channel as the socket runtime would register it. */
export class FakeChannel implements ChangesSubscription {
  readonly deliveries = new Waitable<Delivery>();
  readonly statuses = new Waitable<{ status: 'ok' | 'error'; message: string }>();
  readonly bindings: { binding: PostgresBinding; id: number }[];
  /** Set by `subscribed()`. */
  handle: ChangesHandle | undefined;

  constructor(
    engine: ChangesEngine,
    bindings: readonly PostgresBinding[],
    readonly identity: ChannelIdentity,
  ) {
    this.bindings = bindings.map((binding) => ({ binding, id: engine.bindingId(binding) }));
  }

  deliver(ids: readonly number[], data: ChangeData): void {
    this.deliveries.push({ ids: [...ids].sort(), data });
  }

  status(status: 'ok' | 'error', message: string): void {
    this.statuses.push({ status, message });
  }

  next(): Promise<Delivery> {
    return this.deliveries.next('delivery');
  }

  id(index: number): number {
    return (this.bindings[index] as { id: number }).id;
  }
}

export function identity(claims: Record<string, unknown> & { role: string }): ChannelIdentity {
  return { token: 'test-token', claims: { exp: 4_102_444_800, ...claims }, role: claims.role };
}

/** Subscribes a fresh channel and fails the test unless the engine accepts it. */
export async function subscribed(
  engine: ChangesEngine,
  bindings: readonly PostgresBinding[],
  who: ChannelIdentity,
): Promise<FakeChannel> {
  const channel = new FakeChannel(engine, bindings, who);
  const result: SubscribeResult = await engine.subscribe(channel);
  if (!result.ok) throw new Error(`subscription refused: ${result.message}`);
  channel.handle = result.handle;
  return channel;
}
