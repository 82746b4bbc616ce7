/**
 * The Postgres Changes engine: logical replication (pgoutput) → postgres_changes deliveries
 * authorized per subscriber (realtime.md §5), and realtime.messages inserts → database
 * broadcasts (§3.6).
 *
 * @example
 *   const changes = await createChangesEngine({ databaseUrl, config, logger, publish });
 *   await changes.whenLive(10_000);
 *   const result = await changes.subscribe({ bindings, identity, deliver, status });
 */
import postgres from 'postgres';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { RealtimeConfig } from '../config.ts';
import type {
  Broadcast,
  ChangesEngine,
  ChangesHandle,
  ChangesSubscription,
  ChannelIdentity,
  PublishResult,
  SubscribeResult,
} from '../contracts.ts';
import { createRowSecurityChecker } from './authorize.ts';
import { bindingId } from './binding-id.ts';
import { broadcastOf, isMessagesRelation, MESSAGES_PUBLICATION } from './broadcasts.ts';
import { createCatalog } from './catalog.ts';
import { createChangeProcessor, type PendingChange } from './processor.ts';
import { Registration, Registry } from './registry.ts';
import { SESSION_SETTINGS, startReplicationStream } from './replication.ts';
import { PUBLICATION, UNABLE_TO_CONNECT, validateBindings } from './subscribe.ts';
import { createTransactionAssembler } from './transactions.ts';

export interface ChangesEngineDeps {
  /** As `supabase_realtime_admin`, which has REPLICATION. */
  readonly databaseUrl: string;
  readonly config: RealtimeConfig;
  readonly logger: Logger;
  /** Database broadcasts (`realtime.messages` inserts) go out through this. */
  readonly publish: (message: Broadcast) => PublishResult;
  readonly tuning?: Partial<ChangesTuning>;
}

/** Timings and sizes; the defaults suit a local stack. */
export interface ChangesTuning {
  /** How long subscribe() waits for the replication stream before reporting the database down. */
  readonly subscribeTimeoutMs: number;
  /** Standby status updates at least this often (the server's wal_sender_timeout is 60 s). */
  readonly statusIntervalMs: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Changes authorized together (one round trip per stage for the whole batch). */
  readonly maxBatchChanges: number;
  /** Queued changes beyond which the stream is paused until processing catches up. */
  readonly maxQueuedChanges: number;
  /** Bounds a slow RLS policy or validation. */
  readonly statementTimeoutMs: number;
  readonly poolSize: number;
}

const DEFAULT_TUNING: ChangesTuning = {
  subscribeTimeoutMs: 10_000,
  statusIntervalMs: 10_000,
  initialBackoffMs: 100,
  maxBackoffMs: 5_000,
  maxBatchChanges: 500,
  maxQueuedChanges: 20_000,
  statementTimeoutMs: 15_000,
  poolSize: 3,
};

export const SUBSCRIBED = 'Subscribed to PostgreSQL';

export async function createChangesEngine(deps: ChangesEngineDeps): Promise<ChangesEngine> {
  const tuning = { ...DEFAULT_TUNING, ...deps.tuning };
  const logger = deps.logger;
  const poolOptions = {
    max: tuning.poolSize,
    // Untyped but supported: RLS checks for many claims groups are pipelined in one go.
    max_pipeline: 1_000,
    onnotice: () => undefined,
    connection: {
      application_name: 'watchroom_realtime',
      statement_timeout: tuning.statementTimeoutMs,
      ...SESSION_SETTINGS,
    },
  };
  const sql = postgres(deps.databaseUrl, poolOptions);
  // RLS checks get a connection of their own: its prepared statements stay warm, and
  // subscription validations never delay a change.
  const rlsSql = postgres(deps.databaseUrl, { ...poolOptions, max: 1 });
  const catalog = createCatalog(sql);
  const rowSecurity = createRowSecurityChecker(rlsSql, logger);
  const registry = new Registry();
  let closed = false;
  let outage = false;
  let paused = false;
  let draining: Promise<void> | undefined;
  let listening: Promise<{ unlisten(): Promise<void> } | undefined> | undefined;
  const queue: PendingChange[] = [];
  const processor = createChangeProcessor({
    sql,
    catalog,
    registry,
    rowSecurity,
    logger,
    maxRecordBytes: deps.config.maxRecordBytes,
    isClosed: () => closed,
  });

  const assembler = createTransactionAssembler({
    onRelation: (relation) => catalog.invalidateTable(relation.relationId),
    wants: (relation, kind) =>
      (kind === 'INSERT' && isMessagesRelation(relation)) || registry.hasTable(relation.relationId),
  });

  const stream = startReplicationStream({
    url: deps.databaseUrl,
    publications: [PUBLICATION, MESSAGES_PUBLICATION],
    logger,
    statusIntervalMs: tuning.statusIntervalMs,
    initialBackoffMs: tuning.initialBackoffMs,
    maxBackoffMs: tuning.maxBackoffMs,
    prepare: () => ensurePublications(sql),
    onMessage(message) {
      const transaction = assembler.handle(message);
      if (!transaction) return;
      for (const change of transaction.changes) {
        if (change.kind === 'INSERT' && isMessagesRelation(change.relation)) {
          const broadcast = broadcastOf(change);
          if (broadcast) publish(broadcast);
        }
        if (registry.hasTable(change.relation.relationId)) {
          queue.push({ change, commitTimestamp: transaction.commitTimestamp, xid: transaction.xid });
        }
      }
      if (!paused && queue.length > tuning.maxQueuedChanges) {
        // Backpressure: the server holds the WAL while we catch up.
        paused = true;
        stream.pause();
      }
      drain();
    },
    onLive() {
      assembler.reset();
      // DDL may have happened while we were away, and relation messages start over.
      catalog.invalidateAll();
      listenForSchemaChanges();
      if (outage) {
        outage = false;
        notifyAll('ok', SUBSCRIBED);
      }
    },
    onLost(reason) {
      logger.warn(`replication stream lost: ${errorMessage(reason)}`);
      outage = true;
      notifyAll('error', UNABLE_TO_CONNECT);
    },
  });

  /**
   * `NOTIFY pgrst` follows every DDL (the bootstrap's event trigger). postgres.js re-listens
   * after a dropped connection only once, so every new replication session listens afresh.
   */
  function listenForSchemaChanges(): void {
    const previous = listening;
    listening = (async () => {
      await (await previous)?.unlisten().catch(() => undefined);
      return sql
        .listen(
          'pgrst',
          () => catalog.invalidateAll(),
          () => catalog.invalidateAll(),
        )
        .catch((error: unknown) => {
          logger.warn(`cannot listen for schema changes: ${errorMessage(error)}`);
          return undefined;
        });
    })();
  }

  function publish(broadcast: Broadcast): void {
    try {
      const result = deps.publish(broadcast);
      if (result !== 'ok') logger.debug(`database broadcast on ${broadcast.topic} dropped: ${result}`);
    } catch (error) {
      logger.warn(`database broadcast failed: ${errorMessage(error)}`);
    }
  }

  function notifyAll(status: 'ok' | 'error', message: string): void {
    for (const registration of registry.all()) {
      try {
        registration.subscription.status(status, message);
      } catch (error) {
        logger.warn(`postgres_changes status delivery failed: ${errorMessage(error)}`);
      }
    }
  }

  /** Processes queued changes in order, one batch at a time. */
  function drain(): void {
    draining ??= (async () => {
      while (queue.length > 0 && !closed) {
        const batch = queue.splice(0, tuning.maxBatchChanges);
        if (paused && queue.length < tuning.maxQueuedChanges / 2) {
          paused = false;
          stream.resume();
        }
        try {
          await processor.process(batch);
        } catch (error) {
          logger.error(`postgres_changes: ${batch.length} change(s) dropped: ${errorMessage(error)}`);
        }
      }
    })().finally(() => {
      draining = undefined;
      // Changes queued between the loop's last check and now.
      if (queue.length > 0 && !closed) drain();
    });
  }

  async function register(
    subscription: ChangesSubscription,
    identity: ChannelIdentity,
    existing?: Registration,
  ): Promise<SubscribeResult> {
    const deadline = Date.now() + tuning.subscribeTimeoutMs;
    const live = () =>
      stream.whenLive(Math.max(0, deadline - Date.now())).then(
        () => !closed,
        () => false,
      );
    if (closed || !(await live())) return { ok: false, message: UNABLE_TO_CONNECT };
    const result = await validateBindings(sql, subscription.bindings, identity);
    if (!result.ok) {
      if (existing) registry.remove(existing);
      return { ok: false, message: result.message };
    }
    // Registered while the stream is live: every change committed from here on reaches us.
    while (!stream.live) {
      if (!(await live())) return { ok: false, message: UNABLE_TO_CONNECT };
    }
    if (closed || (existing && !existing.active)) return { ok: false, message: UNABLE_TO_CONNECT };
    let registration = existing;
    if (registration) registry.replace(registration, identity, result.entries);
    else {
      registration = new Registration(subscription, identity, result.entries);
      registry.add(registration);
    }
    return { ok: true, handle: handleOf(registration) };
  }

  function handleOf(registration: Registration): ChangesHandle {
    return {
      // A token the database refuses ends the subscription; an unreachable database keeps it.
      update: (identity) => register(registration.subscription, identity, registration),
      remove: () => registry.remove(registration),
    };
  }

  let closing: Promise<void> | undefined;
  return {
    subscribe: (subscription) => register(subscription, subscription.identity),
    bindingId,
    whenLive: (timeoutMs) => stream.whenLive(timeoutMs),
    close() {
      closing ??= (async () => {
        closed = true;
        for (const registration of registry.all()) registry.remove(registration);
        await stream.close();
        await draining;
        await (await listening)?.unlisten().catch(() => undefined);
        await Promise.all([sql.end({ timeout: 5 }), rlsSql.end({ timeout: 5 })]);
      })();
      return closing;
    },
  };
}

/**
 * The stream reads both publications, which must exist. supabase_realtime is the project's
 * (the bootstrap creates it empty); the messages one is Realtime's own, inserts only, published
 * as the partitioned root so every daily partition arrives as realtime.messages.
 */
async function ensurePublications(sql: postgres.Sql): Promise<void> {
  const publications = [
    { name: PUBLICATION, create: `create publication ${PUBLICATION}` },
    {
      name: MESSAGES_PUBLICATION,
      create: `create publication ${MESSAGES_PUBLICATION} for table realtime.messages
        with (publish = 'insert', publish_via_partition_root = true)`,
    },
  ];
  for (const { name, create } of publications) {
    const [row] = await sql`
      select exists (select from pg_catalog.pg_publication where pubname = ${name}) as present`;
    if (row?.present) continue;
    // Two engines may race; the loser finds it created (42710 duplicate_object).
    await sql.unsafe(create).catch((error: unknown) => {
      if ((error as { code?: string }).code !== '42710') throw error;
    });
  }
}
