/**
 * The logical replication stream: one replication connection, a temporary pgoutput slot with a
 * unique name (so a stopped stack retains no WAL), START_REPLICATION over CopyBoth, standby
 * status updates so the server can recycle WAL, and reconnection with backoff (100 ms doubling
 * to 5 s) whenever the session ends. Messages are handed over synchronously in stream order.
 */
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import postgres, { type Sql } from 'postgres';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { ChangesError } from './errors.ts';
import { decodePgOutput, type PgOutputMessage } from './pgoutput.ts';
import {
  decodeReplicationMessage,
  encodeStandbyStatusUpdate,
  formatLsn,
  type Lsn,
  parseLsn,
} from './replication-protocol.ts';

export interface ReplicationStreamOptions {
  /** A role with REPLICATION. */
  readonly url: string;
  readonly publications: readonly string[];
  readonly logger: Logger;
  /** Runs before every connection attempt (e.g. makes sure the publications exist). */
  readonly prepare?: () => Promise<void>;
  readonly onMessage: (message: PgOutputMessage) => void;
  /** The slot exists and the server streams to us. */
  readonly onLive: () => void;
  /** A live stream ended; changes committed until it is live again are not seen. */
  readonly onLost: (reason: unknown) => void;
  readonly statusIntervalMs?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

export interface ReplicationStream {
  readonly live: boolean;
  /** Resolves once live (at once if it is); rejects after `timeoutMs` or on close. */
  whenLive(timeoutMs: number): Promise<void>;
  /** Stops reading (backpressure); status updates continue, so the server keeps us. */
  pause(): void;
  resume(): void;
  /** Ends streaming, drops the slot, closes the connection; idempotent. */
  close(): Promise<void>;
}

/** Session settings for every value the server prints for us: ISO dates, UTC, hex bytea. */
export const SESSION_SETTINGS = {
  TimeZone: 'UTC',
  DateStyle: 'ISO, MDY',
  IntervalStyle: 'postgres',
  extra_float_digits: '1',
  bytea_output: 'hex',
} as const;

const CLOSE_STEP_MS = 2_000;

export function startReplicationStream(options: ReplicationStreamOptions): ReplicationStream {
  const logger = options.logger;
  const statusIntervalMs = options.statusIntervalMs ?? 10_000;
  const initialBackoff = options.initialBackoffMs ?? 100;
  const maxBackoff = options.maxBackoffMs ?? 5_000;
  const waiters = new Set<{ resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let live = false;
  let closed = false;
  let paused = false;
  let current: { sql: Sql; stream?: Duplex } | undefined;
  let sleeping: { timer: NodeJS.Timeout; wake: () => void } | undefined;

  const settleWaiters = (error?: Error) => {
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
    waiters.clear();
  };

  /** One replication session, from slot creation until the stream ends. */
  async function session(onLive: () => void): Promise<void> {
    await options.prepare?.();
    if (closed) return;
    const slot = `watchroom_realtime_${randomBytes(6).toString('hex')}`;
    const sql = postgres(options.url, {
      max: 1,
      fetch_types: false,
      idle_timeout: 0,
      max_lifetime: null,
      connect_timeout: 10,
      onnotice: () => undefined,
      connection: {
        replication: 'database',
        application_name: 'watchroom_realtime_replication',
        ...SESSION_SETTINGS,
      },
    });
    current = { sql };
    let statusTimer: NodeJS.Timeout | undefined;
    let endedCleanly = false;
    try {
      const [created] = await sql.unsafe<{ consistent_point: string }[]>(
        `CREATE_REPLICATION_SLOT ${slot} TEMPORARY LOGICAL pgoutput NOEXPORT_SNAPSHOT`,
      );
      if (!created) throw new Error('CREATE_REPLICATION_SLOT returned no row');
      let acknowledged: Lsn = parseLsn(created.consistent_point);
      // publication_names is a list of identifiers inside a string literal.
      const names = options.publications.map((name) => `"${name.replaceAll('"', '""')}"`).join(',');
      const stream = (await sql
        .unsafe(
          `START_REPLICATION SLOT ${slot} LOGICAL ${formatLsn(acknowledged)} ` +
            `(proto_version '1', publication_names '${names.replaceAll("'", "''")}')`,
        )
        .writable()) as unknown as Duplex;
      current.stream = stream;
      const finished = new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        stream.once('end', resolve);
        stream.once('close', resolve);
      });
      // Observed below; this only keeps an early exit from leaving the rejection unhandled.
      finished.catch(() => undefined);
      if (closed) {
        stream.end();
        await finished;
        endedCleanly = true;
        return;
      }

      let inTransaction = false;
      const sendStatus = (replyRequested = false) => {
        if (!stream.writable) return;
        stream.write(encodeStandbyStatusUpdate({ lsn: acknowledged, nowMs: Date.now(), replyRequested }));
      };
      stream.on('data', (chunk: Buffer) => {
        try {
          const message = decodeReplicationMessage(chunk);
          if (message.type === 'PrimaryKeepalive') {
            if (!inTransaction && message.walEnd > acknowledged) acknowledged = message.walEnd;
            if (message.replyRequested) sendStatus();
            return;
          }
          const decoded = decodePgOutput(message.data);
          if (decoded.tag === 'Begin') inTransaction = true;
          options.onMessage(decoded);
          if (decoded.tag === 'Commit') {
            inTransaction = false;
            if (decoded.endLsn > acknowledged) acknowledged = decoded.endLsn;
          }
        } catch (error) {
          // A fresh slot after reconnecting starts past whatever could not be handled.
          logger.error(`replication stream: ${errorMessage(error)}; reconnecting`);
          stream.destroy(error instanceof Error ? error : new Error(String(error)));
        }
      });
      statusTimer = setInterval(() => sendStatus(), statusIntervalMs);
      statusTimer.unref();
      if (paused) stream.pause();
      sendStatus();

      live = true;
      logger.debug(`replication slot ${slot} streaming from ${formatLsn(acknowledged)}`);
      onLive();
      settleWaiters();
      options.onLive();
      try {
        await finished;
        endedCleanly = true;
      } finally {
        live = false;
        if (!closed) options.onLost(new Error('replication stream ended'));
      }
    } finally {
      live = false;
      clearInterval(statusTimer);
      if (closed && endedCleanly) {
        // A temporary slot goes with its session anyway; dropping it here makes that synchronous.
        await withTimeout(sql.unsafe(`DROP_REPLICATION_SLOT ${slot}`), CLOSE_STEP_MS).catch(() => undefined);
      }
      current = undefined;
      await sql.end({ timeout: CLOSE_STEP_MS / 1000 }).catch(() => undefined);
    }
  }

  async function run(): Promise<void> {
    let delay = initialBackoff;
    while (!closed) {
      try {
        await session(() => {
          delay = initialBackoff;
        });
      } catch (error) {
        if (!closed) logger.warn(`replication stream: ${errorMessage(error)}`);
      }
      if (closed) break;
      await new Promise<void>((wake) => {
        sleeping = { timer: setTimeout(wake, delay), wake };
      });
      sleeping = undefined;
      delay = Math.min(delay * 2, maxBackoff);
    }
  }

  const running = run();

  return {
    get live() {
      return live;
    },
    whenLive(timeoutMs) {
      if (live) return Promise.resolve();
      if (closed) return Promise.reject(new ChangesError('changes_closed', 'the changes engine is closed'));
      return new Promise<void>((resolve, reject) => {
        const waiter = {
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            reject(new ChangesError('changes_not_live', `replication did not start within ${timeoutMs} ms`));
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },
    pause() {
      paused = true;
      current?.stream?.pause();
    },
    resume() {
      paused = false;
      current?.stream?.resume();
    },
    async close() {
      if (!closed) {
        closed = true;
        settleWaiters(new ChangesError('changes_closed', 'the changes engine is closed'));
        if (sleeping) {
          clearTimeout(sleeping.timer);
          sleeping.wake();
        }
        const stream = current?.stream;
        if (stream && !stream.destroyed) {
          // CopyDone: the server ends streaming cleanly, then the slot can be dropped. A server
          // that does not answer is cut off.
          stream.resume();
          stream.end();
          const guard = setTimeout(() => stream.destroy(), CLOSE_STEP_MS);
          await running;
          clearTimeout(guard);
        } else {
          await current?.sql.end({ timeout: 0 }).catch(() => undefined);
        }
      }
      await running;
    },
  };
}

function withTimeout<T>(promise: PromiseLike<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.resolve(promise),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
