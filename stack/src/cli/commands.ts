import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { stackOptionsFromEnv } from '../config.ts';
import { DEFAULT_DB_PASSWORD } from '../lib/keys.ts';
import type { Logger } from '../lib/logger.ts';
import { openDatabase, resetDatabase } from '../postgres/index.ts';
import { readProjectConfig } from '../project-config.ts';
import { createStack, stackInfo } from '../stack.ts';
import { isAlive, readState, removeState, writeState } from './state-file.ts';
import { statusBlock } from './status-block.ts';

export interface CommandContext {
  readonly projectDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly out: (text: string) => void;
}

/** `watchroom start`: runs in the foreground until SIGINT/SIGTERM, then stops everything. */
export async function start(ctx: CommandContext): Promise<number> {
  const running = await readState(ctx.projectDir);
  if (running && isAlive(running.pid)) {
    ctx.out(`watchroom is already running (pid ${running.pid}).\n\n${statusBlock(running)}`);
    return 1;
  }
  const envOptions = stackOptionsFromEnv(ctx.env);
  // Listen before starting: a Ctrl-C during startup or right after the banner must still stop
  // Postgres cleanly instead of killing this process around it.
  let received: NodeJS.Signals | undefined;
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      received = signal;
      resolve(signal);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  const stack = await createStack({
    ...envOptions,
    projectDir: ctx.projectDir,
    env: ctx.env,
    logger: ctx.logger,
    // Edit a function and the next request runs the new code, as with `supabase functions serve`.
    functions: { ...envOptions.functions, watch: true },
  });
  if (received) {
    await stack.stop();
    return 0;
  }
  await writeState(ctx.projectDir, {
    pid: process.pid,
    postgresPid: stack.postgresPid,
    dataDir: envOptions.dataDir ?? join(ctx.projectDir, '.watchroom', 'db'),
    ...stackInfo(stack),
    startedAt: new Date().toISOString(),
  });
  ctx.out(`Started watchroom local development setup.\n\n${statusBlock(stack)}\n\nPress Ctrl-C to stop.`);

  const signal = await stopSignal;
  // A second signal while stopping means "now": Postgres already got the first one.
  process.once(signal, () => process.exit(130));
  ctx.logger.info('Stopping...');
  await stack.stop();
  await removeState(ctx.projectDir);
  ctx.out('Stopped watchroom local development setup.');
  return 0;
}

/** `watchroom status`: exit 0 and the status block when running and healthy, else exit 1. */
export async function status(ctx: CommandContext): Promise<number> {
  const state = await readState(ctx.projectDir);
  if (!state || !isAlive(state.pid)) {
    ctx.out('watchroom is not running.');
    return 1;
  }
  const healthy = await fetch(`${state.apiUrl}/health`).then(
    (r) => r.ok,
    () => false,
  );
  ctx.out(
    `watchroom is ${healthy ? 'running' : 'starting or unhealthy'} (pid ${state.pid}).\n\n${statusBlock(state)}`,
  );
  return healthy ? 0 : 1;
}

/** `watchroom stop`: stops a `watchroom start` of this project, and any Postgres it left behind. */
export async function stop(ctx: CommandContext): Promise<number> {
  const state = await readState(ctx.projectDir);
  if (!state) {
    ctx.out('watchroom is not running.');
    return 0;
  }
  if (isAlive(state.pid)) {
    process.kill(state.pid, 'SIGTERM');
    if (!(await waitForExit(state.pid, 15_000))) {
      ctx.out(`watchroom (pid ${state.pid}) did not stop within 15 s.`);
      return 1;
    }
  }
  // The start process was killed hard: its Postgres would otherwise run on, orphaned.
  if (isAlive(state.postgresPid) && state.postgresPid) {
    process.kill(state.postgresPid, 'SIGINT');
    await waitForExit(state.postgresPid, 15_000);
  }
  await removeState(ctx.projectDir);
  ctx.out('Stopped watchroom local development setup.');
  return 0;
}

/** `watchroom db reset`: drop and rebuild the database, on the running stack or on its own. */
export async function dbReset(ctx: CommandContext): Promise<number> {
  const supabaseDir = join(ctx.projectDir, 'supabase');
  const project = await readProjectConfig(supabaseDir, ctx.env);
  const envOptions = stackOptionsFromEnv(ctx.env);
  const state = await readState(ctx.projectDir);
  const running = state && isAlive(state.pid) ? state : undefined;
  const db = running
    ? undefined
    : await openDatabase({
        url: envOptions.databaseUrl,
        dataDir: envOptions.dataDir ?? join(ctx.projectDir, '.watchroom', 'db'),
        port: envOptions.dbPort ?? project.db.port,
        password: DEFAULT_DB_PASSWORD,
        durable: true,
        logger: ctx.logger,
      });
  try {
    ctx.logger.info('Resetting local database...');
    await resetDatabase(running?.dbUrl ?? (db?.url as string), {
      supabaseDir,
      projectRoot: ctx.projectDir,
      password: DEFAULT_DB_PASSWORD,
      autoExposeNewTables: project.api.auto_expose_new_tables,
      migrations: project.db.migrations.enabled,
      seedPaths: project.db.seed.enabled ? project.db.seed.sql_paths : false,
      logger: ctx.logger,
    });
    ctx.out('Finished watchroom db reset.');
    return 0;
  } finally {
    await db?.stop();
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  // Another process's exit cannot be awaited as an event; poll its pid.
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await delay(50);
  }
  return true;
}
