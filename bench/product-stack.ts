/**
 * The product's backend (`supabase/` as it is) on a stack in its own process, for benchmarks
 * that drive it through real clients. The project is copied to a temporary directory so that
 * `supabase/functions/.env` can lift the control rate limit (one host sends every control of a
 * run), as a deployment would set it.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnReady } from './spawn.ts';

export interface ProductStack {
  readonly apiUrl: string;
  readonly anonKey: string;
  stop(): Promise<void>;
}

export async function productStack(extra: Record<string, unknown> = {}): Promise<ProductStack> {
  const projectDir = await mkdtemp(join(tmpdir(), 'watchroom-bench-product-'));
  await cp(new URL('../supabase', import.meta.url).pathname, join(projectDir, 'supabase'), {
    recursive: true,
  });
  await writeFile(join(projectDir, 'supabase', 'functions', '.env'), 'WATCHROOM_CONTROL_RATE=1000000/1s\n');
  const stack = await spawnReady<{ apiUrl: string; anonKey: string }>(
    new URL('./stack-process.ts', import.meta.url),
    [JSON.stringify({ projectDir, functions: { denoDir: join(tmpdir(), 'watchroom-deno') }, ...extra })],
  );
  return {
    ...stack.ready,
    async stop() {
      await stack.stop();
      await rm(projectDir, { recursive: true, force: true });
    },
  };
}
