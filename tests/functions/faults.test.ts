/**
 * Faults, each isolated: a handler that throws, a process that crashes, a handler that hangs or
 * spins, workers that cannot boot, bodies over the limit. Each answers its own request with the
 * runtime's error (functions-cli.md §5.8) and leaves the gateway and every other function
 * serving.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FunctionsHttpError } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionsStack, projectCopy } from './helpers.ts';

let project: Awaited<ReturnType<typeof projectCopy>>;

// Broken functions are written into a copy of the fixture: `npm run check` type-checks the
// fixture itself, and these would not pass.
const BROKEN: Record<string, string> = {
  'boot-throws': "throw new Error('refusing to boot');\n",
  'syntax-error': 'Deno.serve((request) => { return new Response(\n',
  'jsr-import':
    "import { assert } from 'jsr:@std/assert@1';\nDeno.serve(() => { assert(true); return new Response('ok'); });\n",
  'no-handler': "console.log('loaded, but serving nothing');\n",
};

beforeAll(async () => {
  project = await projectCopy();
  for (const [slug, source] of Object.entries(BROKEN)) {
    const dir = join(project.dir, 'supabase', 'functions', slug);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'index.ts'), source);
  }
});
afterAll(async () => {
  await project?.remove();
});

const fns = functionsStack({
  projectDir: () => project.dir,
  functions: { wallClockMs: 1_500, maxRequestBodyBytes: 64 * 1024, handlerWaitMs: 200 },
});

const auth = () => ({ authorization: `Bearer ${fns.stack.anonKey}` });
const post = (path: string, init: RequestInit = {}) =>
  fns.call(path, {
    method: 'POST',
    ...init,
    headers: { ...auth(), ...(init.headers as Record<string, string>) },
  });
const runtimeError = async (response: Response) => ({ status: response.status, body: await response.json() });

/** Proof that everything else still serves: another function, and the gateway's other services. */
async function othersStillServe(): Promise<void> {
  expect((await post('/echo')).status).toBe(200);
  expect((await fns.call('/_internal/health')).status).toBe(200);
  const settings = await fetch(`${fns.stack.apiUrl}/auth/v1/settings`, {
    headers: { apikey: fns.stack.anonKey },
  });
  expect(settings.status).toBe(200);
}

describe('faults', () => {
  it('a handler that throws answers 500 WORKER_ERROR, and its worker keeps serving', async () => {
    expect(await runtimeError(await post('/throws'))).toEqual({
      status: 500,
      body: { code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' },
    });
    const { error } = await fns.client().functions.invoke('throws');
    expect(error).toBeInstanceOf(FunctionsHttpError);
    expect((await post('/throws?fine')).status).toBe(200);
    await othersStillServe();
  });

  it('a crashing process fails its request with WORKER_ERROR; the next request boots a new one', async () => {
    const before = (await (await post('/crash')).json()) as { pid: number };
    expect(await runtimeError(await post('/crash?exit'))).toEqual({
      status: 500,
      body: { code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' },
    });
    const after = (await (await post('/crash')).json()) as { pid: number };
    expect(after.pid).not.toBe(before.pid);
    await othersStillServe();
  });

  it('a handler that never answers is cut off at the wall clock with 546 WORKER_LIMIT', async () => {
    const hanging = post('/hang');
    // While it hangs, everything else answers.
    await othersStillServe();
    expect(await runtimeError(await hanging)).toEqual({
      status: 546,
      body: {
        code: 'WORKER_LIMIT',
        message: 'Worker failed to respond due to a resource limit (please check logs)',
      },
    });
    expect((await post('/hang?ok')).status).toBe(200);
  });

  it('a busy loop is cut off too, and its worker replaced', async () => {
    expect((await post('/hang?busy')).status).toBe(546);
    expect(await (await post('/hang?ok')).text()).toBe('ok');
    await othersStillServe();
  });

  it.each(Object.keys(BROKEN))('%s fails to boot with 503 BOOT_ERROR', async (slug) => {
    expect(await runtimeError(await post(`/${slug}`))).toEqual({
      status: 503,
      body: { code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' },
    });
    await othersStillServe();
  });

  it('says why jsr: imports fail on this machine', async () => {
    await post('/jsr-import');
    expect(
      fns.logs.some((line) => line.includes('jsr: and https: imports cannot be fetched on this machine')),
    ).toBe(true);
  });

  it('refuses bodies over the limit with 413, declared or streamed', async () => {
    const big = new Uint8Array(100 * 1024);
    expect(await runtimeError(await post('/echo', { body: big }))).toEqual({
      status: 413,
      body: { code: 'REQUEST_TOO_LARGE', message: `Request body exceeds the limit of ${64 * 1024} bytes` },
    });
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(16 * 1024));
        controller.close();
      },
    });
    const response = await post('/echo', { body: streamed, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(413);
    await othersStillServe();
  });
});
