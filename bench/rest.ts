/**
 * REST benchmark: the same two queries through supabase-js against our `/rest/v1` and issued
 * directly with postgres.js, side by side in one run on one throwaway stack:
 *   1. a primary-key select;
 *   2. a 20-row page with one embedded (many-to-one) relation.
 *
 * Run: npm run bench:rest   (env REQUESTS per scenario, default 4000; CONCURRENCY, default 16)
 */

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@supabase/supabase-js';
import postgres from 'postgres';
import ws from 'ws';
import { tempProject } from '../tests/helpers/project.ts';
import { runLoad } from './load.ts';
import { startServerProcess } from './server-process.ts';
import { percentile } from './stats.ts';

const REQUESTS = Number(process.env.REQUESTS ?? 4000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const ITEMS = 20_000;

const projectDir = await tempProject({
  migrations: {
    '20240101000000_bench.sql': `
      create table public.owners (id int primary key, name text not null);
      create table public.items (id int primary key, owner_id int not null references public.owners, title text not null, score numeric);
      insert into public.owners select g, 'owner ' || g from generate_series(1, 1000) g;
      insert into public.items select g, 1 + g % 1000, 'item ' || g, g * 1.5 from generate_series(1, ${ITEMS}) g;
      analyze public.owners; analyze public.items;`,
  },
});
const dataRoot = await mkdtemp(join(tmpdir(), 'watchroom-bench-'));
const stack = await startServerProcess(projectDir, join(dataRoot, 'db'));
const supabase = createClient(stack.apiUrl, stack.anonKey, {
  auth: { persistSession: false, autoRefreshToken: false },
  realtime: { transport: ws as never },
});
const sql = postgres(stack.dbUrl, { max: CONCURRENCY });
const floor = await startFloorServer(stack.dbUrl);
const floorClient = createClient(floor.url, stack.anonKey, {
  auth: { persistSession: false, autoRefreshToken: false },
  realtime: { transport: ws as never },
});
const id = (i: number) => 1 + ((i * 7919) % ITEMS);
const offset = (i: number) => (i * 37) % (ITEMS - 20);

const scenarios: {
  name: string;
  rest: (i: number) => Promise<unknown>;
  direct: (i: number) => Promise<unknown>;
  /** The same supabase-js call against the bare node:http server (HTTP's own cost). */
  floor?: (i: number) => Promise<unknown>;
}[] = [
  {
    name: 'primary-key select',
    rest: async (i) => {
      const { data, error } = await supabase.from('items').select('*').eq('id', id(i));
      if (error || data?.length !== 1) throw new Error(`rest: ${error?.message ?? 'wrong row count'}`);
    },
    direct: async (i) => {
      const rows = await sql`select * from public.items where id = ${id(i)}`;
      if (rows.length !== 1) throw new Error('direct: wrong row count');
    },
    floor: async (i) => {
      const { data, error } = await floorClient.from('items').select('*').eq('id', id(i));
      if (error || data?.length !== 1) throw new Error(`floor: ${error?.message ?? 'wrong row count'}`);
    },
  },
  {
    name: '20 rows + embedded owner',
    rest: async (i) => {
      const { data, error } = await supabase
        .from('items')
        .select('id, title, score, owner:owners(name)')
        .order('id')
        .range(offset(i), offset(i) + 19);
      if (error || data?.length !== 20) throw new Error(`rest: ${error?.message ?? 'wrong row count'}`);
    },
    direct: async (i) => {
      // The shape a careful developer writes (and /rest/v1 generates): page first, then look up.
      const rows = await sql`
        select i.id, i.title, i.score,
          (select json_build_object('name', o.name) from public.owners o where o.id = i.owner_id) as owner
        from public.items i order by i.id limit 20 offset ${offset(i)}`;
      if (rows.length !== 20) throw new Error('direct: wrong row count');
    },
  },
];

const out = (line: string) => process.stdout.write(`${line}\n`);
const f = (n: number) => n.toFixed(2);
out(
  `\nREST vs direct SQL — ${REQUESTS} requests per loaded cell, ${cpus().length} cores, Node ${process.version}\n`,
);
out('| query | path | req/s | p50 ms | p99 ms |');
out('|---|---|---|---|---|');
const ratios: string[] = [];
// Loaded (throughput) and one at a time (latency without queueing).
for (const concurrency of [CONCURRENCY, 1]) {
  for (const scenario of scenarios) {
    const total = concurrency === 1 ? Math.ceil(REQUESTS / 4) : REQUESTS;
    const options = { total, concurrency, warmup: 200 };
    const direct = await runLoad(scenario.direct, options);
    const bare = scenario.floor ? await runLoad(scenario.floor, options) : undefined;
    const rest = await runLoad(scenario.rest, options);
    const name = `${scenario.name}, concurrency ${concurrency}`;
    const rows = [
      ['direct SQL (postgres.js)', direct],
      ...(bare ? [['supabase-js → bare node:http + postgres.js', bare] as const] : []),
      ['supabase-js → /rest/v1', rest],
    ] as const;
    for (const [path, r] of rows) {
      const p50 = f(percentile(r.latencies, 50));
      out(`| ${name} | ${path} | ${r.perSecond.toFixed(0)} | ${p50} | ${f(percentile(r.latencies, 99))} |`);
    }
    const latency = f(percentile(rest.latencies, 50) / percentile(direct.latencies, 50));
    ratios.push(
      `${name}: REST p50 ${latency}× direct, throughput ${f(direct.perSecond / rest.perSecond)}× lower`,
    );
    if (bare) {
      ratios.push(
        `${name}: bare HTTP p50 ${f(percentile(bare.latencies, 50) / percentile(direct.latencies, 50))}× direct; REST p50 ${f(percentile(rest.latencies, 50) / percentile(bare.latencies, 50))}× bare HTTP, throughput ${f(bare.perSecond / rest.perSecond)}× lower`,
      );
    }
  }
}
out('');
for (const line of ratios) out(`- ${line}`);

await sql.end();
await floor.stop();
await stack.stop();
await rm(dataRoot, { recursive: true, force: true });
await rm(projectDir, { recursive: true, force: true });

/** Spawns bench/http-floor-server.ts in its own process, like the stack. */
async function startFloorServer(databaseUrl: string): Promise<{ url: string; stop(): Promise<void> }> {
  const server = new URL('./http-floor-server.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', server, databaseUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  const port = /listening (\d+)/.exec(chunk.toString())?.[1];
  if (!port) throw new Error(`floor server did not start: ${chunk.toString()}`);
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      await exited;
    },
  };
}
