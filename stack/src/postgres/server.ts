import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { WatchroomError } from '../lib/errors.ts';
import { type Logger, silentLogger } from '../lib/logger.ts';
import { findPostgresBinaries } from './binaries.ts';
import { makeTraversable, type OsUser, prepareOwnedDir, resolveServerUser } from './os-user.ts';

export interface StartPostgresOptions {
  /** PGDATA; initialised with initdb when empty. */
  readonly dataDir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  /** Password of the initial superuser `postgres`. */
  readonly password: string;
  /**
   * false trades crash safety for speed (fsync off): right for throwaway test clusters,
   * wrong for a developer's data directory.
   */
  readonly durable?: boolean;
  readonly logger?: Logger;
}

export interface PostgresServer {
  /** Superuser connection URL. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Fast shutdown; resolves when the postmaster has exited. Idempotent. */
  stop(): Promise<void>;
}

export class PostgresStartError extends WatchroomError<
  'postgres_start_failed' | 'postgres_already_running'
> {}

/** Settings Realtime needs (logical decoding) plus sane local limits. */
const SERVER_SETTINGS: Record<string, string> = {
  listen_addresses: '127.0.0.1',
  unix_socket_directories: '',
  wal_level: 'logical',
  max_replication_slots: '20',
  max_wal_senders: '20',
  max_connections: '200',
  shared_preload_libraries: 'pg_stat_statements',
  log_min_messages: 'warning',
  log_line_prefix: '%m [%p] ',
};

// synchronous_commit stays on: logical decoding only sees flushed WAL, so with it off every
// commit would reach Realtime up to wal_writer_delay (200 ms) late. With fsync off a flush is
// only a write, so keeping it costs throwaway clusters almost nothing.
const NON_DURABLE: Record<string, string> = {
  fsync: 'off',
  full_page_writes: 'off',
};

/**
 * Starts a real PostgreSQL server from the npm-shipped binaries: initdb on first use, then the
 * postmaster in the foreground of this process group (so Ctrl-C reaches it too).
 */
export async function startPostgres(options: StartPostgresOptions): Promise<PostgresServer> {
  const logger = options.logger ?? silentLogger;
  const binaries = await findPostgresBinaries();
  const user = await resolveServerUser();
  if (user) await makeTraversable(dirname(binaries.postgres));
  await prepareOwnedDir(options.dataDir, user);
  await refuseIfRunning(options.dataDir);
  if (!(await exists(join(options.dataDir, 'PG_VERSION')))) {
    await initdb(binaries.initdb, options, user, logger);
  }

  for (let attempt = 1; ; attempt++) {
    const port = options.port === 0 ? await freePort() : options.port;
    try {
      return await launch(binaries.postgres, { ...options, port }, user, logger);
    } catch (error) {
      // A free port can be taken between probing and binding; only then is a retry sound.
      const raced = options.port === 0 && /could not (bind|create listen)/i.test(String(error));
      if (!raced || attempt >= 3) throw error;
    }
  }
}

async function initdb(
  bin: string,
  options: StartPostgresOptions,
  user: OsUser | undefined,
  logger: Logger,
): Promise<void> {
  const pwfile = join(options.dataDir, '..', `.pwfile-${process.pid}-${Date.now()}`);
  await writeFile(pwfile, `${options.password}\n`, { mode: 0o644 });
  try {
    const child = spawn(
      bin,
      [
        `--pgdata=${options.dataDir}`,
        '--username=postgres',
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C.UTF-8',
        ...(options.durable === false ? ['--no-sync'] : []),
      ],
      { ...user, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C.UTF-8' } },
    );
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const [code] = (await once(child, 'close')) as [number | null];
    if (code !== 0) {
      throw new PostgresStartError('postgres_start_failed', `initdb failed (exit ${code}): ${output.trim()}`);
    }
    logger.debug(`initialised ${options.dataDir}`);
  } finally {
    await rm(pwfile, { force: true });
  }
}

function launch(
  bin: string,
  options: StartPostgresOptions,
  user: OsUser | undefined,
  logger: Logger,
): Promise<PostgresServer> {
  const settings = { ...SERVER_SETTINGS, ...(options.durable === false ? NON_DURABLE : {}) };
  const args = ['-D', options.dataDir, '-p', String(options.port)];
  for (const [key, value] of Object.entries(settings)) args.push('-c', `${key}=${value}`);
  const child = spawn(bin, args, { ...user, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env } });

  return new Promise((resolve, reject) => {
    let log = '';
    let ready = false;
    const onLine = (chunk: Buffer) => {
      const text = chunk.toString();
      for (const line of text.split('\n')) if (line.trim()) logger.debug(line);
      if (ready) return;
      log += text;
      if (log.includes('database system is ready to accept connections')) {
        ready = true;
        resolve(handle(child, options.port, options.password));
      }
    };
    child.stderr?.on('data', onLine);
    child.once('error', (error) =>
      reject(new PostgresStartError('postgres_start_failed', `cannot run postgres: ${error.message}`)),
    );
    child.once('exit', (code, signal) => {
      if (!ready) {
        reject(
          new PostgresStartError(
            'postgres_start_failed',
            `postgres exited during startup (${signal ?? `exit ${code}`}): ${log.trim().split('\n').slice(-5).join('\n')}`,
          ),
        );
      }
    });
  });
}

function handle(child: ChildProcess, port: number, password: string): PostgresServer {
  const exited = once(child, 'exit').then(() => undefined);
  const killOnExit = () => child.kill('SIGINT');
  // Last resort if our process ends without stop(): never leave a postmaster behind.
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  return {
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    pid: child.pid ?? 0,
    stop() {
      stopping ??= (async () => {
        process.off('exit', killOnExit);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
        await exited;
      })();
      return stopping;
    },
  };
}

/** Refuses to start a second postmaster on a data directory whose recorded pid is alive. */
async function refuseIfRunning(dataDir: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return;
  }
  const pid = Number(text.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // stale pid file: postgres removes it itself on start
  }
  throw new PostgresStartError(
    'postgres_already_running',
    `a PostgreSQL server (pid ${pid}) is already running on ${dataDir}; run \`watchroom stop\` first`,
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Asks the kernel for a free loopback port. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (!address || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}
