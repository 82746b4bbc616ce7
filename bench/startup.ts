/**
 * Startup benchmark: cold start (initdb included) and warm start to "ready", for the whole
 * stack (library and CLI) against a baseline of bare PostgreSQL started from the same binaries,
 * so the table shows what bootstrap, migrations, auth and the gateway add.
 *
 * Run: npm run bench:startup   (env RUNS, default 5)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStack } from '../stack/src/index.ts';
import { startPostgres } from '../stack/src/postgres/server.ts';
import { ms, summarize } from './stats.ts';

const RUNS = Number(process.env.RUNS ?? 5);
const PROJECT = new URL('..', import.meta.url).pathname;
const BIN = new URL('../stack/bin/watchroom.js', import.meta.url).pathname;

async function time(fn: () => Promise<() => Promise<void>>): Promise<number> {
  const start = performance.now();
  const stop = await fn();
  const elapsed = performance.now() - start;
  await stop();
  return elapsed;
}

async function freshDir(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'watchroom-bench-')), 'db');
}

async function cliStart(dataDir: string): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, [BIN, 'start', '--workdir', PROJECT], {
    env: { ...process.env, WATCHROOM_API_PORT: '0', WATCHROOM_DB_PORT: '0', WATCHROOM_DATA_DIR: dataDir },
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Press Ctrl-C to stop.')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`watchroom start exited ${code}`)));
  });
  return async () => {
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    await exited;
  };
}

const rows: { name: string; samples: number[] }[] = [];
const measure = async (name: string, fn: () => Promise<number>) => {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await fn());
  rows.push({ name, samples });
};

await measure('baseline: bare Postgres, cold (initdb + start)', async () => {
  const dir = await freshDir();
  const t = await time(async () => {
    const pg = await startPostgres({ dataDir: dir, port: 0, password: 'postgres' });
    return () => pg.stop();
  });
  await rm(join(dir, '..'), { recursive: true, force: true });
  return t;
});

await measure('watchroom createStack, cold (initdb + bootstrap + migrations + seed)', async () => {
  const dir = await freshDir();
  const t = await time(async () => {
    const stack = await createStack({ projectDir: PROJECT, dataDir: dir, apiPort: 0, dbPort: 0 });
    return () => stack.stop();
  });
  await rm(join(dir, '..'), { recursive: true, force: true });
  return t;
});

const warmPg = await freshDir();
await (await startPostgres({ dataDir: warmPg, port: 0, password: 'postgres' })).stop();
await measure('baseline: bare Postgres, warm', () =>
  time(async () => {
    const pg = await startPostgres({ dataDir: warmPg, port: 0, password: 'postgres' });
    return () => pg.stop();
  }),
);

const warmStack = await freshDir();
await (await createStack({ projectDir: PROJECT, dataDir: warmStack, apiPort: 0, dbPort: 0 })).stop();
await measure('watchroom createStack, warm', () =>
  time(async () => {
    const stack = await createStack({ projectDir: PROJECT, dataDir: warmStack, apiPort: 0, dbPort: 0 });
    return () => stack.stop();
  }),
);
await measure('watchroom start (CLI process to status block), warm', () => time(() => cliStart(warmStack)));

await rm(join(warmPg, '..'), { recursive: true, force: true });
await rm(join(warmStack, '..'), { recursive: true, force: true });

const out = (line: string) => process.stdout.write(`${line}\n`);
out(`\nStartup to ready — ${RUNS} runs each, ${cpus().length} cores, Node ${process.version}\n`);
out('| what | runs | min | p50 (median) | p99 | max |');
out('|---|---|---|---|---|---|');
for (const row of rows) {
  const s = summarize(row.samples);
  out(`| ${row.name} | ${s.n} | ${ms(s.min)} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} |`);
}
