/**
 * Edge functions: warm invoke of a trivial function through the stack (gateway, verify_jwt,
 * proxy to the warm Deno worker) vs the same handler served by Deno directly, side by side in
 * one run; and the cold start of a function (first request to a worker not yet booted) vs a
 * bare `deno run` of the same module to its first response.
 *
 * Run: npm run bench:functions   (env REQUESTS, CONCURRENCY, COLD)
 */
import { spawn } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createClient } from '@supabase/supabase-js';
import ws from 'ws';
import { denoBinary } from '../stack/src/functions/index.ts';
import { tempProject } from '../tests/helpers/project.ts';
import { spawnReady } from './spawn.ts';
import { percentile } from './stats.ts';

const REQUESTS = Number(process.env.REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16);
const COLD = Number(process.env.COLD ?? 10);
const HANDLER = `(request: Request) => new Response('ok', { headers: { 'content-type': 'text/plain' } })`;

const projectDir = await tempProject({});
const functionsDir = join(projectDir, 'supabase', 'functions');
for (const slug of ['trivial', ...Array.from({ length: COLD }, (_, i) => `cold-${i}`)]) {
  await mkdir(join(functionsDir, slug), { recursive: true });
  await writeFile(join(functionsDir, slug, 'index.ts'), `Deno.serve(${HANDLER});\n`);
}
const directScript = join(projectDir, 'direct.ts');
await writeFile(
  directScript,
  `Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(JSON.stringify({ port })) }, ${HANDLER});\n`,
);
const denoDir = join(tmpdir(), 'watchroom-deno');

const stack = await spawnReady<{ apiUrl: string; anonKey: string }>(
  new URL('./stack-process.ts', import.meta.url),
  [JSON.stringify({ projectDir, functions: { denoDir } })],
);
const { apiUrl, anonKey } = stack.ready;

/** A Deno process serving the handler directly; resolves with its port and the time to ready. */
async function directDeno(): Promise<{ port: number; readyMs: number; stop(): void }> {
  const started = performance.now();
  const child = spawn(
    denoBinary(),
    ['run', '--allow-all', '--quiet', '--no-config', '--no-lock', directScript],
    {
      env: { ...process.env, DENO_DIR: denoDir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) =>
      resolve((JSON.parse(line) as { port: number }).port),
    );
    child.once('exit', (code) => reject(new Error(`deno exited ${code}`)));
  });
  return { port, readyMs: performance.now() - started, stop: () => child.kill() };
}

/** Sends `total` requests `concurrency` at a time; per-request latency and overall rate. */
async function load(total: number, concurrency: number, call: () => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) {
        const t0 = performance.now();
        await call();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, perSecond: total / ((performance.now() - started) / 1000) };
}

const expectOk = async (response: Response) => {
  if (!response.ok) throw new Error(`status ${response.status}`);
  await response.text();
};

const direct = await directDeno();
const supabase = createClient(apiUrl, anonKey, { realtime: { transport: ws as never } });
const paths = {
  'Deno.serve directly (fetch)': () => fetch(`http://127.0.0.1:${direct.port}/trivial`).then(expectOk),
  'stack /functions/v1 (fetch)': () =>
    fetch(`${apiUrl}/functions/v1/trivial`, {
      method: 'POST',
      headers: { apikey: anonKey, authorization: `Bearer ${anonKey}` },
    }).then(expectOk),
  'stack, supabase-js functions.invoke': async () => {
    const { error } = await supabase.functions.invoke('trivial');
    if (error) throw error;
  },
};

// Warm-up: boots the worker and fills connection pools on every path.
for (const call of Object.values(paths)) await load(200, 4, call);

const rows: { path: string; concurrency: number; p50: number; p99: number; perSecond: number }[] = [];
for (const concurrency of [1, CONCURRENCY]) {
  for (const [path, call] of Object.entries(paths)) {
    const total = concurrency === 1 ? Math.ceil(REQUESTS / 4) : REQUESTS;
    const { latencies, perSecond } = await load(total, concurrency, call);
    rows.push({
      path,
      concurrency,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      perSecond,
    });
  }
}

// Cold starts: the first request to each not-yet-booted function, and bare deno runs.
const coldStack: number[] = [];
for (let i = 0; i < COLD; i++) {
  const t0 = performance.now();
  await fetch(`${apiUrl}/functions/v1/cold-${i}`, {
    method: 'POST',
    headers: { apikey: anonKey, authorization: `Bearer ${anonKey}` },
  }).then(expectOk);
  coldStack.push(performance.now() - t0);
}
const coldDirect: number[] = [];
for (let i = 0; i < COLD; i++) {
  const t0 = performance.now();
  const server = await directDeno();
  await fetch(`http://127.0.0.1:${server.port}/`).then(expectOk);
  coldDirect.push(performance.now() - t0);
  server.stop();
}

direct.stop();
await stack.stop();
await rm(projectDir, { recursive: true, force: true });

const out = (line: string) => process.stdout.write(`${line}\n`);
const f = (n: number) => n.toFixed(2);
out(
  `\nEdge functions — trivial handler, ${REQUESTS} requests, ${cpus().length} cores, Node ${process.version}\n`,
);
out('| path | concurrency | req/s | p50 ms | p99 ms |');
out('|---|---|---|---|---|');
for (const r of rows)
  out(`| ${r.path} | ${r.concurrency} | ${r.perSecond.toFixed(0)} | ${f(r.p50)} | ${f(r.p99)} |`);
for (const concurrency of [1, CONCURRENCY]) {
  const at = (path: string) => rows.find((r) => r.path === path && r.concurrency === concurrency);
  const overhead =
    (at('stack /functions/v1 (fetch)')?.p50 ?? 0) - (at('Deno.serve directly (fetch)')?.p50 ?? 0);
  out(`\nWarm overhead at p50, concurrency ${concurrency}: ${f(overhead)} ms (stack fetch − direct fetch)`);
}
out(`\n| cold start (${COLD} runs) | p50 ms | p99 ms | max ms |`);
out('|---|---|---|---|');
for (const [name, values] of [
  ['first request to a function (stack boots its worker)', coldStack],
  ['bare deno run to first response (baseline)', coldDirect],
] as const) {
  out(
    `| ${name} | ${f(percentile(values, 50))} | ${f(percentile(values, 99))} | ${f(Math.max(...values))} |`,
  );
}
